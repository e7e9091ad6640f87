import { describe, expect, it } from "vitest";
import { condition, conn, type Json, trigger, webhook, workflow } from "../fixtures/builders";
import { type WorkflowDefinition, workflowShapeSchema } from "../index";
import { checkTemplates, type ExprStatic, positionIn } from "./check";

/**
 * A stand-in for engine/expr good enough for simple paths: it lets these
 * tests pin the site walk, the scopes and the position arithmetic without
 * depending on the real parser (which has its own tests).
 */
const fakeExpr: ExprStatic = {
	parse(expression) {
		const bad = expression.indexOf("||");
		if (bad !== -1) throw { reason: "unexpected |", offset: bad };
	},
	references(expression) {
		return [...expression.matchAll(/\.(outputs|response|inputs)(?:\.([A-Za-z_][\w-]*))?/g)].map(
			(m) => ({
				segments: [m[1], m[2]].filter((s): s is string => s !== undefined),
				offset: m.index,
			}),
		);
	},
	templates(text) {
		if (/\{\{(?!.*\}\})/.test(text))
			throw { reason: "unterminated template", offset: text.indexOf("{{") };
		return [...text.matchAll(/\{\{(.*?)\}\}/g)].map((m) => ({
			expression: m[1] ?? "",
			offset: (m.index ?? 0) + 2,
			start: m.index ?? 0,
			end: (m.index ?? 0) + m[0].length,
		}));
	},
};

/** Shape only: these definitions break template rules on purpose. */
function parse(def: Json): WorkflowDefinition {
	return workflowShapeSchema.parse(def);
}

// trigger → a → b, and trigger → side (a parallel branch, not upstream of b)
function chain(changes: { a?: Json; b?: Json; extra?: Json }): WorkflowDefinition {
	return parse(
		workflow(
			[trigger(), webhook("a", changes.a ?? {}), webhook("b", changes.b ?? {}), webhook("side")],
			[conn("c1", "trigger", "a"), conn("c2", "a", "b"), conn("c3", "trigger", "side")],
			changes.extra ?? {},
		),
	);
}

type Case = [
	string,
	WorkflowDefinition,
	Array<[string, string, { line: number; column: number }?]>,
];

const cases: Case[] = [
	["upstream reads are fine", chain({ b: { runIf: ".outputs.a.ok and .outputs.trigger.x" } }), []],
	[
		"a parallel branch is not upstream",
		chain({ b: { variables: { v: "{{ .outputs.side.id }}" } } }),
		[["/nodes/2/variables/v", "template_not_upstream", { line: 1, column: 4 }]],
	],
	[
		"downstream node in a webhook body",
		parse(
			workflow(
				[
					trigger(),
					webhook("a", {}, { body: { x: ["ok", "id {{ .outputs.b.id }}"] } }),
					webhook("b"),
				],
				[conn("c1", "trigger", "a"), conn("c2", "a", "b")],
			),
		),
		[["/nodes/1/config/body/x/1", "template_not_upstream", { line: 1, column: 7 }]],
	],
	[
		"unknown node",
		chain({ b: { forEach: ".outputs.ghost.items" } }),
		[["/nodes/2/forEach", "template_unknown_node", { line: 1, column: 1 }]],
	],
	[
		"own output",
		chain({ a: { runIf: "{{ .outputs.a.done }}" } }),
		[["/nodes/1/runIf", "template_not_upstream", { line: 1, column: 4 }]],
	],
	[
		".response outside variables",
		parse(
			workflow(
				[trigger(), webhook("a", {}, { headers: { "X-Id": "{{ .response.id }}" } })],
				[conn("c1", "trigger", "a")],
			),
		),
		[
			[
				"/nodes/1/config/headers/X-Id",
				"template_response_outside_variables",
				{ line: 1, column: 4 },
			],
		],
	],
	[
		".response inside variables",
		chain({ a: { variables: { id: "{{ .response.data.id }}" } } }),
		[],
	],
	[
		".response inside retry.until, which is an expression (a syntax error points into it)",
		chain({ a: { retry: { maxAttempts: 3, until: '.response.data.state == "done" || x' } } }),
		[["/nodes/1/retry/until", "template_syntax", { line: 1, column: 32 }]],
	],
	[
		"retry.until reads .response and upstream outputs only",
		chain({ b: { retry: { maxAttempts: 3, until: ".response.ok and .outputs.side.ok" } } }),
		[["/nodes/2/retry/until", "template_not_upstream", { line: 1, column: 18 }]],
	],
	[
		"syntax error position is inside the string",
		chain({ b: { variables: { msg: "line1\nhello {{ .a || .b }}" } } }),
		[["/nodes/2/variables/msg", "template_syntax", { line: 2, column: 13 }]],
	],
	[
		"mixed text in an expression field",
		chain({ b: { runIf: "yes {{ .inputs.x }}" } }),
		[["/nodes/2/runIf", "expression_mixed_template"]],
	],
	[
		"unterminated template",
		chain({ b: { variables: { v: "x {{ .inputs.a" } } }),
		[["/nodes/2/variables/v", "template_syntax", { line: 1, column: 3 }]],
	],
	["one wrapped template in an expression field", chain({ b: { runIf: " {{ .inputs.x }} " } }), []],
	[
		"workflow outputs may read any node but not unknown ones",
		chain({ extra: { outputs: { a: "{{ .outputs.side }}", b: "{{ .outputs.nope }}" } } }),
		[["/outputs/b", "template_unknown_node", { line: 1, column: 4 }]],
	],
	[
		"condition options are checked against the condition's upstream",
		parse(
			workflow(
				[trigger(), condition("check", ["x"]), webhook("after")],
				[
					conn("c1", "trigger", "check"),
					conn("c2", "check", "after", { sourceOptionIdentifier: "x" }),
				],
			),
		),
		[],
	],
];

describe("checkTemplates (with a stand-in parser)", () => {
	it.each(cases)("%s", (_name, def, expected) => {
		const found = checkTemplates(def, fakeExpr).map((i) =>
			i.position ? [i.pointer, i.code, i.position] : [i.pointer, i.code],
		);
		expect(found).toEqual(expected);
	});

	it("positionIn counts lines and columns from 1", () => {
		expect(positionIn("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
		expect(positionIn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
	});
});

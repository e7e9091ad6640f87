import { describe, expect, it } from "vitest";
import { condition, conn, type Json, trigger, webhook, workflow } from "./fixtures/builders";
import { validateDefinition } from "./index";

// trigger → check →(prod) deploy ; trigger → side (parallel, not upstream of deploy)
function def(deploy: Json = {}, deployConfig: Json = {}, extra: Json = {}): Json {
	return workflow(
		[
			trigger(),
			condition("check", ["prod"]),
			webhook("deploy", deploy, deployConfig),
			webhook("side"),
		],
		[
			conn("c1", "trigger", "check"),
			conn("c2", "check", "deploy", { sourceOptionIdentifier: "prod" }),
			conn("c3", "trigger", "side"),
		],
		extra,
	);
}

type Found = [string, string, { line: number; column: number }?];

const cases: Array<[string, Json, Found[]]> = [
	[
		"upstream reads, .response in variables, nested braces, dynamic keys",
		def(
			{ variables: { id: "{{ .response.data.id }}", all: "{{ .outputs | keys }}" } },
			{
				url: "https://example.com/{{ .outputs.trigger.service }}",
				body: { obj: "{{ {a: {b: .outputs.check}} }}", key: "{{ .outputs[.inputs.k] }}" },
			},
			{ outputs: { side: "{{ .outputs.side.id }}" } },
		),
		[],
	],
	[
		"syntax error with its position in the string",
		def({}, { body: { text: "hello {{ .outputs.trigger.x | }}" } }),
		[["/nodes/2/config/body/text", "template_syntax", { line: 1, column: 31 }]],
	],
	[
		"unterminated template",
		def({}, { headers: { "X-A": "{{ .inputs.a" } }),
		[["/nodes/2/config/headers/X-A", "template_syntax", { line: 1, column: 1 }]],
	],
	[
		"unknown function is a syntax issue",
		def({ runIf: "nosuchfn(1)" }),
		[["/nodes/2/runIf", "template_syntax"]],
	],
	[
		"parallel branch is not upstream",
		def({}, { body: { v: "{{ .outputs.side.id }}" } }),
		[["/nodes/2/config/body/v", "template_not_upstream"]],
	],
	[
		"unknown node in forEach",
		def({ forEach: { items: ".outputs.ghost.list" } }),
		[["/nodes/2/forEach/items", "template_unknown_node"]],
	],
	[
		".response outside variables",
		def({ runIf: ".response.status == 200" }),
		[["/nodes/2/runIf", "template_response_outside_variables"]],
	],
	[
		"workflow outputs reading an unknown node",
		def({}, {}, { outputs: { x: "{{ .outputs.ghost }}" } }),
		[["/outputs/x", "template_unknown_node"]],
	],
	[
		"text mixed into an expression field",
		def({ runIf: "ok {{ .inputs.x }}" }),
		[["/nodes/2/runIf", "expression_mixed_template"]],
	],
	[
		"secrets where a request leaves Stepline: a WEBHOOK node's url, headers, query and body",
		def(
			{},
			{
				url: "https://api.example.com/{{ .secrets.PATH }}",
				headers: { Authorization: 'Basic {{ (.secrets.USER + ":" + .secrets.PASS) | @base64 }}' },
				query: { key: '{{ .secrets["api-key"] }}' },
				body: { token: "{{ .secrets.TOKEN }}", nested: ["x {{ .secrets.TOKEN }}"] },
			},
		),
		[],
	],
	[
		"secrets anywhere else: variables, workflow outputs, runIf, forEach, conditions, DELAY until",
		workflow(
			[
				trigger(),
				{
					identifier: "check",
					config: {
						type: "CONDITION",
						options: [{ identifier: "yes", expression: '.secrets.TOKEN == "x"' }],
					},
				},
				webhook(
					"call",
					{
						variables: { copy: "{{ .secrets.TOKEN }}" },
						runIf: ".secrets.FLAG",
						forEach: { items: '{{ .secrets.LIST | split(",") }}' },
					},
					{},
				),
				{ identifier: "wait", config: { type: "DELAY", until: "{{ .secrets.WHEN }}" } },
			],
			[
				conn("c1", "trigger", "check"),
				conn("c2", "check", "call", { sourceOptionIdentifier: "yes" }),
				conn("c3", "call", "wait"),
			],
			{ outputs: { leaked: "{{ .secrets.TOKEN }}" } },
		),
		[
			["/nodes/1/config/options/0/expression", "template_secret_outside_request"],
			["/nodes/2/runIf", "template_secret_outside_request"],
			["/nodes/2/forEach/items", "template_secret_outside_request"],
			["/nodes/2/variables/copy", "template_secret_outside_request"],
			["/nodes/3/config/until", "template_secret_outside_request"],
			["/outputs/leaked", "template_secret_outside_request"],
		],
	],
	[
		"secrets read as a whole or by a computed name, even in a request",
		def({}, { body: { all: "{{ .secrets }}", some: "{{ .secrets[.inputs.which] }}" } }),
		[
			["/nodes/2/config/body/all", "template_secret_name_required"],
			["/nodes/2/config/body/some", "template_secret_name_required"],
		],
	],
];

describe("template checks with engine/expr", () => {
	it.each(cases)("%s", (_name, definition, expected) => {
		const result = validateDefinition(definition);
		const found = result.ok ? [] : result.issues;
		expect(found.map((i) => [i.pointer, i.code])).toEqual(expected.map(([p, c]) => [p, c]));
		for (const [k, [, , position]] of expected.entries()) {
			if (position) expect(found[k]?.position).toEqual(position);
		}
	});

	it("checks CONDITION options, and EVENT_TRIGGER conditions for syntax only (they read the event)", () => {
		const bad = workflow(
			[
				{
					identifier: "on_event",
					config: {
						type: "EVENT_TRIGGER",
						event: { type: "deploy.finished" },
						condition: {
							type: "JQ",
							expressions: [".outputs.check.x", ".a ==", ".ok"],
							combinator: "or",
						},
					},
				},
				condition("check", ["prod"]),
			],
			[conn("c1", "on_event", "check")],
		);
		(bad.nodes as Json[])[1] = {
			identifier: "check",
			config: {
				type: "CONDITION",
				options: [{ identifier: "prod", expression: ".outputs.on_event.env ==" }],
			},
		};
		const result = validateDefinition(bad);
		if (result.ok) throw new Error("expected issues");
		expect(result.issues.map((i) => [i.pointer, i.code])).toEqual([
			["/nodes/0/config/condition/expressions/1", "template_syntax"],
			["/nodes/1/config/options/0/expression", "template_syntax"],
		]);
	});
});

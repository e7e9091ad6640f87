import { describe, expect, it } from "vitest";
import {
	condition,
	conn,
	type Json,
	minimal,
	trigger,
	webhook,
	workflow,
} from "./fixtures/builders";
import { MAX_CONNECTIONS, MAX_NODES, validateDefinition } from "./index";

/** [rule, definition, expected pointer, expected code]; each definition breaks exactly one rule. */
type Case = [string, Json, string, string];

function with_(change: (def: Json & { nodes: Json[]; connections: Json[] }) => void): Json {
	const def = minimal() as Json & { nodes: Json[]; connections: Json[] };
	change(def);
	return def;
}

const shapeCases: Case[] = [
	[
		"unknown top-level field",
		with_((d) => {
			d.owner = "me";
		}),
		"/owner",
		"unknown_field",
	],
	[
		"unknown node field",
		with_((d) => {
			(d.nodes[1] as Json).color = "red";
		}),
		"/nodes/1/color",
		"unknown_field",
	],
	[
		"unknown config field",
		with_((d) => {
			((d.nodes[1] as Json).config as Json).verb = "POST";
		}),
		"/nodes/1/config/verb",
		"unknown_field",
	],
	[
		"unknown connection field",
		with_((d) => {
			(d.connections[0] as Json).label = "x";
		}),
		"/connections/0/label",
		"unknown_field",
	],
	[
		"unknown node type",
		with_((d) => {
			(d.nodes[1] as Json).config = { type: "KAFKA" };
		}),
		"/nodes/1/config/type",
		"unknown_node_type",
	],
	[
		"missing node type",
		with_((d) => {
			(d.nodes[1] as Json).config = {};
		}),
		"/nodes/1/config/type",
		"unknown_node_type",
	],
	[
		"identifier starting with a digit",
		with_((d) => {
			d.identifier = "1flow";
		}),
		"/identifier",
		"invalid_format",
	],
	[
		"identifier with a space",
		with_((d) => {
			(d.nodes[1] as Json).identifier = "send it";
		}),
		"/nodes/1/identifier",
		"invalid_format",
	],
	[
		"identifier over 100 characters",
		with_((d) => {
			d.identifier = `a${"b".repeat(100)}`;
		}),
		"/identifier",
		"too_big",
	],
	[
		"missing title",
		with_((d) => {
			delete d.title;
		}),
		"/title",
		"missing_field",
	],
	[
		"no nodes",
		with_((d) => {
			d.nodes = [];
			d.connections = [];
		}),
		"/nodes",
		"too_small",
	],
	[
		"bad duration",
		with_((d) => {
			(d.nodes[1] as Json).timeout = "30 seconds";
		}),
		"/nodes/1/timeout",
		"invalid_value",
	],
	[
		"duration over 365 days",
		with_((d) => {
			d.timeout = "400d";
		}),
		"/timeout",
		"invalid_value",
	],
	[
		"ISO months refused",
		with_((d) => {
			d.timeout = "P1M";
		}),
		"/timeout",
		"invalid_value",
	],
	[
		"retry maxAttempts over 20",
		with_((d) => {
			(d.nodes[1] as Json).retry = { maxAttempts: 21 };
		}),
		"/nodes/1/retry/maxAttempts",
		"too_big",
	],
	[
		"retry maxDelay below initialDelay",
		with_((d) => {
			(d.nodes[1] as Json).retry = { maxAttempts: 2, initialDelay: "10s", maxDelay: "1s" };
		}),
		"/nodes/1/retry/maxDelay",
		"invalid_value",
	],
	[
		"unknown backoff",
		with_((d) => {
			(d.nodes[1] as Json).retry = { maxAttempts: 2, backoff: "fibonacci" };
		}),
		"/nodes/1/retry/backoff",
		"invalid_value",
	],
	[
		"forEach concurrency 0",
		with_((d) => {
			(d.nodes[1] as Json).forEach = { items: ".inputs.x", concurrency: 0 };
		}),
		"/nodes/1/forEach/concurrency",
		"too_small",
	],
	[
		"joinStrategy not all|any",
		with_((d) => {
			(d.nodes[1] as Json).joinStrategy = "first";
		}),
		"/nodes/1/joinStrategy",
		"invalid_value",
	],
	[
		"webhook url not http(s)",
		with_((d) => {
			((d.nodes[1] as Json).config as Json).url = "ftp://x";
		}),
		"/nodes/1/config/url",
		"invalid_value",
	],
	[
		"webhook method unknown",
		with_((d) => {
			((d.nodes[1] as Json).config as Json).method = "FETCH";
		}),
		"/nodes/1/config/method",
		"invalid_value",
	],
	[
		"bad cron",
		with_((d) => {
			d.nodes[0] = {
				identifier: "trigger",
				config: { type: "SCHEDULE_TRIGGER", cron: "61 * * * *" },
			};
		}),
		"/nodes/0/config/cron",
		"invalid_value",
	],
	[
		"unknown time zone",
		with_((d) => {
			d.nodes[0] = {
				identifier: "trigger",
				config: { type: "SCHEDULE_TRIGGER", cron: "* * * * *", timezone: "Mars/Olympus" },
			};
		}),
		"/nodes/0/config/timezone",
		"invalid_value",
	],
	[
		"event condition combinator",
		with_((d) => {
			d.nodes[0] = {
				identifier: "trigger",
				config: {
					type: "EVENT_TRIGGER",
					event: { type: "X" },
					condition: { type: "JQ", expressions: ["true"], combinator: "xor" },
				},
			};
		}),
		"/nodes/0/config/condition/combinator",
		"invalid_value",
	],
	[
		"DELAY until not a timestamp",
		with_((d) => {
			d.nodes[1] = { identifier: "a", config: { type: "DELAY", until: "tomorrow" } };
		}),
		"/nodes/1/config/until",
		"invalid_value",
	],
	[
		"too deeply nested body",
		with_((d) => {
			let v: unknown = 1;
			for (let i = 0; i < 10_000; i++) v = [v];
			((d.nodes[1] as Json).config as Json).body = v;
		}),
		"/nodes/1/config/body",
		"invalid_value",
	],
	[
		"body not JSON (non-finite number)",
		with_((d) => {
			((d.nodes[1] as Json).config as Json).body = { n: Number.POSITIVE_INFINITY };
		}),
		"/nodes/1/config/body",
		"invalid_value",
	],
	[
		"too many nodes",
		workflow([trigger(), ...Array.from({ length: MAX_NODES }, (_, i) => webhook(`n${i}`))]),
		"/nodes",
		"too_big",
	],
	[
		"too many connections",
		workflow(
			[trigger(), webhook("a")],
			Array.from({ length: MAX_CONNECTIONS + 1 }, (_, i) => conn(`c${i}`, "trigger", "a")),
		),
		"/connections",
		"too_big",
	],
];

const checkCases: Case[] = [
	[
		"duplicate node identifier",
		with_((d) => {
			d.nodes.push(webhook("a"));
		}),
		"/nodes/2/identifier",
		"duplicate_node_identifier",
	],
	[
		"duplicate connection identifier",
		with_((d) => {
			d.nodes.push(webhook("b"));
			d.connections.push(conn("c1", "a", "b"));
		}),
		"/connections/1/identifier",
		"duplicate_connection_identifier",
	],
	[
		"unknown source",
		with_((d) => {
			d.connections.push(conn("c2", "ghost", "a"));
		}),
		"/connections/1/sourceIdentifier",
		"unknown_source",
	],
	[
		"unknown target",
		with_((d) => {
			d.connections.push(conn("c2", "a", "ghost"));
		}),
		"/connections/1/targetIdentifier",
		"unknown_target",
	],
	[
		"trigger with an incoming connection",
		with_((d) => {
			d.nodes.push(webhook("b"));
			d.connections.push(conn("c2", "b", "trigger"));
		}),
		"/connections/1/targetIdentifier",
		"trigger_has_incoming",
	],
	["no trigger", workflow([webhook("a")]), "/nodes", "no_trigger"],
	[
		"self loop",
		with_((d) => {
			d.connections.push(conn("loop", "a", "a"));
		}),
		"/connections/1/targetIdentifier",
		"cycle",
	],
	[
		"three-node cycle, closing connection named",
		workflow(
			[trigger(), webhook("a"), webhook("b"), webhook("c")],
			[
				conn("c1", "trigger", "a"),
				conn("c2", "a", "b"),
				conn("c3", "b", "c"),
				conn("c4", "c", "a"),
			],
		),
		"/connections/3/targetIdentifier",
		"cycle",
	],
	[
		"unknown condition option",
		workflow(
			[trigger(), condition("check", ["prod"]), webhook("a")],
			[conn("c1", "trigger", "check"), conn("c2", "check", "a", { sourceOptionIdentifier: "dev" })],
		),
		"/connections/1/sourceOptionIdentifier",
		"unknown_source_option",
	],
	[
		"option on a non-branching source",
		with_((d) => {
			(d.connections[0] as Json).sourceOptionIdentifier = "x";
		}),
		"/connections/0/sourceOptionIdentifier",
		"source_option_not_supported",
	],
	[
		"two fallbacks from one node",
		workflow(
			[trigger(), condition("check", ["prod"]), webhook("a"), webhook("b")],
			[
				conn("c1", "trigger", "check"),
				conn("c2", "check", "a", { fallback: true }),
				conn("c3", "check", "b", { fallback: true }),
			],
		),
		"/connections/2/fallback",
		"duplicate_fallback",
	],
	[
		"fallback from a non-CONDITION",
		with_((d) => {
			(d.connections[0] as Json).fallback = true;
		}),
		"/connections/0/fallback",
		"fallback_not_supported",
	],
	[
		"plain connection out of a CONDITION",
		workflow(
			[trigger(), condition("check", ["prod"]), webhook("a")],
			[conn("c1", "trigger", "check"), conn("c2", "check", "a")],
		),
		"/connections/1/sourceOptionIdentifier",
		"condition_connection_without_option",
	],
	[
		"fallback and onError on one connection",
		workflow(
			[trigger(), condition("check", ["prod"]), webhook("a")],
			[conn("c1", "trigger", "check"), conn("c2", "check", "a", { fallback: true, onError: true })],
		),
		"/connections/1/onError",
		"conflicting_connection_kind",
	],
	[
		"same edge twice",
		with_((d) => {
			d.connections.push(conn("c2", "trigger", "a"));
		}),
		"/connections/1/targetIdentifier",
		"duplicate_connection",
	],
	[
		"duplicate condition option",
		workflow([trigger(), condition("check", ["prod", "prod"])], [conn("c1", "trigger", "check")]),
		"/nodes/1/config/options/1/identifier",
		"duplicate_option_identifier",
	],
	[
		"INPUT button to an unknown outlet",
		with_((d) => {
			d.nodes[1] = {
				identifier: "a",
				config: {
					type: "INPUT",
					outlets: [{ identifier: "yes" }],
					buttons: [{ title: "No", outlet: "no" }],
				},
			};
		}),
		"/nodes/1/config/buttons/0/outlet",
		"unknown_outlet",
	],
	[
		"DELAY with both duration and until",
		with_((d) => {
			d.nodes[1] = {
				identifier: "a",
				config: { type: "DELAY", duration: "1s", until: "2030-01-01T00:00:00Z" },
			};
		}),
		"/nodes/1/config/until",
		"delay_duration_and_until",
	],
	[
		"DELAY with neither",
		with_((d) => {
			d.nodes[1] = { identifier: "a", config: { type: "DELAY" } };
		}),
		"/nodes/1/config/duration",
		"delay_missing_duration",
	],
	[
		"RUN_WORKFLOW of itself",
		with_((d) => {
			d.nodes[1] = { identifier: "a", config: { type: "RUN_WORKFLOW", workflowIdentifier: "wf" } };
		}),
		"/nodes/1/config/workflowIdentifier",
		"run_workflow_self",
	],
	[
		"errorWorkflow is itself",
		with_((d) => {
			d.errorWorkflow = "wf";
		}),
		"/errorWorkflow",
		"error_workflow_self",
	],
	[
		"retry on a trigger",
		with_((d) => {
			d.nodes[0] = trigger("trigger", { retry: { maxAttempts: 2 } });
		}),
		"/nodes/0/retry",
		"option_not_allowed_on_trigger",
	],
	[
		"required input not among properties",
		with_((d) => {
			d.nodes[0] = {
				identifier: "trigger",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: { properties: { a: { type: "string" } }, required: ["a", "b"] },
				},
			};
		}),
		"/nodes/0/config/userInputs/required/1",
		"unknown_input",
	],
];

describe.each([
	["shape", shapeCases],
	["save-time checks", checkCases],
])("%s: each rule names the offending field", (_group, cases) => {
	it.each(cases)("%s", (_rule, def, pointer, code) => {
		const result = validateDefinition(def);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.issues.map((i) => [i.pointer, i.code])).toEqual([[pointer, code]]);
		for (const found of result.issues) expect(found.message.length).toBeGreaterThan(0);
	});
});

describe("messages", () => {
	it("unknown node type lists every known type", () => {
		const result = validateDefinition(
			with_((d) => {
				(d.nodes[1] as Json).config = { type: "WEBHOK" };
			}),
		);
		if (result.ok) throw new Error("expected issues");
		expect(result.issues[0]?.message).toBe(
			'unknown node type "WEBHOK"; known types: SELF_SERVE_TRIGGER, WEBHOOK_TRIGGER, SCHEDULE_TRIGGER, EVENT_TRIGGER, WEBHOOK, CONDITION, INPUT, DELAY, RUN_WORKFLOW',
		);
	});

	it("a cycle names its path", () => {
		const result = validateDefinition(
			workflow(
				[trigger(), webhook("a"), webhook("b")],
				[conn("c1", "trigger", "a"), conn("c2", "a", "b"), conn("c3", "b", "a")],
			),
		);
		if (result.ok) throw new Error("expected issues");
		expect(result.issues[0]?.message).toBe('connection "c3" closes a cycle: a → b → a');
	});

	it("escapes pointer segments per RFC 6901", () => {
		const result = validateDefinition(
			with_((d) => {
				d["a/b~c"] = 1;
			}),
		);
		if (result.ok) throw new Error("expected issues");
		expect(result.issues[0]?.pointer).toBe("/a~1b~0c");
	});

	it("a non-object body is one issue at the root", () => {
		const result = validateDefinition([]);
		if (result.ok) throw new Error("expected issues");
		expect(result.issues).toEqual([expect.objectContaining({ pointer: "", code: "invalid_type" })]);
	});
});

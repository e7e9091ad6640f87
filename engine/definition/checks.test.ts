import { describe, it } from "vitest";
import { condition, conn, type Json, trigger, webhook, workflow } from "./fixtures/builders";
import { type Case, expectOnlyIssue, with_ } from "./fixtures/cases";

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

describe("save-time checks: each rule names the offending field", () => {
	it.each(checkCases)("%s", (_rule, def, pointer, code) => {
		expectOnlyIssue(def, pointer, code);
	});
});

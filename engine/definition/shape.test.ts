import { describe, it } from "vitest";
import { conn, type Json, trigger, webhook, workflow } from "./fixtures/builders";
import { type Case, expectOnlyIssue, with_ } from "./fixtures/cases";
import { MAX_CONNECTIONS, MAX_NODES } from "./index";

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

describe("shape: each rule names the offending field", () => {
	it.each(shapeCases)("%s", (_rule, def, pointer, code) => {
		expectOnlyIssue(def, pointer, code);
	});
});

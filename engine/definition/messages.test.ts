import { describe, expect, it } from "vitest";
import { conn, type Json, trigger, webhook, workflow } from "./fixtures/builders";
import { with_ } from "./fixtures/cases";
import { validateDefinition } from "./index";

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

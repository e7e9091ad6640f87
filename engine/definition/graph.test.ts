import { describe, expect, it } from "vitest";
import { condition, conn, trigger, webhook, workflow } from "./fixtures/builders";
import {
	downstreamOf,
	findCycles,
	incomingOf,
	outgoingOf,
	topologicalOrder,
	upstreamOf,
	validateDefinition,
	type WorkflowDefinition,
} from "./index";

function parse(def: unknown): WorkflowDefinition {
	const result = validateDefinition(def);
	if (!result.ok) throw new Error(JSON.stringify(result.issues));
	return result.definition;
}

// trigger → check →(prod) deploy → notify
//                 →(fallback) skip → notify
//        → audit (parallel branch)
const diamond = parse(
	workflow(
		[
			trigger(),
			condition("check", ["prod"]),
			webhook("deploy"),
			webhook("skip"),
			webhook("notify"),
			webhook("audit"),
		],
		[
			conn("c1", "trigger", "check"),
			conn("c2", "check", "deploy", { sourceOptionIdentifier: "prod" }),
			conn("c3", "check", "skip", { fallback: true }),
			conn("c4", "deploy", "notify"),
			conn("c5", "skip", "notify"),
			conn("c6", "trigger", "audit"),
		],
	),
);

describe("graph helpers", () => {
	it.each([
		["trigger", []],
		["check", ["trigger"]],
		["deploy", ["check", "trigger"]],
		["notify", ["check", "deploy", "skip", "trigger"]],
		["audit", ["trigger"]],
		["missing", []],
	])("upstreamOf(%s)", (node, expected) => {
		expect([...upstreamOf(diamond, node)].sort()).toEqual(expected);
	});

	it("downstreamOf", () => {
		expect([...downstreamOf(diamond, "check")].sort()).toEqual(["deploy", "notify", "skip"]);
	});

	it("incoming and outgoing keep definition order and connection indexes", () => {
		expect(incomingOf(diamond, "notify").map((e) => [e.index, e.connection.identifier])).toEqual([
			[3, "c4"],
			[4, "c5"],
		]);
		expect(outgoingOf(diamond, "trigger").map((e) => e.connection.targetIdentifier)).toEqual([
			"check",
			"audit",
		]);
		expect(incomingOf(diamond, "trigger")).toEqual([]);
	});

	it("topologicalOrder puts every source before its targets", () => {
		const order = topologicalOrder(diamond) ?? [];
		expect(order).toHaveLength(6);
		for (const c of diamond.connections) {
			expect(order.indexOf(c.sourceIdentifier)).toBeLessThan(order.indexOf(c.targetIdentifier));
		}
		expect(findCycles(diamond)).toEqual([]);
	});

	it("finds the closing connection of each cycle and works on unchecked input", () => {
		const cyclic = {
			nodes: [trigger(), webhook("a"), webhook("b")].map((n) => ({ ...n })) as never,
			connections: [
				{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "a" },
				{ identifier: "c2", sourceIdentifier: "a", targetIdentifier: "b" },
				{ identifier: "c3", sourceIdentifier: "b", targetIdentifier: "a" },
				{ identifier: "c4", sourceIdentifier: "b", targetIdentifier: "ghost" },
			],
		};
		expect(findCycles(cyclic).map((c) => [c.edge.index, c.path])).toEqual([[2, ["a", "b", "a"]]]);
		expect(topologicalOrder(cyclic)).toBeUndefined();
		expect([...upstreamOf(cyclic, "a")].sort()).toEqual(["b", "trigger"]);
	});

	it("stays linear on a 200-node chain (no recursion)", () => {
		const nodes = [trigger(), ...Array.from({ length: 199 }, (_, i) => webhook(`n${i}`))];
		const ids = nodes.map((n) => n.identifier as string);
		const connections = ids.slice(1).map((id, i) => conn(`c${i}`, ids[i] as string, id));
		const chain = parse(workflow(nodes, connections));
		expect(upstreamOf(chain, "n198").size).toBe(199);
		expect(topologicalOrder(chain)).toEqual(ids);
	});
});

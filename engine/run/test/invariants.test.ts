/**
 * Generated workflows (seeded, so failures reproduce): random DAGs of webhooks, conditions
 * and delays with random joins, runIf, retries, forEach and onError, answered by random
 * scripts, sometimes cancelled midway. Whatever happens, the invariants must hold and a run
 * rebuilt from storage before every event must tell the same story.
 */
import { describe, expect, it } from "vitest";
import { condition, conn, delay, type Json, trigger, webhook, workflow } from "./defs";
import { Driver, type Scripted } from "./driver";

function lcg(seed: number): () => number {
	let x = seed >>> 0;
	return () => {
		x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
		return x / 2 ** 32;
	};
}

function generate(seed: number): {
	definition: Json;
	script: Record<string, Scripted[]>;
	cancelAfter: number | null;
} {
	const rnd = lcg(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
	const count = 2 + Math.floor(rnd() * 9);
	const nodes: Json[] = [trigger()];
	const connections: Json[] = [];
	const script: Record<string, Scripted[]> = {};
	const outcomes: Scripted[] = [
		{ status: 200 },
		{ status: 200 },
		{ status: 503 },
		{ status: 404 },
		{ network: "ECONNRESET" },
		{ hang: true },
	];
	for (let i = 0; i < count; i++) {
		const id = `n${i}`;
		const extra: Json = {};
		if (rnd() < 0.3) extra.joinStrategy = pick(["all", "any"]);
		if (rnd() < 0.15) extra.runIf = pick(["true", "false", ".inputs.flag"]);
		if (rnd() < 0.2) extra.startDelay = "2s";
		const kind = pick(["webhook", "webhook", "webhook", "condition", "delay"]);
		if (kind === "webhook") {
			if (rnd() < 0.4) extra.retry = { maxAttempts: 1 + Math.floor(rnd() * 3), initialDelay: "1s" };
			if (rnd() < 0.2)
				extra.forEach = { items: "[range(3)]", concurrency: 1 + Math.floor(rnd() * 3) };
			extra.timeout = "5s";
			nodes.push(webhook(id, extra));
			const calls = Array.from({ length: 4 }, () => pick(outcomes));
			script[id] = calls;
			for (let k = 0; k < 3; k++) script[`${id}#${k}`] = calls;
		} else if (kind === "condition") {
			nodes.push(
				condition(
					id,
					[
						["a", pick(["true", "false", ".inputs.flag"])],
						["b", "true"],
					],
					extra,
				),
			);
		} else {
			nodes.push(delay(id, { duration: pick(["1s", "1m"]) }, extra));
		}
		// 1–2 incoming connections from earlier nodes (a DAG by construction).
		const sources = new Set([
			pick(nodes.slice(0, -1)).identifier,
			pick(nodes.slice(0, -1)).identifier,
		]);
		for (const source of sources) {
			const from = nodes.find((n) => n.identifier === source) as Json;
			const type = (from.config as Json).type;
			const options: Json[] =
				type === "CONDITION"
					? [{ sourceOptionIdentifier: "a" }, { sourceOptionIdentifier: "b" }, { fallback: true }]
					: type === "WEBHOOK"
						? [{}, {}, { onError: true }]
						: [{}];
			connections.push(conn(String(source), id, pick(options)));
		}
	}
	const cancelAfter = rnd() < 0.25 ? 1 + Math.floor(rnd() * 6) : null;
	return {
		definition: workflow(nodes, connections, rnd() < 0.2 ? { timeout: "30s" } : {}),
		script,
		cancelAfter,
	};
}

function play(seed: number, persist: boolean): Driver {
	const { definition, script, cancelAfter } = generate(seed);
	const d = new Driver(definition, {
		script,
		persist,
		inputs: { flag: seed % 2 === 0 },
		random: lcg(seed * 7),
	}).start();
	for (let events = 0; events < 2_000; events++) {
		if (d.state?.header.status === "COMPLETED") break;
		if (cancelAfter !== null && events === cancelAfter) {
			d.send({ type: "cancel", by: "fuzz", reason: null });
			continue;
		}
		if (!d.step()) break;
	}
	return d;
}

describe("invariants over generated workflows", () => {
	const seeds = Array.from({ length: 120 }, (_, i) => i + 1);
	it.each(seeds)("seed %i", (seed) => {
		const d = play(seed, false);
		const state = d.state;
		if (state === null) throw new Error("not started");
		// Every run ends, exactly once, with nothing left open.
		expect(state.header.status).toBe("COMPLETED");
		expect(d.transitions.filter((t) => t.ended)).toHaveLength(1);
		expect(state.timers).toEqual({});
		expect(state.header.active).toEqual([]);
		expect(state.header.remaining).toBe(0);
		for (const node of Object.values(state.nodes)) {
			expect(node.status).toBe("COMPLETED");
			expect(node.result).not.toBeNull();
			for (const attempt of node.attempts) expect(attempt.endedAt).not.toBeNull();
		}
		for (const item of Object.values(state.items)) expect(item.status).toBe("COMPLETED");
		// Success means no unhandled failure; SKIPPED nodes had no taken incoming connection.
		if (state.header.result === "SUCCESS") {
			for (const node of Object.values(state.nodes)) expect(node.result).not.toBe("CANCELLED");
		}
		// History is gapless, and each transition reports its own events only.
		expect(d.history.map((h) => h.seq)).toEqual(d.history.map((_, i) => i + 1));
		// A node starts and ends at most once (a forEach's list has its own event).
		for (const type of ["node_started", "node_succeeded", "node_failed"]) {
			const nodes = d.history.filter((h) => h.type === type).map((h) => h.node);
			expect(nodes, type).toEqual([...new Set(nodes)]);
		}
		expect(state.header.lastSeq).toBe(d.history.length);
		// Idempotency keys never depend on the attempt.
		for (const r of d.requests) {
			expect(r.idempotencyKey).toBe(
				r.item === null ? `run_1:${r.node}` : `run_1:${r.node}:${r.item}`,
			);
		}
		// Rebuilt from storage before every event: the same story, the same final state.
		const evicted = play(seed, true);
		expect(evicted.history).toEqual(d.history);
		expect(JSON.parse(JSON.stringify(evicted.state))).toEqual(JSON.parse(JSON.stringify(state)));
	});
});

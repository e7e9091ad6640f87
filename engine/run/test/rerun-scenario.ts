/** One row of the retry tables (scenarios-rerun.ts, scenarios-reuse.ts), played by rerun.test.ts. */
import type { JsonObject, RunReuse } from "../index";
import { condition, conn, type Json, trigger, webhook, workflow } from "./defs";
import type { Driver, Scripted } from "./driver";

export interface RetryScenario {
	name: string;
	definition: Json;
	inputs?: JsonObject;
	/** Script of the earlier run. */
	first: Record<string, Scripted[]>;
	firstResult: "SUCCESS" | "FAILED" | "CANCELLED";
	fromNode?: string;
	/** Engine rule alone: this reuse instead of planRetry's. */
	reuse?: RunReuse;
	/** Script of the retry; every call answers 200 { ok: true } unless listed. */
	script?: Record<string, Scripted[]>;
	expect: {
		restartFrom?: string[];
		rerun?: string[];
		result: "SUCCESS" | "FAILED" | "CANCELLED";
		nodes?: Record<string, "SUCCESS" | "FAILED" | "CANCELLED" | "SKIPPED">;
		/** Nodes called by the retry, in call order. */
		calls: string[];
		/** Nodes that took the earlier run's output (node_reused), in order. */
		reused?: string[];
		taken?: string[];
		history?: RegExp[];
		tookMs?: number;
	};
	check?: (retry: Driver, first: Driver) => void;
}

export const fail = (latencyMs = 10): Scripted => ({ status: 500, latencyMs });
export const later = (latencyMs: number, body: Json = { ok: true }): Scripted => ({
	status: 200,
	body: body as JsonObject,
	latencyMs,
});

/** trigger → check (option big: .inputs.n > 5) → big, fallback → small. */
export const gate = workflow(
	[trigger(), condition("check", [["big", ".inputs.n > 5"]]), webhook("big"), webhook("small")],
	[
		conn("trigger", "check"),
		conn("check", "big", { sourceOptionIdentifier: "big" }),
		conn("check", "small", { fallback: true }),
	],
);

/** trigger → a, b → join c. */
export const parallel = (extraA: Json = {}) =>
	workflow(
		[trigger(), webhook("a", extraA), webhook("b"), webhook("c")],
		[conn("trigger", "a"), conn("trigger", "b"), conn("a", "c"), conn("b", "c")],
	);

/**
 * Scenarios about the shape of the run: parallel branches, joins, skips, forEach, onError,
 * timeouts, workflow outputs and unsupported nodes. Played by engine.test.ts.
 */
import { expect } from "vitest";
import { condition, conn, delay, trigger, webhook, workflow } from "./defs";
import type { Scenario } from "./scenario";

const parallel = (joinStrategy?: "all" | "any") =>
	workflow(
		[trigger(), webhook("a"), webhook("b"), webhook("c", joinStrategy ? { joinStrategy } : {})],
		[conn("trigger", "a"), conn("trigger", "b"), conn("a", "c"), conn("b", "c")],
	);

export const flowScenarios: Scenario[] = [
	{
		name: "parallel branches join with all: the join waits for both",
		definition: parallel(),
		script: { a: [{ status: 200, latencyMs: 50 }], b: [{ status: 200, latencyMs: 500 }] },
		expect: {
			result: "SUCCESS",
			nodes: { a: "SUCCESS", b: "SUCCESS", c: "SUCCESS" },
			tookMs: 510,
			history: [/c started: all 2 incoming branches settled \(2 taken, 0 not taken\)/],
		},
		check: (d) => expect(d.requests.map((r) => r.node)).toEqual(["a", "b", "c"]),
	},
	{
		name: "join any starts on the first branch; the run still waits for the other",
		definition: parallel("any"),
		script: { a: [{ status: 200, latencyMs: 50 }], b: [{ status: 200, latencyMs: 500 }] },
		expect: {
			result: "SUCCESS",
			nodes: { a: "SUCCESS", b: "SUCCESS", c: "SUCCESS" },
			tookMs: 500,
			history: [/joinStrategy any: the first of 2 incoming branches arrived/],
		},
		check: (d) => expect(d.requests.map((r) => r.node)).toEqual(["a", "b", "c"]),
	},
	{
		name: "join all counts a branch not taken as settled",
		definition: workflow(
			[trigger(), condition("check", [["x", "true"]]), webhook("x"), webhook("y"), webhook("z")],
			[
				conn("trigger", "check"),
				conn("check", "x", { sourceOptionIdentifier: "x" }),
				conn("check", "y", { fallback: true }),
				conn("x", "z"),
				conn("y", "z"),
			],
		),
		expect: {
			result: "SUCCESS",
			nodes: { x: "SUCCESS", y: "SKIPPED", z: "SUCCESS" },
			history: [/z started: all 2 incoming branches settled \(1 taken, 1 not taken\)/],
		},
	},
	{
		name: "runIf false skips the node and everything only it leads to",
		definition: workflow(
			[trigger(), webhook("a", { runIf: ".inputs.notify" }), webhook("b"), webhook("c")],
			[conn("trigger", "a"), conn("a", "b"), conn("trigger", "c")],
		),
		inputs: { notify: false },
		expect: {
			result: "SUCCESS",
			nodes: { a: "SKIPPED", b: "SKIPPED", c: "SUCCESS" },
			requests: 1,
			history: [/a skipped: runIf `.inputs.notify` gave false/],
		},
	},
	{
		name: "runIf true runs the node",
		definition: workflow(
			[trigger(), webhook("a", { runIf: "{{ .inputs.notify }}" })],
			[conn("trigger", "a")],
		),
		inputs: { notify: true },
		expect: { result: "SUCCESS", nodes: { a: "SUCCESS" } },
	},
	{
		name: "an onError connection handles the failure and the run succeeds",
		definition: workflow(
			[
				trigger(),
				webhook("a"),
				webhook("next"),
				webhook("cleanup", {}, { body: { why: "{{ .outputs.a }}" } }),
			],
			[conn("trigger", "a"), conn("a", "next"), conn("a", "cleanup", { onError: true })],
		),
		script: { a: [{ status: 500 }] },
		expect: {
			result: "SUCCESS",
			nodes: { a: "FAILED", next: "SKIPPED", cleanup: "SUCCESS" },
			taken: ["a__cleanup_error", "trigger__a"],
			history: [/handled by onError connection a__cleanup_error/],
		},
	},
	{
		name: "onError connections are not taken when the node succeeds",
		definition: workflow(
			[trigger(), webhook("a"), webhook("cleanup")],
			[conn("trigger", "a"), conn("a", "cleanup", { onError: true })],
		),
		expect: { result: "SUCCESS", nodes: { a: "SUCCESS", cleanup: "SKIPPED" } },
	},
	{
		name: "an unhandled failure fails the run and cancels the other open branches",
		definition: workflow(
			[
				trigger(),
				webhook("fast"),
				webhook("slow", { retry: { maxAttempts: 5 } }),
				delay("wait", { duration: "1h" }),
				webhook("after_slow"),
			],
			[
				conn("trigger", "fast"),
				conn("trigger", "slow"),
				conn("trigger", "wait"),
				conn("slow", "after_slow"),
			],
		),
		script: { fast: [{ status: 400, latencyMs: 100 }], slow: [{ status: 200, latencyMs: 5_000 }] },
		expect: {
			result: "FAILED",
			errorCode: "http_error",
			nodes: { fast: "FAILED", slow: "CANCELLED", wait: "CANCELLED", after_slow: "CANCELLED" },
			tookMs: 100,
			history: [/slow cancelled: the run failed/, /not started, now cancelled: after_slow/],
		},
		check: (d) => {
			const last = d.transitions.at(-1);
			expect(last?.ended).toBe(true);
			expect(last?.wakeAt).toBeNull();
			expect(last?.effects).toEqual([
				{ kind: "abandon_request", node: "slow", item: null, attempt: 1 },
			]);
			expect(d.transitions.filter((t) => t.ended)).toHaveLength(1);
		},
	},
	{
		name: "startDelay postpones the node's first attempt",
		definition: workflow([trigger(), webhook("a", { startDelay: "5s" })], [conn("trigger", "a")]),
		expect: {
			result: "SUCCESS",
			tookMs: 5_010,
			history: [/startDelay: begins at 2026-01-01T00:00:05.000Z \(in 5s\)/],
		},
	},
	{
		name: "the workflow timeout fails the run and cancels what is open",
		definition: workflow(
			[trigger(), delay("wait", { duration: "1h" }), webhook("after")],
			[conn("trigger", "wait"), conn("wait", "after")],
			{ timeout: "10m" },
		),
		expect: {
			result: "FAILED",
			errorCode: "workflow_timeout",
			tookMs: 600_000,
			nodes: { wait: "CANCELLED", after: "CANCELLED" },
			history: [/did not finish within its timeout of 10m/],
		},
	},
	{
		name: "workflow outputs that fail to render fail the run",
		definition: workflow([trigger(), webhook("a")], [conn("trigger", "a")], {
			outputs: { x: '{{ error("boom") }}' },
		}),
		expect: { result: "FAILED", errorCode: "output_error", nodes: { a: "SUCCESS" } },
	},
	{
		name: "an unsupported node on a branch not taken does no harm; other triggers are skipped",
		definition: workflow(
			[
				trigger(),
				{ identifier: "hook_trigger", config: { type: "WEBHOOK_TRIGGER" } },
				condition("check", [["never", "false"]]),
				{ identifier: "ask", config: { type: "INPUT", outlets: [{ identifier: "yes" }] } },
				{
					identifier: "async",
					config: { type: "WEBHOOK", url: "https://x.example.com", synchronized: false },
				},
			],
			[
				conn("trigger", "check"),
				conn("hook_trigger", "check"),
				conn("check", "ask", { sourceOptionIdentifier: "never" }),
				conn("ask", "async"),
			],
		),
		expect: {
			result: "SUCCESS",
			nodes: {
				trigger: "SUCCESS",
				hook_trigger: "SKIPPED",
				check: "SUCCESS",
				ask: "SKIPPED",
				async: "SKIPPED",
			},
			history: [/hook_trigger skipped: trigger trigger started this run, not hook_trigger/],
		},
	},
];

/**
 * Table of engine scenarios: definition + inputs + scripted responses → expected path,
 * node results, run result and history. Each row is played twice by engine.test.ts: once
 * in memory and once rebuilding the state from stored rows before every event.
 */
import { expect } from "vitest";
import type { JsonObject, JsonValue } from "../index";
import { chain, condition, conn, delay, HOOK, type Json, trigger, webhook, workflow } from "./defs";
import type { Driver, Scripted } from "./driver";

export interface Scenario {
	name: string;
	definition: Json;
	inputs?: JsonObject;
	script?: Record<string, Scripted[]>;
	allowLoopbackTargets?: boolean;
	expect: {
		result: "SUCCESS" | "FAILED" | "CANCELLED";
		nodes?: Record<string, "SUCCESS" | "FAILED" | "CANCELLED" | "SKIPPED" | null>;
		taken?: string[];
		history?: RegExp[];
		outputs?: JsonValue;
		errorCode?: string;
		/** Run duration on the fake clock. */
		tookMs?: number;
		requests?: number;
	};
	check?: (d: Driver) => void;
}

const ok = (body: JsonValue = { ok: true }): Scripted => ({ status: 200, body });
const retry3 = { maxAttempts: 3, backoff: "exponential", initialDelay: "1s" };

export const scenarios: Scenario[] = [
	{
		name: "trigger output is the inputs; templates see .inputs and .outputs.trigger alike",
		definition: workflow(
			[
				trigger(),
				webhook(
					"notify",
					{},
					{
						body: {
							a: "{{ .outputs.trigger.service }}",
							b: "{{ .inputs.service }}",
							n: "{{ .inputs.n }}",
							s: "svc {{ .inputs.service }}",
						},
						headers: { "X-Run": "{{ .run.id }}", Authorization: "Bearer abc" },
					},
				),
			],
			[conn("trigger", "notify")],
			{
				outputs: {
					service: "{{ .outputs.trigger.service }}",
					answer: "{{ .outputs.notify.data.id }}",
				},
			},
		),
		inputs: { service: "api", n: 2 },
		script: { notify: [ok({ id: 42 })] },
		expect: {
			result: "SUCCESS",
			nodes: { trigger: "SUCCESS", notify: "SUCCESS" },
			taken: ["trigger__notify"],
			outputs: { service: "api", answer: 42 },
			requests: 1,
		},
		check: (d) => {
			expect(d.state?.nodes.trigger?.output).toEqual({ service: "api", n: 2 });
			const req = d.requests[0];
			expect(JSON.parse(req?.request.body ?? "null")).toEqual({
				a: "api",
				b: "api",
				n: 2,
				s: "svc api",
			});
			expect(req?.request.headers).toMatchObject({
				"X-Run": "run_1",
				Authorization: "Bearer abc",
				"Idempotency-Key": "run_1:notify",
				"Content-Type": "application/json",
			});
			expect(req?.idempotencyKey).toBe("run_1:notify");
			const recorded = d.state?.nodes.notify?.attempts[0]?.request.headers;
			expect(recorded?.Authorization).toBe("********");
			expect(recorded?.["Idempotency-Key"]).toBe("run_1:notify");
			expect(d.state?.nodes.notify?.attempts[0]?.responseStatus).toBe(200);
		},
	},
	{
		name: "without variables the output is the response; with variables it is the mapping",
		definition: chain(
			webhook("raw"),
			webhook("mapped", {
				variables: {
					id: "{{ .response.data.id }}",
					code: "{{ .response.status }}",
					raw: "{{ .outputs.raw.data.id }}",
				},
			}),
		),
		script: { raw: [ok({ id: "r1" })], mapped: [{ status: 201, body: { id: "m1" } }] },
		expect: { result: "SUCCESS", nodes: { raw: "SUCCESS", mapped: "SUCCESS" } },
		check: (d) => {
			expect(d.state?.nodes.raw?.output).toEqual({
				status: 200,
				headers: { "content-type": "application/json" },
				data: { id: "r1" },
			});
			expect(d.state?.nodes.mapped?.output).toEqual({ id: "m1", code: 201, raw: "r1" });
		},
	},
	{
		name: "a 404 fails the node at once and, unhandled, the run",
		definition: chain(webhook("a", { retry: retry3 }), webhook("b")),
		script: { a: [{ status: 404, body: { error: "nope" } }] },
		expect: {
			result: "FAILED",
			errorCode: "http_error",
			nodes: { a: "FAILED", b: "CANCELLED" },
			requests: 1,
			history: [/answered 404; status 404 is not retried/, /not started, now cancelled: b/],
		},
	},
	{
		name: "5xx is retried with exponential backoff until it succeeds",
		definition: chain(webhook("a", { retry: retry3 })),
		script: { a: [{ status: 503 }, { status: 500 }, ok()] },
		expect: {
			result: "SUCCESS",
			requests: 3,
			// 10 ms latency per call, 1 s then 2 s backoff.
			tookMs: 10 + 1_000 + 10 + 2_000 + 10,
			history: [
				/attempt 2 is due at 2026-01-01T00:00:01.010Z \(in 1s\)/,
				/attempt 3 is due at .* \(in 2s\)/,
			],
		},
		check: (d) => {
			expect(new Set(d.requests.map((r) => r.idempotencyKey))).toEqual(new Set(["run_1:a"]));
			expect(d.requests.map((r) => r.attempt)).toEqual([1, 2, 3]);
			expect(d.state?.nodes.a?.attempts.map((a) => a.responseStatus)).toEqual([503, 500, 200]);
		},
	},
	{
		name: "retries stop after maxAttempts",
		definition: chain(webhook("a", { retry: { ...retry3, backoff: "constant" } })),
		script: { a: [{ status: 502 }] },
		expect: {
			result: "FAILED",
			requests: 3,
			tookMs: 3 * 10 + 2 * 1_000,
			history: [/all 3 attempts used/],
		},
	},
	{
		name: "Retry-After is honoured",
		definition: chain(webhook("a", { retry: retry3 })),
		script: { a: [{ status: 429, headers: { "retry-after": "7" } }, ok()] },
		expect: {
			result: "SUCCESS",
			requests: 2,
			tookMs: 10 + 7_000 + 10,
			history: [/as asked by Retry-After/],
		},
	},
	{
		name: "network errors and timeouts are retried; a lost call times out on the engine's timer",
		definition: chain(webhook("a", { retry: { ...retry3, maxAttempts: 4 }, timeout: "2s" })),
		script: { a: [{ network: "ECONNREFUSED" }, { timeout: true }, { hang: true }, ok()] },
		expect: {
			result: "SUCCESS",
			requests: 4,
			tookMs: 10 + 1_000 + 2_000 + 2_000 + 2_000 + 4_000 + 10,
			history: [/network error ECONNREFUSED/, /no response within 2s/],
		},
		check: (d) => {
			const abandoned = d.transitions
				.flatMap((t) => t.effects)
				.filter((e) => e.kind === "abandon_request");
			expect(abandoned).toEqual([{ kind: "abandon_request", node: "a", item: null, attempt: 3 }]);
		},
	},
	{
		name: "a response over 1 MiB fails with response_too_large and is not retried",
		definition: chain(webhook("a", { retry: retry3 })),
		script: { a: [{ tooLarge: true }] },
		expect: { result: "FAILED", errorCode: "response_too_large", requests: 1 },
	},
	{
		name: "a refused URL fails the node before any call",
		definition: chain(webhook("a", {}, { url: "http://0x7f.1/admin" })),
		expect: {
			result: "FAILED",
			errorCode: "url_refused",
			requests: 0,
			history: [/127\.0\.0\.1 is a loopback address/],
		},
	},
	{
		name: "allowLoopbackTargets lets a demo call localhost",
		definition: chain(webhook("a", {}, { url: "http://localhost:8787/demo" })),
		allowLoopbackTargets: true,
		expect: { result: "SUCCESS", requests: 1 },
	},
	{
		name: "a templated URL is rendered, then checked",
		definition: chain(
			webhook(
				"a",
				{},
				{ url: "{{ .inputs.base }}/deploy/{{ .inputs.id }}", method: "GET", body: { x: 1 } },
			),
		),
		inputs: { base: "https://deploy.example.com", id: 7 },
		expect: { result: "SUCCESS" },
		check: (d) => {
			expect(d.requests[0]?.request).toMatchObject({
				url: "https://deploy.example.com/deploy/7",
				method: "GET",
				body: null,
			});
		},
	},
	{
		name: "CONDITION: the first true option picks its connection",
		definition: workflow(
			[
				trigger(),
				condition("check", [
					["dev", '.inputs.env == "dev"'],
					["prod", '{{ .inputs.env == "prod" }}'],
					["any", "true"],
				]),
				webhook("deploy_prod"),
				webhook("deploy_any"),
				webhook("other"),
			],
			[
				conn("trigger", "check"),
				conn("check", "deploy_prod", { sourceOptionIdentifier: "prod" }),
				conn("check", "deploy_any", { sourceOptionIdentifier: "any" }),
				conn("check", "other", { fallback: true }),
			],
		),
		inputs: { env: "prod" },
		expect: {
			result: "SUCCESS",
			nodes: { check: "SUCCESS", deploy_prod: "SUCCESS", deploy_any: "SKIPPED", other: "SKIPPED" },
			taken: ["check__deploy_prod_prod", "trigger__check"],
			history: [
				/option prod matched: `.inputs.env == "prod"` is true \(dev false\)/,
				/option prod matched, so the fallback is not taken/,
			],
		},
		check: (d) => expect(d.state?.nodes.check?.output).toEqual({ option: "prod" }),
	},
	{
		name: "CONDITION: no option true takes the fallback",
		definition: workflow(
			[
				trigger(),
				condition("check", [["prod", '.inputs.env == "prod"']]),
				webhook("p"),
				webhook("f"),
			],
			[
				conn("trigger", "check"),
				conn("check", "p", { sourceOptionIdentifier: "prod" }),
				conn("check", "f", { fallback: true }),
			],
		),
		inputs: { env: "dev" },
		expect: {
			result: "SUCCESS",
			nodes: { p: "SKIPPED", f: "SUCCESS" },
			history: [/no option matched \(prod false\); taking the fallback/],
		},
	},
	{
		name: "CONDITION: no option and no fallback ends that branch quietly",
		definition: workflow(
			[
				trigger(),
				condition("check", [["prod", '.inputs.env == "prod"']]),
				webhook("p"),
				webhook("after_p"),
			],
			[
				conn("trigger", "check"),
				conn("check", "p", { sourceOptionIdentifier: "prod" }),
				conn("p", "after_p"),
			],
		),
		inputs: { env: "dev" },
		expect: {
			result: "SUCCESS",
			nodes: { check: "SUCCESS", p: "SKIPPED", after_p: "SKIPPED" },
			requests: 0,
			history: [
				/there is no fallback connection: this branch ends here/,
				/p skipped: its only incoming connection .* was not taken/,
			],
		},
	},
	{
		name: "CONDITION: an expression error fails the node",
		definition: chain(condition("check", [["bad", '.inputs.n + "x"']])),
		inputs: { n: 1 },
		expect: { result: "FAILED", errorCode: "expression_error", nodes: { check: "FAILED" } },
	},
	{
		name: "DELAY with a duration waits on a timer",
		definition: chain(delay("wait", { duration: "90s" }), webhook("after")),
		expect: {
			result: "SUCCESS",
			tookMs: 90_000 + 10,
			history: [/waiting until 2026-01-01T00:01:30.000Z \(1m 30s\)/],
		},
		check: (d) => expect(d.requests[0]?.request.url).toBe(`${HOOK}/after`),
	},
	{
		name: "DELAY until a templated time in the past completes at once",
		definition: chain(delay("wait", { until: "{{ .inputs.at }}" })),
		inputs: { at: "2025-12-31T00:00:00Z" },
		expect: { result: "SUCCESS", tookMs: 0, history: [/had already passed/] },
	},
	{
		name: "DELAY until a templated future time",
		definition: chain(delay("wait", { until: "{{ .inputs.at }}" })),
		inputs: { at: "2026-01-01T02:00:00Z" },
		expect: { result: "SUCCESS", tookMs: 7_200_000 },
		check: (d) =>
			expect(d.state?.nodes.wait?.output).toEqual({ until: "2026-01-01T02:00:00.000Z" }),
	},
	{
		name: "DELAY until a value that is not a timestamp fails the node",
		definition: chain(delay("wait", { until: "{{ .inputs.at }}" })),
		inputs: { at: "tomorrow-ish" },
		expect: { result: "FAILED", errorCode: "invalid_until" },
	},
];

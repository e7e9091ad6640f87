/** Scenarios: triggers, WEBHOOK requests and responses, retries, URL guard. */
import { expect } from "vitest";
import { chain, conn, trigger, webhook, workflow } from "./defs";
import { ok, type Scenario } from "./scenario";

const retry3 = { maxAttempts: 3, backoff: "exponential", initialDelay: "1s" };

export const httpScenarios: Scenario[] = [
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
		check: (d) => {
			// The failed call explains itself: the start of what the receiver said is kept.
			const response = d.state?.nodes.a?.attempts[0]?.response;
			expect(response?.body).toBe('{"error":"nope"}');
			expect(response?.headers["content-type"]).toBe("application/json");
			expect(response?.bodyTruncated).toBe(false);
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
			// Every attempt keeps its answer, failed or not.
			expect(d.state?.nodes.a?.attempts.map((a) => a.response?.body)).toEqual([
				"",
				"",
				'{"ok":true}',
			]);
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
		name: "retry.until polls a successful call until its condition over .response holds",
		definition: chain(
			webhook("poll", {
				retry: {
					maxAttempts: 5,
					backoff: "constant",
					initialDelay: "2s",
					until: '.response.data.state == "done"',
				},
				variables: { report: "{{ .response.data.report }}" },
			}),
		),
		script: {
			poll: [
				ok({ state: "running" }),
				{ status: 503 },
				ok({ state: "running" }),
				ok({ state: "done", report: "r-7" }),
			],
		},
		expect: {
			result: "SUCCESS",
			requests: 4,
			tookMs: 4 * 10 + 3 * 2_000,
			history: [
				/answered 200, but retry.until `\.response\.data\.state == "done"` is not true yet; attempt 2 of 5 in 2s/,
				/the server answered 503; attempt 3 of 5/,
				/answered 200, but retry.until .* attempt 4 of 5/,
				/answered 200 in/,
			],
		},
		check: (d) => {
			expect(d.state?.nodes.poll?.output).toEqual({ report: "r-7" });
			expect(d.state?.nodes.poll?.attempts.map((a) => a.error?.code ?? null)).toEqual([
				"until_not_met",
				"http_error",
				"until_not_met",
				null,
			]);
			// One logical call: every poll carries the same Idempotency-Key.
			expect(new Set(d.requests.map((r) => r.idempotencyKey))).toEqual(new Set(["run_1:poll"]));
		},
	},
	{
		name: "retry.until never true: the node fails with until_not_met once the attempts run out",
		definition: chain(
			webhook("poll", {
				retry: {
					maxAttempts: 3,
					backoff: "constant",
					initialDelay: "1s",
					until: ".response.data.ready",
				},
			}),
		),
		script: { poll: [ok({ ready: false })] },
		expect: {
			result: "FAILED",
			errorCode: "until_not_met",
			requests: 3,
			history: [/retry.until `\.response\.data\.ready` is not true yet; all 3 attempts used/],
		},
	},
	{
		name: "retry.until sees .item in a forEach, and an error in it fails the node without a retry",
		definition: chain(
			webhook("each", {
				forEach: ".inputs.ids",
				retry: { maxAttempts: 4, initialDelay: "1s", until: ".response.data.id == .item" },
			}),
			webhook("broken", {
				retry: { maxAttempts: 4, until: ".response.data.n + {}" },
			}),
		),
		inputs: { ids: ["x", "y"] },
		script: {
			"each#0": [ok({ id: "x" })],
			"each#1": [ok({ id: "other" }), ok({ id: "y" })],
			broken: [ok({ n: 1 })],
		},
		expect: {
			result: "FAILED",
			nodes: { each: "SUCCESS", broken: "FAILED" },
			errorCode: "expression_error",
			history: [/retry\.until: /],
		},
		check: (d) => {
			expect(d.requests.filter((r) => r.node === "each").length).toBe(3);
			expect(d.requests.filter((r) => r.node === "broken").length).toBe(1);
		},
	},
	{
		name: "a response over 1 MiB fails with response_too_large and is not retried",
		definition: chain(webhook("a", { retry: retry3 })),
		script: { a: [{ tooLarge: true }] },
		expect: { result: "FAILED", errorCode: "response_too_large", requests: 1 },
	},
	{
		name: "an output over 256 KiB fails the node with output_too_large and is not retried",
		definition: chain(webhook("a", { retry: retry3 })),
		script: { a: [ok({ blob: "x".repeat(300 * 1024) })] },
		expect: {
			result: "FAILED",
			nodes: { a: "FAILED" },
			errorCode: "output_too_large",
			requests: 1,
			history: [/over the 262144 a node keeps .*variables/],
		},
	},
	{
		name: "the same answer mapped to a small output by variables succeeds",
		definition: chain(webhook("a", { variables: { size: "{{ .response.data.blob | length }}" } })),
		script: { a: [ok({ blob: "x".repeat(300 * 1024) })] },
		expect: { result: "SUCCESS", nodes: { a: "SUCCESS" } },
		check: (d) => expect(d.state?.nodes.a?.output).toEqual({ size: 300 * 1024 }),
	},
	{
		name: "forEach items under the cap whose list is over it fail the node with output_too_large",
		definition: chain(webhook("each", { forEach: "[range(3)]" })),
		script: {
			"each#0": [ok({ blob: "x".repeat(100 * 1024) })],
			"each#1": [ok({ blob: "y".repeat(100 * 1024) })],
			"each#2": [ok({ blob: "z".repeat(100 * 1024) })],
		},
		expect: { result: "FAILED", nodes: { each: "FAILED" }, errorCode: "output_too_large" },
		check: (d) =>
			expect(Object.values(d.state?.items ?? {}).map((i) => i.result)).toEqual([
				"SUCCESS",
				"SUCCESS",
				"SUCCESS",
			]),
	},
	{
		name: "a run that has stored more than 16 MiB fails with run_too_large at its next step",
		definition: chain(webhook("a"), webhook("b")),
		storedBytes: 16 * 1024 * 1024 + 1,
		expect: {
			result: "FAILED",
			nodes: { a: "CANCELLED", b: "CANCELLED" },
			errorCode: "run_too_large",
			requests: 1,
		},
	},
	{
		name: "a refused URL fails the node before any call",
		definition: chain(webhook("a", {}, { url: "http://0x7f.1/admin" })),
		expect: {
			result: "FAILED",
			errorCode: "url_refused",
			requests: 0,
			history: [/127\.0\.0\.1 is in Loopback \(127\.0\.0\.0\/8/],
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
];

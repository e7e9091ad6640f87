import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, expectProblem, sampleWorkflow, tokenFor, uniqueTenant } from "./helpers";

// Malformed input is always a 4xx problem document that names what is wrong, and nothing is
// stored. (test/e2e/fuzz.test.ts sends generated malformed requests to every route.)

const json = { "content-type": "application/json" };

/** The sample workflow as JSON text, with `edit` applied to the text. */
function workflowText(identifier: string, edit: (text: string) => string = (t) => t): string {
	return edit(JSON.stringify(sampleWorkflow(identifier)));
}

async function rawCall(
	path: string,
	method: string,
	body: BodyInit,
	headers: Record<string, string>,
) {
	return call(path, { method, rawBody: body as string, headers });
}

describe("strings that are not valid Unicode", () => {
	it("refuses a lone surrogate in a workflow with 422 naming the field, and stores nothing", async () => {
		const body = workflowText("lone_title", (t) =>
			t.replace('"Deploy a service"', '"bad \\udc00"'),
		);
		const problem = expectProblem(
			await rawCall("/v1/workflows", "POST", body, json),
			422,
			"validation_failed",
		);
		expect(problem.errors).toContainEqual(
			expect.objectContaining({ in: "body", pointer: "/title", code: "invalid_unicode" }),
		);
		expect((await call("/v1/workflows/lone_title")).status).toBe(404);
	});

	it("refuses one in a key, and in a run's inputs with or without an Idempotency-Key", async () => {
		const key = workflowText("lone_key", (t) => t.replace('"description"', '"\\ud800x"'));
		expectProblem(await rawCall("/v1/workflows", "POST", key, json), 422, "validation_failed");
		await call("/v1/workflows", { method: "POST", body: sampleWorkflow("lone_inputs") });
		for (const headers of [json, { ...json, "idempotency-key": "lone-1" }]) {
			const problem = expectProblem(
				await rawCall(
					"/v1/workflows/lone_inputs/runs",
					"POST",
					'{"inputs":{"service":"\\udc00"}}',
					headers,
				),
				422,
				"validation_failed",
			);
			expect(problem.errors?.[0]).toMatchObject({
				pointer: "/inputs/service",
				code: "invalid_unicode",
			});
		}
		// A surrogate pair is a character like any other.
		const pair = await rawCall(
			"/v1/workflows/lone_inputs/runs",
			"POST",
			'{"inputs":{"service":"\\ud83d\\ude80"}}',
			json,
		);
		expect(pair.status).toBe(202);
	});

	it("refuses bytes that are not UTF-8 with 400", async () => {
		const res = await SELF.fetch(`${BASE}/v1/workflows`, {
			method: "POST",
			headers: { authorization: `Bearer ${await tokenFor()}`, ...json },
			body: new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
		});
		const body = await res.json();
		expectProblem({ status: res.status, headers: res.headers, body }, 400, "malformed_json");
		expect((body as { detail: string }).detail).toMatch(/not valid UTF-8/);
	});
});

describe("duplicate keys and __proto__", () => {
	it("refuses a key given twice in one object, wherever it is", async () => {
		const top = workflowText("dup_top", (t) =>
			t.replace('"title":"Deploy a service"', '"title":"A","title":"B"'),
		);
		const problem = expectProblem(
			await rawCall("/v1/workflows", "POST", top, json),
			422,
			"validation_failed",
		);
		expect(problem.errors).toContainEqual(
			expect.objectContaining({ pointer: "/title", code: "duplicate_key" }),
		);
		// Spelled differently, the same key: "\u0074itle" is "title".
		const escaped = workflowText("dup_esc", (t) =>
			t.replace('"title":"Deploy a service"', '"title":"A","\\u0074itle":"B"'),
		);
		expectProblem(await rawCall("/v1/workflows", "POST", escaped, json), 422, "validation_failed");
		await call("/v1/workflows", { method: "POST", body: sampleWorkflow("dup_inputs") });
		const nested = expectProblem(
			await rawCall(
				"/v1/workflows/dup_inputs/runs",
				"POST",
				'{"inputs":{"service":"a","service":"b"}}',
				json,
			),
			422,
			"validation_failed",
		);
		expect(nested.errors?.[0]).toMatchObject({ pointer: "/inputs/service", code: "duplicate_key" });
	});

	it("treats __proto__ the same on POST, PUT and PATCH (422), and constructor as an ordinary key", async () => {
		await call("/v1/workflows", { method: "POST", body: sampleWorkflow("proto_wf") });
		const withProto = (text: string) =>
			text.replace('{"identifier"', '{"__proto__":{"title":"x"},"identifier"');
		const attempts: [string, string, string, Record<string, string>][] = [
			["/v1/workflows", "POST", workflowText("proto_new", withProto), json],
			["/v1/workflows/proto_wf", "PUT", workflowText("proto_wf", withProto), json],
			[
				"/v1/workflows/proto_wf",
				"PATCH",
				'{"__proto__":{"title":"polluted"}}',
				{ "content-type": "application/merge-patch+json" },
			],
			[
				"/v1/workflows/proto_wf",
				"PATCH",
				'{"nodes":[{"__proto__":{}}]}',
				{ "content-type": "application/merge-patch+json" },
			],
			["/v1/tenant/settings", "PATCH", '{"__proto__":{"maxConcurrentRuns":1}}', json],
		];
		for (const [path, method, body, headers] of attempts) {
			const problem = expectProblem(
				await rawCall(path, method, body, headers),
				422,
				"validation_failed",
			);
			expect(problem.errors?.[0]?.code, `${method} ${path}`).toBe("forbidden_key");
		}
		for (const [path, method, body, headers] of [
			[
				"/v1/workflows",
				"POST",
				workflowText("ctor_new", (t) =>
					t.replace('{"identifier"', '{"constructor":{},"identifier"'),
				),
				json,
			],
			[
				"/v1/workflows/proto_wf",
				"PATCH",
				'{"constructor":{"title":"x"}}',
				{ "content-type": "application/merge-patch+json" },
			],
		] as const) {
			const problem = expectProblem(
				await rawCall(path, method, body, headers),
				422,
				"validation_failed",
			);
			expect(problem.errors?.[0]?.code, `${method} ${path}`).toBe("unknown_field");
		}
		expect((await call("/v1/workflows/proto_wf")).body.title).toBe("Deploy a service");
	});

	it("refuses bodies nested deeper than 128 levels with 422", async () => {
		const deep = `{"inputs":${'{"a":'.repeat(200)}1${"}".repeat(200)}}`;
		await call("/v1/workflows", { method: "POST", body: sampleWorkflow("deep_inputs") });
		const problem = expectProblem(
			await rawCall("/v1/workflows/deep_inputs/runs", "POST", deep, json),
			422,
			"validation_failed",
		);
		expect(problem.errors?.[0]?.code).toBe("too_deep");
	});
});

describe("content types", () => {
	it("takes application/json with or without charset=utf-8, and refuses other charsets and types with 415", async () => {
		const tenant = uniqueTenant();
		const token = await tokenFor({ tenant });
		const send = (identifier: string, contentType: string) =>
			call("/v1/workflows", {
				method: "POST",
				token,
				rawBody: workflowText(identifier),
				headers: { "content-type": contentType },
			});
		expect((await send("plain_json", "application/json")).status).toBe(201);
		expect((await send("utf8_json", "application/json; charset=UTF-8")).status).toBe(201);
		for (const type of [
			"text/plain",
			"application/json; charset=latin1",
			"application/merge-patch+json",
			"application/json-patch+json",
		]) {
			expectProblem(await send("refused", type), 415, "unsupported_media_type");
		}
		// No Content-Type at all (the call helper would add one).
		const bare = await SELF.fetch(`${BASE}/v1/workflows`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}` },
			body: new TextEncoder().encode(workflowText("refused")),
		});
		expect(bare.status).toBe(415);
		expect(bare.headers.get("content-type")).toMatch(/^application\/problem\+json/);
		// A merge patch is where it applies: PATCH.
		const patched = await call("/v1/workflows/plain_json", {
			method: "PATCH",
			token,
			rawBody: '{"title":"Patched"}',
			headers: { "content-type": "application/merge-patch+json" },
		});
		expect(patched.status).toBe(200);
	});
});

describe("run event streams", () => {
	it("answers /stream?after=abc and a Last-Event-ID that is not a seq with 422, as /events does", async () => {
		await call("/v1/workflows", { method: "POST", body: sampleWorkflow("stream_wf") });
		const run = await call("/v1/workflows/stream_wf/runs", {
			method: "POST",
			body: { inputs: { service: "api" } },
		});
		const base = `/v1/workflows/runs/${run.body.id}`;
		expectProblem(await call(`${base}/events?after=abc`), 422, "validation_failed");
		expectProblem(await call(`${base}/stream?after=abc`), 422, "validation_failed");
		const problem = expectProblem(
			await call(`${base}/stream`, { headers: { "last-event-id": "abc" } }),
			422,
			"validation_failed",
		);
		expect(problem.errors?.[0]).toMatchObject({ in: "header", pointer: "/Last-Event-ID" });
	});
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./harness";
import { startDevServer } from "./harness";

// Every route in the OpenAPI document of the real Worker under `wrangler dev`, sent malformed
// path parameters, query strings, headers and bodies (generated from a fixed seed, so a failure
// replays): none may answer 500, and every refusal is a problem document. A new route is fuzzed
// as soon as it is in the document.

type Operation = {
	operationId: string;
	parameters?: { name: string; in: string }[];
	requestBody?: { content: Record<string, unknown> };
};
type Attempt = {
	label: string;
	method: string;
	path: string;
	headers?: Record<string, string>;
	body?: BodyInit;
};

/** mulberry32: small, fast, and the same sequence for the same seed. */
function random(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
	/** `count` different items, in a random order. */
	const sample = <T>(items: readonly T[], count: number): T[] => {
		const pool = [...items];
		const out: T[] = [];
		while (out.length < count && pool.length > 0)
			out.push(pool.splice(Math.floor(next() * pool.length), 1)[0] as T);
		return out;
	};
	return { next, pick, sample };
}

/** A workflow whose runs make no outgoing call: they wait an hour, so fuzzing starts nothing noisy. */
function quietWorkflow(identifier: string) {
	return {
		identifier,
		title: "Fuzz target",
		nodes: [
			{
				identifier: "trigger",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: { properties: { service: { type: "string" } }, required: ["service"] },
				},
			},
			{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "wait" }],
	};
}

const BAD_SEGMENTS = [
	"%ff",
	"%ED%B0%80",
	"%00",
	"%2e%2e",
	"%2F",
	"__proto__",
	"constructor",
	"-1",
	"0",
	"1e309",
	"NaN",
	"0x10",
	"%F0%9F%92%A9",
	"é",
	"a".repeat(3_000),
	"%",
	"%zz",
	"null",
];

const BAD_QUERY_VALUES = [
	"abc",
	"-1",
	"0",
	"1e309",
	"NaN",
	"Infinity",
	"0.5",
	"99999999999999999999999",
	"",
	"%ff",
	"%ED%B0%80",
	"%00",
	"%",
	"x".repeat(5_000),
	"[]",
	"{}",
	"__proto__",
	"true",
	"%E2%80%AE",
];

const BAD_BODIES: [string, string][] = [
	["not JSON", "{"],
	["trailing garbage", "{} x"],
	["empty", ""],
	["a number", "1"],
	["a string", '"x"'],
	["null", "null"],
	["an array", "[]"],
	["a huge number", `{"x": 1e400}`],
	["deep arrays", `${"[".repeat(5_000)}${"]".repeat(5_000)}`],
	["deep objects", `${'{"a":'.repeat(3_000)}1${"}".repeat(3_000)}`],
	["a lone surrogate", '{"x": "\\udc00"}'],
	["a lone surrogate key", '{"\\ud800": 1}'],
	["duplicate keys", '{"a": 1, "a": 2}'],
	["__proto__", '{"__proto__": {"polluted": true}}'],
	["nested __proto__", '{"a": {"__proto__": {"polluted": true}}}'],
	["constructor", '{"constructor": {"prototype": {"polluted": true}}}'],
	[
		"many keys",
		JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]))),
	],
	["a long string", JSON.stringify({ x: "y".repeat(500_000) })],
	["NUL characters", '{"x": "\\u0000\\u0000"}'],
	["a BOM", "\ufeff{}"],
];

const CONTENT_TYPES = [
	"text/plain",
	"application/json; charset=latin1",
	"application/merge-patch+json",
	"application/json-patch+json",
	"multipart/form-data; boundary=x",
	"application/x-www-form-urlencoded",
	"application/json;;;",
	"",
];

/** A valid body per operation, to mutate (anything not listed starts from `{}`). */
function validBody(operationId: string): unknown {
	switch (operationId) {
		case "createWorkflow":
		case "replaceWorkflow":
			return quietWorkflow("fuzz_other");
		case "patchWorkflow":
			return { title: "Patched" };
		case "startRun":
			return { inputs: { service: "api" } };
		case "startRunBatch":
			return { runs: [{ inputs: { service: "api" } }] };
		case "updateTenantSettings":
			return { maxConcurrentRuns: 5 };
		default:
			return {};
	}
}

const JUNK: unknown[] = [
	null,
	true,
	-1,
	0,
	1.5,
	1e308,
	"",
	"x".repeat(10_000),
	"\u202e\u0000",
	[],
	[[[[[]]]]],
	{},
	{ nested: { deeper: [1, { x: null }] } },
	Array.from({ length: 1_000 }, (_, i) => i),
];

/** Replaces one randomly chosen value (or adds a key) somewhere inside `value`. */
function mutate(value: unknown, rng: ReturnType<typeof random>): unknown {
	if (value === null || typeof value !== "object" || rng.next() < 0.25) return rng.pick(JUNK);
	if (Array.isArray(value)) {
		if (value.length === 0) return [rng.pick(JUNK)];
		const copy = [...value];
		const at = Math.floor(rng.next() * copy.length);
		copy[at] = mutate(copy[at], rng);
		return copy;
	}
	const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
	const keys = Object.keys(copy);
	if (keys.length === 0 || rng.next() < 0.15)
		copy[rng.pick(["extra", "", "a/b~c", "constructor"])] = rng.pick(JUNK);
	else {
		const key = rng.pick(keys);
		copy[key] = mutate(copy[key], rng);
	}
	return copy;
}

let server: DevServer;
let token = "";
let runId = "";

/** A JSON request as the fixtures need it (they must succeed: the fuzzing needs them). */
async function call(path: string, method: string, body: unknown): Promise<Record<string, unknown>> {
	const res = await fetch(`${server.baseUrl}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	const answer = (await res.json()) as Record<string, unknown>;
	if (res.status >= 300)
		throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
	return answer;
}

/** The workflow, secret and run the valid path parameters name (a fuzzed DELETE may remove them). */
async function fixtures(): Promise<void> {
	await call("/v1/workflows/fuzz_wf", "PUT", quietWorkflow("fuzz_wf"));
	await call("/v1/secrets/FUZZ", "PUT", { value: "s3cret" });
	if (!runId)
		runId = String(
			(await call("/v1/workflows/fuzz_wf/runs", "POST", { inputs: { service: "api" } })).id,
		);
}

beforeAll(async () => {
	// Thousands of requests from one token, as fast as the server answers: past the request
	// quota they would all be 429s, and fuzz nothing.
	server = await startDevServer({ vars: { REQUEST_RATE_LIMITS: "off" } });
	token = await server.token({ tenant: "fuzz", role: "admin" });
	await fixtures();
});

afterAll(async () => {
	await server?.stop();
});

describe("fuzzing every route in the OpenAPI document", () => {
	it("answers every malformed request with a 4xx problem document, never a 500", async () => {
		const doc = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
			paths: Record<string, Record<string, Operation>>;
		};
		const rng = random(29);
		const valid: Record<string, string> = {
			identifier: "fuzz_wf",
			runId,
			version: "1",
			name: "FUZZ",
		};
		const failures: string[] = [];
		let sent = 0;

		const send = async (attempt: Attempt) => {
			sent++;
			const res = await fetch(`${server.baseUrl}${attempt.path}`, {
				method: attempt.method,
				headers: { authorization: `Bearer ${token}`, ...attempt.headers },
				body: attempt.body,
				redirect: "manual",
			});
			const type = res.headers.get("content-type") ?? "";
			// A stream that was opened is left at once: only its status matters here.
			let text = "";
			if (type.startsWith("text/event-stream")) await res.body?.cancel();
			else text = await res.text();
			const where = `${attempt.method} ${attempt.path.slice(0, 120)} (${attempt.label})`;
			let failure: string | null = null;
			if (res.status >= 500) failure = `${where}: ${res.status} ${text.slice(0, 300)}`;
			else if (res.status >= 400 && !type.startsWith("application/problem+json"))
				failure = `${where}: ${res.status} without a problem document (${type})`;
			if (failure) {
				console.log(`FUZZ FAILURE ${failure}`);
				failures.push(failure);
			}
		};

		for (const [template, operations] of Object.entries(doc.paths)) {
			for (const [method, operation] of Object.entries(operations)) {
				const upper = method.toUpperCase();
				const pathParams = (operation.parameters ?? []).filter((p) => p.in === "path");
				const queryParams = (operation.parameters ?? []).filter((p) => p.in === "query");
				const fill = (overrides: Record<string, string> = {}) =>
					template.replace(
						/\{(\w+)\}/g,
						(_, name: string) => overrides[name] ?? valid[name] ?? "x",
					);
				const body = operation.requestBody;
				const json = (value: unknown) => ({
					headers: {
						"content-type": Object.keys(body?.content ?? { "application/json": 1 })[0] as string,
					},
					body: JSON.stringify(value),
				});
				const withBody: { headers?: Record<string, string>; body?: string } = body
					? json(validBody(operation.operationId))
					: {};

				await fixtures();
				// Path parameters: each one malformed in turn.
				for (const param of pathParams) {
					for (const bad of rng.sample(BAD_SEGMENTS, 6)) {
						await send({
							label: `path ${param.name}`,
							method: upper,
							path: fill({ [param.name]: bad }),
							...withBody,
						});
					}
				}
				// Query strings: documented parameters with bad values, unknown and repeated ones.
				for (const param of queryParams) {
					for (const bad of rng.sample(BAD_QUERY_VALUES, 6)) {
						await send({
							label: `query ${param.name}`,
							method: upper,
							path: `${fill()}?${param.name}=${bad}`,
							...withBody,
						});
					}
					await send({
						label: `query ${param.name} twice`,
						method: upper,
						path: `${fill()}?${param.name}=1&${param.name}=2`,
						...withBody,
					});
				}
				for (const query of rng.sample(
					["%ff=1", "a[b]=1", "=&&=", "unknown=1", "__proto__=1", "%ED%B0%80"],
					3,
				)) {
					await send({
						label: `query ${query}`,
						method: upper,
						path: `${fill()}?${query}`,
						...withBody,
					});
				}
				// Headers the API reads.
				for (const header of ["idempotency-key", "last-event-id", "if-match"]) {
					for (const bad of rng.sample(
						["", " ", "x".repeat(5_000), "abc", "-1", "1e309", "%ff"],
						2,
					)) {
						await send({
							label: `header ${header}`,
							method: upper,
							path: fill(),
							...withBody,
							headers: { ...withBody.headers, [header]: bad },
						});
					}
				}
				if (!body) continue;
				// Bodies: malformed JSON, odd JSON, wrong content types, invalid UTF-8, mutations.
				const contentType = Object.keys(body.content)[0] as string;
				for (const [label, raw] of rng.sample(BAD_BODIES, 10)) {
					await send({
						label: `body ${label}`,
						method: upper,
						path: fill(),
						headers: { "content-type": contentType },
						body: raw,
					});
				}
				for (const type of rng.sample(CONTENT_TYPES, 4)) {
					await send({
						label: `content type ${type}`,
						method: upper,
						path: fill(),
						headers: type ? { "content-type": type } : {},
						body: JSON.stringify(validBody(operation.operationId)),
					});
				}
				await send({ label: "body without a content type", method: upper, path: fill() });
				await send({
					label: "invalid UTF-8",
					method: upper,
					path: fill(),
					headers: { "content-type": contentType },
					body: new Uint8Array([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
				});
				for (let i = 0; i < 12; i++) {
					await send({
						label: `mutation ${i}`,
						method: upper,
						path: fill(),
						...json(mutate(validBody(operation.operationId), rng)),
					});
				}
			}
		}
		expect(sent).toBeGreaterThan(500);
		expect(failures).toEqual([]);
	}, 600_000);
});

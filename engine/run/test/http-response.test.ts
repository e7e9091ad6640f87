import { describe, expect, it } from "vitest";
import {
	isJsonContentType,
	RESPONSE_EXCERPT_BYTES,
	readResponse,
	responseExcerpt,
} from "../http-response";
import { MASK, maskHeaders, maskUrl } from "../masking";

describe("readResponse", () => {
	it("parses JSON when the content type says so", () => {
		const r = readResponse({
			status: 201,
			headers: { "Content-Type": "application/json; charset=utf-8" },
			body: '{"id":7}',
			bodyTruncated: false,
		});
		expect(r).toEqual({
			kind: "response",
			response: {
				status: 201,
				headers: { "content-type": "application/json; charset=utf-8" },
				data: { id: 7 },
			},
			warning: null,
		});
	});

	it("keeps text for other types and null for empty bodies", () => {
		const text = readResponse({
			status: 200,
			headers: { "content-type": "text/plain" },
			body: '{"id":7}',
			bodyTruncated: false,
		});
		expect(text.kind === "response" && text.response.data).toBe('{"id":7}');
		const empty = readResponse({ status: 204, headers: {}, body: "", bodyTruncated: false });
		expect(empty.kind === "response" && empty.response.data).toBeNull();
	});

	it("falls back to text with a warning when JSON does not parse", () => {
		const r = readResponse({
			status: 200,
			headers: { "content-type": "application/json" },
			body: "oops",
			bodyTruncated: false,
		});
		expect(r).toMatchObject({ kind: "response", response: { data: "oops" } });
		expect(r.kind === "response" && r.warning).toMatch(/does not parse/);
	});

	it("refuses truncated bodies", () => {
		const r = readResponse({ status: 200, headers: {}, body: "x", bodyTruncated: true });
		expect(r.kind).toBe("too_large");
	});

	it.each([
		["application/json", true],
		["application/problem+json", true],
		["application/vnd.api+json; charset=utf-8", true],
		["text/json", true],
		["text/html", false],
		["application/jsonp", false],
	])("%s is JSON: %s", (ct, yes) => expect(isJsonContentType(ct)).toBe(yes));
});

describe("maskHeaders", () => {
	it("masks secret-looking headers and keeps the rest", () => {
		expect(
			maskHeaders({
				Authorization: "Bearer x",
				Cookie: "a=b",
				"X-Api-Key": "k",
				"X-Auth-Token": "t",
				"X-Client-Secret": "s",
				"Content-Type": "application/json",
				"Idempotency-Key": "run:node",
			}),
		).toEqual({
			Authorization: MASK,
			Cookie: MASK,
			"X-Api-Key": MASK,
			"X-Auth-Token": MASK,
			"X-Client-Secret": MASK,
			"Content-Type": "application/json",
			"Idempotency-Key": "run:node",
		});
	});

	it("masks the credential-like names an audit found in clear, and not look-alikes", () => {
		const names = [
			"X-Password",
			"X-Auth",
			"Authentication",
			"X-Signature",
			"X-Credentials",
			"X-Session",
		];
		const masked = maskHeaders(Object.fromEntries(names.map((n) => [n, "v"])));
		for (const name of names) expect(masked[name], name).toBe(MASK);
		expect(maskHeaders({ "X-Author": "ada", Accept: "*/*" })).toEqual({
			"X-Author": "ada",
			Accept: "*/*",
		});
	});
});

describe("maskUrl", () => {
	it("masks secret-looking query parameters and userinfo, and leaves other URLs alone", () => {
		expect(maskUrl("https://h.test/p?api_key=QS&access_token=T&page=2&author=ada")).toBe(
			`https://h.test/p?api_key=${encodeURIComponent(MASK)}&access_token=${encodeURIComponent(MASK)}&page=2&author=ada`,
		);
		expect(maskUrl("https://user:pw@h.test/p")).toBe(
			`https://${encodeURIComponent(MASK)}:${encodeURIComponent(MASK)}@h.test/p`,
		);
		expect(maskUrl("https://h.test/p?q=1")).toBe("https://h.test/p?q=1");
	});
});

describe("responseExcerpt", () => {
	const raw = (body: string, headers: Record<string, string> = {}) => ({
		status: 500,
		headers,
		body,
		bodyTruncated: false,
	});

	it("keeps a short answer whole, header names lower-cased", () => {
		const excerpt = responseExcerpt(raw('{"error":"db down"}', { "Content-Type": "text/json" }));
		expect(excerpt).toEqual({
			headers: { "content-type": "text/json" },
			headersTruncated: false,
			body: '{"error":"db down"}',
			bodyBytes: 19,
			bodyTruncated: false,
		});
	});

	it("keeps the first 4 KiB of a body, never half a character", () => {
		// 4095 ASCII bytes then a 2-byte "é": the é would straddle the limit, so it is left out.
		const body = `${"a".repeat(RESPONSE_EXCERPT_BYTES - 1)}é${"b".repeat(100)}`;
		const excerpt = responseExcerpt(raw(body));
		expect(excerpt.body).toBe("a".repeat(RESPONSE_EXCERPT_BYTES - 1));
		expect(excerpt.bodyTruncated).toBe(true);
		expect(excerpt.bodyBytes).toBe(RESPONSE_EXCERPT_BYTES + 1 + 100);
		const exact = responseExcerpt(raw("x".repeat(RESPONSE_EXCERPT_BYTES)));
		expect(exact.bodyTruncated).toBe(false);
	});

	it("says a body the read stopped at is cut, and bounds the headers too", () => {
		expect(responseExcerpt({ ...raw("short"), bodyTruncated: true }).bodyTruncated).toBe(true);
		const many: Record<string, string> = {};
		for (let i = 0; i < 100; i++) many[`x-h${i}`] = "v".repeat(100);
		const excerpt = responseExcerpt(raw("", many));
		expect(excerpt.headersTruncated).toBe(true);
		expect(Object.keys(excerpt.headers).length).toBeGreaterThan(30);
		expect(Object.keys(excerpt.headers).length).toBeLessThan(40);
		expect(excerpt.headers["x-h0"]).toBe("v".repeat(100));
	});
});

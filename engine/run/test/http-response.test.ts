import { describe, expect, it } from "vitest";
import { isJsonContentType, readResponse } from "../http-response";
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

import { describe, expect, it } from "vitest";
import { Masker, REDACTED } from "../masking";

const secret = "p@ss wörd/+?&=~!'()*";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const masker = new Masker([secret, "ab"]);

describe("Masker", () => {
	it.each([
		["as is", `token=${secret};`],
		["URL-encoded", `q=${encodeURIComponent(secret)}&x=1`],
		["URL-encoded with lower-case hex", encodeURIComponent(secret).toLowerCase()],
		["form-encoded", new URLSearchParams({ q: secret }).toString()],
		["JSON-escaped", JSON.stringify({ v: `say "${secret}"` })],
		["base64", b64(secret)],
		["base64url", Buffer.from(secret).toString("base64url")],
		["base64 inside a Basic credential, offset 1", `Basic ${b64(`u:${secret}`)}`],
		["base64 inside a longer blob, offset 2", b64(`ab${secret}cd`)],
		["base64 inside a longer blob, offset 0", b64(`abc${secret}def`)],
	])("hides the value %s", (_, text) => {
		const masked = masker.text(text);
		expect(masked).toContain(REDACTED);
		expect(masked).not.toContain(secret);
		expect(masked).not.toContain(encodeURIComponent(secret));
		expect(masked).not.toContain(b64(secret).slice(0, 12));
	});

	it("masks strings anywhere in a JSON value, object keys included, and leaves the rest", () => {
		const value = { [secret]: [1, true, null, `x${secret}x`], plain: "nothing here", n: 42 };
		expect(masker.json(value)).toEqual({
			[REDACTED]: [1, true, null, `x${REDACTED}x`],
			plain: "nothing here",
			n: 42,
		});
	});

	it("masks a value shorter than 4 characters only as a whole string", () => {
		expect(masker.text("ab")).toBe(REDACTED);
		expect(masker.text("about a cab")).toBe("about a cab");
	});

	it("is inactive without values and returns its input untouched", () => {
		const none = new Masker([]);
		const value = { a: "b" };
		expect(none.active).toBe(false);
		expect(none.json(value)).toBe(value);
	});
});

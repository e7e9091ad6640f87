import { describe, expect, it } from "vitest";
import { inputFormIssues } from "../../worker/runs/input-form";
import { validateRunInputs } from "../../worker/runs/inputs";

/** Port-style: no `type: "object"` at the top. */
const FORM = {
	properties: {
		message: { type: "string", minLength: 1 },
		env: { type: "string", enum: ["staging", "prod"], default: "staging" },
		replicas: { type: "integer", minimum: 1, maximum: 10, default: 2 },
		ratio: { type: "number", exclusiveMaximum: 1 },
		tags: { type: "array", items: { type: "string" }, maxItems: 3 },
		notify: { type: "boolean" },
		options: {
			type: "object",
			properties: { dryRun: { type: "boolean", default: false }, region: { type: "string" } },
			required: ["region"],
		},
	},
	required: ["message"],
};

const errorsOf = (userInputs: Record<string, unknown> | undefined, inputs: unknown) => {
	const result = validateRunInputs(userInputs, inputs);
	if (result.ok) throw new Error(`expected violations, got ${JSON.stringify(result.inputs)}`);
	return result.errors;
};

describe("validateRunInputs", () => {
	it("accepts valid inputs and applies the schema's defaults, top level and nested", () => {
		const inputs = { message: "hi", options: { region: "eu" }, tags: ["a"] };
		const result = validateRunInputs(FORM, inputs);
		expect(result).toEqual({
			ok: true,
			inputs: {
				message: "hi",
				env: "staging",
				replicas: 2,
				tags: ["a"],
				options: { region: "eu", dryRun: false },
			},
		});
		// The caller's object is left as it was.
		expect(inputs).toEqual({ message: "hi", options: { region: "eu" }, tags: ["a"] });
	});

	it("keeps given values over defaults, including falsy ones", () => {
		const result = validateRunInputs(FORM, {
			message: "x",
			replicas: 10,
			env: "prod",
			options: { region: "us", dryRun: true },
		});
		expect(result).toMatchObject({ ok: true, inputs: { replicas: 10, env: "prod" } });
		const zero = validateRunInputs(
			{ properties: { n: { type: "number", default: 5 }, s: { type: "string", default: "d" } } },
			{ n: 0, s: "" },
		);
		expect(zero).toEqual({ ok: true, inputs: { n: 0, s: "" } });
	});

	it("points at a missing required input", () => {
		expect(errorsOf(FORM, {})).toEqual([{ pointer: "/message", message: "is required" }]);
		expect(errorsOf(FORM, { message: "x", options: {} })).toEqual([
			{ pointer: "/options/region", message: "is required" },
		]);
	});

	it("lists every violation, each at its own pointer", () => {
		const errors = errorsOf(FORM, {
			message: 42,
			env: "dev",
			replicas: 11,
			ratio: 1,
			tags: ["a", 2, "c", "d"],
			notify: "yes",
		});
		expect(errors.map((e) => e.pointer).sort()).toEqual([
			"/env",
			"/message",
			"/notify",
			"/ratio",
			"/replicas",
			"/tags",
			"/tags/1",
		]);
		const at = (pointer: string) => errors.find((e) => e.pointer === pointer)?.message;
		expect(at("/message")).toMatch(/type "number".*"string"/);
		expect(at("/env")).toMatch(/staging/);
		expect(at("/replicas")).toMatch(/greater than 10/);
		expect(at("/tags/1")).toMatch(/"string"/);
		for (const error of errors) expect(error.message).not.toMatch(/does not match schema/);
	});

	it("matches patterns in linear time: a pattern that backtracks exponentially answers at once", () => {
		const form = {
			properties: {
				code: { type: "string", pattern: "^(a|a)*$" },
				tags: { type: "array", items: { type: "string", pattern: "^[a-z]+$" } },
			},
		};
		// JavaScript's RegExp takes minutes on this (2^40 paths); RE2 is linear.
		const errors = errorsOf(form, { code: `${"a".repeat(40)}!`, tags: ["ok", "NO"] });
		expect(errors.map((e) => e.pointer).sort()).toEqual(["/code", "/tags/1"]);
		expect(errors[0]?.message).toMatch(/does not match pattern/);
		expect(validateRunInputs(form, { code: "aaaa", tags: ["x"] }).ok).toBe(true);
	});

	it("refuses at save time patterns RE2 cannot run, or placed where no value is known", () => {
		const codes = (properties: Record<string, unknown>) =>
			inputFormIssues({ properties }, "/f").map((i) => i.pointer);
		expect(codes({ a: { type: "string", pattern: "(?=x)a" } })).toEqual([
			"/f/properties/a/pattern",
		]);
		expect(codes({ a: { type: "string", pattern: "(a)\\1" } })).toEqual([
			"/f/properties/a/pattern",
		]);
		expect(codes({ a: { anyOf: [{ type: "string", pattern: "^a" }] } })).toEqual([
			"/f/properties/a/anyOf/0/pattern",
		]);
		expect(codes({ a: { type: "object", patternProperties: { "^x": {} } } })).toEqual([
			"/f/properties/a/patternProperties",
		]);
		expect(codes({ a: { type: "array", items: { type: "string", pattern: "^[a-z]+$" } } })).toEqual(
			[],
		);
	});

	it("checks integers and minimums", () => {
		expect(errorsOf(FORM, { message: "x", replicas: 1.5 }).map((e) => e.pointer)).toEqual([
			"/replicas",
		]);
		expect(errorsOf(FORM, { message: "x", replicas: 0 })[0]?.message).toMatch(/less than 1/);
	});

	it("allows extra inputs unless the schema says additionalProperties: false", () => {
		expect(validateRunInputs(FORM, { message: "x", extra: 1 })).toMatchObject({
			ok: true,
			inputs: { extra: 1 },
		});
		const closed = { ...FORM, additionalProperties: false };
		expect(errorsOf(closed, { message: "x", extra: 1, "a/b~c": 2 })).toEqual([
			{ pointer: "/extra", message: "is not one of the declared inputs" },
			{ pointer: "/a~1b~0c", message: "is not one of the declared inputs" },
		]);
	});

	it("escapes property names in pointers (RFC 6901)", () => {
		const schema = {
			properties: { "a/b": { type: "string" }, "c~d": { type: "string" }, "e f#": {} },
		};
		expect(errorsOf(schema, { "a/b": 1, "c~d": 2 }).map((e) => e.pointer)).toEqual([
			"/a~1b",
			"/c~0d",
		]);
		expect(errorsOf({ ...schema, required: ["e f#"] }, {})).toEqual([
			{ pointer: "/e f#", message: "is required" },
		]);
	});

	it("wants an object, and treats no inputs as an empty object", () => {
		for (const bad of [null, [], "text", 3]) {
			expect(errorsOf(FORM, bad)).toEqual([
				{ pointer: "", message: "Inputs must be a JSON object." },
			]);
		}
		expect(validateRunInputs({ properties: { a: { default: 1 } } }, undefined)).toEqual({
			ok: true,
			inputs: { a: 1 },
		});
		expect(validateRunInputs(undefined, { any: "thing" })).toEqual({
			ok: true,
			inputs: { any: "thing" },
		});
		expect(errorsOf(undefined, [1])).toHaveLength(1);
	});

	it("ignores Port-only keywords and formats it does not know", () => {
		const port = {
			properties: {
				service: { type: "string", format: "entity", blueprint: "service" },
				owner: { type: "string", format: "user" },
				at: { type: "string", format: "date-time" },
			},
			order: ["service", "owner"],
		};
		expect(validateRunInputs(port, { service: "web", owner: "me" }).ok).toBe(true);
		expect(errorsOf(port, { at: "yesterday" })).toEqual([
			{ pointer: "/at", message: 'String does not match format "date-time".' },
		]);
	});
});

import { describe, expect, it } from "vitest";
import {
	compile,
	ExprRuntimeError,
	ExprSyntaxError,
	evaluate,
	first,
	parse,
	references,
	render,
	templatesIn,
} from "./index";

describe("evaluate / first / compile", () => {
	it("returns every output, and first stops at the first", () => {
		expect(evaluate(".[] | . * 2", [1, 2, 3])).toEqual([2, 4, 6]);
		expect(first(".[] | . * 2", [1, 2, 3])).toBe(2);
		expect(first("empty", null)).toBeUndefined();
		expect(first('1, error("never reached")', null)).toBe(1);
	});

	it("caches compiled expressions and accepts them back", () => {
		const compiled = compile(".a + 1");
		expect(compile(".a + 1")).toBe(compiled);
		expect(evaluate(compiled, { a: 1 })).toEqual([2]);
	});

	it("raises typed runtime errors with jq's value", () => {
		try {
			evaluate('error({"code": 42})', null);
		} catch (e) {
			expect(e).toBeInstanceOf(ExprRuntimeError);
			expect((e as ExprRuntimeError).value).toEqual({ code: 42 });
		}
		expect(() => evaluate(".a", 5)).toThrow(/Cannot index number with string "a"/);
		expect.assertions(3);
	});

	it("keeps the process environment out of reach", () => {
		expect(evaluate("env, $ENV", null)).toEqual([{}, {}]);
	});

	it("uses the given clock for now", () => {
		expect(evaluate("now | todate", null, { now: 1425599507 })).toEqual(["2015-03-05T23:51:47Z"]);
	});

	it("never lets a key touch a prototype", () => {
		const [out] = evaluate('{"__proto__": {"polluted": 1}} | .["__proto__"]', null);
		expect(out).toEqual({ polluted: 1 });
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(evaluate(".constructor, .toString", {})).toEqual([null, null]);
	});

	it("implements the documented deliberate differences from jq 1.6", () => {
		expect(evaluate("[limit(0; 1, 2)]", null)).toEqual([[]]);
		expect(evaluate("[limit(3; repeat(. * 2))]", 1)).toEqual([[2, 4, 8]]);
		expect(evaluate('gsub("^a"; "b")', "aaa")).toEqual(["baa"]);
		expect(evaluate('gsub(""; "-")', "ab")).toEqual(["-a-b"]);
		expect(evaluate('"x" | indices("")', null)).toEqual([null]);
		expect(() => evaluate("implode", [-1])).toThrow(ExprRuntimeError);
		expect(() => evaluate("$__loc__", null)).toThrow(/\$__loc__ is not supported/);
		expect(evaluate("@text", 1.5)).toEqual(["1.5"]);
	});
});

describe("parse", () => {
	it("reports line, column and a caret excerpt", () => {
		try {
			parse(".a |\n  .b +");
		} catch (e) {
			expect(e).toBeInstanceOf(ExprSyntaxError);
			const error = e as ExprSyntaxError;
			expect([error.line, error.column]).toEqual([2, 7]);
			expect(error.excerpt).toBe("  .b +\n      ^");
			expect(error.message).toMatch(/unexpected end of expression/);
		}
		expect.assertions(4);
	});

	it("names unsupported syntax", () => {
		expect(() => parse("$__loc__")).toThrow(/\$__loc__ is not supported/);
		expect(() => parse('import "x" as x; .')).toThrow(/modules \(import\) are not supported/);
		expect(() => parse(". as [$a] ?// $a | $a")).toThrow(
			/\?\/\/ destructuring alternative is not supported/,
		);
		expect(() => parse("if . then 1 end")).toThrow(/if without else/);
		expect(() => parse("@base32")).toThrow(/@base32 is not a valid format/);
	});

	it("rejects unknown functions and variables at parse time", () => {
		expect(() => parse("nosuchfn(1)")).toThrow(/nosuchfn\/1 is not defined/);
		expect(() => parse("$nobody")).toThrow(/\$nobody is not defined/);
		expect(() => parse("def f(g): g; f")).toThrow(/f\/0 is not defined/);
	});

	it("returns the AST", () => {
		expect(parse(".a").kind).toBe("index");
	});
});

describe("references", () => {
	it("lists the node ids, inputs and secrets a condition reads", () => {
		expect(
			references(
				'.outputs.check.status == "ok" and (.inputs.tier | startswith("tier_1")) and .secrets.token != null',
			),
		).toMatchObject({ outputs: ["check"], inputs: true, secrets: ["token"], dynamic: false });
	});

	it("follows pipes, variables, destructuring and functions", () => {
		expect(references(".outputs.a | .x").outputs).toEqual(["a"]);
		expect(references(".outputs as $o | $o.b.c").outputs).toEqual(["b"]);
		expect(references(". as {outputs: {c: $c}} | $c").outputs).toEqual(["c"]);
		expect(references("def g: .outputs.d; g | tostring").outputs).toEqual(["d"]);
		expect(references('"\\(.outputs.e.msg) and \\(.outputs["f"])"').outputs).toEqual(["e", "f"]);
		expect(references("[.outputs.g[] | .id]").outputs).toEqual(["g"]);
		expect(references("if .outputs.h then .outputs.i else null end").outputs).toEqual(["h", "i"]);
	});

	it("flags reads it cannot resolve statically", () => {
		expect(references(".outputs[.inputs.node]").dynamic).toBe(true);
		expect(references(".outputs | keys").dynamic).toBe(true);
		expect(references(".").dynamic).toBe(true);
		expect(references("[..]").dynamic).toBe(true);
		expect(references(".outputs.a.b").dynamic).toBe(false);
	});

	it("throws ExprSyntaxError for invalid expressions", () => {
		expect(() => references(".a +")).toThrow(ExprSyntaxError);
	});
});

describe("templatesIn", () => {
	it("finds templates with offsets, honouring braces and strings inside", () => {
		expect(templatesIn('a {{ .x }} b {{ {k: {v: 1}} }} c {{ "}}" }}')).toEqual([
			{ expr: " .x ", offset: 2, exprOffset: 4, length: 8 },
			{ expr: " {k: {v: 1}} ", offset: 13, exprOffset: 15, length: 17 },
			{ expr: ' "}}" ', offset: 33, exprOffset: 35, length: 10 },
		]);
		expect(templatesIn("no templates")).toEqual([]);
	});

	it("reports an unterminated template", () => {
		expect(() => templatesIn("x {{ .a")).toThrow(/unterminated template/);
	});
});

describe("render", () => {
	const context = {
		inputs: { service: "api", replicas: 3 },
		outputs: { trigger: { message: "hi", tags: ["a", "b"], meta: { k: "v" }, none: null } },
	};

	it("keeps the JSON type of a whole-string template", () => {
		expect(render("{{ .inputs.replicas }}", context)).toBe(3);
		expect(render("{{ .outputs.trigger.tags }}", context)).toEqual(["a", "b"]);
		expect(render("{{ .outputs.trigger.missing }}", context)).toBeNull();
		expect(render("{{ empty }}", context)).toBeNull();
		expect(render("{{ 1, 2 }}", context)).toBe(1);
	});

	it("interpolates mixed strings", () => {
		expect(render("svc={{ .inputs.service }} n={{ .inputs.replicas }}", context)).toBe(
			"svc=api n=3",
		);
		expect(
			render("meta={{ .outputs.trigger.meta }} none=[{{ .outputs.trigger.none }}]", context),
		).toBe('meta={"k":"v"} none=[]');
		expect(render(" {{ .inputs.replicas }}", context)).toBe(" 3");
	});

	it("renders inside nested objects and arrays, leaving keys and other values alone", () => {
		expect(
			render(
				{
					body: {
						service: "{{ .inputs.service }}",
						list: ["{{ .inputs.replicas }}", 5, true, null],
					},
					"{{k}}": 1,
				},
				context,
			),
		).toEqual({ body: { service: "api", list: [3, 5, true, null] }, "{{k}}": 1 });
	});

	it("writes a literal {{ with a string template", () => {
		expect(render('{{ "{{" }} not a template }}', context)).toBe("{{ not a template }}");
		expect(render('{{ "{{ .x }}" }}', context)).toBe("{{ .x }}");
	});

	it("points at the failing template", () => {
		try {
			render({ body: { list: ["ok", "{{ .inputs.service + 1 }}"] } }, context);
		} catch (e) {
			expect(e).toBeInstanceOf(ExprRuntimeError);
			expect((e as Error & { pointer: string }).pointer).toBe("/body/list/1");
			expect((e as Error).message).toMatch(
				/^at \/body\/list\/1: string \("api"\) and number \(1\) cannot be added/,
			);
		}
		expect.assertions(3);
	});
});

describe("robustness", () => {
	it("turns absurdly nested expressions into syntax errors, not stack overflows", () => {
		expect(() => parse(`${"(".repeat(20_000)}1${")".repeat(20_000)}`)).toThrow(ExprSyntaxError);
		expect(() => parse(`${"[".repeat(20_000)}${"]".repeat(20_000)}`)).toThrow(ExprSyntaxError);
		expect(() => parse(`${". | ".repeat(20_000)}.`)).toThrow(ExprSyntaxError);
		expect(() => parse(".a".repeat(40_000))).toThrow(/longer than 4096 characters/);
	});

	it("treats undefined members of JS inputs as null", () => {
		expect(evaluate('.a, .a.b, .["a"]', { a: undefined })).toEqual([null, null, null]);
	});
});

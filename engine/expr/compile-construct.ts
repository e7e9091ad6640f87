import type { Json, Node } from "./ast";
import type { CompileContext, CompileScope } from "./compile-scope";
import { applyFormat, isFormat } from "./formats";
import type { Budget } from "./limits";
import type { Compiled, Emit, Scope } from "./runtime";
import { collect, fail, fromRun, fromSingle } from "./runtime";
import { preview, setKey, toText } from "./values";

// Constructors: string interpolation (with formats), arrays and objects. Multiple outputs
// multiply out as in jq.

type NodeOf<K extends Node["kind"]> = Node & { kind: K };

export function compileString(
	node: NodeOf<"string">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const format = node.format;
	if (format !== null && !isFormat(format))
		throw context.error(node.pos, `@${format} is not a valid format`);
	const parts = node.parts.map((part) =>
		typeof part === "string" ? part : context.compile(part, scope),
	);
	const render = (value: Json, budget: Budget): string =>
		format === null ? toText(value, budget) : applyFormat(format, value, budget);
	if (parts.every((part) => typeof part === "string" || part.single)) {
		return fromSingle((input, s, budget) => {
			let out = "";
			for (const part of parts)
				out +=
					typeof part === "string"
						? part
						: render((part.single as NonNullable<Compiled["single"]>)(input, s, budget), budget);
			return budget.checkString(out);
		});
	}
	// Later interpolations are the outer loops, as jq builds strings with `+`.
	const build = (
		input: Json,
		s: Scope,
		budget: Budget,
		at: number,
		suffix: string,
		emit: Emit,
	): void => {
		if (at < 0) {
			emit(budget.checkString(suffix));
			return;
		}
		const part = parts[at] as string | Compiled;
		if (typeof part === "string") {
			build(input, s, budget, at - 1, part + suffix, emit);
			return;
		}
		part.run(input, s, budget, (value) =>
			build(input, s, budget, at - 1, render(value, budget) + suffix, emit),
		);
	};
	return fromRun((input, s, budget, emit) => build(input, s, budget, parts.length - 1, "", emit));
}

export function compileArray(
	node: NodeOf<"array">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	if (node.body === null) return fromSingle(() => []);
	const body = context.compile(node.body, scope);
	return fromSingle((input, s, budget) => {
		budget.step();
		return collect(body, input, s, budget);
	});
}

export function compileObject(
	node: NodeOf<"object">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const entries = node.entries.map((entry) => ({
		key: context.compile(entry.key, scope),
		value: context.compile(entry.value, scope),
	}));
	const checkKey = (key: Json): string =>
		typeof key === "string" ? key : fail(`Object keys must be strings (got ${preview(key)})`);
	if (entries.every((entry) => entry.key.single && entry.value.single)) {
		return fromSingle((input, s, budget) => {
			budget.step();
			const out: { [key: string]: Json } = {};
			for (const entry of entries) {
				const key = checkKey(
					(entry.key.single as NonNullable<Compiled["single"]>)(input, s, budget),
				);
				setKey(out, key, (entry.value.single as NonNullable<Compiled["single"]>)(input, s, budget));
			}
			return out;
		});
	}
	// Every combination of key and value outputs; earlier entries are the outer loops.
	const build = (
		input: Json,
		s: Scope,
		budget: Budget,
		at: number,
		acc: [string, Json][],
		emit: Emit,
	): void => {
		const entry = entries[at];
		if (!entry) {
			budget.step();
			const out: { [key: string]: Json } = {};
			for (const [key, value] of acc) setKey(out, key, value);
			emit(out);
			return;
		}
		entry.key.run(input, s, budget, (key) =>
			entry.value.run(input, s, budget, (value) =>
				build(input, s, budget, at + 1, [...acc, [checkKey(key), value]], emit),
			),
		);
	};
	return fromRun((input, s, budget, emit) => build(input, s, budget, 0, [], emit));
}

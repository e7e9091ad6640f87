import { ExprLimitError } from "./errors";

/** Safety caps for one evaluation. All are counts, never wall-clock time. */
export interface Limits {
	/** Evaluation steps: filter calls and outputs, and the work of each builtin (see COSTS). */
	maxSteps: number;
	/** Characters in any string produced. */
	maxStringLength: number;
	/** Elements in any array produced. */
	maxArrayLength: number;
	/** Keys in any object produced. */
	maxObjectSize: number;
	/** Nesting depth of values that are walked recursively (input or produced). */
	maxDepth: number;
	/** Nested calls of user-defined functions (`def`). */
	maxCallDepth: number;
}

export const DEFAULT_LIMITS: Limits = {
	maxSteps: 100_000,
	maxStringLength: 1_000_000,
	maxArrayLength: 100_000,
	maxObjectSize: 100_000,
	maxDepth: 512,
	maxCallDepth: 1_000,
};

/**
 * What each kind of work costs, in steps. A step is about what one filter call costs (on the
 * order of 100 ns); the rest is weighted so that a step never stands for much more work than
 * that, whatever the builtin, so `maxSteps` bounds CPU time and not only filter calls.
 * bench/hostile.ts measures the slowest hostile expression against this (see bench/README.md).
 */
export const COSTS = {
	/** A character scanned, copied or produced by a native string operation. */
	char: 1 / 64,
	/** A character walked one code point at a time in JavaScript (slices, explode, @uri…). */
	codePoint: 1 / 8,
	/** An array element copied, produced or skipped over. */
	element: 1 / 32,
	/** An object key copied, listed, sorted or produced. */
	key: 1,
	/** The same in an object of more than LARGE_OBJECT keys, which V8 keeps as a slow dictionary. */
	keyOfLargeObject: 4,
	/** A value visited by a deep walk: comparison, equality, printing, containment. */
	value: 1,
	/** One character scanned by one instruction of a compiled regex (RE2 runs them in step). */
	regexScan: 1 / 8,
	/** Starting a search: re2js sets up its machine for every call, however short the text. */
	regexSearch: 20,
	/** Starting a search of a long text, for which re2js builds its NFA each time. */
	regexSearchLong: 150,
	/** One character of a pattern, or one instruction of its program, when it is compiled. */
	regexCompile: 40,
	/** A date converted to or from its broken-down or text form. */
	date: 30,
	/** An error raised and then caught (`try`, `?`): building it captures a stack. */
	caughtError: 25,
} as const;

/** Past this many keys V8 stores an object as a hash table, where every key costs more. */
const LARGE_OBJECT = 1_000;

/** Mutable counters for one evaluation; threaded through every compiled closure. */
export class Budget {
	/** Steps spent so far; fractional, since one character or element costs part of a step. */
	steps = 0;
	callDepth = 0;
	constructor(
		readonly limits: Limits,
		/** Seconds since the epoch for `now`; read lazily so most evaluations skip the clock. */
		private readonly clock: number | undefined,
	) {}

	get now(): number {
		return this.clock ?? Date.now() / 1000;
	}

	step(): void {
		if (++this.steps > this.limits.maxSteps) this.stepsExceeded();
	}

	/** Charges `count` units of one kind of work (see COSTS). */
	spend(cost: number, count: number): void {
		this.steps += cost * count;
		if (this.steps > this.limits.maxSteps) this.stepsExceeded();
	}

	chars(count: number): void {
		this.spend(COSTS.char, count);
	}

	codePoints(count: number): void {
		this.spend(COSTS.codePoint, count);
	}

	elements(count: number): void {
		this.spend(COSTS.element, count);
	}

	/** Charges `count` keys of an object of `size` keys (large objects cost more per key). */
	keys(count: number, size = count): void {
		this.spend(size > LARGE_OBJECT ? COSTS.keyOfLargeObject : COSTS.key, count);
	}

	values(count: number): void {
		this.spend(COSTS.value, count);
	}

	caughtError(): void {
		this.spend(COSTS.caughtError, 1);
	}

	/** Charges a sort of `count` items, `n log n` comparisons, each at least one value visit. */
	sort(count: number): void {
		this.spend(COSTS.value, count * Math.log2(count + 1));
	}

	stepsExceeded(): never {
		throw new ExprLimitError(
			"steps",
			this.limits.maxSteps,
			"the expression does too much work (an endless loop or recursion, or a very large range/repeat); simplify it or raise maxSteps",
		);
	}

	checkString(s: string): string {
		if (s.length > this.limits.maxStringLength) {
			throw new ExprLimitError(
				"stringLength",
				this.limits.maxStringLength,
				`a string of ${s.length} characters was produced`,
			);
		}
		this.chars(s.length);
		return s;
	}

	checkStringLength(length: number): void {
		if (length > this.limits.maxStringLength) {
			throw new ExprLimitError(
				"stringLength",
				this.limits.maxStringLength,
				`a string of ${length} characters would be produced`,
			);
		}
	}

	checkArrayLength(length: number): void {
		if (length > this.limits.maxArrayLength) {
			throw new ExprLimitError(
				"arrayLength",
				this.limits.maxArrayLength,
				`an array of ${length} elements would be produced`,
			);
		}
	}

	checkObjectSize(size: number): void {
		if (size > this.limits.maxObjectSize) {
			throw new ExprLimitError(
				"objectSize",
				this.limits.maxObjectSize,
				`an object with ${size} keys would be produced`,
			);
		}
	}

	checkDepth(depth: number): void {
		if (depth > this.limits.maxDepth) depthExceeded(this.limits.maxDepth);
	}

	enterCall(): void {
		if (++this.callDepth > this.limits.maxCallDepth) {
			throw new ExprLimitError(
				"callDepth",
				this.limits.maxCallDepth,
				"user-defined functions recurse too deeply (is there a recursion without a base case?)",
			);
		}
	}
}

export function depthExceeded(max: number): never {
	throw new ExprLimitError("depth", max, "a value is nested too deeply");
}

export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
	return overrides ? { ...DEFAULT_LIMITS, ...overrides } : DEFAULT_LIMITS;
}

import { ExprLimitError } from "./errors";

/** Safety caps for one evaluation. All are counts, never wall-clock time. */
export interface Limits {
	/** Evaluation steps (filter invocations, generator outputs, size-weighted allocations). */
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

/** Every allocation of this many characters/elements costs one extra step, so memory is bounded too. */
const UNITS_PER_STEP = 256;

/** Mutable counters for one evaluation; threaded through every compiled closure. */
export class Budget {
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

	/** Charges for producing something of `size` units (characters or elements). */
	charge(size: number): void {
		this.steps += (size / UNITS_PER_STEP) | 0;
		if (this.steps > this.limits.maxSteps) this.stepsExceeded();
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
		this.charge(s.length);
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

/**
 * Depth cap for recursive walks over values (compare, tojson, contains, ...), which have no
 * Budget at hand. Set by `evaluate` for the duration of one (synchronous) evaluation.
 */
export const walkGuard = { maxDepth: DEFAULT_LIMITS.maxDepth };

export function depthExceeded(max: number): never {
	throw new ExprLimitError("depth", max, "a value is nested too deeply");
}

export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
	return overrides ? { ...DEFAULT_LIMITS, ...overrides } : DEFAULT_LIMITS;
}

import type { Json } from "./ast";
import { depthExceeded } from "./limits";

// Depth checks without recursion, so a 10,000-deep input cannot overflow the JS stack.

/** Throws ExprLimitError("depth") if `value` nests deeper than `maxDepth`. */
export function checkDepthOf(value: Json, maxDepth: number): void {
	if (value === null || typeof value !== "object") return;
	const stack: { value: Json; depth: number }[] = [{ value, depth: 1 }];
	while (stack.length > 0) {
		const { value: current, depth } = stack.pop() as { value: Json; depth: number };
		if (depth > maxDepth) depthExceeded(maxDepth);
		if (current === null || typeof current !== "object") continue;
		const children = Array.isArray(current) ? current : Object.values(current);
		for (const child of children) {
			if (child !== null && typeof child === "object")
				stack.push({ value: child, depth: depth + 1 });
		}
	}
}

// Inputs are usually the same run-context object evaluated by many templates; remember the
// depth already verified so each object is walked once.
const verifiedDepth = new WeakMap<object, number>();

/** Validates an evaluation input once per object (by identity) and depth limit. */
export function checkInputDepth(input: unknown, maxDepth: number): void {
	if (input === null || typeof input !== "object") return;
	const known = verifiedDepth.get(input);
	if (known !== undefined && known <= maxDepth) return;
	checkDepthOf(input as Json, maxDepth);
	verifiedDepth.set(input, maxDepth);
}

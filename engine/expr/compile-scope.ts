import type { Node } from "./ast";
import type { ExprSyntaxError } from "./errors";
import type { Compiled } from "./runtime";

/** What the compiler knows is in scope, to resolve names and report undefined ones early. */
export type CompileScope = {
	kind: "variable" | "function" | "closure" | "label";
	/** Variable/label name, or `name/arity` for functions and closure parameters. */
	key: string;
	parent: CompileScope;
} | null;

export interface CompileContext {
	error(pos: number, reason: string): ExprSyntaxError;
	/**
	 * Compiles a sub-expression. Handed to each construct's compiler rather than imported, so
	 * the constructs (compile-*.ts) and the dispatcher (compile.ts) do not import each other.
	 */
	compile(node: Node, scope: CompileScope): Compiled;
}

export function findInScope(scope: CompileScope, kind: "variable" | "label", key: string): boolean;
export function findInScope(
	scope: CompileScope,
	kind: "callable",
	key: string,
): "function" | "closure" | null;
export function findInScope(
	scope: CompileScope,
	kind: "variable" | "label" | "callable",
	key: string,
): boolean | "function" | "closure" | null {
	for (let frame = scope; frame !== null; frame = frame.parent) {
		if (frame.key !== key) continue;
		if (kind === "callable" && (frame.kind === "function" || frame.kind === "closure"))
			return frame.kind;
		if (frame.kind === kind) return true;
	}
	return kind === "callable" ? null : false;
}

export function extendScope(
	scope: CompileScope,
	kind: NonNullable<CompileScope>["kind"],
	key: string,
): CompileScope {
	return { kind, key, parent: scope };
}

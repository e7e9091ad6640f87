import { compile, references, templatesIn } from "../../expr";
import type { ExprStatic, ReadPath } from "./check";

/**
 * engine/expr seen through the narrow interface the checks use. Its
 * ExprSyntaxError already carries `reason` and a 0-based `offset`, so it is a
 * SyntaxFailure as thrown. `references` has no positions, so reference issues
 * carry none; `*` (a computed key, e.g. `.outputs[$id]`) cannot be checked
 * statically and is dropped, leaving the root alone.
 */
export const exprStatic: ExprStatic = {
	parse(expression) {
		// compile() parses, checks functions and variables, and caches for the run engine.
		compile(expression);
	},
	references(expression) {
		return references(expression).paths.map((path): ReadPath => {
			const second = path[1];
			return { segments: second === "*" ? path.slice(0, 1) : path.slice(0, 2) };
		});
	},
	templates(text) {
		return templatesIn(text).map((span) => ({
			expression: span.expr,
			offset: span.exprOffset,
			start: span.offset,
			end: span.offset + span.length,
		}));
	},
};

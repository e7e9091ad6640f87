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
			// Up to three segments (`.outputs.trigger.password`), cut at the first computed key.
			const computed = path.indexOf("*");
			return { segments: path.slice(0, computed === -1 ? 3 : Math.min(computed, 3)) };
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

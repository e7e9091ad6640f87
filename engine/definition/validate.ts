import type { z } from "zod";
import { issue, toPointer } from "./issues";
import { workflowDefinitionSchema } from "./schema/definition";
import type { DefinitionIssue, ValidationResult } from "./types";

/**
 * Parse and check a definition in one call: shape (strict, defaults applied),
 * then the save-time checks. Issues come back in definition order, one per
 * offending field (an object with two unknown keys gives two issues).
 */
export function validateDefinition(input: unknown): ValidationResult {
	const parsed = workflowDefinitionSchema.safeParse(input);
	if (parsed.success) return { ok: true, definition: parsed.data };
	return { ok: false, issues: parsed.error.issues.flatMap(fromZodIssue) };
}

/** Exported for the routes: the same mapping for any zod error in a request. */
export function fromZodIssue(zodIssue: z.core.$ZodIssue): DefinitionIssue[] {
	const path = zodIssue.path;
	switch (zodIssue.code) {
		case "unrecognized_keys":
			return zodIssue.keys.map((key) =>
				issue([...path, key], "unknown_field", `unknown field "${key}"`),
			);
		case "invalid_union":
			// A node's `config` is the one union keyed by node type; other unions (a run's scope) are values.
			if (zodIssue.discriminator !== undefined && path.at(-2) === "config") {
				return [issue(path, "unknown_node_type", zodIssue.message)];
			}
			return [issue(path, "invalid_value", zodIssue.message)];
		case "custom": {
			const params = zodIssue.params as
				| { code?: string; position?: DefinitionIssue["position"] }
				| undefined;
			return [issue(path, params?.code ?? "invalid_value", zodIssue.message, params?.position)];
		}
		case "invalid_type":
			return [
				issue(
					path,
					zodIssue.message.endsWith("received undefined") ? "missing_field" : "invalid_type",
					zodIssue.message.endsWith("received undefined")
						? `required field ${toPointer(path) || "/"} is missing`
						: zodIssue.message,
				),
			];
		default:
			return [issue(path, zodIssue.code, zodIssue.message)];
	}
}

import { checkDefinition } from "../checks";
import { workflowShapeSchema } from "./workflow";

/**
 * The request body schema of POST/PUT /v1/workflows: the strict shape plus
 * the save-time checks as one refinement. The refinement runs only when the
 * shape parsed without any issue (`when`): zod would otherwise run it after
 * "continuable" failures such as a bad identifier pattern, and an author would
 * get a second, derived issue (unknown_target) for one mistake. Each
 * check issue is a zod "custom" issue whose `params` carry the stable `code`
 * (and `position` for template errors), so any zod-issue → problem+json
 * mapper can keep them; `validateDefinition` does that mapping itself.
 */
export const workflowDefinitionSchema = workflowShapeSchema.superRefine(
	(def, ctx) => {
		for (const found of checkDefinition(def)) {
			ctx.addIssue({
				code: "custom",
				path: pathOf(found.pointer),
				message: found.message,
				params:
					found.position === undefined
						? { code: found.code }
						: { code: found.code, position: found.position },
			});
		}
	},
	{ when: (payload) => payload.issues.length === 0 },
);

function pathOf(pointer: string): Array<string | number> {
	if (pointer === "") return [];
	return pointer
		.slice(1)
		.split("/")
		.map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
		.map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

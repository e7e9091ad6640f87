import type { DefinitionIssue, WorkflowDefinition } from "../../engine/definition";
import { inputFormIssues } from "../runs/input-form";
import type { UserInputs } from "../runs/inputs";

/** Paths under /v1/workflows that are routes, so they cannot be workflow identifiers. */
const RESERVED_IDENTIFIERS = new Set(["runs"]);

/**
 * The checks a save makes beyond the definition format (engine/definition): an identifier
 * the API reserves, input forms that no run could pass. Pure, so `stepline validate` runs
 * exactly these offline and reports what the server would.
 */
export function saveTimeIssues(definition: WorkflowDefinition): DefinitionIssue[] {
	if (RESERVED_IDENTIFIERS.has(definition.identifier)) {
		return [
			{
				pointer: "/identifier",
				message: `"${definition.identifier}" is reserved by the API.`,
				code: "reserved",
			},
		];
	}
	return definition.nodes.flatMap((node, i) => {
		const form = (node.config as { userInputs?: UserInputs }).userInputs;
		return form ? inputFormIssues(form, `/nodes/${i}/config/userInputs`) : [];
	});
}

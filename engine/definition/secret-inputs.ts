import { isTriggerType } from "./constants";
import type { WorkflowNode } from "./types";

/** Port's marker of a secret form field; `writeOnly: true` (JSON Schema's) means the same. */
export const SECRET_INPUT_ENCRYPTION = "aes256-gcm";

/**
 * Which inputs of a trigger a run keeps sealed (docs/ARCHITECTURE.md#secrets): the form's
 * properties marked `"encryption": "aes256-gcm"` or `"writeOnly": true`, or every input when
 * the trigger sets `maskOutput` (its output is the inputs). Other nodes have none.
 */
export type SecretInputs = { all: true } | { all: false; names: ReadonlySet<string> };

const NONE: SecretInputs = { all: false, names: new Set() };

export function secretInputsOf(node: WorkflowNode): SecretInputs {
	if (node.maskOutput === true && isTriggerType(node.config.type)) return { all: true };
	const form = (node.config as { userInputs?: { properties?: Record<string, unknown> } })
		.userInputs;
	const names = new Set<string>();
	for (const [name, property] of Object.entries(form?.properties ?? {})) {
		if (isSecretProperty(property)) names.add(name);
	}
	return names.size === 0 ? NONE : { all: false, names };
}

export function isSecretInput(secret: SecretInputs, name: string): boolean {
	return secret.all || secret.names.has(name);
}

function isSecretProperty(property: unknown): boolean {
	if (property === null || typeof property !== "object") return false;
	const p = property as { encryption?: unknown; writeOnly?: unknown };
	return p.encryption === SECRET_INPUT_ENCRYPTION || p.writeOnly === true;
}

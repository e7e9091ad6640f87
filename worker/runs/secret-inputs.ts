import { KeyRingError, keyRingFrom } from "../../engine/crypto/keyring";
import { valueSealer } from "../../engine/crypto/value-sealer";
import { isSecretInput, secretInputsOf, type WorkflowNode } from "../../engine/definition";
import { inputPlace, type JsonObject, type JsonValue } from "../../engine/run";
import { ApiError } from "../errors/api-error";

/**
 * Seals a run's secret inputs before the run exists (docs/ARCHITECTURE.md#secrets): the run
 * object, its storage and every read of the run only ever see `{ "$sealed": … }`; a WEBHOOK
 * request opens them, and a retry reuses them without the caller sending them again. Inputs
 * without a secret field pass through untouched (and no key is needed).
 */
export function sealSecretInputs(
	env: Pick<Env, "SECRETS_MASTER_KEY">,
	tenantId: string,
	workflowIdentifier: string,
	trigger: WorkflowNode,
	inputs: JsonObject,
): JsonObject {
	const secret = secretInputsOf(trigger);
	const names = Object.keys(inputs).filter((name) => isSecretInput(secret, name));
	if (names.length === 0) return inputs;
	let sealer: ReturnType<typeof valueSealer>;
	try {
		sealer = valueSealer(keyRingFrom(env.SECRETS_MASTER_KEY), tenantId);
	} catch (error) {
		if (error instanceof KeyRingError) throw new ApiError("secrets_misconfigured", error.message);
		throw error;
	}
	const sealed = { ...inputs };
	for (const name of names) {
		const value = sealer.seal(inputs[name], inputPlace(workflowIdentifier, name));
		sealed[name] = value as unknown as JsonValue;
	}
	return sealed;
}

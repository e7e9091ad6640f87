import type { Plan, SecretValues } from "../../engine/run";
import { readSecrets } from "../../worker/secrets/secret-values";

/**
 * The tenant secrets a run's plan names, read from the store for the steps that follow
 * (docs/ARCHITECTURE.md#secrets): the object reads them before every step that may send a
 * request, so each attempt carries the value stored at that moment, and keeps them in memory
 * only. A plan that names none (most runs) reads nothing.
 */
export async function readRunSecrets(
	env: Env,
	tenantId: string,
	plan: Plan,
): Promise<SecretValues | undefined> {
	if (plan.secretNames.length === 0) return undefined;
	return readSecrets(env, tenantId, plan.secretNames);
}

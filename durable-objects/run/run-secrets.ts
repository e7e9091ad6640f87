import type { RunMeta } from "../../engine/control";
import { keyRingFrom } from "../../engine/crypto/keyring";
import { valueSealer } from "../../engine/crypto/value-sealer";
import type { Plan, SecretValues, ValueSealer } from "../../engine/run";
import { readSecrets } from "../../worker/secrets/secret-values";

/**
 * The tenant secrets a run's plan names, read from the store for the steps that follow
 * (docs/ARCHITECTURE.md#secrets): the object reads them before every step that may send a
 * request, so each attempt carries the value stored at that moment, and keeps them in memory
 * only. A plan that names none (most runs) reads nothing.
 */
export async function readRunSecrets(
	env: Env,
	meta: Pick<RunMeta, "tenantId" | "signingSecret">,
	plan: Plan,
): Promise<SecretValues | undefined> {
	const names = runSecretNames(meta, plan);
	if (names.length === 0) return undefined;
	return readSecrets(env, meta.tenantId, names);
}

/** The plan's secrets and the tenant's default signing secret the run was started with. */
export function runSecretNames(meta: Pick<RunMeta, "signingSecret">, plan: Plan): string[] {
	const names = new Set(plan.secretNames);
	if (meta.signingSecret !== undefined) names.add(meta.signingSecret);
	return [...names];
}

/**
 * The tenant's sealer for the values this run keeps sealed (secret inputs, maskOutput
 * outputs). The key ring is read on first use, so a run that seals nothing never needs
 * SECRETS_MASTER_KEY; a missing or malformed one fails the node that needs it, not the object.
 */
export function runSealer(env: Env, tenantId: string): ValueSealer {
	let sealer: ValueSealer | undefined;
	const get = () => {
		sealer ??= valueSealer(keyRingFrom(env.SECRETS_MASTER_KEY), tenantId);
		return sealer;
	};
	return {
		seal: (value, place) => get().seal(value, place),
		open: (sealed, place) => get().open(sealed, place),
	};
}

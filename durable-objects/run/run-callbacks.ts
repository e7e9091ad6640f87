/**
 * The run object's side of async calls (docs/ARCHITECTURE.md#waiting-on-the-outside): minting
 * callback URLs for the engine, and checking a callback's signature before `decide` sees it
 * (Web Crypto and the secrets store are async; the decision is not).
 */
import type { CallbackSignal, RunMeta } from "../../engine/control";
import { verify } from "../../engine/crypto/standard-webhooks";
import { newToken } from "../../engine/crypto/token";
import { type CallbackMint, callbackSecretFor, type Plan, type RunState } from "../../engine/run";
import { readSecrets } from "../../worker/secrets/secret-values";
import { outsideToken } from "./outside-address";

/** Callback URLs under PUBLIC_URL; without it, async calls fail with callback_unavailable. */
export function callbackMint(env: Env, meta: RunMeta): CallbackMint | undefined {
	const base = env.PUBLIC_URL?.replace(/\/+$/, "");
	if (!base) return undefined;
	return {
		mint: () => {
			const token = newToken();
			return { token, url: `${base}/callbacks/${outsideToken(meta.tenantId, meta.runId, token)}` };
		},
	};
}

/**
 * The callback with its signature checked against the secret its node names, when it names
 * one. The raw payload goes no further than this check.
 */
export async function checkCallbackSignature(
	env: Env,
	meta: RunMeta,
	plan: Plan,
	state: RunState | null,
	signal: CallbackSignal,
	now: number,
): Promise<CallbackSignal> {
	const secretName = state ? callbackSecretFor(plan, state, signal.tokenHash) : null;
	const { signed, ...rest } = signal;
	if (secretName === null) return { ...rest, signed: null, signature: null };
	if (!signed) return { ...rest, signed: null, signature: "invalid" };
	const read = await readSecrets(env, meta.tenantId, [secretName], { now });
	const secret = read.values.get(secretName);
	if (secret === undefined) return { ...rest, signed: null, signature: "invalid" };
	const result = await verify(secret, signed.headers, signed.payload, { now });
	return { ...rest, signed: null, signature: result.kind === "verified" ? "valid" : "invalid" };
}

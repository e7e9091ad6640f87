/**
 * Tenant secrets in a node's request (docs/ARCHITECTURE.md#secrets). The shell reads the plan's
 * secrets from the store before each step and hands them in (AdvanceEnv.secrets); here a node
 * takes the ones its request names, or fails when one is missing. Only the request's context
 * holds them: every other template of the run sees no `.secrets` at all.
 */
import type { JsonObject } from "./json";
import type { PlannedNode } from "./plan";
import type { ErrorInfo } from "./state";
import type { Step } from "./step";

export type RequestSecrets = { ok: true; secrets: JsonObject } | { ok: false; error: ErrorInfo };

const NONE: RequestSecrets = { ok: true, secrets: {} };

export function requestSecrets(step: Step, planned: PlannedNode): RequestSecrets {
	if (planned.secrets.length === 0) return NONE;
	const values = step.env.secrets?.values;
	const unreadable = step.env.secrets?.unreadable;
	const secrets: JsonObject = {};
	const missing: string[] = [];
	for (const name of planned.secrets) {
		const why = unreadable?.get(name);
		if (why !== undefined) {
			return {
				ok: false,
				error: {
					code: "secret_unreadable",
					message: `secret "${name}" cannot be decrypted: ${why}`,
				},
			};
		}
		const value = values?.get(name);
		if (value === undefined) missing.push(name);
		else secrets[name] = value;
	}
	if (missing.length > 0) {
		const list = missing.map((n) => `"${n}"`).join(", ");
		const them = missing.length === 1 ? "it" : "them";
		return {
			ok: false,
			error: {
				code: "secret_not_found",
				message: `secret${missing.length === 1 ? "" : "s"} ${list} ${missing.length === 1 ? "is" : "are"} not stored in this tenant: an admin stores ${them} with PUT /v1/secrets/{name}`,
			},
		};
	}
	return { ok: true, secrets };
}

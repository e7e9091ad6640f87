/**
 * Tenant secrets in a node's request (docs/ARCHITECTURE.md#secrets). The shell reads the plan's
 * secrets from the store before each step and hands them in (AdvanceEnv.secrets); here a node
 * takes the ones its request names, and the one it is signed with, or fails when one is
 * missing. Only the request's context holds them: every other template of the run sees no
 * `.secrets` at all.
 */
import type { JsonObject } from "./json";
import type { PlannedNode } from "./plan";
import type { ErrorInfo } from "./state";
import type { Step } from "./step";

export type RequestSecrets =
	| {
			ok: true;
			/** `.secrets` of the request's context: the names its templates read. */
			secrets: JsonObject;
			/** The value it is signed with (its own `signature`, else the tenant default), or null. */
			signingSecret: string | null;
	  }
	| { ok: false; error: ErrorInfo };

const NONE: RequestSecrets = { ok: true, secrets: {}, signingSecret: null };

export function requestSecrets(step: Step, planned: PlannedNode): RequestSecrets {
	const signing = planned.signature ?? step.env.signingSecret ?? null;
	if (planned.secrets.length === 0 && signing === null) return NONE;
	const values = step.env.secrets?.values;
	const unreadable = step.env.secrets?.unreadable;
	const found = new Map<string, string>();
	const missing: string[] = [];
	for (const name of new Set([...planned.secrets, ...(signing === null ? [] : [signing])])) {
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
		else found.set(name, value);
	}
	if (missing.length > 0) {
		const list = missing.map((n) => `"${n}"`).join(", ");
		const one = missing.length === 1;
		return {
			ok: false,
			error: {
				code: "secret_not_found",
				message: `secret${one ? "" : "s"} ${list} ${one ? "is" : "are"} not stored in this tenant: an admin stores ${one ? "it" : "them"} with PUT /v1/secrets/{name}`,
			},
		};
	}
	const secrets: JsonObject = {};
	for (const name of planned.secrets) secrets[name] = found.get(name) ?? null;
	return {
		ok: true,
		secrets,
		signingSecret: signing === null ? null : (found.get(signing) ?? null),
	};
}

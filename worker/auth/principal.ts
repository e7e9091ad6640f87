import type { Scope } from "./scopes";

export const ROLES = ["viewer", "member", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** How the caller proved who it is. */
export type Credential =
	| { kind: "jwt" }
	/** A tenant's API key (`stl_…`): a principal of its own, named `apikey:<id>`. */
	| { kind: "api_key"; keyId: string; name: string };

/** Who is calling, as proven by a verified token or API key. The tenant comes from nowhere else. */
export interface Principal {
	tenantId: string;
	/** The user (a JWT's `sub`), or `apikey:<id>` for an API key. */
	subject: string;
	role: Role;
	/** The scopes the credential holds; null for a JWT without a `scope` claim (role rules only). */
	scopes: readonly Scope[] | null;
	credential: Credential;
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

export const hasRole = (role: Role, atLeast: Role): boolean => RANK[role] >= RANK[atLeast];

/** The subject an API key acts as: never a user's, since a JWT's `sub` may not take this form. */
export const API_KEY_SUBJECT_PREFIX = "apikey:";
export const apiKeySubject = (keyId: string) => `${API_KEY_SUBJECT_PREFIX}${keyId}`;

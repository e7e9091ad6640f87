/**
 * What a credential may do, beside its role. API keys always carry scopes; a JWT carries them
 * when it has a `scope` claim (see docs/ARCHITECTURE.md#api-keys-and-scopes). Every operation
 * needs exactly one scope, declared where the route is defined (defineRoute).
 */
export const SCOPES = [
	"workflows:read",
	"workflows:write",
	"runs:read",
	"runs:write",
	"inputs:read",
	"inputs:write",
	"events:write",
	"secrets:write",
	"admin",
] as const;

export type Scope = (typeof SCOPES)[number];

const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);

/**
 * Whether holding `held` grants `needed`: the scope itself, `admin` (which grants every scope),
 * or the `:write` of a `:read` (writing a resource includes reading it).
 */
export function grants(held: readonly Scope[], needed: Scope): boolean {
	if (held.includes(needed) || held.includes("admin")) return true;
	return needed.endsWith(":read") && held.includes(needed.replace(/:read$/, ":write") as Scope);
}

/**
 * A JWT's space-separated `scope` claim as Stepline scopes. Values Stepline does not define
 * (an identity provider's `openid`, `profile`, …) grant nothing and are dropped; a token whose
 * claim holds none of ours may do nothing. No claim at all is `null`: role rules only.
 */
export function scopesOfClaim(claim: string | undefined): Scope[] | null {
	if (claim === undefined) return null;
	return [...new Set(claim.split(" ").filter(isScope))];
}

// Who is signed in. The bearer token lives in sessionStorage: it survives reloads of this tab
// but is gone when the tab closes, and other tabs never see it. The claims are decoded only to
// show who you are and to hide buttons you could not use; the API still checks every request.

const STORAGE_KEY = "stepline.token";

export type Role = "admin" | "member" | "viewer";

export interface Claims {
	sub: string;
	tid: string;
	role: Role;
	/** Seconds since the epoch. */
	exp: number;
}

export interface Session {
	token: string;
	claims: Claims;
}

let current: Session | null = null;
let signedOutBecause: string | null = null;
const listeners = new Set<() => void>();

function notify() {
	for (const listener of listeners) listener();
}

function decodeClaims(token: string): Claims | null {
	const payload = token.split(".")[1];
	if (!payload) return null;
	try {
		const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
		const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
		const claims = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Claims>;
		if (typeof claims.sub !== "string" || typeof claims.tid !== "string") return null;
		if (typeof claims.exp !== "number") return null;
		const role = claims.role === "admin" || claims.role === "member" ? claims.role : "viewer";
		return { sub: claims.sub, tid: claims.tid, role, exp: claims.exp };
	} catch {
		return null;
	}
}

/** Returns an error message for a token that cannot be used, or null once signed in. */
export function signIn(rawToken: string): string | null {
	const token = rawToken.trim().replace(/^Bearer\s+/i, "");
	const claims = decodeClaims(token);
	if (!claims) return "That does not look like a Stepline token (a JWT with sub, tid and exp).";
	if (claims.exp * 1000 <= Date.now()) return "That token has expired; make a new one.";
	sessionStorage.setItem(STORAGE_KEY, token);
	current = { token, claims };
	signedOutBecause = null;
	notify();
	return null;
}

export function signOut(reason: string | null = null) {
	sessionStorage.removeItem(STORAGE_KEY);
	current = null;
	signedOutBecause = reason;
	notify();
}

/** The session, or null (signing out first when the stored token has expired). */
export function getSession(): Session | null {
	if (current && current.claims.exp * 1000 <= Date.now()) {
		signOut("Your token expired. Paste a new one to continue.");
	}
	return current;
}

export const signOutReason = () => signedOutBecause;

export function subscribe(listener: () => void): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/**
 * Restores the tab's token, then takes a one-time sign-in code handed over in the URL fragment
 * (`/admin#code=…`, printed by `npm start`): it leaves the address bar and history at once, and
 * is exchanged by POST for the token it stands for, so history only ever holds a spent code.
 * A token is never taken from the URL: one found there is dropped, and the user is told to
 * paste it instead.
 */
export async function restoreSession(): Promise<void> {
	const stored = sessionStorage.getItem(STORAGE_KEY);
	if (stored && signIn(stored) !== null) signOut("Your saved token is no longer valid.");
	const fragment = new URLSearchParams(location.hash.slice(1));
	const code = fragment.get("code");
	if (code === null && !fragment.has("token")) return;
	history.replaceState(null, "", location.pathname + location.search);
	if (code === null) {
		signOut("Tokens are not taken from the address bar (it keeps them in history); paste it here.");
		return;
	}
	const problem = await exchangeCode(code);
	if (problem) signOut(problem);
}

async function exchangeCode(code: string): Promise<string | null> {
	let res: Response;
	try {
		res = await fetch("/auth/sign-in", {
			method: "POST",
			headers: { "content-type": "application/json", accept: "application/json" },
			body: JSON.stringify({ code }),
		});
	} catch {
		return "Could not reach the server to use the sign-in link; paste a token instead.";
	}
	if (!res.ok) {
		return "That sign-in link was used already or has expired. Paste a token, or restart npm start for a new link.";
	}
	const body = (await res.json()) as { token?: unknown };
	return typeof body.token === "string" ? signIn(body.token) : "The sign-in answer held no token.";
}

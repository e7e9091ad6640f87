import { env, SELF } from "cloudflare:test";
import { SignJWT } from "jose";

export const BASE = "https://stepline.test";

export interface TokenOptions {
	tenant?: string;
	sub?: string;
	role?: "admin" | "member" | "viewer";
	/** Seconds from now; negative for an expired token. */
	expiresIn?: number;
	/** `iat` in seconds from now (default 0); null leaves the claim out. */
	issuedIn?: number | null;
	issuer?: string;
	audience?: string;
	secret?: string;
	claims?: Record<string, unknown>;
}

/** A token signed the way `npm run token` signs it, with the test secret from vitest.config.mts. */
export async function tokenFor(options: TokenOptions = {}): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	const jwt = new SignJWT({
		tid: options.tenant ?? "acme",
		role: options.role ?? "admin",
		...options.claims,
	})
		.setProtectedHeader({ alg: "HS256" })
		.setSubject(options.sub ?? "alice@acme.test")
		.setIssuer(options.issuer ?? env.JWT_ISSUER)
		.setAudience(options.audience ?? env.JWT_AUDIENCE)
		.setExpirationTime(now + (options.expiresIn ?? 3600));
	if (options.issuedIn !== null) jwt.setIssuedAt(now + (options.issuedIn ?? 0));
	return jwt.sign(new TextEncoder().encode(options.secret ?? env.JWT_SECRET));
}

export interface CallOptions {
	method?: string;
	token?: string | null;
	body?: unknown;
	/** Sent as-is (for malformed JSON tests). */
	rawBody?: string;
	headers?: Record<string, string>;
}

export interface CallResult<T = any> {
	status: number;
	headers: Headers;
	body: T;
}

/** Calls the Worker the way a client would and parses the JSON (or problem+json) answer. */
export async function call<T = any>(
	path: string,
	options: CallOptions = {},
): Promise<CallResult<T>> {
	const headers: Record<string, string> = { ...options.headers };
	const token = options.token === undefined ? await tokenFor() : options.token;
	if (token) headers.authorization = `Bearer ${token}`;
	let body: string | undefined;
	if (options.rawBody !== undefined) body = options.rawBody;
	else if (options.body !== undefined) body = JSON.stringify(options.body);
	if (body !== undefined) headers["content-type"] ??= "application/json";
	const res = await SELF.fetch(`${BASE}${path}`, {
		method: options.method ?? "GET",
		headers,
		body,
	});
	const text = await res.text();
	let parsed: unknown = text;
	if (text && /json/.test(res.headers.get("content-type") ?? "")) parsed = JSON.parse(text);
	return { status: res.status, headers: res.headers, body: parsed as T };
}

/** A small valid definition: trigger → condition → webhook / fallback delay. */
export function sampleWorkflow(identifier = "deploy_service", title = "Deploy a service") {
	return {
		identifier,
		title,
		description: "Deploys a service to an environment.",
		nodes: [
			{
				identifier: "trigger",
				title: "Start",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: {
						properties: { service: { type: "string" }, env: { type: "string" } },
						required: ["service"],
					},
				},
			},
			{
				identifier: "check",
				config: {
					type: "CONDITION",
					options: [{ identifier: "prod", expression: '.outputs.trigger.env == "prod"' }],
				},
			},
			{
				identifier: "notify",
				config: {
					type: "WEBHOOK",
					url: "https://hooks.example.com/deploy",
					method: "POST",
					body: { service: "{{ .outputs.trigger.service }}" },
				},
			},
			{ identifier: "wait", config: { type: "DELAY", duration: "5s" } },
		],
		connections: [
			{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "check" },
			{
				identifier: "c2",
				sourceIdentifier: "check",
				sourceOptionIdentifier: "prod",
				targetIdentifier: "notify",
			},
			{ identifier: "c3", sourceIdentifier: "check", fallback: true, targetIdentifier: "wait" },
		],
	};
}

/** Asserts the response is an RFC 9457 problem document and returns it. */
export function expectProblem(res: CallResult, status: number, code: string) {
	const ok =
		res.status === status &&
		(res.headers.get("content-type") ?? "").startsWith("application/problem+json") &&
		res.body?.code === code &&
		res.body?.status === status &&
		typeof res.body?.title === "string" &&
		typeof res.body?.detail === "string" &&
		typeof res.body?.requestId === "string" &&
		res.body.requestId.length > 0 &&
		!JSON.stringify(res.body).includes("    at ");
	if (!ok)
		throw new Error(
			`expected ${status} ${code} problem, got ${res.status}: ${JSON.stringify(res.body)}`,
		);
	return res.body as {
		errors?: { pointer: string; message: string; in: string; code?: string }[];
		detail: string;
	};
}

/** Storage persists across the tests of a file, so each test works in a tenant of its own. */
export const uniqueTenant = (prefix = "t") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** A caller bound to one identity: `const alice = await as({ tenant, role: "member" })`. */
export async function as(options: TokenOptions) {
	const token = await tokenFor(options);
	return {
		token,
		call: <T = any>(path: string, callOptions: Omit<CallOptions, "token"> = {}) =>
			call<T>(path, { ...callOptions, token }),
	};
}

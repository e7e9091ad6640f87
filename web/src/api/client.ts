// The one way the page talks to the API: bearer token, JSON, and RFC 9457 problems turned into
// ApiProblem errors. A 401 signs the user out with the API's reason, whatever page asked.
import { getSession, signOut } from "./session";

export interface FieldProblem {
	in?: string;
	pointer: string;
	code?: string;
	message: string;
}

export class ApiProblem extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly title: string,
		readonly detail: string,
		readonly errors: FieldProblem[] = [],
		readonly requestId?: string,
	) {
		super(detail || title);
	}
}

interface Options {
	method?: string;
	body?: unknown;
	headers?: Record<string, string>;
	signal?: AbortSignal;
}

export function authHeaders(): Record<string, string> {
	const session = getSession();
	if (!session) throw new ApiProblem(401, "unauthorized", "Signed out", "Sign in first.");
	return { authorization: `Bearer ${session.token}` };
}

export async function toProblem(res: Response): Promise<ApiProblem> {
	const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
	const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : "");
	const problem = new ApiProblem(
		res.status,
		text("code") || `http_${res.status}`,
		text("title") || res.statusText || "Request failed",
		text("detail"),
		Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : [],
		text("requestId") || undefined,
	);
	if (res.status === 401) {
		const reason = (problem.detail || problem.title).replace(/\.$/, "");
		signOut(`The API rejected your token: ${reason}. Sign in again.`);
	}
	return problem;
}

export async function api<T>(path: string, options: Options = {}): Promise<T> {
	const headers: Record<string, string> = { accept: "application/json", ...authHeaders() };
	if (options.body !== undefined) headers["content-type"] = "application/json";
	const res = await fetch(path, {
		method: options.method ?? "GET",
		headers: { ...headers, ...options.headers },
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
		signal: options.signal,
	});
	if (!res.ok) throw await toProblem(res);
	if (res.status === 204) return undefined as T;
	return (await res.json()) as T;
}

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
	}
	const text = search.toString();
	return text ? `?${text}` : "";
}

export interface OpenApiDocument {
	paths?: Record<string, unknown>;
	components?: { schemas?: Record<string, Record<string, unknown>> };
}

let openApi: Promise<OpenApiDocument> | undefined;

/**
 * The deployed API's OpenAPI document, fetched once: which paths exist (so the page only offers
 * what the API has) and the definition's JSON Schema (the editor's completion and docs).
 */
export function openApiDocument(): Promise<OpenApiDocument> {
	openApi ??= fetch("/openapi.json")
		.then((res) => (res.ok ? (res.json() as Promise<OpenApiDocument>) : {}))
		.catch(() => ({}));
	return openApi;
}

/** Paths the deployed API documents. */
export function documentedPaths(): Promise<Set<string>> {
	return openApiDocument().then((doc) => new Set(Object.keys(doc.paths ?? {})));
}

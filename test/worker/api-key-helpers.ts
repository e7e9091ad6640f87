import { type as, type CallOptions, call } from "./helpers";

type Caller = Awaited<ReturnType<typeof as>>;

export interface KeyOptions {
	role?: "admin" | "member" | "viewer";
	scopes: string[];
	name?: string;
	expiresAt?: string;
}

/** An API key made through the API by `admin` (an admin's caller), and a caller using it. */
export async function apiKeyFrom(admin: Caller, options: KeyOptions) {
	const res = await admin.call("/v1/api-keys", {
		method: "POST",
		body: { name: "test key", role: "admin", ...options },
	});
	if (res.status !== 201)
		throw new Error(`could not create an API key: ${JSON.stringify(res.body)}`);
	const key: string = res.body.key;
	return {
		id: res.body.id as string,
		key,
		token: key,
		subject: `apikey:${res.body.id}`,
		call: <T = any>(path: string, callOptions: Omit<CallOptions, "token"> = {}) =>
			call<T>(path, { ...callOptions, token: key }),
	};
}

export type KeyCaller = Awaited<ReturnType<typeof apiKeyFrom>>;

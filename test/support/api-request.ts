/**
 * One JSON request to the API with a bearer token: what the bench client (bench/lib/client.ts)
 * and the fault tests' client (test/faults/api.ts) send, each with its own retry rules.
 */
export function apiRequest(
	base: string,
	token: string,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
	init: Pick<RequestInit, "signal"> = {},
): Promise<Response> {
	return fetch(`${base}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${token}`,
			"content-type": "application/json",
			...headers,
		},
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
		...init,
	});
}

// Workflows and API calls the browser tests set up through the public API, and the signed-in
// page every scenario starts from.
import type { DevServer } from "../e2e/harness";
import { type BrowserSession, openPage, type WatchedPage } from "./browser";

export function apiAs(
	server: DevServer,
	token: string,
	method: string,
	path: string,
	body?: unknown,
) {
	return fetch(`${server.baseUrl}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${token}`,
			"content-type": "application/json",
			...(method === "POST" && path.endsWith("/runs")
				? { "idempotency-key": crypto.randomUUID() }
				: {}),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

/**
 * The admin page's one-time sign-in link for a token, as `npm start` prints it: the page takes
 * a code from the URL, never a token.
 */
export async function signInUrl(server: DevServer, token: string): Promise<string> {
	const res = await apiAs(server, token, "POST", "/v1/auth/sign-in-codes");
	if (res.status !== 201) throw new Error(`sign-in code: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { signInUrl: string }).signInUrl;
}

/**
 * A new watched page signed in with `token` through its one-time link, on the page the admin
 * page lands on (the overview), then at `route` (a fragment such as `#/runs/…`) if one is given.
 */
export async function openSignedIn(
	chromium: BrowserSession,
	server: DevServer,
	token: string,
	route = "",
): Promise<WatchedPage> {
	const watched = await openPage(chromium);
	await watched.page.goto(await signInUrl(server, token));
	await watched.page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
	// Root tsconfig has no DOM types: the callback runs in the page, where globalThis is window.
	if (route)
		await watched.page.evaluate((hash) => {
			(globalThis as any).location.hash = hash;
		}, route);
	return watched;
}

/** Every kind of form field, and a condition with an option and a fallback. */
export const deployWorkflow = {
	identifier: "deploy_service",
	title: "Deploy a service",
	description: "Browser test: every input kind, a condition with an option and a fallback.",
	nodes: [
		{
			identifier: "trigger",
			title: "Start",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: {
					properties: {
						service: { type: "string", title: "Service" },
						replicas: { type: "integer", title: "Replicas", minimum: 1, default: 1 },
						env: { type: "string", title: "Environment", enum: ["staging", "prod"] },
						dryRun: { type: "boolean", title: "Dry run", default: false },
						tags: { type: "array", title: "Tags", items: { type: "string" } },
					},
					required: ["service", "env"],
				},
			},
		},
		{
			identifier: "check",
			title: "Which environment?",
			config: {
				type: "CONDITION",
				options: [
					{ identifier: "prod", title: "Production?", expression: '.inputs.env == "prod"' },
				],
			},
		},
		{ identifier: "to_prod", title: "Wait before prod", config: { type: "DELAY", duration: "1s" } },
		{
			identifier: "to_staging",
			title: "Wait before staging",
			config: { type: "DELAY", duration: "1s" },
		},
		{
			identifier: "prod_failed",
			title: "Prod wait failed",
			config: { type: "DELAY", duration: "1s" },
		},
	],
	connections: [
		{ identifier: "start", sourceIdentifier: "trigger", targetIdentifier: "check" },
		{
			identifier: "is_prod",
			sourceIdentifier: "check",
			sourceOptionIdentifier: "prod",
			targetIdentifier: "to_prod",
		},
		{
			identifier: "otherwise",
			sourceIdentifier: "check",
			fallback: true,
			targetIdentifier: "to_staging",
		},
		{
			identifier: "prod_error",
			sourceIdentifier: "to_prod",
			onError: true,
			targetIdentifier: "prod_failed",
		},
	],
};

/** Waits a short real delay, then completes: followed live on the run page. */
export const shortDelayWorkflow = {
	identifier: "short_delay",
	title: "Short delay",
	allowAnyoneToViewRuns: true,
	nodes: [
		{
			identifier: "trigger",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { note: { type: "string" } } },
			},
		},
		{ identifier: "pause", title: "Pause 4 s", config: { type: "DELAY", duration: "4s" } },
		{
			identifier: "decide",
			config: { type: "CONDITION", options: [{ identifier: "yes", expression: "true" }] },
		},
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "pause" },
		{ identifier: "c2", sourceIdentifier: "pause", targetIdentifier: "decide" },
	],
};

/** Waits an hour: a run to cancel. Private (runs visible to their initiator and admins). */
export const longDelayWorkflow = {
	identifier: "long_delay",
	title: "Long delay",
	allowAnyoneToViewRuns: false,
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{ identifier: "sleep", title: "Sleep an hour", config: { type: "DELAY", duration: "1h" } },
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "sleep" }],
};

/** One call to `url` that may fail: retried once after a second, its answers kept per attempt. */
export const failingCallWorkflow = (url: string) => ({
	identifier: "failing_call",
	title: "Failing call",
	allowAnyoneToViewRuns: true,
	nodes: [
		{
			identifier: "trigger",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { sku: { type: "string" } } },
			},
		},
		{
			identifier: "reserve",
			title: "Reserve stock",
			config: { type: "WEBHOOK", method: "POST", url, body: { sku: "{{ .inputs.sku }}" } },
			retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1s" },
		},
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "reserve" }],
});

/**
 * Ships each order with one call per item (one at a time, so the receiver's first answer, a
 * 503, goes to item 0, which is retried a second later), decides on the count, then holds for
 * an hour: a run with attempts, a retry wait, a condition and a delay counting down.
 */
export const shipOrdersWorkflow = (url: string) => ({
	identifier: "ship_orders",
	title: "Ship orders",
	allowAnyoneToViewRuns: true,
	nodes: [
		{
			identifier: "trigger",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { orders: { type: "array", items: { type: "string" } } } },
			},
		},
		{
			identifier: "ship",
			title: "Ship each order",
			config: { type: "WEBHOOK", method: "POST", url, body: { order: "{{ .item }}" } },
			forEach: { items: ".inputs.orders", concurrency: 1 },
			retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1s" },
		},
		{
			identifier: "many",
			title: "Several orders?",
			config: {
				type: "CONDITION",
				options: [
					{ identifier: "none", expression: ".inputs.orders | length == 0" },
					{ identifier: "several", expression: ".inputs.orders | length > 1" },
				],
			},
		},
		{ identifier: "hold", title: "Hold an hour", config: { type: "DELAY", duration: "1h" } },
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "ship" },
		{ identifier: "c2", sourceIdentifier: "ship", targetIdentifier: "many" },
		{
			identifier: "c3",
			sourceIdentifier: "many",
			sourceOptionIdentifier: "several",
			targetIdentifier: "hold",
		},
	],
});

/** Two calls in a row that succeed: a successful run to retry from its second call. */
export const twoCallsWorkflow = (url: string) => ({
	identifier: "two_calls",
	title: "Two calls",
	allowAnyoneToViewRuns: true,
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{ identifier: "first", config: { type: "WEBHOOK", method: "POST", url: `${url}/first` } },
		{ identifier: "second", config: { type: "WEBHOOK", method: "POST", url: `${url}/second` } },
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "first" },
		{ identifier: "c2", sourceIdentifier: "first", targetIdentifier: "second" },
	],
});

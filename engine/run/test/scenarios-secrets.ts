/**
 * Scenarios: tenant secrets in a WEBHOOK request. They are sent as stored and hidden everywhere
 * the run keeps text; engine.test.ts also checks, for every scenario here, that no form of any
 * secret value is in the final state or the history.
 */
import { expect } from "vitest";
import { chain, HOOK, webhook } from "./defs";
import type { Scenario } from "./scenario";

const TOKEN = "tok_live-Canary/Sëcret+42?&=";
const USER = "deploy-bot";
const PATH_PART = "tenant-path-7f3a9c";
const SECRETS = { TOKEN, USER, PATH_PART };

/** Every form of a value the engine must never store (the invariant in engine.test.ts). */
const base64Of = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

export function secretForms(value: string): string[] {
	const base64 = base64Of(value);
	return [
		value,
		encodeURIComponent(value),
		new URLSearchParams({ v: value }).toString().slice(2),
		base64,
		base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
		JSON.stringify(value).slice(1, -1),
	];
}

const everywhere = {
	method: "POST",
	url: `${HOOK}/{{ .secrets.PATH_PART }}/deploy`,
	query: { key: "{{ .secrets.TOKEN }}", env: "prod" },
	headers: {
		"X-Api": "{{ .secrets.TOKEN }}",
		Authorization: 'Basic {{ (.secrets.USER + ":" + .secrets.TOKEN) | @base64 }}',
	},
	body: { token: "{{ .secrets.TOKEN }}", note: "sent {{ .secrets.TOKEN }} by {{ .secrets.USER }}" },
};

const SIGNING = "whsec_c2lnbmluZy1zZWNyZXQtZm9yLXRlc3Rz";
const signed = { signature: { type: "STANDARD_WEBHOOKS", secret: "SIGNING" } };

export const secretScenarios: Scenario[] = [
	{
		name: "a signed call carries a webhook-id that stays the same on a retry, and the signing secret in the effect only",
		definition: chain(
			webhook(
				"call",
				{ retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1s" } },
				signed,
			),
		),
		secrets: { SIGNING },
		script: { call: [{ status: 503 }, { status: 200 }] },
		expect: { result: "SUCCESS", requests: 2 },
		check: (d) => {
			const [first, second] = d.requests;
			expect(first?.request.headers["webhook-id"]).toBe("run_1:call");
			expect(second?.request.headers["webhook-id"]).toBe("run_1:call");
			expect(Number(second?.request.headers["webhook-timestamp"])).toBeGreaterThan(
				Number(first?.request.headers["webhook-timestamp"]),
			);
			expect(first?.signature).toEqual({
				secret: SIGNING,
				id: "run_1:call",
				timestamp: Number(first?.request.headers["webhook-timestamp"]),
			});
			expect(d.state?.nodes.call?.attempts[0]?.request.headers["webhook-signature"]).toBe(
				"********",
			);
		},
	},
	{
		name: "the tenant's default signing secret signs a node without a signature of its own",
		definition: chain(webhook("call")),
		secrets: { SIGNING },
		signingSecret: "SIGNING",
		expect: { result: "SUCCESS", requests: 1 },
		check: (d) => expect(d.requests[0]?.signature?.secret).toBe(SIGNING),
	},
	{
		name: "a signing secret that is not stored fails the node with secret_not_found",
		definition: chain(webhook("call", {}, signed)),
		expect: { result: "FAILED", errorCode: "secret_not_found", requests: 0 },
	},
	{
		name: "secrets in url, query, headers and body are sent as stored and hidden in the record and the echoed answer",
		definition: chain(webhook("call", {}, everywhere)),
		secrets: SECRETS,
		script: { call: [{ echo: true }] },
		expect: { result: "SUCCESS", requests: 1 },
		check: (d) => {
			const sent = d.requests[0]?.request;
			expect(sent?.headers["X-Api"]).toBe(TOKEN);
			expect(sent?.headers.Authorization).toBe(`Basic ${base64Of(`${USER}:${TOKEN}`)}`);
			expect(new URL(sent?.url ?? "").pathname).toBe(`/hook/${PATH_PART}/deploy`);
			expect(new URL(sent?.url ?? "").searchParams.get("key")).toBe(TOKEN);
			expect(JSON.parse(sent?.body ?? "null")).toEqual({
				token: TOKEN,
				note: `sent ${TOKEN} by ${USER}`,
			});
			const record = d.state?.nodes.call?.attempts[0]?.request;
			expect(record?.headers["X-Api"]).toBe("[REDACTED]");
			expect(record?.body).toEqual({
				token: "[REDACTED]",
				note: "sent [REDACTED] by [REDACTED]",
			});
			expect(record?.url).toBe(`${HOOK}/[REDACTED]/deploy?key=********&env=prod`);
			// The receiver sent everything back, headers too: the output shows none of it.
			const output = d.state?.nodes.call?.output as {
				headers: Record<string, string>;
				data: { body: string; headers: Record<string, string> };
			};
			expect(output.headers["x-api"]).toBe("[REDACTED]");
			expect(output.data.headers["X-Api"]).toBe("[REDACTED]");
			expect(output.data.body).toContain('"note":"sent [REDACTED] by [REDACTED]"');
			// The attempt's excerpt of the answer is masked the same way, by value and by name.
			const excerpt = d.state?.nodes.call?.attempts[0]?.response;
			expect(excerpt?.headers["x-api"]).toBe("[REDACTED]");
			expect(excerpt?.headers.authorization).toBe("********");
			expect(excerpt?.body).toContain("sent [REDACTED] by [REDACTED]");
			expect(excerpt?.body).not.toContain(TOKEN);
		},
	},
	{
		name: "an echoed secret mapped by variables stays hidden, so a later node cannot pass it on",
		definition: chain(
			webhook(
				"call",
				{ variables: { echoed: '{{ .response.data.headers["X-Api"] }}' } },
				{ headers: { "X-Api": "{{ .secrets.TOKEN }}" } },
			),
			webhook("next", {}, { body: { got: "{{ .outputs.call.echoed }}" } }),
		),
		secrets: SECRETS,
		script: { call: [{ echo: true }] },
		expect: { result: "SUCCESS", requests: 2 },
		check: (d) => {
			expect(d.state?.nodes.call?.output).toEqual({ echoed: "[REDACTED]" });
			expect(d.requests[1]?.request.body).toBe('{"got":"[REDACTED]"}');
		},
	},
	{
		name: "a secret that is not stored fails its node with secret_not_found naming it, without a call or a retry",
		definition: chain(
			webhook(
				"call",
				{ retry: { maxAttempts: 3, backoff: "constant", initialDelay: "1s" } },
				{ headers: { "X-Api": "{{ .secrets.TOKEN }}", "X-Other": "{{ .secrets.GONE }}" } },
			),
		),
		secrets: { TOKEN },
		expect: {
			result: "FAILED",
			nodes: { call: "FAILED" },
			errorCode: "secret_not_found",
			requests: 0,
			history: [/secret "GONE" is not stored in this tenant/],
		},
	},
	{
		name: "a template error that quotes a secret is stored with the secret hidden",
		definition: chain(webhook("call", {}, { body: { n: "{{ .secrets.TOKEN | error }}" } })),
		secrets: SECRETS,
		expect: {
			result: "FAILED",
			errorCode: "template_error",
			requests: 0,
			history: [/body: .*\[REDACTED\]/],
		},
	},
	{
		name: "a refused URL that holds a secret is quoted with the secret hidden",
		definition: chain(
			webhook("call", {}, { url: "http://169.254.169.254/{{ .secrets.PATH_PART }}" }),
		),
		secrets: SECRETS,
		expect: {
			result: "FAILED",
			errorCode: "url_refused",
			requests: 0,
			history: [/refused to call http:\/\/169\.254\.169\.254\/\[REDACTED\]/],
		},
	},
	{
		name: "outside a request there is no .secrets: variables and workflow outputs cannot read one",
		definition: {
			...chain(
				webhook(
					"call",
					{ variables: { leaked: "{{ .secrets.TOKEN }}", all: "{{ . | tostring }}" } },
					{ headers: { "X-Api": "{{ .secrets.TOKEN }}" } },
				),
			),
			outputs: { leaked: "{{ .secrets.TOKEN }}", whole: "{{ . | tostring }}" },
		},
		secrets: SECRETS,
		expect: { result: "SUCCESS", requests: 1 },
		check: (d) => {
			expect(d.state?.nodes.call?.output).toMatchObject({ leaked: null });
			expect((d.run.outputs as { leaked: unknown }).leaked).toBeNull();
		},
	},
];

/**
 * Scenarios: values a run keeps sealed. Secret inputs arrive sealed (the Worker seals them);
 * a maskOutput node's output is sealed when it is made. engine.test.ts checks for every row
 * that none of `hidden` is in the final state or the history, in any form.
 */
import { expect } from "vitest";
import { isSealed, memorySealer } from "../index";
import { inputPlace } from "../sealing";
import { chain, conn, trigger, webhook, workflow } from "./defs";
import { TEST_SEALER } from "./driver";
import { ok, type Scenario } from "./scenario";

const PASSWORD = "hunter2-Canary-Pässword";
const sealedPassword = TEST_SEALER.seal(PASSWORD, inputPlace("wf", "password"));
const TOKEN_FROM_API = "issued-token-0c7f3e9a";

const outputOf = (d: { state: unknown }, node: string) =>
	(d.state as { nodes: Record<string, { output: unknown }> }).nodes[node]?.output;

export const sealedScenarios: Scenario[] = [
	{
		name: "a secret input is sent opened, and every other template and every record sees [REDACTED]",
		definition: workflow(
			[
				trigger(),
				webhook(
					"login",
					{
						variables: { echoed: "{{ .response.data.body }}", seen: "{{ .inputs.password }}" },
						runIf: '.inputs.password != "" and .outputs.trigger.user == "ada"',
					},
					{ body: { user: "{{ .inputs.user }}", password: "{{ .outputs.trigger.password }}" } },
				),
			],
			[conn("trigger", "login")],
			{ outputs: { password: "{{ .inputs.password }}", all: "{{ .inputs }}" } },
		),
		inputs: { user: "ada", password: sealedPassword as never },
		script: { login: [{ echo: true }] },
		hidden: [PASSWORD],
		expect: { result: "SUCCESS", requests: 1 },
		check: (d) => {
			expect(JSON.parse(d.requests[0]?.request.body ?? "{}")).toEqual({
				user: "ada",
				password: PASSWORD,
			});
			expect(d.state?.nodes.login?.attempts[0]?.request.body).toEqual({
				user: "ada",
				password: "[REDACTED]",
			});
			expect(outputOf(d, "login")).toEqual({
				echoed: '{"user":"ada","password":"[REDACTED]"}',
				seen: "[REDACTED]",
			});
			expect(d.run.outputs).toEqual({
				password: "[REDACTED]",
				all: { user: "ada", password: "[REDACTED]" },
			});
			expect(isSealed(d.run.inputs.password)).toBe(true);
		},
	},
	{
		name: "a maskOutput node's output is stored sealed; later nodes' templates read it, the workflow's outputs do not",
		definition: {
			...chain(
				webhook("get_token", {
					maskOutput: true,
					variables: { token: "{{ .response.data.token }}" },
				}),
				webhook(
					"use",
					{ runIf: '.outputs.get_token.token | startswith("issued-")' },
					{ headers: { "X-Bot": "{{ .outputs.get_token.token }}" } },
				),
			),
			outputs: { token: "{{ .outputs.get_token }}" },
		},
		script: { get_token: [ok({ token: TOKEN_FROM_API })] },
		expect: { result: "SUCCESS", nodes: { use: "SUCCESS" }, requests: 2 },
		check: (d) => {
			const stored = outputOf(d, "get_token");
			expect(isSealed(stored)).toBe(true);
			expect(JSON.stringify(stored)).not.toContain(TOKEN_FROM_API);
			expect(d.requests[1]?.request.headers["X-Bot"]).toBe(TOKEN_FROM_API);
			// Its record shows the request as a reader of the run sees it.
			expect(d.state?.nodes.use?.attempts[0]?.request.headers["X-Bot"]).toBe("[REDACTED]");
			expect(d.run.outputs).toEqual({ token: { token: "[REDACTED]" } });
		},
	},
	{
		name: "a masked forEach node seals each item's output and its list; a later node reads the list",
		definition: chain(
			webhook("each", {
				maskOutput: true,
				forEach: { items: "[1, 2]", concurrency: 2 },
				variables: { n: "{{ .response.data.n }}" },
			}),
			webhook("after", {}, { body: { got: "{{ .outputs.each }}" } }),
		),
		script: {
			"each#0": [ok({ n: "first-item-secret" })],
			"each#1": [ok({ n: "second-item-secret" })],
		},
		expect: { result: "SUCCESS", requests: 3 },
		check: (d) => {
			expect(isSealed(outputOf(d, "each"))).toBe(true);
			for (const item of Object.values(d.state?.items ?? {})) {
				expect(isSealed(item.output)).toBe(true);
				// The answer the output is made of is not kept beside the attempt either.
				expect(item.attempts[0]?.response?.body).toBe("[REDACTED]");
			}
			expect(JSON.stringify(d.state?.items)).not.toContain("item-secret");
			expect(JSON.parse(d.requests[2]?.request.body ?? "{}")).toEqual({
				got: [{ n: "first-item-secret" }, { n: "second-item-secret" }],
			});
		},
	},
	{
		name: "a secret input that does not open here fails the node with secret_unreadable, before any call",
		definition: chain(webhook("call", {}, { body: { p: "{{ .inputs.password }}" } })),
		inputs: { password: memorySealer().seal("x", "y") as never },
		expect: { result: "FAILED", errorCode: "secret_unreadable", requests: 0 },
	},
];

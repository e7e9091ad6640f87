import { describe, expect, it } from "vitest";
import { as, expectProblem, uniqueTenant } from "./helpers";
import { expectNoForms, hook, runStub, storedRows, waitForRun } from "./run-helpers";

const PASSWORD = "db-Password_canary-7f3a9c";

/** trigger (a secret input) → login (sends it) → fetch_token (maskOutput) → use (sends the token). */
function loginWorkflow(url: string) {
	return {
		identifier: "login",
		title: "Log in",
		nodes: [
			{
				identifier: "trigger",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: {
						properties: {
							user: { type: "string" },
							password: { type: "string", encryption: "aes256-gcm", minLength: 8 },
							pin: { type: "string", writeOnly: true },
						},
						required: ["user", "password"],
					},
				},
			},
			{
				identifier: "login",
				config: {
					type: "WEBHOOK",
					url: `${url}/login`,
					method: "POST",
					body: { user: "{{ .inputs.user }}", password: "{{ .inputs.password }}" },
				},
			},
			{
				identifier: "fetch_token",
				maskOutput: true,
				variables: { token: "{{ .response.data.token }}" },
				config: { type: "WEBHOOK", url: `${url}/token`, method: "POST" },
			},
			{
				identifier: "use",
				config: {
					type: "WEBHOOK",
					url: `${url}/use`,
					method: "POST",
					body: { token: "{{ .outputs.fetch_token.token }}" },
				},
			},
		],
		connections: [
			{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "login" },
			{ identifier: "c2", sourceIdentifier: "login", targetIdentifier: "fetch_token" },
			{ identifier: "c3", sourceIdentifier: "fetch_token", targetIdentifier: "use" },
		],
	};
}

describe("secret inputs and maskOutput (through the API)", () => {
	it("keeps a secret input sealed in every read and every stored row, sends it, and a retry sends it again", async () => {
		// Answers in order: login, fetch_token (the token), use; then the retry's login and use.
		const receiver = await hook([
			{ status: 200, body: { ok: true } },
			{ status: 200, body: { token: "tok-issued-0c7f3e9a" } },
			{ status: 200, body: { ok: true } },
		]);
		const tenant = uniqueTenant("sealed");
		const admin = await as({ tenant, role: "admin" });
		const created = await admin.call("/v1/workflows", {
			method: "POST",
			body: loginWorkflow(receiver.url),
		});
		expect(created.status, JSON.stringify(created.body)).toBe(201);
		const started = await admin.call("/v1/workflows/login/runs", {
			method: "POST",
			body: { inputs: { user: "ada", password: PASSWORD, pin: "4711-pin" } },
		});
		expect(started.status).toBe(202);
		expect(started.body.inputs).toEqual({ user: "ada", password: "[REDACTED]", pin: "[REDACTED]" });
		const stub = runStub(tenant, started.body.id);
		const run = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(run.result).toBe("SUCCESS");

		const deliveries = await receiver.deliveries();
		expect(JSON.parse(deliveries[0]?.body ?? "{}")).toEqual({ user: "ada", password: PASSWORD });
		// The masked node's output went to the next node opened.
		expect(JSON.parse(deliveries[2]?.body ?? "{}")).toEqual({ token: "tok-issued-0c7f3e9a" });

		const read = await admin.call(`/v1/workflows/runs/${started.body.id}`);
		expect(read.body.inputs).toEqual({ user: "ada", password: "[REDACTED]", pin: "[REDACTED]" });
		expect(read.body.variables.outputs.trigger.password).toBe("[REDACTED]");
		expect(read.body.variables.outputs.fetch_token).toBe("[REDACTED]");
		const fetchToken = read.body.nodeRuns.find((n: { node: string }) => n.node === "fetch_token");
		expect(fetchToken.output).toBe("[REDACTED]");
		const events = await admin.call(
			`/v1/workflows/runs/${started.body.id}/events?after=0&limit=500`,
		);
		const list = await admin.call("/v1/workflows/runs?workflowIdentifiers=login");
		const stored = await storedRows(stub);
		for (const [where, text] of [
			["the run", JSON.stringify(read.body)],
			["the events", JSON.stringify(events.body)],
			["the list", JSON.stringify(list.body)],
			["the stored rows", stored],
		] as const) {
			expectNoForms(text, PASSWORD, where);
			expectNoForms(text, "4711-pin", where);
		}
		expect(stored).not.toContain("tok-issued-0c7f3e9a");

		// A retry from the login node sends the password again; nobody sends it twice.
		const retried = await admin.call(`/v1/workflows/runs/${started.body.id}/retry`, {
			method: "POST",
			body: { fromNode: "login" },
		});
		expect(retried.status).toBe(202);
		expect(retried.body.inputs.password).toBe("[REDACTED]");
		const again = await waitForRun(
			runStub(tenant, retried.body.id),
			(r) => r.status === "COMPLETED",
		);
		expect(again.result).toBe("SUCCESS");
		const resent = (await receiver.deliveries())[3];
		expect(JSON.parse(resent?.body ?? "{}")).toEqual({ user: "ada", password: PASSWORD });
		expectNoForms(JSON.stringify(retried.body), PASSWORD, "the retry's answer");
	});

	it("never echoes a secret input in a 422 about it", async () => {
		const receiver = await hook();
		const admin = await as({ tenant: uniqueTenant("sealed"), role: "admin" });
		await admin.call("/v1/workflows", { method: "POST", body: loginWorkflow(receiver.url) });
		const res = await admin.call("/v1/workflows/login/runs", {
			method: "POST",
			body: { inputs: { user: "ada", password: "short7x" } },
		});
		const problem = expectProblem(res, 422, "validation_failed");
		expect(problem.errors?.[0]?.pointer).toBe("/inputs/password");
		expect(JSON.stringify(res.body)).not.toContain("short7x");
	});

	it("refuses forms and templates that would expose a secret input, naming the field", async () => {
		const receiver = await hook();
		const admin = await as({ tenant: uniqueTenant("sealed"), role: "admin" });
		const save = async (change: (def: any) => void) => {
			const def = loginWorkflow(receiver.url) as any;
			change(def);
			const res = await admin.call("/v1/workflows", { method: "POST", body: def });
			return expectProblem(res, 422, "validation_failed").errors?.map((e) => [e.pointer, e.code]);
		};
		expect(
			await save((def) => {
				def.nodes[1].variables = { copy: "{{ .inputs.password }}" };
				def.nodes[3].runIf = '.outputs.trigger.pin == "1"';
			}),
		).toEqual([
			["/nodes/1/variables/copy", "template_secret_input_outside_request"],
			["/nodes/3/runIf", "template_secret_input_outside_request"],
		]);
		expect(
			await save((def) => {
				const form = def.nodes[0].config.userInputs.properties;
				form.password.encryption = "rot13";
				form.pin.default = "0000";
			}),
		).toEqual([
			["/nodes/0/config/userInputs/properties/password/encryption", "invalid_input_schema"],
			["/nodes/0/config/userInputs/properties/pin/default", "invalid_input_schema"],
		]);
	});
});

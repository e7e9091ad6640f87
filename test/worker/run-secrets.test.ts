import { describe, expect, it } from "vitest";
import { as, expectProblem, uniqueTenant } from "./helpers";
import {
	expectNoForms,
	fireAlarm,
	history,
	hook,
	makeTimersDue,
	runStub,
	storedRows,
	waitForRun,
} from "./run-helpers";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const expectNoSecret = (text: string, where: string) => expectNoForms(text, TOKEN, where);

// ASCII: a header value travels as bytes; the engine tests cover non-ASCII values.
const TOKEN = "ghp_canary-Secret/+?&=42";
function callingWorkflow(url: string, extra: Record<string, unknown> = {}) {
	return {
		identifier: "deploy",
		title: "Deploy",
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			{
				identifier: "call",
				config: {
					type: "WEBHOOK",
					url,
					method: "POST",
					query: { token: "{{ .secrets.GITHUB_TOKEN }}" },
					headers: { "X-Bot": "{{ .secrets.GITHUB_TOKEN }}" },
					body: { auth: "token {{ .secrets.GITHUB_TOKEN }}" },
				},
				...extra,
			},
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" }],
	};
}

async function setUp(url: string, extra: Record<string, unknown> = {}, storeSecret = true) {
	const tenant = uniqueTenant("sec");
	const admin = await as({ tenant, role: "admin" });
	if (storeSecret) {
		await admin.call("/v1/secrets/GITHUB_TOKEN", { method: "PUT", body: { value: TOKEN } });
	}
	const created = await admin.call("/v1/workflows", {
		method: "POST",
		body: callingWorkflow(url, extra),
	});
	expect(created.status, JSON.stringify(created.body)).toBe(201);
	const started = await admin.call("/v1/workflows/deploy/runs", { method: "POST", body: {} });
	expect(started.status).toBe(202);
	return {
		tenant,
		admin,
		runId: started.body.id as string,
		stub: runStub(tenant, started.body.id),
	};
}

describe("secrets in WEBHOOK requests (run object)", () => {
	it("sends the stored value; the run, its history and its stored rows never hold it, echoed or not", async () => {
		// The receiver answers with the secret in its body and headers, plain and base64.
		const receiver = await hook([
			{
				status: 200,
				body: { echo: `you sent ${TOKEN}`, basic: b64(`bot:${TOKEN}`) },
				headers: { "x-echo": TOKEN },
			},
		]);
		const { admin, runId, stub } = await setUp(receiver.url, {
			variables: { said: "{{ .response.data.echo }}", header: '{{ .response.headers["x-echo"] }}' },
		});
		const run = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(run.result).toBe("SUCCESS");

		const [delivery] = await receiver.deliveries();
		expect(delivery?.headers["x-bot"]).toBe(TOKEN);
		expect(JSON.parse(delivery?.body ?? "{}")).toEqual({ auth: `token ${TOKEN}` });

		const read = await admin.call(`/v1/workflows/runs/${runId}`);
		expect(read.body.nodeRuns[1].output).toEqual({
			said: "you sent [REDACTED]",
			header: "[REDACTED]",
		});
		expect(read.body.nodeRuns[1].attempts[0].request.headers["X-Bot"]).toBe("[REDACTED]");
		expectNoSecret(JSON.stringify(read.body), "the run");
		expectNoSecret(JSON.stringify(await history(stub)), "the history");
		expectNoSecret(await storedRows(stub), "the object's stored rows");
		// The secret's metadata says a run used it.
		expect((await admin.call("/v1/secrets/GITHUB_TOKEN")).body.lastUsedAt).not.toBeNull();
	});

	it("reads the value again for every attempt: a replaced secret goes out on the retry", async () => {
		const receiver = await hook([{ status: 503 }, { status: 200 }]);
		const { admin, stub } = await setUp(receiver.url, {
			retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1h" },
		});
		await waitForRun(stub, (r) => r.nodeRuns[1]?.status === "WAITING");
		await makeTimersDue(stub);
		await admin.call("/v1/secrets/GITHUB_TOKEN", {
			method: "PUT",
			body: { value: "replaced-value-2" },
		});
		await fireAlarm(stub);
		const run = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(run.result).toBe("SUCCESS");
		const sent = (await receiver.deliveries()).map((d) => d.headers["x-bot"]);
		expect(sent).toEqual([TOKEN, "replaced-value-2"]);
	});

	it("fails the node with secret_not_found, naming the secret, when it is not stored", async () => {
		const receiver = await hook();
		const { stub } = await setUp(receiver.url, {}, false);
		const run = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(run.result).toBe("FAILED");
		expect(run.nodeRuns[1]?.error).toEqual({
			code: "secret_not_found",
			message:
				'secret "GITHUB_TOKEN" is not stored in this tenant: an admin stores it with PUT /v1/secrets/{name}',
		});
		expect(await receiver.deliveries()).toEqual([]);
	});

	it("refuses a definition that copies a secret anywhere but a request, naming the field", async () => {
		const admin = await as({ tenant: uniqueTenant("sec"), role: "admin" });
		const receiver = await hook();
		const res = await admin.call("/v1/workflows", {
			method: "POST",
			body: callingWorkflow(receiver.url, { variables: { copy: "{{ .secrets.GITHUB_TOKEN }}" } }),
		});
		const problem = expectProblem(res, 422, "validation_failed");
		expect(problem.errors).toEqual([
			expect.objectContaining({
				pointer: "/nodes/1/variables/copy",
				code: "template_secret_outside_request",
			}),
		]);
	});
});

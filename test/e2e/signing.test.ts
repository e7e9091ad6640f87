// Signed outgoing calls against a real `wrangler dev`: a receiver that verifies every delivery
// with the `standardwebhooks` package (the reference verifier, not our code), a retry that keeps
// its webhook-id, and the tenant's default signing secret signing a node without its own.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "./harness";

const SIGNING = `whsec_${Buffer.from("e2e signing secret, 32 bytes long").toString("base64")}`;

interface Delivery {
	path: string;
	id: string;
	timestamp: string;
	verified: boolean;
	/** What the same verifier says with another secret: it must refuse. */
	verifiedWithOtherSecret: boolean;
}

let server: DevServer;
let receiver: Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];
/** Per path: how many more deliveries answer 503 before a 200. */
const failFirst = new Map<string, number>();

function verifies(secret: string, body: string, headers: Record<string, string>): boolean {
	try {
		new Webhook(secret).verify(body, headers);
		return true;
	} catch {
		return false;
	}
}

beforeAll(async () => {
	receiver = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const body = Buffer.concat(chunks).toString("utf8");
			const headers = Object.fromEntries(
				Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
			);
			const path = req.url ?? "";
			deliveries.push({
				path,
				id: headers["webhook-id"] ?? "",
				timestamp: headers["webhook-timestamp"] ?? "",
				verified: verifies(SIGNING, body, headers),
				verifiedWithOtherSecret: verifies(
					`whsec_${Buffer.from("x".repeat(32)).toString("base64")}`,
					body,
					headers,
				),
			});
			const left = failFirst.get(path) ?? 0;
			failFirst.set(path, left - 1);
			res.writeHead(left > 0 ? 503 : 200, { "content-type": "application/json" }).end("{}");
		});
	});
	await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
	server = await startDevServer();
});

afterAll(async () => {
	await server?.stop();
	await new Promise((done) => receiver?.close(done));
});

async function api(token: string, method: string, path: string, body?: unknown) {
	const res = await fetch(`${server.baseUrl}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null };
}

const oneCall = (identifier: string, config: Record<string, unknown>) => ({
	identifier,
	title: identifier,
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "call",
			retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1ms" },
			config: { type: "WEBHOOK", method: "POST", body: { hello: "signed world" }, ...config },
		},
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" }],
});

async function runToEnd(token: string, identifier: string) {
	const started = await api(token, "POST", `/v1/workflows/${identifier}/runs`, {});
	expect(started.status, JSON.stringify(started.body)).toBe(202);
	for (let i = 0; i < 200; i++) {
		const run = await api(token, "GET", `/v1/workflows/runs/${started.body.id}`);
		if (run.body.status === "COMPLETED") return run.body;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`run ${started.body.id} did not finish`);
}

describe("signed outgoing calls (Standard Webhooks)", () => {
	it("signs every attempt so the standardwebhooks package verifies it, with one webhook-id across retries", async () => {
		const token = await server.token({ tenant: "signing", role: "admin" });
		expect((await api(token, "PUT", "/v1/secrets/SIGNING", { value: SIGNING })).status).toBe(201);
		failFirst.set("/own", 1);
		const saved = await api(
			token,
			"POST",
			"/v1/workflows",
			oneCall("own_signature", {
				url: `${receiverUrl}/own`,
				signature: { type: "STANDARD_WEBHOOKS", secret: "SIGNING" },
			}),
		);
		expect(saved.status, JSON.stringify(saved.body)).toBe(201);
		const run = await runToEnd(token, "own_signature");
		expect(run.result).toBe("SUCCESS");
		const own = deliveries.filter((d) => d.path === "/own");
		expect(own).toHaveLength(2);
		expect(own.every((d) => d.verified)).toBe(true);
		expect(own.some((d) => d.verifiedWithOtherSecret)).toBe(false);
		expect(new Set(own.map((d) => d.id))).toEqual(new Set([`${run.id}:call`]));
		// The record shows the three headers, the signature masked.
		const headers = run.nodeRuns[1].attempts[0].request.headers;
		expect(headers["webhook-id"]).toBe(`${run.id}:call`);
		expect(headers["webhook-signature"]).toBe("********");
	});

	it("signs a node without a signature with the tenant's default signing secret", async () => {
		const token = await server.token({ tenant: "signing", role: "admin" });
		const set = await api(token, "PATCH", "/v1/tenant/settings", {
			defaultSigningSecret: "SIGNING",
		});
		expect(set.body.defaultSigningSecret).toBe("SIGNING");
		await api(
			token,
			"POST",
			"/v1/workflows",
			oneCall("default_signature", { url: `${receiverUrl}/default` }),
		);
		const run = await runToEnd(token, "default_signature");
		expect(run.result).toBe("SUCCESS");
		const [delivery] = deliveries.filter((d) => d.path === "/default");
		expect(delivery?.verified).toBe(true);
		expect(delivery?.id).toBe(`${run.id}:call`);
	});
});

// Webhook deliveries against API starts, in the same server and the same rounds: a delivery is
// a start plus a hook lookup, an HMAC-SHA256 signature check (the secret read from the tenant's
// store), its delivery-id claim and its log row. Each round loads the two one after the other;
// the row reports deliveries accepted per second as a ratio to starts per second (goal: ≥ 0.9).
import { createHmac, randomUUID } from "node:crypto";
import type { DevProcess } from "../test/support/dev-process";
import type { BenchClient } from "./lib/client";
import { median, round } from "./lib/stats";
import { cannon, type LoadSample } from "./phases";

const SECRET = "bench-hook-secret";

/** A workflow both ways in: a self-serve trigger and a signed webhook trigger, then parked. */
function hookedDefinition(identifier: string) {
	return {
		identifier,
		title: identifier,
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			{
				identifier: "hook",
				config: {
					type: "WEBHOOK_TRIGGER",
					signature: { type: "HMAC_SHA256", secret: "BENCH_HOOK" },
				},
			},
			{ identifier: "park", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [
			{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "park" },
			{ identifier: "c2", sourceIdentifier: "hook", targetIdentifier: "park" },
		],
	};
}

export async function hookThroughput(
	dev: DevProcess,
	client: BenchClient,
	connections: number,
	seconds: number,
	rounds: number,
) {
	const workflow = `hooked_${randomUUID().slice(0, 8)}`;
	await client.json("POST", "/v1/workflows", hookedDefinition(workflow));
	await client.json("PUT", "/v1/secrets/BENCH_HOOK", { value: SECRET });
	const triggers = await client.json<{ data: { node: string; webhook: { url: string } | null }[] }>(
		"GET",
		`/v1/workflows/${workflow}/triggers`,
	);
	const hookUrl = triggers.data.find((t) => t.node === "hook")?.webhook?.url;
	if (!hookUrl) throw new Error("the bench workflow has no webhook URL");
	const body = JSON.stringify({ inputs: {} });
	const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
	const settle = () =>
		new Promise((resolve) => setTimeout(resolve, seconds >= 10 ? 15_000 : 2_000));
	/** One load: `connections` senders for `seconds`, each request with a fresh `uniqueHeader`. */
	const load = (url: string, headers: Record<string, string>, uniqueHeader: string) =>
		cannon(dev, {
			url,
			method: "POST",
			connections,
			duration: seconds,
			headers: { "content-type": "application/json", ...headers },
			body,
			requests: [
				{
					setupRequest: (req) => ({
						...req,
						headers: { ...req.headers, [uniqueHeader]: randomUUID() },
					}),
				},
			],
		});
	const sides = {
		starts: {
			samples: [] as LoadSample[],
			run: () =>
				load(
					`${client.base}/v1/workflows/${workflow}/runs`,
					{ authorization: `Bearer ${client.token}` },
					"idempotency-key",
				),
		},
		deliveries: {
			samples: [] as LoadSample[],
			run: () => load(hookUrl, { "x-hub-signature-256": signature }, "x-github-delivery"),
		},
	};
	for (let r = 0; r < rounds; r++) {
		// Every load leaves its runs parked in the server, so the second load of a round meets
		// more live objects than the first: the order alternates, so neither side always pays.
		const order = r % 2 === 0 ? [sides.starts, sides.deliveries] : [sides.deliveries, sides.starts];
		for (const side of order) {
			side.samples.push(await side.run());
			await settle();
		}
	}
	const starts = sides.starts.samples;
	const deliveries = sides.deliveries.samples;
	const perSecond = (samples: LoadSample[]) => round(median(samples.map((s) => s.perSecond)), 0);
	return {
		connections,
		startsPerSecond: perSecond(starts),
		deliveriesPerSecond: perSecond(deliveries),
		ratio: round(perSecond(deliveries) / perSecond(starts), 2),
		starts,
		deliveries,
	};
}

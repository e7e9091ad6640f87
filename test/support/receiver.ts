import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP receiver on loopback for outgoing-call tests. Each test uses its own name:
 *   PUT  /_script/<name>      body: ScriptedResponse[]; answered in order, the last one repeats
 *   GET  /_deliveries/<name>  every request received at /hook/<name>[/…], in order
 *   POST /_release/<name>     answers every request held at /hook/<name> (see `hold`)
 *   *    /hook/<name>[/…]     answers with the next scripted response (default: 200 JSON)
 */
export interface ScriptedResponse {
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Wait this long before answering (timeouts). */
	delayMs?: number;
	/**
	 * Answer only once the test posts /_release/<name>: a call that must still be in flight
	 * while the test acts, however slow the machine, where a fixed delay would be a guess.
	 */
	hold?: boolean;
	/** Send this many bytes of "x" as the body (response size limit). */
	bodyBytes?: number;
}

export interface Delivery {
	method: string;
	path: string;
	headers: Record<string, string>;
	body: string;
	at: number;
}

const readBody = (req: IncomingMessage) =>
	new Promise<string>((resolve) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
	});

export async function startReceiver(): Promise<{ port: number; server: Server }> {
	const scripts = new Map<string, ScriptedResponse[]>();
	const deliveries = new Map<string, Delivery[]>();
	const released = new Set<string>();
	const held = new Map<string, (() => void)[]>();
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://receiver");
		const [, kind, name = ""] = url.pathname.split("/");
		const body = await readBody(req);
		if (kind === "_script" && req.method === "PUT") {
			scripts.set(name, JSON.parse(body) as ScriptedResponse[]);
			res.writeHead(204).end();
			return;
		}
		if (kind === "_release" && req.method === "POST") {
			released.add(name);
			for (const answer of held.get(name) ?? []) answer();
			held.delete(name);
			res.writeHead(204).end();
			return;
		}
		if (kind === "_deliveries") {
			res
				.writeHead(200, { "content-type": "application/json" })
				.end(JSON.stringify(deliveries.get(name) ?? []));
			return;
		}
		const received = deliveries.get(name) ?? [];
		received.push({
			method: req.method ?? "GET",
			path: url.pathname + url.search,
			headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
			body,
			at: Date.now(),
		});
		deliveries.set(name, received);
		const script = scripts.get(name) ?? [];
		const next = (script.length > 1 ? script.shift() : script[0]) ?? {};
		if (next.hold && !released.has(name))
			await new Promise<void>((answer) => held.set(name, [...(held.get(name) ?? []), answer]));
		if (next.delayMs) await new Promise((r) => setTimeout(r, next.delayMs));
		const payload =
			next.bodyBytes !== undefined
				? "x".repeat(next.bodyBytes)
				: JSON.stringify(next.body ?? { ok: true, requestId: `req-${received.length}` });
		if (res.destroyed) return;
		res
			.writeHead(next.status ?? 200, { "content-type": "application/json", ...next.headers })
			.end(payload);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return { port: (server.address() as AddressInfo).port, server };
}

// A loopback receiver that misbehaves on purpose, for the crash and load tests.
//   /hook/<run>/<node>?fail=N&slow=MS&p=P
// The first N deliveries of an Idempotency-Key answer 503, the next one waits MS before
// answering, and every delivery independently fails (503 or a hang past the caller's timeout)
// with probability P. A key that already got a 200 gets that 200 again without new work
// (what a real receiver does with a duplicate). It counts deliveries per key and how many
// distinct runs had a request open at once (the tenant's concurrency, seen from outside).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultDelivery {
	run: string;
	node: string;
	key: string;
	at: number;
	status: number | null;
}

export interface FaultReceiver {
	port: number;
	deliveries: FaultDelivery[];
	/** Most distinct runs with a request open at the same moment. */
	maxOpenRuns(): number;
	openRuns(): number;
	close(): Promise<void>;
}

export async function startFaultReceiver(hangMs = 5_000): Promise<FaultReceiver> {
	const deliveries: FaultDelivery[] = [];
	const perKey = new Map<string, number>();
	const succeeded = new Set<string>();
	const open = new Map<string, number>(); // run → open requests
	let maxOpen = 0;
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://receiver");
		const [, kind, run = "", node = ""] = url.pathname.split("/");
		if (kind !== "hook") {
			res.writeHead(404).end();
			return;
		}
		const key = String(req.headers["idempotency-key"] ?? "");
		const n = (perKey.get(key) ?? 0) + 1;
		perKey.set(key, n);
		const delivery: FaultDelivery = { run, node, key, at: Date.now(), status: null };
		deliveries.push(delivery);
		open.set(run, (open.get(run) ?? 0) + 1);
		maxOpen = Math.max(maxOpen, open.size);
		// "close" fires when we answered or when the caller gave up (timeout, crash).
		res.once("close", () => {
			const left = (open.get(run) ?? 1) - 1;
			if (left > 0) open.set(run, left);
			else open.delete(run);
		});
		req.resume(); // the body is not needed; drain it so the socket is reusable
		const answer = (status: number) => {
			if (res.destroyed) return;
			delivery.status = status;
			if (status === 200) succeeded.add(key);
			res
				.writeHead(status, { "content-type": "application/json" })
				.end(JSON.stringify({ ok: status === 200, key, n }));
		};
		if (succeeded.has(key)) return answer(200);
		const fail = Number(url.searchParams.get("fail") ?? 0);
		const slow = Number(url.searchParams.get("slow") ?? 0);
		const p = Number(url.searchParams.get("p") ?? 0);
		if (n <= fail) return answer(503);
		if (p > 0 && Math.random() < p) {
			if (Math.random() < 0.5) return answer(503);
			setTimeout(() => answer(200), hangMs); // past the node's timeout: the caller gives up
			return;
		}
		if (n === fail + 1 && slow > 0) {
			setTimeout(() => answer(200), slow);
			return;
		}
		answer(200);
	});
	server.keepAliveTimeout = 1_000;
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return {
		port: (server.address() as AddressInfo).port,
		deliveries,
		maxOpenRuns: () => maxOpen,
		openRuns: () => open.size,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

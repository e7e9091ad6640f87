// The benchmark's loopback receiver: answers every POST with a small 200 JSON at once, so the
// WEBHOOK figures measure the engines, not the receiver.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export async function startBenchReceiver(): Promise<{
	url: string;
	count: () => number;
	close: () => Promise<void>;
}> {
	let count = 0;
	const server = createServer((req, res) => {
		count++;
		req.resume();
		req.on("end", () => {
			res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
		});
	});
	// Longer than any client's idle pool: a socket the server closes while workerd reuses it
	// would surface as a network error that is the receiver's fault, not the engine's.
	server.keepAliveTimeout = 120_000;
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		count: () => count,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

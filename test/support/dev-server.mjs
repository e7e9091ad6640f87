// `wrangler dev` without its debugger: wrangler's own dev server (`unstable_startWorker`, what
// the `wrangler dev` command runs) with `dev.inspector: false`, which the command line cannot
// set. With the inspector on, wrangler enables DevTools' Network domain on the Worker, so every
// D1 query and every fetch sends four Network events through wrangler's InspectorProxyWorker,
// each relayed to wrangler's Node process as a debug-log request: a cost per D1 query that a
// deployed Worker never pays. The bench measures without it (bench/run.ts --inspector keeps it).
//
//   node test/support/dev-server.mjs --config C --env-file F --persist-to D --port P [--test-scheduled]
//
// Prints "ready <url>" once serving; SIGINT/SIGTERM stop it.
import { parseArgs } from "node:util";
import { unstable_startWorker } from "wrangler";

const { values } = parseArgs({
	options: {
		config: { type: "string" },
		"env-file": { type: "string" },
		"persist-to": { type: "string" },
		port: { type: "string" },
		"test-scheduled": { type: "boolean", default: false },
	},
});

const worker = await unstable_startWorker({
	config: values.config,
	envFiles: values["env-file"] ? [values["env-file"]] : [],
	// The config serves a bundle built once (see dev-process.ts), like `wrangler dev --no-bundle`.
	build: { bundle: false },
	dev: {
		server: { hostname: "127.0.0.1", port: Number(values.port) },
		inspector: false,
		persist: values["persist-to"],
		watch: false,
		liveReload: false,
		testScheduled: values["test-scheduled"],
		logLevel: "warn",
	},
});
await worker.ready;
console.log(`ready ${await worker.url}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
	process.once(signal, () => {
		worker.dispose().finally(() => process.exit(0));
	});
}

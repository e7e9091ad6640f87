import type { TestProject } from "vitest/node";
import { startReceiver } from "./receiver";

declare module "vitest" {
	export interface ProvidedContext {
		receiverUrl: string;
	}
}

/** Starts the loopback receiver once for the whole worker suite. */
export default async function setup(project: TestProject) {
	const { port, server } = await startReceiver();
	project.provide("receiverUrl", `http://127.0.0.1:${port}`);
	return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

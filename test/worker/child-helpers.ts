// Shared by the RUN_WORKFLOW worker tests: a tenant with an admin and a member, workflows
// created and runs started through the API, as a user would.
import { vi } from "vitest";
import { as, uniqueTenant } from "./helpers";

export type Caller = Awaited<ReturnType<typeof as>>;

export const trigger = (
	userInputs?: Record<string, unknown>,
	permissions?: Record<string, unknown>,
) => ({
	identifier: "trigger",
	config: {
		type: "SELF_SERVE_TRIGGER",
		...(userInputs ? { userInputs } : {}),
		...(permissions ? { permissions } : {}),
	},
});

/** trigger → one RUN_WORKFLOW node `run` (wait: false unless `config` says) with node `extra`. */
export function parent(
	identifier: string,
	config: Record<string, unknown>,
	extra: Record<string, unknown> = {},
) {
	return {
		identifier,
		title: identifier,
		nodes: [
			trigger({ properties: { hosts: { type: "array" } } }),
			{ identifier: "run", config: { type: "RUN_WORKFLOW", wait: false, ...config }, ...extra },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "run" }],
	};
}

export const provision = (permissions?: Record<string, unknown>) => ({
	identifier: "provision",
	title: "Provision a host",
	nodes: [trigger({ properties: { host: { type: "string" } }, required: ["host"] }, permissions)],
});

export async function setUp() {
	const tenant = uniqueTenant("child");
	const admin = await as({ tenant, role: "admin", sub: "admin@x" });
	const alice = await as({ tenant, role: "member", sub: "alice@x" });
	return { tenant, admin, alice };
}

export async function create(caller: Caller, definition: Record<string, unknown>) {
	const res = await caller.call("/v1/workflows", { method: "POST", body: definition });
	if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
}

export async function start(
	caller: Caller,
	identifier: string,
	inputs: Record<string, unknown> = {},
): Promise<string> {
	const started = await caller.call(`/v1/workflows/${identifier}/runs`, {
		method: "POST",
		body: { inputs },
	});
	if (started.status !== 202) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
	return started.body.id;
}

/** Reads run `id` until `done` holds of it (default: it ended). */
export function readUntil(
	caller: Caller,
	id: string,
	done: (run: any) => boolean = (run) => run.status === "COMPLETED",
	timeout = 15_000,
) {
	return vi.waitFor(
		async () => {
			const run = (await caller.call(`/v1/workflows/runs/${id}`)).body;
			if (!done(run)) throw new Error(`run ${id} not there yet: ${run.status}`);
			return run;
		},
		{ timeout, interval: 50 },
	);
}

export async function runToEnd(
	caller: Caller,
	identifier: string,
	inputs: Record<string, unknown> = {},
) {
	return readUntil(caller, await start(caller, identifier, inputs));
}

export const nodeOf = (run: any, node: string) => run.nodeRuns.find((n: any) => n.node === node);

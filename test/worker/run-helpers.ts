import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { inject, vi } from "vitest";
import {
	newRunId,
	type RunObject,
	type RunObjectApi,
	type RunView,
	runObjectName,
	type StartRunInput,
} from "../../durable-objects";
import type { WorkflowDefinition } from "../../engine/definition";
import { validateDefinition } from "../../engine/definition";
import type { RunState } from "../../engine/run";
import type { ScriptedResponse } from "../support/receiver";

export const receiverUrl = () => inject("receiverUrl");

/** A fresh receiver endpoint with a scripted sequence of answers. */
export async function hook(responses: ScriptedResponse[] = [{}]) {
	const name = `h${crypto.randomUUID().slice(0, 8)}`;
	await fetch(`${receiverUrl()}/_script/${name}`, {
		method: "PUT",
		body: JSON.stringify(responses),
	});
	return {
		url: `${receiverUrl()}/hook/${name}`,
		deliveries: async () =>
			(await (await fetch(`${receiverUrl()}/_deliveries/${name}`)).json()) as {
				method: string;
				headers: Record<string, string>;
				body: string;
			}[],
	};
}

/** Validates like the API does, so tests only run definitions a user could save. */
export function definition(input: Record<string, unknown>): WorkflowDefinition {
	const result = validateDefinition({ title: String(input.identifier), ...input });
	if (!result.ok) throw new Error(`invalid test definition: ${JSON.stringify(result.issues)}`);
	return result.definition;
}

export function runStub(tenantId: string, runId: string) {
	return env.RUN_OBJECT.get(env.RUN_OBJECT.idFromName(runObjectName(tenantId, runId)));
}

/** The same object through its plain RPC interface (see durable-objects/run/run-client.ts). */
export const api = (stub: Stub) => stub as unknown as RunObjectApi;

/** Starts a run directly on its object (the runs API is a layer above this). */
export async function startRun(
	def: WorkflowDefinition,
	inputs: Record<string, unknown> = {},
	tenantId = "acme",
) {
	const runId = newRunId();
	const stub = runStub(tenantId, runId);
	const view = await api(stub).start(startInput(def, runId, inputs, tenantId));
	return { runId, stub, view, tenantId };
}

/** What the runs API hands a run object to start `def` as run `runId`. */
export function startInput(
	def: WorkflowDefinition,
	runId: string,
	inputs: Record<string, unknown> = {},
	tenantId = "acme",
): StartRunInput {
	return {
		runId,
		tenantId,
		workflow: {
			id: `wf-${def.identifier}`,
			identifier: def.identifier,
			title: def.title ?? def.identifier,
			version: 1,
		},
		definition: def,
		initiator: "alice",
		requestedBy: "alice",
		inputs: inputs as never,
		scope: { type: "GLOBAL" },
		notificationRecipients: [],
		retryOf: null,
	};
}

export type Stub = ReturnType<typeof runStub>;

/** Polls the object (outgoing calls finish on their own schedule) until the run matches. */
export async function waitForRun(
	stub: Stub,
	done: (run: RunView) => boolean,
	timeout = 10_000,
): Promise<RunView> {
	return vi.waitFor(
		async () => {
			const run = await api(stub).getRun();
			if (!run || !done(run)) throw new Error(`run not there yet: ${run?.status} ${run?.result}`);
			return run;
		},
		{ timeout, interval: 20 },
	);
}

export const finished = (run: RunView) => run.status === "COMPLETED";

export const cancelRun = (stub: Stub, by: string) => api(stub).cancel(by, null);

export const readRun = (stub: Stub) => api(stub).getRun();

/** Fires the object's alarm now, the way the platform would when it is due. */
export const fireAlarm = (stub: Stub) => runDurableObjectAlarm(stub);

export async function history(stub: Stub) {
	return (await api(stub).getEvents(0, 10_000)).events;
}

export const nodeRun = (run: RunView, node: string) => {
	const found = run.nodeRuns.find((n) => n.node === node);
	if (!found) throw new Error(`no node run ${node}`);
	return found;
};

export const trigger = (properties: Record<string, unknown> = {}) => ({
	identifier: "trigger",
	config: { type: "SELF_SERVE_TRIGGER", userInputs: { properties } },
});

export const link = (
	id: string,
	source: string,
	target: string,
	extra: Record<string, unknown> = {},
) => ({
	identifier: id,
	sourceIdentifier: source,
	targetIdentifier: target,
	...extra,
});

/** Index writes happen after the object's commit, on their own time. */
export async function waitForIndex(runId: string, status: string) {
	return vi.waitFor(
		async () => {
			const row = await env.DB.prepare("SELECT * FROM runs WHERE id = ?")
				.bind(runId)
				.first<Record<string, unknown>>();
			if (row?.status !== status)
				throw new Error(`index row of ${runId} is ${row?.status}, not ${status}`);
			return row;
		},
		{ timeout: 5_000, interval: 20 },
	);
}

/**
 * Moves every pending timer of the run to "just now", in storage and in the object's memory,
 * so a test can fire a 1-hour delay at once instead of sleeping or racing a 1 ms alarm.
 */
export async function makeTimersDue(stub: Stub) {
	await runInDurableObject(stub, (instance: RunObject) => {
		const now = Date.now() - 1;
		const shell = (
			instance as unknown as { shell: { loadState(): RunState | null; snapshotNow(): void } }
		).shell;
		for (const timer of Object.values(shell.loadState()?.timers ?? {})) timer.at = now;
		shell.snapshotNow();
	});
}

import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, inject, vi } from "vitest";
import {
	newRunId,
	type RunObject,
	type RunView,
	runObject,
	type StartRunInput,
} from "../../durable-objects";
import { RunStore } from "../../durable-objects/run/run-store";
import type { WorkflowDefinition } from "../../engine/definition";
import { validateDefinition } from "../../engine/definition";
import type { JsonObject } from "../../engine/run";
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
		/** Answers the calls a `hold` response keeps waiting, and every later one at once. */
		release: async () => {
			await fetch(`${receiverUrl()}/_release/${name}`, { method: "POST" });
		},
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

export const runStub = (tenantId: string, runId: string) => runObject(env, tenantId, runId);

/** Starts a run directly on its object (the runs API is a layer above this). */
export async function startRun(
	def: WorkflowDefinition,
	inputs: JsonObject = {},
	tenantId = "acme",
) {
	const runId = newRunId();
	const stub = runStub(tenantId, runId);
	const view = await stub.start(startInput(def, runId, inputs, tenantId));
	return { runId, stub, view, tenantId };
}

/** What the runs API hands a run object to start `def` as run `runId`. */
export function startInput(
	def: WorkflowDefinition,
	runId: string,
	inputs: JsonObject = {},
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
		inputs,
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
			const run = await stub.getRun();
			if (!run || !done(run)) throw new Error(`run not there yet: ${run?.status} ${run?.result}`);
			return run;
		},
		{ timeout, interval: 20 },
	);
}

export const finished = (run: RunView) => run.status === "COMPLETED";

export const cancelRun = (stub: Stub, by: string, reason: string | null = null) =>
	stub.signal({ kind: "cancel", by, reason });

export const readRun = (stub: Stub) => stub.getRun();

/** Fires the object's alarm now, the way the platform would when it is due. */
export const fireAlarm = (stub: Stub) => runDurableObjectAlarm(stub);

export async function history(stub: Stub) {
	return (await stub.getEvents(0, 10_000)).events;
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
 * Sets the object's clock just past every pending timer of the run, so a test can fire a
 * 1-hour delay at once instead of sleeping or racing a 1 ms alarm. The object keeps the clock
 * until it is evicted.
 */
export async function makeTimersDue(stub: Stub) {
	await runInDurableObject(stub, (instance: RunObject, state) => {
		const timers = Object.values(new RunStore(state.storage).load().state?.timers ?? {});
		const clock = instance.clock;
		const shift = Math.max(0, ...timers.map((t) => t.at - clock.now() + 1));
		instance.clock = { now: () => clock.now() + shift };
	});
}

/** Every form a leaked value could take: as is, URL-encoded (two styles), base64 (two styles). */
export const leakForms = (value: string) => [
	value,
	encodeURIComponent(value),
	new URLSearchParams({ v: value }).toString().slice(2),
	Buffer.from(value).toString("base64"),
	Buffer.from(value).toString("base64url"),
];

export function expectNoForms(text: string, value: string, where: string) {
	for (const form of leakForms(value)) expect(text, `${where} holds ${form}`).not.toContain(form);
}

/** Every row of every table of the run's object, as text (what its storage holds). */
export async function storedRows(stub: Stub): Promise<string> {
	return runInDurableObject(stub, (_instance, state: DurableObjectState) => {
		const tables = state.storage.sql
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'",
			)
			.toArray()
			.map((t) => t.name);
		return JSON.stringify(
			tables.map((table) => [table, state.storage.sql.exec(`SELECT * FROM "${table}"`).toArray()]),
			(_key, value) => (value instanceof ArrayBuffer ? new TextDecoder().decode(value) : value),
		);
	});
}

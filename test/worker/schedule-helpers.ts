import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { ScheduleObject } from "../../durable-objects/schedule";
import { scheduleObject } from "../../durable-objects/schedule";
import { tenantWithWorkflow } from "./runs-helpers";

/** A scheduled workflow whose runs wait an hour (so they stay unfinished until cancelled). */
export function scheduleWorkflow(
	identifier = "nightly",
	config: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
) {
	return {
		identifier,
		title: `Scheduled (${identifier})`,
		nodes: [
			{
				identifier: "every",
				config: {
					type: "SCHEDULE_TRIGGER",
					cron: "*/15 * * * *",
					inputs: { source: "schedule" },
					...config,
				},
			},
			{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "every", targetIdentifier: "wait" }],
		...extra,
	};
}

/**
 * A tenant with one scheduled workflow, and a clock for its schedule object: `at(time)` moves
 * the object's time and lets it act as its alarm would. The schedule is anchored at `start`
 * (paused and resumed then, as a user would), so nothing before it is due.
 */
export async function scheduledTenant(start: string, definition = scheduleWorkflow()) {
	const setup = await tenantWithWorkflow(definition);
	const row = await env.DB.prepare(
		"SELECT workflow_id, node FROM triggers WHERE tenant_id = ? AND type = 'SCHEDULE_TRIGGER'",
	)
		.bind(setup.tenant)
		.first<{ workflow_id: string; node: string }>();
	if (!row) throw new Error("the schedule has no trigger row");
	const ref = { tenantId: setup.tenant, workflowId: row.workflow_id, node: row.node };
	const stub = scheduleObject(env, ref);
	const clock = { now: Date.parse(start) };
	await runInDurableObject(stub as DurableObjectStub<ScheduleObject>, (instance) => {
		instance.clock = () => clock.now;
	});
	const path = `/v1/workflows/${setup.identifier}/triggers/${row.node}`;
	await setup.admin.call(path, { method: "PATCH", body: { paused: true } });
	await setup.admin.call(path, { method: "PATCH", body: { paused: false } });
	return {
		...setup,
		ref,
		stub,
		/** Moves the schedule's clock to `time` and runs its alarm; false when none was set. */
		at: async (time: string) => {
			clock.now = Date.parse(time);
			return runDurableObjectAlarm(stub as DurableObjectStub<ScheduleObject>);
		},
		alarm: () =>
			runInDurableObject(stub as DurableObjectStub<ScheduleObject>, (_, state) =>
				state.storage.getAlarm(),
			),
		schedule: async () => {
			const res = await setup.admin.call(`/v1/workflows/${setup.identifier}/triggers`);
			return res.body.data.find((t: { node: string }) => t.node === row.node).schedule;
		},
		runs: async () => {
			const res = await setup.admin.call(
				`/v1/workflows/runs?workflowIdentifiers=${setup.identifier}&limit=100`,
			);
			return res.body.data as { id: string; status: string; trigger: { tickAt: string } }[];
		},
	};
}

export const tickTimes = (runs: { trigger: { tickAt: string } }[]) =>
	runs.map((r) => r.trigger.tickAt).sort();

// Triggers under the crash test (bench/README.md#crash-and-load-tests): a schedule that ticks
// every minute and a sender that delivers webhooks (each delivery id sent three times, and
// again after any failure, as senders retry) keep going while the crash test SIGKILLs the
// whole `wrangler dev` process group. Afterwards every minute tick since the schedule began
// has exactly one run, and every delivery id exactly one run.
import type { DevProcess } from "../support/dev-process";
import { Api } from "./api";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;

function scheduledWorkflow() {
	return {
		identifier: "faults_every_minute",
		title: "Every minute (crash test)",
		nodes: [
			{ identifier: "tick", config: { type: "SCHEDULE_TRIGGER", cron: "* * * * *" } },
			{
				identifier: "check",
				config: { type: "CONDITION", options: [{ identifier: "yes", expression: "true" }] },
			},
		],
		connections: [{ identifier: "c1", sourceIdentifier: "tick", targetIdentifier: "check" }],
	};
}

function hookedWorkflow() {
	return {
		identifier: "faults_hook",
		title: "Webhook (crash test)",
		nodes: [
			{ identifier: "hook", config: { type: "WEBHOOK_TRIGGER" } },
			{
				identifier: "check",
				config: { type: "CONDITION", options: [{ identifier: "yes", expression: "true" }] },
			},
		],
		connections: [{ identifier: "c1", sourceIdentifier: "hook", targetIdentifier: "check" }],
	};
}

export interface TriggerFaults {
	/** Stops the sender and checks both; the problems found. */
	finish(log: (m: string) => void): Promise<string[]>;
}

/** Sets both triggers up and starts the sender; call before the crash test's kills. */
export async function startTriggerFaults(dev: DevProcess): Promise<TriggerFaults> {
	const api = new Api(dev.baseUrl, await dev.token("crash-triggers"));
	await api.createWorkflow(scheduledWorkflow());
	const since = Date.now();
	await api.createWorkflow(hookedWorkflow());
	const triggers = await api.call<{ data: { webhook: { url: string } | null }[] }>(
		"GET",
		"/v1/workflows/faults_hook/triggers",
	);
	const hookPath = new URL(triggers.data[0]?.webhook?.url ?? "").pathname;

	let stopping = false;
	const accepted = new Map<string, Set<string>>();
	/** Sends one delivery until it is answered 202 (the server may be down): its run id. */
	const sendOnce = async (id: string) => {
		for (let attempt = 0; attempt < 200 && !stopping; attempt++) {
			try {
				const res = await fetch(`${dev.baseUrl}${hookPath}`, {
					method: "POST",
					headers: { "content-type": "application/json", "webhook-id": id },
					body: JSON.stringify({ delivery: id }),
					signal: AbortSignal.timeout(10_000),
				});
				if (res.status === 202) {
					const body = (await res.json()) as { run: { id: string } };
					const runs = accepted.get(id) ?? new Set<string>();
					runs.add(body.run.id);
					accepted.set(id, runs);
					return;
				}
			} catch {
				// down or restarting: try again
			}
			await sleep(300);
		}
	};
	// The minute cron does not run under --test-scheduled: sweep as production's cron would
	// (more often, to keep this short), so a schedule whose alarm a kill lost is re-armed.
	const sweeper = (async () => {
		while (!stopping) {
			await api.sweep();
			await sleep(10_000);
		}
	})();
	const sender = (async () => {
		for (let k = 0; !stopping; k++) {
			const id = `faults-delivery-${k}`;
			// The same delivery three times, two of them at once, as a retrying sender would.
			await Promise.all([sendOnce(id), sendOnce(id)]);
			await sendOnce(id);
			await sleep(200);
		}
	})();

	return {
		async finish(log) {
			// Past the next minute, so the schedule has ticked at least once after the last kill.
			const until = Math.ceil((Date.now() + 5_000) / MINUTE) * MINUTE + 5_000;
			await sleep(Math.max(0, until - Date.now()));
			stopping = true;
			await Promise.all([sender, sweeper]);
			const problems: string[] = [];
			const ticksWanted: string[] = [];
			for (let t = Math.ceil((since + 1) / MINUTE) * MINUTE; t <= until - 5_000; t += MINUTE)
				ticksWanted.push(new Date(t).toISOString());

			let scheduled: { id: string; trigger: { tickAt?: string } }[] = [];
			let hooked: { id: string; trigger: { deliveryId?: string } }[] = [];
			for (let tries = 0; tries < 15; tries++) {
				scheduled = (await api.listRuns("workflowIdentifiers=faults_every_minute")) as never;
				hooked = (await api.listRuns("workflowIdentifiers=faults_hook")) as never;
				const ticks = new Set(scheduled.map((r) => r.trigger.tickAt));
				const ids = new Set(hooked.map((r) => r.trigger.deliveryId));
				if (
					ticksWanted.every((t) => ticks.has(t)) &&
					[...accepted.keys()].every((id) => ids.has(id))
				)
					break;
				await api.sweep();
				await sleep(2_000);
			}
			const byTick = new Map<string, number>();
			for (const r of scheduled)
				byTick.set(String(r.trigger.tickAt), (byTick.get(String(r.trigger.tickAt)) ?? 0) + 1);
			for (const tick of ticksWanted)
				if (!byTick.has(tick)) problems.push(`schedule: the tick ${tick} started no run`);
			for (const [tick, n] of byTick)
				if (n > 1) problems.push(`schedule: the tick ${tick} started ${n} runs`);
			const byDelivery = new Map<string, number>();
			for (const r of hooked)
				byDelivery.set(
					String(r.trigger.deliveryId),
					(byDelivery.get(String(r.trigger.deliveryId)) ?? 0) + 1,
				);
			for (const [id, runs] of accepted) {
				if (runs.size > 1)
					problems.push(`webhook: delivery ${id} was answered with ${runs.size} runs`);
				const n = byDelivery.get(id) ?? 0;
				if (n !== 1) problems.push(`webhook: delivery ${id} has ${n} runs in the index`);
			}
			log(
				`triggers: ${ticksWanted.length} minute ticks, ${scheduled.length} scheduled runs; ` +
					`${accepted.size} delivery ids (each sent three times), ${hooked.length} webhook runs`,
			);
			return problems;
		},
	};
}

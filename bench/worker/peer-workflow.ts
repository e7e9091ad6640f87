// The peer: the same work as a Stepline run, as a Cloudflare Workflow with one step.do per
// node. Each step.do is a durable, individually retried step, the unit Workflows bills and
// persists, so "per node" compares like with like.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";

export interface PeerParams {
	steps: number;
	n: number;
	/** When set, every step POSTs here (the WEBHOOK variant); otherwise it evaluates a condition. */
	url?: string;
}

export class PeerWorkflow extends WorkflowEntrypoint<Env, PeerParams> {
	override async run(event: WorkflowEvent<PeerParams>, step: WorkflowStep): Promise<number> {
		const { steps, url } = event.payload;
		let value = event.payload.n;
		for (let i = 0; i < steps; i++) {
			const current = value;
			value = await step.do(`node_${i}`, async () => {
				if (!url) return current >= 0 ? current + 1 : current; // the condition's work
				const res = await fetch(url, {
					method: "POST",
					headers: {
						"content-type": "application/json",
						"idempotency-key": `${event.instanceId}:${i}`,
					},
					body: JSON.stringify({ node: i }),
				});
				await res.arrayBuffer();
				if (!res.ok) throw new Error(`receiver answered ${res.status}`);
				return current + 1;
			});
		}
		return value;
	}
}

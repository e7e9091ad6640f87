/**
 * A node whose join is satisfied: check runIf, wait out startDelay, then hand it to the
 * code for its kind. Runs inside the work queue, so chains of ready nodes (trigger →
 * condition → skipped branch → join …) complete back to back in one transition.
 */
import { contextFor } from "./context";
import { runCondition, runDelay } from "./decisions";
import { evaluateExpression, expressionSource, isTruthy } from "./expressions";
import { markStarted, nodeFailed, nodeRun, nodeSkipped } from "./flow";
import { beginForEach } from "./foreach";
import { openInput } from "./input";
import { plannedNode } from "./plan";
import { formatMs } from "./retry";
import { applyReuse } from "./reuse";
import type { Step } from "./step";
import { startTask } from "./tasks";
import { timerKey } from "./timers";

export function startNode(step: Step, node: string): void {
	const run = nodeRun(step, node);
	if (run.status !== "PENDING") return;
	// A retry's reused node completes here, before runIf or startDelay could do anything.
	if (applyReuse(step, node)) return;
	const planned = plannedNode(step.plan, node);
	const { settled, taken } = run.arrivals;
	const why =
		planned.incoming.length <= 1
			? "its incoming connection was taken"
			: planned.joinStrategy === "any"
				? `joinStrategy any: the first of ${planned.incoming.length} incoming branches arrived`
				: `all ${planned.incoming.length} incoming branches settled (${taken} taken, ${settled - taken} not taken)`;
	const runIf = planned.node.runIf;
	if (runIf !== undefined) {
		const check = evaluateExpression(
			runIf,
			contextFor(step.state, {}, step.access("node")),
			step.now,
		);
		if (!check.ok) {
			markStarted(step, node, "IN_PROGRESS");
			nodeFailed(step, node, {
				code: check.error.code,
				message: `runIf: ${check.error.message}`,
			});
			return;
		}
		if (!isTruthy(check.value)) {
			nodeSkipped(
				step,
				node,
				`runIf \`${expressionSource(runIf)}\` gave ${JSON.stringify(check.value)}`,
			);
			return;
		}
	}
	markStarted(step, node, "IN_PROGRESS");
	step.note("node_started", `${node} started: ${why}`, { node });
	if (planned.configError !== null) {
		nodeFailed(step, node, { code: "invalid_config", message: planned.configError });
		return;
	}
	if (planned.startDelayMs > 0) {
		const at = step.now + planned.startDelayMs;
		step.setTimer(timerKey({ kind: "start_delay", node }), { kind: "start_delay", node, at });
		markStarted(step, node, "WAITING");
		step.note(
			"node_waiting",
			`startDelay: begins at ${new Date(at).toISOString()} (in ${formatMs(planned.startDelayMs)})`,
			{ node },
		);
		return;
	}
	beginWork(step, node);
}

/** The node's own work, once runIf passed and any startDelay is over. */
export function beginWork(step: Step, node: string): void {
	const run = nodeRun(step, node);
	if (run.status === "COMPLETED") return;
	if (run.status === "WAITING") markStarted(step, node, "IN_PROGRESS");
	const planned = plannedNode(step.plan, node);
	const kind = planned.kind;
	if (planned.forEach !== null && kind.kind !== "webhook" && kind.kind !== "run_workflow") {
		nodeFailed(step, node, {
			code: "not_supported",
			message: `forEach is only supported on WEBHOOK and RUN_WORKFLOW nodes, not on ${planned.node.config.type}`,
		});
		return;
	}
	switch (kind.kind) {
		case "trigger":
			nodeFailed(step, node, {
				code: "not_supported",
				message: "a trigger node only runs as the trigger that started the run",
			});
			return;
		case "unsupported":
			nodeFailed(step, node, { code: "not_supported", message: kind.why });
			return;
		case "condition":
			runCondition(step, node);
			return;
		case "delay":
			runDelay(step, node);
			return;
		case "input":
			openInput(step, node);
			return;
		case "webhook":
		case "run_workflow":
			if (planned.forEach !== null) {
				beginForEach(step, node, startTask);
				return;
			}
			startTask(step, { node, item: null });
			return;
		default: {
			const _exhaustive: never = kind;
			return;
		}
	}
}

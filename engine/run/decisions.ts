/**
 * CONDITION and DELAY: nodes that decide or wait without calling out.
 */
import { type Connection, parseIsoTimestamp, tryParseDuration } from "../definition";
import { contextFor } from "./context";
import { evaluateExpression, expressionSource, isTruthy, renderTemplates } from "./expressions";
import { markStarted, nodeFailed, nodeRun, nodeSucceeded, type Route } from "./flow";
import { plannedNode } from "./plan";
import { formatMs } from "./retry";
import type { Step } from "./step";
import { timerKey } from "./timers";

export function runCondition(step: Step, node: string): void {
	const planned = plannedNode(step.plan, node);
	const config = planned.node.config;
	if (config.type !== "CONDITION") throw new Error(`${node} is not a CONDITION node`);
	const context = contextFor(step.state, {}, step.access("node"));
	const falseOnes: string[] = [];
	let matched: { identifier: string; expression: string } | null = null;
	for (const option of config.options) {
		const result = evaluateExpression(option.expression, context, step.now);
		if (!result.ok) {
			nodeFailed(step, node, {
				code: result.error.code,
				message: `option ${option.identifier}: ${result.error.message}`,
			});
			return;
		}
		if (isTruthy(result.value)) {
			matched = option;
			break;
		}
		falseOnes.push(option.identifier);
	}
	const before = falseOnes.length > 0 ? ` (${falseOnes.join(", ")} false)` : "";
	const hasFallback = planned.outgoing.some((c) => c.fallback === true && c.onError !== true);
	const detail =
		matched !== null
			? `option ${matched.identifier} matched: \`${expressionSource(matched.expression)}\` is true${before}`
			: hasFallback
				? `no option matched${before}; taking the fallback connection`
				: `no option matched${before} and there is no fallback connection: this branch ends here`;
	step.note("condition_evaluated", detail, { node });
	const chosen = matched?.identifier ?? null;
	nodeSucceeded(step, node, { option: chosen }, `${node} succeeded: ${detail}`, (c) =>
		conditionRoute(c, chosen),
	);
}

/** Which connections a CONDITION that chose `chosen` takes; also used to replay a reused one. */
export function conditionRoute(c: Connection, chosen: string | null): Route {
	if (c.onError === true) return { taken: false, why: "the condition did not fail" };
	if (c.fallback === true) {
		return chosen === null
			? { taken: true, why: "no option matched" }
			: { taken: false, why: `option ${chosen} matched, so the fallback is not taken` };
	}
	const option = c.sourceOptionIdentifier;
	if (option === undefined) return { taken: true, why: "it does not depend on an option" };
	if (option === chosen) return { taken: true, why: `option ${option} matched` };
	return {
		taken: false,
		why:
			chosen === null
				? `option ${option} did not match`
				: `option ${chosen} matched, not ${option}`,
	};
}

export function runDelay(step: Step, node: string): void {
	const config = plannedNode(step.plan, node).node.config;
	if (config.type !== "DELAY") throw new Error(`${node} is not a DELAY node`);
	const until = delayUntil(step, config.duration, config.until);
	if (typeof until === "string") {
		nodeFailed(step, node, { code: "invalid_until", message: until });
		return;
	}
	const iso = new Date(until).toISOString();
	if (until <= step.now) {
		nodeSucceeded(step, node, { until: iso }, `${node} succeeded: ${iso} had already passed`);
		return;
	}
	step.setTimer(timerKey({ kind: "delay", node }), { kind: "delay", node, at: until });
	markStarted(step, node, "WAITING");
	step.note("node_waiting", `waiting until ${iso} (${formatMs(until - step.now)})`, { node });
}

/** Epoch ms to wake at, or an author-facing reason the time is unusable. */
function delayUntil(
	step: Step,
	duration: string | undefined,
	until: string | undefined,
): number | string {
	if (duration !== undefined) {
		const parsed = tryParseDuration(duration);
		return parsed.ok ? step.now + parsed.ms : `duration: ${parsed.reason}`;
	}
	if (until === undefined) return "a DELAY node needs duration or until";
	const rendered = renderTemplates(
		until,
		contextFor(step.state, {}, step.access("node")),
		step.now,
	);
	if (!rendered.ok) return `until: ${rendered.error.message}`;
	if (typeof rendered.value !== "string") {
		return `until rendered to ${JSON.stringify(rendered.value)}; expected an ISO 8601 timestamp`;
	}
	const at = parseIsoTimestamp(rendered.value);
	return at === null
		? `until "${rendered.value}" is not an ISO 8601 timestamp with a zone (e.g. "2030-01-01T09:00:00Z")`
		: at;
}

export function onDelayDue(step: Step, node: string, until: number): void {
	const run = nodeRun(step, node);
	if (run.status === "COMPLETED") return;
	const iso = new Date(until).toISOString();
	nodeSucceeded(step, node, { until: iso }, `${node} succeeded: waited until ${iso}`);
}

/**
 * forEach: items from an expression (at most MAX_FOREACH_ITEMS), each item its own task
 * with its own attempts, at most `concurrency` in flight; the node's output is the list of
 * item outputs in item order. The first item that fails for good fails the node (after
 * cancelling the items still open), so onError routing and run failure work as for any node.
 *
 * Item runs are separate rows: finishing one item rewrites that item and the node's small
 * progress record, never the whole list.
 */
import { cancelTask } from "./abandon";
import { contextFor } from "./context";
import { evaluateExpression } from "./expressions";
import { nodeFailed, nodeRun, nodeSucceeded } from "./flow";
import type { JsonValue } from "./json";
import { keptOutput, openedOutput } from "./mask-output";
import { MAX_FOREACH_ITEMS, plannedNode } from "./plan";
import { type ErrorInfo, type ItemRun, itemKey, type TaskRef } from "./state";
import type { Step } from "./step";

/** Starts the first attempt of an item (tasks.ts), passed in to keep imports one-way. */
export type Launcher = (step: Step, ref: TaskRef) => void;

export function beginForEach(step: Step, node: string, launch: Launcher): void {
	const planned = plannedNode(step.plan, node);
	const spec = planned.forEach;
	if (spec === null) throw new Error(`${node} has no forEach`);
	const items = evaluateExpression(
		spec.items,
		contextFor(step.state, {}, step.access("node")),
		step.now,
	);
	if (!items.ok) {
		nodeFailed(step, node, {
			code: items.error.code,
			message: `forEach: ${items.error.message}`,
		});
		return;
	}
	const list = items.value;
	if (!Array.isArray(list)) {
		const got = list === null ? "null" : typeof list;
		nodeFailed(step, node, {
			code: "foreach_not_a_list",
			message: `forEach must give a list, got ${got}`,
		});
		return;
	}
	if (list.length > MAX_FOREACH_ITEMS) {
		nodeFailed(step, node, {
			code: "foreach_too_many_items",
			message: `forEach gave ${list.length} items; at most ${MAX_FOREACH_ITEMS} are allowed`,
		});
		return;
	}
	const run = nodeRun(step, node);
	run.forEach = {
		total: list.length,
		concurrency: spec.concurrency,
		nextIndex: 0,
		inFlight: [],
		succeeded: 0,
	};
	step.touchNode(node);
	list.forEach((item, index) => {
		step.state.items[itemKey(node, index)] = newItem(node, index, item);
		step.touchTask({ node, item: index });
	});
	if (list.length === 0) {
		nodeSucceeded(step, node, [], `${node} succeeded: forEach gave no items, output is []`);
		return;
	}
	step.note(
		"foreach_started",
		`forEach over ${list.length} items, at most ${spec.concurrency} at a time`,
		{ node },
	);
	launchMore(step, node, launch);
}

function newItem(node: string, index: number, item: JsonValue): ItemRun {
	return {
		node,
		index,
		item,
		status: "PENDING",
		result: null,
		startedAt: null,
		endedAt: null,
		attempts: [],
		output: null,
		error: null,
		logs: [],
	};
}

function launchMore(step: Step, node: string, launch: Launcher): void {
	const run = nodeRun(step, node);
	const progress = run.forEach;
	if (progress === null) return;
	// A launch can fail at once (bad template, refused URL), which fails the node: re-check.
	while (
		run.status !== "COMPLETED" &&
		progress.inFlight.length < progress.concurrency &&
		progress.nextIndex < progress.total
	) {
		const index = progress.nextIndex;
		progress.nextIndex += 1;
		progress.inFlight.push(index);
		step.touchNode(node);
		launch(step, { node, item: index });
	}
	refreshForEachStatus(step, node);
}

/** The node is IN_PROGRESS while an item call is in flight, WAITING while all wait on retries. */
export function refreshForEachStatus(step: Step, node: string): void {
	const run = nodeRun(step, node);
	if (run.status === "COMPLETED" || run.forEach === null || run.forEach.inFlight.length === 0)
		return;
	const calling = run.forEach.inFlight.some(
		(i) => step.state.items[itemKey(node, i)]?.status === "IN_PROGRESS",
	);
	const status = calling ? "IN_PROGRESS" : "WAITING";
	if (run.status !== status) {
		run.status = status;
		step.touchNode(node);
	}
}

function settleItem(step: Step, ref: TaskRef & { item: number }): ItemRun {
	const item = step.task(ref) as ItemRun;
	item.status = "COMPLETED";
	item.endedAt = step.now;
	step.touchTask(ref);
	const progress = nodeRun(step, ref.node).forEach;
	if (progress !== null) progress.inFlight = progress.inFlight.filter((i) => i !== ref.item);
	step.touchNode(ref.node);
	return item;
}

export function itemSucceeded(
	step: Step,
	ref: TaskRef & { item: number },
	output: JsonValue,
	launch: Launcher,
): void {
	const kept = keptOutput(step, ref.node, output);
	if (!kept.ok) {
		itemFailed(step, ref, kept.error);
		return;
	}
	const item = settleItem(step, ref);
	item.result = "SUCCESS";
	item.output = kept.value;
	const run = nodeRun(step, ref.node);
	const progress = run.forEach;
	if (progress === null) return;
	progress.succeeded += 1;
	if (progress.succeeded < progress.total) {
		launchMore(step, ref.node, launch);
		return;
	}
	const outputs: JsonValue[] = [];
	for (let i = 0; i < progress.total; i++) {
		// A masked node's items are sealed one by one; its list is sealed again as a whole.
		const opened = openedOutput(
			step,
			ref.node,
			step.state.items[itemKey(ref.node, i)]?.output ?? null,
		);
		if (!opened.ok) {
			nodeFailed(step, ref.node, opened.error);
			return;
		}
		outputs.push(opened.value);
	}
	nodeSucceeded(
		step,
		ref.node,
		outputs,
		`${ref.node} succeeded: all ${progress.total} items succeeded`,
	);
}

export function itemFailed(step: Step, ref: TaskRef & { item: number }, error: ErrorInfo): void {
	const item = settleItem(step, ref);
	item.result = "FAILED";
	item.error = error;
	cancelOpenItems(step, ref.node, {
		code: "cancelled",
		message: `not finished: item ${ref.item} of ${ref.node} failed`,
	});
	nodeFailed(step, ref.node, { code: error.code, message: `item ${ref.item}: ${error.message}` });
}

/** Cancels the items in flight and those never launched. O(items), once per node. */
export function cancelOpenItems(step: Step, node: string, error: ErrorInfo): void {
	const progress = nodeRun(step, node).forEach;
	if (progress === null) return;
	for (let i = 0; i < progress.total; i++) {
		const ref = { node, item: i };
		if (step.state.items[itemKey(node, i)]?.status !== "COMPLETED") cancelTask(step, ref, error);
	}
	progress.inFlight = [];
	progress.nextIndex = progress.total;
	step.touchNode(node);
}

import { toPointer } from "./issues";
import type { DefinitionIssue, WorkflowDefinition } from "./types";

/** One RUN_WORKFLOW node's reference to another workflow, and where the definition says it. */
export interface WorkflowCall {
	target: string;
	/** `/nodes/<i>/config/workflowIdentifier`. */
	pointer: string;
}

/** The workflows a definition starts as children, in node order (a target may repeat). */
export function workflowCalls(definition: WorkflowDefinition): WorkflowCall[] {
	return definition.nodes.flatMap((node, i) =>
		node.config.type === "RUN_WORKFLOW"
			? [
					{
						target: node.config.workflowIdentifier,
						pointer: toPointer(["nodes", i, "config", "workflowIdentifier"]),
					},
				]
			: [],
	);
}

/**
 * The save-time loop check: would saving `definition` let a run reach its own workflow again
 * through child runs? `callsOf` gives, for the tenant's other workflows, the targets of their
 * latest version (a call to a pinned version is followed through the latest too: the run-time
 * depth cap catches what this cannot see). Returns the shortest such loop as one issue at the
 * call that starts it, naming the path (`a → b → a`); a call of itself is the definition
 * check's `run_workflow_self`. Breadth-first over the calls: O(workflows + calls).
 */
export function callCycleIssue(
	definition: WorkflowDefinition,
	callsOf: ReadonlyMap<string, readonly string[]>,
): DefinitionIssue | null {
	const self = definition.identifier;
	/** How each workflow reached was first reached: the workflow before it, and the first call. */
	const reached = new Map<string, { from: string | null; call: WorkflowCall }>();
	let frontier: string[] = [];
	for (const call of workflowCalls(definition)) {
		if (call.target === self || reached.has(call.target)) continue;
		reached.set(call.target, { from: null, call });
		frontier.push(call.target);
	}
	while (frontier.length > 0) {
		const next: string[] = [];
		for (const caller of frontier) {
			for (const target of callsOf.get(caller) ?? []) {
				if (target === self) return cycleIssue(self, caller, reached);
				if (reached.has(target)) continue;
				const first = reached.get(caller);
				if (first === undefined) continue;
				reached.set(target, { from: caller, call: first.call });
				next.push(target);
			}
		}
		frontier = next;
	}
	return null;
}

function cycleIssue(
	self: string,
	last: string,
	reached: ReadonlyMap<string, { from: string | null; call: WorkflowCall }>,
): DefinitionIssue {
	const path = [last];
	let step = reached.get(last);
	while (step?.from) {
		path.unshift(step.from);
		step = reached.get(step.from);
	}
	const loop = [self, ...path, self].join(" → ");
	return {
		pointer: step?.call.pointer ?? "/nodes",
		code: "run_workflow_cycle",
		message: `This would make child runs loop: ${loop} (each step a RUN_WORKFLOW in the latest version of the workflow before it). Remove one of these calls.`,
	};
}

import { isTriggerType } from "./constants";
import { issue } from "./issues";
import type { DefinitionIssue, WorkflowDefinition, WorkflowNode } from "./types";

/** Options that mean nothing on a trigger: it has no incoming branch and does no work to retry. */
const TRIGGER_FORBIDDEN_OPTIONS = [
	"runIf",
	"forEach",
	"retry",
	"timeout",
	"startDelay",
	"joinStrategy",
] as const;

/** Checks that look at one node at a time (plus the workflow's own fields). */
export function checkNodes(def: WorkflowDefinition): DefinitionIssue[] {
	const issues: DefinitionIssue[] = [];
	const seen = new Map<string, number>();
	for (const [i, node] of def.nodes.entries()) {
		const first = seen.get(node.identifier);
		if (first === undefined) seen.set(node.identifier, i);
		else {
			issues.push(
				issue(
					["nodes", i, "identifier"],
					"duplicate_node_identifier",
					`node identifier "${node.identifier}" is already used by /nodes/${first}`,
				),
			);
		}
		issues.push(...checkNode(def, node, i));
	}
	if (def.errorWorkflow !== undefined && def.errorWorkflow === def.identifier) {
		issues.push(
			issue(["errorWorkflow"], "error_workflow_self", "a workflow cannot be its own errorWorkflow"),
		);
	}
	return issues;
}

function checkNode(def: WorkflowDefinition, node: WorkflowNode, i: number): DefinitionIssue[] {
	const issues: DefinitionIssue[] = [];
	const at = (...rest: PropertyKey[]) => ["nodes", i, ...rest];
	if (isTriggerType(node.config.type)) {
		for (const option of TRIGGER_FORBIDDEN_OPTIONS) {
			if (node[option] !== undefined) {
				issues.push(
					issue(
						at(option),
						"option_not_allowed_on_trigger",
						`${option} cannot be set on a trigger node (${node.config.type})`,
					),
				);
			}
		}
	}
	const config = node.config;
	switch (config.type) {
		case "SELF_SERVE_TRIGGER":
		case "WEBHOOK_TRIGGER":
			if (config.userInputs) issues.push(...checkUserInputs(config.userInputs, at("config")));
			break;
		case "EVENT_TRIGGER":
			// Port's timers name the entity property that holds the timer; without both the
			// trigger would fire for every timer of the tenant.
			if (config.event.type === "TIMER_EXPIRED") {
				for (const field of ["blueprintIdentifier", "propertyIdentifier"]) {
					if (!config.event[field])
						issues.push(
							issue(
								at("config", "event", field),
								"timer_field_required",
								`a TIMER_EXPIRED trigger needs event.${field}`,
							),
						);
				}
			}
			break;
		case "SCHEDULE_TRIGGER":
			break;
		case "WEBHOOK":
			if (config.synchronized && config.callback !== undefined) {
				issues.push(
					issue(
						at("config", "callback"),
						"callback_needs_async",
						"callback settings apply only to a WEBHOOK with synchronized: false",
					),
				);
			}
			break;
		case "CONDITION":
			issues.push(
				...duplicates(
					config.options.map((o) => o.identifier),
					(j) => at("config", "options", j, "identifier"),
					"duplicate_option_identifier",
					"option",
				),
			);
			break;
		case "INPUT": {
			const outlets = config.outlets.map((o) => o.identifier);
			issues.push(
				...duplicates(
					outlets,
					(j) => at("config", "outlets", j, "identifier"),
					"duplicate_outlet_identifier",
					"outlet",
				),
			);
			for (const [j, button] of (config.buttons ?? []).entries()) {
				if (!outlets.includes(button.outlet)) {
					issues.push(unknownOutlet(at("config", "buttons", j, "outlet"), button.outlet, outlets));
				}
			}
			if (config.timeout && !outlets.includes(config.timeout.outlet)) {
				issues.push(
					unknownOutlet(at("config", "timeout", "outlet"), config.timeout.outlet, outlets),
				);
			}
			if (config.userInputs) issues.push(...checkUserInputs(config.userInputs, at("config")));
			break;
		}
		case "DELAY":
			if (config.duration !== undefined && config.until !== undefined) {
				issues.push(
					issue(
						at("config", "until"),
						"delay_duration_and_until",
						"set duration or until, not both",
					),
				);
			} else if (config.duration === undefined && config.until === undefined) {
				issues.push(
					issue(
						at("config", "duration"),
						"delay_missing_duration",
						'a DELAY node needs duration (e.g. "90s") or until (a timestamp)',
					),
				);
			}
			break;
		case "RUN_WORKFLOW":
			// Cycles through other workflows need the store; the route checks those.
			if (config.workflowIdentifier === def.identifier) {
				issues.push(
					issue(
						at("config", "workflowIdentifier"),
						"run_workflow_self",
						"a workflow cannot start itself; child runs are strictly parent→child",
					),
				);
			}
			break;
		default:
			assertNever(config);
	}
	return issues;
}

type UserInputs = { properties: Record<string, unknown>; required?: string[]; order?: string[] };

function checkUserInputs(inputs: UserInputs, base: PropertyKey[]): DefinitionIssue[] {
	const issues: DefinitionIssue[] = [];
	for (const key of ["required", "order"] as const) {
		for (const [j, name] of (inputs[key] ?? []).entries()) {
			if (!Object.hasOwn(inputs.properties, name)) {
				issues.push(
					issue(
						[...base, "userInputs", key, j],
						"unknown_input",
						`"${name}" is not one of userInputs.properties`,
					),
				);
			}
		}
	}
	return issues;
}

function duplicates(
	ids: string[],
	path: (j: number) => PropertyKey[],
	code: string,
	what: string,
): DefinitionIssue[] {
	const seen = new Set<string>();
	const issues: DefinitionIssue[] = [];
	for (const [j, id] of ids.entries()) {
		if (seen.has(id)) issues.push(issue(path(j), code, `${what} identifier "${id}" is used twice`));
		seen.add(id);
	}
	return issues;
}

function unknownOutlet(path: PropertyKey[], outlet: string, outlets: string[]): DefinitionIssue {
	return issue(
		path,
		"unknown_outlet",
		`"${outlet}" is not an outlet; outlets: ${outlets.join(", ")}`,
	);
}

export function assertNever(value: never): never {
	throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

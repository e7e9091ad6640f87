/**
 * INPUT nodes: the run waits for people (docs/ARCHITECTURE.md#waiting-on-the-outside). Reaching
 * one opens an input request (the node WAITING, the run holding no slot); each response is
 * checked (`checkInputResponse`), recorded in its own transition, and once `numOfResponders`
 * responses agree on an outlet, or one goes through a decisive outlet, the request is decided
 * and the node succeeds through that outlet as soon as the run holds a slot (waits.ts). A
 * `timeout` decides it through its own outlet from the run's alarm.
 */
import { type Connection, type InputConfig, isSecretInput, secretInputsOf } from "../definition";
import { contextFor } from "./context";
import type { InputResponseEvent } from "./events";
import { renderTemplates } from "./expressions";
import { nodeRun, nodeSucceeded, type Route } from "./flow";
import type { JsonObject, JsonValue } from "./json";
import { REDACTED } from "./masking";
import { type Plan, plannedNode } from "./plan";
import { formatMs } from "./retry";
import { redactSealed } from "./sealing";
import type { InputDecision, InputWait, RunState, TaskRef } from "./state";
import type { Step } from "./step";
import { endWait, setWaitTimeout, waitIsOver, waitOnOutside } from "./waits";

/** Why a response is refused; the host turns each into its HTTP answer. */
export type InputRefusal =
	/** No INPUT node of that name in this run: 404. */
	| "unknown"
	/** The request is not open (not reached yet, decided, timed out, cancelled, run over): 409. */
	| "closed"
	/** The caller may not answer this request (not a responder, the initiator, answered already): 403. */
	| "forbidden"
	/** The outlet is not one of the node's: 422. */
	| "invalid";

export type InputCheck =
	| { kind: "take" }
	/** The same person sent the same Idempotency-Key again: nothing changes. */
	| { kind: "repeat" }
	| { kind: "refuse"; reason: InputRefusal; message: string };

export function inputConfigOf(plan: Plan, node: string): InputConfig | null {
	const config = plan.nodes.get(node)?.node.config;
	return config?.type === "INPUT" ? config : null;
}

/**
 * A response's inputs as the run's readers see them: the form's secret fields (`writeOnly`, or
 * `"encryption": "aes256-gcm"`) and any sealed value hidden. The run keeps what was sent (its
 * templates may use it); views and the input-request listing show this.
 */
export function shownResponseInputs(plan: Plan, node: string, inputs: JsonValue): JsonValue {
	const planned = plan.nodes.get(node);
	const shown = redactSealed(inputs);
	if (!planned || shown === null || typeof shown !== "object" || Array.isArray(shown)) return shown;
	const secret = secretInputsOf(planned.node);
	return Object.fromEntries(
		Object.entries(shown).map(([name, value]) => [
			name,
			isSecretInput(secret, name) ? REDACTED : value,
		]),
	);
}

/** The roles that may answer: those named, else admins and members unless only users are named. */
export function respondingRoles(config: InputConfig): readonly string[] {
	const responders = config.responders;
	return responders?.roles ?? (responders?.users ? [] : ["admin", "member"]);
}

/** The node's buttons: as declared, else one per outlet. */
export function buttonsOf(config: InputConfig): Array<{ title: string; outlet: string }> {
	if (config.buttons) return config.buttons.map((b) => ({ title: b.title, outlet: b.outlet }));
	return config.outlets.map((o) => ({ title: o.title ?? o.identifier, outlet: o.identifier }));
}

/** Who may answer: the node's `responders` (roles or named users), else members and admins. */
export function mayRespond(
	config: InputConfig,
	who: { by: string; role: string },
	initiator: string,
): string | null {
	if (config.allowInitiator === false && who.by === initiator) {
		return "this workflow does not let the run's initiator answer its own run";
	}
	if (respondingRoles(config).includes(who.role) || config.responders?.users?.includes(who.by))
		return null;
	return "you are not one of this input's responders";
}

/** Reaching an INPUT node: its request opens and the node waits, holding nothing. */
export function openInput(step: Step, node: string): void {
	const planned = plannedNode(step.plan, node);
	const config = inputConfigOf(step.plan, node);
	if (config === null) throw new Error(`${node} is not an INPUT node`);
	const ref: TaskRef = { node, item: null };
	const dueAt = planned.inputTimeoutMs === null ? null : step.now + planned.inputTimeoutMs;
	const wait: InputWait = {
		kind: "input",
		since: step.now,
		title: rendered(step, planned.node.title),
		description: rendered(step, planned.node.description),
		dueAt,
		responses: [],
		decided: null,
	};
	nodeRun(step, node).startedAt ??= step.now;
	waitOnOutside(step, ref, wait);
	if (dueAt !== null) setWaitTimeout(step, ref, dueAt);
	const needed = config.numOfResponders;
	const until =
		dueAt === null
			? "no timeout: until the run's own timeout or a cancel"
			: `until ${new Date(dueAt).toISOString()} (in ${formatMs(dueAt - step.now)}), then through ${config.timeout?.outlet}`;
	step.note(
		"node_waiting",
		`waiting for ${needed === 1 ? "a response" : `${needed} responses`}, ${until}`,
		ref,
	);
}

/**
 * A template in the title or description that fails shows as written: the approver still sees
 * the request (the save-time checks catch most such templates first).
 */
function rendered(step: Step, text: string | undefined): string | null {
	if (text === undefined) return null;
	const context = contextFor(step.state, {}, step.access("node"));
	const result = renderTemplates(text, context, step.now);
	if (!result.ok) return text;
	return typeof result.value === "string" ? result.value : JSON.stringify(result.value);
}

/**
 * Pure: what the run does with this response. The host answers from it before advancing, and
 * `advance` checks again, so a response is taken at most once however often it is sent.
 */
export function checkInputResponse(
	plan: Plan,
	state: RunState,
	event: InputResponseEvent,
): InputCheck {
	const config = inputConfigOf(plan, event.node);
	const task = state.nodes[event.node];
	if (config === null || task === undefined) {
		return refuse("unknown", `this run has no INPUT node ${event.node}`);
	}
	const wait = task.waitingOn?.kind === "input" ? task.waitingOn : null;
	const earlier = wait?.responses.find((r) => r.by === event.by) ?? lastResponses(task, event.by);
	if (earlier && event.key !== null && earlier.key === event.key) return { kind: "repeat" };
	if (state.header.status === "COMPLETED") {
		return refuse("closed", `the run already ended (${state.header.result})`);
	}
	if (task.status === "COMPLETED") {
		return refuse("closed", `${event.node} already ended (${task.result})`);
	}
	if (wait === null) return refuse("closed", `${event.node} is not waiting for input yet`);
	if (wait.decided !== null) {
		return refuse("closed", `${event.node} is already decided (${wait.decided.outlet})`);
	}
	const refused = mayRespond(config, event, state.header.initiator);
	if (refused !== null) return refuse("forbidden", refused);
	if (earlier) return refuse("forbidden", `${event.by} already answered ${event.node}`);
	const outlets = config.outlets.map((o) => o.identifier);
	if (!outlets.includes(event.outlet)) {
		return refuse(
			"invalid",
			`${event.outlet} is not an outlet of ${event.node} (${outlets.join(", ")})`,
		);
	}
	return { kind: "take" };
}

/** The responses of a finished INPUT node (its output), to recognise a repeat after the end. */
function lastResponses(
	task: RunState["nodes"][string],
	by: string,
): { key: string | null } | undefined {
	const output = task.output;
	if (output === null || typeof output !== "object" || Array.isArray(output)) return undefined;
	const responses = output.responses;
	if (!Array.isArray(responses)) return undefined;
	for (const r of responses) {
		if (r !== null && typeof r === "object" && !Array.isArray(r) && r.by === by) {
			return { key: typeof r.key === "string" ? r.key : null };
		}
	}
	return undefined;
}

const refuse = (reason: InputRefusal, message: string): InputCheck => ({
	kind: "refuse",
	reason,
	message,
});

/** Records a response `checkInputResponse` said to take; decides the request when it can. */
export function receiveInputResponse(step: Step, event: InputResponseEvent): void {
	const ref: TaskRef = { node: event.node, item: null };
	const task = step.task(ref);
	const wait = task.waitingOn;
	const config = inputConfigOf(step.plan, event.node);
	if (wait?.kind !== "input" || config === null) return;
	wait.responses.push({
		by: event.by,
		at: step.now,
		outlet: event.outlet,
		inputs: step.masker.json(event.inputs),
		comment: event.comment,
		key: event.key,
	});
	step.touchTask(ref);
	const agreeing = wait.responses.filter((r) => r.outlet === event.outlet).length;
	const decisive = config.outlets.find((o) => o.identifier === event.outlet)?.decisive === true;
	const needed = config.numOfResponders;
	step.note(
		"signal_received",
		`${event.by} answered ${event.outlet} (${agreeing} of ${needed}${decisive ? ", decisive" : ""})`,
		ref,
	);
	if (decisive || agreeing >= needed) {
		wait.decided = { outlet: event.outlet, by: decisive ? "decisive" : "responses", at: step.now };
		waitIsOver(step, ref);
	}
}

/** The request is decided and the run holds a slot: the node succeeds through the outlet. */
export function onInputWaitOver(step: Step, ref: TaskRef): void {
	const wait = step.task(ref).waitingOn;
	if (wait?.kind !== "input" || wait.decided === null) return;
	finishInput(step, ref, wait, wait.decided);
}

/** Nobody decided within `timeout.after`: the node leaves through `timeout.outlet`. */
export function onInputTimeout(step: Step, ref: TaskRef): void {
	const wait = step.task(ref).waitingOn;
	const config = inputConfigOf(step.plan, ref.node);
	if (wait?.kind !== "input" || wait.decided !== null || !config?.timeout) return;
	const decision: InputDecision = { outlet: config.timeout.outlet, by: "timeout", at: step.now };
	wait.decided = decision;
	finishInput(step, ref, wait, decision);
}

function finishInput(step: Step, ref: TaskRef, wait: InputWait, decision: InputDecision): void {
	endWait(step, ref);
	const output: JsonObject = {
		outlet: decision.outlet,
		decidedBy: decision.by,
		responses: wait.responses.map(
			(r): JsonValue => ({
				by: r.by,
				at: new Date(r.at).toISOString(),
				outlet: r.outlet,
				inputs: r.inputs,
				comment: r.comment,
				...(r.key === null ? {} : { key: r.key }),
			}),
		),
	};
	const why =
		decision.by === "timeout"
			? `nobody decided in time; leaving through ${decision.outlet}`
			: decision.by === "decisive"
				? `a response through the decisive outlet ${decision.outlet}`
				: `${wait.responses.filter((r) => r.outlet === decision.outlet).length} responses agreed on ${decision.outlet}`;
	nodeSucceeded(step, ref.node, output, `${ref.node} succeeded: ${why}`, (c) =>
		outletRoute(c, decision.outlet),
	);
}

/** Which connections an INPUT that left through `outlet` takes; also replays a reused one. */
export function outletRoute(c: Connection, outlet: string): Route {
	if (c.onError === true) return { taken: false, why: "the input did not fail" };
	const wanted = c.sourceOptionIdentifier;
	if (wanted === undefined) return { taken: true, why: "it does not depend on an outlet" };
	if (wanted === outlet) return { taken: true, why: `the input left through ${outlet}` };
	return { taken: false, why: `the input left through ${outlet}, not ${wanted}` };
}

/**
 * What a waiting node waits on, as readers of the run see it
 * (docs/ARCHITECTURE.md#waiting-on-the-outside): an INPUT's open request (its form, outlets,
 * buttons, who may answer, the responses so far), an async call's callback, or a child run.
 * Never a token: a callback is shown by its attempt and times only.
 */
import {
	inputConfigOf,
	type JsonObject,
	type JsonValue,
	type OutsideWait,
	type Plan,
	shownResponseInputs,
} from "../../engine/run";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type WaitingView =
	| ({
			kind: "input";
			since: string;
			title: string | null;
			description: string | null;
			dueAt: string | null;
	  } & InputRequestForm & {
				responses: Array<{
					by: string;
					at: string;
					outlet: string;
					inputs: JsonValue;
					comment: string | null;
				}>;
				decided: { outlet: string; by: string; at: string } | null;
			})
	| { kind: "callback"; since: string; attempt: number; receivedAt: string | null }
	| { kind: "child"; since: string; attempt: number; runId: string };

/** What an INPUT node asks, from its pinned definition: the same for every request it opens. */
export interface InputRequestForm {
	form: JsonObject | null;
	outlets: Array<{ identifier: string; title: string | null; decisive: boolean }>;
	buttons: Array<{ title: string; outlet: string }>;
	responders: { roles: string[] | null; users: string[] | null };
	numOfResponders: number;
	allowInitiator: boolean;
}

export function inputRequestForm(plan: Plan, node: string): InputRequestForm {
	const config = inputConfigOf(plan, node);
	const outlets = (config?.outlets ?? []).map((o) => ({
		identifier: o.identifier,
		title: o.title ?? null,
		decisive: o.decisive === true,
	}));
	return {
		form: (config?.userInputs as JsonObject | undefined) ?? null,
		outlets,
		// Without buttons, one per outlet.
		buttons:
			config?.buttons?.map((b) => ({ title: b.title, outlet: b.outlet })) ??
			outlets.map((o) => ({ title: o.title ?? o.identifier, outlet: o.identifier })),
		responders: {
			roles: config?.responders?.roles ? [...config.responders.roles] : null,
			users: config?.responders?.users ? [...config.responders.users] : null,
		},
		numOfResponders: config?.numOfResponders ?? 1,
		allowInitiator: config?.allowInitiator !== false,
	};
}

export function waitingView(
	plan: Plan,
	node: string,
	wait: OutsideWait | null | undefined,
): WaitingView | null {
	if (!wait) return null;
	switch (wait.kind) {
		case "callback":
			return {
				kind: "callback",
				since: iso(wait.since) ?? "",
				attempt: wait.attempt,
				receivedAt: iso(wait.received?.at ?? null),
			};
		case "input":
			return {
				kind: "input",
				since: iso(wait.since) ?? "",
				title: wait.title,
				description: wait.description,
				dueAt: iso(wait.dueAt),
				...inputRequestForm(plan, node),
				responses: wait.responses.map((r) => ({
					by: r.by,
					at: iso(r.at) ?? "",
					outlet: r.outlet,
					inputs: shownResponseInputs(plan, node, r.inputs),
					comment: r.comment,
				})),
				decided: wait.decided
					? { outlet: wait.decided.outlet, by: wait.decided.by, at: iso(wait.decided.at) ?? "" }
					: null,
			};
		case "child":
			return {
				kind: "child",
				since: iso(wait.since) ?? "",
				attempt: wait.attempt,
				runId: wait.runId,
			};
		default: {
			const unknown: never = wait;
			throw new Error(`unknown wait ${JSON.stringify(unknown)}`);
		}
	}
}

import { hashToken } from "../crypto/token";
import type { InputConfig } from "../definition";
import {
	type AdvanceEnv,
	buttonsOf,
	inputConfigOf,
	type JsonValue,
	type Plan,
	type RunState,
	type SealedValue,
} from "../run";
import type { RunMeta } from "./run-meta";

/**
 * Answer links (docs/ARCHITECTURE.md#response-tokens): a person named on an INPUT node
 * (`responders.users`) answers from a link in a notification, without signing in. Each link
 * holds a token of 256 random bits; the run keeps only its SHA-256, bound to the node, the
 * responder and the request it was made for (the time it opened), and the token itself travels
 * only sealed inside the notification that carries it. A link works while that request is open
 * and its responder has not answered: once the node is decided, times out, or the run ends, it
 * is dead, and it answers once.
 */
export interface AnswerLink {
	/** SHA-256 of the token (engine/crypto/token.ts). */
	hash: string;
	node: string;
	/** The responder it answers as. */
	by: string;
	/** When the request it was made for opened: a request opened again needs new links. */
	since: number;
}

/** What the host passes `decide` to make links: fresh tokens (256 bits from the CSPRNG). */
export interface LinkEnv extends AdvanceEnv {
	newToken?: () => string;
}

/** A link's token, sealed for the notification that carries it (the run stores no token). */
export interface SealedLink {
	by: string;
	token: SealedValue;
}

/** Where a sealed link token belongs: it opens only for this run's notifications. */
export const linkPlace = (runId: string) => `answer-link:${runId}`;

/**
 * Links for each named responder of a request that just opened; the initiator gets none where the
 * node forbids them to answer. Without a token source or a sealer, none.
 */
export function mintLinks(
	meta: RunMeta,
	config: InputConfig,
	node: string,
	since: number,
	env: LinkEnv,
): { links: AnswerLink[]; sealed: SealedLink[] } {
	const { newToken, sealer } = env;
	if (!newToken || !sealer) return { links: [], sealed: [] };
	const users = (config.responders?.users ?? []).filter(
		(by) => config.allowInitiator !== false || by !== meta.initiator,
	);
	const links: AnswerLink[] = [];
	const sealed: SealedLink[] = [];
	for (const by of users) {
		const token = newToken();
		links.push({ hash: hashToken(token), node, by, since });
		sealed.push({ by, token: sealer.seal(token, linkPlace(meta.runId)) });
	}
	return { links, sealed };
}

/** Keeps the links of requests still open (a decided or ended request's links are dead anyway). */
export function openLinks(links: readonly AnswerLink[], state: RunState): AnswerLink[] {
	return links.filter((link) => {
		const wait = state.nodes[link.node]?.waitingOn;
		return wait?.kind === "input" && wait.since === link.since && wait.decided === null;
	});
}

/** Why a link does not answer: `unknown` (404), `closed` (410: the request is over), `used` (409). */
export type LinkRefusal = "unknown" | "closed" | "used";

export interface LinkRefused {
	kind: "refused";
	reason: LinkRefusal;
	message: string;
}

export type LinkCheck = { kind: "open"; link: AnswerLink } | LinkRefused;

/** Pure: whether the link with this token hash may answer now, and as whom. */
export function checkLink(
	links: readonly AnswerLink[],
	state: RunState | null,
	tokenHash: string,
): LinkCheck {
	const link = links.find((l) => l.hash === tokenHash);
	if (!link || !state) return refused("unknown", "this link is not one of this run's");
	const { header } = state;
	if (header.status === "COMPLETED") {
		const how = header.result === "CANCELLED" ? "was cancelled" : `ended (${header.result})`;
		return refused("closed", `the run ${how}; nothing waits for an answer any more`);
	}
	const task = state.nodes[link.node];
	const wait = task?.waitingOn;
	if (wait?.kind !== "input" || wait.since !== link.since)
		return refused("closed", "the request this link was made for is over");
	if (wait.responses.some((r) => r.by === link.by))
		return refused("used", "this link was used: your answer is recorded");
	if (wait.decided !== null)
		return refused("closed", `the request was already decided (${wait.decided.outlet})`);
	return { kind: "open", link };
}

const refused = (reason: LinkRefusal, message: string): LinkRefused => ({
	kind: "refused",
	reason,
	message,
});

/** What the answer page shows for an open link: the request, its form and its buttons. */
export interface LinkRequest {
	runId: string;
	workflow: string;
	node: string;
	by: string;
	title: string;
	description: string | null;
	dueAt: number | null;
	form: JsonValue;
	buttons: Array<{ title: string; outlet: string }>;
}

export type LinkView = { kind: "open"; request: LinkRequest } | LinkRefused;

export function linkView(
	meta: RunMeta,
	plan: Plan,
	links: readonly AnswerLink[],
	state: RunState | null,
	tokenHash: string,
): LinkView {
	const check = checkLink(links, state, tokenHash);
	if (check.kind !== "open") return check;
	const { node, by } = check.link;
	const config = inputConfigOf(plan, node);
	const wait = state?.nodes[node]?.waitingOn;
	if (!config || wait?.kind !== "input")
		return refused("closed", "the request this link was made for is over");
	return {
		kind: "open",
		request: {
			runId: meta.runId,
			workflow: meta.workflow.title,
			node,
			by,
			title: wait.title ?? plan.nodes.get(node)?.node.title ?? node,
			description: wait.description,
			dueAt: wait.dueAt,
			form: (config.userInputs ?? null) as JsonValue,
			buttons: buttonsOf(config),
		},
	};
}

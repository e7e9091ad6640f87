import type { Context } from "hono";
import { parseOutsideToken, runObject } from "../../../durable-objects";
import type { LinkRequest, LinkView, SignalAnswer } from "../../../engine/control";
import { hashToken } from "../../../engine/crypto/token";
import type { AppEnv } from "../../env";
import { readSentForm } from "./form-values";
import { confirmPage, donePage, formPage, RESPOND_CSP, refusedPage } from "./respond-pages";

type Ctx = Context<AppEnv>;

/**
 * GET /respond/{token}[?outlet=…]: the hosted form, or for a one-click link (`?outlet=`) a page
 * with the one button that answers. A GET never answers: mail and chat clients open links to
 * preview them. The token names the run; the run checks it against the hashes it kept
 * (docs/ARCHITECTURE.md#response-tokens).
 */
export async function openLink(c: Ctx) {
	const link = await lookUp(c);
	if (link.view.kind !== "open") return refusal(c, link.view);
	const { request } = link.view;
	const action = new URL(c.req.url).pathname;
	const button = request.buttons.find((b) => b.outlet === c.req.query("outlet"));
	return page(c, 200, button ? confirmPage(request, button, action) : formPage(request, action));
}

/**
 * POST /respond/{token}: the answer, recorded as the link's responder through the run's signal
 * door, as `POST /v1/runs/{runId}/inputs/{node}` records a signed-in person's; refused (a used,
 * closed or unknown link, a form that fails its check) it changes nothing.
 */
export async function answerWithLink(c: Ctx) {
	const link = await lookUp(c);
	if (link.view.kind !== "open" || !link.address) return refusal(c, link.view);
	const { request } = link.view;
	const sent = readSentForm(request.form, await c.req.parseBody());
	const answer = await runObject(c.env, link.address.tenantId, link.address.runId).signal({
		kind: "input_response",
		node: request.node,
		by: request.by,
		// The link names its person, and the node lists them in responders.users: a role adds
		// nothing, so the link carries the least one.
		role: "viewer",
		outlet: sent.outlet,
		inputs: sent.inputs,
		comment: sent.comment,
		key: null,
		link: link.tokenHash,
	});
	return answered(c, request, sent, answer, new URL(c.req.url).pathname);
}

async function lookUp(c: Ctx) {
	const address = parseOutsideToken(c.req.param("token") ?? "");
	if (!address)
		return {
			address: null,
			tokenHash: "",
			view: { kind: "refused", reason: "unknown", message: "this link is not valid" } as LinkView,
		};
	const tokenHash = hashToken(address.token);
	const view = await runObject(c.env, address.tenantId, address.runId).answerLink(tokenHash);
	return { address, tokenHash, view };
}

function answered(
	c: Ctx,
	request: LinkRequest,
	sent: ReturnType<typeof readSentForm>,
	answer: SignalAnswer,
	action: string,
) {
	switch (answer.kind) {
		case "accepted":
			return page(c, 200, donePage(request, sent.outlet));
		case "refused":
			if (answer.reason === "invalid") {
				const errors: Record<string, string> = {};
				for (const e of answer.errors ?? []) errors[e.pointer.split("/")[1] ?? ""] = e.message;
				const problem = answer.errors ? "Some answers do not fit the form." : answer.message;
				return page(c, 422, formPage(request, action, { ...sent.entered, errors, problem }));
			}
			return refusal(c, {
				kind: "refused",
				reason:
					answer.reason === "forbidden"
						? "used"
						: answer.reason === "closed"
							? "closed"
							: "unknown",
				message: answer.message,
			});
		default:
			return refusal(c, { kind: "refused", reason: "used", message: "this link was used" });
	}
}

const REFUSALS = {
	unknown: { status: 404, title: "This link does not work" },
	closed: { status: 410, title: "This request is closed" },
	used: { status: 409, title: "This link was used" },
} as const;

function refusal(c: Ctx, view: LinkView) {
	if (view.kind === "open") throw new Error("an open link is not a refusal");
	const { status, title } = REFUSALS[view.reason];
	return page(c, status, refusedPage(title, view.message));
}

/** Pages carry a token in their URL: never cached, never sent on as a referrer. */
function page(c: Ctx, status: 200 | 404 | 409 | 410 | 422, body: string) {
	c.header("content-security-policy", RESPOND_CSP);
	c.header("cache-control", "no-store");
	c.header("referrer-policy", "no-referrer");
	return c.html(body, status);
}

import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { runObject } from "../../../durable-objects";
import type { JsonObject } from "../../../engine/run";
import { assertRole } from "../../auth/middleware";
import { database } from "../../db/client";
import {
	type InputRequestRow,
	listInputRequests as listRequests,
} from "../../db/input-requests.repo";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors/api-error";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { parseIdempotencyKey } from "../../runs/idempotency-key";
import { answerOfSignal } from "../outside-answers";
import type * as routes from "./inputs.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/**
 * POST /v1/runs/{runId}/inputs/{node} (docs/ARCHITECTURE.md#waiting-on-the-outside). The run
 * decides everything (who may answer, the form, whether the request is open) at its signal
 * door; a run of another tenant is a run this tenant's object does not have: 404.
 */
export const respondToInput: Handler<typeof routes.respondToInput> = async (c) => {
	const principal = c.get("principal");
	const { runId, node } = c.req.valid("param");
	const body = c.req.valid("json");
	const header = parseIdempotencyKey(c.req.header("idempotency-key"));
	if (header.kind === "invalid") {
		throw new ApiError("bad_request", `Idempotency-Key ${header.message}.`, {
			errors: [
				{
					in: "header",
					pointer: "/Idempotency-Key",
					code: "invalid_idempotency_key",
					message: `Idempotency-Key ${header.message}.`,
				},
			],
		});
	}
	const answer = await runObject(c.env, principal.tenantId, runId).signal({
		kind: "input_response",
		node,
		by: principal.subject,
		role: principal.role,
		outlet: body.outlet,
		inputs: (body.inputs ?? {}) as JsonObject,
		comment: body.comment ?? null,
		key: header.kind === "key" ? header.key : null,
	});
	switch (answerOfSignal(answer, `Input ${node} of run ${runId}`)) {
		case "accepted":
			return c.json({ outcome: "accepted" as const }, 200);
		case "repeat":
			c.header("Idempotent-Replayed", "true");
			return c.json({ outcome: "already_received" as const }, 200);
	}
};

/** Exactly `{ i, o }`: no other listing's cursor is one of these. */
const isInputCursor = (v: unknown): v is { o: number; i: string } =>
	typeof v === "object" &&
	v !== null &&
	Object.keys(v).length === 2 &&
	Number.isInteger((v as { o?: unknown }).o) &&
	typeof (v as { i?: unknown }).i === "string";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// The JSON columns are written only by the run objects (durable-objects/run/input-request-rows.ts),
// from the same shapes this schema documents.
const inputRequest = (row: InputRequestRow) => ({
	id: row.id,
	runId: row.runId,
	node: row.node,
	item: row.item,
	workflow: {
		id: row.workflowId,
		identifier: row.workflowIdentifier,
		title: row.workflowTitle,
		version: row.workflowVersion,
	},
	initiatedBy: row.initiatedBy,
	status: row.status as "pending" | "answered" | "closed",
	openedAt: new Date(row.at).toISOString(),
	closedAt: iso(row.closedAt),
	title: row.title,
	description: row.description,
	dueAt: iso(row.dueAt),
	form: row.form,
	outlets: row.outlets as Array<{ identifier: string; title: string | null; decisive: boolean }>,
	buttons: row.buttons as Array<{ title: string; outlet: string }>,
	responders: row.responders as { roles: string[] | null; users: string[] | null },
	numOfResponders: row.numOfResponders,
	allowInitiator: row.allowInitiator,
	responses: (
		row.responses as Array<{
			by: string;
			at: number;
			outlet: string;
			inputs: unknown;
			comment: string | null;
		}>
	).map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
	decided: row.decided
		? (({ at, ...rest }) => ({ ...rest, at: new Date(at).toISOString() }))(
				row.decided as { outlet: string; by: string; at: number },
			)
		: null,
});

/**
 * GET /v1/inputs (docs/ARCHITECTURE.md#input-requests): from D1, where the run objects write
 * their requests with their index entries; another tenant's requests are never read.
 */
export const listInputRequests: Handler<typeof routes.listInputRequests> = async (c) => {
	const principal = c.get("principal");
	const { status, assignedTo, limit, cursor } = c.req.valid("query");
	if (assignedTo === "any") assertRole(principal, "admin", "list everyone's input requests");
	const decoded = cursor ? decodeCursor(cursor, isInputCursor) : undefined;
	const page = await listRequests(
		database(c.env.DB),
		principal.tenantId,
		{
			status,
			assignedTo: assignedTo === "me" ? { subject: principal.subject, role: principal.role } : null,
		},
		{ limit, after: decoded && { at: decoded.o, id: decoded.i } },
	);
	return c.json(
		{
			data: page.rows.map(inputRequest),
			nextCursor: page.next ? encodeCursor({ o: page.next.at, i: page.next.id }) : null,
		},
		200,
	);
};

import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { type RunTrigger, runObject } from "../../../durable-objects";
import { auditTarget } from "../../audit/record-outcome";
import { assertRole } from "../../auth/middleware";
import { database } from "../../db/client";
import { listFailedStarts as listFailedStartRows } from "../../db/failed-starts.repo";
import { listRuns as listIndexedRuns, listRunsPage, type RunCursor } from "../../db/runs.repo";
import type { RunIndexRow } from "../../db/schema";
import { storedSettings } from "../../db/tenants.repo";
import type { AppEnv } from "../../env";
import { ApiError, validationFailed } from "../../errors/api-error";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { tenantLimits } from "../../quotas/tenant-limits";
import * as starts from "../../runs/start-run";
import { assertCanAct, visibleRun, visibleRunHead } from "./access";
import { idempotent, keyedStart } from "./idempotent";
import { runFilterFor } from "./run-filters";
import { batchRunIds, requestRunId } from "./run-ids";
import type * as routes from "./runs.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const runLocation = (runId: string) => `/v1/workflows/runs/${runId}`;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const startRun: Handler<typeof routes.startRun> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "member", "start runs");
	const { identifier } = c.req.valid("param");
	const body = c.req.valid("json") ?? {};
	const starter = { kind: "principal", principal } as const;
	const request = { identifier, body };
	return keyedStart(
		c,
		body,
		async (runId, fingerprint) =>
			fingerprint === null
				? { kind: "started", run: await starts.startRun(c.env, starter, request, runId) }
				: starts.startKeyedRun(c.env, starter, request, runId, fingerprint),
		(run) => {
			auditTarget(c, { type: "run", id: run.id });
			return { status: 202, body: run, headers: { Location: runLocation(run.id) } };
		},
	) as never;
};

export const startRunBatch: Handler<typeof routes.startRunBatch> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "member", "start runs");
	const { identifier } = c.req.valid("param");
	const body = c.req.valid("json");
	return idempotent(c, body, async (replay) => {
		const ids = await batchRunIds(principal.tenantId, body.runs.length, replay);
		const runs = await starts.startRuns(c.env, principal, identifier, body.runs, ids);
		return { status: 202, body: { data: runs }, headers: {} };
	}) as never;
};

export const getRun: Handler<typeof routes.getRun> = async (c) => {
	return c.json(await visibleRun(c.env, c.get("principal"), c.req.valid("param").runId), 200);
};

export const getWorkflowRun: Handler<typeof routes.getWorkflowRun> = async (c) => {
	const { identifier, runId } = c.req.valid("param");
	return c.json(await visibleRun(c.env, c.get("principal"), runId, identifier), 200);
};

export const listEvents: Handler<typeof routes.listEvents> = async (c) => {
	const principal = c.get("principal");
	const { runId } = c.req.valid("param");
	const { after, limit } = c.req.valid("query");
	await visibleRunHead(c.env, principal, runId);
	const page = await runObject(c.env, principal.tenantId, runId).getEvents(after, limit);
	const last = page.events.at(-1);
	return c.json(
		{
			data: page.events.map((e) => ({ ...e, time: new Date(e.time).toISOString() })),
			nextAfter: last && last.seq < page.lastSeq ? last.seq : null,
			lastEventSeq: page.lastSeq,
		},
		200,
	);
};

export const cancelRun: Handler<typeof routes.cancelRun> = async (c) => {
	const principal = c.get("principal");
	const { runId } = c.req.valid("param");
	await visibleRunHead(c.env, principal, runId);
	assertCanAct(principal, "cancel runs");
	const run = runObject(c.env, principal.tenantId, runId);
	const answer = await run.signal({ kind: "cancel", by: principal.subject, reason: null });
	switch (answer.kind) {
		case "cancelled":
			return c.json(await visibleRun(c.env, principal, runId), 202);
		case "already_finished":
			throw new ApiError("conflict", `Run "${runId}" has already finished (${answer.result}).`);
		case "no_such_run":
			throw new ApiError("not_found", `Run "${runId}" was not found.`);
		case "accepted":
		case "repeat":
		case "refused":
			throw new Error("a cancel was answered as another signal");
		default: {
			const unexpected: never = answer;
			throw new Error(`unexpected cancel answer ${JSON.stringify(unexpected)}`);
		}
	}
};

/** `s: 1`: the page that issued it ran out of its scan budget (the next one likely will too). */
const isRunCursor = (v: unknown): v is { t: number; i: string; s?: 1 } =>
	typeof v === "object" &&
	v !== null &&
	Number.isInteger((v as { t?: unknown }).t) &&
	typeof (v as { i?: unknown }).i === "string" &&
	[undefined, 1].includes((v as { s?: unknown }).s as 1 | undefined);

export const summary = (row: RunIndexRow) => ({
	id: row.id,
	status: row.status as "QUEUED",
	result: row.result as "SUCCESS" | null,
	workflow: {
		id: row.workflowId,
		identifier: row.workflowIdentifier,
		title: row.workflowTitle,
		version: row.version,
	},
	initiator: row.initiatedBy,
	entityId: row.entityId,
	// Rows written before triggers were recorded are API starts (the migration set their type).
	trigger: (row.trigger ?? { type: "SELF_SERVE_TRIGGER", node: null }) as RunTrigger,
	createdAt: iso(row.createdAt) ?? "",
	startedAt: iso(row.startedAt),
	endedAt: iso(row.endedAt),
});

export const listRuns: Handler<typeof routes.listRuns> = async (c) => {
	const principal = c.get("principal");
	const { limit, cursor, ...query } = c.req.valid("query");
	const filter = await runFilterFor(c.env, principal, query);
	if (!filter) return c.json({ data: [], nextCursor: null }, 200);
	const decoded = cursor ? decodeCursor(cursor, isRunCursor) : undefined;
	const after: RunCursor | undefined = decoded
		? { createdAt: decoded.t, id: decoded.i }
		: undefined;
	// At most PAGE_SCAN_BUDGET index rows per page: a short or empty page with a cursor means
	// the budget ran out before the page filled, and the client pages on.
	const page = await listRunsPage(database(c.env.DB), principal.tenantId, filter, {
		limit,
		after,
		short: decoded?.s === 1,
	});
	const next = page.next && {
		t: page.next.createdAt,
		i: page.next.id,
		...(page.short ? { s: 1 } : {}),
	};
	return c.json(
		{ data: page.rows.map(summary), nextCursor: next ? encodeCursor(next) : null },
		200,
	);
};

export const streamEvents: Handler<typeof routes.streamEvents> = async (c) => {
	const principal = c.get("principal");
	const { runId } = c.req.valid("param");
	await visibleRunHead(c.env, principal, runId);
	// EventSource sends Last-Event-ID when it reconnects; `?after=` does the same for other clients.
	const lastEventId = c.req.header("last-event-id");
	if (lastEventId !== undefined && !/^\d{1,15}$/.test(lastEventId.trim())) {
		throw validationFailed([
			{
				in: "header",
				pointer: "/Last-Event-ID",
				code: "invalid_type",
				message: "Last-Event-ID must be the seq of an event (a non-negative integer).",
			},
		]);
	}
	const after = lastEventId?.trim() ?? String(c.req.valid("query").after ?? 0);
	const { maxStreamsPerRun } = tenantLimits(
		await storedSettings(database(c.env.DB), principal.tenantId),
	);
	const stream = await runObject(c.env, principal.tenantId, runId).fetch(
		`https://run.internal/stream?after=${encodeURIComponent(after)}&max=${maxStreamsPerRun}`,
	);
	if (stream.status === 429)
		throw new ApiError(
			"too_many_streams",
			`${maxStreamsPerRun} event streams already follow this run (maxStreamsPerRun in the tenant settings); close one, or read GET …/events.`,
		);
	// A copy: the object's response has immutable headers, and middleware adds its own.
	return new Response(stream.body, stream) as never;
};

/** Bulk cancel works through at most this many runs per request; call again for the rest. */
const BULK_CANCEL_LIMIT = 500;

export const bulkCancel: Handler<typeof routes.bulkCancel> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "member", "cancel runs");
	const filter = await runFilterFor(c.env, principal, c.req.valid("json"));
	const rows = filter
		? await listIndexedRuns(
				database(c.env.DB),
				principal.tenantId,
				{ ...filter, unfinished: true },
				{ limit: BULK_CANCEL_LIMIT },
			)
		: [];
	const results = await Promise.all(
		rows.map((row) =>
			runObject(c.env, principal.tenantId, row.id).signal({
				kind: "cancel",
				by: principal.subject,
				reason: "bulk cancel",
			}),
		),
	);
	return c.json(
		{
			matched: rows.length,
			cancelled: results.filter((r) => r.kind === "cancelled").length,
			alreadyFinished: results.filter((r) => r.kind === "already_finished").length,
		},
		200,
	);
};

export const retryRun: Handler<typeof routes.retryRun> = async (c) => {
	const principal = c.get("principal");
	const { runId } = c.req.valid("param");
	const body = c.req.valid("json") ?? {};
	const { fromNode = null } = body;
	const earlier = await visibleRun(c.env, principal, runId);
	assertCanAct(principal, "retry runs");
	// A run that never started has no nodes to name: retryRun refuses it (409).
	if (fromNode !== null && earlier.nodeRuns.length > 0) {
		const node = earlier.nodeRuns.find((n) => n.node === fromNode);
		if (!node || node.type.endsWith("_TRIGGER")) {
			const restartable = earlier.nodeRuns
				.filter((n) => !n.type.endsWith("_TRIGGER"))
				.map((n) => n.node);
			throw validationFailed([
				{
					in: "body",
					pointer: "/fromNode",
					code: "unknown_node",
					message: `Name a non-trigger node of this run: ${restartable.join(", ")}.`,
				},
			]);
		}
	}
	// With an Idempotency-Key, a resent retry answers the run the first one started (requestRunId).
	return idempotent(c, body, async (replay) => {
		const retryId = await requestRunId(principal.tenantId, replay);
		const run = await starts.retryRun(c.env, principal, runId, fromNode, retryId);
		return { status: 202, body: run, headers: { Location: runLocation(retryId) } };
	}) as never;
};

/** Exactly `{ a, f }`: no other listing's cursor is one of these. */
const isFailedStartCursor = (v: unknown): v is { a: number; f: string } =>
	typeof v === "object" &&
	v !== null &&
	Object.keys(v).length === 2 &&
	Number.isInteger((v as { a?: unknown }).a) &&
	typeof (v as { f?: unknown }).f === "string";

export const listFailedStarts: Handler<typeof routes.listFailedStarts> = async (c) => {
	const principal = c.get("principal");
	const { limit, cursor } = c.req.valid("query");
	const decoded = cursor ? decodeCursor(cursor, isFailedStartCursor) : undefined;
	const page = await listFailedStartRows(
		database(c.env.DB),
		principal.tenantId,
		{ actor: principal.role === "admin" ? null : principal.subject },
		{ limit, after: decoded && { at: decoded.a, id: decoded.f }, now: Date.now() },
	);
	return c.json(
		{
			data: page.rows.map((row) => ({
				id: row.id,
				at: new Date(row.at).toISOString(),
				actor: row.actor,
				workflow: row.workflowIdentifier,
				status: row.status,
				code: row.errorCode,
				detail: row.detail,
				requestId: row.requestId,
			})),
			nextCursor: page.next ? encodeCursor({ a: page.next.at, f: page.next.id }) : null,
		},
		200,
	);
};

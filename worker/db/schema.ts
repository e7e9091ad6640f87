import { sql } from "drizzle-orm";
import {
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * The D1 schema, in one place. drizzle-kit generates the SQL migrations in migrations/ from it.
 * Every table carries tenant_id and every index leads with it: nothing is read without a tenant.
 * Times are epoch milliseconds.
 */

/** Tenants are implicit (the identity provider is the source of truth); a row appears on first write. */
export const tenants = sqliteTable("tenants", {
	id: text("id").primaryKey(),
	settings: text("settings", { mode: "json" })
		.$type<Record<string, unknown>>()
		.notNull()
		.default(sql`'{}'`),
	createdAt: integer("created_at").notNull(),
});

/**
 * One row per workflow lifetime. A soft-deleted row keeps its id (runs point at it), and the
 * identifier becomes free again: uniqueness is only among live rows (partial unique index).
 * title/description/latest_version and the access settings (allow_anyone_to_view_runs,
 * runnable_via_api) mirror the newest version so listing and access checks never open versions.
 */
export const workflows = sqliteTable(
	"workflows",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		identifier: text("identifier").notNull(),
		title: text("title").notNull(),
		description: text("description"),
		latestVersion: integer("latest_version").notNull(),
		allowAnyoneToViewRuns: integer("allow_anyone_to_view_runs", { mode: "boolean" })
			.notNull()
			.default(false),
		/** False: API keys may not start (or retry) its runs; people signed in still may. */
		runnableViaApi: integer("runnable_via_api", { mode: "boolean" }).notNull().default(true),
		createdAt: integer("created_at").notNull(),
		createdBy: text("created_by").notNull(),
		updatedAt: integer("updated_at").notNull(),
		updatedBy: text("updated_by").notNull(),
		deletedAt: integer("deleted_at"),
	},
	(t) => [
		// Serves lookups by identifier and the identifier-ordered listing (partial: live rows only).
		uniqueIndex("workflows_live_identifier")
			.on(t.tenantId, t.identifier)
			.where(sql`${t.deletedAt} IS NULL`),
	],
);

/** Immutable: a version row is written once and never updated. */
export const workflowVersions = sqliteTable(
	"workflow_versions",
	{
		workflowId: text("workflow_id").notNull(),
		version: integer("version").notNull(),
		tenantId: text("tenant_id").notNull(),
		definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
		/** SHA-256 of the canonical JSON, so an unchanged PUT/PATCH stores nothing. */
		contentHash: text("content_hash").notNull(),
		createdAt: integer("created_at").notNull(),
		createdBy: text("created_by").notNull(),
	},
	// The primary key serves both version listing and lookup of one version.
	(t) => [primaryKey({ columns: [t.workflowId, t.version] })],
);

export type WorkflowRow = typeof workflows.$inferSelect;
export type WorkflowVersionRow = typeof workflowVersions.$inferSelect;

/**
 * The run index: one row per run, written only by the run's Durable Object through its outbox
 * (a guarded upsert: `index_version` only grows). The object is the source of truth; this
 * table serves listing, filtering and the sweeper.
 *
 * D1 bills every index entry an insert or update adds as a row written, so the layout is sized
 * for the common run, written once when it has already finished: a WITHOUT ROWID table keyed
 * (tenant_id, created_at, id), which is itself the newest-first listing order, plus one index
 * by workflow, so that run costs two rows. One more index is partial over unfinished runs only
 * (a run listed while it works pays one entry more, a finished one never), and serves both the
 * status listings and the sweeper, which reads all unfinished runs rather than have every run
 * pay a third entry for an index by wake-up time (docs/ARCHITECTURE.md#the-runs-index).
 * created_at never changes for a run, so the key is stable across upserts. The migration adds
 * WITHOUT ROWID by hand (drizzle-kit cannot express it); runs.repo.ts names the index each
 * listing reads.
 */
export const runs = sqliteTable(
	"runs",
	{
		id: text("id").notNull(),
		tenantId: text("tenant_id").notNull(),
		workflowId: text("workflow_id").notNull(),
		workflowIdentifier: text("workflow_identifier").notNull(),
		workflowTitle: text("workflow_title").notNull(),
		version: integer("version").notNull(),
		status: text("status").notNull(),
		result: text("result"),
		/** Who the run runs as: the caller, or the user an admin named in `runAs`. */
		initiatedBy: text("initiated_by").notNull(),
		/** Who made the request (differs from initiatedBy only with `runAs`). */
		requestedBy: text("requested_by").notNull(),
		entityId: text("entity_id"),
		/** A child run's parent (RUN_WORKFLOW); null for every other run. */
		parentRunId: text("parent_run_id"),
		createdAt: integer("created_at").notNull(),
		startedAt: integer("started_at"),
		endedAt: integer("ended_at"),
		/** When the object next needs to act (its alarm), as of the last flush; the sweeper reads it. */
		wakeAt: integer("wake_at"),
		updatedAt: integer("updated_at").notNull(),
		indexVersion: integer("index_version").notNull(),
		/** How the run started (`trigger.type`), for the `triggerType` filter. */
		triggerType: text("trigger_type"),
		/** The run's `trigger`: `{ type, node, deliveryId | tickAt | eventId }` (JSON). */
		trigger: text("trigger", { mode: "json" }).$type<Record<string, unknown>>(),
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.createdAt, t.id] }),
		index("runs_tenant_workflow_created").on(t.tenantId, t.workflowIdentifier, t.createdAt, t.id),
		// Listing by an unfinished status (and bulk cancel), and the sweeper; finished runs never
		// get an entry.
		index("runs_unfinished_tenant_status_created")
			.on(t.tenantId, t.status, t.createdAt, t.id)
			.where(sql`${t.status} <> 'COMPLETED'`),
		// A parent's children (`?parentRunId=`); partial: only child runs pay for it.
		index("runs_children_tenant_parent_created")
			.on(t.tenantId, t.parentRunId, t.createdAt, t.id)
			.where(sql`${t.parentRunId} IS NOT NULL`),
	],
);

export type RunIndexRow = typeof runs.$inferSelect;

/**
 * Input requests across runs (docs/ARCHITECTURE.md#input-requests), what `GET /v1/inputs`
 * lists. Written only by the run objects, in the batch of their runs-index write, so only runs
 * that wait on people have rows: one per request, inserted when it opens and updated when a
 * response arrives or it closes (guarded by the run's index_version, as `runs` is). The form,
 * buttons and responders come from the run's pinned definition. WITHOUT ROWID keyed (tenant_id,
 * id) with id = `<runId>/<node or node#item>` (added to the migration by hand, as for runs);
 * one index serves the listing by status, newest first.
 */
export const inputRequests = sqliteTable(
	"input_requests",
	{
		id: text("id").notNull(),
		tenantId: text("tenant_id").notNull(),
		runId: text("run_id").notNull(),
		node: text("node").notNull(),
		/** The forEach item it asks about; null for the node itself. */
		item: integer("item"),
		workflowId: text("workflow_id").notNull(),
		workflowIdentifier: text("workflow_identifier").notNull(),
		workflowTitle: text("workflow_title").notNull(),
		workflowVersion: integer("workflow_version").notNull(),
		/** The run's initiator (a node with allowInitiator: false refuses them). */
		initiatedBy: text("initiated_by").notNull(),
		/** pending | answered | closed */
		status: text("status").notNull(),
		/** When it opened: the listing's order. */
		at: integer("at").notNull(),
		dueAt: integer("due_at"),
		closedAt: integer("closed_at"),
		title: text("title"),
		description: text("description"),
		form: text("form", { mode: "json" }).$type<Record<string, unknown> | null>(),
		outlets: text("outlets", { mode: "json" }).notNull().$type<unknown[]>(),
		buttons: text("buttons", { mode: "json" }).notNull().$type<unknown[]>(),
		/** `{ roles, users }` as the node declares them (null: not given). */
		responders: text("responders", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
		/** The roles and users who may answer, resolved (absent responders: admins and members). */
		mayRoles: text("may_roles", { mode: "json" }).notNull().$type<string[]>(),
		mayUsers: text("may_users", { mode: "json" }).notNull().$type<string[]>(),
		numOfResponders: integer("num_of_responders").notNull(),
		allowInitiator: integer("allow_initiator", { mode: "boolean" }).notNull(),
		/** The responses so far (secret inputs redacted) and who sent them. */
		responses: text("responses", { mode: "json" }).notNull().$type<unknown[]>(),
		respondedBy: text("responded_by", { mode: "json" }).notNull().$type<string[]>(),
		decided: text("decided", { mode: "json" }).$type<Record<string, unknown> | null>(),
		indexVersion: integer("index_version").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.id] }),
		index("input_requests_tenant_status_at").on(t.tenantId, t.status, t.at, t.id),
	],
);

export type InputRequestRow = typeof inputRequests.$inferSelect;

/**
 * Tenant secrets (docs/ARCHITECTURE.md#secrets): the value only as AES-256-GCM ciphertext under
 * the tenant's key from the master key `key_id` (engine/crypto/secret-box.ts), bound to
 * (tenant_id, name). Nothing here is ever answered to a client but the metadata; `version`
 * counts the values written under the name, `last_used_at` when a run last read it (at most
 * once a minute per secret, so a busy run does not write D1 on every call).
 */
export const secrets = sqliteTable(
	"secrets",
	{
		tenantId: text("tenant_id").notNull(),
		name: text("name").notNull(),
		description: text("description"),
		version: integer("version").notNull(),
		keyId: text("key_id").notNull(),
		ciphertext: text("ciphertext").notNull(),
		createdAt: integer("created_at").notNull(),
		createdBy: text("created_by").notNull(),
		updatedAt: integer("updated_at").notNull(),
		updatedBy: text("updated_by").notNull(),
		lastUsedAt: integer("last_used_at"),
	},
	// Serves lookups by name, the name-ordered listing and the per-tenant count.
	(t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

export type SecretRow = typeof secrets.$inferSelect;

/**
 * One row per trigger node (webhook, schedule, event) of every live workflow's latest version,
 * rewritten with each new version in the same batch (db/triggers.repo.ts). A webhook's
 * `hook_id` is kept from version to version and only a rotation or the node's removal changes
 * it. `config` is the node's config as saved, so matching events and answering deliveries never
 * open a definition they do not start.
 */
export const triggers = sqliteTable(
	"triggers",
	{
		tenantId: text("tenant_id").notNull(),
		workflowId: text("workflow_id").notNull(),
		workflowIdentifier: text("workflow_identifier").notNull(),
		node: text("node").notNull(),
		type: text("type").notNull(),
		config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
		/** WEBHOOK_TRIGGER: the random id in `/hooks/{hookId}`. */
		hookId: text("hook_id"),
		/** EVENT_TRIGGER: the event type it listens to (ANY_ENTITY_CHANGE stays as written). */
		eventType: text("event_type"),
		/** SCHEDULE_TRIGGER: paused by `PATCH …/triggers/{node}`. */
		paused: integer("paused", { mode: "boolean" }).notNull().default(false),
		/** SCHEDULE_TRIGGER: the next tick as its schedule object last armed it; the sweeper reads it. */
		nextTickAt: integer("next_tick_at"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.workflowId, t.node] }),
		// A delivery names nothing but the hook id: this is how /hooks finds its tenant.
		uniqueIndex("triggers_hook_id").on(t.hookId).where(sql`${t.hookId} IS NOT NULL`),
		// Event matching reads only the triggers of one tenant and event type.
		index("triggers_tenant_event_type")
			.on(t.tenantId, t.eventType)
			.where(sql`${t.eventType} IS NOT NULL`),
		// The sweeper's scan for schedules whose tick is overdue, across tenants.
		index("triggers_schedule_due").on(t.nextTickAt).where(sql`${t.nextTickAt} IS NOT NULL`),
	],
);

export type TriggerRow = typeof triggers.$inferSelect;

/**
 * Every webhook delivery with its outcome (started, duplicate, ignored, invalid, unauthorized,
 * limited, failed), newest first per trigger. Kept 30 days and at most DELIVERY_LOG_CAP rows per
 * trigger (worker/triggers/deliveries.ts prunes).
 */
export const deliveries = sqliteTable(
	"deliveries",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		workflowId: text("workflow_id").notNull(),
		node: text("node").notNull(),
		receivedAt: integer("received_at").notNull(),
		outcome: text("outcome").notNull(),
		status: integer("status").notNull(),
		/** The sender's delivery id (webhook-id, X-GitHub-Delivery, Idempotency-Key, dedupeKey). */
		deliveryKey: text("delivery_key"),
		runId: text("run_id"),
		detail: text("detail"),
	},
	(t) => [
		index("deliveries_trigger_received").on(t.tenantId, t.workflowId, t.node, t.receivedAt, t.id),
	],
);

export type DeliveryRow = typeof deliveries.$inferSelect;

/**
 * Which run a delivery key started: the first delivery with a key claims it (one upsert, so
 * racing retries agree on one run) for 24 hours.
 */
export const deliveryClaims = sqliteTable(
	"delivery_claims",
	{
		tenantId: text("tenant_id").notNull(),
		workflowId: text("workflow_id").notNull(),
		node: text("node").notNull(),
		deliveryKey: text("delivery_key").notNull(),
		runId: text("run_id").notNull(),
		claimedAt: integer("claimed_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.tenantId, t.workflowId, t.node, t.deliveryKey] })],
);

/**
 * Posted event ids, kept 24 hours: the first post of an id claims it (a random token tells the
 * racing posts apart) and stores its answer, which a repeat gets back instead of starting runs.
 */
export const eventClaims = sqliteTable(
	"event_claims",
	{
		tenantId: text("tenant_id").notNull(),
		eventId: text("event_id").notNull(),
		token: text("token").notNull(),
		claimedAt: integer("claimed_at").notNull(),
		answer: text("answer", { mode: "json" }).$type<{
			matched: { workflow: string; node: string; runId: string | null; error: string | null }[];
		}>(),
	},
	(t) => [primaryKey({ columns: [t.tenantId, t.eventId] })],
);

/**
 * A tenant's API keys. The key itself (`stl_…`) is answered once, when it is created; only its
 * SHA-256 is kept, and a request's key is found by that hash alone, which is the one read of
 * D1 without a tenant (the tenant is what it establishes; see worker/auth/api-keys.ts).
 * Revoked keys keep their row: runs and the audit log name a key by its id.
 */
export const apiKeys = sqliteTable(
	"api_keys",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		name: text("name").notNull(),
		/** The key's first characters, shown so people can tell keys apart (`stl_3fA9x0Qe`). */
		prefix: text("prefix").notNull(),
		keyHash: text("key_hash").notNull(),
		role: text("role").notNull(),
		scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
		createdAt: integer("created_at").notNull(),
		createdBy: text("created_by").notNull(),
		/** When a request last used it (written at most once a minute per key). */
		lastUsedAt: integer("last_used_at"),
		expiresAt: integer("expires_at"),
		revokedAt: integer("revoked_at"),
		revokedBy: text("revoked_by"),
	},
	(t) => [
		uniqueIndex("api_keys_key_hash").on(t.keyHash),
		// The newest-first listing.
		index("api_keys_tenant_created").on(t.tenantId, t.createdAt, t.id),
	],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * The audit log: one row per write request (worker/audit/record-outcome.ts), with who, what,
 * on what, the request id and how it ended. Kept 90 days: listings read no further back, and
 * the scheduled handler deletes older rows in bounded batches (worker/retention.ts).
 */
export const auditEvents = sqliteTable(
	"audit_events",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		at: integer("at").notNull(),
		/** The principal's subject: a user, or `apikey:<id>`. */
		actor: text("actor").notNull(),
		actorKind: text("actor_kind").notNull(),
		action: text("action").notNull(),
		targetType: text("target_type").notNull(),
		/** Null when the request failed before naming one (a create refused as invalid). */
		targetId: text("target_id"),
		requestId: text("request_id").notNull(),
		outcome: text("outcome").notNull(),
		status: integer("status").notNull(),
		/** The problem's code when the request failed. */
		errorCode: text("error_code"),
	},
	(t) => [
		// The newest-first listing; the filters are checked along it, within a scan budget.
		index("audit_events_tenant_at").on(t.tenantId, t.at, t.id),
		index("audit_events_at").on(t.at),
	],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;

/**
 * Starts that were authenticated but refused (unknown workflow, invalid inputs, forbidden, not
 * runnable via API, over quota), like Cortex's Failures tab. Kept 7 days.
 */
export const failedStarts = sqliteTable(
	"failed_starts",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		at: integer("at").notNull(),
		actor: text("actor").notNull(),
		workflowIdentifier: text("workflow_identifier").notNull(),
		status: integer("status").notNull(),
		errorCode: text("error_code").notNull(),
		detail: text("detail").notNull(),
		requestId: text("request_id").notNull(),
	},
	(t) => [
		index("failed_starts_tenant_at").on(t.tenantId, t.at, t.id),
		index("failed_starts_at").on(t.at),
	],
);

export type FailedStartRow = typeof failedStarts.$inferSelect;

/**
 * One-time sign-in codes (docs/ARCHITECTURE.md#sign-in-codes): a code stands for the bearer token
 * that asked for it, for five minutes and one use. The row holds the SHA-256 of the code and the
 * token sealed under a key derived from the code, so the table alone opens nothing. The code is
 * the credential (as a hook id is), so the exchange looks it up without a tenant; the tenant's
 * expired codes are cleared whenever it asks for a new one.
 */
export const signInCodes = sqliteTable(
	"sign_in_codes",
	{
		codeHash: text("code_hash").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		subject: text("subject").notNull(),
		sealedToken: text("sealed_token").notNull(),
		expiresAt: integer("expires_at").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [index("sign_in_codes_tenant_expiry").on(t.tenantId, t.expiresAt)],
);

export type SignInCodeRow = typeof signInCodes.$inferSelect;

/**
 * Where a cross-tenant background job stopped (docs/ARCHITECTURE.md#quotas-and-retention): the
 * retention purge visits tenants in id order, a few per cron tick, and resumes after `position`.
 */
export const jobCursors = sqliteTable("job_cursors", {
	job: text("job").primaryKey(),
	position: text("position"),
	updatedAt: integer("updated_at").notNull(),
});

// The API's shapes, as much of them as the page reads (the OpenAPI document has the rest).

export interface Page<T> {
	data: T[];
	nextCursor: string | null;
}

export interface JsonSchema {
	type?: string | string[];
	/** A secret input (Port's form): typed into a password field, never shown back. */
	encryption?: string;
	writeOnly?: boolean;
	title?: string;
	description?: string;
	enum?: unknown[];
	default?: unknown;
	items?: JsonSchema;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	format?: string;
	minimum?: number;
	maximum?: number;
}

export interface NodeConfig {
	type: string;
	userInputs?: JsonSchema;
	options?: { identifier: string; title?: string; expression: string }[];
	duration?: string;
	[key: string]: unknown;
}

export interface WorkflowNode {
	identifier: string;
	title?: string;
	description?: string;
	config: NodeConfig;
}

export interface Connection {
	identifier: string;
	sourceIdentifier: string;
	targetIdentifier: string;
	sourceOptionIdentifier?: string;
	fallback?: boolean;
	/** Taken only when the source node fails (its error handler). */
	onError?: boolean;
	title?: string;
}

export interface Definition {
	identifier: string;
	title?: string;
	description?: string;
	allowAnyoneToViewRuns?: boolean;
	nodes: WorkflowNode[];
	connections: Connection[];
	[key: string]: unknown;
}

export interface WorkflowSummary {
	identifier: string;
	title: string;
	description?: string | null;
	version: number;
	createdAt: string;
	createdBy: string;
	updatedAt: string;
	updatedBy: string;
}

export interface Workflow extends WorkflowSummary {
	definition: Definition;
}

export interface VersionSummary {
	version: number;
	title?: string;
	createdAt: string;
	createdBy: string;
}

export interface WorkflowVersion extends VersionSummary {
	definition: Definition;
}

export const RUN_STATUSES = ["QUEUED", "IN_PROGRESS", "WAITING", "COMPLETED"] as const;
export const RUN_RESULTS = ["SUCCESS", "FAILED", "CANCELLED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunResult = (typeof RUN_RESULTS)[number];

export interface RunSummary {
	id: string;
	status: RunStatus;
	result: RunResult | null;
	workflow: { identifier: string; title: string; version: number };
	initiator: string;
	entityId: string | null;
	createdAt: string;
	startedAt: string | null;
	endedAt: string | null;
}

export interface Problem {
	code: string;
	message: string;
}

/** The start of an answer, as the run keeps it (first 4 KiB of headers and body, masked). */
export interface ResponseExcerpt {
	headers: Record<string, string>;
	headersTruncated: boolean;
	body: string;
	bodyBytes: number;
	bodyTruncated: boolean;
}

export interface Attempt {
	number: number;
	startedAt: string;
	endedAt: string | null;
	request: { method: string; url: string; headers: Record<string, string>; body: unknown };
	responseStatus: number | null;
	response: ResponseExcerpt | null;
	error: Problem | null;
	/** RUN_WORKFLOW: the child run this attempt started. */
	child?: { runId: string | null };
}

export interface NodeRunFields {
	status: "PENDING" | "IN_PROGRESS" | "WAITING" | "COMPLETED";
	result: "SUCCESS" | "FAILED" | "CANCELLED" | "SKIPPED" | null;
	startedAt: string | null;
	endedAt: string | null;
	/** How many attempts were made; `attempts` holds the newest 10. */
	attemptCount: number;
	attempts: Attempt[];
	output: unknown;
	error: Problem | null;
	logs: { level: string; message: string; time: string }[];
	/** What the node (or item) waits for and when: `delay`, `start_delay`, `retry`, `attempt_timeout`. */
	due?: { kind: string; at: string; attempt: number | null }[];
	/** What a WAITING node waits on from outside the run. */
	waiting?: Waiting | null;
}

/** What an INPUT's request asks and has so far (the run view's `waiting`, and GET /v1/inputs). */
export interface InputRequestFields {
	title: string | null;
	description: string | null;
	dueAt: string | null;
	form: JsonSchema | null;
	outlets: { identifier: string; title: string | null; decisive: boolean }[];
	buttons: { title: string; outlet: string }[];
	responders: { roles: string[] | null; users: string[] | null };
	numOfResponders: number;
	allowInitiator: boolean;
	responses: { by: string; at: string; outlet: string; inputs: unknown; comment: string | null }[];
	decided: { outlet: string; by: string; at: string } | null;
}

export type Waiting =
	| ({ kind: "input"; since: string } & InputRequestFields)
	| { kind: "callback"; since: string; attempt: number; receivedAt: string | null }
	| { kind: "child"; since: string; attempt: number; runId: string };

/** One entry of GET /v1/inputs. */
export interface InputRequest extends InputRequestFields {
	id: string;
	runId: string;
	node: string;
	item: number | null;
	workflow: { id: string; identifier: string; title: string; version: number };
	initiatedBy: string;
	status: "pending" | "answered" | "closed";
	openedAt: string;
	closedAt: string | null;
}

export interface NodeRun extends NodeRunFields {
	node: string;
	title: string | null;
	type: string;
	/** RUN_WORKFLOW: the child runs it started, by item and attempt. */
	children?: { runId: string; item: number | null; attempt: number }[];
	/** A forEach node's first 20 items, in list order, each with its place and its value. */
	items: (NodeRunFields & { index: number; item: unknown })[] | null;
	/** How many items the forEach node has. */
	itemCount: number | null;
}

export interface Run extends Omit<RunSummary, "entityId"> {
	requestedBy: string;
	runAs: string | null;
	retryOf: string | null;
	/** Runs started by retrying this one, oldest first. */
	retries: string[];
	/** On a child run: the run and RUN_WORKFLOW node that started it. */
	parent?: { runId: string; node: string } | null;
	/** On an error run: the failed run that started it. */
	errorOf?: { runId: string; workflow: string } | null;
	/** On a failed run: the error workflow's run, or why it could not start. */
	errorRun?:
		| { status: "started"; runId: string; workflow: string }
		| { status: "refused"; workflow: string; reason: string }
		| null;
	inputs: unknown;
	outputs: unknown;
	error: (Problem & { node: string | null }) | null;
	connections: { taken: string[]; notTaken: string[] };
	nodeRuns: NodeRun[];
	lastEventSeq: number;
}

export interface RunEvent {
	seq: number;
	time: string;
	type: string;
	node: string | null;
	item: number | null;
	detail: string;
}

/** A webhook, schedule or event trigger of a workflow's latest version (`GET …/triggers`). */
export interface Trigger {
	node: string;
	type: "WEBHOOK_TRIGGER" | "SCHEDULE_TRIGGER" | "EVENT_TRIGGER";
	webhook: { url: string; signature: { type: string; secret: string } | null } | null;
	schedule: {
		cron: string;
		timezone: string;
		overlap: string;
		paused: boolean;
		nextTicks: string[];
		lastFires: {
			tickAt: string;
			outcome: string;
			runId: string | null;
			at: string;
			detail: string | null;
		}[];
	} | null;
	event: {
		type: string;
		fields: Record<string, string>;
		condition: { expressions?: string[]; combinator?: string } | null;
	} | null;
}

export interface Delivery {
	id: string;
	receivedAt: string;
	outcome: string;
	status: number;
	deliveryId: string | null;
	runId: string | null;
	detail: string | null;
}

/** A secret as GET /v1/secrets answers it: metadata for admins, the name for everyone else. */
export interface SecretEntry {
	name: string;
	description?: string | null;
	version?: number;
	createdAt?: string;
	createdBy?: string;
	updatedAt?: string;
	updatedBy?: string;
	lastUsedAt?: string | null;
}

/** POST /v1/workflows/{identifier}/dry-run: what the run would have done (nothing was sent). */
export interface DryRunResult {
	result: RunResult | null;
	error: (Problem & { node: string | null }) | null;
	path: string[];
	connections: { taken: string[]; notTaken: string[] };
	conditions: {
		node: string;
		option: string | null;
		evaluated: { identifier: string; expression: string; value: unknown }[];
	}[];
	requests: {
		node: string;
		item: number | null;
		attempt: number;
		method: string;
		url: string;
		headers: Record<string, string>;
		body: unknown;
		answeredBy: string | null;
		answer: unknown;
	}[];
	nodes: Record<
		string,
		{ type: string; status: string; result: string | null; output: unknown; error: Problem | null }
	>;
	outputs: unknown;
	stopped: string | null;
}

/** One entry of the audit log (GET /v1/audit-log): every write, refused ones included. */
export interface AuditEvent {
	id: string;
	at: string;
	actor: string;
	actorKind: "jwt" | "api_key";
	action: string;
	target: { type: string; id: string | null };
	requestId: string;
	outcome: "success" | "failure";
	status: number;
	errorCode: string | null;
}

/** GET /v1/tenant/settings. */
export interface TenantSettings {
	maxConcurrentRuns: number;
	defaultSigningSecret: string | null;
	runRetentionDays: number;
	maxWorkflows: number;
	maxVersionsPerWorkflow: number;
	maxStreamsPerRun: number;
	notifications: NotificationEndpoint[];
}

/** One of the tenant's notification endpoints (settings `notifications`). */
export interface NotificationEndpoint {
	url: string;
	events: string[];
	format?: "slack";
	secret?: string;
}

export interface OverviewBucket {
	start: string;
	SUCCESS: number;
	FAILED: number;
	CANCELLED: number;
	unfinished: number;
}

export interface OverviewWindow {
	since: string;
	total: number;
	byStatus: Record<RunStatus, number>;
	byResult: Record<RunResult, number>;
	buckets: OverviewBucket[];
}

export interface WorkflowCount {
	identifier: string;
	title: string;
	runs: number;
	failed: number;
}

/** GET /v1/tenant/overview: the runs the caller may see, counted. */
export interface Overview {
	at: string;
	last24Hours: OverviewWindow;
	last7Days: OverviewWindow;
	busiest: WorkflowCount[];
	mostFailing: WorkflowCount[];
	concurrency: { inProgress: number; queued: number; limit: number };
}

/** What an audit entry is about. */
export const AUDIT_TARGET_TYPES = [
	"workflow",
	"run",
	"secret",
	"api_key",
	"tenant",
	"trigger",
	"event",
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/**
 * How a write operation is recorded, declared with the route (defineRoute requires one of
 * these, or a reason to skip, on every operation that is not a GET).
 */
export interface AuditSpec {
	/** `<resource>.<verb>`, e.g. `workflow.update`. */
	action: string;
	target: AuditTargetType;
	/**
	 * The path parameter that names the target, or several joined by `/` (a trigger is
	 * `<workflow>/<node>`); a handler may name it instead (auditTarget).
	 */
	targetParam?: string | readonly string[];
	/** Record only calls made with API keys (a person's run start is recorded by the run itself). */
	onlyApiKeys?: true;
	/** A refused call is also a failed start, listed by GET /v1/workflows/runs/failed-starts. */
	failedStart?: true;
}

export type AuditDeclaration = AuditSpec | { skip: string };

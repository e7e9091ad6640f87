/**
 * Every code a run, a node or an attempt fails with (`ErrorInfo.code`). Stable and
 * machine-readable: clients and `onError` connections branch on them, so a code is never
 * renamed or reused for another meaning. Add a new one here.
 */
export const RUN_ERROR_CODES = [
	/** A WEBHOOK answered with a status its retry policy does not accept. */
	"http_error",
	/** A WEBHOOK call failed before an answer (DNS, connection, TLS, …). */
	"network_error",
	/** A WEBHOOK attempt, or a call cut off too often by restarts, ran out of time. */
	"timeout",
	"response_too_large",
	/** The rendered URL is not one Stepline calls (private, loopback, metadata ranges …). */
	"url_refused",
	"template_error",
	"expression_error",
	/** An expression hit its step, size or time budget. */
	"expression_limit",
	"foreach_not_a_list",
	"foreach_too_many_items",
	"invalid_until",
	/** `retry.until` was still not true of the answer when the attempts ran out. */
	"until_not_met",
	"invalid_config",
	/** A node type (or option) this version cannot run yet. */
	"not_supported",
	"secret_not_found",
	"secret_unreadable",
	/** An async WEBHOOK's callback reported `{ "status": "FAILED" }`: the job's own verdict. */
	"callback_failed",
	/** An async WEBHOOK cannot get a callback URL: this Stepline has no PUBLIC_URL. */
	"callback_unavailable",
	"cancelled",
	/** An attempt's, never a node's: its call was cut off by a restart and is sent again. */
	"interrupted",
	"workflow_timeout",
	"output_error",
	/** A node's (or item's) output is larger than MAX_OUTPUT_BYTES (map a smaller one with `variables`). */
	"output_too_large",
	/** The run's storage grew past MAX_RUN_STORED_BYTES: it fails at its next step. */
	"run_too_large",
	"no_trigger",
	"unknown_trigger",
	/** Nothing left to run or wait for, yet the run had not ended. */
	"stalled",
	/** RUN_WORKFLOW: the child would nest deeper than the tenant's `maxRunDepth`. */
	"max_depth_exceeded",
	/** RUN_WORKFLOW: the child's trigger refused the inputs (the message names each field). */
	"child_inputs_invalid",
	/** RUN_WORKFLOW: the child could not start (workflow or version missing, no permission). */
	"child_not_started",
	/** RUN_WORKFLOW with `wait: true`: the child run ended FAILED or CANCELLED (the message says why). */
	"child_failed",
] as const;

export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

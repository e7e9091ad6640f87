/**
 * Retry decisions for outgoing calls. Pure: time and randomness come in as arguments so the
 * same inputs always give the same decision (tests inject a scripted random source; the
 * shell passes Math.random). The decided time is stored in the run's timers table, so a
 * replay after eviction never re-rolls the jitter.
 */

export type BackoffKind = "constant" | "linear" | "exponential";

/** A node's retry policy with durations already in milliseconds. */
export interface RetryPolicy {
	/** Total attempts including the first one (1 = never retry). */
	maxAttempts: number;
	backoff: BackoffKind;
	initialDelayMs: number;
	maxDelayMs: number;
	/** When set, exactly these HTTP statuses are retried (network errors and timeouts always are). */
	retryOn: readonly number[] | null;
}

/** Used when a node has no `retry` block: one attempt, nothing retried. */
export const NO_RETRY: RetryPolicy = {
	maxAttempts: 1,
	backoff: "exponential",
	initialDelayMs: 1_000,
	maxDelayMs: 300_000,
	retryOn: null,
};

/** Defaults for fields a `retry` block leaves out. */
export const RETRY_DEFAULTS: RetryPolicy = {
	maxAttempts: 3,
	backoff: "exponential",
	initialDelayMs: 1_000,
	maxDelayMs: 300_000,
	retryOn: null,
};

/** Jitter spreads retries of many runs hitting one receiver: the delay varies by ±20 %. */
export const JITTER_RATIO = 0.2;

/** A `Retry-After` further away than this is not waited for: the attempt fails instead. */
export const RETRY_AFTER_CEILING_MS = 3_600_000;

/** Why an attempt failed, as far as retrying is concerned. */
export type AttemptFailure =
	| { kind: "http_status"; status: number; headers: Readonly<Record<string, string>> }
	| { kind: "network_error"; code: string; message: string }
	| { kind: "timeout"; timeoutMs: number }
	/** The call succeeded but `retry.until` (shown as `expression`) was not true yet. */
	| { kind: "until_unmet"; status: number; expression: string }
	/** A RUN_WORKFLOW child run ended FAILED or CANCELLED: `retry` starts a fresh child. */
	| { kind: "child_failed"; runId: string; result: "FAILED" | "CANCELLED"; message: string };

export type RetryDecision =
	| { kind: "retry"; at: number; attempt: number; delayMs: number; reason: string }
	| { kind: "fail"; reason: string };

/** A source of numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * Decides what happens after attempt `finishedAttempt` failed with `failure` at `now`.
 * `attempt` in a retry decision is the number of the next attempt. `uncounted` of the attempts
 * so far do not count against the policy (calls cut off by a restart, sent again).
 */
export function decideRetry(
	policy: RetryPolicy,
	failure: AttemptFailure,
	finishedAttempt: number,
	now: number,
	random: RandomSource,
	uncounted = 0,
): RetryDecision {
	const what = describeFailure(failure);
	const retryable = isRetryable(policy, failure);
	if (!retryable.ok) return { kind: "fail", reason: `${what}; ${retryable.why}` };
	const counted = finishedAttempt - uncounted;
	if (counted >= policy.maxAttempts) {
		const tries =
			policy.maxAttempts === 1 ? "the only attempt" : `all ${policy.maxAttempts} attempts`;
		return { kind: "fail", reason: `${what}; ${tries} used` };
	}
	const backoffMs = backoffDelay(policy, counted, random);
	const retryAfterMs =
		failure.kind === "http_status" ? parseRetryAfter(failure.headers, now) : null;
	if (retryAfterMs !== null && retryAfterMs > RETRY_AFTER_CEILING_MS) {
		return {
			kind: "fail",
			reason: `${what}; the server asked to retry after ${formatMs(retryAfterMs)}, longer than the ${formatMs(RETRY_AFTER_CEILING_MS)} the engine waits`,
		};
	}
	// Retry-After is a floor: never come back sooner than the server asked.
	const delayMs = retryAfterMs !== null ? Math.max(backoffMs, retryAfterMs) : backoffMs;
	const source =
		retryAfterMs !== null && retryAfterMs >= backoffMs
			? `as asked by Retry-After`
			: `${policy.backoff} backoff`;
	return {
		kind: "retry",
		at: now + delayMs,
		attempt: finishedAttempt + 1,
		delayMs,
		reason: `${what}; attempt ${counted + 1} of ${policy.maxAttempts} in ${formatMs(delayMs)} (${source})`,
	};
}

type Retryable = { ok: true } | { ok: false; why: string };

function isRetryable(policy: RetryPolicy, failure: AttemptFailure): Retryable {
	switch (failure.kind) {
		case "network_error":
		case "timeout":
		case "until_unmet":
		case "child_failed":
			return { ok: true };
		case "http_status": {
			const status = failure.status;
			if (policy.retryOn !== null) {
				return policy.retryOn.includes(status)
					? { ok: true }
					: { ok: false, why: `status ${status} is not in retryOn, so it is not retried` };
			}
			if (status === 408 || status === 429 || (status >= 500 && status <= 599)) return { ok: true };
			return { ok: false, why: `status ${status} is not retried (only 408, 429 and 5xx are)` };
		}
		default: {
			const _exhaustive: never = failure;
			return _exhaustive;
		}
	}
}

/** Delay before attempt `finishedAttempt + 1`, jittered and capped by maxDelay. */
export function backoffDelay(
	policy: RetryPolicy,
	finishedAttempt: number,
	random: RandomSource,
): number {
	const base = baseDelay(policy, finishedAttempt);
	const factor = 1 - JITTER_RATIO + 2 * JITTER_RATIO * clampUnit(random());
	return Math.max(0, Math.round(Math.min(base * factor, policy.maxDelayMs)));
}

function baseDelay(policy: RetryPolicy, finishedAttempt: number): number {
	const initial = policy.initialDelayMs;
	switch (policy.backoff) {
		case "constant":
			return initial;
		case "linear":
			return initial * finishedAttempt;
		case "exponential":
			// Capped exponent: 2^30 already exceeds any sane maxDelay and avoids Infinity.
			return initial * 2 ** Math.min(finishedAttempt - 1, 30);
		default: {
			const _exhaustive: never = policy.backoff;
			return _exhaustive;
		}
	}
}

function clampUnit(x: number): number {
	if (!Number.isFinite(x) || x < 0) return 0;
	return x >= 1 ? 0.999999 : x;
}

/**
 * `Retry-After` as milliseconds from `now`: either delta-seconds or an HTTP date.
 * Returns null when absent or unparseable (then plain backoff applies).
 */
export function parseRetryAfter(
	headers: Readonly<Record<string, string>>,
	now: number,
): number | null {
	let raw: string | undefined;
	for (const [name, value] of Object.entries(headers)) {
		if (name.toLowerCase() === "retry-after") raw = value.trim();
	}
	if (raw === undefined || raw === "") return null;
	if (/^\d+$/.test(raw)) return Number(raw) * 1_000;
	const date = Date.parse(raw);
	if (Number.isNaN(date)) return null;
	return Math.max(0, date - now);
}

function describeFailure(failure: AttemptFailure): string {
	switch (failure.kind) {
		case "http_status":
			return `the server answered ${failure.status}`;
		case "network_error":
			return `network error ${failure.code}: ${failure.message}`;
		case "timeout":
			return `no response within ${formatMs(failure.timeoutMs)}`;
		case "until_unmet":
			return `answered ${failure.status}, but retry.until \`${failure.expression}\` is not true yet`;
		case "child_failed":
			return `child run ${failure.runId} ended ${failure.result}${failure.message ? `: ${failure.message}` : ""}`;
		default: {
			const _exhaustive: never = failure;
			return _exhaustive;
		}
	}
}

/** Human durations for history lines: 850ms, 2s, 1.5s, 3m 20s, 2h. */
export function formatMs(ms: number): string {
	if (ms < 1_000) return `${Math.round(ms)}ms`;
	if (ms < 60_000) {
		const s = ms / 1_000;
		return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
	}
	const totalS = Math.round(ms / 1_000);
	const h = Math.floor(totalS / 3_600);
	const m = Math.floor((totalS % 3_600) / 60);
	const s = totalS % 60;
	return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].filter(Boolean).join(" ");
}

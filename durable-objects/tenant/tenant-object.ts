/**
 * TenantObject: one per tenant (`env.TENANT_OBJECT.idFromName(tenantId)`, or `tenantObject()`),
 * admitting that tenant's requests and runs (docs/ARCHITECTURE.md#the-tenant-object).
 *
 * RPC contract. Every method takes the tenant id first: the object stores it on the first call
 * and throws if a later call names another tenant (a wrongly addressed stub fails loudly).
 *
 * Idempotency (IETF httpapi Idempotency-Key draft, Stripe semantics), `key` 1..255 characters,
 * `fingerprint` = the caller's hash of method, path and canonical body:
 *   beginIdempotent(tenantId, key, fingerprint, now) → BeginResult
 *     { kind: "proceed" }  the caller owns the key: do the work, then complete or abandon it
 *     { kind: "replay", status, body, headers }  the first response, to send again
 *     { kind: "in_flight" }  the first request is still running (→ 409)
 *     { kind: "mismatch" }  the key was used for a different request (→ 422)
 *     A proceed holds the key for IN_FLIGHT_LEASE_MS (60 s); a request that dies without
 *     completing frees its key after that. Exactly one of any number of concurrent calls gets
 *     "proceed". Throws RangeError for a key outside 1..255 characters (check it first).
 *   completeIdempotent(tenantId, key, fingerprint, status, body, headers, now?) → void
 *     Stores the response for IDEMPOTENCY_TTL_MS (24 h) from now. The first stored one wins.
 *   abandonIdempotent(tenantId, key) → void
 *     Forgets an in-flight key (a 4xx before any run existed); never drops a stored response.
 *
 * Concurrency admission, at most `maxConcurrentRuns` runs IN_PROGRESS:
 *   acquireSlot(tenantId, runId, now) → { kind: "granted" } | { kind: "queued"; position }
 *     Repeatable: a run holding a slot is granted again, a queued run keeps its place (1-based).
 *   admitAndRelease(tenantId, runId, now) → the same answers as acquireSlot
 *     For a run whose first step ends it or parks it with nothing to call: granted whenever
 *     acquireSlot would grant at once, and then nothing is stored (the slot is taken and given
 *     back in the same instant); otherwise it queues the run as acquireSlot does.
 *   releaseSlot(tenantId, runId) → void   (the run went WAITING or COMPLETED; repeatable)
 *     Frees its slot or queue place; queued runs are then granted first-in first-out, and each
 *     is told with the run's slot_granted signal, retried from the alarm until it succeeds (an
 *     answer later than 10 s counts as a failure). Delivery is at-least-once: the signal must
 *     be safe to repeat and a no-op for a run that finished or no longer waits for a slot.
 *   withdraw(tenantId, runId) → { kind: "withdrawn" } | { kind: "holds_slot" } | { kind: "unknown" }
 *     Takes a queued run out of the queue (a cancelled queued run never starts). A run that
 *     already holds a slot keeps it: the caller releases it when the run is done.
 *
 * Settings and inspection:
 *   getSettings(tenantId) → { maxConcurrentRuns (5), errorWorkflow (null), maxRunDepth (10) }
 *   updateSettings(tenantId, patch) → the new settings; throws RangeError on an invalid value.
 *     Raising the limit grants queued runs at once; lowering it never takes a slot away.
 *   stats(tenantId) → { inProgress, queued, pendingNotifications } run ids, oldest first.
 *   usage(tenantId) → { inProgress, queued, limit } counts (the admin overview's gauge).
 */
import { DurableObject } from "cloudflare:workers";
import {
	type AcquireResult,
	alarmTime,
	applySettingsPatch,
	type BeginResult,
	IDEMPOTENCY_SWEEP_INTERVAL_MS,
	IDEMPOTENCY_TTL_MS,
	IN_FLIGHT_LEASE_MS,
	sweepTimeFor,
	type TenantSettings,
	type TenantSettingsPatch,
	type WithdrawResult,
} from "./admission";
import { deliverGrants } from "./grants";
import * as idempotency from "./idempotency";
import { runObjectNotifier, type SlotNotifier } from "./slot-notifier";
import * as slots from "./slots";
import { TenantStore } from "./tenant-store";

export interface TenantStats {
	inProgress: string[];
	queued: string[];
	pendingNotifications: string[];
}

/** Slots in use against the limit, and runs queued for one: counts only, however long the queue. */
export interface TenantUsage {
	inProgress: number;
	queued: number;
	limit: number;
}

/** A thin shell: bind the tenant, decide and write through the helpers, arm the one alarm. */
export class TenantObject extends DurableObject<Env> {
	private readonly store: TenantStore;
	private tenantId: string | null | undefined;
	/** The stored alarm's time, read on load and kept in step with every set and delete. */
	private alarmAt: number | null = null;
	/**
	 * When expired keys must next be swept (null: no key is stored). Until this object has swept
	 * once, a stored alarm may be the one that sweeps keys written before it loaded.
	 */
	private keysSweepAt: number | null = null;
	/** Sweeps read every key: not again before this (in memory: a restart may sweep early once). */
	private nextSweepAllowed = 0;
	private delivering: Promise<void> | null = null;
	/** Calls waiting for the next group commit (see `grouped`). */
	private group: (() => void)[] = [];
	/** How granted runs are told. Tests swap it (through runInDurableObject) to record calls. */
	notifier: SlotNotifier;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.store = new TenantStore(ctx.storage);
		this.notifier = runObjectNotifier(env);
		void ctx.blockConcurrencyWhile(async () => {
			this.alarmAt = await ctx.storage.getAlarm();
			this.keysSweepAt = this.alarmAt;
		});
	}

	async beginIdempotent(
		tenantId: string,
		key: string,
		fingerprint: string,
		now: number,
	): Promise<BeginResult> {
		return this.grouped(() => {
			this.bind(tenantId);
			const result = idempotency.begin(this.store, key, fingerprint, now);
			if (result.kind === "proceed") this.keyStored(now + IN_FLIGHT_LEASE_MS);
			return result;
		});
	}

	async completeIdempotent(
		tenantId: string,
		key: string,
		fingerprint: string,
		status: number,
		body: unknown,
		headers: Record<string, string>,
		now: number = Date.now(),
	): Promise<void> {
		return this.grouped(() => {
			this.bind(tenantId);
			const response = { status, body, headers };
			if (idempotency.complete(this.store, key, fingerprint, response, now)) {
				this.keyStored(now + IDEMPOTENCY_TTL_MS);
			}
		});
	}

	async abandonIdempotent(tenantId: string, key: string): Promise<void> {
		return this.grouped(() => {
			this.bind(tenantId);
			// The key's row is gone; a sweep planned for it finds nothing, which costs one alarm.
			idempotency.abandon(this.store, key);
		});
	}

	/** `now` is part of the RPC contract; the tenant's own clock times the holder's check. */
	async acquireSlot(tenantId: string, runId: string, _now: number): Promise<AcquireResult> {
		return this.grouped(() => {
			this.bind(tenantId);
			const answer = slots.acquire(this.store, runId, Date.now());
			if (answer.kind === "granted") this.armAlarm();
			return answer;
		});
	}

	async admitAndRelease(tenantId: string, runId: string, now: number): Promise<AcquireResult> {
		return this.grouped(() => {
			this.bind(tenantId);
			const { answer, freedSlot } = slots.admitAndRelease(this.store, runId, now);
			// A slot held from an earlier call was given back: hand it on.
			if (freedSlot) this.afterGrant();
			return answer;
		});
	}

	async releaseSlot(tenantId: string, runId: string): Promise<void> {
		return this.grouped(() => {
			this.bind(tenantId);
			slots.release(this.store, runId, Date.now());
			this.afterGrant();
		});
	}

	async withdraw(tenantId: string, runId: string): Promise<WithdrawResult> {
		return this.grouped(() => {
			this.bind(tenantId);
			return slots.withdraw(this.store, runId);
		});
	}

	async getSettings(tenantId: string): Promise<TenantSettings> {
		this.bind(tenantId);
		return this.store.settings();
	}

	async updateSettings(tenantId: string, patch: TenantSettingsPatch): Promise<TenantSettings> {
		this.bind(tenantId);
		const decision = applySettingsPatch(this.store.settings(), patch);
		switch (decision.kind) {
			case "invalid":
				throw new RangeError(decision.message);
			case "ok":
				this.store.transaction(() => {
					this.store.putMeta("settings", decision.settings);
					slots.grantQueued(this.store, Date.now());
				});
				this.afterGrant();
				return decision.settings;
			default: {
				const unknown: never = decision;
				throw new Error(`unknown settings decision ${JSON.stringify(unknown)}`);
			}
		}
	}

	async stats(tenantId: string): Promise<TenantStats> {
		this.bind(tenantId);
		return {
			inProgress: this.store.inProgressRuns(),
			queued: this.store.queuedRuns(),
			pendingNotifications: this.store
				.notifications()
				.filter((n) => !n.check)
				.map((n) => n.runId),
		};
	}

	async usage(tenantId: string): Promise<TenantUsage> {
		this.bind(tenantId);
		return {
			inProgress: this.store.countInProgress(),
			queued: this.store.countQueued(),
			limit: this.store.settings().maxConcurrentRuns,
		};
	}

	/** Alarms are at-least-once: this sweeps expired keys and retries what is due, no more. */
	override async alarm(): Promise<void> {
		this.alarmAt = null;
		const now = Date.now();
		const sweepDue = this.keysSweepAt !== null && this.keysSweepAt <= now;
		if (sweepDue || now >= this.nextSweepAllowed) {
			const earliest = this.store.sweepIdempotency(now);
			this.nextSweepAllowed = now + IDEMPOTENCY_SWEEP_INTERVAL_MS;
			this.keysSweepAt = earliest === null ? null : sweepTimeFor(earliest, this.nextSweepAllowed);
		}
		await this.deliver();
		this.armAlarm();
	}

	/**
	 * Group commit: `work` runs together with every other call that arrives before the next
	 * timer tick, back to back in one turn, so all their writes land in one storage commit and
	 * each answer is sent once that commit is durable (the output gate). Every start and release
	 * of a tenant goes through this one object; under load its calls share a commit instead of
	 * queueing one commit each (locally each commit is an fsync on the thread all objects
	 * share). Each call's work is unchanged: answers and writes are those of running it alone,
	 * in arrival order; one that throws fails only its own call.
	 */
	private grouped<T>(work: () => T): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const waiting = this.group.push(() => {
				try {
					resolve(work());
				} catch (err) {
					reject(err);
				}
			});
			if (waiting === 1) setTimeout(() => this.runGroup(), 0);
		});
	}

	private runGroup(): void {
		const group = this.group;
		this.group = [];
		for (const run of group) run();
	}

	private bind(tenantId: string): void {
		this.tenantId ??= this.store.getMeta<string>("tenant");
		if (this.tenantId === null) {
			this.store.putMeta("tenant", tenantId);
			this.tenantId = tenantId;
		} else if (this.tenantId !== tenantId) {
			throw new Error(`this TenantObject belongs to another tenant than "${tenantId}"`);
		}
	}

	/** Tells newly granted runs now, without making the caller wait for them; the alarm backs it up. */
	private afterGrant(): void {
		this.armAlarm();
		this.ctx.waitUntil(this.deliver());
	}

	/** One delivery round at a time: a call during a round shares it (the round rereads rows). */
	private deliver(): Promise<void> {
		const tenantId = this.tenantId ?? this.store.getMeta<string>("tenant");
		if (!tenantId) return Promise.resolve();
		this.delivering ??= deliverGrants(this.store, tenantId, this.notifier).finally(() => {
			this.delivering = null;
			this.armAlarm();
		});
		return this.delivering;
	}

	/** A key was written that expires at `expiresAt`: make sure a sweep will delete it. */
	private keyStored(expiresAt: number): void {
		const at = sweepTimeFor(expiresAt, this.nextSweepAllowed);
		if (this.keysSweepAt !== null && this.keysSweepAt <= at) return;
		this.keysSweepAt = at;
		this.armAlarm();
	}

	/**
	 * Keeps the one alarm no later than the earliest of: the next key sweep, a notification's
	 * retry, a holder's check. An alarm already set earlier stays where it is: every slot given
	 * back would otherwise move it later (its holder's check was the earliest), a storage write
	 * per run, while an early alarm costs one wake-up that finds nothing due and sets it again.
	 */
	private armAlarm(): void {
		const at = alarmTime([this.keysSweepAt, this.store.nextNotificationDue()], Date.now());
		if (at === this.alarmAt) return;
		if (this.alarmAt !== null && (at === null || this.alarmAt <= at)) return;
		this.alarmAt = at;
		if (at === null) void this.ctx.storage.deleteAlarm();
		else void this.ctx.storage.setAlarm(at);
	}
}

// Write counters for the cost figures (bench/README.md#goals-met-and-missed: D1 rows written
// per run, Durable Object storage rows written per node, subrequests per node). They live in the isolate's memory:
// wrangler dev runs the Worker and its Durable Objects in one isolate, so the bench route
// /__bench/counters sees every increment. Only deltas across a bench phase are used.

export const counters = {
	d1Queries: 0,
	/** Statements that wrote anything (the index upserts; reads from polling are not). */
	d1WriteStatements: 0,
	d1RowsWritten: 0,
	/** Rows D1 reports read (billed like writes, per row examined, not per row returned). */
	d1RowsRead: 0,
	doRowsWritten: { RunObject: 0, TenantObject: 0 } as Record<string, number>,
	doSqlStatements: { RunObject: 0, TenantObject: 0 } as Record<string, number>,
	/** Billed Durable Object requests: every RPC method call, fetch and alarm invocation. */
	doRequests: { RunObject: 0, TenantObject: 0 } as Record<string, number>,
	fetches: 0,
	/** setAlarm and deleteAlarm calls, per class: each is a storage write of its own locally. */
	doAlarmWrites: { RunObject: 0, TenantObject: 0 } as Record<string, number>,
	/**
	 * Billed duration, per class: wall-clock ms while an object had a call or a waitUntil
	 * promise outstanding (summed per object, overlaps counted once). workerd's clock moves only
	 * at I/O, so work after an object's last I/O in a call is not seen: a floor.
	 */
	doActiveMs: { RunObject: 0, TenantObject: 0 } as Record<string, number>,
	/**
	 * Each object's SQLite size (`ctx.storage.sql.databaseSize`, what its storage is billed
	 * on) after its last counted call, summed per class over the objects counted since counting
	 * was last turned on.
	 */
	doStoredBytes: { RunObject: 0, TenantObject: 0 } as Record<string, number>,
	/** D1's database size after the last counted statement (`meta.size_after`). */
	d1SizeAfter: 0,
};

/** The objects whose size doStoredBytes holds: their last size, by class and object id. */
const storedBytes = new Map<string, Map<string, number>>();

/** Forgets the sizes counted so far (counting turned on for a new round). */
export function resetStoredBytes(): void {
	storedBytes.clear();
	for (const name of Object.keys(counters.doStoredBytes)) counters.doStoredBytes[name] = 0;
}

function recordSize(ctx: DurableObjectState, name: string): void {
	let sizes = storedBytes.get(name);
	if (!sizes) {
		sizes = new Map();
		storedBytes.set(name, sizes);
	}
	const id = ctx.id.toString();
	const size = ctx.storage.sql.databaseSize;
	counters.doStoredBytes[name] = (counters.doStoredBytes[name] ?? 0) - (sizes.get(id) ?? 0) + size;
	sizes.set(id, size);
}

/** Calls and waitUntil promises outstanding per object, and since when it has been active. */
const activity = new WeakMap<DurableObjectState, { outstanding: number; since: number }>();

function enter(ctx: DurableObjectState): void {
	const a = activity.get(ctx) ?? { outstanding: 0, since: 0 };
	if (a.outstanding === 0) a.since = Date.now();
	a.outstanding++;
	activity.set(ctx, a);
}

function leave(ctx: DurableObjectState, name: string): void {
	const a = activity.get(ctx);
	if (!a) return;
	a.outstanding--;
	if (a.outstanding === 0 && counting.on)
		counters.doActiveMs[name] = (counters.doActiveMs[name] ?? 0) + (Date.now() - a.since);
}

/**
 * Whether the wrappers count. The per-node phase turns counting off for its timed runs and on
 * for one untimed run per round, so the timed figures carry none of the wrappers' cost (the
 * raw DO and Workflows have no wrappers).
 */
export const counting = { on: true };

type D1Result = { meta?: { rows_written?: number; rows_read?: number; size_after?: number } };

const bindTo = <T extends object>(target: T, prop: PropertyKey) => {
	const value = Reflect.get(target, prop);
	return typeof value === "function" ? value.bind(target) : value;
};

function countResult(result: unknown): void {
	if (!counting.on) return;
	counters.d1Queries++;
	const written = (result as D1Result)?.meta?.rows_written ?? 0;
	const size = (result as D1Result)?.meta?.size_after;
	if (typeof size === "number") counters.d1SizeAfter = size;
	if (written > 0) counters.d1WriteStatements++;
	counters.d1RowsWritten += written;
	counters.d1RowsRead += (result as D1Result)?.meta?.rows_read ?? 0;
}

function wrapStatement(stmt: D1PreparedStatement): D1PreparedStatement {
	return new Proxy(stmt, {
		get(target, prop) {
			if (prop === "bind") return (...args: unknown[]) => wrapStatement(target.bind(...args));
			if (prop === "run" || prop === "all")
				return async (...args: []) => {
					const result = await (target[prop] as () => Promise<unknown>)(...args);
					countResult(result);
					return result;
				};
			return bindTo(target, prop);
		},
	});
}

/** env.DB that counts queries and the rows D1 reports written (indexes included, as billed). */
export function countingD1(db: D1Database): D1Database {
	return new Proxy(db, {
		get(target, prop) {
			if (prop === "prepare") return (sql: string) => wrapStatement(target.prepare(sql));
			if (prop === "batch")
				return async (stmts: D1PreparedStatement[]) => {
					const results = await target.batch(stmts);
					for (const r of results) countResult(r);
					return results;
				};
			return bindTo(target, prop);
		},
	});
}

/**
 * Makes ctx.storage.sql count each statement's rowsWritten for the class. The ctx itself must
 * stay the runtime's object (the DurableObject base class checks its type), so the `sql`
 * property of its storage is replaced in place by a counting proxy.
 */
export function countingCtx(ctx: DurableObjectState, name: string): DurableObjectState {
	const sql = ctx.storage.sql;
	const countingSql = new Proxy(sql, {
		get(target, prop) {
			if (prop !== "exec") return bindTo(target, prop);
			return (query: string, ...bindings: unknown[]) => {
				const cursor = target.exec(query, ...bindings);
				if (!counting.on) return cursor;
				counters.doSqlStatements[name] = (counters.doSqlStatements[name] ?? 0) + 1;
				// Read after the caller has consumed the cursor (same tick, before any await).
				queueMicrotask(() => {
					counters.doRowsWritten[name] = (counters.doRowsWritten[name] ?? 0) + cursor.rowsWritten;
				});
				return cursor;
			};
		},
	});
	for (const method of ["setAlarm", "deleteAlarm"] as const) {
		const original = ctx.storage[method].bind(ctx.storage) as (...args: unknown[]) => Promise<void>;
		Object.defineProperty(ctx.storage, method, {
			value: (...args: unknown[]) => {
				if (counting.on) counters.doAlarmWrites[name] = (counters.doAlarmWrites[name] ?? 0) + 1;
				return original(...args);
			},
			configurable: true,
		});
	}
	const waitUntil = ctx.waitUntil.bind(ctx);
	Object.defineProperty(ctx, "waitUntil", {
		value: (promise: Promise<unknown>) => {
			enter(ctx);
			return waitUntil(promise.finally(() => leave(ctx, name)));
		},
		configurable: true,
	});
	// Read when used: an object built while counting is off gets the runtime's own `sql` (a
	// store that keeps the reference keeps that one; a run's object lives for one run).
	Object.defineProperty(ctx.storage, "sql", {
		get: () => (counting.on ? countingSql : sql),
		configurable: true,
	});
	return ctx;
}

const countingDatabases = new WeakMap<D1Database, D1Database>();

/** The same counting wrapper for the same binding, so the product's per-binding caches still hit. */
export function countingEnv<E extends { DB: D1Database }>(env: E): E {
	let db = countingDatabases.get(env.DB);
	if (!db) {
		db = countingD1(env.DB);
		countingDatabases.set(env.DB, db);
	}
	return { ...env, DB: db };
}

/** Counts outgoing fetches (subrequests) from the whole isolate. */
export function countFetches(): void {
	const original = globalThis.fetch;
	globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
		if (counting.on) counters.fetches++;
		return original(...args);
	}) as typeof fetch;
}

/**
 * Counts calls into the class's RPC entry points, fetch and alarm (each is one billed Durable
 * Object request). Only the names given: a wrapper on a method the object also calls on itself
 * would count internal calls as requests. The wrappers sit on the bench subclass's prototype,
 * where RPC finds them.
 */
export function countRequests(
	subclass: { prototype: object },
	product: { prototype: object },
	name: string,
	entryPoints: string[],
): void {
	for (const method of entryPoints) {
		const original = Reflect.get(product.prototype, method);
		if (typeof original !== "function") throw new Error(`${name} has no method ${method}`);
		Object.defineProperty(subclass.prototype, method, {
			async value(this: { ctx: DurableObjectState }, ...args: unknown[]) {
				if (counting.on) counters.doRequests[name] = (counters.doRequests[name] ?? 0) + 1;
				enter(this.ctx);
				try {
					return await original.apply(this, args);
				} finally {
					leave(this.ctx, name);
					if (counting.on) recordSize(this.ctx, name);
				}
			},
			configurable: true,
			writable: true,
		});
	}
}

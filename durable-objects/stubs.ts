/**
 * How the Worker and the objects reach each other: one function per object class. The stubs
 * are typed by `Env` (`DurableObjectStub<RunObject>`, `DurableObjectStub<TenantObject>`), so a
 * call through them is checked against the class's own methods, with no copy of its surface.
 */

/** The stable name of a run's object: tenant-scoped, so no other tenant can address it. */
export const runObjectName = (tenantId: string, runId: string) => `${tenantId}:${runId}`;

/** The run's object. Only the run's own tenant id names it (docs/ARCHITECTURE.md#tenancy-and-permissions). */
export const runObject = (env: Pick<Env, "RUN_OBJECT">, tenantId: string, runId: string) =>
	env.RUN_OBJECT.get(env.RUN_OBJECT.idFromName(runObjectName(tenantId, runId)));

/** The tenant's one admission object. Pass the same tenant id to every method you call on it. */
export const tenantObject = (env: Pick<Env, "TENANT_OBJECT">, tenantId: string) =>
	env.TENANT_OBJECT.get(env.TENANT_OBJECT.idFromName(tenantId));

/** Run ids are unguessable: 122 random bits from crypto.randomUUID. */
export const newRunId = (): string => `run_${crypto.randomUUID().replaceAll("-", "")}`;

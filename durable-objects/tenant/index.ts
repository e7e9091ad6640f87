export type {
	AcquireResult,
	BeginResult,
	StoredResponse,
	TenantSettings,
	TenantSettingsPatch,
	WithdrawResult,
} from "./admission";
export {
	DEFAULT_MAX_CONCURRENT_RUNS,
	IDEMPOTENCY_TTL_MS,
	isValidIdempotencyKey,
	MAX_CONCURRENT_RUNS,
	MAX_IDEMPOTENCY_KEY_LENGTH,
	MIN_CONCURRENT_RUNS,
} from "./admission";
export type { SlotGrantedTarget } from "./slot-notifier";
export { TenantObject, type TenantStats } from "./tenant-object";

/** The tenant's one admission object. Pass the same tenant id to every method you call on it. */
export const tenantObject = (env: Env, tenantId: string) =>
	env.TENANT_OBJECT.get(env.TENANT_OBJECT.idFromName(tenantId));

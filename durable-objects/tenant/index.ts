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
	DEFAULT_MAX_RUN_DEPTH,
	IDEMPOTENCY_TTL_MS,
	isValidIdempotencyKey,
	MAX_CONCURRENT_RUNS,
	MAX_IDEMPOTENCY_KEY_LENGTH,
	MAX_RUN_DEPTH,
	MIN_CONCURRENT_RUNS,
} from "./admission";
export { TenantObject, type TenantStats, type TenantUsage } from "./tenant-object";

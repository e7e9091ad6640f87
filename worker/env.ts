import type { AuditTargetType } from "./audit/audit-spec";
import type { Principal } from "./auth/principal";

/** hono's environment for every route: the Worker bindings plus what middleware puts on the context. */
export interface AppEnv {
	Bindings: Env;
	Variables: {
		requestId: string;
		principal: Principal;
		/** What a write acted on, when its path does not say (see recordOutcome). */
		auditTarget?: { type: AuditTargetType; id: string };
		/** What a write turned out to be, when its route's declared action does not say (see recordOutcome). */
		auditAction?: string;
	};
}

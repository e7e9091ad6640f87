import type { Principal } from "./auth/principal";

/** hono's environment for every route: the Worker bindings plus what middleware puts on the context. */
export interface AppEnv {
	Bindings: Env;
	Variables: {
		requestId: string;
		principal: Principal;
	};
}

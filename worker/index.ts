import { createApp } from "./app";
import { sweepStuckRuns } from "./sweeper";

export { RunObject } from "../durable-objects";
export { TenantObject } from "../durable-objects/tenant";

const app = createApp();

export default {
	fetch: app.fetch,
	async scheduled(controller, env, ctx) {
		ctx.waitUntil(sweepStuckRuns(env, controller.scheduledTime));
	},
} satisfies ExportedHandler<Env>;

import { createApp } from "./app";
import { sweepStuckRuns } from "./sweeper";

export { RunObject, TenantObject } from "../durable-objects";

const app = createApp();

export default {
	fetch: app.fetch,
	async scheduled(controller, env, ctx) {
		ctx.waitUntil(sweepStuckRuns(env, controller.scheduledTime));
	},
} satisfies ExportedHandler<Env>;

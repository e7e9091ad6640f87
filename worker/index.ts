import { createApp } from "./app";
import { purgeExpired } from "./retention";
import { stuckAfterMs, sweepStuckRuns } from "./sweeper";
import { sweepOverdueSchedules } from "./triggers/schedules";

export { RunObject, TenantObject } from "../durable-objects";
export { ScheduleObject } from "../durable-objects/schedule";

const app = createApp();

export default {
	fetch: app.fetch,
	async scheduled(controller, env, ctx) {
		ctx.waitUntil(sweepStuckRuns(env, controller.scheduledTime));
		ctx.waitUntil(sweepOverdueSchedules(env, controller.scheduledTime, stuckAfterMs(env)));
		ctx.waitUntil(purgeExpired(env, controller.scheduledTime));
	},
} satisfies ExportedHandler<Env>;

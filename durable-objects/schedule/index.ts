export type { ScheduleView } from "./schedule-object";
export { ScheduleObject } from "./schedule-object";
export { type ScheduleRef, scheduleObjectName } from "./schedule-spec";

import { type ScheduleRef, scheduleObjectName } from "./schedule-spec";

/** The object that owns one schedule. */
export const scheduleObject = (env: Pick<Env, "SCHEDULE_OBJECT">, ref: ScheduleRef) =>
	env.SCHEDULE_OBJECT.get(env.SCHEDULE_OBJECT.idFromName(scheduleObjectName(ref)));

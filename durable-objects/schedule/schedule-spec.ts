import { parseDuration, type ScheduleTriggerConfig } from "../../engine/definition";
import { DEFAULT_CATCHUP_MS, type ScheduleSpec } from "../../engine/schedule/plan";
import { derivedRunId } from "../../worker/triggers/derived-run-id";

/** Names one schedule: a SCHEDULE_TRIGGER node of one workflow (its id, not its identifier). */
export interface ScheduleRef {
	tenantId: string;
	workflowId: string;
	node: string;
}

/** The stable name of a schedule's object. */
export const scheduleObjectName = (ref: ScheduleRef) =>
	`${ref.tenantId}:${ref.workflowId}:${ref.node}`;

export function specOf(config: ScheduleTriggerConfig, paused: boolean): ScheduleSpec {
	return {
		cron: config.cron,
		timezone: config.timezone,
		overlap: config.overlap,
		catchupMs:
			config.catchupWindow === undefined ? DEFAULT_CATCHUP_MS : parseDuration(config.catchupWindow),
		paused,
	};
}

/** A tick's run id: the same for every attempt to start that tick, so it starts once. */
export const scheduledRunId = (ref: ScheduleRef, tickAt: number): Promise<string> =>
	derivedRunId([ref.tenantId, ref.workflowId, ref.node, String(tickAt)]);

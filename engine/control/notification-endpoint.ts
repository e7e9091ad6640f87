/**
 * A tenant's notification endpoints (tenant settings `notifications`), as runs pin them
 * (docs/ARCHITECTURE.md#notifications). Apart from notices.ts so the creation record can name them.
 */

/** The events an endpoint can subscribe to. */
export const NOTICE_EVENTS = [
	"run.waiting_for_input",
	"run.failed",
	"run.completed",
	"run.cancelled",
] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

/**
 * One of the tenant's notification endpoints (tenant settings `notifications`), as a run pins
 * it when it starts, like its signing secret: a run notifies the endpoints set when it began.
 */
export interface NotificationEndpoint {
	url: string;
	events: NoticeEvent[];
	/** `slack`: a Slack incoming-webhook body (text + blocks) instead of the JSON event. */
	format?: "slack";
	/** A tenant secret's name: deliveries are signed with it (Standard Webhooks). */
	secret?: string;
}

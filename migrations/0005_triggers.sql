CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`node` text NOT NULL,
	`received_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`status` integer NOT NULL,
	`delivery_key` text,
	`run_id` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `deliveries_trigger_received` ON `deliveries` (`tenant_id`,`workflow_id`,`node`,`received_at`,`id`);--> statement-breakpoint
CREATE TABLE `delivery_claims` (
	`tenant_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`node` text NOT NULL,
	`delivery_key` text NOT NULL,
	`run_id` text NOT NULL,
	`claimed_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `workflow_id`, `node`, `delivery_key`)
);
--> statement-breakpoint
CREATE TABLE `triggers` (
	`tenant_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`workflow_identifier` text NOT NULL,
	`node` text NOT NULL,
	`type` text NOT NULL,
	`config` text NOT NULL,
	`hook_id` text,
	`event_type` text,
	`paused` integer DEFAULT false NOT NULL,
	`next_tick_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `workflow_id`, `node`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `triggers_hook_id` ON `triggers` (`hook_id`) WHERE "triggers"."hook_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `triggers_tenant_event_type` ON `triggers` (`tenant_id`,`event_type`) WHERE "triggers"."event_type" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `triggers_schedule_due` ON `triggers` (`next_tick_at`) WHERE "triggers"."next_tick_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `trigger_type` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `trigger` text;--> statement-breakpoint
-- Every run before triggers existed was started from the API (by hand: drizzle-kit has no data steps).
UPDATE `runs` SET `trigger_type` = 'SELF_SERVE_TRIGGER' WHERE `trigger_type` IS NULL;

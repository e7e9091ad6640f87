CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`workflow_identifier` text NOT NULL,
	`workflow_title` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`initiated_by` text NOT NULL,
	`requested_by` text NOT NULL,
	`visible_to_all` integer NOT NULL,
	`entity_id` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`wake_at` integer,
	`updated_at` integer NOT NULL,
	`index_version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_tenant_created` ON `runs` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_tenant_workflow_created` ON `runs` (`tenant_id`,`workflow_identifier`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_tenant_status_created` ON `runs` (`tenant_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_tenant_initiator_created` ON `runs` (`tenant_id`,`initiated_by`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_tenant_entity_created` ON `runs` (`tenant_id`,`entity_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_unfinished_due` ON `runs` (`wake_at`) WHERE "runs"."status" <> 'COMPLETED';
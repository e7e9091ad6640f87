CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`actor_kind` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text,
	`request_id` text NOT NULL,
	`outcome` text NOT NULL,
	`status` integer NOT NULL,
	`error_code` text
);
--> statement-breakpoint
CREATE INDEX `audit_events_tenant_at` ON `audit_events` (`tenant_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_at` ON `audit_events` (`at`);--> statement-breakpoint
CREATE TABLE `failed_starts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`workflow_identifier` text NOT NULL,
	`status` integer NOT NULL,
	`error_code` text NOT NULL,
	`detail` text NOT NULL,
	`request_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `failed_starts_tenant_at` ON `failed_starts` (`tenant_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `failed_starts_at` ON `failed_starts` (`at`);
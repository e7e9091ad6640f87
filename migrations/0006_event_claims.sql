CREATE TABLE `event_claims` (
	`tenant_id` text NOT NULL,
	`event_id` text NOT NULL,
	`token` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`answer` text,
	PRIMARY KEY(`tenant_id`, `event_id`)
);

CREATE TABLE `secrets` (
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`version` integer NOT NULL,
	`key_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`last_used_at` integer,
	PRIMARY KEY(`tenant_id`, `name`)
);

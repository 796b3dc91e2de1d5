CREATE TABLE `bind_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code_hash` text NOT NULL,
	`person_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` integer,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_by` text
);
--> statement-breakpoint
CREATE INDEX `bind_codes_hash` ON `bind_codes` (`code_hash`);--> statement-breakpoint
CREATE INDEX `bind_codes_person` ON `bind_codes` (`person_id`);--> statement-breakpoint
CREATE TABLE `bind_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`identity` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bind_failures_identity` ON `bind_failures` (`identity`,`at`);
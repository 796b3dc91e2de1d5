CREATE TABLE `holiday_imports` (
	`id` integer PRIMARY KEY NOT NULL,
	`year` integer NOT NULL,
	`days` text NOT NULL,
	`status` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`decided_at` integer
);
--> statement-breakpoint
ALTER TABLE `calendar_overrides` ADD `notice_year` integer;--> statement-breakpoint
ALTER TABLE `units` ADD `kind` text;
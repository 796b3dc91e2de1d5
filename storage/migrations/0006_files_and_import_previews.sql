CREATE TABLE `files` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`mime` text NOT NULL,
	`bytes` blob NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` integer
);
--> statement-breakpoint
CREATE TABLE `import_previews` (
	`id` integer PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`roster` text NOT NULL,
	`plan_digest` text NOT NULL,
	`status` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `import_previews_status` ON `import_previews` (`status`);
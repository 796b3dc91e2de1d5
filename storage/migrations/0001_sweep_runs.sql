CREATE TABLE `sweep_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_date` text NOT NULL,
	`as_of` integer NOT NULL,
	`ran_at` integer NOT NULL,
	`trigger` text NOT NULL,
	`items` integer DEFAULT 0 NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sweep_runs_date` ON `sweep_runs` (`run_date`,`as_of`);
CREATE TABLE `sweep_tokens` (
	`token` integer PRIMARY KEY NOT NULL,
	`recorded` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `__new_reminders` (
	`period` text NOT NULL,
	`kind` text NOT NULL,
	`account_id` integer DEFAULT 0 NOT NULL,
	`ref` integer DEFAULT 0 NOT NULL,
	`unit_id` integer,
	`created_at` integer NOT NULL,
	`token` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`period`, `kind`, `account_id`, `ref`)
) WITHOUT ROWID;
--> statement-breakpoint
-- The old key is `kind:subject:period`: the subject is A12 (the account is account_id), T3:A12 (a repost task and its
-- account), R5 (a review) or 2027 (a year, for the calendar); `report:2026Q3` has none.
INSERT INTO `__new_reminders` (`period`, `kind`, `account_id`, `ref`, `unit_id`, `created_at`, `token`)
  SELECT `period`, `kind`, coalesce(`account_id`, 0),
    CASE `kind`
      WHEN 'repost' THEN CAST(substr(`key`, 9, instr(substr(`key`, 9), ':') - 1) AS INTEGER)
      WHEN 'review' THEN CAST(substr(`key`, 9, length(`key`) - 9 - length(`period`)) AS INTEGER)
      WHEN 'calendar' THEN CAST(substr(`key`, 10, length(`key`) - 10 - length(`period`)) AS INTEGER)
      ELSE 0 END,
    `unit_id`, `created_at`, `summarized`
  FROM `reminders`;
--> statement-breakpoint
INSERT INTO `sweep_tokens` (`token`, `recorded`)
  SELECT `summarized`, count(*) FROM `reminders` WHERE `summarized` <> 1 GROUP BY `summarized`;
--> statement-breakpoint
DROP TABLE `reminders`;
--> statement-breakpoint
ALTER TABLE `__new_reminders` RENAME TO `reminders`;

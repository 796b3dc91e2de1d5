CREATE TABLE `sweep_changes` (
	`id` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL,
	`horizon` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `sweep_runs` ADD `basis` text;
--> statement-breakpoint
-- The daily sweep reads its per-account pages only when something they depend on changed since a complete sweep of
-- the same day: every write to these tables bumps `n` in the same statement. The reminders themselves are written by
-- the sweep alone (and pruned only for past periods). `horizon`: the latest creation time of an account or a repost
-- task, which a sweep as of an earlier moment does not see.
INSERT INTO `sweep_changes` (`id`, `n`, `horizon`)
  SELECT 1, 0, max(coalesce((SELECT max(`created_at`) FROM `accounts`), 0), coalesce((SELECT max(`created_at`) FROM `repost_tasks`), 0));
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_accounts_insert` AFTER INSERT ON `accounts` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1, `horizon` = max(`horizon`, NEW.created_at) WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_accounts_update` AFTER UPDATE ON `accounts` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1, `horizon` = max(`horizon`, NEW.created_at) WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_accounts_delete` AFTER DELETE ON `accounts` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_units_insert` AFTER INSERT ON `units` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_units_update` AFTER UPDATE ON `units` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_units_delete` AFTER DELETE ON `units` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_posts_insert` AFTER INSERT ON `posts` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_posts_update` AFTER UPDATE ON `posts` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_posts_delete` AFTER DELETE ON `posts` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_filings_insert` AFTER INSERT ON `filings` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_filings_update` AFTER UPDATE ON `filings` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_filings_delete` AFTER DELETE ON `filings` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_repost_tasks_insert` AFTER INSERT ON `repost_tasks` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1, `horizon` = max(`horizon`, NEW.created_at) WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_repost_tasks_update` AFTER UPDATE ON `repost_tasks` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1, `horizon` = max(`horizon`, NEW.created_at) WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_repost_tasks_delete` AFTER DELETE ON `repost_tasks` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_repost_targets_insert` AFTER INSERT ON `repost_targets` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_repost_targets_update` AFTER UPDATE ON `repost_targets` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_repost_targets_delete` AFTER DELETE ON `repost_targets` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_reviews_insert` AFTER INSERT ON `reviews` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_reviews_update` AFTER UPDATE ON `reviews` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_reviews_delete` AFTER DELETE ON `reviews` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_review_steps_insert` AFTER INSERT ON `review_steps` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_review_steps_update` AFTER UPDATE ON `review_steps` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_review_steps_delete` AFTER DELETE ON `review_steps` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_settings_insert` AFTER INSERT ON `settings` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_settings_update` AFTER UPDATE ON `settings` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_settings_delete` AFTER DELETE ON `settings` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_calendar_overrides_insert` AFTER INSERT ON `calendar_overrides` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_calendar_overrides_update` AFTER UPDATE ON `calendar_overrides` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_calendar_overrides_delete` AFTER DELETE ON `calendar_overrides` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_people_insert` AFTER INSERT ON `people` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_people_update` AFTER UPDATE ON `people` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_people_delete` AFTER DELETE ON `people` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_identities_insert` AFTER INSERT ON `identities` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_identities_update` AFTER UPDATE ON `identities` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_identities_delete` AFTER DELETE ON `identities` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_roles_insert` AFTER INSERT ON `roles` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_roles_update` AFTER UPDATE ON `roles` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_roles_delete` AFTER DELETE ON `roles` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_unit_chats_insert` AFTER INSERT ON `unit_chats` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_unit_chats_update` AFTER UPDATE ON `unit_chats` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sweep_changes_unit_chats_delete` AFTER DELETE ON `unit_chats` BEGIN
  UPDATE `sweep_changes` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
-- A reminder names an account by its name when no other has it: the sweep counts accounts per (name, platform)
-- from the index alone.
DROP INDEX `accounts_name`;
--> statement-breakpoint
CREATE INDEX `accounts_name` ON `accounts` (`name`,`platform`);

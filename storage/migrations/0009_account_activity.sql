CREATE TABLE `account_activity` (
	`account_id` integer PRIMARY KEY NOT NULL,
	`last_post_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `post_weeks` (
	`account_id` integer NOT NULL,
	`monday` text NOT NULL,
	`posts` integer NOT NULL,
	PRIMARY KEY(`account_id`, `monday`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `reminders` ADD `summarized` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `reminders_unsummarized` ON `reminders` (`summarized`) WHERE summarized <> 1;
--> statement-breakpoint
-- Kept in the same statement that records a post (every path: /更新, /发布, reposts, feed items), whatever its
-- published_at; a post ignored as a duplicate (ON CONFLICT DO NOTHING) is not inserted and fires nothing.
CREATE TRIGGER `posts_activity_insert` AFTER INSERT ON `posts` BEGIN
  INSERT INTO `account_activity` (`account_id`, `last_post_at`) VALUES (NEW.account_id, NEW.published_at)
    ON CONFLICT (`account_id`) DO UPDATE SET `last_post_at` = max(`last_post_at`, excluded.last_post_at);
  INSERT INTO `post_weeks` (`account_id`, `monday`, `posts`) VALUES (NEW.account_id, date((NEW.published_at + 28800000) / 1000, 'unixepoch', 'weekday 0', '-6 days'), 1)
    ON CONFLICT (`account_id`, `monday`) DO UPDATE SET `posts` = `posts` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `posts_activity_delete` AFTER DELETE ON `posts` BEGIN
  UPDATE `post_weeks` SET `posts` = `posts` - 1 WHERE `account_id` = OLD.account_id AND `monday` = date((OLD.published_at + 28800000) / 1000, 'unixepoch', 'weekday 0', '-6 days');
  DELETE FROM `post_weeks` WHERE `account_id` = OLD.account_id AND `monday` = date((OLD.published_at + 28800000) / 1000, 'unixepoch', 'weekday 0', '-6 days') AND `posts` <= 0;
  DELETE FROM `account_activity` WHERE `account_id` = OLD.account_id;
  INSERT INTO `account_activity` (`account_id`, `last_post_at`)
    SELECT `account_id`, max(`published_at`) FROM `posts` WHERE `account_id` = OLD.account_id GROUP BY `account_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `posts_activity_update` AFTER UPDATE OF `account_id`, `published_at` ON `posts` BEGIN
  UPDATE `post_weeks` SET `posts` = `posts` - 1 WHERE `account_id` = OLD.account_id AND `monday` = date((OLD.published_at + 28800000) / 1000, 'unixepoch', 'weekday 0', '-6 days');
  DELETE FROM `post_weeks` WHERE `account_id` = OLD.account_id AND `monday` = date((OLD.published_at + 28800000) / 1000, 'unixepoch', 'weekday 0', '-6 days') AND `posts` <= 0;
  INSERT INTO `post_weeks` (`account_id`, `monday`, `posts`) VALUES (NEW.account_id, date((NEW.published_at + 28800000) / 1000, 'unixepoch', 'weekday 0', '-6 days'), 1)
    ON CONFLICT (`account_id`, `monday`) DO UPDATE SET `posts` = `posts` + 1;
  DELETE FROM `account_activity` WHERE `account_id` IN (OLD.account_id, NEW.account_id);
  INSERT INTO `account_activity` (`account_id`, `last_post_at`)
    SELECT `account_id`, max(`published_at`) FROM `posts` WHERE `account_id` IN (OLD.account_id, NEW.account_id)
    GROUP BY `account_id`;
END;
--> statement-breakpoint
INSERT INTO `account_activity` (`account_id`, `last_post_at`)
  SELECT `account_id`, max(`published_at`) FROM `posts` GROUP BY `account_id`;
--> statement-breakpoint
INSERT INTO `post_weeks` (`account_id`, `monday`, `posts`)
  SELECT `account_id`, date((posts.published_at + 28800000) / 1000, 'unixepoch', 'weekday 0', '-6 days'), count(*) FROM `posts` GROUP BY 1, 2;

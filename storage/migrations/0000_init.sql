CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY NOT NULL,
	`unit_id` integer NOT NULL,
	`platform` text NOT NULL,
	`name` text NOT NULL,
	`external_id` text,
	`url` text,
	`opened_on` text,
	`status` text NOT NULL,
	`operation` text DEFAULT 'self' NOT NULL,
	`operator_name` text,
	`operator_kind` text,
	`officer_id` integer,
	`feed_url` text,
	`password_changed_on` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `accounts_unit` ON `accounts` (`unit_id`,`platform`);--> statement-breakpoint
CREATE INDEX `accounts_name` ON `accounts` (`name`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_subject` ON `audit_log` (`subject`);--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `calendar_overrides` (
	`date` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`note` text,
	`created_by` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feed_state` (
	`account_id` integer PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`etag` text,
	`last_modified` text,
	`last_checked_at` integer,
	`last_ok_at` integer,
	`next_check_at` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE TABLE `filings` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`kind` text NOT NULL,
	`event_date` text NOT NULL,
	`due_date` text NOT NULL,
	`filed_at` integer NOT NULL,
	`late` integer NOT NULL,
	`emergency` integer DEFAULT false NOT NULL,
	`calendar_fallback` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`changes` text,
	`warnings` text DEFAULT '[]' NOT NULL,
	`filed_by` integer,
	`confirmed_by` integer,
	`confirmed_at` integer
);
--> statement-breakpoint
CREATE INDEX `filings_account` ON `filings` (`account_id`);--> statement-breakpoint
CREATE INDEX `filings_status` ON `filings` (`status`);--> statement-breakpoint
CREATE TABLE `guards` (
	`ok` integer NOT NULL,
	CONSTRAINT "guards_ok" CHECK("guards"."ok" = 1)
);
--> statement-breakpoint
CREATE TABLE `identities` (
	`channel` text NOT NULL,
	`external_id` text NOT NULL,
	`person_id` integer NOT NULL,
	PRIMARY KEY(`channel`, `external_id`)
);
--> statement-breakpoint
CREATE INDEX `identities_person` ON `identities` (`person_id`);--> statement-breakpoint
CREATE TABLE `inbound_events` (
	`id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbound_events_received` ON `inbound_events` (`received_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text,
	`channel` text NOT NULL,
	`target_type` text NOT NULL,
	`target` text NOT NULL,
	`reply_to` text,
	`update_of` text,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`platform_message_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`title` text,
	`phone` text,
	`unit_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `posts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`published_at` integer NOT NULL,
	`title` text,
	`url` text,
	`source` text NOT NULL,
	`external_id` text,
	`created_by` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `posts_account_time` ON `posts` (`account_id`,`published_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `posts_account_external` ON `posts` (`account_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `reminders` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`unit_id` integer,
	`account_id` integer,
	`period` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reminders_period` ON `reminders` (`period`);--> statement-breakpoint
CREATE TABLE `repost_targets` (
	`task_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`done_at` integer,
	`done_by` integer,
	`link` text,
	`late` integer,
	`via` text,
	PRIMARY KEY(`task_id`, `account_id`)
);
--> statement-breakpoint
CREATE INDEX `repost_targets_unit` ON `repost_targets` (`unit_id`,`done_at`);--> statement-breakpoint
CREATE TABLE `repost_tasks` (
	`id` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`url` text NOT NULL,
	`note` text,
	`deadline_at` integer NOT NULL,
	`scope` text NOT NULL,
	`status` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	`closed_by` integer
);
--> statement-breakpoint
CREATE TABLE `review_steps` (
	`review_id` integer NOT NULL,
	`step` integer NOT NULL,
	`role` text NOT NULL,
	`approver_id` integer,
	`status` text NOT NULL,
	`comment` text,
	`decided_at` integer,
	`card_outbox_id` integer,
	PRIMARY KEY(`review_id`, `step`)
);
--> statement-breakpoint
CREATE INDEX `review_steps_approver` ON `review_steps` (`approver_id`,`status`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` integer PRIMARY KEY NOT NULL,
	`unit_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`title` text NOT NULL,
	`level` text NOT NULL,
	`link` text,
	`content` text,
	`planned_at` integer,
	`deadline_at` integer,
	`requester_id` integer NOT NULL,
	`status` text NOT NULL,
	`current_step` integer DEFAULT 1 NOT NULL,
	`findings` text DEFAULT '[]' NOT NULL,
	`source_channel` text,
	`source_chat` text,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`published_at` integer,
	`published_url` text
);
--> statement-breakpoint
CREATE INDEX `reviews_status` ON `reviews` (`status`);--> statement-breakpoint
CREATE INDEX `reviews_unit` ON `reviews` (`unit_id`);--> statement-breakpoint
CREATE TABLE `roles` (
	`person_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`person_id`, `unit_id`, `role`)
);
--> statement-breakpoint
CREATE INDEX `roles_unit` ON `roles` (`unit_id`,`role`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE TABLE `unit_chats` (
	`unit_id` integer NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`bound_at` integer NOT NULL,
	`bound_by` integer,
	PRIMARY KEY(`unit_id`, `channel`)
);
--> statement-breakpoint
CREATE INDEX `unit_chats_chat` ON `unit_chats` (`channel`,`chat_id`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`parent_id` integer,
	`domains` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_name_unique` ON `units` (`name`);--> statement-breakpoint
CREATE TABLE `word_lists` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`extra` text,
	`created_by` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `word_lists_kind_value` ON `word_lists` (`kind`,`value`);
/**
 * The database schema (drizzle-orm, SQLite dialect: better-sqlite3 on Node, D1 on Workers).
 *
 * Conventions:
 * - instants are integer milliseconds since the epoch (`*_at`); calendar days in Asia/Shanghai are
 *   text `YYYY-MM-DD` (`*_on`, `*_date`);
 * - ids that users type (F<n>, R<n>, T<n>, A<n>) are allocated from `counters` before the write that uses them,
 *   so one atomic batch can insert a row and the message that names it;
 * - JSON columns hold small structured values (warnings, findings, scope lists).
 */
import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

export const units = sqliteTable('units', {
  id: integer('id').primaryKey(),
  name: text('name').notNull().unique(),
  parentId: integer('parent_id'),
  domains: text('domains', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  /** township | department | affiliated; null for units from before kinds */
  kind: text('kind'),
  createdAt: integer('created_at').notNull(),
});

/** A unit's work group on a platform: its reminders and notices go there. */
export const unitChats = sqliteTable(
  'unit_chats',
  {
    unitId: integer('unit_id').notNull(),
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    /** a WeCom group's push webhook address (secret) */
    pushUrl: text('push_url'),
    boundAt: integer('bound_at').notNull(),
    boundBy: integer('bound_by'),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.channel] }), index('unit_chats_chat').on(t.channel, t.chatId)],
);

export const people = sqliteTable('people', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  title: text('title'),
  phone: text('phone'),
  unitId: integer('unit_id'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
});

export const identities = sqliteTable(
  'identities',
  {
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    personId: integer('person_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.externalId] }), index('identities_person').on(t.personId)],
);

/** Roles per unit; the admin role has unit_id 0 (it is global). */
export const roles = sqliteTable(
  'roles',
  {
    personId: integer('person_id').notNull(),
    unitId: integer('unit_id').notNull(),
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.unitId, t.role] }), index('roles_unit').on(t.unitId, t.role)],
);

export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey(),
    unitId: integer('unit_id').notNull(),
    platform: text('platform').notNull(),
    name: text('name').notNull(),
    externalId: text('external_id'),
    url: text('url'),
    openedOn: text('opened_on'),
    status: text('status').notNull(),
    operation: text('operation').notNull().default('self'),
    operatorName: text('operator_name'),
    operatorKind: text('operator_kind'),
    officerId: integer('officer_id'),
    feedUrl: text('feed_url'),
    passwordChangedOn: text('password_changed_on'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('accounts_unit').on(t.unitId, t.platform), index('accounts_name').on(t.name, t.platform)],
);

export const filings = sqliteTable(
  'filings',
  {
    id: integer('id').primaryKey(),
    accountId: integer('account_id').notNull(),
    unitId: integer('unit_id').notNull(),
    kind: text('kind').notNull(),
    eventDate: text('event_date').notNull(),
    dueDate: text('due_date').notNull(),
    filedAt: integer('filed_at').notNull(),
    late: integer('late', { mode: 'boolean' }).notNull(),
    emergency: integer('emergency', { mode: 'boolean' }).notNull().default(false),
    calendarFallback: integer('calendar_fallback', { mode: 'boolean' }).notNull().default(false),
    status: text('status').notNull(),
    reason: text('reason'),
    changes: text('changes', { mode: 'json' }).$type<Record<string, { from: string | null; to: string | null }>>(),
    warnings: text('warnings', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    filedBy: integer('filed_by'),
    confirmedBy: integer('confirmed_by'),
    confirmedAt: integer('confirmed_at'),
  },
  (t) => [index('filings_account').on(t.accountId), index('filings_status').on(t.status)],
);

export const posts = sqliteTable(
  'posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id').notNull(),
    publishedAt: integer('published_at').notNull(),
    title: text('title'),
    url: text('url'),
    source: text('source').notNull(),
    externalId: text('external_id'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('posts_account_time').on(t.accountId, t.publishedAt),
    uniqueIndex('posts_account_external').on(t.accountId, t.externalId),
  ],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).$type<unknown>().notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: integer('updated_by'),
});

export const calendarOverrides = sqliteTable('calendar_overrides', {
  date: text('date').primaryKey(),
  kind: text('kind').notNull(),
  note: text('note'),
  /** set when the day came from an imported holiday notice for that year */
  noticeYear: integer('notice_year'),
  createdBy: integer('created_by'),
  createdAt: integer('created_at').notNull(),
});

/** A pasted holiday notice waiting for the admin's confirmation (/节假日 导入), then applied or cancelled. */
export const holidayImports = sqliteTable('holiday_imports', {
  id: integer('id').primaryKey(),
  year: integer('year').notNull(),
  days: text('days', { mode: 'json' }).$type<{ date: string; kind: string; festival: string }[]>().notNull(),
  status: text('status').notNull(),
  createdBy: integer('created_by'),
  createdAt: integer('created_at').notNull(),
  decidedAt: integer('decided_at'),
});

/** Admin-maintained lists for the review pre-checks: banned expressions, leaders' names and titles, allowed domains. */
export const wordLists = sqliteTable(
  'word_lists',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    extra: text('extra'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('word_lists_kind_value').on(t.kind, t.value)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorId: integer('actor_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_subject').on(t.subject), index('audit_at').on(t.at)],
);

/** Platform event ids already handled (webhook de-duplication); kept at least 7 days. */
export const inboundEvents = sqliteTable(
  'inbound_events',
  {
    id: text('id').primaryKey(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('inbound_events_received').on(t.receivedAt)],
);

/**
 * Outgoing messages, written in the same batch as the change that caused them and sent by the delivery loop.
 * `dedupe_key` makes an enqueue idempotent (reminders, notifications keyed by their subject and period).
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').unique(),
    channel: text('channel').notNull(),
    targetType: text('target_type').notNull(),
    target: text('target').notNull(),
    replyTo: text('reply_to'),
    /** for target_type 'update': the dedupe key of the message whose card this replaces */
    updateOf: text('update_of'),
    /** a one-use platform token for the update (WeCom's ResponseCode) */
    updateToken: text('update_token'),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    platformMessageId: text('platform_message_id'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt)],
);

export const reviews = sqliteTable(
  'reviews',
  {
    id: integer('id').primaryKey(),
    unitId: integer('unit_id').notNull(),
    accountId: integer('account_id').notNull(),
    title: text('title').notNull(),
    level: text('level').notNull(),
    link: text('link'),
    content: text('content'),
    plannedAt: integer('planned_at'),
    deadlineAt: integer('deadline_at'),
    requesterId: integer('requester_id').notNull(),
    status: text('status').notNull(),
    currentStep: integer('current_step').notNull().default(1),
    findings: text('findings', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
    sourceChannel: text('source_channel'),
    sourceChat: text('source_chat'),
    createdAt: integer('created_at').notNull(),
    decidedAt: integer('decided_at'),
    publishedAt: integer('published_at'),
    publishedUrl: text('published_url'),
  },
  (t) => [index('reviews_status').on(t.status), index('reviews_unit').on(t.unitId)],
);

export const reviewSteps = sqliteTable(
  'review_steps',
  {
    reviewId: integer('review_id').notNull(),
    step: integer('step').notNull(),
    role: text('role').notNull(),
    approverId: integer('approver_id'),
    status: text('status').notNull(),
    comment: text('comment'),
    decidedAt: integer('decided_at'),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.step] }), index('review_steps_approver').on(t.approverId, t.status)],
);

export const repostTasks = sqliteTable('repost_tasks', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  url: text('url').notNull(),
  note: text('note'),
  deadlineAt: integer('deadline_at').notNull(),
  scope: text('scope', { mode: 'json' }).$type<{ units: number[] | 'all'; platforms: string[] | 'all' }>().notNull(),
  status: text('status').notNull(),
  createdBy: integer('created_by'),
  createdAt: integer('created_at').notNull(),
  closedAt: integer('closed_at'),
  closedBy: integer('closed_by'),
});

export const repostTargets = sqliteTable(
  'repost_targets',
  {
    taskId: integer('task_id').notNull(),
    accountId: integer('account_id').notNull(),
    unitId: integer('unit_id').notNull(),
    doneAt: integer('done_at'),
    doneBy: integer('done_by'),
    link: text('link'),
    late: integer('late', { mode: 'boolean' }),
    via: text('via'),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.accountId] }), index('repost_targets_unit').on(t.unitId, t.doneAt)],
);

/**
 * Reminders already sent: the sweep never sends one twice. A reminder is (period, kind, account, ref) — its key
 * `kind:subject:period` in the domain — with `ref` the repost task, the review or the year it is about (0 when the
 * account alone is the subject). WITHOUT ROWID: the primary key is the table, so recording a reminder writes one
 * b-tree, the sweep's look-ups of an account's reminder of a period are one seek, and forgetting old periods is one
 * range of the key.
 */
export const reminders = sqliteTable(
  'reminders',
  {
    period: text('period').notNull(),
    kind: text('kind').notNull(),
    /** 0 when the reminder is not about an account */
    accountId: integer('account_id').notNull().default(0),
    ref: integer('ref').notNull().default(0),
    unitId: integer('unit_id'),
    createdAt: integer('created_at').notNull(),
    /** the sweep that recorded it (`sweep_tokens` while no admins' summary has counted it); 1: counted when recorded */
    token: integer('token').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.period, t.kind, t.accountId, t.ref] })],
);

/**
 * Sweeps whose reminders were recorded page by page and not yet counted in an admins' summary, with how many they
 * recorded. The sweep's last commit (or the next sweep's, when it was cut off) deletes its row.
 */
export const sweepTokens = sqliteTable('sweep_tokens', {
  token: integer('token').primaryKey(),
  recorded: integer('recorded').notNull(),
});

/**
 * Each account's publishing activity, kept by triggers on `posts` (storage/migrations/0006_account_activity.sql) in
 * the same statement that records a post, so the daily sweep reads one row per account instead of its posts:
 * the latest post, and the number of posts per ISO week (keyed by the week's Monday, Asia/Shanghai).
 */
export const accountActivity = sqliteTable('account_activity', {
  accountId: integer('account_id').primaryKey(),
  lastPostAt: integer('last_post_at').notNull(),
});

export const postWeeks = sqliteTable(
  'post_weeks',
  {
    accountId: integer('account_id').notNull(),
    /** the Monday of the post's ISO week (Asia/Shanghai), `YYYY-MM-DD` */
    monday: text('monday').notNull(),
    posts: integer('posts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.monday] })],
);

/**
 * Daily sweeps that completed, recorded in the same commit as their reminders: the scheduler runs a missed sweep once
 * when the server comes back the same day, and not again after one has run.
 */
export const sweepRuns = sqliteTable(
  'sweep_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runDate: text('run_date').notNull(),
    /** the moment the sweep ran as of (`remind --now` simulates one) */
    asOf: integer('as_of').notNull(),
    ranAt: integer('ran_at').notNull(),
    trigger: text('trigger').notNull(),
    items: integer('items').notNull().default(0),
    messages: integer('messages').notNull().default(0),
    /**
     * What the sweep's per-account pages were read against: `sweep_changes.n` when it started, and the settings it
     * asked with (src/jobs/sweep.ts). A later sweep of the same day with the same basis needs not read them again.
     */
    basis: text('basis'),
  },
  (t) => [index('sweep_runs_date').on(t.runDate, t.asOf)],
);

/**
 * One row (id 1), kept by triggers (storage/migrations/0011_sweep_changes.sql) on every table the daily sweep's
 * per-account pages read: `n` counts the changes, `horizon` is the latest creation time of an account or repost task
 * (a row created "later" than a sweep's moment becomes visible to a later sweep without any write).
 */
export const sweepChanges = sqliteTable('sweep_changes', {
  id: integer('id').primaryKey(),
  n: integer('n').notNull(),
  horizon: integer('horizon').notNull(),
});

/** Per-account feed polling state. */
export const feedState = sqliteTable('feed_state', {
  accountId: integer('account_id').primaryKey(),
  url: text('url').notNull(),
  etag: text('etag'),
  lastModified: text('last_modified'),
  lastCheckedAt: integer('last_checked_at'),
  lastOkAt: integer('last_ok_at'),
  nextCheckAt: integer('next_check_at').notNull().default(0),
  failures: integer('failures').notNull().default(0),
  lastError: text('last_error'),
});

/**
 * A write that must not be lost to a race: `INSERT INTO guards SELECT 0 WHERE changes() = 0` right after a conditional
 * UPDATE fails the whole batch (CHECK constraint) when the update touched no row. Works inside a better-sqlite3
 * transaction and inside a D1 batch alike. No row is ever stored here.
 */
export const guards = sqliteTable('guards', { ok: integer('ok').notNull() }, (t) => [
  check('guards_ok', sql`${t.ok} = 1`),
]);

/** Files the bot sends (an exported register, a report), stored with the command that made them. */
export const files = sqliteTable('files', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  mime: text('mime').notNull(),
  bytes: blob('bytes', { mode: 'buffer' }).notNull(),
  createdAt: integer('created_at').notNull(),
  createdBy: integer('created_by'),
});

/** Register import previews (I<n>): the roster read from a file, applied when an admin confirms. */
export const importPreviews = sqliteTable(
  'import_previews',
  {
    id: integer('id').primaryKey(),
    fileName: text('file_name').notNull(),
    roster: text('roster', { mode: 'json' }).$type<unknown>().notNull(),
    planDigest: text('plan_digest').notNull(),
    status: text('status').notNull(),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
    decidedBy: integer('decided_by'),
    decidedAt: integer('decided_at'),
  },
  (t) => [index('import_previews_status').on(t.status)],
);

/**
 * One-time codes that bind a chat identity (e.g. WeChat through Wechaty) to a registered person: an admin issues one for a
 * person, the person sends it to the bot. Only the code's SHA-256 is kept; a code is used once and expires.
 */
export const bindCodes = sqliteTable(
  'bind_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    codeHash: text('code_hash').notNull(),
    personId: integer('person_id').notNull(),
    createdAt: integer('created_at').notNull(),
    createdBy: integer('created_by'),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    usedBy: text('used_by'),
  },
  (t) => [index('bind_codes_hash').on(t.codeHash), index('bind_codes_person').on(t.personId)],
);

/** Wrong codes sent to the bot, per sender, to stop guessing. */
export const bindFailures = sqliteTable(
  'bind_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    identity: text('identity').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('bind_failures_identity').on(t.identity, t.at)],
);

/**
 * Small values a channel keeps between requests and processes (a platform access token, a card's one-use update
 * code), each with an expiry. Shared by the server and the CLI through the database.
 */
export const channelState = sqliteTable('channel_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  expiresAt: integer('expires_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Issued quarterly reports (/通报 发布): the computed figures as they were issued, shown unchanged from then on. */
export const reportSnapshots = sqliteTable('report_snapshots', {
  quarter: text('quarter').primaryKey(),
  report: text('report', { mode: 'json' }).$type<unknown>().notNull(),
  issuedAt: integer('issued_at').notNull(),
  issuedBy: integer('issued_by'),
});

/**
 * The daily sweep's queries (src/ports/sweep.ts). Each kind of reminder is one statement over the register (asked a
 * page of account ids at a time), using the `posts (account_id, published_at)` index for per-account seeks, so a
 * national register stays fast (see test/bench/sweep.bench.ts). Instants are epoch milliseconds; a post's Shanghai
 * day is `date((published_at + 8 h) / 1000, 'unixepoch')`. Every statement runs on SQLite ≥ 3.35 (D1 included).
 *
 * Writes are raw statements (no query builder per row): a sweep may record a hundred thousand reminders. Multi-row
 * inserts stay under D1's 100 bound parameters per statement.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ChannelName } from '../../src/domain/model.js';
import type {
  AccountRow,
  Contact,
  Contacts,
  FeedProblemRow,
  IdleAccountRow,
  PasswordRow,
  ReminderRecord,
  RepostRow,
  ReviewRow,
  SweepRun,
  SweepStore,
  SweepTrigger,
  WeeklyRow,
} from '../../src/ports/sweep.js';
import type { Writes } from '../../src/ports/write.js';
import type { Db } from '../executor/types.js';
import { SqlWrite } from '../write.js';
import { allRows, date, ms } from './rows.js';

const SHANGHAI_MS = 8 * 3_600_000;
/** The Shanghai calendar day of an epoch-ms column, as text. */
const dayOf = (col: string): string => `date((${col} + ${SHANGHAI_MS}) / 1000, 'unixepoch')`;

/** Columns every account row carries (`a` is the account). */
const ACCOUNT_COLUMNS = 'a.id AS accountId, a.unit_id AS unitId, a.name AS name, a.platform AS platform';

type Raw<T> = { [K in keyof T]: T[K] extends Date ? number : T[K] extends Date | null ? number | null : T[K] };

const account = (r: Raw<AccountRow>): AccountRow => ({
  accountId: Number(r.accountId),
  unitId: Number(r.unitId),
  name: r.name,
  platform: r.platform,
});

/** Rows per multi-row insert into `reminders`: 7 parameters each, under D1's limit of 100 per statement. */
const REMINDER_ROWS_PER_STATEMENT = 14;
const IN_CHUNK = 90;

const DAY_MS = 86_400_000;
/** The Monday (`YYYY-MM-DD`) when [from, to) is exactly one ISO week in Asia/Shanghai, else null. */
function isoWeekMonday(from: Date, to: Date): string | null {
  const local = from.getTime() + SHANGHAI_MS;
  if (to.getTime() - from.getTime() !== 7 * DAY_MS || local % DAY_MS !== 0) return null;
  const d = new Date(local);
  return d.getUTCDay() === 1 ? d.toISOString().slice(0, 10) : null;
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export function createSweepStore(db: Db): SweepStore {
  const all = <T>(q: SQL): Promise<T[]> => allRows<T>(db, q);

  return {
    async unitIds() {
      const [r] = await all<{ min: number | null; max: number | null }>(
        sql`SELECT min(id) AS min, max(id) AS max FROM units`,
      );
      return r && r.min !== null && r.max !== null ? { min: Number(r.min), max: Number(r.max) } : null;
    },

    // The latest post comes from `account_activity` (kept by a trigger on posts); only when it is after `now` (a
    // sweep as of an earlier moment, a post dated ahead) are that account's posts asked for the latest before `now`.
    // MATERIALIZED: the expression runs once per account (a flattened subquery would run it again in WHERE).
    async idleAccounts({ now, sinceDate, postBefore, units }) {
      const t = ms(now);
      const rows = await all<Raw<IdleAccountRow>>(sql`
        WITH x AS MATERIALIZED (
          SELECT a.id AS accountId, a.unit_id AS unitId, a.name AS name, a.platform AS platform, a.opened_on AS openedOn,
            a.created_at AS createdAt,
            CASE WHEN v.last_post_at IS NULL OR v.last_post_at <= ${t} THEN v.last_post_at
              ELSE (SELECT max(p.published_at) FROM posts p WHERE p.account_id = a.id AND p.published_at <= ${t}) END AS lastPostAt
          FROM accounts a LEFT JOIN account_activity v ON v.account_id = a.id
          WHERE a.unit_id BETWEEN ${units.from} AND ${units.to} AND a.status = 'active' AND a.created_at <= ${t}
        )
        SELECT * FROM x
        WHERE CASE WHEN lastPostAt IS NOT NULL THEN lastPostAt < ${ms(postBefore)}
                   ELSE coalesce(openedOn, ${sql.raw(dayOf('createdAt'))}) <= ${sinceDate} END
        ORDER BY accountId`);
      return rows.map((r) => ({
        accountId: Number(r.accountId),
        unitId: Number(r.unitId),
        name: r.name,
        platform: r.platform,
        lastPostAt: date(r.lastPostAt),
        openedOn: r.openedOn,
        createdAt: date(r.createdAt),
      }));
    },

    // A whole ISO week (Monday 00:00 to Monday 00:00, Asia/Shanghai) is one row of `post_weeks` (kept by a trigger on
    // posts); any other span counts the account's posts.
    async weeklyShortfall({ now, from, to, existedBy, min, units }) {
      const monday = isoWeekMonday(from, to);
      const count =
        monday === null
          ? sql`(SELECT count(*) FROM posts p WHERE p.account_id = a.id AND p.published_at >= ${ms(from)} AND p.published_at < ${ms(to)})`
          : sql`coalesce((SELECT w.posts FROM post_weeks w WHERE w.account_id = a.id AND w.monday = ${monday}), 0)`;
      const rows = await all<Raw<WeeklyRow>>(sql`
        WITH x AS MATERIALIZED (
          SELECT a.id AS accountId, a.unit_id AS unitId, a.name AS name, a.platform AS platform, ${count} AS posts
          FROM accounts a
          WHERE a.unit_id BETWEEN ${units.from} AND ${units.to} AND a.status = 'active'
            AND a.created_at < ${Math.min(ms(from), ms(now))}
            AND coalesce(a.opened_on, ${sql.raw(dayOf('a.created_at'))}) <= ${existedBy}
        )
        SELECT * FROM x WHERE posts < ${min} ORDER BY accountId`);
      return rows; // already in shape: integer columns come back as numbers
    },

    async overdueReviews({ now }) {
      const t = ms(now);
      const rows = await all<Raw<ReviewRow>>(sql`
        SELECT r.id AS reviewId, r.unit_id AS unitId, a.name AS accountName, r.title AS title,
          r.level AS level, r.planned_at AS plannedAt, r.deadline_at AS deadlineAt, r.requester_id AS requesterId,
          rq.name AS requesterName, r.current_step AS currentStep, s.approver_id AS approverId, ap.name AS approverName
        FROM reviews r
        LEFT JOIN accounts a ON a.id = r.account_id
        LEFT JOIN people rq ON rq.id = r.requester_id
        LEFT JOIN review_steps s ON s.review_id = r.id AND s.step = r.current_step AND s.status = 'pending'
        LEFT JOIN people ap ON ap.id = s.approver_id
        WHERE r.status = 'pending' AND r.created_at <= ${t}
          AND ((r.deadline_at IS NOT NULL AND r.deadline_at <= ${t}) OR (r.planned_at IS NOT NULL AND r.planned_at <= ${t}))
        ORDER BY r.id`);
      return rows.map((r) => ({
        reviewId: Number(r.reviewId),
        unitId: Number(r.unitId),
        accountName: r.accountName,
        title: r.title,
        level: r.level,
        plannedAt: date(r.plannedAt),
        deadlineAt: date(r.deadlineAt),
        requesterId: Number(r.requesterId),
        requesterName: r.requesterName,
        currentStep: Number(r.currentStep),
        approverId: r.approverId === null ? null : Number(r.approverId),
        approverName: r.approverName,
      }));
    },

    async repostProgress({ now }) {
      const rows = await all<{ taskId: number; title: string; deadlineAt: number; done: number; total: number }>(sql`
        SELECT t.id AS taskId, t.title AS title, t.deadline_at AS deadlineAt,
          sum(CASE WHEN g.done_at IS NOT NULL AND g.done_at <= ${ms(now)} THEN 1 ELSE 0 END) AS done, count(*) AS total
        FROM repost_tasks t JOIN repost_targets g ON g.task_id = t.id
        WHERE t.status = 'open' AND t.created_at <= ${ms(now)}
        GROUP BY t.id ORDER BY t.id`);
      return rows.map((r) => ({
        taskId: Number(r.taskId),
        title: r.title,
        deadlineAt: date(r.deadlineAt),
        done: Number(r.done),
        total: Number(r.total),
      }));
    },

    async dueReposts({ now, until, units }) {
      const rows = await all<Raw<RepostRow>>(sql`
        SELECT a.id AS accountId, g.unit_id AS unitId, a.name AS name, a.platform AS platform, t.id AS taskId, t.title AS title, t.deadline_at AS deadlineAt
        FROM repost_tasks t
        JOIN repost_targets g ON g.task_id = t.id
        JOIN accounts a ON a.id = g.account_id
        WHERE t.status = 'open' AND g.done_at IS NULL AND a.status = 'active'
          AND g.unit_id BETWEEN ${units.from} AND ${units.to}
          AND t.deadline_at < ${ms(until)} AND t.created_at <= ${ms(now)}
        ORDER BY g.unit_id, t.id, a.id`);
      return rows.map((r) => ({
        ...account(r),
        taskId: Number(r.taskId),
        title: r.title,
        deadlineAt: date(r.deadlineAt),
      }));
    },

    async passwordsDue({ now, sinceDate, units }) {
      const rows = await all<Raw<PasswordRow>>(sql`
        SELECT ${sql.raw(ACCOUNT_COLUMNS)}, a.password_changed_on AS passwordChangedOn,
          coalesce(a.password_changed_on, a.opened_on, ${sql.raw(dayOf('a.created_at'))}) AS since
        FROM accounts a
        WHERE a.unit_id BETWEEN ${units.from} AND ${units.to} AND a.status = 'active' AND a.created_at <= ${ms(now)}
          AND coalesce(a.password_changed_on, a.opened_on, ${sql.raw(dayOf('a.created_at'))}) <= ${sinceDate}
        ORDER BY a.id`);
      return rows; // already in shape
    },

    // CROSS JOIN: read the few feeds and seek their accounts (not every account in unit order for the ORDER BY).
    async feedProblems({ minFailures }) {
      const rows = await all<Raw<FeedProblemRow>>(sql`
        SELECT ${sql.raw(ACCOUNT_COLUMNS)}, s.url AS feedUrl, s.failures AS failures, s.last_error AS lastError,
          s.last_ok_at AS lastOkAt, s.last_checked_at AS lastCheckedAt
        FROM feed_state s
        CROSS JOIN accounts a ON a.id = s.account_id AND a.feed_url = s.url
        WHERE a.status = 'active' AND s.failures >= ${minFailures}
        ORDER BY a.unit_id, a.id`);
      return rows.map((r) => ({
        ...account(r),
        feedUrl: r.feedUrl,
        failures: Number(r.failures),
        lastError: r.lastError,
        lastOkAt: date(r.lastOkAt),
        lastCheckedAt: date(r.lastCheckedAt),
      }));
    },

    async unitNames() {
      const rows = await all<{ id: number; name: string }>(sql`SELECT id, name FROM units`);
      return new Map(rows.map((r) => [Number(r.id), r.name]));
    },

    async nameCounts() {
      const rows = await all<{ name: string; platform: string; accounts: number }>(
        // a name that only one account carries needs no count (accountRefs takes a missing name as unique)
        sql`SELECT name, platform, count(*) AS accounts FROM accounts
            WHERE name IN (SELECT name FROM accounts GROUP BY name HAVING count(*) > 1) GROUP BY name, platform`,
      );
      return rows.map((r) => ({ name: r.name, platform: r.platform, accounts: Number(r.accounts) }));
    },

    async contacts(personIds) {
      const chats = await all<{ unitId: number; channel: ChannelName; chatId: string }>(
        sql`SELECT unit_id AS unitId, channel, chat_id AS chatId FROM unit_chats WHERE channel <> 'console' ORDER BY unit_id, channel`,
      );
      type Flat = {
        unitId: number | null;
        personId: number;
        name: string;
        channel: ChannelName | null;
        externalId: string | null;
      };
      const group = (rows: Flat[]): (Contact & { unitId: number | null })[] => {
        const out = new Map<string, Contact & { unitId: number | null }>();
        for (const r of rows) {
          const k = `${r.unitId}:${r.personId}`;
          let c = out.get(k);
          if (!c) out.set(k, (c = { unitId: r.unitId, personId: Number(r.personId), name: r.name, identities: [] }));
          if (r.channel !== null && r.externalId !== null)
            c.identities.push({ channel: r.channel, externalId: r.externalId });
        }
        return [...out.values()];
      };
      const liaisonRows = await all<Flat>(sql`
        SELECT r.unit_id AS unitId, p.id AS personId, p.name AS name, i.channel AS channel, i.external_id AS externalId
        FROM roles r
        JOIN people p ON p.id = r.person_id AND p.active = 1
        LEFT JOIN identities i ON i.person_id = p.id
        WHERE r.role = 'liaison'
        ORDER BY r.unit_id, p.id, i.channel`);
      const peopleRows: Flat[] = [];
      for (const ids of chunks([...new Set(personIds)], IN_CHUNK)) {
        peopleRows.push(
          ...(await all<Flat>(sql`
            SELECT NULL AS unitId, p.id AS personId, p.name AS name, i.channel AS channel, i.external_id AS externalId
            FROM people p LEFT JOIN identities i ON i.person_id = p.id
            WHERE p.active = 1 AND p.id IN (${sql.join(
              ids.map((id) => sql`${id}`),
              sql`, `,
            )})
            ORDER BY p.id, i.channel`)),
        );
      }
      const result: Contacts = {
        chats: chats.map((c) => ({ unitId: Number(c.unitId), channel: c.channel, chatId: c.chatId })),
        liaisons: group(liaisonRows).map((c) => ({ ...c, unitId: c.unitId as number })),
        people: group(peopleRows).map(({ personId, name, identities }) => ({ personId, name, identities })),
      };
      return result;
    },

    async sentKeys(periods) {
      const out = new Set<string>();
      for (const ps of chunks([...new Set(periods)], IN_CHUNK)) {
        if (ps.length === 0) continue;
        const rows = await all<{ key: string }>(
          sql`SELECT key FROM reminders WHERE period IN (${sql.join(
            ps.map((p) => sql`${p}`),
            sql`, `,
          )})`,
        );
        for (const r of rows) out.add(r.key);
      }
      return out;
    },

    async unsummarized() {
      const rows = await all<{ key: string; token: number }>(
        sql`SELECT key, summarized AS token FROM reminders WHERE summarized <> 1`,
      );
      return new Map(rows.map((r) => [r.key, Number(r.token)]));
    },

    summarized(tokens, expected) {
      const ts = [...new Set(tokens)];
      if (ts.length === 0) return [];
      if (ts.length > IN_CHUNK) throw new Error(`reminders.summarized: at most ${IN_CHUNK} tokens`);
      return [
        new SqlWrite('reminders.summarized', {
          sql: `UPDATE reminders SET summarized = 1 WHERE summarized IN (${ts.map(() => '?').join(', ')})`,
          params: ts,
        }),
        // another sweep summarized some of them first, or recorded more under these tokens: fail the whole commit
        new SqlWrite('guard:reminders', {
          sql: 'INSERT INTO guards (ok) SELECT 0 WHERE changes() <> ?',
          params: [expected],
        }),
      ];
    },

    record(reminders: readonly ReminderRecord[], at: Date, summary = 1): Writes {
      const writes: SqlWrite[] = [];
      const statement = (n: number): { insert: string; guard: string } => ({
        insert: `INSERT INTO reminders (key, kind, unit_id, account_id, period, created_at, summarized) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (key) DO NOTHING`,
        // Another sweep recorded one of these first (two processes at once): fail the whole commit, so this sweep
        // recomputes what is still new instead of sending it twice. The CHECK on `guards` rejects the 0.
        guard: `INSERT INTO guards (ok) SELECT 0 WHERE changes() <> ${n}`,
      });
      const full = statement(REMINDER_ROWS_PER_STATEMENT);
      const t = ms(at);
      for (let i = 0; i < reminders.length; i += REMINDER_ROWS_PER_STATEMENT) {
        const n = Math.min(REMINDER_ROWS_PER_STATEMENT, reminders.length - i);
        const text = n === REMINDER_ROWS_PER_STATEMENT ? full : statement(n);
        const params: unknown[] = new Array(n * 7);
        for (let k = 0; k < n; k++) {
          const r = reminders[i + k]!;
          params[k * 7] = r.key;
          params[k * 7 + 1] = r.kind;
          params[k * 7 + 2] = r.unitId;
          params[k * 7 + 3] = r.accountId;
          params[k * 7 + 4] = r.period;
          params[k * 7 + 5] = t;
          params[k * 7 + 6] = summary;
        }
        writes.push(
          new SqlWrite('reminders.record', { sql: text.insert, params }),
          new SqlWrite('guard:reminders', { sql: text.guard, params: [] }),
        );
      }
      return writes;
    },

    prune(before, beforeWeek) {
      // Periods are days (2026-11-20) or ISO weeks (2026-W47). As text, a week sorts after every day of its year, so
      // `< day` removes older days and the weeks of earlier years; the second range removes this year's older weeks.
      return [
        new SqlWrite('reminders.prune', { sql: 'DELETE FROM reminders WHERE period < ?', params: [before] }),
        new SqlWrite('reminders.prune', {
          sql: 'DELETE FROM reminders WHERE period >= ? AND period < ?',
          params: [beforeWeek.slice(0, 6), beforeWeek],
        }),
      ];
    },

    recordRun(run: SweepRun): Writes {
      return new SqlWrite('sweep_runs.insert', {
        sql: 'INSERT INTO sweep_runs (run_date, as_of, ran_at, trigger, items, messages) VALUES (?, ?, ?, ?, ?, ?)',
        params: [run.runDate, ms(run.asOf), ms(run.ranAt), run.trigger, run.items, run.messages],
      });
    },

    async lastRun(runDate) {
      const [r] = await all<{
        runDate: string;
        asOf: number;
        ranAt: number;
        trigger: SweepTrigger;
        items: number;
        messages: number;
      }>(sql`
        SELECT run_date AS runDate, as_of AS asOf, ran_at AS ranAt, trigger, items, messages
        FROM sweep_runs WHERE run_date = ${runDate} ORDER BY as_of DESC LIMIT 1`);
      return r
        ? {
            runDate: r.runDate,
            asOf: date(r.asOf),
            ranAt: date(r.ranAt),
            trigger: r.trigger,
            items: Number(r.items),
            messages: Number(r.messages),
          }
        : null;
    },
  };
}

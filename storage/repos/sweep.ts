/**
 * The daily sweep's queries (src/ports/sweep.ts). The per-account kinds are one statement per page of units over its
 * accounts, with each account's activity (`account_activity`, `post_weeks`, kept by triggers on posts) and a seek
 * into `reminders` for what is recorded already, so a sweep with nothing new reads no rows into JS. Reads return raw
 * rows (arrays, `db.values`) through the driver's prepared statements. Instants are epoch milliseconds; a post's
 * Shanghai day is `date((published_at + 8 h) / 1000, 'unixepoch')`. Every statement runs on SQLite >= 3.38 (D1
 * included); lists are passed as one JSON parameter (`json_each`).
 *
 * Writes are raw statements (no query builder per row): a sweep may record a quarter of a million reminders.
 * Multi-row inserts stay under the executor's bound-parameter limit (D1: 100 per statement).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ChannelName } from '../../src/domain/model.js';
import type {
  AccountRow,
  AccountState,
  Contact,
  Contacts,
  FeedProblemRow,
  ReminderRecord,
  ReviewRow,
  SweepRun,
  SweepStore,
  SweepTrigger,
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

/** Bound parameters per reminder row in a multi-row insert (the time and the token are the same for all). */
const PARAMS_PER_REMINDER = 5;
const IN_CHUNK = 90;
/** A list as one parameter: `x IN (SELECT value FROM json_each(?))`. */
const list = (xs: readonly (string | number)[]): SQL => sql`(SELECT value FROM json_each(${JSON.stringify(xs)}))`;
const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

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

export interface SweepStoreOptions {
  /** bound parameters a statement may carry: 100 on D1 (the default); a local SQLite file allows far more */
  maxParams?: number;
}

export function createSweepStore(db: Db, opts: SweepStoreOptions = {}): SweepStore {
  const all = <T>(q: SQL): Promise<T[]> => allRows<T>(db, q);
  const values = async (q: SQL): Promise<unknown[][]> => (await db.values<unknown[]>(q)) as unknown[][];
  const rowsPerInsert = Math.max(1, Math.floor(Math.min(opts.maxParams ?? 100, 999) / PARAMS_PER_REMINDER));

  return {
    async unitIds() {
      const [r] = await all<{ min: number | null; max: number | null }>(
        sql`SELECT min(id) AS min, max(id) AS max FROM units`,
      );
      return r && r.min !== null && r.max !== null ? { min: Number(r.min), max: Number(r.max) } : null;
    },

    // One pass over the page's accounts for dormancy, the weekly cadence and passwords. The latest post comes from
    // `account_activity`; only when it is after `now` (a sweep as of an earlier moment, a post dated ahead) are that
    // account's posts asked for the latest before `now`. A whole ISO week is one row of `post_weeks`; any other span
    // counts the account's posts. Each reminder due is looked up in `reminders` (one seek of its primary key; none
    // when not due), and with `onlyNew` the accounts whose reminders are all recorded never leave SQLite.
    // `LIMIT -1` keeps each step a subquery of its own (SQLite would otherwise repeat its expressions in the next);
    // a dormant or nearly dormant account is told by its dormancy line only, not by the weekly one.
    // (Every column of a raw read has a name of its own: D1 builds its rows by column name.)
    async accountChecks({ now, units, idle, weekly, password, onlyNew }) {
      const t = ms(now);
      const monday = weekly ? isoWeekMonday(weekly.from, weekly.to) : null;
      const posts = !weekly
        ? sql`NULL`
        : monday === null
          ? sql`(SELECT count(*) FROM posts p WHERE p.account_id = a.id AND p.published_at >= ${ms(weekly.from)} AND p.published_at < ${ms(weekly.to)})`
          : sql`coalesce(w.posts, 0)`;
      const idleSince = (c: { sinceDate: string; postBefore: Date }): SQL =>
        sql`CASE WHEN x.last IS NOT NULL THEN x.last < ${ms(c.postBefore)} ELSE x.base <= ${c.sinceDate} END`;
      const idleKind = idle
        ? sql`CASE WHEN ${idleSince(idle.warn)} THEN CASE WHEN ${idleSince(idle.dormant)} THEN 'dormant' ELSE 'idle' END END`
        : sql`NULL`;
      const wanted = (col: string, token: string): SQL =>
        onlyNew
          ? sql`(${sql.raw(col)} IS NOT NULL AND (${sql.raw(token)} IS NULL OR ${sql.raw(token)} IN ${list(onlyNew)}))`
          : sql`${sql.raw(col)} IS NOT NULL`;
      const rows = await values(sql`
        SELECT y.id AS id, y.unit_id AS unit, y.name AS name, y.platform AS platform, y.last AS last,
          y.opened_on AS opened, y.created_at AS created, y.idle AS idle, ri.token AS idleToken, y.short AS short,
          rw.token AS weeklyToken, y.password_changed_on AS changed, y.due AS due, rp.token AS passwordToken
        FROM (
          SELECT x.*, ${idleKind} AS idle,
            ${weekly ? sql`CASE WHEN (${idleKind}) IS NULL AND x.existed AND x.posts < ${weekly.min} THEN x.posts END` : sql`NULL`} AS short,
            ${password ? sql`CASE WHEN x.since <= ${password.sinceDate} THEN x.since END` : sql`NULL`} AS due
          FROM (
            SELECT a.id, a.unit_id, a.name, a.platform, a.opened_on, a.created_at, a.password_changed_on,
              CASE WHEN v.last_post_at IS NULL OR v.last_post_at <= ${t} THEN v.last_post_at
                ELSE (SELECT max(p.published_at) FROM posts p WHERE p.account_id = a.id AND p.published_at <= ${t}) END AS last,
              coalesce(a.opened_on, ${sql.raw(dayOf('a.created_at'))}) AS base,
              coalesce(a.password_changed_on, a.opened_on, ${sql.raw(dayOf('a.created_at'))}) AS since,
              ${weekly ? sql`a.created_at < ${Math.min(ms(weekly.from), t)} AND coalesce(a.opened_on, ${sql.raw(dayOf('a.created_at'))}) <= ${weekly.existedBy}` : sql`0`} AS existed,
              ${posts} AS posts
            FROM accounts a
            LEFT JOIN account_activity v ON v.account_id = a.id
            ${monday === null ? sql`` : sql`LEFT JOIN post_weeks w ON w.account_id = a.id AND w.monday = ${monday}`}
            WHERE a.unit_id BETWEEN ${units.from} AND ${units.to} AND a.status = 'active' AND a.created_at <= ${t}
            LIMIT -1
          ) x
          LIMIT -1
        ) y
        LEFT JOIN reminders ri ON ri.period = ${idle?.period ?? ''} AND ri.kind = y.idle AND ri.account_id = y.id AND ri.ref = 0
        LEFT JOIN reminders rw ON rw.period = ${weekly?.period ?? ''} AND rw.kind = 'weekly'
          AND rw.account_id = (CASE WHEN y.short IS NOT NULL THEN y.id END) AND rw.ref = 0
        LEFT JOIN reminders rp ON rp.period = ${password?.period ?? ''} AND rp.kind = 'password'
          AND rp.account_id = (CASE WHEN y.due IS NOT NULL THEN y.id END) AND rp.ref = 0
        WHERE ${wanted('y.idle', 'ri.token')} OR ${wanted('y.short', 'rw.token')} OR ${wanted('y.due', 'rp.token')}
        ORDER BY y.id`);
      return rows.map(
        (r): AccountState => ({
          accountId: Number(r[0]),
          unitId: Number(r[1]),
          name: String(r[2]),
          platform: String(r[3]),
          lastPostAt: r[4] === null ? null : new Date(Number(r[4])),
          openedOn: str(r[5]),
          createdAt: new Date(Number(r[6])),
          idle: r[7] === 'dormant' || r[7] === 'idle' ? r[7] : null,
          idleToken: int(r[8]),
          weeklyPosts: int(r[9]),
          weeklyToken: int(r[10]),
          passwordChangedOn: str(r[11]),
          passwordSince: str(r[12]),
          passwordToken: int(r[13]),
        }),
      );
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

    async dueReposts({ now, until, units, period, onlyNew }) {
      const rows = await values(sql`
        SELECT a.id AS accountId, g.unit_id AS unitId, a.name AS name, a.platform AS platform, t.id AS taskId,
          t.title AS title, t.deadline_at AS deadlineAt, r.token AS token
        FROM repost_tasks t
        JOIN repost_targets g ON g.task_id = t.id
        JOIN accounts a ON a.id = g.account_id
        LEFT JOIN reminders r ON r.period = ${period} AND r.kind = 'repost' AND r.account_id = a.id AND r.ref = t.id
        WHERE t.status = 'open' AND g.done_at IS NULL AND a.status = 'active'
          AND g.unit_id BETWEEN ${units.from} AND ${units.to}
          AND t.deadline_at < ${ms(until)} AND t.created_at <= ${ms(now)}
          ${onlyNew ? sql`AND (r.token IS NULL OR r.token IN ${list(onlyNew)})` : sql``}
        ORDER BY g.unit_id, t.id, a.id`);
      return rows.map((r) => ({
        accountId: Number(r[0]),
        unitId: Number(r[1]),
        name: String(r[2]),
        platform: String(r[3]),
        taskId: Number(r[4]),
        title: String(r[5]),
        deadlineAt: new Date(Number(r[6])),
        token: int(r[7]),
      }));
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

    async nameCounts(names) {
      if (names.length === 0) return [];
      const rows = await values(
        sql`SELECT name, platform, count(*) AS n FROM accounts WHERE name IN ${list([...new Set(names)])} GROUP BY name, platform`,
      );
      return rows.map((r) => ({ name: String(r[0]), platform: String(r[1]), accounts: Number(r[2]) }));
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

    async recorded(periods, kinds) {
      if (periods.length === 0 || kinds.length === 0) return [];
      const rows = await values(sql`
        SELECT kind, period, account_id, ref, token FROM reminders
        WHERE period IN ${list([...new Set(periods)])} AND kind IN ${list([...new Set(kinds)])}`);
      return rows.map((r) => ({
        kind: String(r[0]),
        period: String(r[1]),
        accountId: Number(r[2]) === 0 ? null : Number(r[2]),
        ref: Number(r[3]),
        token: Number(r[4]),
      }));
    },

    async unsummarized() {
      const rows = await values(sql`SELECT token, recorded FROM sweep_tokens`);
      return new Map(rows.map((r) => [Number(r[0]), Number(r[1])]));
    },

    summarized(tokens, expected) {
      const ts = JSON.stringify([...new Set(tokens)]);
      return [
        // another sweep counted some of them first, or recorded more under these tokens: fail the whole commit
        new SqlWrite('guard:reminders', {
          sql: 'INSERT INTO guards (ok) SELECT 0 WHERE (SELECT coalesce(sum(recorded), 0) FROM sweep_tokens WHERE token IN (SELECT value FROM json_each(?))) <> ?',
          params: [ts, expected],
        }),
        new SqlWrite('reminders.summarized', {
          sql: 'DELETE FROM sweep_tokens WHERE token IN (SELECT value FROM json_each(?))',
          params: [ts],
        }),
      ];
    },

    record(reminders: readonly ReminderRecord[], at: Date, token = 1): Writes {
      const writes: SqlWrite[] = [];
      if (reminders.length === 0) return writes;
      // the time and the token are numbers of ours, the same for every row: written into the statement
      const tail = `, ${Math.trunc(ms(at))}, ${Math.trunc(token)})`;
      const statement = (n: number): { insert: string; guard: string } => ({
        insert: `INSERT INTO reminders (period, kind, account_id, ref, unit_id, created_at, token) VALUES ${Array.from({ length: n }, () => `(?, ?, ?, ?, ?${tail}`).join(', ')} ON CONFLICT DO NOTHING`,
        // Another sweep recorded one of these first (two processes at once): fail the whole commit, so this sweep
        // recomputes what is still new instead of sending it twice. The CHECK on `guards` rejects the 0.
        guard: `INSERT INTO guards (ok) SELECT 0 WHERE changes() <> ${n}`,
      });
      const per = rowsPerInsert;
      const full = statement(per);
      for (let i = 0; i < reminders.length; i += per) {
        const n = Math.min(per, reminders.length - i);
        const text = n === per ? full : statement(n);
        const params: unknown[] = new Array(n * PARAMS_PER_REMINDER);
        for (let k = 0; k < n; k++) {
          const r = reminders[i + k]!;
          const o = k * PARAMS_PER_REMINDER;
          params[o] = r.period;
          params[o + 1] = r.kind;
          params[o + 2] = r.accountId ?? 0;
          params[o + 3] = r.ref;
          params[o + 4] = r.unitId;
        }
        writes.push(
          new SqlWrite('reminders.record', { sql: text.insert, params }),
          new SqlWrite('guard:reminders', { sql: text.guard, params: [] }),
        );
      }
      if (token !== 1) {
        writes.push(
          new SqlWrite('sweep_tokens.add', {
            sql: 'INSERT INTO sweep_tokens (token, recorded) VALUES (?, ?) ON CONFLICT (token) DO UPDATE SET recorded = recorded + excluded.recorded',
            params: [token, reminders.length],
          }),
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
        sql: 'INSERT INTO sweep_runs (run_date, as_of, ran_at, trigger, items, messages, basis) VALUES (?, ?, ?, ?, ?, ?, ?)',
        params: [run.runDate, ms(run.asOf), ms(run.ranAt), run.trigger, run.items, run.messages, run.basis ?? null],
      });
    },

    async changes() {
      const [r] = await values(sql`SELECT n FROM sweep_changes WHERE id = 1`);
      return r ? Number(r[0]) : -1;
    },

    async unchangedSince(runDate, basis, now) {
      const [r] = await values(sql`
        SELECT EXISTS (
          SELECT 1 FROM sweep_runs r JOIN sweep_changes c ON c.id = 1
          WHERE r.run_date = ${runDate} AND r.basis = ${basis} AND r.as_of <= ${ms(now)} AND c.horizon <= r.as_of
        ) AS same`);
      return r !== undefined && Number(r[0]) === 1;
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

/**
 * The quarterly report's queries (src/ports/report.ts). Per page of account ids, one statement: the accounts with
 * their filings, the last post before the period and the period's post days as one string (both index seeks on
 * `posts (account_id, published_at)`; the gaps between post days and the weeks that reached 每周最少更新 are worked
 * out here); then the reviews and repost targets due in the period. Post days are Shanghai days as whole-day numbers:
 * `(published_at + 8 h) / 1 day`. Plain SQLite (D1 included).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { AccountFacts, Report, Tally } from '../../src/domain/report.js';
import { addDays, type DateStr, daysBetween, mondayOf } from '../../src/domain/time.js';
import type { FactsQuery, IssuedReport, ReportStore } from '../../src/ports/report.js';
import type { Writes } from '../../src/ports/write.js';
import type { Db } from '../executor/types.js';
import { guardChanged, SqlWrite } from '../write.js';

const SHANGHAI_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const EPOCH: DateStr = '1970-01-01';
const DAY_OF = (col: string): string => `((${col} + ${SHANGHAI_MS}) / ${DAY_MS})`;

/** Day numbers to `YYYY-MM-DD`, memoised: a report sees a few hundred distinct days. */
const dayCache = new Map<number, DateStr>();
function dayStr(n: number): DateStr {
  let s = dayCache.get(n);
  if (s === undefined) {
    s = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (dayCache.size > 50_000) dayCache.clear();
    dayCache.set(n, s);
  }
  return s;
}

/** One row of the page query, in column order (read as arrays: no object per row). */
type AccountRow = [
  id: number,
  unitId: number,
  name: string,
  platform: string,
  openedOn: DateStr,
  closedOn: DateStr | null,
  openFiled: number | null,
  filings: number | null,
  filingsLate: number | null,
  passwordSince: DateStr,
  lastBefore: number | null,
  /** the period's post days, comma-separated */
  days: string | null,
];

/** An account's posts in the period, from its post days. */
interface PostDays {
  n: number;
  first: number;
  last: number;
  maxGap: number;
  /** consecutive post days at least `dormantDays` apart */
  gaps: [number, number][];
  /** week numbers (from the Monday `m0`) with at least `min` posts */
  weeks: number[];
}

/**
 * Reads `20362,20362,20365,…` (ascending day numbers) in one pass without splitting it. The list comes from
 * group_concat over the index `(account_id, published_at)`, so it is ascending as scanned; should SQLite ever hand it
 * over in another order, it is split and sorted first.
 */
function postDays(list: string, m0: number, dormantDays: number, min: number): PostDays {
  const gaps: [number, number][] = [];
  const weeks: number[] = [];
  let n = 0;
  let first = 0;
  let prev = 0;
  let maxGap = 0;
  let week = -1;
  let inWeek = 0;
  let day = 0;
  const len = list.length;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? list.charCodeAt(i) : 44; // ',' ends the last number too
    if (c !== 44) {
      day = day * 10 + (c - 48);
      continue;
    }
    if (n === 0) first = day;
    else {
      const gap = day - prev;
      if (gap < 0) return sortedPostDays(list, m0, dormantDays, min);
      if (gap > maxGap) maxGap = gap;
      if (gap >= dormantDays) gaps.push([prev, day]);
    }
    n++;
    const w = Math.floor((day - m0) / 7);
    if (w !== week) {
      week = w;
      inWeek = 0;
    }
    if (++inWeek === min) weeks.push(w);
    prev = day;
    day = 0;
  }
  return { n, first, last: prev, maxGap, gaps, weeks };
}

function sortedPostDays(list: string, m0: number, dormantDays: number, min: number): PostDays {
  const days = list
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  return postDays(days.join(','), m0, dormantDays, min);
}

const NO_TALLY: Tally = Object.freeze({ total: 0, late: 0 });

export function createReportStore(db: Db): ReportStore {
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all<T>(q)) as T[];

  return {
    async accountIds() {
      const [r] = await all<{ min: number | null; max: number | null }>(
        sql`SELECT min(id) AS min, max(id) AS max FROM accounts`,
      );
      return r && r.min !== null && r.max !== null ? { min: Number(r.min), max: Number(r.max) } : null;
    },

    async accountFacts(q: FactsQuery) {
      const start = q.start.getTime();
      const end = q.end.getTime();
      const { from: lo, to: hi } = q.ids;
      const createdDay = sql.raw(`date((a.created_at + ${SHANGHAI_MS}) / 1000, 'unixepoch')`);
      const d = sql.raw(DAY_OF('p.published_at'));
      // One statement per page. Per account: its filings (one grouped pass over the page's filings), the last post
      // before the period and the period's post days as one string, both index seeks on posts (account_id,
      // published_at) — so the cost follows the accounts and the period's posts, not the posts' whole history. The
      // gaps and weekly counts are worked out from that string below (window functions over the same rows cost
      // several times as much in SQLite).
      const accounts = await db.values<AccountRow>(sql`
        SELECT x.id, x.unitId, x.name, x.platform, x.openedOn, x.closedOn, x.opened, x.total, x.late, x.passwordSince,
          (SELECT max(p.published_at) FROM posts p WHERE p.account_id = x.id AND p.published_at < ${start}),
          (SELECT group_concat(${d}) FROM posts p
            WHERE p.account_id = x.id AND p.published_at >= ${start} AND p.published_at < ${end})
        FROM (
          SELECT a.id AS id, a.unit_id AS unitId, a.name AS name, a.platform AS platform,
            coalesce(a.opened_on, ${createdDay}) AS openedOn,
            CASE WHEN a.status <> 'active' THEN f.closedOn END AS closedOn,
            a.status AS status, f.opened AS opened, f.total AS total, f.late AS late,
            coalesce(a.password_changed_on, a.opened_on, ${createdDay}) AS passwordSince
          FROM accounts a LEFT JOIN (
            SELECT account_id,
              max(kind = 'open' AND status NOT IN ('rejected', 'voided')) AS opened,
              sum(filed_at >= ${start} AND filed_at < ${end} AND status NOT IN ('rejected', 'voided')) AS total,
              sum(filed_at >= ${start} AND filed_at < ${end} AND status NOT IN ('rejected', 'voided') AND late) AS late,
              max(CASE WHEN kind IN ('suspend', 'close') AND status NOT IN ('rejected', 'voided') THEN event_date END) AS closedOn
            FROM filings WHERE account_id BETWEEN ${lo} AND ${hi} GROUP BY account_id
          ) f ON f.account_id = a.id
          WHERE a.id BETWEEN ${lo} AND ${hi} AND a.created_at < ${end}
        ) x
        WHERE x.openedOn <= ${q.to} AND NOT (x.status <> 'active' AND coalesce(x.closedOn, '') < ${q.from})`);
      if (accounts.length === 0) return [];

      const tallies = async (query: SQL): Promise<Map<number, Tally>> => {
        const rows = await all<{ a: number; total: number; late: number }>(query);
        return new Map(rows.map((r) => [Number(r.a), { total: Number(r.total), late: Number(r.late) }]));
      };
      // a review counts when its deadline fell in the period: on time if decided by then (withdrawn ones do not count)
      const reviews = await tallies(sql`
        SELECT account_id AS a, count(*) AS total, sum(decided_at IS NULL OR decided_at > deadline_at) AS late
        FROM reviews
        WHERE account_id BETWEEN ${lo} AND ${hi} AND deadline_at >= ${start} AND deadline_at < ${end} AND status <> 'withdrawn'
        GROUP BY account_id`);
      const reposts = await tallies(sql`
        SELECT g.account_id AS a, count(*) AS total, sum(g.done_at IS NULL OR g.done_at > t.deadline_at) AS late
        FROM repost_targets g JOIN repost_tasks t ON t.id = g.task_id
        WHERE g.account_id BETWEEN ${lo} AND ${hi} AND t.deadline_at >= ${start} AND t.deadline_at < ${end}
        GROUP BY g.account_id`);

      const m0 = daysBetween(EPOCH, mondayOf(q.from));
      const mondays: DateStr[] = [];
      const monday = (wk: number): DateStr => (mondays[wk] ??= addDays(mondayOf(q.from), 7 * wk));
      const out = new Array<AccountFacts>(accounts.length);
      for (let i = 0; i < accounts.length; i++) {
        const [id, unitId, name, platform, openedOn, closedOn, opened, total, late, passwordSince, before, days] =
          accounts[i]!;
        const p = days === null ? null : postDays(days, m0, q.dormantDays, q.weeklyMinPosts);
        out[i] = {
          accountId: id,
          unitId,
          name,
          platform,
          openedOn,
          closedOn,
          lastPostBefore: before === null ? null : dayStr(Math.floor((before + SHANGHAI_MS) / DAY_MS)),
          posts: p ? p.n : 0,
          firstPost: p ? dayStr(p.first) : null,
          lastPost: p ? dayStr(p.last) : null,
          maxGap: p ? p.maxGap : 0,
          longGaps: p ? p.gaps.map(([a, b]) => [dayStr(a), dayStr(b)] as [DateStr, DateStr]) : [],
          weeksMet: p ? p.weeks.map(monday) : [],
          openFiled: opened === 1,
          filings: total ? { total, late: late ?? 0 } : NO_TALLY,
          reviews: reviews.get(id) ?? NO_TALLY,
          reposts: reposts.get(id) ?? NO_TALLY,
          passwordSince,
        };
      }
      return out;
    },

    async unitNames() {
      const rows = await all<{ id: number; name: string }>(sql`SELECT id, name FROM units`);
      return new Map(rows.map((r) => [Number(r.id), r.name]));
    },

    async issued(quarter) {
      const [r] = await all<{ quarter: string; report: string; issuedAt: number; issuedBy: number | null }>(
        sql`SELECT quarter, report, issued_at AS issuedAt, issued_by AS issuedBy FROM report_snapshots WHERE quarter = ${quarter}`,
      );
      if (!r) return null;
      return {
        quarter: r.quarter,
        report: JSON.parse(r.report) as Report,
        issuedAt: new Date(Number(r.issuedAt)),
        issuedBy: r.issuedBy === null ? null : Number(r.issuedBy),
      };
    },

    issue(r: IssuedReport): Writes {
      return [
        new SqlWrite('report_snapshots.insert', {
          sql: 'INSERT INTO report_snapshots (quarter, report, issued_at, issued_by) VALUES (?, ?, ?, ?) ON CONFLICT (quarter) DO NOTHING',
          params: [r.quarter, JSON.stringify(r.report), r.issuedAt.getTime(), r.issuedBy],
        }),
        guardChanged('report_snapshots.insert'),
      ];
    },
  };
}

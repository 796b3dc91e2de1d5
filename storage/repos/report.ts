/**
 * The quarterly report's queries (src/ports/report.ts). Per page of account ids: the accounts with their filings and
 * last earlier post (index seeks on `posts (account_id, published_at)`), one pass over the period's posts in index
 * order giving each account's post days (gaps between them and the weeks that reached 每周最少更新 are worked out
 * here), and the reviews and repost targets due in the period. Post days are Shanghai days as whole-day numbers:
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

interface AccountRow {
  id: number;
  unitId: number;
  name: string;
  platform: string;
  openedOn: DateStr;
  closedOn: DateStr | null;
  lastBefore: number | null;
  openFiled: number;
  filings: number;
  filingsLate: number;
  passwordSince: DateStr;
}

/** An account's posts in the period, from its post days (day numbers, comma-separated, ascending as scanned). */
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

function postDays(list: string, m0: number, dormantDays: number, min: number): PostDays {
  const parts = list.split(',');
  const days = new Array<number>(parts.length);
  let sorted = true;
  for (let i = 0; i < parts.length; i++) {
    days[i] = Number(parts[i]);
    if (i > 0 && days[i]! < days[i - 1]!) sorted = false;
  }
  if (!sorted) days.sort((a, b) => a - b);
  const gaps: [number, number][] = [];
  const weeks: number[] = [];
  let maxGap = 0;
  let week = -1;
  let inWeek = 0;
  for (let i = 0; i < days.length; i++) {
    const day = days[i]!;
    if (i > 0) {
      const gap = day - days[i - 1]!;
      if (gap > maxGap) maxGap = gap;
      if (gap >= dormantDays) gaps.push([days[i - 1]!, day]);
    }
    const w = Math.floor((day - m0) / 7);
    if (w !== week) {
      week = w;
      inWeek = 0;
    }
    if (++inWeek === min) weeks.push(w);
  }
  return { n: days.length, first: days[0]!, last: days[days.length - 1]!, maxGap, gaps, weeks };
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
      const accounts = await all<AccountRow>(sql`
        WITH f AS MATERIALIZED (
          SELECT account_id,
            max(kind = 'open' AND status NOT IN ('rejected', 'voided')) AS opened,
            sum(filed_at >= ${start} AND filed_at < ${end} AND status NOT IN ('rejected', 'voided')) AS total,
            sum(filed_at >= ${start} AND filed_at < ${end} AND status NOT IN ('rejected', 'voided') AND late) AS late,
            max(CASE WHEN kind IN ('suspend', 'close') AND status NOT IN ('rejected', 'voided') THEN event_date END) AS closedOn
          FROM filings WHERE account_id BETWEEN ${lo} AND ${hi} GROUP BY account_id
        ),
        x AS MATERIALIZED (
          SELECT a.id AS id, a.unit_id AS unitId, a.name AS name, a.platform AS platform,
            coalesce(a.opened_on, ${createdDay}) AS openedOn,
            CASE WHEN a.status <> 'active' THEN f.closedOn END AS closedOn,
            a.status AS status,
            coalesce(f.opened, 0) AS openFiled, coalesce(f.total, 0) AS filings, coalesce(f.late, 0) AS filingsLate,
            coalesce(a.password_changed_on, a.opened_on, ${createdDay}) AS passwordSince
          FROM accounts a LEFT JOIN f ON f.account_id = a.id
          WHERE a.id BETWEEN ${lo} AND ${hi} AND a.created_at < ${end}
        )
        SELECT x.*,
          (SELECT max(p.published_at) FROM posts p WHERE p.account_id = x.id AND p.published_at < ${start}) AS lastBefore
        FROM x
        WHERE x.openedOn <= ${q.to} AND NOT (x.status <> 'active' AND coalesce(x.closedOn, '') < ${q.from})`);
      if (accounts.length === 0) return [];

      // One pass over the period's posts in index order, a string of post days per account; the gaps and weekly
      // counts are worked out below (window functions over the same rows cost ten times as much in SQLite).
      const d = sql.raw(DAY_OF('published_at'));
      const posts = await all<{ a: number; days: string }>(sql`
        SELECT account_id AS a, group_concat(${d}) AS days
        FROM posts
        WHERE account_id BETWEEN ${lo} AND ${hi} AND published_at >= ${start} AND published_at < ${end}
        GROUP BY account_id`);
      const byAccount = new Map<number, PostDays>();
      const m0 = daysBetween(EPOCH, mondayOf(q.from));
      for (const p of posts) byAccount.set(Number(p.a), postDays(p.days, m0, q.dormantDays, q.weeklyMinPosts));

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

      const mondays: DateStr[] = [];
      const monday = (wk: number): DateStr => (mondays[wk] ??= addDays(mondayOf(q.from), 7 * wk));
      return accounts.map((r): AccountFacts => {
        const id = Number(r.id);
        const p = byAccount.get(id);
        return {
          accountId: id,
          unitId: Number(r.unitId),
          name: r.name,
          platform: r.platform,
          openedOn: r.openedOn,
          closedOn: r.closedOn,
          lastPostBefore:
            r.lastBefore === null ? null : dayStr(Math.floor((Number(r.lastBefore) + SHANGHAI_MS) / DAY_MS)),
          posts: p ? p.n : 0,
          firstPost: p ? dayStr(p.first) : null,
          lastPost: p ? dayStr(p.last) : null,
          maxGap: p ? p.maxGap : 0,
          longGaps: p ? p.gaps.map(([a, b]) => [dayStr(a), dayStr(b)] as [DateStr, DateStr]) : [],
          weeksMet: p ? p.weeks.map(monday) : [],
          openFiled: Number(r.openFiled) === 1,
          filings: { total: Number(r.filings), late: Number(r.filingsLate) },
          reviews: reviews.get(id) ?? NO_TALLY,
          reposts: reposts.get(id) ?? NO_TALLY,
          passwordSince: r.passwordSince,
        };
      });
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

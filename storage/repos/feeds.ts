/** The feed store (`FeedStore`, src/ports/feeds.ts): which feeds are due, what they held, and their polling state. */
import { sql, type SQL } from 'drizzle-orm';
import type { FeedState, FeedStore, FeedTarget } from '../../src/ports/feeds.js';
import type { Writes } from '../../src/ports/write.js';
import type { Db } from '../executor/types.js';
import { SqlWrite } from '../write.js';
import { allRows, date, ms } from './rows.js';

interface StateRow {
  accountId: number;
  url: string;
  etag: string | null;
  lastModified: string | null;
  lastCheckedAt: number | null;
  lastOkAt: number | null;
  nextCheckAt: number;
  failures: number;
  lastError: string | null;
}

const STATE_COLUMNS = `s.account_id AS accountId, s.url AS url, s.etag AS etag, s.last_modified AS lastModified,
  s.last_checked_at AS lastCheckedAt, s.last_ok_at AS lastOkAt, s.next_check_at AS nextCheckAt, s.failures AS failures,
  s.last_error AS lastError`;

const toState = (r: StateRow): FeedState => ({
  accountId: Number(r.accountId),
  url: r.url,
  etag: r.etag,
  lastModified: r.lastModified,
  lastCheckedAt: date(r.lastCheckedAt),
  lastOkAt: date(r.lastOkAt),
  nextCheckAt: date(r.nextCheckAt),
  failures: Number(r.failures),
  lastError: r.lastError,
});

export function createFeedStore(db: Db): FeedStore {
  const all = <T>(q: SQL): Promise<T[]> => allRows<T>(db, q);
  return {
    async due(now, limit) {
      const rows = await all<
        { id: number; feedUrl: string; openedOn: string | null; createdAt: number } & {
          [K in keyof StateRow as `s_${K}`]: StateRow[K] | null;
        }
      >(sql`
        SELECT a.id AS id, a.feed_url AS feedUrl, a.opened_on AS openedOn, a.created_at AS createdAt,
          s.account_id AS s_accountId, s.url AS s_url, s.etag AS s_etag, s.last_modified AS s_lastModified,
          s.last_checked_at AS s_lastCheckedAt, s.last_ok_at AS s_lastOkAt, s.next_check_at AS s_nextCheckAt,
          s.failures AS s_failures, s.last_error AS s_lastError
        FROM accounts a
        LEFT JOIN feed_state s ON s.account_id = a.id
        WHERE a.status = 'active' AND a.feed_url IS NOT NULL AND a.feed_url <> ''
          AND (s.account_id IS NULL OR s.url <> a.feed_url OR s.next_check_at <= ${ms(now)})
        ORDER BY coalesce(s.next_check_at, 0), a.id
        LIMIT ${limit}`);
      return rows.map(
        (r): FeedTarget => ({
          accountId: Number(r.id),
          feedUrl: r.feedUrl,
          openedOn: r.openedOn,
          createdAt: date(r.createdAt),
          state:
            r.s_accountId === null
              ? null
              : toState({
                  accountId: r.s_accountId,
                  url: r.s_url ?? '',
                  etag: r.s_etag,
                  lastModified: r.s_lastModified,
                  lastCheckedAt: r.s_lastCheckedAt,
                  lastOkAt: r.s_lastOkAt,
                  nextCheckAt: r.s_nextCheckAt ?? 0,
                  failures: r.s_failures ?? 0,
                  lastError: r.s_lastError,
                }),
        }),
      );
    },

    async knownItems(accountId, externalIds) {
      const out = new Set<string>();
      const ids = [...new Set(externalIds)];
      for (let i = 0; i < ids.length; i += 90) {
        const part = ids.slice(i, i + 90);
        const rows = await all<{ externalId: string }>(sql`
          SELECT external_id AS externalId FROM posts
          WHERE account_id = ${accountId} AND external_id IN (${sql.join(
            part.map((x) => sql`${x}`),
            sql`, `,
          )})`);
        for (const r of rows) out.add(r.externalId);
      }
      return out;
    },

    async state(accountId) {
      const [r] = await all<StateRow>(
        sql`SELECT ${sql.raw(STATE_COLUMNS)} FROM feed_state s WHERE s.account_id = ${accountId}`,
      );
      return r ? toState(r) : null;
    },

    save(s: FeedState): Writes {
      return new SqlWrite('feed_state.save', {
        sql: `INSERT INTO feed_state (account_id, url, etag, last_modified, last_checked_at, last_ok_at, next_check_at, failures, last_error)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (account_id) DO UPDATE SET url = excluded.url, etag = excluded.etag,
                last_modified = excluded.last_modified, last_checked_at = excluded.last_checked_at,
                last_ok_at = excluded.last_ok_at, next_check_at = excluded.next_check_at, failures = excluded.failures,
                last_error = excluded.last_error`,
        params: [
          s.accountId,
          s.url,
          s.etag,
          s.lastModified,
          ms(s.lastCheckedAt),
          ms(s.lastOkAt),
          ms(s.nextCheckAt),
          s.failures,
          s.lastError === null ? null : s.lastError.slice(0, 300),
        ],
      });
    },
  };
}

/**
 * Retention (src/ports/retention.ts) in plain SQL, the same on better-sqlite3 and D1: each statement binds at most
 * three values and touches at most `limit` rows, chosen through an index.
 *
 * An outbox row's `next_attempt_at` is when it was last handled: a claim sets it to the attempt's time plus the lease
 * and neither `markSent` nor `markFailed` moves it, so for sent and failed rows it is the last attempt (and the index
 * `outbox_due (status, next_attempt_at)` finds the rows past their time without a scan).
 */
import type { RetentionCutoffs, RetentionStore } from '../../src/ports/retention.js';
import { sql } from 'drizzle-orm';
import type { Db } from '../executor/types.js';
import { SqlWrite } from '../write.js';
import { ms } from './rows.js';

/** What a message's contents become: an empty reply (the row stays valid for every reader). */
const DROPPED = '{"blocks":[]}';

/** the file ids the outbox rows matching `where` carry (their file and image blocks), through the status index */
const FILES_OF = (where: string) =>
  `SELECT json_extract(b.value, '$.fileId') FROM outbox AS o, json_each(o.payload, '$.blocks') AS b WHERE ${where} AND json_extract(b.value, '$.fileId') IS NOT NULL`;

/** the outbox rows of one status handled before ? — at most ? of them, oldest first */
const BATCH = (status: string) =>
  `SELECT id FROM outbox WHERE status = '${status}' AND next_attempt_at < ? ORDER BY next_attempt_at LIMIT ?`;

export function createRetentionRepo(db: Db): RetentionStore {
  return {
    prune(c: RetentionCutoffs, limit: number) {
      const n = Math.max(1, Math.floor(limit));
      const sent = ms(c.messages);
      const failed = ms(c.failed);
      const audit = ms(c.audit);
      const expired = ms(c.expired);
      return [
        // the files of the messages about to lose their contents, unless a message that may still be sent carries
        // them (NOT IN over a list without NULLs: a NULL would make it match nothing)
        new SqlWrite('retention.files', {
          sql: `DELETE FROM files WHERE id IN (
              SELECT json_extract(b.value, '$.fileId')
              FROM (${BATCH('sent')}) AS t JOIN outbox AS o ON o.id = t.id, json_each(o.payload, '$.blocks') AS b
              UNION ALL SELECT json_extract(b.value, '$.fileId')
              FROM (${BATCH('failed')}) AS t JOIN outbox AS o ON o.id = t.id, json_each(o.payload, '$.blocks') AS b)
            AND id NOT IN (
              ${FILES_OF("o.status = 'pending'")}
              UNION ALL ${FILES_OF("o.status = 'failed' AND o.next_attempt_at >= ?")})`,
          params: [sent, n, failed, n, failed],
        }),
        new SqlWrite('retention.outbox.archive', {
          sql: `UPDATE outbox SET status = 'archived', payload = '${DROPPED}', update_token = NULL WHERE id IN (${BATCH('sent')})`,
          params: [sent, n],
        }),
        new SqlWrite('retention.outbox.expire', {
          sql: `UPDATE outbox SET status = 'expired', payload = '${DROPPED}', update_token = NULL WHERE id IN (${BATCH('failed')})`,
          params: [failed, n],
        }),
        new SqlWrite('retention.outbox.delete', {
          sql: `DELETE FROM outbox WHERE id IN (${BATCH('archived')})`,
          params: [audit, n],
        }),
        new SqlWrite('retention.outbox.delete', {
          sql: `DELETE FROM outbox WHERE id IN (${BATCH('expired')})`,
          params: [audit, n],
        }),
        new SqlWrite('retention.audit', {
          sql: 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)',
          params: [audit, n],
        }),
        new SqlWrite('retention.sweep_runs', {
          sql: 'DELETE FROM sweep_runs WHERE id IN (SELECT id FROM sweep_runs WHERE run_date < ? LIMIT ?)',
          params: [c.sweepRunsBefore, n],
        }),
        new SqlWrite('retention.imports', {
          sql: 'DELETE FROM import_previews WHERE id IN (SELECT id FROM import_previews WHERE created_at < ? LIMIT ?)',
          params: [sent, n],
        }),
        new SqlWrite('retention.bind_codes', {
          sql: 'DELETE FROM bind_codes WHERE id IN (SELECT id FROM bind_codes WHERE expires_at < ? LIMIT ?)',
          params: [expired, n],
        }),
        new SqlWrite('retention.bind_failures', {
          sql: 'DELETE FROM bind_failures WHERE id IN (SELECT id FROM bind_failures WHERE at < ? LIMIT ?)',
          params: [expired, n],
        }),
        new SqlWrite('retention.channel_state', {
          sql: 'DELETE FROM channel_state WHERE key IN (SELECT key FROM channel_state WHERE expires_at < ? LIMIT ?)',
          params: [expired, n],
        }),
      ];
    },

    async remaining(c) {
      const row = await db.get<{ due: number }>(sql`SELECT (
          EXISTS (SELECT 1 FROM outbox WHERE status = 'sent' AND next_attempt_at < ${ms(c.messages)})
          OR EXISTS (SELECT 1 FROM outbox WHERE status = 'failed' AND next_attempt_at < ${ms(c.failed)})
          OR EXISTS (SELECT 1 FROM outbox WHERE status = 'archived' AND next_attempt_at < ${ms(c.audit)})
          OR EXISTS (SELECT 1 FROM outbox WHERE status = 'expired' AND next_attempt_at < ${ms(c.audit)})
          OR EXISTS (SELECT 1 FROM audit_log WHERE at < ${ms(c.audit)})) AS due`);
      return Number(row?.due ?? 0) === 1;
    },
  };
}

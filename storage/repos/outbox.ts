/** The outbox repository (`Store['outbox']`): messages queued for delivery, their leases, retries and outcome. */
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Reply } from '../../src/domain/reply.js';
import type { OutboxMessage, OutboxRow, Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { guardChanged, SqlWrite, w } from '../write.js';
import { date, ms } from './rows.js';

type OutboxDbRow = typeof t.outbox.$inferSelect;

const toOutbox = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  dedupeKey: r.dedupeKey,
  channel: r.channel as OutboxRow['channel'],
  targetType: r.targetType as OutboxRow['targetType'],
  target: r.target,
  replyTo: r.replyTo,
  updateOf: r.updateOf,
  updateToken: r.updateToken,
  payload: r.payload as Reply,
  status: r.status as OutboxRow['status'],
  attempts: r.attempts,
  nextAttemptAt: date(r.nextAttemptAt),
  lastError: r.lastError,
  platformMessageId: r.platformMessageId,
  createdAt: date(r.createdAt),
  sentAt: date(r.sentAt),
});

export function createOutboxRepo(db: Db): Store['outbox'] {
  return {
    enqueue(m: OutboxMessage, at) {
      // Written out (not built by drizzle): this runs for every reply and notification.
      return new SqlWrite('outbox.enqueue', {
        sql: 'INSERT INTO outbox (dedupe_key, channel, target_type, target, reply_to, update_of, update_token, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING',
        params: [
          m.dedupeKey ?? null,
          m.channel,
          m.targetType,
          m.target,
          m.replyTo ?? null,
          m.updateOf ?? null,
          m.updateToken ?? null,
          JSON.stringify(m.payload satisfies Reply),
          'pending',
          ms(at),
          ms(at),
        ],
      });
    },
    async due(now, limit) {
      const rows = await db
        .select()
        .from(t.outbox)
        .where(and(eq(t.outbox.status, 'pending'), lte(t.outbox.nextAttemptAt, ms(now))))
        .orderBy(asc(t.outbox.id))
        .limit(limit);
      return rows.map(toOutbox);
    },
    async byKey(key) {
      const [r] = await db.select().from(t.outbox).where(eq(t.outbox.dedupeKey, key));
      return r ? toOutbox(r) : null;
    },
    claim(id, now, leaseMs) {
      return [
        w(
          'outbox.claim',
          db
            .update(t.outbox)
            .set({ nextAttemptAt: ms(now) + leaseMs })
            .where(and(eq(t.outbox.id, id), eq(t.outbox.status, 'pending'), lte(t.outbox.nextAttemptAt, ms(now)))),
        ),
        guardChanged(`outbox:${id}`),
      ];
    },
    markSent(id, platformMessageId, at) {
      return w(
        'outbox.sent',
        db
          .update(t.outbox)
          .set({
            status: 'sent',
            platformMessageId,
            sentAt: ms(at),
            lastError: null,
            attempts: sql`${t.outbox.attempts} + 1`,
          })
          .where(eq(t.outbox.id, id)),
      );
    },
    retryLater(id, attempts, next, error) {
      return w(
        'outbox.retry',
        db
          .update(t.outbox)
          .set({ attempts, nextAttemptAt: ms(next), lastError: error.slice(0, 500) })
          .where(eq(t.outbox.id, id)),
      );
    },
    markFailed(id, attempts, error) {
      return w(
        'outbox.failed',
        db
          .update(t.outbox)
          .set({ status: 'failed', attempts, lastError: error.slice(0, 500) })
          .where(eq(t.outbox.id, id)),
      );
    },
    async failed(limit) {
      const rows = await db
        .select()
        .from(t.outbox)
        .where(eq(t.outbox.status, 'failed'))
        .orderBy(desc(t.outbox.id))
        .limit(limit);
      return rows.map(toOutbox);
    },
    requeue(ids, at) {
      const cond =
        ids === 'all-failed'
          ? eq(t.outbox.status, 'failed')
          : and(eq(t.outbox.status, 'failed'), inArray(t.outbox.id, [...ids]));
      return w(
        'outbox.requeue',
        db
          .update(t.outbox)
          .set({ status: 'pending', attempts: 0, nextAttemptAt: ms(at) })
          .where(cond),
      );
    },
    async stats() {
      const rows = await db
        .select({
          status: t.outbox.status,
          n: sql<number>`count(*)`,
          oldest: sql<number | null>`min(${t.outbox.createdAt})`,
        })
        .from(t.outbox)
        .groupBy(t.outbox.status);
      const get = (s: string) => rows.find((r) => r.status === s);
      return {
        pending: Number(get('pending')?.n ?? 0),
        failed: Number(get('failed')?.n ?? 0),
        sent: Number(get('sent')?.n ?? 0),
        oldestPendingAt: date(get('pending')?.oldest ?? null),
      };
    },
    async nextDueAt() {
      const [r] = await db
        .select({ at: sql<number | null>`min(${t.outbox.nextAttemptAt})` })
        .from(t.outbox)
        .where(eq(t.outbox.status, 'pending'));
      return date(r?.at ?? null);
    },
  };
}

/**
 * The delivery loop: sends queued outbox messages through the channel's Messenger, with an idempotency key per
 * message, retries with exponential back-off on network errors, 5xx and rate limits, and gives up after a number of
 * attempts — keeping the message, marked failed, for admins to see (`/提醒 失败`) and re-queue (`/提醒 重试`).
 * Rows are claimed with a lease, so a second process (the CLI's `remind`) never sends the same message at once, and a
 * process killed mid-send retries after the lease with the same idempotency key.
 */
import type { Clock } from '../domain/clock.js';
import type { ChannelName } from '../domain/model.js';
import type { Logger } from '../ports/logger.js';
import { DeliveryError, type Messenger } from '../ports/messenger.js';
import type { OutboxRow, Store } from '../ports/store.js';
import { ConflictError } from '../ports/write.js';

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;
const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 30 * 60_000;
/** an update waits for the message it updates; it gives up after this long */
const UPDATE_WAIT_MS = 24 * 3_600_000;

export interface DeliveryDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  messengers: Partial<Record<ChannelName, Messenger>>;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  /** due messages for channels that are off, left pending */
  skipped: number;
}

/** Back-off before attempt n+1 after n failures: 2 s, 4 s, 8 s … capped at 30 min. */
export function retryDelay(attempts: number, retryAfterMs?: number): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.max(exp, retryAfterMs ?? 0);
}

export const idempotencyKey = (row: OutboxRow): string => `gm-${row.id}-${row.createdAt.getTime().toString(36)}`;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function deliverOne(
  deps: DeliveryDeps,
  row: OutboxRow,
  messenger: Messenger,
): Promise<'sent' | 'retried' | 'failed' | 'busy'> {
  const { store, clock, log } = deps;
  const now = clock.now();
  try {
    await store.commit(store.outbox.claim(row.id, now, LEASE_MS));
  } catch (e) {
    if (e instanceof ConflictError) return 'busy';
    throw e;
  }
  let original: OutboxRow | null = null;
  if (row.targetType === 'update') {
    original = row.updateOf ? await store.outbox.byKey(row.updateOf) : null;
    if (!original?.platformMessageId) {
      // The card to update has not been sent yet (or never will be): wait for it, without counting an attempt.
      const waited = now.getTime() - row.createdAt.getTime();
      if (original?.status === 'failed' || waited > UPDATE_WAIT_MS || !row.updateOf) {
        await store.commit(
          store.outbox.markFailed(row.id, row.attempts, original ? '要更新的消息未能发出' : '找不到要更新的消息'),
        );
        return 'failed';
      }
      await store.commit(
        store.outbox.retryLater(
          row.id,
          row.attempts,
          new Date(now.getTime() + BASE_DELAY_MS),
          'waiting for the original message',
        ),
      );
      return 'retried';
    }
  }
  try {
    const r = await messenger.send(row, { idempotencyKey: idempotencyKey(row), original });
    await store.commit(store.outbox.markSent(row.id, r.platformMessageId, clock.now()));
    return 'sent';
  } catch (e) {
    if (e instanceof DeliveryError && e.kind === 'offline') {
      // The channel is down for a while (a logged-out bot): the message waits without using up its attempts.
      await store.commit(
        store.outbox.retryLater(
          row.id,
          row.attempts,
          new Date(clock.now().getTime() + (e.retryAfterMs ?? 60_000)),
          describe(e),
        ),
      );
      return 'retried';
    }
    const attempts = row.attempts + 1;
    const permanent = e instanceof DeliveryError && e.kind === 'permanent';
    const msg = describe(e);
    if (permanent || attempts >= MAX_ATTEMPTS) {
      log.error(
        { outboxId: row.id, channel: row.channel, targetType: row.targetType, attempts, error: msg },
        'message delivery failed; kept as failed',
      );
      await store.commit(store.outbox.markFailed(row.id, attempts, msg));
      return 'failed';
    }
    const delay = retryDelay(attempts, e instanceof DeliveryError ? e.retryAfterMs : undefined);
    log.warn(
      { outboxId: row.id, channel: row.channel, attempts, retryInMs: delay, error: msg },
      'message delivery failed; will retry',
    );
    await store.commit(store.outbox.retryLater(row.id, attempts, new Date(clock.now().getTime() + delay), msg));
    return 'retried';
  }
}

/** Send every message that is due now (in batches), once each. */
export async function deliverDue(
  deps: DeliveryDeps,
  opts: { batch?: number; maxBatches?: number } = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  const seen = new Set<number>();
  for (let b = 0; b < (opts.maxBatches ?? 50); b++) {
    const due = (await deps.store.outbox.due(deps.clock.now(), opts.batch ?? 50)).filter((r) => !seen.has(r.id));
    if (due.length === 0) break;
    for (const row of due) {
      seen.add(row.id);
      const messenger = deps.messengers[row.channel];
      if (!messenger) {
        report.skipped++;
        continue;
      }
      const r = await deliverOne(deps, row, messenger);
      if (r !== 'busy') report[r]++;
    }
  }
  return report;
}

export interface OutboxLoop {
  /** deliver soon (after a webhook queued something) */
  kick(): void;
  stop(): Promise<void>;
}

/** Keep delivering: after every kick, and at least every `idleMs`. Never throws; errors are logged. */
export function startOutboxLoop(deps: DeliveryDeps, opts: { idleMs?: number } = {}): OutboxLoop {
  const idleMs = opts.idleMs ?? 1_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    running = (async () => {
      try {
        do {
          again = false;
          await deliverDue(deps);
        } while (again && !stopped);
      } catch (e) {
        deps.log.error({ err: e }, 'outbox loop error');
      } finally {
        running = null;
        if (!stopped) timer = setTimeout(run, idleMs);
      }
    })();
  };
  timer = setTimeout(run, 0);
  return {
    kick: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
    },
  };
}

/**
 * The delivery loop: sends queued outbox messages through the channel's Messenger, with an idempotency key per
 * message, retries with exponential back-off on network errors, 5xx and rate limits, and gives up after a number of
 * attempts — keeping the message, marked failed, for admins to see (`/提醒 失败`) and re-queue (`/提醒 重试`).
 * Rows are claimed with a lease, so a second process (the CLI's `remind`) never sends the same message at once, and a
 * process killed mid-send retries after the lease with the same idempotency key.
 *
 * Sends run in parallel, up to `concurrency` per channel, but one at a time per target (a chat or a person), oldest
 * first, so a chat sees its messages in order; a message waiting for a retry holds back the later ones of its target.
 * A hanging platform call costs only its own chat the client's timeout: after a second it no longer counts against the
 * channel's concurrency, so hangs do not starve the others. A circuit breaker per channel (circuit.ts)
 * pauses a channel whose sends keep failing, without spending the messages' attempts.
 */
import type { Clock } from '../domain/clock.js';
import type { ChannelName } from '../domain/model.js';
import type { Logger } from '../ports/logger.js';
import { DeliveryError, type Messenger } from '../ports/messenger.js';
import type { OutboxRow, Store } from '../ports/store.js';
import { ConflictError } from '../ports/write.js';
import { CircuitBreaker } from './circuit.js';

export const MAX_ATTEMPTS = 10;
/** longer than a platform call can take (the Feishu client times out after a few seconds) */
const LEASE_MS = 20_000;
/** a send running longer than this stops counting against its channel's concurrency (a normal send takes ≪ 1 s) */
const SLOW_SEND_MS = 1_000;
/** sends of a channel in flight, slow ones included, at most this many times its concurrency */
const SLOW_FACTOR = 4;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30 * 60_000;
/** an update waits for the message it updates; it gives up after this long */
const UPDATE_WAIT_MS = 24 * 3_600_000;

export interface DeliveryDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  messengers: Partial<Record<ChannelName, Messenger>>;
  /** per-channel circuit breakers kept across rounds (the loop keeps them; a single deliverDue makes its own) */
  breakers?: Map<ChannelName, CircuitBreaker>;
}

export interface DeliveryOptions {
  /** sends in flight at once per channel; default 8 */
  concurrency?: number;
  /** rows read per look at the queue; default 100 */
  batch?: number;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  /** due messages for channels that are off, left pending */
  skipped: number;
}

/** Back-off before attempt n+1 after n failures: 0.5 s, 1 s, 2 s … capped at 30 min (10 attempts span about 4 min). */
export function retryDelay(attempts: number, retryAfterMs?: number): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.max(exp, retryAfterMs ?? 0);
}

export const idempotencyKey = (row: OutboxRow): string => `gm-${row.id}-${row.createdAt.getTime().toString(36)}`;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

type Outcome = 'sent' | 'retried' | 'failed' | 'busy';
/** the outcome, and for 'retried' when the message is due again */
type Delivered = { outcome: Outcome; retryAt?: Date };

async function deliverOne(
  deps: DeliveryDeps,
  row: OutboxRow,
  messenger: Messenger,
  breaker: CircuitBreaker,
): Promise<Delivered> {
  const { store, clock, log } = deps;
  const now = clock.now();
  try {
    await store.commit(store.outbox.claim(row.id, now, LEASE_MS));
  } catch (e) {
    if (e instanceof ConflictError) return { outcome: 'busy' };
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
        return { outcome: 'failed' };
      }
      // no retryAt: a waiting update does not hold back the chat (the card it waits for may come after it)
      await store.commit(
        store.outbox.retryLater(
          row.id,
          row.attempts,
          new Date(now.getTime() + 2_000),
          'waiting for the original message',
        ),
      );
      return { outcome: 'retried' };
    }
  }
  try {
    let r: Awaited<ReturnType<Messenger['send']>>;
    try {
      r = await messenger.send(row, { idempotencyKey: idempotencyKey(row), original, files: store.files });
    } catch (e) {
      // a refused message (permanent) or a channel that is offline by design says nothing about the platform's health
      if (!(e instanceof DeliveryError && (e.kind === 'permanent' || e.kind === 'offline'))) breaker.failure();
      throw e;
    }
    breaker.success();
    await store.commit(store.outbox.markSent(row.id, r.platformMessageId, clock.now()));
    return { outcome: 'sent' };
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
      return { outcome: 'retried' };
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
      return { outcome: 'failed' };
    }
    const delay = retryDelay(attempts, e instanceof DeliveryError ? e.retryAfterMs : undefined);
    log.warn(
      { outboxId: row.id, channel: row.channel, attempts, retryInMs: delay, error: msg },
      'message delivery failed; will retry',
    );
    const retryAt = new Date(clock.now().getTime() + delay);
    await store.commit(store.outbox.retryLater(row.id, attempts, retryAt, msg));
    return { outcome: 'retried', retryAt };
  }
}

const targetOf = (row: OutboxRow): string =>
  `${row.channel}:${row.targetType === 'user' ? 'user' : 'chat'}:${row.target}`;

/**
 * The pool behind deliverDue and the loop: `pump()` looks at the queue and starts what may start (per-channel
 * concurrency, one send per target, targets held by a message waiting to retry, open circuits); each finished send
 * pumps again. `idle()` resolves when nothing is in flight.
 */
function createPool(deps: DeliveryDeps, opts: DeliveryOptions, report: DeliveryReport, once: boolean) {
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const breakers = deps.breakers ?? new Map<ChannelName, CircuitBreaker>();
  const breaker = (c: ChannelName): CircuitBreaker => {
    let b = breakers.get(c);
    if (!b) breakers.set(c, (b = new CircuitBreaker({ now: () => deps.clock.now().getTime() })));
    return b;
  };
  const busyTargets = new Set<string>();
  /** a target whose message waits for a retry: its later messages wait too, until that one is due (plus a lease) */
  const held = new Map<string, { id: number; until: number }>();
  const inFlight = new Set<number>();
  /** sends of a channel that count against its concurrency (not those that have turned slow) */
  const active = new Map<ChannelName, number>();
  /** every send of a channel in flight */
  const flying = new Map<ChannelName, number>();
  /** rows seen by this pool (deliverDue sends each due message at most once) */
  const seen = new Set<number>();
  let pumping: Promise<void> | null = null;
  let pumpAgain = false;
  let idleWaiters: (() => void)[] = [];
  let stopped = false;

  const settleIdle = (): void => {
    if (inFlight.size === 0 && !pumping) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  };

  const add = (m: Map<ChannelName, number>, c: ChannelName, n: number): void => void m.set(c, (m.get(c) ?? 0) + n);
  const start = (row: OutboxRow, messenger: Messenger): void => {
    const target = targetOf(row);
    busyTargets.add(target);
    inFlight.add(row.id);
    add(active, row.channel, 1);
    add(flying, row.channel, 1);
    // A send still running after SLOW_SEND_MS (most likely hanging until its timeout) gives its place to the next
    // message; at most SLOW_FACTOR × concurrency sends of a channel are in flight in all.
    let slow = false;
    const slowTimer = setTimeout(() => {
      slow = true;
      add(active, row.channel, -1);
      pump();
    }, SLOW_SEND_MS);
    (slowTimer as { unref?: () => void }).unref?.();
    void deliverOne(deps, row, messenger, breaker(row.channel))
      .then((r) => {
        if (r.outcome !== 'busy') report[r.outcome]++;
        if (r.outcome === 'retried' && r.retryAt)
          held.set(target, { id: row.id, until: r.retryAt.getTime() + LEASE_MS });
        else if (held.get(target)?.id === row.id) held.delete(target);
      })
      .catch((e: unknown) => deps.log.error({ err: e, outboxId: row.id }, 'outbox: could not record a delivery'))
      .finally(() => {
        clearTimeout(slowTimer);
        busyTargets.delete(target);
        inFlight.delete(row.id);
        if (!slow) add(active, row.channel, -1);
        add(flying, row.channel, -1);
        pump();
        settleIdle();
      });
  };

  const look = async (): Promise<void> => {
    const due = await deps.store.outbox.due(deps.clock.now(), opts.batch ?? 100);
    // targets that have an earlier message not sent yet this look: later ones wait (order per chat)
    const blocked = new Set<string>();
    for (const row of due) {
      const target = targetOf(row);
      if (inFlight.has(row.id)) continue;
      if (once && seen.has(row.id)) {
        blocked.add(target);
        continue;
      }
      const h = held.get(target);
      if (h && h.id !== row.id && h.id < row.id && h.until > deps.clock.now().getTime()) {
        blocked.add(target);
        continue;
      }
      if (blocked.has(target) || busyTargets.has(target)) {
        blocked.add(target);
        continue;
      }
      blocked.add(target);
      const messenger = deps.messengers[row.channel];
      if (!messenger) {
        if (!seen.has(row.id)) report.skipped++;
        seen.add(row.id);
        continue;
      }
      if ((active.get(row.channel) ?? 0) >= concurrency) continue;
      if ((flying.get(row.channel) ?? 0) >= concurrency * SLOW_FACTOR) continue;
      if (!breaker(row.channel).allow()) continue;
      seen.add(row.id);
      start(row, messenger);
    }
  };

  function pump(): void {
    if (stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = (async () => {
      try {
        do {
          pumpAgain = false;
          await look();
        } while (pumpAgain && !stopped);
      } catch (e) {
        deps.log.error({ err: e }, 'outbox: could not read the queue');
      } finally {
        pumping = null;
        settleIdle();
      }
    })();
  }

  return {
    pump,
    breakers,
    idle: (): Promise<void> =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    stop(): void {
      stopped = true;
    },
  };
}

/**
 * Send every message that is due now, each at most once, in parallel per channel and in order per target; resolves
 * when all those sends have finished.
 */
export async function deliverDue(deps: DeliveryDeps, opts: DeliveryOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  const pool = createPool(deps, opts, report, true);
  pool.pump();
  await pool.idle();
  return report;
}

export interface OutboxLoop {
  /** deliver soon (after a webhook queued something) */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Keep delivering: after every kick, when the next queued message falls due, and at least every `idleMs`. Never
 * throws; errors are logged.
 */
export function startOutboxLoop(deps: DeliveryDeps, opts: { idleMs?: number } & DeliveryOptions = {}): OutboxLoop {
  const idleMs = opts.idleMs ?? 1_000;
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  const breakers = deps.breakers ?? new Map<ChannelName, CircuitBreaker>();
  const pool = createPool({ ...deps, breakers }, opts, report, false);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const schedule = async (): Promise<void> => {
    if (stopped) return;
    let wait = idleMs;
    try {
      const next = await deps.store.outbox.nextDueAt();
      if (next) wait = Math.min(idleMs, Math.max(20, next.getTime() - deps.clock.now().getTime()));
    } catch {
      /* the pump logs storage errors */
    }
    for (const b of breakers.values()) {
      const at = b.reopensAt();
      if (at > 0) wait = Math.max(wait, Math.min(idleMs, at - deps.clock.now().getTime()));
    }
    if (timer) clearTimeout(timer);
    if (!stopped) timer = setTimeout(tick, Math.max(20, wait));
  };
  const tick = (): void => {
    timer = null;
    pool.pump();
    void schedule();
  };
  timer = setTimeout(tick, 0);
  return {
    kick: tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      pool.stop();
      await pool.idle();
    },
  };
}

/**
 * Housekeeping: forget what is kept only for a while (README "Security and operations"). The periods are settings
 * (消息保留天数, 失败消息保留天数, 日志保留天数, 提醒记录保留天数 — src/domain/policy.ts); the platform event ids are
 * kept a fixed 8 days (the replay window). Runs on Node from the server's hourly housekeeping and on the Worker from
 * the daily trigger: the same statements on both (storage/repos/retention.ts), a bounded number of rows per round.
 * Reminders themselves are forgotten by the daily sweep, with the same 提醒记录保留天数.
 */
import { resolvePolicy } from '../domain/policy.js';
import { shanghaiDate } from '../domain/time.js';
import type { Logger } from '../ports/logger.js';
import type { RetentionCutoffs } from '../ports/retention.js';
import type { Store } from '../ports/store.js';
import type { Writes } from '../ports/write.js';

const DAY_MS = 86_400_000;
/** Platform event ids are kept this long: the accepted request age (8 h) is far inside it, so a replay is caught. */
export const EVENT_KEEP_MS = 8 * DAY_MS;
/** Wrong binding codes count for an hour; expired channel state and binding codes go after a day. */
const EXPIRED_KEEP_MS = DAY_MS;

export interface RetentionOptions {
  /** rows of each kind per round (default 1000) */
  limit?: number;
  /** rounds per run, each its own commit (default 20); what is left waits for the next run */
  maxRounds?: number;
}

export interface RetentionReport {
  rounds: number;
  /** nothing left past its time */
  done: boolean;
}

export async function cutoffsAt(store: Store, now: Date): Promise<RetentionCutoffs> {
  const p = resolvePolicy(await store.settings.all());
  const ago = (days: number): Date => new Date(now.getTime() - days * DAY_MS);
  return {
    messages: ago(p.keepMessageDays),
    failed: ago(p.keepFailedDays),
    audit: ago(p.keepAuditDays),
    sweepRunsBefore: shanghaiDate(ago(p.keepReminderDays)),
    expired: new Date(now.getTime() - EXPIRED_KEEP_MS),
  };
}

export async function runRetention(
  deps: { store: Store; log: Logger },
  now: Date,
  opts: RetentionOptions = {},
): Promise<RetentionReport> {
  const { store, log } = deps;
  const limit = opts.limit ?? 1_000;
  const maxRounds = opts.maxRounds ?? 20;
  const c = await cutoffsAt(store, now);
  let rounds = 0;
  let done = false;
  while (rounds < maxRounds && !done) {
    const writes: Writes[] = [store.retention.prune(c, limit)];
    if (rounds === 0) writes.push(store.events.purgeBefore(new Date(now.getTime() - EVENT_KEEP_MS)));
    await store.commit(writes);
    rounds++;
    done = !(await store.retention.remaining(c));
  }
  if (!done) log.info({ rounds, limit }, 'retention: more is past its time; the next run continues');
  return { rounds, done };
}

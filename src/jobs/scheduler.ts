/**
 * Runs the daily reminders sweep at 提醒时间 (policy.remindTime, default 09:00 Asia/Shanghai) on working days (every
 * day with 每天提醒). A croner job wakes every minute and asks one question: is today a reminder day, is it past the
 * reminder time, and has no sweep run today as of that time or later? So a changed setting takes effect the same day,
 * and a sweep missed while the server was down runs once when it comes back that day (runs are recorded in
 * `sweep_runs`, in the same commit as their reminders). Two servers, or the CLI's `remind` at the same time, are safe:
 * the sweep itself sends each reminder once.
 */
import { Cron } from 'croner';
import type { Services } from '../ports/services.js';
import { resolvePolicy } from '../domain/policy.js';
import { isRemindDay, remindInstant } from '../domain/reminders.js';
import { shanghaiDate } from '../domain/time.js';
import type { SweepStore } from '../ports/sweep.js';
import { runSweep, type SweepReport } from './sweep.js';

export interface SchedulerOptions {
  /** called after a sweep queued messages, e.g. the outbox loop's `kick` */
  onQueued?: () => void;
  /** the croner pattern of the check; default every minute */
  pattern?: string;
  /** after a failed sweep, wait this long before trying again; default 5 minutes */
  retryAfterMs?: number;
}

export type DueCheck =
  | { due: true; at: Date }
  | { due: false; reason: 'not-a-remind-day' | 'before-time' | 'already-ran'; at: Date | null };

export type TickResult =
  | { ran: true; report: SweepReport }
  | { ran: false; reason: 'not-a-remind-day' | 'before-time' | 'already-ran' | 'busy' | 'backing-off' | 'stopped' }
  | { ran: false; reason: 'error'; error: unknown };

/** Should the sweep run now? Settings and calendar overrides are read afresh every time. */
export async function sweepDue(rt: { services: Services; sweep: SweepStore }, now: Date): Promise<DueCheck> {
  const { store, baseCalendar } = rt.services;
  const [stored, overrides] = await Promise.all([store.settings.all(), store.calendar.overrides()]);
  const policy = resolvePolicy(stored);
  const today = shanghaiDate(now);
  if (!isRemindDay(baseCalendar.withOverrides(overrides), today, policy.remindAllDays))
    return { due: false, reason: 'not-a-remind-day', at: null };
  const at = remindInstant(today, policy.remindTime);
  if (now.getTime() < at.getTime()) return { due: false, reason: 'before-time', at };
  const last = await rt.sweep.lastRun(today);
  if (last && last.asOf.getTime() >= at.getTime()) return { due: false, reason: 'already-ran', at };
  return { due: true, at };
}

export interface Scheduler {
  /** check now, and run the sweep if it is due */
  tick(): Promise<TickResult>;
  /** stop the timer and wait for a sweep in progress */
  stop(): Promise<void>;
}

/**
 * Start the daily reminders. The first check runs at once (a sweep missed while the server was down runs now if it
 * is still the same day), then every minute. Never throws; errors are logged and retried after `retryAfterMs`.
 */
export function startScheduler(rt: { services: Services; sweep: SweepStore }, opts: SchedulerOptions = {}): Scheduler {
  const { clock, log } = rt.services;
  const retryAfterMs = opts.retryAfterMs ?? 5 * 60_000;
  let running: Promise<TickResult> | null = null;
  let failedAt: number | null = null;
  let stopped = false;

  const check = async (): Promise<TickResult> => {
    const now = clock.now();
    if (failedAt !== null && now.getTime() - failedAt < retryAfterMs) return { ran: false, reason: 'backing-off' };
    try {
      const due = await sweepDue(rt, now);
      if (!due.due) return { ran: false, reason: due.reason };
      log.info({ at: due.at.toISOString() }, 'daily reminders: sweep due');
      // retain: false — only the totals are kept, so a national register's sweep stays within a page's memory
      const report = await runSweep(rt, { now, trigger: 'schedule', recordedAt: now, retain: false });
      failedAt = null;
      if (report.totals.messages > 0) opts.onQueued?.();
      return { ran: true, report };
    } catch (error) {
      failedAt = clock.now().getTime();
      log.error({ err: error }, 'daily reminders: sweep failed; will retry');
      return { ran: false, reason: 'error', error };
    }
  };

  const tick = (): Promise<TickResult> => {
    if (stopped) return Promise.resolve({ ran: false, reason: 'stopped' });
    if (running) return running.then(() => ({ ran: false, reason: 'busy' }) as const);
    running = check().finally(() => {
      running = null;
    });
    return running;
  };

  const job = new Cron(
    opts.pattern ?? '* * * * *',
    { timezone: 'Asia/Shanghai', protect: true, catch: (e) => log.error({ err: e }, 'daily reminders: timer error') },
    async () => {
      await tick();
    },
  );
  void tick();

  return {
    tick,
    async stop() {
      stopped = true;
      job.stop();
      if (running) await running;
    },
  };
}

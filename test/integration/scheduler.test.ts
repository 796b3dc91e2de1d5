/** When the daily sweep runs: 提醒时间 on working days, once, and a missed run when the server comes back that day. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Scheduler, startScheduler, sweepDue } from '../../src/jobs/scheduler.js';
import type { Logger } from '../../src/ports/logger.js';
import { count, groupCounty, queued } from '../support/reminders.js';
import { ADMIN, type TestBot } from '../support/runtime.js';

let bot: TestBot;
let scheduler: Scheduler | null = null;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = null;
  bot?.close();
});

const county = groupCounty;

const due = (b: TestBot, iso: string) => sweepDue(b.rt, new Date(iso));

describe('the daily schedule (提醒时间, default 09:00 Asia/Shanghai, working days)', () => {
  it('is due from 09:00, once a day; a later 提醒时间 set the same day runs again at that time', async () => {
    bot = await county();
    expect(await due(bot, '2026-11-20T08:59:00+08:00')).toMatchObject({ due: false, reason: 'before-time' });
    expect(await due(bot, '2026-11-20T09:00:00+08:00')).toMatchObject({ due: true });
    bot.setNow('2026-11-20T09:00:00+08:00');
    scheduler = startScheduler(bot.rt);
    await scheduler.stop();
    expect(count(bot, 'sweep_runs')).toBe(1);
    expect(await due(bot, '2026-11-20T17:00:00+08:00')).toMatchObject({ due: false, reason: 'already-ran' });

    expect(await bot.say(ADMIN, '/设置 提醒时间=10:30')).toContain('09:00 → 10:30');
    expect(await due(bot, '2026-11-20T10:29:00+08:00')).toMatchObject({ due: false, reason: 'before-time' });
    expect(await due(bot, '2026-11-20T10:30:00+08:00')).toMatchObject({ due: true });
    expect(await due(bot, '2026-11-21T10:30:00+08:00')).toMatchObject({ due: false, reason: 'not-a-remind-day' });
  });

  it('runs on working days only — make-up Saturday 2026-10-10 yes, 清明 Monday 2026-04-06 no — unless 每天提醒=是', async () => {
    bot = await county();
    expect(await due(bot, '2026-11-21T09:00:00+08:00')).toMatchObject({ reason: 'not-a-remind-day' });
    expect(await due(bot, '2026-04-06T09:00:00+08:00')).toMatchObject({ reason: 'not-a-remind-day' });
    expect(await due(bot, '2026-10-10T09:00:00+08:00')).toMatchObject({ due: true });
    expect(await due(bot, '2026-04-07T09:00:00+08:00')).toMatchObject({ due: true });
    await bot.say(ADMIN, '/设置 每天提醒=是');
    expect(await due(bot, '2026-11-21T09:00:00+08:00')).toMatchObject({ due: true });
    // an admin's calendar override counts too
    await bot.say(ADMIN, '/设置 每天提醒=否');
    await bot.say(ADMIN, '/节假日 新增 2026-11-20 休 说明=临时调整');
    expect(await due(bot, '2026-11-20T09:00:00+08:00')).toMatchObject({ reason: 'not-a-remind-day' });
  });

  it('a server that was down at 09:00 runs the missed sweep once when it comes back that day; a restart does not run it again', async () => {
    bot = await county();
    let kicked = 0;
    bot.setNow('2026-11-20T10:40:00+08:00');
    scheduler = startScheduler(bot.rt, { onQueued: () => kicked++ });
    await scheduler.stop();
    expect(count(bot, 'sweep_runs')).toBe(1);
    expect(kicked).toBe(1);
    const sent = queued(bot).length;
    expect(sent).toBeGreaterThan(0);

    scheduler = startScheduler(bot.rt, { onQueued: () => kicked++ });
    expect(await scheduler.tick()).toMatchObject({ ran: false });
    await scheduler.stop();
    expect(count(bot, 'sweep_runs')).toBe(1);
    expect(queued(bot)).toHaveLength(sent);

    // the next working day, at 09:00
    bot.setNow('2026-11-23T09:00:00+08:00');
    scheduler = startScheduler(bot.rt);
    await scheduler.stop();
    expect(count(bot, 'sweep_runs')).toBe(2);
  });

  it('the croner timer fires the check: nothing before 09:00, the sweep once the clock passes it', async () => {
    bot = await county();
    bot.setNow('2026-11-20T08:59:30+08:00');
    scheduler = startScheduler(bot.rt, { pattern: '* * * * * *' });
    await new Promise((r) => setTimeout(r, 300));
    expect(count(bot, 'sweep_runs')).toBe(0);
    bot.setNow('2026-11-20T09:00:01+08:00');
    await new Promise((r) => setTimeout(r, 2_200));
    expect(count(bot, 'sweep_runs')).toBe(1);
  });

  it('a failing sweep is logged, never thrown, and tried again after the back-off', async () => {
    const errors: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn() {}, error: (_o, msg) => void errors.push(msg ?? '') };
    bot = await county();
    bot.setNow('2026-11-20T09:00:00+08:00');
    const store = bot.rt.services.store;
    const all = store.settings.all;
    store.settings.all = async () => {
      throw new Error('database is locked');
    };
    scheduler = startScheduler({ ...bot.rt, services: { ...bot.rt.services, log } }, { retryAfterMs: 60_000 });
    expect(await scheduler.tick()).toMatchObject({ ran: false }); // busy with, or after, the failed first check
    expect(errors).toContain('daily reminders: sweep failed; will retry');
    store.settings.all = all;
    expect(await scheduler.tick()).toMatchObject({ ran: false, reason: 'backing-off' });
    bot.setNow('2026-11-20T09:01:30+08:00');
    expect(await scheduler.tick()).toMatchObject({ ran: true });
    expect(count(bot, 'sweep_runs')).toBe(1);
  });
});

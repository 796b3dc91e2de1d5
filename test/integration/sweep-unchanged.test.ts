/**
 * A second sweep the same day with nothing changed answers "nothing new" without reading its per-account pages; any
 * change to what those pages read (posts, accounts and filings, repost tasks and their confirmations, settings, the
 * calendar, who is told) or a moment the recorded run did not cover makes it read them again and find what is new.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSweep, type SweepReport } from '../../src/jobs/sweep.js';
import { ADMIN, type TestBot } from '../support/runtime.js';
import { groupCounty, queued, recordPost, to } from '../support/reminders.js';

let bot: TestBot;
afterEach(() => bot?.close());

const GROUP = 'oc_jy';
const JY_LIAISON = 'ou_jy_liaison';

/** 兴国县教育局 (work group oc_jy) with 微信公众号「兴国教育」(A1) opened 2026-03-01, its password confirmed on 2026-11-01. */
async function county(): Promise<TestBot> {
  const b = await groupCounty();
  b.rt.db.sqlite.prepare("UPDATE accounts SET password_changed_on = '2026-11-01' WHERE id = 1").run();
  return b;
}

const post = recordPost;

/** The sweep as the scheduler runs it (only totals kept), counting how many per-account pages it read. */
async function sweep(b: TestBot, iso: string): Promise<SweepReport & { pagesRead: number }> {
  const spy = vi.spyOn(b.rt.sweep, 'accountChecks');
  try {
    const r = await runSweep(
      { services: b.rt.services, sweep: b.rt.sweep },
      { now: new Date(iso), trigger: 'test', retain: false },
    );
    expect(r.committed).toBe(true);
    return { ...r, pagesRead: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

const reminderKeys = (b: TestBot): string[] =>
  (
    b.rt.db.sqlite.prepare('SELECT kind, account_id AS a, period FROM reminders ORDER BY 1, 2').all() as {
      kind: string;
      a: number;
      period: string;
    }[]
  ).map((r) => `${r.kind}:A${r.a}:${r.period}`);

describe('a second sweep the same day with nothing changed reads no page', () => {
  it('answers from the complete run of the day; a kept-lists run (/提醒 预览) still lists everything due', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00'); // 19 days on 11-20: 僵尸 (兴国 六)
    const first = await sweep(bot, '2026-11-20T09:00:00+08:00');
    expect(first.pagesRead).toBe(1);
    expect(first.totals.fresh).toBe(1);
    const sent = queued(bot).length;

    const again = await sweep(bot, '2026-11-20T09:30:00+08:00');
    expect(again.pagesRead).toBe(0);
    expect(again.totals).toEqual({ found: 0, fresh: 0, messages: 0 });
    expect(queued(bot)).toHaveLength(sent);
    // and the run it recorded answers the next one too
    expect((await sweep(bot, '2026-11-20T10:00:00+08:00')).pagesRead).toBe(0);

    const kept = await runSweep(
      { services: bot.rt.services, sweep: bot.rt.sweep },
      { now: new Date('2026-11-20T10:30:00+08:00'), dryRun: true },
    );
    expect(kept.found.map((i) => i.key)).toEqual(['dormant:A1:2026-11-20']);
    expect(kept.fresh).toEqual([]);

    // another day: the pages are read
    expect((await sweep(bot, '2026-11-21T09:00:00+08:00')).pagesRead).toBe(1);
  });

  it('a sweep cut off between pages is not a complete run: the next one reads every page', async () => {
    bot = await county();
    expect(await bot.say(`feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-03-01')).toContain(
      'A2',
    );
    // units 1..3, one page each; A1 and A2 (unit 2) never posted: 僵尸
    await expect(
      runSweep(
        { services: bot.rt.services, sweep: bot.rt.sweep },
        {
          now: new Date('2026-11-20T09:00:00+08:00'),
          trigger: 'test',
          retain: false,
          unitsPerPage: 1,
          beforeCommit: (page) => {
            if (page === 1) throw new Error('cut off');
          },
        },
      ),
    ).rejects.toThrow('cut off');
    const next = await sweep(bot, '2026-11-20T09:10:00+08:00');
    expect(next.pagesRead).toBe(1);
    expect(reminderKeys(bot)).toEqual(['dormant:A1:2026-11-20', 'dormant:A2:2026-11-20', 'password:A2:2026-W47']);
    expect((await sweep(bot, '2026-11-20T09:20:00+08:00')).pagesRead).toBe(0);
  });
});

describe('after a change, the second run finds the new reminder', () => {
  it('posts: deleting the latest post makes the account 僵尸 (兴国 六)', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');
    await post(bot, 1, '2026-11-19T12:00:00+08:00');
    expect((await sweep(bot, '2026-11-20T09:00:00+08:00')).totals.fresh).toBe(0);
    bot.rt.db.sqlite
      .prepare('DELETE FROM posts WHERE account_id = 1 AND published_at = ?')
      .run(new Date('2026-11-19T12:00:00+08:00').getTime());
    const again = await sweep(bot, '2026-11-20T10:00:00+08:00');
    expect(again.pagesRead).toBe(1);
    expect(reminderKeys(bot)).toEqual(['dormant:A1:2026-11-20']);
    expect(to(queued(bot), GROUP).at(-1)!.text).toContain('已 19 天未更新');
  });

  it('accounts and filings: an account opened (/备案 开设) after the first run, never posted, is 僵尸', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-19T12:00:00+08:00');
    expect((await sweep(bot, '2026-11-20T09:00:00+08:00')).totals.fresh).toBe(0);
    // registered at 08:50, committed after the 09:00 sweep had read its pages: only the change count tells
    bot.setNow('2026-11-20T08:50:00+08:00');
    expect(await bot.say(`feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-10-01')).toContain(
      'A2',
    );
    await sweep(bot, '2026-11-20T10:00:00+08:00');
    expect(reminderKeys(bot)).toEqual(['dormant:A2:2026-11-20']);
  });

  it('accounts: a password confirmation moved back (a correction) makes the rotation due (兴国 四(三))', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-19T12:00:00+08:00');
    expect((await sweep(bot, '2026-11-20T09:00:00+08:00')).totals.fresh).toBe(0);
    bot.rt.db.sqlite.prepare("UPDATE accounts SET password_changed_on = '2026-05-01' WHERE id = 1").run();
    await sweep(bot, '2026-11-20T10:00:00+08:00');
    expect(reminderKeys(bot)).toEqual(['password:A1:2026-W47']);
  });

  it('time alone: an account created after the recorded moment, and a sweep as of an earlier moment', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');
    await post(bot, 1, '2026-11-20T08:30:00+08:00');
    bot.setNow('2026-11-20T10:00:00+08:00');
    expect(await bot.say(`feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-10-01')).toContain(
      'A2',
    );
    // as of 09:00 neither A2 (registered at 10:00) nor A1 (posted at 08:30) is due
    expect((await sweep(bot, '2026-11-20T09:00:00+08:00')).totals.fresh).toBe(0);
    // as of 11:00 A2 exists, though nothing was written since
    const later = await sweep(bot, '2026-11-20T11:00:00+08:00');
    expect(later.pagesRead).toBe(1);
    expect(reminderKeys(bot)).toEqual(['dormant:A2:2026-11-20']);
    expect((await sweep(bot, '2026-11-20T11:30:00+08:00')).pagesRead).toBe(0);
    // as of 08:00 A1's post of 08:30 is not there yet: 僵尸 since 11-01
    const earlier = await sweep(bot, '2026-11-20T08:00:00+08:00');
    expect(earlier.pagesRead).toBe(1);
    expect(reminderKeys(bot)).toEqual(['dormant:A1:2026-11-20', 'dormant:A2:2026-11-20']);
  });

  it('repost tasks and confirmations: a task issued after the first run, and a confirmation withdrawn (兴国 三(四))', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-19T12:00:00+08:00');
    expect((await sweep(bot, '2026-11-20T09:00:00+08:00')).totals.fresh).toBe(0);
    bot.setNow('2026-11-20T09:10:00+08:00');
    expect(
      await bot.say(
        ADMIN,
        '/转载 下发 标题=关于学习贯彻重要会议精神的通知 链接=https://www.gov.cn/zhengce/1.htm 截止=2026-11-20 范围=兴国县教育局',
      ),
    ).toContain('T1');
    await sweep(bot, '2026-11-20T09:20:00+08:00');
    expect(reminderKeys(bot)).toEqual(['repost:A1:2026-11-20']);

    // confirmed, then the confirmation withdrawn by a correction: due again, but recorded for today already
    bot.rt.db.sqlite.prepare('UPDATE repost_targets SET done_at = 1 WHERE task_id = 1').run();
    bot.rt.db.sqlite.prepare("DELETE FROM reminders WHERE kind = 'repost'").run();
    expect((await sweep(bot, '2026-11-20T09:30:00+08:00')).totals.found).toBe(0);
    bot.rt.db.sqlite.prepare('UPDATE repost_targets SET done_at = NULL WHERE task_id = 1').run();
    const again = await sweep(bot, '2026-11-20T09:40:00+08:00');
    expect(again.pagesRead).toBe(1);
    expect(reminderKeys(bot)).toEqual(['repost:A1:2026-11-20']);
  });

  it('settings: /设置 预警天数 lowered makes an 8-day-old account a warning', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-12T12:00:00+08:00');
    expect((await sweep(bot, '2026-11-20T09:00:00+08:00')).totals.fresh).toBe(0);
    expect(await bot.say(ADMIN, '/设置 预警天数=7')).toContain('7 天');
    await sweep(bot, '2026-11-20T10:00:00+08:00');
    expect(reminderKeys(bot)).toEqual(['idle:A1:2026-11-20']);
  });

  it('the calendar: Monday made a holiday makes Tuesday the first working day, when the weekly cadence is checked (神木 第十二条)', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-21T12:00:00+08:00'); // one post in the week of 11-16: fewer than 2
    expect((await sweep(bot, '2026-11-24T09:00:00+08:00')).totals.fresh).toBe(0);
    bot.setNow('2026-11-22T10:00:00+08:00');
    expect(await bot.say(ADMIN, '/节假日 新增 2026-11-23 休 说明=临时')).toContain('已设定');
    const again = await sweep(bot, '2026-11-24T10:00:00+08:00');
    expect(again.pagesRead).toBe(1);
    expect(reminderKeys(bot)).toEqual(['weekly:A1:2026-W47']); // the week before, Monday–Sunday
  });

  it('reviews: a deadline passing with nothing written is found (reviews are asked on every run)', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-19T12:00:00+08:00');
    bot.setNow('2026-11-18T10:00:00+08:00'); // two working days: due 2026-11-20 10:00
    expect(await bot.say('feishu:ou_jy_officer', '/送审 账号=兴国教育 标题=关于做好冬季供暖工作的通知')).toMatch(
      /R\d+/,
    );
    expect((await sweep(bot, '2026-11-20T09:00:00+08:00')).totals.fresh).toBe(0);
    const late = await sweep(bot, '2026-11-20T20:00:00+08:00');
    expect(late.pagesRead).toBe(0);
    expect(late.totals.fresh).toBe(1);
    expect(queued(bot).some((m) => m.target === 'ou_jy_officer' && m.text.includes('已过审核期限'))).toBe(true);
  });

  it('who is told: binding a work group makes the next run read its pages (and send nothing twice)', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');
    await sweep(bot, '2026-11-20T09:00:00+08:00');
    const sent = queued(bot).length;
    expect(
      await bot.say(ADMIN, '/单位 绑定群 单位=兴国县卫生健康委员会', { channel: 'feishu', id: 'oc_wj', type: 'group' }),
    ).toContain('工作群');
    const again = await sweep(bot, '2026-11-20T10:00:00+08:00');
    expect(again.pagesRead).toBe(1);
    expect(again.totals.fresh).toBe(0);
    expect(queued(bot)).toHaveLength(sent);
  });
});

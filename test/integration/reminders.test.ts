/**
 * The daily reminders sweep on a real SQLite file, run as if at chosen moments: who is told what (the outbox rows:
 * channel, target, text), and that a reminder is sent once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/domain/model.js';
import { ADMIN, type TestBot } from '../support/runtime.js';
import { count, groupCounty, queued, recordPost, secondRuntime, sweepAt, to } from '../support/reminders.js';

let bot: TestBot;
afterEach(() => bot?.close());

const GROUP = 'oc_jy';
const JY_LIAISON = 'ou_jy_liaison';

const county = groupCounty;

async function open(b: TestBot, as: Identity | string, line: string): Promise<void> {
  const out = await b.say(as, line);
  expect(out, line).toContain('已备案');
}

const post = recordPost;

async function personId(b: TestBot, openId: string): Promise<number> {
  const p = await b.rt.services.store.people.byIdentity({ channel: 'feishu', externalId: openId });
  if (!p) throw new Error(`no person ${openId}`);
  return p.id;
}

describe('dormancy: 僵尸 after 14 days (全国检查指标 2 周; 兴国 六), warnings from the 10th day', () => {
  it('done when: last post 2026-11-01 → on 2026-11-20 09:00 the unit group is told 19 days (僵尸), the liaison directly, the admins in a summary; a second run sends nothing', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');

    const r = await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    expect(r.committed).toBe(true);
    const rows = queued(bot);
    const [group] = to(rows, GROUP);
    expect(to(rows, GROUP)).toHaveLength(1);
    expect(group).toMatchObject({ channel: 'feishu', targetType: 'chat' });
    expect(group!.text).toContain('兴国县教育局 今日提醒（2026-11-20 周五）');
    expect(group!.text).toContain('微信公众号「兴国教育」已 19 天未更新（最近一次 2026-11-01），属“僵尸”账号');
    expect(group!.text).toContain('/更新 兴国教育');
    const [liaison] = to(rows, JY_LIAISON);
    expect(liaison).toMatchObject({ channel: 'feishu', targetType: 'user' });
    // the details are in the group; the liaison gets the counts and where to look
    expect(liaison!.text).toContain('僵尸账号（连续 14 天以上未更新）：1 项');
    expect(liaison!.text).toContain('明细已发至「兴国县教育局」工作群（飞书），请督促办理');
    const [admin] = to(rows, 'ou_admin');
    expect(admin!.text).toContain('每日提醒汇总（2026-11-20 周五）');
    expect(admin!.text).toContain('兴国县教育局 · 微信公众号「兴国教育」已 19 天未更新');
    expect(rows).toHaveLength(3);
    expect(count(bot, 'reminders')).toBe(2); // 僵尸 and the password rotation (never confirmed since 2026-03-01)

    const again = await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    expect(again.found.length).toBe(r.found.length);
    expect(again.fresh).toEqual([]);
    expect(again.messages).toEqual([]);
    expect(queued(bot)).toHaveLength(3);
    expect(count(bot, 'sweep_runs')).toBe(2);

    // the next working day it is said again, with one more day
    await sweepAt(bot, '2026-11-23T09:00:00+08:00');
    expect(to(queued(bot), GROUP).at(-1)!.text).toContain('已 22 天未更新');
  });

  it('the 9th day says nothing, the 10th warns with the days left, the 14th is 僵尸 — in Shanghai calendar days', async () => {
    bot = await county();
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-03-01'); // A2
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-03-01'); // A3
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=头条号 名称=兴国教育 开设日期=2026-03-01'); // A4
    await post(bot, 1, '2026-11-11T00:00:00+08:00'); // day 9
    await post(bot, 2, '2026-11-10T23:59:00+08:00'); // day 10 (15:59 UTC on the 10th)
    await post(bot, 3, '2026-11-06T08:00:00+08:00'); // day 14 (00:00 UTC on the 6th)
    await post(bot, 4, '2026-11-09T23:30:00+08:00'); // day 11, although 15:30 UTC is still the 9th in UTC

    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    const text = to(queued(bot), GROUP)[0]!.text;
    expect(text).not.toMatch(/微信公众号「兴国教育」已 \d+ 天未更新/);
    expect(text).toContain(
      '抖音「兴国教育」已 10 天未更新（最近一次 2026-11-10），再过 4 天将成为“僵尸”账号：请安排发布，发布后发送 /更新 兴国教育 平台=抖音',
    );
    expect(text).toContain('头条号「兴国教育」已 11 天未更新（最近一次 2026-11-09），再过 3 天');
    expect(text).toContain('微博「兴国教育」已 14 天未更新（最近一次 2026-11-06），属“僵尸”账号');
    expect(text).toMatch(/僵尸账号（连续 14 天以上未更新）：1 项[\s\S]*即将成为僵尸账号（已 10 天以上未更新）：2 项/);

    // the command in the line names exactly that account: after it, only the others remain
    const command = /\/更新 兴国教育 平台=抖音/.exec(text)![0];
    bot.setNow('2026-11-20T10:00:00+08:00');
    expect(await bot.say('feishu:ou_jy_officer', command)).toContain('已登记「兴国教育」(A2)');
    const after = await sweepAt(bot, '2026-11-20T10:30:00+08:00', { dryRun: true });
    expect(
      after.found
        .filter((i) => i.kind === 'dormant' || i.kind === 'idle')
        .map((i) => i.accountId)
        .sort(),
    ).toEqual([3, 4]);
  });

  it('兴国 六 (15 days): with /设置 僵尸天数=15 the 14th day is still a warning', async () => {
    bot = await county();
    expect(await bot.say(ADMIN, '/设置 僵尸天数=15')).toContain('14 天 → 15 天');
    await post(bot, 1, '2026-11-06T12:00:00+08:00');
    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    expect(to(queued(bot), GROUP)[0]!.text).toContain(
      '已 14 天未更新（最近一次 2026-11-06），再过 1 天将成为“僵尸”账号',
    );
  });

  it('an account without posts counts from its opening; suspended accounts and posts after the moment are left out', async () => {
    bot = await county();
    bot.setNow('2026-11-06T10:00:00+08:00');
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-06'); // A2, no posts: day 14 on 11-20
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-10-01'); // A3
    expect(await bot.say(`feishu:${JY_LIAISON}`, '/备案 关停 账号=兴国教育 平台=微博 原因=整合')).toContain('已备案');
    await post(bot, 1, '2026-11-21T10:00:00+08:00'); // after the sweep's moment: not yet published then
    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    const text = to(queued(bot), GROUP)[0]!.text;
    expect(text).toContain('抖音「兴国教育」已 14 天未更新（开设以来无更新记录），属“僵尸”账号');
    expect(text).toMatch(/微信公众号「兴国教育」已 \d+ 天未更新（开设以来无更新记录）/);
    expect(text).not.toContain('微博');
  });
});

describe('weekly cadence: at least 2 posts a week (神木 第十二条), checked on the first working day of the week', () => {
  it('on Monday 2026-11-23 accounts with fewer posts in 11-16…11-22 are told; a dormant one only by its dormancy line; not again on Tuesday', async () => {
    bot = await county();
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-03-01'); // A2
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-03-01'); // A3
    await post(bot, 1, '2026-11-17T10:00:00+08:00');
    await post(bot, 1, '2026-11-22T23:00:00+08:00'); // Sunday evening counts for last week
    await post(bot, 2, '2026-11-18T10:00:00+08:00');
    await post(bot, 2, '2026-11-23T00:10:00+08:00'); // this week already
    await post(bot, 3, '2026-11-01T10:00:00+08:00');

    await sweepAt(bot, '2026-11-23T09:00:00+08:00');
    const text = to(queued(bot), GROUP)[0]!.text;
    expect(text).toContain('上周更新不足（神木 第十二条：每周不少于 2 条）：1 项');
    expect(text).toContain(
      '抖音「兴国教育」上周（11-16～11-22）更新 1 条，少于 2 条：本周请加强更新，发布后发送 /更新 兴国教育 平台=抖音',
    );
    expect(text).not.toContain('微信公众号「兴国教育」上周');
    expect(text).not.toContain('微博「兴国教育」上周');
    expect(text).toContain('微博「兴国教育」已 22 天未更新');

    const before = queued(bot).length;
    const tuesday = await sweepAt(bot, '2026-11-24T09:00:00+08:00');
    expect(tuesday.found.some((i) => i.kind === 'weekly')).toBe(false);
    expect(
      queued(bot)
        .slice(before)
        .map((r) => r.text)
        .join('\n'),
    ).not.toContain('上周');
  });

  it('after the 清明 Monday holiday (2026-04-06) the check runs on Tuesday 04-07 for 03-30…04-05, not on the holiday', async () => {
    bot = await county();
    await post(bot, 1, '2026-04-02T10:00:00+08:00');
    const holiday = await sweepAt(bot, '2026-04-06T09:00:00+08:00', { dryRun: true });
    expect(holiday.remindDay).toBe(false);
    expect(holiday.found.some((i) => i.kind === 'weekly')).toBe(false);

    await sweepAt(bot, '2026-04-07T09:00:00+08:00');
    expect(to(queued(bot), GROUP)[0]!.text).toContain('微信公众号「兴国教育」上周（03-30～04-05）更新 1 条');
    const wednesday = await sweepAt(bot, '2026-04-08T09:00:00+08:00');
    expect(wednesday.found.some((i) => i.kind === 'weekly')).toBe(false);
  });

  it('after 国庆 the check runs on Thursday 10-08; the make-up Saturday 10-10 is a working day but not the first of its week', async () => {
    bot = await county();
    await post(bot, 1, '2026-09-30T10:00:00+08:00');
    await post(bot, 1, '2026-10-06T10:00:00+08:00');
    const thursday = await sweepAt(bot, '2026-10-08T09:00:00+08:00');
    expect(thursday.fresh.find((i) => i.kind === 'weekly')?.unitLine).toContain('上周（09-28～10-04）更新 1 条');
    const saturday = await sweepAt(bot, '2026-10-10T09:00:00+08:00');
    expect(saturday.remindDay).toBe(true);
    expect(saturday.found.some((i) => i.kind === 'weekly')).toBe(false);
  });

  it('an account opened during the week before is not held to it', async () => {
    bot = await county();
    bot.setNow('2026-11-18T10:00:00+08:00');
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-18'); // A2
    await post(bot, 1, '2026-11-17T10:00:00+08:00');
    const r = await sweepAt(bot, '2026-11-23T09:00:00+08:00', { dryRun: true });
    expect(r.found.filter((i) => i.kind === 'weekly').map((i) => i.accountId)).toEqual([1]);
  });
});

function repostTask(
  b: TestBot,
  id: number,
  deadlineIso: string,
  targets: { accountId: number; unitId: number; done?: boolean }[],
  createdIso = '2026-11-19T10:00:00+08:00',
): void {
  const db = b.rt.db.sqlite;
  db.prepare(
    "INSERT INTO repost_tasks (id, title, url, deadline_at, scope, status, created_at) VALUES (?, ?, ?, ?, ?, 'open', ?)",
  ).run(
    id,
    `关于转载重大政策信息的通知${id}`,
    'https://www.gov.cn/zhengce/1.htm',
    new Date(deadlineIso).getTime(),
    JSON.stringify({ units: 'all', platforms: 'all' }),
    new Date(createdIso).getTime(),
  );
  for (const t of targets) {
    db.prepare('INSERT INTO repost_targets (task_id, account_id, unit_id, done_at) VALUES (?, ?, ?, ?)').run(
      id,
      t.accountId,
      t.unitId,
      t.done ? new Date(createdIso).getTime() : null,
    );
  }
}

describe('repost tasks due today or overdue (兴国 三(四)：不得超过 1 个工作日)', () => {
  it('units that have not confirmed are told, with the command to confirm; confirmed targets and later deadlines are not', async () => {
    bot = await county();
    await open(bot, `feishu:${JY_LIAISON}`, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-03-01'); // A2
    await post(bot, 1, '2026-11-19T10:00:00+08:00');
    await post(bot, 2, '2026-11-19T10:00:00+08:00');
    repostTask(bot, 3, '2026-11-20T18:00:00+08:00', [
      { accountId: 1, unitId: 2 },
      { accountId: 2, unitId: 2, done: true },
    ]);
    repostTask(bot, 4, '2026-11-18T18:00:00+08:00', [{ accountId: 2, unitId: 2 }], '2026-11-17T10:00:00+08:00');
    repostTask(bot, 5, '2026-11-21T18:00:00+08:00', [{ accountId: 1, unitId: 2 }]);

    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    const text = to(queued(bot), GROUP)[0]!.text;
    expect(text).toContain(
      '转载任务 T3「关于转载重大政策信息的通知3」今天 18:00 截止，微信公众号「兴国教育」尚未确认：转载后发送 /转载 完成 T3 账号=A1',
    );
    expect(text).toContain(
      '转载任务 T4「关于转载重大政策信息的通知4」已逾期 2 个工作日（截止 2026-11-18 18:00），抖音「兴国教育」尚未确认：转载后发送 /转载 完成 T4 账号=A2',
    );
    expect(text).not.toContain('T5');
    expect(text.match(/T3/g)).toHaveLength(2); // the line and its command; not for the confirmed A2
  });

  it('with a task issued by /转载 下发, the command in the reminder line confirms it, and the reminder stops', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-19T10:00:00+08:00');
    bot.setNow('2026-11-19T10:00:00+08:00');
    const issued = await bot.say(
      ADMIN,
      '/转载 下发 标题=关于学习贯彻重要会议精神的通知 链接=https://www.gov.cn/zhengce/2026-11/19/1.htm 范围=兴国县教育局',
    );
    const task = /T(\d+)/.exec(issued)?.[1];
    expect(task, issued).toBeDefined();

    const r = await sweepAt(bot, '2026-11-20T09:00:00+08:00', { dryRun: true });
    const line = r.fresh.find((i) => i.kind === 'repost')?.unitLine ?? '';
    const command = /\/转载 完成 T\d+ 账号=\S+/.exec(line)?.[0];
    expect(command, line).toBe(`/转载 完成 T${task} 账号=兴国教育`);

    bot.setNow('2026-11-20T10:00:00+08:00');
    expect(await bot.say(`feishu:${JY_LIAISON}`, command!)).toContain(`T${task}`);
    const after = await sweepAt(bot, '2026-11-20T10:30:00+08:00', { dryRun: true });
    expect(after.found.some((i) => i.kind === 'repost')).toBe(false);
  });

  it('a later run the same day queues only what is new: a task issued at 10:00 and due at 17:00', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T10:00:00+08:00');
    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    const first = queued(bot).length;

    repostTask(bot, 6, '2026-11-20T17:00:00+08:00', [{ accountId: 1, unitId: 2 }], '2026-11-20T10:00:00+08:00');
    const later = await sweepAt(bot, '2026-11-20T10:30:00+08:00');
    expect(later.fresh.map((i) => i.key)).toEqual(['repost:T6:A1:2026-11-20']);
    const added = queued(bot).slice(first);
    expect(added.map((r) => r.target).sort()).toEqual([GROUP, JY_LIAISON, 'ou_admin'].sort());
    const group = to(added, GROUP)[0]!.text;
    expect(group).toContain('T6');
    expect(group).not.toContain('19 天');
    expect(to(added, 'ou_admin')[0]!.text).toMatch(/转载任务未确认：1 项（1 个单位）/);
  });
});

function review(
  b: TestBot,
  r: {
    id: number;
    requesterId: number;
    approverId: number | null;
    deadline?: string;
    planned?: string;
    status?: string;
  },
): void {
  const db = b.rt.db.sqlite;
  db.prepare(
    "INSERT INTO reviews (id, unit_id, account_id, title, level, planned_at, deadline_at, requester_id, status, current_step, created_at) VALUES (?, 2, 1, ?, '一般', ?, ?, ?, ?, 1, ?)",
  ).run(
    r.id,
    `关于冬季供暖的通知${r.id}`,
    r.planned ? new Date(r.planned).getTime() : null,
    r.deadline ? new Date(r.deadline).getTime() : null,
    r.requesterId,
    r.status ?? 'pending',
    new Date('2026-11-18T10:00:00+08:00').getTime(),
  );
  db.prepare(
    "INSERT INTO review_steps (review_id, step, role, approver_id, status) VALUES (?, 1, 'in_charge', ?, 'pending')",
  ).run(r.id, r.approverId);
}

describe('reviews waiting past their deadline or planned time (先审后发, 神木 第十七条)', () => {
  it('the requester and the current approver are told directly, with the command; the work group is not; admins see it', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-19T10:00:00+08:00');
    const officer = await personId(bot, 'ou_jy_officer');
    const incharge = await personId(bot, 'ou_jy_incharge');
    review(bot, { id: 12, requesterId: officer, approverId: incharge, deadline: '2026-11-19T17:00:00+08:00' });
    review(bot, {
      id: 13,
      requesterId: officer,
      approverId: incharge,
      deadline: '2026-11-23T17:00:00+08:00',
      planned: '2026-11-20T08:00:00+08:00',
    });
    review(bot, { id: 14, requesterId: officer, approverId: incharge, deadline: '2026-11-23T17:00:00+08:00' });
    review(bot, {
      id: 15,
      requesterId: officer,
      approverId: incharge,
      deadline: '2026-11-19T17:00:00+08:00',
      status: 'approved',
    });

    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    const rows = queued(bot);
    const requester = to(rows, 'ou_jy_officer');
    expect(requester).toHaveLength(1);
    expect(requester[0]!.text).toContain(
      '您送审的 R12「关于冬季供暖的通知12」（兴国县教育局 · 兴国教育）已过审核期限 2026-11-19 17:00，仍在等待 赵分管 审批',
    );
    expect(requester[0]!.text).toContain('/送审 撤回 R12');
    expect(requester[0]!.text).toContain(
      'R13「关于冬季供暖的通知13」（兴国县教育局 · 兴国教育）已过计划发布时间 2026-11-20 08:00',
    );
    const approver = to(rows, 'ou_jy_incharge')[0]!.text;
    expect(approver).toContain('等待您审批：发送 /审批 同意 R12，或 /审批 退回 R12 意见=…');
    expect(approver).toContain('/审批 同意 R13');
    for (const r of rows) expect(r.text).not.toMatch(/R1[45]/);
    expect(to(rows, GROUP)[0]!.text).not.toContain('R12'); // the group only hears about the password today
    expect(to(rows, 'ou_admin')[0]!.text).toContain(
      'R12「关于冬季供暖的通知12」（兴国县教育局 · 兴国教育）已过审核期限 2026-11-19 17:00，待 赵分管 审批',
    );
  });
});

describe('reviews requested with /送审 (the review flow, issue 4)', () => {
  it('a review still waiting after its deadline reminds its requester and approver; deciding it stops the reminders', async () => {
    bot = await county();
    bot.setNow('2026-11-18T10:00:00+08:00');
    const requested = await bot.say('feishu:ou_jy_officer', '/送审 账号=兴国教育 标题=关于做好冬季供暖工作的通知');
    const id = /R(\d+)/.exec(requested)?.[1];
    expect(id, requested).toBeDefined();
    const before = await sweepAt(bot, '2026-11-18T11:00:00+08:00', { dryRun: true });
    expect(before.found.some((i) => i.kind === 'review')).toBe(false);

    const late = await sweepAt(bot, '2026-11-23T09:00:00+08:00', { dryRun: true });
    const item = late.found.find((i) => i.kind === 'review');
    expect(item?.key).toBe(`review:R${id}:2026-11-23`);
    const to = late.messages
      .filter((m) => m.audience === 'person')
      .map((m) => m.message.target)
      .sort();
    expect(to).toEqual(['ou_jy_incharge', 'ou_jy_officer']);

    bot.setNow('2026-11-23T10:00:00+08:00');
    expect(await bot.say('feishu:ou_jy_incharge', `/审批 同意 R${id}`)).toContain(`R${id}`);
    const after = await sweepAt(bot, '2026-11-23T10:30:00+08:00', { dryRun: true });
    expect(after.found.some((i) => i.kind === 'review')).toBe(false);
  });
});

describe('password rotation every 90 days (兴国 四(三), 神木 第二十条)', () => {
  it('counted from the opening when never confirmed; said once a week; /改密 stops it', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-18T10:00:00+08:00');
    const wed = await sweepAt(bot, '2026-11-18T09:00:00+08:00');
    expect(wed.fresh.find((i) => i.kind === 'password')?.unitLine).toBe(
      '微信公众号「兴国教育」开设以来未确认更换过密码（已 262 天）：更换后发送 /改密 兴国教育',
    );
    const thu = await sweepAt(bot, '2026-11-19T09:00:00+08:00');
    expect(thu.found.some((i) => i.kind === 'password')).toBe(true);
    expect(thu.fresh.some((i) => i.kind === 'password')).toBe(false); // same ISO week

    const nextMonday = await sweepAt(bot, '2026-11-23T09:00:00+08:00', { dryRun: true });
    expect(nextMonday.fresh.some((i) => i.kind === 'password')).toBe(true);

    bot.setNow('2026-11-20T15:00:00+08:00');
    expect(await bot.say(`feishu:${JY_LIAISON}`, '/改密 兴国教育')).toContain('下次请在 2027-02-18 前更换');
    const after = await sweepAt(bot, '2026-11-23T09:00:00+08:00', { dryRun: true });
    expect(after.found.some((i) => i.kind === 'password')).toBe(false);
    const due = await sweepAt(bot, '2027-02-18T09:00:00+08:00', { dryRun: true });
    expect(due.found.find((i) => i.kind === 'password')?.unitLine).toContain(
      '上次确认更换密码是 2026-11-20（90 天前）',
    );
  });
});

describe('who is told', () => {
  it('a unit without a work group gets its digest through its liaison; a unit with neither is listed for the admins', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-19T10:00:00+08:00');
    await open(bot, 'feishu:ou_wj_liaison', '/备案 开设 平台=微博 名称=兴国卫健 开设日期=2026-03-01');
    await open(bot, ADMIN, '/备案 开设 平台=微信公众号 名称=兴国政府办 开设日期=2026-03-01 单位=兴国县人民政府办公室');

    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    const rows = queued(bot);
    const wj = to(rows, 'ou_wj_liaison');
    expect(wj).toHaveLength(1);
    expect(wj[0]!.text).toContain('兴国县卫生健康委员会 今日提醒');
    expect(wj[0]!.text).toContain('微博「兴国卫健」已 264 天未更新（开设以来无更新记录）');
    const admin = to(rows, 'ou_admin')[0]!.text;
    expect(admin).toContain('无人接收提醒（请绑定工作群或登记联络员）');
    expect(admin).toContain('「兴国县人民政府办公室」');
    expect(admin).toContain('/单位 绑定群 单位=兴国县人民政府办公室');
    expect(rows.some((r) => r.text.includes('兴国县人民政府办公室 今日提醒'))).toBe(false);
  });
});

describe('the working-day calendar, for admins from December on', () => {
  it('2027 not covered: admins are told on 2026-12-01 (not in November); one override does not silence it, an imported notice does', async () => {
    bot = await county();
    const nov = await sweepAt(bot, '2026-11-30T09:00:00+08:00', { dryRun: true });
    expect(nov.found.some((i) => i.kind === 'calendar')).toBe(false);
    await sweepAt(bot, '2026-12-01T09:00:00+08:00');
    const admin = to(queued(bot), 'ou_admin')[0]!.text;
    expect(admin).toContain('2027 年的法定节假日安排尚未收录');
    expect(admin).toContain('/节假日 导入');
    expect(to(queued(bot), GROUP)[0]!.text).not.toContain('2027');
    expect(await bot.say(ADMIN, '/节假日 新增 2027-01-01 休 说明=元旦')).toContain('已设定');
    const still = await sweepAt(bot, '2026-12-07T09:00:00+08:00', { dryRun: true });
    expect(still.found.some((i) => i.kind === 'calendar')).toBe(true);
    await bot.say(
      ADMIN,
      '/节假日 导入 国务院办公厅关于2027年部分节假日安排的通知 一、元旦：1月1日（周五）放假，共1天。',
    );
    expect(await bot.say(ADMIN, '/节假日 导入 确认')).toContain('已导入 2027 年');
    const later = await sweepAt(bot, '2026-12-07T09:00:00+08:00', { dryRun: true });
    expect(later.found.some((i) => i.kind === 'calendar')).toBe(false);
  });
});

describe('once each', () => {
  it('two processes sweeping at once send every reminder once', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');
    const other = secondRuntime(bot);
    try {
      const [a, b] = await Promise.all([
        sweepAt(bot, '2026-11-20T09:00:00+08:00'),
        sweepAt(other, '2026-11-20T09:00:00+08:00'),
      ]);
      expect(a.committed && b.committed).toBe(true);
      // both planned before either committed: the second commit failed on the first's records and recomputed
      expect([a.attempts, b.attempts].sort()).toEqual([1, 2]);
      expect(a.fresh.length + b.fresh.length).toBe(a.found.length);
      const rows = queued(bot);
      expect(to(rows, GROUP)).toHaveLength(1);
      expect(to(rows, JY_LIAISON)).toHaveLength(1);
      expect(to(rows, 'ou_admin')).toHaveLength(1);
    } finally {
      other.close();
    }
  });

  it('a crash before the commit records and queues nothing, and the next run sends it all', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');
    const store = bot.rt.services.store;
    const commit = store.commit;
    store.commit = async () => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    };
    await expect(sweepAt(bot, '2026-11-20T09:00:00+08:00')).rejects.toThrow(/disk I\/O/);
    store.commit = commit;
    expect([count(bot, 'reminders'), queued(bot).length, count(bot, 'sweep_runs')]).toEqual([0, 0, 0]);
    await sweepAt(bot, '2026-11-20T09:05:00+08:00');
    expect(to(queued(bot), GROUP)[0]!.text).toContain('19 天未更新');
  });

  it('reminders are forgotten 60 days after their period (days and ISO weeks alike); current ones are kept', async () => {
    bot = await county();
    await sweepAt(bot, '2026-09-01T09:00:00+08:00');
    const periods = () =>
      (
        bot.rt.db.sqlite.prepare('SELECT DISTINCT period FROM reminders ORDER BY period').all() as { period: string }[]
      ).map((r) => r.period);
    expect(periods()).toEqual(['2026-09-01', '2026-W36']);
    await sweepAt(bot, '2026-10-30T09:00:00+08:00');
    expect(periods()).toEqual(['2026-09-01', '2026-10-30', '2026-W36', '2026-W44']);
    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    expect(periods()).toEqual(['2026-10-30', '2026-11-20', '2026-W44', '2026-W47']);
  });

  it('a dry run changes nothing', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');
    const before = [count(bot, 'reminders'), count(bot, 'outbox'), count(bot, 'sweep_runs')];
    const r = await sweepAt(bot, '2026-11-20T09:00:00+08:00', { dryRun: true });
    expect(r.messages.map((m) => m.to)).toEqual(['「兴国县教育局」工作群（飞书）', '李联络（飞书）', '管理员（飞书）']);
    expect([count(bot, 'reminders'), count(bot, 'outbox'), count(bot, 'sweep_runs')]).toEqual(before);
  });
});

describe('/提醒 预览 (admin)', () => {
  it('shows what the sweep would send on a day, without sending; after the sweep there is nothing new', async () => {
    bot = await county();
    await post(bot, 1, '2026-11-01T12:00:00+08:00');
    bot.setNow('2026-11-20T08:00:00+08:00');
    const before = [count(bot, 'reminders'), count(bot, 'outbox')];
    const out = await bot.say(ADMIN, '/提醒 预览');
    expect(out).toContain('提醒预览（2026-11-20 09:00 周五）');
    expect(out).toContain('将发送 3 条消息');
    expect(out).toContain('→ 「兴国县教育局」工作群（飞书）');
    expect(out).toContain('→ 李联络（飞书）');
    expect(out).toContain('已 19 天未更新');
    expect([count(bot, 'reminders'), count(bot, 'outbox')]).toEqual(before);

    expect(await bot.say(ADMIN, '/提醒 预览 11月23日')).toContain('已 22 天未更新');
    expect(await bot.say(ADMIN, '/提醒 预览 2026-11-21')).toContain('2026-11-21 不是工作日');

    await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    bot.setNow('2026-11-20T10:00:00+08:00');
    expect(await bot.say(ADMIN, '/提醒 预览')).toContain('没有新的提醒：找到 2 项，均已在本期提醒过（有发送记录）');
  });

  it('is for admins only, and a bad date is refused with the correct form, changing nothing', async () => {
    bot = await county();
    expect(await bot.say(`feishu:${JY_LIAISON}`, '/提醒 预览')).toContain('您没有权限使用 /提醒 预览');
    const bad = await bot.say(ADMIN, '/提醒 预览 2026-13-40');
    expect(bad).toContain('「日期」不是有效日期');
    expect(bad).toContain('/提醒 预览 [日期]');
    expect(count(bot, 'sweep_runs')).toBe(0);
  });
});

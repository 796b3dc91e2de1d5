/**
 * The working-day calendar as a county admin meets it at the turn of a year the package data does not know (2027):
 * coverage per day's source, fallback warnings, deadlines revisited after an override, and importing the State
 * Council's 节假日安排 notice with a preview to confirm.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const LIAISON = 'feishu:ou_jy_liaison';
const OFFICER = 'feishu:ou_jy_officer';
const NOTICE_2027 =
  '元旦：1月1日（周五）放假，共1天。\n春节：2月6日（周六）至14日（周日）放假调休，共9天。2月4日（周四）、2月20日（周六）上班。';

let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-12-30T10:00:00+08:00' });
  await seedCounty(bot);
});
afterEach(() => bot.close());

function sql<T>(q: string): T[] {
  const db = new Database(bot.file, { readonly: true });
  try {
    return db.prepare(q).all() as T[];
  } finally {
    db.close();
  }
}

describe('calendar coverage is a property of each day, not of the year', () => {
  it('one override for 2027-01-01 does not make 2027 known: /节假日 查询 2027-02-11 still says Monday–Friday fallback', async () => {
    const added = await bot.say(ADMIN, '/节假日 新增 2027-01-01 休 说明=元旦');
    expect(added).toContain('2027 年其余日子仍按周一至周五推算');
    expect(await bot.say(ADMIN, '/节假日 查询 2027-01-01')).toContain('休息日，元旦（管理员设定）');
    const q = await bot.say(ADMIN, '/节假日 查询 2027-02-11');
    expect(q).toContain('按周一至周五推算');
    expect(q).not.toContain('法定安排');
    expect(await bot.say(ADMIN, '/节假日')).toContain('2027 年尚未收录');
  });

  it('a review whose deadline relies on a fallback day says so (/送审 on 2026-12-30, two working days)', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-12-01');
    const out = await bot.say(OFFICER, '/送审 账号=兴国教育 标题=元旦假期安全提示');
    expect(out).toContain('审核期限：2027-01-01 10:00');
    expect(out).toContain('2027 年的法定节假日安排尚未收录');
  });
});

describe('after an override, open deadlines it moves are recomputed and their owners told', () => {
  it('review R1, repost task T1 and filing F1 computed over 2027-01-01 move when it becomes a holiday', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-12-01');
    // R1: 2026-12-30 + 2 working days = 2027-01-01 (fallback)
    expect(await bot.say(OFFICER, '/送审 账号=兴国教育 标题=元旦假期安全提示')).toContain('审核期限：2027-01-01 10:00');
    // T1: 2026-12-31 + 1 working day = 2027-01-01 (fallback)
    bot.setNow('2026-12-31T09:00:00+08:00');
    expect(
      await bot.say(ADMIN, '/转载 下发 标题=关于元旦期间安全生产的通知 链接=https://www.gov.cn/zhengce/content/2.htm'),
    ).toContain('2027-01-01 09:00');
    // F2: opened 2026-12-28, filed 2027-01-05: under the fallback due 2027-01-04 (12-29, 12-30, 12-31, 01-01, 01-04), late
    bot.setNow('2027-01-05T09:00:00+08:00');
    const f = await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-12-28');
    expect(f).toContain('备案期限：2027-01-04');
    expect(f).toContain('逾期 1 个工作日');

    bot.setNow('2027-01-05T10:00:00+08:00');
    const out = await bot.say(ADMIN, '/节假日 新增 2027-01-01 休 说明=元旦');
    expect(out).toContain('R1「元旦假期安全提示」审核期限由 2027-01-01 改为 2027-01-04');
    expect(out).toContain('T1「关于元旦期间安全生产的通知」转载截止由 2027-01-01 改为 2027-01-04');
    expect(out).toContain('F2「兴国教育」备案期限由 2027-01-04 改为 2027-01-05，改为按期');

    const store = bot.rt.services.store;
    expect((await store.reviews.byId(1))?.deadlineAt?.toISOString()).toBe('2027-01-04T02:00:00.000Z');
    expect((await store.reposts.byId(1))?.deadlineAt.toISOString()).toBe('2027-01-04T01:00:00.000Z');
    expect(await store.filings.byId(2)).toMatchObject({ dueDate: '2027-01-05', late: false });
    const told = sql<{ target: string; payload: string }>('select target, payload from outbox');
    expect(told.find((m) => m.target === 'ou_jy_officer' && m.payload.includes('R1'))?.payload).toContain(
      '审核期限由 2027-01-01 改为 2027-01-04',
    );
    expect(told.find((m) => m.target === 'ou_jy_liaison' && m.payload.includes('F2'))?.payload).toContain('改为按期');
    expect(told.some((m) => m.payload.includes('转载任务 T1') && m.payload.includes('改为 2027-01-04'))).toBe(true);

    // deleting the entry moves them back
    const back = await bot.say(ADMIN, '/节假日 删除 2027-01-01');
    expect(back).toContain('该日现为工作日（该年节假日安排未收录，按周一至周五推算）');
    expect(back).toContain('R1「元旦假期安全提示」审核期限由 2027-01-04 改为 2027-01-01');
  });
});

describe('/节假日 导入: the State Council notice, previewed then confirmed', () => {
  it('the items quoted in the request (2027, no title): preview shows days, differences and deadlines that would move; confirm applies', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-12-01');
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=元旦假期安全提示');
    const preview = await bot.say(ADMIN, `/节假日 导入 ${NOTICE_2027}`);
    expect(preview).toContain('2027 年节假日安排预览（导入 1，共 12 天）');
    expect(preview).toContain('元旦：1月1日（周五）放假，共1天');
    expect(preview).toContain('春节：2月6日（周六）至2月14日（周日）放假，共9天；2月4日（周四）、2月20日（周六）上班');
    expect(preview).toContain('与现有日历（周一至周五推算）相比有 7 天不同');
    expect(preview).toContain('2027-02-20（周六）：休息日 → 工作日');
    expect(preview).toContain('R1「元旦假期安全提示」审核期限将由 2027-01-01 改为 2027-01-04');
    expect(preview).toContain('按所注星期推定为 2027 年');
    expect(preview).toContain('/节假日 导入 确认 1');
    // nothing changed yet
    expect(await bot.say(ADMIN, '/节假日 查询 2027-02-08')).toContain('工作日（该年节假日安排未收录');

    const done = await bot.say(ADMIN, '/节假日 导入 确认 1');
    expect(done).toContain('已导入 2027 年节假日安排：10 天放假、2 天调休上班');
    expect(done).toContain('R1「元旦假期安全提示」审核期限由 2027-01-01 改为 2027-01-04');
    expect(await bot.say(ADMIN, '/节假日 查询 2027-02-08')).toContain('休息日，春节（已导入的节假日安排通知）');
    expect(await bot.say(ADMIN, '/节假日 查询 2027-03-11')).toContain('工作日（已导入的节假日安排通知）');
    expect(await bot.say(ADMIN, '/节假日')).toContain('已导入 2027 年的节假日安排通知');
    expect(await bot.say(ADMIN, '/节假日 导入 确认 1')).toContain('导入 1 已确认过');
  });

  it('the published 2026 notice matches the chinese-days data: the preview says so; cancel leaves the calendar alone', async () => {
    const text = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/holidays/2026.txt'), 'utf8');
    const preview = await bot.say(ADMIN, `/节假日 导入 ${text}`);
    expect(preview).toContain('2026 年节假日安排预览（导入 1，共 39 天）');
    expect(preview).toContain('与现有日历（chinese-days 数据）一致');
    expect(await bot.say(ADMIN, '/节假日 导入 取消')).toContain('已取消导入 1，日历未改动');
    expect(sql('select * from calendar_overrides')).toEqual([]);
  });

  it('text that is not a notice is refused with a short message and nothing is stored; non-admins cannot import', async () => {
    expect(await bot.say(ADMIN, '/节假日 导入 你好')).toContain('没有读到节日安排');
    expect(await bot.say(ADMIN, '/节假日 导入')).toContain('请在 /节假日 导入 后粘贴通知全文');
    expect(await bot.say(ADMIN, '/节假日 导入 确认')).toContain('没有待确认的导入');
    expect(await bot.say(LIAISON, `/节假日 导入 ${NOTICE_2027}`)).toContain('管理员');
    expect(sql('select * from holiday_imports')).toEqual([]);
  });
});

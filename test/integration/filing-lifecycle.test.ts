import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const LIAISON = 'feishu:ou_jy_liaison';
const OTHER_LIAISON = 'feishu:ou_wj_liaison';

let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-11-22T10:00:00+08:00' });
  await seedCounty(bot);
});
afterEach(() => bot.close());

function outbox(): { target: string; payload: string }[] {
  const db = new Database(bot.file, { readonly: true });
  try {
    return db.prepare('select target, payload from outbox order by id').all() as { target: string; payload: string }[];
  } finally {
    db.close();
  }
}

describe('filing lifecycle: 驳回 and 作废 (神木 第九条)', () => {
  it('/备案 驳回 F1 意见=…: a pending campaign account is refused, leaves the register and the liaison is told', async () => {
    expect(await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=2026兴国教育文化节 开设日期=2026-11-20')).toContain(
      '待管理员确认',
    );
    const out = await bot.say(ADMIN, '/备案 驳回 F1 意见=不得为专项活动单独开设');
    expect(out).toContain('已驳回备案 F1');
    expect(out).toContain('账号 A1 不列入台账');
    expect(out).toContain('已通知 李联络');
    const store = bot.rt.services.store;
    expect((await store.filings.byId(1))?.status).toBe('rejected');
    expect((await store.accounts.byId(1))?.status).toBe('void');
    expect(outbox().find((m) => m.target === 'ou_jy_liaison' && m.payload.includes('驳回'))?.payload).toContain(
      '不得为专项活动单独开设',
    );
    expect(await bot.say(ADMIN, '/备案 确认')).toContain('没有待确认的备案');
    expect(await bot.say(ADMIN, '/备案 驳回 F1 意见=x')).toContain('F1 已驳回过');
    expect(await bot.say(ADMIN, '/备案 确认 F1')).toContain('已驳回');
  });

  it('a filing that is not pending cannot be rejected, but a mistaken one can be voided (/备案 作废 F1 原因=…)', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-20');
    expect(await bot.say(ADMIN, '/备案 驳回 F1 意见=x')).toContain('不是待确认的备案，不能驳回');
    const out = await bot.say(ADMIN, '/备案 作废 F1 原因=重复备案');
    expect(out).toContain('已作废备案 F1');
    expect((await bot.rt.services.store.accounts.byId(1))?.status).toBe('void');
    expect(await bot.say(ADMIN, '/备案 作废 F1 原因=重复备案')).toContain('已作废过');
    // a liaison may not do it
    await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-20');
    expect(await bot.say(LIAISON, '/备案 作废 F2 原因=x')).toContain('管理员');
    expect((await bot.rt.services.store.filings.byId(2))?.status).toBe('filed');
  });

  it('a de-registered account leaves the 待确认 list', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=2026兴国教育文化节 开设日期=2026-11-20');
    expect(await bot.say(ADMIN, '/备案 确认')).toContain('F1');
    expect(await bot.say(LIAISON, '/备案 注销 账号=A1 原因=活动结束')).toContain('已备案 F2：注销');
    expect(await bot.say(ADMIN, '/备案 确认')).toContain('没有待确认的备案');
  });
});

describe('神木 第九条: personal names', () => {
  it('"张三的工作号", "…的账号" and a registered person of another unit count as personal names', async () => {
    expect(await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=张三的工作号')).toContain('神木 第九条');
    expect(await bot.say(LIAISON, '/备案 开设 平台=快手 名称=兴国教育局长的账号')).toContain('神木 第九条');
    // 孙联络 is registered in 卫健委, not in 教育局
    expect(await bot.say(LIAISON, '/备案 开设 平台=微博 名称=孙联络说教育')).toContain('含人员姓名「孙联络」');
    expect(await bot.say(OTHER_LIAISON, '/备案 开设 平台=微博 名称=健康兴国')).not.toContain('神木 第九条');
  });
});

describe("神木 第十条: the name warning only when the new name differs from the unit's other accounts", () => {
  it('a name the unit already uses is not warned; a new one names the others', async () => {
    expect(await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-20')).not.toContain(
      '神木 第十条',
    );
    expect(await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-20')).not.toContain(
      '神木 第十条',
    );
    const odd = await bot.say(LIAISON, '/备案 开设 平台=微博 名称=兴国县教育局官微 开设日期=2026-11-20');
    expect(odd).toContain('神木 第十条');
    expect(odd).toContain('微信公众号「兴国教育」');
    // a fourth with the unit's name: no warning, although 官微 differs
    expect(await bot.say(LIAISON, '/备案 开设 平台=快手 名称=兴国教育 开设日期=2026-11-20')).not.toContain(
      '神木 第十条',
    );
  });
});

describe('备案期限 settings', () => {
  it('兴国 四(二): with 备案期限=3 the filing reply cites 兴国 四(二), not 神木 第六条', async () => {
    await bot.say(ADMIN, '/设置 备案期限=3');
    const out = await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-20');
    expect(out).toContain('备案期限：2026-11-25（3 个工作日内，兴国 四(二)）');
    expect(out).not.toContain('神木 第六条');
  });

  it('备案期限=0 is refused; "90天" and "3个工作日" are accepted where a number of days is asked', async () => {
    expect(await bot.say(ADMIN, '/设置 备案期限=0')).toContain('备案期限不能小于 1');
    expect(await bot.say(ADMIN, '/设置 改密周期=90天')).toContain('改密周期：90 天 → 90 天');
    expect(await bot.say(ADMIN, '/设置 僵尸天数=15天')).toContain('僵尸天数：14 天 → 15 天');
    expect(await bot.say(ADMIN, '/设置 备案期限=3个工作日')).toContain('备案期限：5 个工作日 → 3 个工作日');
  });
});

/** Deciding by text: a leader on a channel without cards (Wechaty, the console) sees what the card shows. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const OFFICER = 'feishu:ou_jy_officer';
const IN_CHARGE = 'feishu:ou_jy_incharge';
const LONG = `${'全县冬季供暖工作安排如下。'.repeat(40)}结尾句。`;

let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-11-20T10:00:00+08:00' });
  await seedCounty(bot);
  await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
  await bot.say('feishu:ou_wj_liaison', '/备案 开设 平台=微信公众号 名称=健康兴国 开设日期=2026-11-02');
});
afterEach(() => bot.close());

describe('deciding by text (/审批, /送审 查看)', () => {
  it('/审批 shows 内容 (first part, with the way to see all), 链接, 计划发布, the seven checks, pre-check findings and hints with the real id', async () => {
    await bot.say(
      OFFICER,
      `/送审 账号=兴国教育 标题=关于做好冬季供暖工作的通知 链接=https://www.xingguo.gov.cn/a/1.html 计划发布=2026-11-21T09:00 内容=${LONG}`,
    );
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=第二条 链接=https://example.com/x');
    const out = await bot.say(IN_CHARGE, '/审批');
    expect(out).toContain('等您审批（2）');
    expect(out).toContain('链接：https://www.xingguo.gov.cn/a/1.html');
    expect(out).toContain('计划发布：2026-11-21 09:00');
    expect(out).toContain('全县冬季供暖工作安排如下。');
    expect(out).toContain('全文：/送审 查看 R1 全文');
    expect(out).not.toContain('结尾句');
    for (const check of ['政治关', '政策关', '法律关', '文字关', '保密关', '舆情关', '安全关'])
      expect(out).toContain(check);
    expect(out).toContain('example.com');
    expect(out).toContain('同意：/审批 同意 R1');
    expect(out).toContain('同意：/审批 同意 R2');
    expect(out).not.toContain('R12');
    const full = await bot.say(IN_CHARGE, '/送审 查看 R1 全文');
    expect(full).toContain('结尾句');
    expect(full).toContain('同意：/审批 同意 R1');
    // the requester sees the same facts, without the decision hint
    const mine = await bot.say(OFFICER, '/送审 查看 R1');
    expect(mine).toContain('链接：https://www.xingguo.gov.cn/a/1.html');
    expect(mine).not.toContain('/审批 同意');
    // once decided, the seven checks and their heading are no longer shown as asked for
    expect(mine).toContain('请逐项把关');
    await bot.say(IN_CHARGE, '/审批 同意 R1');
    const decided = await bot.say(OFFICER, '/送审 查看 R1');
    expect(decided).toContain('同意');
    expect(decided).not.toContain('请逐项把关');
    expect(decided).not.toContain('☐政治关');
  });

  it('who may approve is stated once and consistently: an admin cannot decide, and the refusal to others does not list 管理员', async () => {
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=冬季供暖');
    const refused = await bot.say(OFFICER, '/审批 同意 R1');
    expect(refused).toContain('仅限分管领导、主要领导');
    expect(refused).not.toContain('管理员');
    expect(await bot.say(ADMIN, '/审批 同意 R1')).toContain('管理员不能代为审批');
    expect((await bot.rt.services.store.reviews.byId(1))?.status).toBe('pending');
  });

  it("another unit's leader is told which unit the review belongs to", async () => {
    await bot.say(ADMIN, '/人员 新增 @feishu:ou_wj_incharge 姓名=周分管 单位=兴国县卫生健康委员会 角色=分管领导');
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=冬季供暖');
    const out = await bot.say('feishu:ou_wj_incharge', '/审批 同意 R1');
    expect(out).toContain('R1 是「兴国县教育局」的送审，应由该单位的分管领导 赵分管审批');
  });

  it('a refusal for an admin-only command names the role once ("仅限管理员", not "仅限管理员、管理员")', async () => {
    const out = await bot.say(OFFICER, '/设置');
    expect(out).toContain('仅限管理员。');
    expect(out).not.toContain('管理员、管理员');
  });
});

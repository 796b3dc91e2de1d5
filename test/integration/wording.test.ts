/** Wording and length: the small things a county user reads every day. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { daysAgo, joinSentences, rolesLabel } from '../../src/domain/wording.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const OFFICER = 'feishu:ou_jy_officer';
const IN_CHARGE = 'feishu:ou_jy_incharge';

let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-11-20T10:00:00+08:00' });
  await seedCounty(bot);
  await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
});
afterEach(() => bot.close());

describe('wording', () => {
  it('"R1 已撤回，不能撤回" is "R1 已撤回过"', async () => {
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=冬季供暖');
    expect(await bot.say(OFFICER, '/送审 撤回 R1')).toContain('已撤回 R1');
    const again = await bot.say(OFFICER, '/送审 撤回 R1');
    expect(again).toContain('R1 已撤回过');
    expect(again).not.toContain('不能撤回');
  });

  it('"0 天前" is "今天" (register), and sentences join without "。；"', async () => {
    await bot.say('feishu:ou_jy_liaison', '/更新 兴国教育');
    const reg = await bot.say(ADMIN, '/账号');
    expect(reg).not.toContain('0 天前');
    expect(reg).toContain('今天');
    expect(daysAgo(0)).toBe('今天');
    expect(daysAgo(1)).toBe('昨天');
    expect(daysAgo(3)).toBe('3 天前');
    expect(joinSentences(['需管理员确认。', '名称不一致。'])).toBe('需管理员确认；名称不一致。');
    await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=抖音 名称=2026兴国教育文化节');
    expect(await bot.say(ADMIN, '/备案 确认')).not.toContain('。；');
  });

  it('"已通知…单位工作群" only when a group is bound: with none, the reply names who was reached', async () => {
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=冬季供暖');
    const out = await bot.say(IN_CHARGE, '/审批 同意 R1');
    expect(out).not.toContain('单位工作群');
    expect(out).toContain('已通知 王信息');
  });

  it('/人员 列表 groups roles by unit instead of "长冈乡人民政府联络员、联络员"', async () => {
    expect(
      rolesLabel(
        {
          unitId: 2,
          roles: [
            { role: 'liaison', unitId: 5 },
            { role: 'liaison', unitId: 2 },
          ],
        },
        (id) => (id === 5 ? '长冈乡人民政府' : '兴国县教育局'),
      ),
    ).toBe('长冈乡人民政府：联络员；兴国县教育局：联络员');
    expect(
      rolesLabel(
        {
          unitId: 2,
          roles: [
            { role: 'liaison', unitId: 2 },
            { role: 'officer', unitId: 2 },
          ],
        },
        () => 'x',
      ),
    ).toBe('联络员、信息员');
    const list = await bot.say(ADMIN, '/人员 列表 单位=兴国县教育局');
    expect(list).toContain('联络员');
    expect(list).not.toMatch(/联络员、联络员/);
  });

  it('/帮助 for an admin is grouped by area, one line per command word, not 45 lines', async () => {
    const out = await bot.say(ADMIN, '/帮助');
    expect(out).toContain('【台账与备案】');
    expect(out).toContain('【规则与提醒】');
    expect(out).toContain('/备案 开设|变更|关停|注销|确认|驳回|作废');
    expect(out.split('\n').length).toBeLessThan(30);
    // a person with few commands still gets the plain list with examples
    expect(await bot.say(OFFICER, '/帮助')).toContain('例：');
  });

  it('白名单域名= warns that it replaces the whole list and offers /词库 新增 域名', async () => {
    const out = await bot.say(ADMIN, '/设置 白名单域名=gov.cn,xingguo.gov.cn');
    expect(out).toContain('替换整个列表');
    expect(out).toContain('/词库 新增 域名');
  });
  it('a filing reply is short: a result line, the due date with its article and whether late, then its warnings', async () => {
    const out = await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-18');
    const lines = out.split('\n');
    expect(lines[0]).toContain('已备案 F2：开设');
    expect(lines[1]).toBe('兴国县教育局 · 抖音「兴国教育」(A2) · 开设 2026-11-18 · 运营 自主运营');
    expect(lines[2]).toBe('备案期限：2026-11-25（5 个工作日内，神木 第六条）');
    expect(lines[3]).toBe('报备情况：按期');
    expect(lines.length).toBeLessThanOrEqual(4);
  });

  it('the usage line of an error is the form of the one subcommand used, without the options not written', async () => {
    const open = await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=抖音 开设日期=2026-11-18');
    expect(open).toContain('缺少「名称」');
    expect(open).toContain('正确格式：/备案 开设 平台=… 名称=… [开设日期=…]（完整用法：/帮助 备案）');
    expect(open).not.toContain('运营类型');
    const confirm = await bot.say(ADMIN, '/台账 导入 确认 x');
    expect(confirm).toContain('正确格式：/台账 导入 确认 I3（完整用法：/帮助 台账）');
    expect(confirm).not.toContain('再看预览');
    const holiday = await bot.say(ADMIN, '/节假日 导入 确认 zz');
    expect(holiday).toContain('正确格式：/节假日 导入 确认|取消 [编号]');
    expect(holiday).not.toContain('通知全文');
    expect(await bot.say(ADMIN, '/提醒 重试')).toContain('缺少「消息」：写 全部，或 M12 这样的编号');
  });
});

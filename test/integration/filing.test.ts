import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const LIAISON = 'feishu:ou_jy_liaison';
const OFFICER = 'feishu:ou_jy_officer';
const OTHER_LIAISON = 'feishu:ou_wj_liaison';

let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-11-22T10:00:00+08:00' });
  await seedCounty(bot);
});
afterEach(() => bot.close());

describe('filing an account (/备案 开设)', () => {
  it('神木 第六条: an account opened 2026-09-28 is due 2026-10-10 (5 working days over National Day) and filed late', async () => {
    const out = await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-28');
    expect(out).toContain('已备案 F1');
    expect(out).toContain('备案期限：2026-10-10');
    expect(out).toContain('逾期');
    const filing = await bot.rt.services.store.filings.byId(1);
    expect(filing).toMatchObject({
      kind: 'open',
      eventDate: '2026-09-28',
      dueDate: '2026-10-10',
      late: true,
      status: 'filed',
    });
  });

  it('a filing within the deadline is on time, and the due date is YYYY-MM-DD', async () => {
    const out = await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-20');
    expect(out).toMatch(/备案期限：2026-11-27/);
    expect(out).toContain('报备情况：按期');
  });

  it('兴国 四(二) via /设置: a 3-working-day filing deadline is applied when the admin sets it', async () => {
    expect(await bot.say(ADMIN, '/设置 备案期限=3')).toContain('备案期限：5 个工作日 → 3 个工作日');
    expect(await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-20')).toContain(
      '备案期限：2026-11-25',
    );
  });

  it('神木 第八条: a second 微信公众号 for the same unit is refused without a reason and filed with a warning when one is given', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-20');
    const refused = await bot.say(LIAISON, '/备案 开设 平台=公众号 名称=兴国教育服务');
    expect(refused).toContain('神木 第八条');
    expect(refused).toContain('理由=');
    expect(refused).toContain('未备案');
    expect(await bot.rt.services.store.accounts.ofUnit(2)).toHaveLength(1);
    const filed = await bot.say(LIAISON, '/备案 开设 平台=公众号 名称=兴国教育服务 理由=承担政务服务功能');
    expect(filed).toContain('已备案 F2');
    expect(filed).toContain('开设理由：承担政务服务功能');
    expect((await bot.rt.services.store.filings.byId(2))?.warnings.join()).toContain('神木 第八条');
  });

  it("神木 第九条: an account in a person's name or for a campaign waits for an admin, who is told and confirms", async () => {
    const out = await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=2026兴国教育文化节 开设日期=2026-11-20');
    expect(out).toContain('神木 第九条');
    expect(out).toContain('待管理员确认');
    const store = bot.rt.services.store;
    expect((await store.filings.byId(1))?.status).toBe('pending_confirmation');
    expect(await bot.say(ADMIN, '/备案 确认')).toContain('F1');
    expect(await bot.say(ADMIN, '/备案 确认 F1')).toContain('已确认备案 F1');
    expect((await store.filings.byId(1))?.status).toBe('confirmed');
    expect(await bot.say(ADMIN, '/备案 确认 F1')).toContain('不需要确认');
    const personal = await bot.say(LIAISON, '/备案 开设 平台=快手 名称=李联络 开设日期=2026-11-20');
    expect(personal).toContain('含人员姓名「李联络」');
  });

  it("神木 第十条: a name that differs from the unit's other accounts is filed with a warning", async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-20');
    const out = await bot.say(LIAISON, '/备案 开设 平台=微博 名称=兴国县教育局官微 开设日期=2026-11-20');
    expect(out).toContain('神木 第十条');
    expect(out).toContain('微信公众号「兴国教育」');
    // the third account carries a name the unit already uses: no warning (the odd one out was warned when filed)
    const third = await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-11-20');
    expect(third).not.toContain('神木 第十条');
  });

  it('浙江 二(四): entrusted operation records the operator and its kind, and warns for a non-qualified one', async () => {
    const media = await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 运营=委托 运营单位=兴国县融媒体中心');
    expect(media).toContain('委托 兴国县融媒体中心（新闻媒体）');
    expect(media).not.toContain('浙江 二(四)');
    const company = await bot.say(
      LIAISON,
      '/备案 开设 平台=快手 名称=兴国教育 运营=委托 运营单位=某某文化传播有限公司',
    );
    expect(company).toContain('浙江 二(四)');
    const acc = (await bot.rt.services.store.accounts.byName('兴国教育')).find((a) => a.platform === 'kuaishou');
    expect(acc).toMatchObject({ operation: 'entrusted', operatorName: '某某文化传播有限公司', operatorKind: 'other' });
    expect(await bot.say(LIAISON, '/备案 开设 平台=B站 名称=兴国教育 运营=委托')).toContain('运营单位=');
  });

  it('a wrong platform gets a clear Chinese correction with the list and the correct form, and changes nothing', async () => {
    const out = await bot.say(LIAISON, '/备案 开设 平台=火星台 名称=兴国教育');
    expect(out).toContain('没有「火星台」这个平台，可选：微信公众号、微博');
    expect(out).toContain('正确格式：/备案 开设 平台=');
    expect(await bot.rt.services.store.accounts.ofUnit(2)).toHaveLength(0);
    expect(await bot.rt.services.store.audit.recent(null, 100)).not.toContainEqual(
      expect.objectContaining({ action: 'filing.open' }),
    );
  });

  it('missing and unknown keys, a future opening date, and a bad date are each explained', async () => {
    expect(await bot.say(LIAISON, '/备案 开设 平台=微博')).toContain('缺少「名称」');
    expect(await bot.say(LIAISON, '/备案 开设 平台=微博 名称=x 颜色=红')).toContain('不认识的参数「颜色」');
    expect(await bot.say(LIAISON, '/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-12-30')).toContain('晚于今天');
    expect(await bot.say(LIAISON, '/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-02-30')).toContain('不是有效日期');
  });

  it('a liaison files only for their own unit; an officer may not file; an unregistered person is told whom to ask', async () => {
    expect(await bot.say(OTHER_LIAISON, '/备案 开设 平台=微博 名称=兴国教育 单位=兴国县教育局')).toContain(
      '没有相应角色',
    );
    expect(await bot.say(OFFICER, '/备案 开设 平台=微博 名称=兴国教育')).toContain('仅限联络员、管理员');
    const stranger = await bot.say('feishu:ou_stranger', '/备案 开设 平台=微博 名称=兴国教育');
    expect(stranger).toContain('还没有登记');
    expect(stranger).toContain('/人员 新增');
  });

  it('a year without holiday data: the deadline falls back to Monday–Friday and the reply says so', async () => {
    bot.setNow('2027-03-01T10:00:00+08:00');
    const out = await bot.say(LIAISON, '/备案 开设 平台=微博 名称=兴国教育 开设日期=2027-02-26');
    expect(out).toContain('备案期限：2027-03-05');
    expect(out).toContain('2027 年的法定节假日安排尚未收录');
    expect((await bot.rt.services.store.filings.byId(1))?.calendarFallback).toBe(true);
    // one admin entry decides its own day only: the next filing still relies on Monday–Friday days and says so
    await bot.say(ADMIN, '/节假日 新增 2027-03-03 休 说明=临时');
    const second = await bot.say(LIAISON, '/备案 开设 平台=抖音 名称=兴国教育 开设日期=2027-02-26');
    expect(second).toContain('备案期限：2027-03-08');
    expect(second).toContain('2027 年的法定节假日安排尚未收录');
    // an imported notice covers the year: no warning
    await bot.say(ADMIN, '/节假日 导入 现将2027年元旦、春节放假安排通知如下。一、元旦：1月1日（周五）放假，共1天。');
    await bot.say(ADMIN, '/节假日 导入 确认');
    expect(await bot.say(LIAISON, '/备案 开设 平台=快手 名称=兴国教育 开设日期=2027-02-26')).not.toContain('尚未收录');
  });
});

describe('change and closure (/备案 变更|关停|注销)', () => {
  beforeEach(async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
  });

  it('a change records old and new values and applies them', async () => {
    const out = await bot.say(
      LIAISON,
      '/备案 变更 账号=兴国教育 链接=https://mp.weixin.qq.com/x 信息员=@feishu:ou_jy_officer 日期=2026-11-20',
    );
    expect(out).toContain('已备案 F2：变更');
    expect(out).toContain('信息员 （空） → 王信息');
    const f = await bot.rt.services.store.filings.byId(2);
    expect(f?.changes).toMatchObject({
      信息员: { from: null, to: '王信息' },
      链接: { to: 'https://mp.weixin.qq.com/x' },
    });
    expect(await bot.say(LIAISON, '/备案 变更 账号=兴国教育')).toContain('没有要变更的内容');
  });

  it('兴国 四(二): an emergency suspension is due the same working day and the admins are told', async () => {
    const r = await bot.send(LIAISON, '/备案 关停 账号=兴国教育 原因=账号被盗 紧急 日期=2026-11-20');
    const out = r.reply ? JSON.stringify(r.reply) : '';
    expect(out).toContain('2026-11-20（紧急关停当日报备，兴国 四(二)）');
    expect(out).toContain('逾期');
    expect(r.notified.join()).toContain('管理员');
    expect((await bot.rt.services.store.accounts.byId(1))?.status).toBe('suspended');
    expect(await bot.say(LIAISON, '/备案 关停 账号=兴国教育 原因=重复')).toContain('已是关停状态');
  });

  it('a closure ends the account; it can no longer be changed', async () => {
    expect(await bot.say(LIAISON, '/备案 注销 账号=A1 原因=整合到县政府主账号')).toContain('已备案 F2：注销');
    expect(await bot.say(LIAISON, '/备案 变更 账号=A1 名称=新名')).toContain('已注销');
  });

  it('a name shared by two platforms must be told apart', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-11-02');
    const out = await bot.say(LIAISON, '/备案 关停 账号=兴国教育 原因=x');
    expect(out).toContain('对应多个账号');
    expect(out).toContain('平台=');
    expect(await bot.say(LIAISON, '/备案 关停 账号=兴国教育 平台=微博 原因=x')).toContain('已备案');
  });
});

describe('register, posts, passwords, audit', () => {
  it('/账号 shows the last post and days since; a liaison sees only their unit, an admin all', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
    await bot.say('feishu:ou_wj_liaison', '/备案 开设 平台=微信公众号 名称=兴国卫健 开设日期=2026-11-02');
    await bot.say(OFFICER, '/更新 兴国教育 标题=冬季供暖 时间=2026-11-10');
    const mine = await bot.say(LIAISON, '/账号');
    expect(mine).toContain('兴国教育');
    expect(mine).not.toContain('兴国卫健');
    expect(mine).toContain('12 天前·预警');
    const all = await bot.say(ADMIN, '/账号');
    expect(all).toContain('兴国卫健');
    expect(all).toContain('⚠ 无更新记录（开设 20 天）·僵尸');
    expect(await bot.say(LIAISON, '/账号 单位=兴国县卫生健康委员会')).toContain('没有相应角色');
  });

  it('/改密 records the rotation date and the next due date (兴国 四(三))', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
    expect(await bot.say(LIAISON, '/改密 兴国教育')).toContain('下次请在 2027-02-20 前更换');
    expect((await bot.rt.services.store.accounts.byId(1))?.passwordChangedOn).toBe('2026-11-22');
  });

  it('phone numbers are masked except in a direct chat with an admin', async () => {
    const group = { channel: 'feishu' as const, id: 'oc_group', type: 'group' as const };
    const masked = await bot.say(ADMIN, '/人员 列表 单位=兴国县教育局', group);
    expect(masked).toContain('138****5678');
    expect(masked).not.toContain('13812345678');
    expect(await bot.say(ADMIN, '/人员 列表 单位=兴国县教育局')).toContain('13812345678');
    expect(await bot.say(LIAISON, '/我', group)).toContain('138****5678');
    expect(await bot.say(LIAISON, '/我')).toContain('138****5678');
  });

  it('every change is in the audit log with who did it', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
    await bot.say(LIAISON, '/改密 兴国教育');
    await bot.say(ADMIN, '/设置 僵尸天数=15');
    await bot.say(ADMIN, '/节假日 新增 2027-01-01 休 说明=元旦');
    const actions = (await bot.rt.services.store.audit.recent(null, 100)).map((e) => `${e.actor}:${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        '李联络:filing.open',
        '李联络:account.password_changed',
        '管理员:settings.set',
        '管理员:calendar.override',
        '管理员:unit.add',
        '管理员:person.add',
      ]),
    );
  });

  it('/设置 refuses an inconsistent policy and a bad value, changing nothing', async () => {
    expect(await bot.say(ADMIN, '/设置 预警天数=20')).toContain('预警天数（20）应小于僵尸天数（14）');
    expect(await bot.say(ADMIN, '/设置 僵尸天数=15 提醒时间=25:00')).toContain('提醒时间格式为 HH:MM');
    expect(await bot.rt.services.store.settings.all()).toEqual({});
    expect(await bot.say(ADMIN, '/设置 颜色=红')).toContain('没有「颜色」这个设置项');
  });

  it('/帮助 lists only what the caller may run, each with an example', async () => {
    const officer = await bot.say(OFFICER, '/帮助');
    expect(officer).toContain('/更新');
    expect(officer).not.toContain('/备案 开设');
    expect(officer).not.toContain('/设置');
    const admin = await bot.say(ADMIN, '/帮助');
    expect(admin).toContain('/设置');
    // an admin's help is grouped by area (one line per command word); /帮助 设置 gives the example
    expect(admin).toContain('【规则与提醒】');
    expect(await bot.say(ADMIN, '/帮助 设置')).toContain('例：/设置');
    expect(
      officer
        .split('\n')
        .filter((l) => l.startsWith('· '))
        .every((l) => l.includes('例：/')),
    ).toBe(true);
    expect(await bot.say('feishu:ou_nobody', '/help')).toContain('您还没有登记为用户');
  });
});

describe('units, people and the calendar (admin)', () => {
  const group = (id: string) => ({ channel: 'feishu' as const, id, type: 'group' as const });

  it('a chat is the work group of one unit at most: binding it again moves it', async () => {
    expect(await bot.say(ADMIN, '/单位 绑定群 单位=兴国县教育局', group('oc_1'))).toContain(
      '本群已设为「兴国县教育局」',
    );
    const moved = await bot.say(ADMIN, '/单位 绑定群 单位=兴国县卫生健康委员会', group('oc_1'));
    expect(moved).toContain('本群原为「兴国县教育局」的工作群');
    expect((await bot.rt.services.store.units.byChat('feishu', 'oc_1'))?.name).toBe('兴国县卫生健康委员会');
    expect(await bot.rt.services.store.units.chats(2)).toEqual([]);
    expect(await bot.say(ADMIN, '/单位 绑定群 单位=兴国县教育局')).toContain('请在该单位的工作群里');
  });

  it('/人员 移除 takes away every role but keeps the history; the removed person is then unregistered', async () => {
    expect(await bot.say(ADMIN, '/人员 移除 @feishu:ou_jy_officer')).toContain('已移除「王信息」');
    expect(await bot.say(OFFICER, '/更新 兴国教育')).toContain('还没有登记');
    expect(await bot.rt.services.store.people.byId(3)).toMatchObject({ name: '王信息', active: false, roles: [] });
    expect(await bot.say(ADMIN, '/人员 移除 @feishu:ou_admin')).toContain('不能移除自己');
    expect(await bot.say(ADMIN, '/人员 新增 @张无名 单位=兴国县教育局 角色=联络员')).toContain('找不到「@张无名」');
    expect(await bot.say(ADMIN, '/人员 新增 @feishu:ou_new 单位=兴国县教育局 角色=联络员')).toContain('姓名=');
    // the unit's only liaison removed: the admin is told the unit has none left (兴国 五: each unit names its 联络员)
    const gone = await bot.say(ADMIN, '/人员 移除 @feishu:ou_jy_liaison');
    expect(gone).toContain('「兴国县教育局」现在没有联络员');
    expect(gone).toContain('/人员 新增 @某人 单位=兴国县教育局 角色=联络员');
  });

  it('神木 第九条 on a change: renaming an account to a campaign name waits for an admin', async () => {
    await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
    const out = await bot.say(LIAISON, '/备案 变更 账号=兴国教育 名称=2026兴国读书节');
    expect(out).toContain('待管理员确认');
    expect((await bot.rt.services.store.filings.byId(2))?.status).toBe('pending_confirmation');
    expect(await bot.say(LIAISON, '/备案 确认 F2')).toContain('仅限管理员');
  });

  it('/节假日 删除 removes an override, and a date without one is explained', async () => {
    await bot.say(ADMIN, '/节假日 新增 2027-01-01 休 说明=元旦');
    expect(await bot.say(ADMIN, '/节假日 2027')).toContain('2027-01-01（周五）休 元旦');
    expect(await bot.say(ADMIN, '/节假日 删除 2027-01-01')).toContain('已删除 2027-01-01');
    expect(await bot.say(ADMIN, '/节假日 删除 2027-01-01')).toContain('没有这一天的补充设定');
    expect(await bot.say(ADMIN, '/节假日 新增 2027-01-01 半天')).toContain('「类型」只能是');
  });
});

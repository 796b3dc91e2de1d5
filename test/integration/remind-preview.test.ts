/** /提醒 预览 tells the truth: what was found, who would be told, and which units have nobody to tell. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeBot, type TestBot } from '../support/runtime.js';

const CONSOLE_ADMIN = { channel: 'console' as const, externalId: 'local' };
let bot: TestBot;
afterEach(() => bot.close());

describe('a preview that tells the truth (/提醒 预览)', () => {
  it('a unit with no work group and no liaison, on a fresh database: "found, nobody to tell, how to fix", never "already sent"', async () => {
    bot = makeBot({ now: '2026-12-01T10:00:00+08:00', admins: [CONSOLE_ADMIN] });
    expect(await bot.say(CONSOLE_ADMIN, '/单位 新增 名称=长冈乡人民政府')).toContain('已');
    expect(
      await bot.say(
        CONSOLE_ADMIN,
        '/备案 开设 平台=微信公众号 名称=长冈乡发布 开设日期=2026-10-01 单位=长冈乡人民政府',
      ),
    ).toContain('已备案');
    const out = await bot.say(CONSOLE_ADMIN, '/提醒 预览 2026-12-03');
    expect(out).not.toContain('已在本期提醒过');
    expect(out).toMatch(/找到 \d+ 项新提醒/);
    expect(out).toContain('没有人可以通知');
    expect(out).toContain('「长冈乡人民政府」');
    expect(out).toContain('/单位 绑定群 单位=长冈乡人民政府');
    expect(out).toContain('角色=联络员');
  });

  it('when someone can be told, the preview lists the messages and still names the units nobody can be told', async () => {
    bot = makeBot({ now: '2026-12-01T10:00:00+08:00' });
    const ADMIN = 'feishu:ou_admin';
    await bot.say(ADMIN, '/单位 新增 名称=长冈乡人民政府');
    await bot.say(ADMIN, '/备案 开设 平台=微信公众号 名称=长冈乡发布 开设日期=2026-10-01 单位=长冈乡人民政府');
    const out = await bot.say(ADMIN, '/提醒 预览 2026-12-03');
    expect(out).toContain('将发送 1 条消息');
    expect(out).toContain('无人接收：「长冈乡人民政府」');
    expect(out).not.toContain('已在本期提醒过');
  });

  it('what only the admins would be told (the calendar of a year not yet published) is listed when no admin can be reached', async () => {
    bot = makeBot({ now: '2026-12-01T10:00:00+08:00', admins: [CONSOLE_ADMIN] });
    const out = await bot.say(CONSOLE_ADMIN, '/提醒 预览');
    expect(out).toContain('找到 1 项新提醒，但没有人可以通知');
    expect(out).toContain('2027 年的法定节假日安排尚未收录');
    expect(out).toContain('管理员汇总也无处发送');
  });
});

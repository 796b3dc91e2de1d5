import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const LIAISON = 'feishu:ou_jy_liaison';
let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-12-01T10:00:00+08:00' });
  await seedCounty(bot);
});
afterEach(() => bot.close());

describe('full-width separators: "，开设日期：" inside 名称 is a new argument, never part of the filed name', () => {
  it('平台：小红书 名称：兴国教育，开设日期：2026-11-30 files an account named 兴国教育 opened 2026-11-30', async () => {
    const out = await bot.say(LIAISON, '/备案 开设 平台：小红书 名称：兴国教育，开设日期：2026-11-30');
    expect(out).toContain('已备案 F1');
    const [acc] = await bot.rt.services.store.accounts.byName('兴国教育');
    expect(acc).toMatchObject({ name: '兴国教育', openedOn: '2026-11-30' });
    expect(await bot.rt.services.store.accounts.byName('兴国教育，开设日期：2026-11-30')).toEqual([]);
  });

  it('the same key twice that way is refused and nothing is filed', async () => {
    const out = await bot.say(LIAISON, '/备案 开设 平台：小红书 名称：兴国教育，名称：兴国教育局');
    expect(out).toContain('参数「名称」写了不止一次');
    expect(await bot.rt.services.store.accounts.ofUnit(2)).toEqual([]);
  });
});

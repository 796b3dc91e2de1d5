/** Units have a kind (乡镇/街道, 部门, 直属单位), shown in the register and used by /账号 to group units. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inferUnitKind } from '../../src/domain/unit-kind.js';
import { ADMIN, makeBot, type TestBot } from '../support/runtime.js';

let bot: TestBot;
beforeEach(() => {
  bot = makeBot({ now: '2026-11-20T10:00:00+08:00' });
});
afterEach(() => bot.close());

describe('unit kinds', () => {
  it('the kind is inferred from the name or given with 类型=, and refused when unknown', () => {
    expect(inferUnitKind('长冈乡人民政府')).toBe('township');
    expect(inferUnitKind('潋江镇')).toBe('township');
    expect(inferUnitKind('潋江街道办事处')).toBe('township');
    expect(inferUnitKind('兴国县教育局')).toBe('department');
    expect(inferUnitKind('兴国县融媒体中心')).toBe('affiliated');
  });

  it('/单位 新增 records the kind, /单位 列表 shows it, /账号 groups and filters by it', async () => {
    expect(await bot.say(ADMIN, '/单位 新增 名称=兴国县人民政府办公室')).toContain('（部门，按名称推定');
    expect(await bot.say(ADMIN, '/单位 新增 名称=兴国县教育局 上级=兴国县人民政府办公室')).toContain('部门');
    expect(await bot.say(ADMIN, '/单位 新增 名称=长冈乡人民政府 上级=兴国县人民政府办公室')).toContain('乡镇/街道');
    expect(await bot.say(ADMIN, '/单位 新增 名称=兴国县融媒体中心 类型=直属单位')).toContain('（直属单位）');
    expect(await bot.say(ADMIN, '/单位 新增 名称=某单位 类型=外星')).toContain('类型');
    expect(await bot.rt.services.store.units.byName('某单位')).toBeNull();
    expect((await bot.rt.services.store.units.byName('长冈乡人民政府'))?.kind).toBe('township');

    const list = await bot.say(ADMIN, '/单位 列表');
    expect(list).toContain('类型');
    expect(list.indexOf('长冈乡人民政府')).toBeLessThan(list.indexOf('兴国县教育局'));

    await bot.say(ADMIN, '/备案 开设 平台=微信公众号 名称=兴国教育 单位=兴国县教育局');
    await bot.say(ADMIN, '/备案 开设 平台=微信公众号 名称=长冈乡发布 单位=长冈乡人民政府');
    await bot.say(ADMIN, '/备案 开设 平台=抖音 名称=兴国融媒 单位=兴国县融媒体中心');
    const all = await bot.say(ADMIN, '/账号');
    expect(all).toContain('乡镇/街道 1 个，部门 1 个，直属单位 1 个');
    // townships first, then departments, then affiliated institutions
    expect(all.indexOf('长冈乡发布')).toBeLessThan(all.indexOf('兴国教育'));
    expect(all.indexOf('兴国教育')).toBeLessThan(all.indexOf('兴国融媒'));
    const towns = await bot.say(ADMIN, '/账号 类型=乡镇');
    expect(towns).toContain('长冈乡发布');
    expect(towns).not.toContain('兴国教育');
  });
});

/**
 * Units with a Feishu group, a WeCom group, or both: a unit notice goes to each bound group once; a WeCom group is
 * reached only through its push webhook (without one, the unit's liaisons are told instead); a push address must be
 * on the WeCom API host and its key is never shown in a group (兴国 三(四): repost tasks reach every unit).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const WECOM_ADMIN = { channel: 'wecom' as const, externalId: 'wangadmin' };
const PUSH = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd1234-ef56-7890';
let bot: TestBot;

function rows(like: string): string[] {
  const d = new Database(bot.file, { readonly: true });
  try {
    return (
      d.prepare('select channel, target_type t, target from outbox where dedupe_key like ? order by id').all(like) as {
        channel: string;
        t: string;
        target: string;
      }[]
    ).map((r) => `${r.channel} ${r.t} ${r.target}`);
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  bot = makeBot({ admins: [ADMIN, WECOM_ADMIN], deliveryChannels: ['feishu', 'wecom'] });
  await seedCounty(bot);
  expect(
    await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02'),
  ).toContain('已备案');
  expect(await bot.say('feishu:ou_wj_liaison', '/备案 开设 平台=微博 名称=兴国卫健 开设日期=2026-11-02')).toContain(
    '已备案',
  );
});
afterAll(() => bot?.close());

describe('WeCom groups next to Feishu groups', () => {
  it('binding checks the push address and masks its key in the group', async () => {
    const wecomGroup = { channel: 'wecom' as const, id: 'wrkJY', type: 'group' as const };
    expect(
      await bot.say(
        WECOM_ADMIN,
        '/单位 绑定群 单位=兴国县教育局 推送地址=https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key=abcd1234',
        wecomGroup,
      ),
    ).toContain('推送地址');
    expect(
      await bot.say(
        WECOM_ADMIN,
        '/单位 绑定群 单位=兴国县教育局 推送地址=https://qyapi.weixin.qq.com/cgi-bin/message/send?key=abcd1234',
        wecomGroup,
      ),
    ).toContain('推送地址');
    const ok = await bot.say(WECOM_ADMIN, `/单位 绑定群 单位=兴国县教育局 推送地址=${PUSH}`, wecomGroup);
    expect(ok).toContain('群推送地址已登记');
    expect(ok).not.toContain('abcd1234-ef56-7890');
    expect(
      await bot.say(ADMIN, '/单位 绑定群 单位=兴国县教育局', { channel: 'feishu', id: 'oc_jy', type: 'group' }),
    ).toContain('本群已设为「兴国县教育局」的工作群');
    expect(
      await bot.say(WECOM_ADMIN, '/单位 绑定群 单位=兴国县卫生健康委员会', {
        channel: 'wecom',
        id: 'wrkWJ',
        type: 'group',
      }),
    ).toContain('联络员');
    expect(
      await bot.say(
        ADMIN,
        '/单位 绑定群 单位=兴国县教育局 推送地址=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh1',
        { channel: 'feishu', id: 'oc_jy', type: 'group' },
      ),
    ).toContain('只用于企业微信群');
  });

  it('a repost task reaches each bound group once, and a WeCom group without a push address through its liaison', async () => {
    const out = await bot.say(
      ADMIN,
      '/转载 下发 标题=关于做好冬季安全生产工作的通知 链接=https://www.gov.cn/zhengce/content/2.htm 范围=兴国县教育局,兴国县卫生健康委员会',
    );
    expect(out).toContain('T1');
    expect(rows('repost:T1:unit:%')).toEqual(expect.arrayContaining(['feishu chat oc_jy', 'wecom chat wrkJY']));
    expect(rows('repost:T1:unit:%').filter((r) => r.includes('wrkWJ'))).toEqual([]);
    expect([...rows('repost:T1:unit:%'), ...rows('repost:T1:liaison:%')]).toContain('feishu user ou_wj_liaison');
  });
});

/**
 * Repost tasks (转载) through the real server and a fake Feishu API: an admin issues a task to all units, each unit's
 * group and liaison are told, confirmations show in /转载 进度, `remind --now` on the next working day after a holiday
 * nudges the unit that has not confirmed and not the one that has. 兴国 三(四): repost within one working day.
 *
 * The server runs on the real clock, so the dates are chosen relative to today: the deadline is a Friday ahead, the
 * Monday after it is made a holiday with /节假日 (an admin override), and the nudge comes on the Tuesday.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate, weekday } from '../../src/domain/time.js';
import type { FeishuChat } from '../support/feishu/chat.js';
import { sentText } from '../support/feishu/chat.js';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';
import { runCli } from '../support/process.js';

const KEY = 'repost-e2e-key';
const SECRET = 'repost-e2e-secret';
const BOT = 'ou_bot_repost';
const ADMIN = 'ou_admin';
const UNITS = [
  { name: '兴国县教育局', group: 'oc_jyj', liaison: 'ou_li', liaisonName: '李联络', account: '兴国教育' },
  { name: '兴国县卫生健康委员会', group: 'oc_wjw', liaison: 'ou_sun', liaisonName: '孙联络', account: '健康兴国' },
] as const;

let world: FeishuWorld;
let env: Record<string, string>;

const today = shanghaiDate(new Date());
/** the first Friday at least 3 days ahead */
const friday = (() => {
  let d = addDays(today, 3);
  while (weekday(d) !== 5) d = addDays(d, 1);
  return d;
})();
const monday = addDays(friday, 3);
const tuesday = addDays(friday, 4);
const wednesday = addDays(friday, 5);

let chat: FeishuChat;
/** `chat` a group id, or 'p2p:' for a direct chat with the bot */
const say = (
  from: string,
  line: string,
  where: string,
  mentions?: { key: string; openId: string; name: string }[],
): Promise<string> => chat.say(from, line, where.startsWith('p2p:') ? { p2p: true } : { chat: where, mentions });
const sentTo = (receiveId: string, since: number, needle: string) => chat.sentTo(receiveId, since, needle);

beforeAll(async () => {
  world = await startFeishuWorld({
    name: 'repost',
    admin: ADMIN,
    bot: BOT,
    group: UNITS[0].group,
    encryptKey: KEY,
    appSecret: SECRET,
  });
  ({ chat, env } = world);
  for (const u of UNITS) {
    await say(ADMIN, `/单位 新增 名称=${u.name}`, 'p2p:');
    expect(await say(ADMIN, `/单位 绑定群 单位=${u.name}`, u.group)).toContain('本群已设为');
    await say(ADMIN, `/人员 新增 @_user_1 单位=${u.name} 角色=联络员`, u.group, [
      { key: '@_user_1', openId: u.liaison, name: u.liaisonName },
    ]);
    expect(await say(u.liaison, `/备案 开设 平台=微信公众号 名称=${u.account} 开设日期=${today}`, u.group)).toContain(
      '已备案',
    );
  }
  expect(await say(ADMIN, `/节假日 新增 ${monday} 休 说明=测试调休`, 'p2p:')).toContain('休息日');
});

afterAll(() => world?.close());

describe('repost tasks over Feishu (兴国 三(四): within one working day)', () => {
  it("an admin issues a task to all units: each unit's group and its liaison are told, with the command to confirm", async () => {
    const before = world.fake.requests.length;
    const reply = await say(
      ADMIN,
      `/转载 下发 标题=国务院关于进一步优化政务服务提升行政效能的意见 链接=https://www.gov.cn/zhengce/content/202611/content_1.htm 截止="${friday} 15:00"`,
      'p2p:',
    );
    expect(reply).toContain('已下发转载任务 T1');
    expect(reply).toContain('2 个单位，2 个账号');
    for (const u of UNITS) {
      const group = await chat.waitSent(u.group, ['转载任务 T1'], before);
      expect(sentText(group)).toContain(`/转载 完成 T1 账号=${u.account}`);
      await chat.waitSent(u.liaison, ['转载任务 T1'], before);
    }
    expect(await say(ADMIN, '/转载 下发 标题=x 链接=ftp://example.com/x', 'p2p:')).toContain(
      '须是 http:// 或 https:// 开头',
    );
    expect(await say(ADMIN, `/转载 下发 标题=x 链接=https://example.com/a 截止=2020-01-01`, 'p2p:')).toContain('已过');
  });

  it('a unit confirms; /转载 进度 shows done / total per unit and account', async () => {
    const done = await say(
      UNITS[0].liaison,
      '/转载 完成 T1 账号=兴国教育 链接=https://mp.weixin.qq.com/s/repost1',
      UNITS[0].group,
    );
    expect(done).toContain('已确认转载 T1');
    expect(done).toContain('1/2');
    const progress = await say(ADMIN, '/转载 进度 T1', 'p2p:');
    expect(progress).toContain('1/2');
    expect(progress).toContain('✓微信公众号「兴国教育」');
    expect(progress).toContain('✗微信公众号「健康兴国」');
    expect(await say(UNITS[1].liaison, '/转载 完成 T1 账号=兴国教育', UNITS[1].group)).toContain('没有相应角色');
    expect(await say(UNITS[0].liaison, '/转载', UNITS[0].group)).toContain('完成 1/1');
  });

  it('remind --now on the next working day after the holiday nudges the unit that has not confirmed, and not the one that has', async () => {
    const before = world.fake.requests.length;
    const r = await runCli(['remind', '--now', `${tuesday}T09:00:00+08:00`], { env: { ...env, LOG_LEVEL: 'warn' } });
    expect(r.code, r.stderr).toBe(0);
    await chat.waitSent(UNITS[1].group, ['T1'], before);
    const nudge = sentTo(UNITS[1].group, before, 'T1').map(sentText).join('\n');
    expect(nudge).toContain('/转载 完成 T1');
    expect(nudge).toContain('健康兴国');
    expect(sentTo(UNITS[0].group, before, '转载任务 T1')).toHaveLength(0);
    const admin = sentTo(ADMIN, before, '转载任务进度').map(sentText).join('\n');
    expect(admin).toContain('完成 1/2');
  });

  it('once every unit has confirmed, the task closes on its own and nobody is nudged', async () => {
    expect(await say(UNITS[1].liaison, '/转载 完成 T1 账号=健康兴国', UNITS[1].group)).toContain(
      '全部完成，任务已关闭',
    );
    const before = world.fake.requests.length;
    const r = await runCli(['remind', '--now', `${wednesday}T09:00:00+08:00`], { env: { ...env, LOG_LEVEL: 'warn' } });
    expect(r.code, r.stderr).toBe(0);
    await new Promise((res) => setTimeout(res, 1_000));
    for (const u of UNITS) expect(sentTo(u.group, before, '/转载 完成 T1')).toHaveLength(0);
    expect(await say(ADMIN, '/转载', 'p2p:')).toContain('没有进行中的转载任务');
    expect(await say(UNITS[1].liaison, '/转载 完成 T1 账号=健康兴国', UNITS[1].group)).toContain('已关闭');
  });
});

/**
 * A unit's digest is read in a chat: it names every 僵尸 account (兴国 六) and shows the first lines of every other
 * kind, then how many more there are; the liaison's pointer and the admins' summary count them all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';
import { queued, sweepAt, to } from '../support/reminders.js';

let bot: TestBot;
afterEach(() => bot?.close());

const PLATFORMS = ['微信公众号', '微博', '抖音', '头条号', '快手', '小红书', 'B站'];

describe("a unit's digest", () => {
  it('names all seven 僵尸 accounts, shows five of seven password lines and says how many more', async () => {
    bot = makeBot({ now: '2026-03-01T10:00:00+08:00' });
    await seedCounty(bot);
    expect(
      await bot.say(ADMIN, '/单位 绑定群 单位=兴国县教育局', { channel: 'feishu', id: 'oc_jy', type: 'group' }),
    ).toContain('工作群');
    for (const p of PLATFORMS)
      expect(await bot.say('feishu:ou_jy_liaison', `/备案 开设 平台=${p} 名称=兴国教育 开设日期=2026-03-01`)).toContain(
        '已备案',
      );
    // never posted, password never confirmed: 僵尸 and the rotation due (兴国 四(三)) for each of the seven
    const r = await sweepAt(bot, '2026-11-20T09:00:00+08:00');
    expect(r.fresh.filter((i) => i.kind === 'dormant')).toHaveLength(7);
    expect(r.fresh.filter((i) => i.kind === 'password')).toHaveLength(7);

    const [group] = to(queued(bot), 'oc_jy');
    const text = group!.text;
    for (const p of PLATFORMS) expect(text).toContain(`${p}「兴国教育」已 264 天未更新`);
    expect(text).toContain('密码到期（每 90 天更换，兴国 四(三)）：7 项');
    expect(text.match(/开设以来未确认更换过密码/g)).toHaveLength(5);
    expect(text).toContain('…另有 2 条，发送 /账号 查看台账');
    expect(text).not.toContain('…另有 0');

    const [pointer] = to(queued(bot), 'ou_jy_liaison');
    expect(pointer!.text).toContain('僵尸账号（连续 14 天以上未更新）：7 项');
    expect(pointer!.text).toContain('密码到期（每 90 天更换，兴国 四(三)）：7 项');
    const [admin] = to(queued(bot), 'ou_admin');
    expect(admin!.text).toContain('7 项（1 个单位）');
  });
});

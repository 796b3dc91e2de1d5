/**
 * Try the WeCom channel without a WeCom tenant: a fake WeCom API on 127.0.0.1, the real server pointed at it, and a
 * direct chat with the app (an admin sets up a unit and a liaison, the liaison files an account and asks for a review,
 * the leader approves on the template card). Every callback is encrypted and signed as WeCom does.
 * Run: npx tsx test/support/wecom/demo.ts
 */
import { sentText, startWecomWorld } from './world.js';

const w = await startWecomWorld({ name: 'wecom-demo', admin: 'wangadmin' });
const show = (who: string, text: string, answer: string) => process.stdout.write(`\n${who} → ${text}\n${answer}\n`);
try {
  for (const line of [
    '/单位 新增 名称=兴国县教育局',
    '/人员 新增 @wecom:lilianluo 姓名=李联络 单位=兴国县教育局 角色=联络员',
    '/人员 新增 @wecom:zhaofenguan 姓名=赵分管 单位=兴国县教育局 角色=分管领导',
  ])
    show('wangadmin', line, await w.say('wangadmin', line));
  for (const line of [
    '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02',
    '/送审 账号=兴国教育 标题=冬季供暖通知',
  ]) {
    show('lilianluo', line, await w.say('lilianluo', line));
  }
  const card = await w.waitSent('zhaofenguan', ['review.decide']);
  show('bot', '(template card to zhaofenguan)', sentText(card));
  const since = w.seq();
  await w.click('zhaofenguan', card, '同意');
  const up = await w.fake.waitFor((r) => r.seq > since && r.path === '/cgi-bin/message/update_template_card');
  show(
    'zhaofenguan',
    '[同意]',
    `update_template_card: ${JSON.stringify((up.body as { template_card: unknown }).template_card)}`,
  );
  show('bot', '(to lilianluo)', sentText(await w.waitSent('lilianluo', ['已通过'], since)));
} finally {
  await w.close();
}

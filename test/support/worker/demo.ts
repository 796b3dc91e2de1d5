/**
 * Try the Worker locally without a Feishu tenant: `npx tsx test/support/worker/demo.ts`.
 * Starts a fake Feishu Open API on 127.0.0.1 and `npm run dev:worker` (wrangler dev, a fresh local D1 with the
 * migrations applied, --test-scheduled) pointed at it, then plays the chat: an admin adds a unit and people, a liaison
 * files an account, a retried event, a review card to the leader, a reply whose first sends fail and that a cron
 * trigger delivers, and /提醒 预览. Every message is encrypted and signed as Feishu does. Stops wrangler at the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FeishuChat, sentText } from '../feishu/chat.js';
import { messageReceive, TEST_APP_ID, TEST_VERIFICATION_TOKEN } from '../feishu/events.js';
import { startFakeFeishu } from '../feishu/fake-api.js';
import { freePort, ROOT } from '../process.js';

const KEY = 'worker-demo-encrypt-key';
const SECRET = 'worker-demo-app-secret';
const BOT = 'ou_worker_demo_bot';
const ADMIN = 'ou_worker_demo_admin';
const LIAISON = 'ou_worker_demo_li';
const LEADER = 'ou_worker_demo_zhao';
const GROUP = 'oc_worker_demo_group';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-worker-demo-'));
const fake = await startFakeFeishu({ appId: TEST_APP_ID, appSecret: SECRET, botOpenId: BOT });
const port = await freePort();
const vars = {
  ADMINS: `feishu:${ADMIN}`,
  FEISHU_APP_ID: TEST_APP_ID,
  FEISHU_APP_SECRET: SECRET,
  FEISHU_ENCRYPT_KEY: KEY,
  FEISHU_VERIFICATION_TOKEN: TEST_VERIFICATION_TOKEN,
  FEISHU_BASE_URL: fake.url,
  LOG_LEVEL: 'warn',
};
const args = [
  'run',
  'dev:worker',
  '--',
  '--port',
  String(port),
  '--ip',
  '127.0.0.1',
  '--persist-to',
  dir,
  ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
];
const wrangler = spawn('npm', args, {
  cwd: ROOT,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
});
let log = '';
wrangler.stdout.on('data', (d: Buffer) => (log += d.toString()));
wrangler.stderr.on('data', (d: Buffer) => (log += d.toString()));
const url = `http://127.0.0.1:${port}`;
const out = (s: string) => process.stdout.write(`${s}\n`);

async function ready(): Promise<void> {
  const end = Date.now() + 90_000;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) {
        out(`GET /healthz → ${await r.text()}`);
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not start:\n${log}`);
}

const chat = new FeishuChat({ url }, fake, { encryptKey: KEY, botOpenId: BOT, group: GROUP });
/** a card's visible strings, in order */
const visible = (reply: string): string =>
  reply.startsWith('{')
    ? `[卡片] ${[...reply.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join(' | ')}`
    : reply;
const show = (who: string, text: string, reply: string) => {
  const v = visible(reply);
  out(`\n${who}: ${text}\n  bot → ${v.length > 300 ? `${v.slice(0, 300)}…` : v}`);
};
const say = async (from: string, text: string, o: Parameters<FeishuChat['say']>[2] = {}) => {
  const reply = await chat.say(from, text, o);
  show(from, text, reply);
  return reply;
};
const cron = async (expr: string) => {
  const r = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(expr)}`);
  out(`\n[cron ${expr}] → ${r.status} ${await r.text()}`);
};

try {
  await ready();
  await say(ADMIN, '/单位 新增 名称=兴国县教育局', { p2p: true });
  await say(ADMIN, '/单位 绑定群 单位=兴国县教育局');
  await say(ADMIN, '/人员 新增 @_user_1 单位=兴国县教育局 角色=联络员', {
    mentions: [{ key: '@_user_1', openId: LIAISON, name: '李联络' }],
  });
  await say(ADMIN, '/人员 新增 @_user_1 单位=兴国县教育局 角色=分管领导', {
    mentions: [{ key: '@_user_1', openId: LEADER, name: '赵分管' }],
  });
  await say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-28');

  // Feishu re-sends an event it thinks failed: the same event id twice has one effect
  const retried = messageReceive({
    eventId: 'ev_worker_demo_retry',
    chatId: `oc_p2p_${ADMIN}`,
    chatType: 'p2p',
    messageId: 'om_worker_demo_retry',
    senderOpenId: ADMIN,
    text: '/单位 新增 名称=兴国县卫生健康委员会',
  });
  const statuses = [
    (await chat.post('/feishu/events', retried)).status,
    (await chat.post('/feishu/events', retried)).status,
  ];
  await fake.waitFor(
    (r) => r.path === '/open-apis/im/v1/messages/om_worker_demo_retry/reply' && r.status === 200,
    15_000,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const replies = fake.requests.filter(
    (r) => r.path === '/open-apis/im/v1/messages/om_worker_demo_retry/reply' && r.status === 200,
  ).length;
  out(`\nthe same event posted twice → ${statuses.join(', ')}; replies sent: ${replies}`);

  await say(LIAISON, '/送审 账号=兴国教育 标题=冬季供暖通知');
  const card = await chat.waitSent(LEADER, ['review.decide', '冬季供暖通知']);
  out(
    `\nreview card to 赵分管 (${LEADER}): ${sentText(card).includes('政治关') ? 'the seven checks are on it' : 'received'}`,
  );

  // the next two sends fail (HTTP 500): the reply waits in the outbox until a cron trigger retries it
  fake.failNext(2, 500);
  const before = fake.requests.length;
  const ev = messageReceive({
    eventId: 'ev_worker_demo_fail',
    chatId: `oc_p2p_${ADMIN}`,
    chatType: 'p2p',
    messageId: 'om_worker_demo_fail',
    senderOpenId: ADMIN,
    text: '/帮助',
  });
  await chat.post('/feishu/events', ev);
  await fake.waitFor((r) => r.seq > before && r.status === 500, 15_000);
  out('\n/帮助 answered 200; its first send failed with HTTP 500');
  for (
    let i = 0;
    i < 3 &&
    !fake.requests.some((r) => r.path === '/open-apis/im/v1/messages/om_worker_demo_fail/reply' && r.status === 200);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 4_500));
    await cron('*/5 * * * *');
  }
  const delivered = fake.requests.some(
    (r) => r.path === '/open-apis/im/v1/messages/om_worker_demo_fail/reply' && r.status === 200,
  );
  out(`after the cron trigger: ${delivered ? 'delivered' : 'NOT delivered'}`);

  const preview = await say(ADMIN, '/提醒 预览', { p2p: true });
  out(
    `\n/提醒 预览 names the dormant account: ${preview.includes('兴国教育') && preview.includes('僵尸') ? 'yes' : 'no'}`,
  );
} catch (e) {
  out(`\n${e instanceof Error ? e.message : String(e)}\n--- wrangler ---\n${log.slice(-3000)}`);
  process.exitCode = 1;
} finally {
  if (wrangler.pid) process.kill(-wrangler.pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 1_000));
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Try the Feishu channel without a Feishu tenant: `npx tsx test/support/feishu/demo.ts`.
 * Starts a fake Feishu Open API and the real server pointed at it, then plays a group chat — an admin creates a unit,
 * binds the group, registers a liaison by @mention; the liaison files an account — sending each message encrypted and
 * signed as Feishu does, and prints what the bot sent back through the API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../process.js';
import { FeishuChat } from './chat.js';
import { TEST_APP_ID, TEST_VERIFICATION_TOKEN } from './events.js';
import { startFakeFeishu } from './fake-api.js';

const KEY = 'demo-encrypt-key';
const SECRET = 'demo-app-secret';
const BOT = 'ou_demo_bot';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-demo-'));
const fake = await startFakeFeishu({ appId: TEST_APP_ID, appSecret: SECRET, botOpenId: BOT });
const server = await startServer({
  DATABASE_PATH: path.join(dir, 'demo.sqlite'),
  ADMINS: 'feishu:ou_demo_admin',
  FEISHU_APP_ID: TEST_APP_ID,
  FEISHU_APP_SECRET: SECRET,
  FEISHU_ENCRYPT_KEY: KEY,
  FEISHU_VERIFICATION_TOKEN: TEST_VERIFICATION_TOKEN,
  FEISHU_BASE_URL: fake.url,
  LOG_LEVEL: 'warn',
});

/** The visible strings of a JSON 2.0 card, in order (titles, texts, table cells, button labels). */
function cardText(card: unknown): string[] {
  if (Array.isArray(card)) return card.flatMap(cardText);
  if (!card || typeof card !== 'object') return [];
  const o = card as Record<string, unknown>;
  const own = typeof o.content === 'string' ? [o.content] : [];
  const rows = Array.isArray(o.rows) ? (o.rows as Record<string, string>[]).map((r) => Object.values(r).join(' ')) : [];
  return [
    ...own,
    ...rows,
    ...Object.entries(o)
      .filter(([k]) => k !== 'rows' && k !== 'content')
      .flatMap(([, v]) => cardText(v)),
  ];
}

const script: [string, string, { key: string; openId: string; name: string }[]?][] = [
  ['ou_demo_admin', '/单位 新增 名称=兴国县教育局'],
  ['ou_demo_admin', '/单位 绑定群 单位=兴国县教育局'],
  [
    'ou_demo_admin',
    '/人员 新增 @_user_1 单位=兴国县教育局 角色=联络员',
    [{ key: '@_user_1', openId: 'ou_demo_li', name: '李联络' }],
  ],
  ['ou_demo_li', '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-28'],
  ['ou_demo_li', '/账号'],
];
const chat = new FeishuChat(server, fake, { encryptKey: KEY, botOpenId: BOT, group: 'oc_demo_group' });
try {
  for (const [from, text, mentions] of script) {
    const reply = await chat.say(from, text, { mentions });
    const card = reply.startsWith('{') ? (JSON.parse(reply) as unknown) : null;
    process.stdout.write(`\n${from}: ${text}\n  bot → ${card ? `[卡片] ${cardText(card).join(' | ')}` : reply}\n`);
  }
} finally {
  await server.stop();
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

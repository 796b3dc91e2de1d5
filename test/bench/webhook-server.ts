/**
 * The server side of the webhook benchmark, in its own process like production: the real Hono app with the Feishu
 * routes on a seeded SQLite file, plus a bare route that answers 200, in the same process. Prints READY <port>.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';

import { createRuntime } from '../../src/node-runtime.js';
import { mountFeishu } from '../../src/channels/feishu/routes.js';
import { FeishuVerifier } from '../../src/channels/feishu/verify.js';
import { createApp } from '../../src/http/app.js';
import { silentLogger } from '../../src/ports/logger.js';
import { consoleLine } from '../../src/channels/console/console.js';

const [encryptKey = 'bench-key', token = 'bench-token', appId = 'cli_bench'] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-bench-'));
const admin = { channel: 'feishu' as const, externalId: 'ou_bench_admin' };
const rt = createRuntime({
  databasePath: path.join(dir, 'bench.sqlite'),
  admins: [admin],
  log: silentLogger,
  deliveryChannels: ['feishu'],
});

const setup = [
  '/单位 新增 名称=兴国县教育局',
  '/人员 新增 @feishu:ou_bench_liaison 姓名=李联络 单位=兴国县教育局 角色=联络员',
  ...['微信公众号', '微博', '抖音', '头条号', '视频号', '快手', '小红书', 'B站'].map(
    (p) => `/备案 开设 平台=${p} 名称=兴国教育 开设日期=2026-11-02 单位=兴国县教育局`,
  ),
];
for (const line of setup) await consoleLine(rt.core, admin, line);
for (let i = 0; i < 200; i++)
  await consoleLine(
    rt.core,
    { channel: 'feishu', externalId: 'ou_bench_liaison' },
    `/更新 A${(i % 8) + 1} 标题=第${i}条 时间=2026-11-${String(1 + (i % 20)).padStart(2, '0')}`,
  );

const app = createApp({
  log: silentLogger,
  health: async () => ({ ok: true, db: 'ok', channels: { feishu: 'on', wecom: 'off', console: 'on' } }),
  mount(a) {
    a.post('/bench/bare', (c) => c.json({}));
    mountFeishu(a, {
      core: rt.core,
      log: silentLogger,
      verifier: new FeishuVerifier({ encryptKey, verificationToken: token, appId }),
      botOpenId: () => 'ou_bench_bot',
      kick: () => {},
    });
  },
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write(`READY ${info.port}\n`));
for (const sig of ['SIGTERM', 'SIGINT'] as const)
  process.on(sig, () => {
    rt.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });

/**
 * The server side of the webhook benchmark, in its own process like production: the real Hono app with the Feishu
 * routes and the WeCom self-built app's callback on a seeded SQLite file, plus a bare route that answers 200, in the
 * same process. Prints READY <port>. With BENCH_CPU_PROF=<dir> it records a V8 CPU profile of the load only (from
 * READY, after the seeding, to SIGTERM) and writes it there.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';

import { createRuntime } from '../../src/node-runtime.js';
import { mountFeishu } from '../../src/channels/feishu/routes.js';
import { FeishuVerifier } from '../../src/channels/feishu/verify.js';
import { mountWecom } from '../../src/channels/wecom/routes.js';
import { createApp } from '../../src/http/app.js';
import { silentLogger } from '../../src/ports/logger.js';
import { consoleLine } from '../../src/channels/console/console.js';

export interface BenchSecrets {
  feishu: { encryptKey: string; token: string; appId: string };
  wecom: { corpId: string; agentId: number; token: string; encodingAesKey: string };
}

const secrets = JSON.parse(process.argv[2] ?? '{}') as BenchSecrets;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-bench-'));
const admin = { channel: 'feishu' as const, externalId: 'ou_bench_admin' };
const rt = createRuntime({
  databasePath: path.join(dir, 'bench.sqlite'),
  admins: [admin],
  log: silentLogger,
  deliveryChannels: ['feishu', 'wecom'],
});
const state = rt.core.channelState;
if (!state) throw new Error('the runtime has no channel state');

const setup = [
  '/单位 新增 名称=兴国县教育局',
  '/人员 新增 @feishu:ou_bench_liaison 姓名=李联络 单位=兴国县教育局 角色=联络员',
  '/人员 新增 @wecom:zhang.lianluo 姓名=张联络 单位=兴国县教育局 角色=联络员',
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
  health: async () => ({ ok: true, db: 'ok', channels: { feishu: 'on', wecom: 'on', console: 'on' } }),
  mount(a) {
    a.post('/bench/bare', (c) => c.json({}));
    // the server's CPU time so far (µs, user + system): the bench takes the difference over each measurement
    a.get('/bench/cpu', (c) => {
      const u = process.cpuUsage();
      return c.json({ us: u.user + u.system });
    });
    // what the webhooks queued, per channel and kind of reply: the bench checks the work was done
    a.get('/bench/queued', (c) =>
      c.json(
        rt.db.sqlite
          .prepare(
            "SELECT channel, count(*) AS n, sum(payload LIKE '%账号台账%') AS register FROM outbox GROUP BY channel",
          )
          .all(),
      ),
    );
    const deps = { core: rt.core, log: silentLogger, kick: () => {} };
    mountFeishu(a, {
      ...deps,
      verifier: new FeishuVerifier({
        encryptKey: secrets.feishu.encryptKey,
        verificationToken: secrets.feishu.token,
        appId: secrets.feishu.appId,
      }),
      botOpenId: () => 'ou_bench_bot',
    });
    mountWecom(a, {
      ...deps,
      state,
      config: {
        baseUrl: 'http://127.0.0.1:9',
        app: { ...secrets.wecom, secret: 'bench-secret-not-used' },
        bot: null,
      },
    });
  },
});

const profDir = process.env.BENCH_CPU_PROF;
const session = profDir ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
}
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write(`READY ${info.port}\n`));
for (const sig of ['SIGTERM', 'SIGINT'] as const)
  process.on(sig, async () => {
    if (session && profDir) {
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(profDir, { recursive: true });
      fs.writeFileSync(path.join(profDir, `webhook-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    rt.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });

/**
 * Worker benchmark (Cloudflare Workers + D1): the deployable bundle's size, raw and gzipped (`wrangler deploy
 * --dry-run`; the Free plan allows 3 MiB gzipped, the aim is under 1 MiB), and the CPU time of one webhook in workerd
 * against a bare Hono route in the same workerd: an encrypted, signed `/账号` from a liaison (verify, decrypt, read the
 * register from D1, queue the reply card, answer, then deliver it to a fake Feishu API in waitUntil).
 *
 * CPU time is read from the workerd process (/proc, user + system) around requests sent one at a time, so it counts
 * everything the request costs there, the local D1 (SQLite in the same process) included: an upper bound on what
 * Cloudflare bills as the Worker's CPU time, where D1 runs elsewhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { messageReceive } from '../support/feishu/events.js';
import { startFakeFeishu } from '../support/feishu/fake-api.js';
import { feishuRequest } from '../support/feishu/sign.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = 'bench-worker-encrypt-key';
const TOKEN = 'bench-verification-token';
const APP = 'cli_bench_worker';
const SECRET = 'bench-worker-secret';
const ADMIN = 'ou_bench_admin';
const LIAISON = 'ou_bench_liaison';
const CLOCK_TICKS = 100; // USER_HZ on Linux

const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
const f = (x: number): string => x.toFixed(2);

/** user + system CPU of a process, in ms */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function workerdPid(): number | null {
  try {
    const out = execFileSync('ps', ['-eo', 'pid,ppid,comm'], { encoding: 'utf8' });
    const mine = out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[2] === 'workerd');
    const child = mine.find((c) => Number(c[1]) === process.pid) ?? mine.at(-1);
    return child ? Number(child[0]) : null;
  } catch {
    return null;
  }
}

export default async function bench(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-worker-bench-'));
  const fake = await startFakeFeishu({ appId: APP, appSecret: SECRET, botOpenId: 'ou_bench_bot' });
  let mf: Miniflare | null = null;
  try {
    execFileSync(path.join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    const script = path.join(dir, 'worker.js');
    const raw = fs.readFileSync(script);
    const gz = zlib.gzipSync(raw).length;
    const lines = [
      `bundle (wrangler deploy --dry-run): ${kib(raw.length)} raw, ${kib(gz)} gzipped (aim < 1024 KiB gzipped; Free plan limit 3 MiB)`,
    ];

    const bare = await build({
      stdin: {
        contents:
          "import { Hono } from 'hono'; const app = new Hono(); app.post('/bench/bare', (c) => c.json({})); export default app;",
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      write: false,
      platform: 'neutral',
    });
    const compatibilityDate = /^compatibility_date = "([\d-]+)"/m.exec(
      fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8'),
    )![1]!;
    mf = new Miniflare({
      workers: [
        {
          name: 'product',
          modules: [{ type: 'ESModule', path: script }],
          modulesRoot: dir,
          compatibilityDate,
          compatibilityFlags: ['nodejs_compat'],
          d1Databases: { DB: 'bench' },
          bindings: {
            ADMINS: `feishu:${ADMIN}`,
            FEISHU_APP_ID: APP,
            FEISHU_APP_SECRET: SECRET,
            FEISHU_ENCRYPT_KEY: KEY,
            FEISHU_VERIFICATION_TOKEN: TOKEN,
            FEISHU_BASE_URL: fake.url,
            LOG_LEVEL: 'error',
          },
        },
        { name: 'bare', modules: true, script: bare.outputFiles[0]!.text, compatibilityDate },
      ],
    });
    const db = await mf.getD1Database('DB', 'product');
    for (const m of await readD1Migrations(path.join(ROOT, 'storage/migrations')))
      for (const q of m.queries) await db.prepare(q).run();
    const product = await mf.getWorker('product');
    const bareWorker = await mf.getWorker('bare');

    let n = 0;
    const hook = async (from: string, text: string, chat = 'oc_bench_group') => {
      const ev = messageReceive({
        eventId: `bw-${++n}`,
        chatId: chat,
        chatType: chat.startsWith('oc_p2p') ? 'p2p' : 'group',
        messageId: `om_bw_${n}`,
        senderOpenId: from,
        text,
        botOpenId: chat.startsWith('oc_p2p') ? undefined : 'ou_bench_bot',
        verificationToken: TOKEN,
        appId: APP,
      });
      const r = feishuRequest(ev, { encryptKey: KEY });
      const res = await product.fetch('https://bench.example/feishu/events', {
        method: 'POST',
        body: r.body,
        headers: r.headers,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    };
    await hook(ADMIN, '/单位 新增 名称=兴国县教育局', 'oc_p2p_admin');
    await hook(ADMIN, '/单位 绑定群 单位=兴国县教育局');
    const ev = messageReceive({
      eventId: 'bw-liaison',
      chatId: 'oc_p2p_admin',
      chatType: 'p2p',
      messageId: 'om_bw_liaison',
      senderOpenId: ADMIN,
      text: '/人员 新增 @_user_1 单位=兴国县教育局 角色=联络员',
      mentions: [{ key: '@_user_1', openId: LIAISON, name: '李联络' }],
      verificationToken: TOKEN,
      appId: APP,
    });
    const req = feishuRequest(ev, { encryptKey: KEY });
    await (
      await product.fetch('https://bench.example/feishu/events', {
        method: 'POST',
        body: req.body,
        headers: req.headers,
      })
    ).arrayBuffer();
    for (let i = 0; i < 5; i++) await hook(LIAISON, `/备案 开设 平台=微信公众号 名称=兴国教育${i} 开设日期=2026-11-02`);

    const pid = workerdPid();
    const measure = async (count: number, one: () => Promise<void>) => {
      for (let i = 0; i < Math.min(50, count); i++) await one(); // warm up
      await new Promise((r) => setTimeout(r, 500)); // let waitUntil deliveries of the warm-up finish
      const c0 = pid ? cpuMs(pid) : 0;
      const walls: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        await one();
        walls.push(performance.now() - t);
      }
      await new Promise((r) => setTimeout(r, 300));
      const wall = performance.now() - t0;
      walls.sort((a, b) => a - b);
      return { cpu: pid ? (cpuMs(pid) - c0) / count : NaN, p50: walls[Math.floor(walls.length / 2)]!, wall };
    };
    const bareRun = await measure(1_000, async () => {
      const r = await bareWorker.fetch('https://bench.example/bench/bare', { method: 'POST', body: '{}' });
      await r.arrayBuffer();
    });
    const hookRun = await measure(200, () => hook(LIAISON, '/账号'));
    const sent = fake.requests.filter((r) => r.status === 200 && r.path.endsWith('/reply')).length;
    lines.push(
      `workerd CPU per request, one at a time (process user+system; includes local D1 and the waitUntil delivery): bare Hono route ${f(bareRun.cpu)} ms; encrypted signed /账号 webhook ${f(hookRun.cpu)} ms; ratio ${f(hookRun.cpu / bareRun.cpu)}×`,
      `wall time p50: bare ${f(bareRun.p50)} ms, webhook ${f(hookRun.p50)} ms (the answer; the reply is sent after it: ${sent} replies reached the fake Feishu API)`,
    );
    return lines;
  } finally {
    await mf?.dispose();
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

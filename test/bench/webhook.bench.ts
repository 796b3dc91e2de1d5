/**
 * Webhook benchmark (issue: Feishu channel). The full path — an encrypted, signed `/账号` command: verify, decrypt,
 * parse, query the register, queue the reply card in the outbox, answer — against a bare Hono route that answers 200,
 * both served by the same server process. Throughput is measured closed-loop (32 in flight); latency open-loop at a
 * fixed 200 requests/s. Requests are built (encrypted and signed) before the clock starts.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { messageReceive } from '../support/feishu/events.js';
import { feishuRequest } from '../support/feishu/sign.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = 'bench-encrypt-key-0001';
const TOKEN = 'bench-verification-token';
const APP = 'cli_bench';

interface Req {
  url: string;
  body: string;
  headers: Record<string, string>;
}

function webhookRequests(base: string, n: number, tag: string): Req[] {
  return Array.from({ length: n }, (_, i) => {
    const ev = messageReceive({
      eventId: `bench-${tag}-${i}`,
      chatId: 'oc_bench',
      chatType: 'group',
      messageId: `om_bench_${tag}_${i}`,
      senderOpenId: 'ou_bench_liaison',
      text: '/账号',
      botOpenId: 'ou_bench_bot',
      verificationToken: TOKEN,
      appId: APP,
    });
    const r = feishuRequest(ev, { encryptKey: KEY });
    return { url: `${base}/feishu/events`, body: r.body, headers: r.headers };
  });
}

const bare = (base: string, n: number): Req[] =>
  Array.from({ length: n }, () => ({
    url: `${base}/bench/bare`,
    body: '{}',
    headers: { 'content-type': 'application/json' },
  }));

async function send(r: Req): Promise<number> {
  const t = performance.now();
  const res = await fetch(r.url, { method: 'POST', body: r.body, headers: r.headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${r.url}`);
  return performance.now() - t;
}

async function closedLoop(reqs: Req[], concurrency: number): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reqs.length) await send(reqs[next++]!);
    }),
  );
  return reqs.length / ((performance.now() - t) / 1000);
}

async function openLoop(reqs: Req[], rate: number): Promise<number[]> {
  const interval = 1000 / rate;
  const start = performance.now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < reqs.length; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(reqs[i]!));
  }
  return (await Promise.all(pending)).sort((a, b) => a - b);
}

const pct = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const f = (x: number): string => x.toFixed(1);

export default async function bench(): Promise<string[]> {
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools)
  const prof = process.env.BENCH_CPU_PROF;
  const child = spawn(
    process.execPath,
    [
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      '--import',
      'tsx',
      'test/bench/webhook-server.ts',
      KEY,
      TOKEN,
      APP,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (c) => reject(new Error(`bench server exited ${c}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    // warm up both paths
    await closedLoop(bare(base, 500), 16);
    await closedLoop(webhookRequests(base, 300, 'warm'), 16);

    const bareRps = await closedLoop(bare(base, 5_000), 32);
    const hookRps = await closedLoop(webhookRequests(base, 3_000, 'tp'), 32);
    const bareLat = await openLoop(bare(base, 2_000), 200);
    const hookLat = await openLoop(webhookRequests(base, 2_000, 'lat'), 200);
    return [
      `throughput (32 in flight): bare route ${f(bareRps)} req/s; encrypted signed /账号 webhook ${f(hookRps)} req/s; ratio ${((100 * hookRps) / bareRps).toFixed(1)} % (aim ≥ 25 %)`,
      `latency at 200 req/s, bare route:  p50 ${f(pct(bareLat, 50))} ms, p99 ${f(pct(bareLat, 99))} ms`,
      `latency at 200 req/s, /账号 webhook: p50 ${f(pct(hookLat, 50))} ms, p99 ${f(pct(hookLat, 99))} ms (aim p99 < 50 ms); p99 ratio ${(pct(hookLat, 99) / pct(bareLat, 99)).toFixed(1)}×`,
    ];
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Webhook benchmark, per channel. The full path of an encrypted, signed `/账号` command — verify, decrypt, parse, query
 * the register, queue the reply card in the outbox, answer — against a bare Hono route that answers 200, all served by
 * one server process (test/bench/webhook-server.ts) while this process is the load generator:
 *   - Feishu: an im.message.receive_v1 event, AES-256-CBC encrypted with the Encrypt Key and signed
 *     (X-Lark-Signature), built in test/support/feishu/;
 *   - WeCom: a self-built app callback carrying a text message, msg_signature = sha1 of the sorted
 *     [token, timestamp, nonce, encrypt] and encrypt = AES-256-CBC(random(16) + msg_len + msg + corpid) with the
 *     EncodingAESKey (PKCS#7 to 32 bytes), built in test/support/wecom/sign.ts from WeCom's published scheme.
 * Throughput is measured closed-loop (32 in flight); latency open-loop at a fixed 200 requests/s. Requests are built
 * (encrypted and signed) before the clock starts. The bare route is measured again around each webhook so the ratio
 * compares figures taken at the same time, and the server's CPU time per request is taken for both (a busy machine
 * disturbs it far less than throughput). At the end the bench checks every webhook queued its register reply.
 * BENCH_RUNS (default 3) runs it all that many times, each with a fresh server, and prints the minimum and median.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { messageReceive } from '../support/feishu/events.js';
import { feishuRequest } from '../support/feishu/sign.js';
import { appCallback, textXml } from '../support/wecom/sign.js';
import type { BenchSecrets } from './webhook-server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRETS: BenchSecrets = {
  feishu: { encryptKey: 'bench-encrypt-key-0001', token: 'bench-verification-token', appId: 'cli_bench' },
  wecom: {
    corpId: 'ww7c1d9bench0a2e4f',
    agentId: 1000007,
    token: 'BenchTok3n',
    encodingAesKey: 'kP2qR7sT9uV1wX3yZ5aB7cD9eF1gH3iJ5kL7mN9oP1q',
  },
};

interface Req {
  url: string;
  body: string;
  headers: Record<string, string>;
}

function feishuRequests(base: string, n: number, tag: string): Req[] {
  return Array.from({ length: n }, (_, i) => {
    const ev = messageReceive({
      eventId: `bench-${tag}-${i}`,
      chatId: 'oc_bench',
      chatType: 'group',
      messageId: `om_bench_${tag}_${i}`,
      senderOpenId: 'ou_bench_liaison',
      text: '/账号',
      botOpenId: 'ou_bench_bot',
      verificationToken: SECRETS.feishu.token,
      appId: SECRETS.feishu.appId,
    });
    const r = feishuRequest(ev, { encryptKey: SECRETS.feishu.encryptKey });
    return { url: `${base}/feishu/events`, body: r.body, headers: r.headers };
  });
}

let wecomSeq = 7_401_000_000_000_000_000n;
function wecomRequests(base: string, n: number): Req[] {
  const w = SECRETS.wecom;
  const secrets = { token: w.token, encodingAesKey: w.encodingAesKey, receiveId: w.corpId, agentId: w.agentId };
  return Array.from({ length: n }, () => {
    const inner = textXml({
      corpId: w.corpId,
      from: 'zhang.lianluo',
      content: '/账号',
      msgId: String(++wecomSeq),
      agentId: w.agentId,
    });
    const { query, body } = appCallback(secrets, inner);
    return { url: `${base}/wecom/callback?${query}`, body, headers: { 'content-type': 'text/xml' } };
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
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Figures {
  bareRps: number;
  hookRps: number;
  bareLat: number[];
  hookLat: number[];
}

/** The server's CPU time (µs) spent while `run` sends `n` requests, per request. */
async function cpuPerRequest(base: string, n: number, run: () => Promise<unknown>): Promise<number> {
  const cpu = async () => ((await (await fetch(`${base}/bench/cpu`)).json()) as { us: number }).us;
  const before = await cpu();
  await run();
  return ((await cpu()) - before) / n;
}

interface Summary {
  ratio: number;
  cpuShare: number;
  p50: number;
  p99: number;
}

export default async function bench(): Promise<string[]> {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
  if (runs === 1) return (await measureOnce()).lines;
  const lines: string[] = [];
  const all: Record<string, Summary[]> = {};
  for (let i = 1; i <= runs; i++) {
    const r = await measureOnce();
    lines.push(`run ${i} of ${runs} (a fresh server and database):`, ...r.lines.map((l) => `  ${l}`));
    for (const [name, s] of Object.entries(r.summary)) (all[name] ??= []).push(s);
  }
  const minMed = (xs: number[], digits = 1) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `min ${sorted[0]!.toFixed(digits)}, median ${sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(digits)}`;
  };
  lines.push(`over ${runs} runs:`);
  for (const [name, xs] of Object.entries(all)) {
    lines.push(
      `  ${name}: throughput ratio ${minMed(xs.map((x) => x.ratio))} % (aim ≥ 50 %); CPU share ${minMed(xs.map((x) => x.cpuShare))} %; p50 ${minMed(xs.map((x) => x.p50))} ms; p99 ${minMed(xs.map((x) => x.p99))} ms (aim < 20 ms)`,
    );
  }
  return lines;
}

async function measureOnce(): Promise<{ lines: string[]; summary: Record<string, Summary> }> {
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile of the load there when it stops (Chrome DevTools)
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/webhook-server.ts', JSON.stringify(SECRETS)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
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
  const channels = {
    feishu: (n: number, tag: string) => feishuRequests(base, n, tag),
    wecom: (n: number) => wecomRequests(base, n),
  };
  const sent: Record<string, number> = { feishu: 0, wecom: 0 };
  try {
    // warm up every path
    await closedLoop(bare(base, 500), 16);
    for (const [name, make] of Object.entries(channels)) {
      await closedLoop(make(300, 'warm'), 16);
      sent[name]! += 300;
    }
    const lines: string[] = [];
    const summary: Record<string, Summary> = {};
    for (const [name, make] of Object.entries(channels)) {
      // the bare route before and after the webhook, their mean as its baseline
      const fig: Figures = { bareRps: 0, hookRps: 0, bareLat: [], hookLat: [] };
      let bareBefore = 0;
      let bareAfter = 0;
      const bareCpu = await cpuPerRequest(base, 5_000, async () => {
        bareBefore = await closedLoop(bare(base, 5_000), 32);
      });
      const hookCpu = await cpuPerRequest(base, 3_000, async () => {
        fig.hookRps = await closedLoop(make(3_000, 'tp'), 32);
      });
      bareAfter = await closedLoop(bare(base, 5_000), 32);
      fig.bareRps = mean([bareBefore, bareAfter]);
      fig.bareLat = await openLoop(bare(base, 2_000), 200);
      fig.hookLat = await openLoop(make(2_000, 'lat'), 200);
      sent[name]! += 5_000;
      summary[name] = {
        ratio: (100 * fig.hookRps) / fig.bareRps,
        cpuShare: (100 * bareCpu) / hookCpu,
        p50: pct(fig.hookLat, 50),
        p99: pct(fig.hookLat, 99),
      };
      const label =
        name === 'feishu' ? 'Feishu /账号 (encrypted, signed event)' : 'WeCom /账号 (encrypted, signed app callback)';
      lines.push(
        `${label}:`,
        `  throughput (32 in flight): bare route ${f(fig.bareRps)} req/s (${f(bareBefore)} before, ${f(bareAfter)} after); webhook ${f(fig.hookRps)} req/s; ratio ${((100 * fig.hookRps) / fig.bareRps).toFixed(1)} % (aim ≥ 50 %)`,
        `  server CPU per request (user + system): bare route ${f(bareCpu)} µs, webhook ${f(hookCpu)} µs; the webhook's share of one core's capacity ${((100 * bareCpu) / hookCpu).toFixed(1)} % of the bare route's`,
        `  latency at 200 req/s, bare route: p50 ${f(pct(fig.bareLat, 50))} ms, p99 ${f(pct(fig.bareLat, 99))} ms`,
        `  latency at 200 req/s, webhook:    p50 ${f(pct(fig.hookLat, 50))} ms, p99 ${f(pct(fig.hookLat, 99))} ms (aim p99 < 20 ms); p99 ratio ${(pct(fig.hookLat, 99) / pct(fig.bareLat, 99)).toFixed(1)}×`,
      );
    }
    // every webhook request must have queued its register card, once
    const queued = (await (await fetch(`${base}/bench/queued`)).json()) as {
      channel: string;
      n: number;
      register: number;
    }[];
    for (const [name, n] of Object.entries(sent)) {
      const q = queued.find((r) => r.channel === name);
      if (q?.n !== n || q.register !== n)
        throw new Error(
          `${name}: ${n} webhooks sent, outbox holds ${q?.n ?? 0} replies (${q?.register ?? 0} registers)`,
        );
    }
    lines.push(
      `checked: each webhook request queued its register reply (${Object.entries(sent)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`,
    );
    return { lines, summary };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * The delivery fault scenario, shared by the test suite (bounded) and `npm run bench` (full): the real server, the
 * fake Feishu API behind a faulty network (fault-proxy.ts), commands from many chats sent open-loop at a fixed rate,
 * each webhook retried until it is answered 200 (as Feishu does), optionally a `kill -9` of the server midway and a
 * restart on the same database. Reports lost replies, duplicated replies and the reply delay (command sent → reply
 * recorded by the fake platform).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ServerProcess, startServer } from '../process.js';
import { messageReceive, randomEventId, TEST_APP_ID, TEST_VERIFICATION_TOKEN } from './events.js';
import { startFakeFeishu } from './fake-api.js';
import { type FaultRates, startFaultProxy } from './fault-proxy.js';
import { feishuRequest } from './sign.js';

export interface FaultScenario {
  commands: number;
  chats: number;
  /** commands per second */
  rate: number;
  faults: FaultRates;
  /** SIGKILL the server after this many commands, then start it again */
  killAfter?: number;
  /** give up waiting for replies after this long once all commands were answered 200; default 120 s */
  drainTimeoutMs?: number;
  seed?: number;
}

export interface FaultReport {
  commands: number;
  lost: number;
  duplicated: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  faults: { hang: number; error5xx: number; rateLimit: number; passed: number };
  wallMs: number;
}

const KEY = 'fault-scenario-encrypt-key';
const BOT = 'ou_bot_fault';
const ADMIN = 'ou_admin_fault';

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

export async function runFaultScenario(s: FaultScenario): Promise<FaultReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-fault-'));
  const fake = await startFakeFeishu({ appId: TEST_APP_ID, appSecret: 'sec_fault', botOpenId: BOT });
  const proxy = await startFaultProxy(fake.url, s.faults, s.seed ?? 7);
  const env = {
    DATABASE_PATH: path.join(dir, 'fault.sqlite'),
    ADMINS: `feishu:${ADMIN}`,
    FEISHU_APP_ID: TEST_APP_ID,
    FEISHU_APP_SECRET: 'sec_fault',
    FEISHU_ENCRYPT_KEY: KEY,
    FEISHU_VERIFICATION_TOKEN: TEST_VERIFICATION_TOKEN,
    FEISHU_BASE_URL: proxy.url,
    LOG_LEVEL: 'error',
  };
  let server: ServerProcess = await startServer(env);
  let restarting: Promise<void> | null = null;
  const sentAt = new Map<string, number>();
  const started = Date.now();
  try {
    const post = async (body: string, headers: Record<string, string>): Promise<void> => {
      for (;;) {
        if (restarting) await restarting;
        try {
          const r = await fetch(`${server.url}/feishu/events`, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(10_000),
          });
          if (r.status === 200) return;
        } catch {
          /* the server is down or restarting: Feishu retries */
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < s.commands; i++) {
      const due = started + (i * 1000) / s.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (s.killAfter !== undefined && i === s.killAfter) {
        const old = server;
        restarting = (async () => {
          await old.stop('SIGKILL');
          server = await startServer(env);
        })();
        await restarting;
        restarting = null;
      }
      const messageId = `om_fault_${i}`;
      const ev = messageReceive({
        eventId: randomEventId(),
        chatId: `oc_fault_${i % s.chats}`,
        chatType: 'group',
        messageId,
        senderOpenId: ADMIN,
        text: `/帮助 备案 ${i}`,
        botOpenId: BOT,
      });
      const req = feishuRequest(ev, { encryptKey: KEY });
      sentAt.set(messageId, Date.now());
      inflight.push(post(req.body, req.headers));
    }
    await Promise.all(inflight);
    // wait until every command has its reply, or the drain time is over
    const deadline = Date.now() + (s.drainTimeoutMs ?? 120_000);
    const replied = () =>
      new Set(
        fake
          .sent()
          .filter((m) => m.kind === 'reply' && m.replyTo?.startsWith('om_fault_'))
          .map((m) => m.replyTo),
      );
    while (replied().size < s.commands && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1_000)); // late duplicates, if any, would arrive now
    const per = new Map<string, number>();
    for (const m of fake.sent()) if (m.kind === 'reply' && m.replyTo) per.set(m.replyTo, (per.get(m.replyTo) ?? 0) + 1);
    const firstAt = new Map<string, number>();
    for (const r of fake.requests) {
      const m = /^\/open-apis\/im\/v1\/messages\/(om_fault_\d+)\/reply$/.exec(r.path);
      if (m && r.status === 200 && !firstAt.has(m[1]!)) firstAt.set(m[1]!, r.at);
    }
    const delays = [...sentAt]
      .filter(([id]) => firstAt.has(id))
      .map(([id, t]) => firstAt.get(id)! - t)
      .sort((a, b) => a - b);
    return {
      commands: s.commands,
      lost: [...sentAt.keys()].filter((id) => !per.has(id)).length,
      duplicated: [...per.values()].filter((n) => n > 1).length,
      p50Ms: pct(delays, 50),
      p99Ms: pct(delays, 99),
      maxMs: delays.at(-1) ?? Number.NaN,
      faults: { ...proxy.counts },
      wallMs: Date.now() - started,
    };
  } finally {
    await server.stop('SIGKILL');
    await proxy.close();
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A faulty network in front of the fake Feishu Open API (127.0.0.1 only): message calls hang, fail with 5xx or are
 * rate-limited (429, code 99991400, x-ogw-ratelimit-reset) at the given rates; token and bot-info calls pass through.
 * Half of the hanging calls reach the platform first (the message is sent, the answer is lost), which is the case an
 * idempotency key has to cover. Seeded, so a run can be repeated.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  hang: number;
  error5xx: number;
  rateLimit: number;
}

export interface FaultProxy {
  url: string;
  rates: FaultRates;
  counts: { hang: number; error5xx: number; rateLimit: number; passed: number };
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isMessageCall = (path: string): boolean =>
  path.startsWith('/open-apis/im/') || path.startsWith('/open-apis/interactive/');

export async function startFaultProxy(upstream: string, rates: FaultRates, seed = 42): Promise<FaultProxy> {
  const random = rng(seed);
  const up = new URL(upstream);
  const counts = { hang: 0, error5xx: 0, rateLimit: 0, passed: 0 };
  const hanging = new Set<ServerResponse>();

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse | null): Promise<void> =>
    new Promise((resolve) => {
      const r = request(
        {
          host: up.hostname,
          port: up.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: up.host },
        },
        (ur) => {
          const chunks: Buffer[] = [];
          ur.on('data', (c: Buffer) => chunks.push(c));
          ur.on('end', () => {
            if (res && !res.destroyed) res.writeHead(ur.statusCode ?? 502, ur.headers).end(Buffer.concat(chunks));
            resolve();
          });
        },
      );
      r.on('error', () => {
        if (res && !res.destroyed) res.writeHead(502).end();
        resolve();
      });
      r.end(body);
    });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!isMessageCall(path)) return void forward(req, body, res);
      const p = random();
      const { hang, error5xx, rateLimit } = proxy.rates;
      if (p < hang) {
        counts.hang++;
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        if (random() < 0.5) void forward(req, body, null); // it reaches the platform; the answer is lost
        return; // never answer
      }
      if (p < hang + error5xx) {
        counts.error5xx++;
        return void res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 1500, msg: 'internal error' }));
      }
      if (p < hang + error5xx + rateLimit) {
        counts.rateLimit++;
        return void res
          .writeHead(429, {
            'content-type': 'application/json',
            'x-ogw-ratelimit-limit': '50',
            'x-ogw-ratelimit-reset': '1',
          })
          .end(JSON.stringify({ code: 99991400, msg: 'request trigger frequency limit' }));
      }
      counts.passed++;
      void forward(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rates,
    counts,
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return proxy;
}

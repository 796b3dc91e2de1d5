/**
 * Operations: the database and its copies are the owner's only; /healthz tells anyone only that the server lives,
 * and the queue and channels to whoever gives HEALTH_TOKEN; what the Feishu SDK and a platform's error texts say
 * reaches the log through the redaction, never as an empty error line.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FeishuMessenger } from '../../src/channels/feishu/client.js';
import { createApp, type HealthReport } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { secretValues, silentLogger } from '../../src/ports/logger.js';
import { DeliveryError } from '../../src/ports/messenger.js';
import type { OutboxRow } from '../../src/ports/store.js';
import { consoleLogger } from '../../src/worker/log.js';
import { backupSqlite, openSqlite } from '../../storage/executor/sqlite.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-ops-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const mode = (f: string): number => fs.statSync(f).mode & 0o777;

describe('files', () => {
  it('the database, its -wal and -shm, and a backup are created 0600; an existing database is set to 0600', () => {
    const file = path.join(dir, 'new', 'db.sqlite');
    const h = openSqlite(file);
    try {
      h.sqlite.exec("INSERT INTO units (id, name, created_at) VALUES (1, '兴国县教育局', 0)");
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
    } finally {
      h.close();
    }
    const old = path.join(dir, 'old.sqlite');
    fs.writeFileSync(old, '');
    fs.chmodSync(old, 0o644);
    openSqlite(old).close();
    expect(mode(old)).toBe(0o600);
    return backupSqlite(file, path.join(dir, 'copies', 'copy.sqlite')).then(() =>
      expect(mode(path.join(dir, 'copies', 'copy.sqlite'))).toBe(0o600),
    );
  });
});

describe('/healthz', () => {
  const FULL: HealthReport = {
    ok: true,
    db: 'ok',
    channels: { feishu: 'on' },
    details: { wechaty: { login: 'logged-in', user: '政务助手' } },
    outbox: { pending: 3, failed: 1 },
  };
  const app = (healthToken?: string) => {
    const asked: boolean[] = [];
    const a = createApp({
      log: silentLogger,
      healthToken,
      health: async ({ details }) => {
        asked.push(details);
        return details ? FULL : { ok: true, db: 'ok', channels: {} };
      },
    });
    return { a, asked };
  };
  const TOKEN = 'h-0123456789abcdef';

  it('without HEALTH_TOKEN: liveness only, whatever the request gives', async () => {
    const { a, asked } = app();
    for (const init of [{}, { headers: { authorization: `Bearer ${TOKEN}` } }]) {
      const r = await a.request('/healthz', init);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ ok: true });
    }
    expect(await (await a.request(`/healthz?token=${TOKEN}`)).json()).toEqual({ ok: true });
    expect(asked).toEqual([false, false, false]);
  });

  it('with HEALTH_TOKEN: the details for the token (header or ?token=), liveness for anything else', async () => {
    const { a, asked } = app(TOKEN);
    expect(await (await a.request('/healthz')).json()).toEqual({ ok: true });
    for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`]) {
      expect(await (await a.request('/healthz', { headers: { authorization: wrong } })).json()).toEqual({ ok: true });
    }
    expect(await (await a.request('/healthz?token=nope')).json()).toEqual({ ok: true });
    expect(await (await a.request('/healthz', { headers: { authorization: `Bearer ${TOKEN}` } })).json()).toEqual(FULL);
    expect(await (await a.request(`/healthz?token=${TOKEN}`)).json()).toEqual(FULL);
    expect(asked.filter(Boolean)).toHaveLength(2);
  });

  it('a database that does not answer is 503 with nothing more', async () => {
    const a = createApp({ log: silentLogger, health: async () => ({ ok: false, db: 'error', channels: {} }) });
    const r = await a.request('/healthz');
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ok: false });
  });
});

describe('platform error texts in the logs', () => {
  const APP_SECRET = 'sec_ops_Zx81kQ2mW7'; // FEISHU_APP_SECRET
  const TENANT_TOKEN = 't-g1044opsTENANTtoken9f8e7d6c5b4a3';
  const LEAKED = 'Lk93hsPq0aZ2xXv'; // a secret-looking value a platform quotes in its error text

  /**
   * A Feishu Open API on 127.0.0.1: the tenant token as documented (POST auth/v3/tenant_access_token/internal →
   * {code:0, tenant_access_token, expire}); sending a message fails with HTTP 400 and an error body {code, msg} whose
   * msg quotes the token and a secret.
   */
  async function fakeFeishu(): Promise<{ url: string; close(): void }> {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        if (req.url?.startsWith('/open-apis/auth/v3/tenant_access_token/internal')) {
          const ok = (JSON.parse(body) as { app_secret?: string }).app_secret === APP_SECRET;
          res.end(
            JSON.stringify(
              ok
                ? { code: 0, msg: 'ok', tenant_access_token: TENANT_TOKEN, expire: 7200 }
                : { code: 10014, msg: 'app secret invalid' },
            ),
          );
          return;
        }
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            code: 230001,
            msg: `Your request contains an invalid request parameter, token: ${TENANT_TOKEN}, app_secret=${LEAKED}`,
            error: { log_id: '20261123100000ABCDEF' },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  }

  it('a refused send: the log has the status and the platform code, no token, no secret, no empty line; the stored error neither', async () => {
    const fake = await fakeFeishu();
    const logFile = path.join(dir, 'feishu.log');
    const fd = fs.openSync(logFile, 'w');
    const env = { FEISHU_APP_ID: 'cli_ops_app', FEISHU_APP_SECRET: APP_SECRET };
    const log = createLogger('debug', { fd } as unknown as NodeJS.WritableStream, { secrets: secretValues(env) });
    const messenger = new FeishuMessenger(
      {
        appId: env.FEISHU_APP_ID,
        appSecret: APP_SECRET,
        encryptKey: 'k',
        verificationToken: undefined,
        baseUrl: fake.url,
      },
      log,
    );
    const row: OutboxRow = {
      id: 1,
      dedupeKey: null,
      channel: 'feishu',
      targetType: 'user',
      target: 'ou_someone',
      replyTo: null,
      updateOf: null,
      updateToken: null,
      payload: { blocks: [{ type: 'text', text: '通知内容 13812345678' }] },
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(),
      lastError: null,
      platformMessageId: null,
      createdAt: new Date(),
      sentAt: null,
    };
    let err: unknown;
    try {
      await messenger.send(row, { idempotencyKey: 'ops-1', original: null });
    } catch (e) {
      err = e;
    } finally {
      fake.close();
      fs.closeSync(fd);
    }
    // the error kept with the message (and shown in /提醒 失败) carries the code, not the quoted secrets
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).message).toContain('HTTP 400 code 230001');
    expect((err as DeliveryError).message).not.toContain(TENANT_TOKEN);
    expect((err as DeliveryError).message).not.toContain(LEAKED);

    const text = fs.readFileSync(logFile, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const sdk = lines.filter((l) => l.msg === 'feishu sdk');
    expect(sdk.length).toBeGreaterThan(0);
    for (const l of sdk) {
      // every line says something: the HTTP status and the platform's code
      expect(l).toMatchObject({ status: 400, feishuCode: 230001, path: '/open-apis/im/v1/messages' });
      expect(String(l.feishuMsg)).toContain('invalid request parameter');
    }
    // no empty line: each carries something besides its level, time and message
    for (const l of lines)
      expect(Object.keys(l).filter((k) => !['level', 'time', 'app', 'msg'].includes(k))).not.toEqual([]);
    for (const secret of [APP_SECRET, TENANT_TOKEN, LEAKED, '13812345678']) expect(text).not.toContain(secret);
  });

  it('any text logged — a message, a field, an error and its stack — loses secret values and tokens, on Node and on the Worker', () => {
    const logFile = path.join(dir, 'any.log');
    const fd = fs.openSync(logFile, 'w');
    const env = { WECOM_SECRET: 'wecom-corp-secret-value', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_token_4f3e2d1c' };
    const log = createLogger('info', { fd } as unknown as NodeJS.WritableStream, { secrets: secretValues(env) });
    const e = new Error(
      'request to https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=AT_abc123xyz failed; grpc puppet_token_4f3e2d1c refused',
    );
    log.error(
      { err: e, detail: { reason: 'corpsecret=wecom-corp-secret-value' } },
      'wecom send failed: Bearer abc.def',
    );
    fs.closeSync(fd);
    const lines: string[] = [];
    consoleLogger(
      'info',
      { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) },
      secretValues(env),
    ).error({ err: e, detail: 'token: t-g1044opsTENANTtoken9f8e7d6c5b4a3' }, 'send failed');
    for (const text of [fs.readFileSync(logFile, 'utf8'), lines.join('\n')]) {
      expect(text).toContain('[redacted]');
      for (const secret of [
        'AT_abc123xyz',
        'puppet_token_4f3e2d1c',
        'wecom-corp-secret-value',
        'abc.def',
        't-g1044ops',
      ])
        expect(text).not.toContain(secret);
      expect(text).toContain('qyapi.weixin.qq.com/cgi-bin/message/send');
    }
  });
});

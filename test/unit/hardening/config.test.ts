/**
 * Start-up refuses a Feishu channel that cannot check signatures: without the Encrypt Key the platform signs nothing and
 * the verification token travels in clear in every body, so an event could be forged by anyone who saw one.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { FeishuVerifier } from '../../../src/channels/feishu/verify.js';
import { messageReceive, TEST_APP_ID, TEST_VERIFICATION_TOKEN } from '../../support/feishu/events.js';
import { ROOT } from '../../support/process.js';

const feishuNoKey = { FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', FEISHU_VERIFICATION_TOKEN: 'tok' };

describe('Feishu channel needs the Encrypt Key', () => {
  it('loadConfig refuses app credentials without FEISHU_ENCRYPT_KEY, naming the variable', () => {
    expect(() => loadConfig(feishuNoKey)).toThrow(ConfigError);
    expect(() => loadConfig(feishuNoKey)).toThrow(/FEISHU_ENCRYPT_KEY/);
    const on = loadConfig({ ...feishuNoKey, FEISHU_ENCRYPT_KEY: 'k' }).channels.find(
      (c) => c.channel.name === 'feishu',
    );
    expect((on?.config as { encryptKey?: string } | undefined)?.encryptKey).toBe('k');
  });

  it('WeCom: Token and EncodingAESKey are both required once the corp credentials are set', () => {
    const corp = { WECOM_CORP_ID: 'ww1', WECOM_SECRET: 's', WECOM_AGENT_ID: '1000002' };
    expect(() => loadConfig({ ...corp, WECOM_TOKEN: 't' })).toThrow(/WECOM_ENCODING_AES_KEY/);
    expect(() => loadConfig({ ...corp, WECOM_ENCODING_AES_KEY: 'a'.repeat(43) })).toThrow(/WECOM_TOKEN/);
  });

  it('npm start exits with code 2 and a message naming FEISHU_ENCRYPT_KEY', async () => {
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const child = spawn(tsx, ['src/node.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...feishuNoKey,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_PATH: ':memory:',
        SCHEDULER: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    expect(code).toBe(2);
    expect(err).toContain('FEISHU_ENCRYPT_KEY');
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an unsigned plain event carrying the verification token, as an admin, a year old, is refused', () => {
    const v = new FeishuVerifier({ encryptKey: 'k', verificationToken: TEST_VERIFICATION_TOKEN, appId: TEST_APP_ID });
    const yearAgo = new Date(Date.now() - 365 * 86_400_000);
    const ev = messageReceive({
      chatId: 'oc_1',
      chatType: 'p2p',
      senderOpenId: 'ou_admin',
      text: '/人员 新增 @ou_x 角色=管理员',
      createTime: String(yearAgo.getTime()),
    });
    expect(
      v.open(
        JSON.stringify(ev),
        new Headers({ 'x-lark-request-timestamp': String(Math.floor(yearAgo.getTime() / 1000)) }),
        new Date(),
      ),
    ).toMatchObject({ kind: 'reject', status: 401 });
  });
});

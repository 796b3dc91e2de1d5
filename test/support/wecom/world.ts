/**
 * A WeCom "world" for end-to-end tests: a fake WeCom API, the real server (`src/node.ts`) pointed at it, and helpers to
 * talk to the server as WeCom would — every request encrypted and signed in test/support/wecom/sign.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ServerProcess, startServer } from '../process.js';
import { type FakeWecom, startFakeWecom, type WecomRequest } from './fake-api.js';
import { appCallback, botCallback, cardEventXml, type Secrets, textXml } from './sign.js';

export const CORP_ID = 'ww5823bf96d3bd56c7';
export const AGENT_ID = 1000002;
export const SECRET = 'wecom-e2e-secret';
export const TOKEN = 'QDG6eK';
export const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
export const BOT_TOKEN = 'BotTok3n';
export const BOT_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

export const APP: Secrets & { agentId: number } = {
  token: TOKEN,
  encodingAesKey: AES_KEY,
  receiveId: CORP_ID,
  agentId: AGENT_ID,
};
export const BOT: Secrets = { token: BOT_TOKEN, encodingAesKey: BOT_AES_KEY, receiveId: '' };

/** The text of a message/send (text content, or the template card's JSON). */
export function sentText(r: WecomRequest): string {
  const b = r.body as {
    msgtype?: string;
    text?: { content?: string };
    markdown?: { content?: string };
    template_card?: unknown;
  };
  if (b.msgtype === 'text') return b.text?.content ?? '';
  if (b.msgtype === 'markdown') return b.markdown?.content ?? '';
  return JSON.stringify(b.template_card ?? b);
}

export interface WecomWorld {
  fake: FakeWecom;
  server: ServerProcess;
  env: Record<string, string>;
  dbFile: string;
  post(path: string, q: URLSearchParams, body: string): Promise<{ status: number; text: string }>;
  /** send a text message to the app as `from`; resolves with the reply sent back to `from` */
  say(from: string, text: string, o?: { msgId?: string }): Promise<string>;
  /** post a text message without waiting */
  sendRaw(from: string, text: string, msgId: string): Promise<{ status: number; text: string }>;
  /** click a button of the template card in `card` (a message/send request) as `from` */
  click(
    from: string,
    card: WecomRequest,
    label: string,
    o?: { createTime?: number; forge?: boolean },
  ): Promise<{ status: number; text: string; responseCode: string }>;
  /** the next message/send to `userId` after `since` containing every needle */
  waitSent(userId: string, needles: string[], since?: number): Promise<WecomRequest>;
  /** @mention the AI bot in a group (or a single chat when chatId is null); resolves with the reply posted to the response_url */
  botSay(from: string, text: string, chatId: string | null, o?: { msgid?: string }): Promise<string>;
  /** post an AI bot message without waiting; returns the response_url it carried */
  botRaw(
    from: string,
    text: string,
    chatId: string | null,
    msgid: string,
    o?: { forge?: boolean },
  ): Promise<{ status: number; text: string; responseUrl: string }>;
  seq(): number;
  close(): Promise<void>;
}

let botSeq = 0;
export const nextBotMsgId = (): string => `bot${Date.now().toString(36)}${++botSeq}`;
export const BOT_NAME = '政务助手';

let msgSeq = 7_329_847_293_847_000_000n;
export const nextMsgId = (): string => String(++msgSeq);

export async function startWecomWorld(o: {
  name: string;
  admin: string;
  bot?: boolean;
  extraEnv?: Record<string, string>;
}): Promise<WecomWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `govmedia-${o.name}-`));
  const dbFile = path.join(dir, `${o.name}.sqlite`);
  const fake = await startFakeWecom({ corpId: CORP_ID, secret: SECRET, agentId: AGENT_ID });
  const env: Record<string, string> = {
    DATABASE_PATH: dbFile,
    ADMINS: `wecom:${o.admin}`,
    WECOM_CORP_ID: CORP_ID,
    WECOM_AGENT_ID: String(AGENT_ID),
    WECOM_SECRET: SECRET,
    WECOM_TOKEN: TOKEN,
    WECOM_ENCODING_AES_KEY: AES_KEY,
    WECOM_BASE_URL: fake.url,
    ...(o.bot ? { WECOM_BOT_TOKEN: BOT_TOKEN, WECOM_BOT_ENCODING_AES_KEY: BOT_AES_KEY } : {}),
    ...o.extraEnv,
  };
  const server = await startServer(env);
  const post = async (p: string, q: URLSearchParams, body: string) => {
    const r = await fetch(`${server.url}${p}?${q}`, {
      method: 'POST',
      body,
      headers: { 'content-type': p === '/wecom/bot' ? 'application/json' : 'text/xml' },
    });
    return { status: r.status, text: await r.text() };
  };
  const seq = () => fake.requests.length;
  const waitSent = (userId: string, needles: string[], since = 0) =>
    fake.waitFor(
      (r) =>
        r.seq > since &&
        r.path === '/cgi-bin/message/send' &&
        r.response.errcode === 0 &&
        (r.body as { touser?: string }).touser === userId &&
        needles.every((n) => sentText(r).includes(n)),
    );
  const sendRaw = (from: string, text: string, msgId: string) => {
    const { query, body } = appCallback(
      APP,
      textXml({ corpId: CORP_ID, from, content: text, msgId, agentId: AGENT_ID }),
    );
    return post('/wecom/callback', query, body);
  };
  const botRaw = async (
    from: string,
    text: string,
    chatId: string | null,
    msgid: string,
    bo: { forge?: boolean } = {},
  ) => {
    const responseUrl = fake.responseUrl();
    const message = {
      msgid,
      aibotid: 'aib_test',
      ...(chatId ? { chatid: chatId } : {}),
      chattype: chatId ? 'group' : 'single',
      from: { userid: from },
      response_url: responseUrl,
      msgtype: 'text',
      text: { content: `@${BOT_NAME} ${text}` },
    };
    const { query, body } = botCallback(BOT, message, { forge: bo.forge });
    return { ...(await post('/wecom/bot', query, body)), responseUrl };
  };
  return {
    fake,
    server,
    env,
    dbFile,
    post,
    seq,
    botRaw,
    async botSay(from, text, chatId, bo = {}) {
      const r = await botRaw(from, text, chatId, bo.msgid ?? nextBotMsgId());
      if (r.status !== 200 || r.text !== '') throw new Error(`bot callback answered ${r.status} ${r.text}`);
      const path = new URL(r.responseUrl).pathname;
      return sentText(await fake.waitFor((x) => x.path === path && x.response.errcode === 0));
    },
    sendRaw,
    waitSent,
    async say(from, text, so = {}) {
      const since = seq();
      const r = await sendRaw(from, text, so.msgId ?? nextMsgId());
      if (r.status !== 200 || r.text !== '') throw new Error(`callback answered ${r.status} ${r.text}`);
      return sentText(await waitSent(from, [], since));
    },
    async click(from, card, label, co = {}) {
      const tc = (card.body as { template_card: { task_id: string; button_list: { text: string; key: string }[] } })
        .template_card;
      const button = tc.button_list.find((b) => b.text === label);
      if (!button) throw new Error(`no button ${label}`);
      const responseCode = fake.issueResponseCode();
      const xml = cardEventXml({
        corpId: CORP_ID,
        from,
        eventKey: button.key,
        taskId: tc.task_id,
        responseCode,
        agentId: AGENT_ID,
        createTime: co.createTime,
      });
      const { query, body } = appCallback(APP, xml, { forge: co.forge });
      return { ...(await post('/wecom/callback', query, body)), responseCode };
    },
    async close() {
      await server.stop();
      await fake.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { botCallback };

/** A real runtime on a temporary SQLite file, driven like a chat: `say(who, text)` returns what the bot answers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { handleInbound, type HandleResult } from '../../src/app/handle.js';
import { createRuntime, type Runtime } from '../../src/node-runtime.js';
import { WECOM_DEFAULT_BASE_URL } from '../../src/channels/wecom/config.js';
import { fixedClock, type Clock } from '../../src/domain/clock.js';
import type { ChannelName, Identity } from '../../src/domain/model.js';
import { renderText } from '../../src/domain/reply.js';
import type { ChatRef, InboundMention } from '../../src/ports/inbound.js';

export interface TestBot {
  rt: Runtime;
  dir: string;
  file: string;
  /** move the clock */
  setNow(iso: string): void;
  say(as: Identity | string, text: string, chat?: Partial<ChatRef>, mentions?: InboundMention[]): Promise<string>;
  send(
    as: Identity | string,
    text: string,
    chat?: Partial<ChatRef>,
    extra?: { eventId?: string; messageId?: string; mentions?: InboundMention[] },
  ): Promise<HandleResult>;
  close(): void;
}

export const ADMIN: Identity = { channel: 'feishu', externalId: 'ou_admin' };

export function identity(s: Identity | string): Identity {
  if (typeof s !== 'string') return s;
  const i = s.indexOf(':');
  return { channel: s.slice(0, i) as ChannelName, externalId: s.slice(i + 1) };
}

export function makeBot(opts: { now?: string; admins?: Identity[]; deliveryChannels?: ChannelName[] } = {}): TestBot {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-test-'));
  const file = path.join(dir, 'test.sqlite');
  let clock: Clock = fixedClock(opts.now ?? '2026-11-22T10:00:00+08:00');
  const rt = createRuntime({
    databasePath: file,
    admins: opts.admins ?? [ADMIN],
    clock: { now: () => clock.now() },
    deliveryChannels: opts.deliveryChannels ?? ['feishu'],
    // as with WeCom configured at its default API host: a WeCom group's push address is checked against it
    pushHosts: { wecom: new URL(WECOM_DEFAULT_BASE_URL).host },
  });
  const send: TestBot['send'] = (as, text, chat, extra) =>
    handleInbound(
      rt.services,
      rt.registry,
      {
        chat: { channel: 'console', id: 'console', type: 'p2p', ...chat },
        sender: identity(as),
        text,
        mentions: extra?.mentions ?? [],
        eventId: extra?.eventId,
        messageId: extra?.messageId,
      },
      { replyVia: chat?.channel && chat.channel !== 'console' ? 'outbox' : 'return' },
    );
  return {
    rt,
    dir,
    file,
    setNow(iso) {
      clock = fixedClock(iso);
    },
    async say(as, text, chat, mentions) {
      const r = await send(as, text, chat, { mentions });
      return r.reply ? renderText(r.reply) : '';
    },
    send,
    close() {
      rt.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A county with two units, their leaders, a liaison and an officer each, used by many tests. */
export async function seedCounty(bot: TestBot): Promise<void> {
  const lines = [
    '/单位 新增 名称=兴国县人民政府办公室',
    '/单位 新增 名称=兴国县教育局 上级=兴国县人民政府办公室 域名=jyj.xingguo.gov.cn',
    '/单位 新增 名称=兴国县卫生健康委员会 上级=兴国县人民政府办公室',
    '/人员 新增 @feishu:ou_jy_liaison 姓名=李联络 单位=兴国县教育局 角色=联络员 电话=13812345678',
    '/人员 新增 @feishu:ou_jy_officer 姓名=王信息 单位=兴国县教育局 角色=信息员',
    '/人员 新增 @feishu:ou_jy_incharge 姓名=赵分管 单位=兴国县教育局 角色=分管领导',
    '/人员 新增 @feishu:ou_jy_principal 姓名=钱主要 单位=兴国县教育局 角色=主要领导',
    '/人员 新增 @feishu:ou_wj_liaison 姓名=孙联络 单位=兴国县卫生健康委员会 角色=联络员',
  ];
  for (const l of lines) {
    const out = await bot.say(ADMIN, l);
    if (!out.includes('已')) throw new Error(`seed failed: ${l}\n${out}`);
  }
}

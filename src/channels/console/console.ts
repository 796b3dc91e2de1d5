/**
 * The local console channel: the same commands as the chat, typed at a prompt (or piped in, one per line). A mention
 * is written `@feishu:ou_xxx` or `@姓名`. Replies print as text; who else was notified is listed under the reply.
 */
import readline from 'node:readline';
import type { Writable } from 'node:stream';
import type { Core } from '../../app/build.js';
import { handleInbound } from '../../app/handle.js';
import type { Identity } from '../../domain/model.js';
import { renderText } from '../../domain/reply.js';
import type { InboundMessage } from '../../ports/inbound.js';

export const CONSOLE_CHAT = { channel: 'console', id: 'console', type: 'p2p' } as const;

export function consoleMessage(text: string, as: Identity): InboundMessage {
  return { chat: { ...CONSOLE_CHAT }, sender: as, text, mentions: [] };
}

/** Run one line; returns the text to print (empty for nothing). */
export async function consoleLine(core: Core, as: Identity, line: string): Promise<string> {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return '';
  const r = await handleInbound(core.services, core.registry, consoleMessage(text, as), { replyVia: 'return' });
  if (!r.reply) return '';
  const out = [renderText(r.reply)];
  if (r.notified.length) out.push(`（已通知：${r.notified.join('、')}）`);
  return out.join('\n');
}

export async function runConsole(opts: {
  core: Core;
  as: Identity;
  input: NodeJS.ReadableStream;
  output: Writable;
  interactive: boolean;
}): Promise<void> {
  const { core, as, output } = opts;
  const print = (s: string): void => {
    if (s) output.write(`${s}\n`);
  };
  const rl = readline.createInterface({
    input: opts.input,
    terminal: opts.interactive,
    output: opts.interactive ? output : undefined,
  });
  if (opts.interactive) {
    print(`政务新媒体助手 控制台（身份 ${as.channel}:${as.externalId}）。输入 /帮助 查看命令，Ctrl+D 退出。`);
    rl.setPrompt('> ');
    rl.prompt();
  }
  for await (const line of rl) {
    try {
      print(await consoleLine(core, as, line));
    } catch (e) {
      // consoleLine never throws for user input; this is a storage failure worth showing.
      print(`错误：${e instanceof Error ? e.message : String(e)}`);
    }
    if (opts.interactive) rl.prompt();
  }
}

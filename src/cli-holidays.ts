/**
 * `npm run cli -- holidays import FILE [--yes]`: read a State Council holiday notice from a text file and import it
 * through the same command as the chat (`/节假日 导入`), as the local operator (an admin). Without --yes it prints the
 * preview and leaves it pending (confirm later here with --yes, or in chat with /节假日 导入 确认 N).
 */
import fs from 'node:fs';
import { handleInbound } from './app/handle.js';
import type { Runtime } from './app/runtime.js';
import { renderText } from './domain/reply.js';

/** The operator the CLI speaks as; it must be among the runtime's admins. */
export const LOCAL_OPERATOR = { channel: 'console' as const, externalId: 'local' };

export const HOLIDAYS_USAGE = 'npm run cli -- holidays import FILE [--yes]';

export interface HolidaysCliResult {
  code: number;
  output: string;
}

export async function holidaysCli(rt: Runtime, args: readonly string[]): Promise<HolidaysCliResult> {
  const yes = args.includes('--yes') || args.includes('-y');
  const rest = args.filter((a) => a !== '--yes' && a !== '-y');
  const [action, file, ...extra] = rest;
  if (action !== 'import' || !file || extra.length > 0 || file.startsWith('-'))
    return { code: 2, output: `用法：${HOLIDAYS_USAGE}` };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { code: 2, output: `无法读取 ${file}：${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  const say = async (line: string): Promise<{ text: string; title: string }> => {
    const r = await handleInbound(
      rt.services,
      rt.registry,
      { chat: { channel: 'console', id: 'console', type: 'p2p' }, sender: LOCAL_OPERATOR, text: line, mentions: [] },
      { replyVia: 'return' },
    );
    return { text: r.reply ? renderText(r.reply) : '', title: r.reply?.title ?? '' };
  };
  const preview = await say(`/节假日 导入 ${text}`);
  const id = /导入 (\d+)，/.exec(preview.title)?.[1];
  if (!id) return { code: 1, output: preview.text };
  if (!yes)
    return {
      code: 0,
      output: `${preview.text}\n\n确认导入：${HOLIDAYS_USAGE.replace(' [--yes]', '').replace('FILE', file)} --yes`,
    };
  const done = await say(`/节假日 导入 确认 ${id}`);
  return { code: done.title.startsWith('已导入') ? 0 : 1, output: `${preview.text}\n\n${done.text}` };
}

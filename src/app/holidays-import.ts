/**
 * `npm run cli -- holidays import FILE [--yes]`: a State Council holiday notice imported through the same command as
 * the chat (`/节假日 导入`), as the local operator (an admin). Without `yes` it shows the preview and leaves it pending
 * (confirm later with --yes, or in chat with /节假日 导入 确认 N). The entry reads the file; this runs the commands.
 */
import type { Identity } from '../domain/model.js';
import { renderText } from '../domain/reply.js';
import type { Core } from './build.js';
import { handleInbound } from './handle.js';

export const HOLIDAYS_USAGE = 'npm run cli -- holidays import FILE [--yes]';

/** The operator the CLI speaks as; the entry adds it to the runtime's admins. */
export const LOCAL_OPERATOR: Identity = { channel: 'console', externalId: 'local' };

export interface HolidaysImportResult {
  /** 0 done (preview shown, or applied with yes), 1 the text was refused */
  code: number;
  output: string;
}

export async function importHolidayNotice(
  core: Core,
  text: string,
  opts: { yes: boolean; file: string },
): Promise<HolidaysImportResult> {
  const say = async (line: string): Promise<{ text: string; title: string }> => {
    const r = await handleInbound(
      core.services,
      core.registry,
      { chat: { channel: 'console', id: 'console', type: 'p2p' }, sender: LOCAL_OPERATOR, text: line, mentions: [] },
      { replyVia: 'return' },
    );
    return { text: r.reply ? renderText(r.reply) : '', title: r.reply?.title ?? '' };
  };
  const preview = await say(`/节假日 导入 ${text}`);
  const id = /导入 (\d+)，/.exec(preview.title)?.[1];
  if (!id) return { code: 1, output: preview.text };
  if (!opts.yes)
    return { code: 0, output: `${preview.text}\n\n确认导入：npm run cli -- holidays import ${opts.file} --yes` };
  const done = await say(`/节假日 导入 确认 ${id}`);
  return { code: done.title.startsWith('已导入') ? 0 : 1, output: `${preview.text}\n\n${done.text}` };
}

/**
 * /帮助 for someone who may run many commands (an admin has over 40): one line per command word, grouped by area,
 * each naming its subcommands and where to read more, instead of one line per command.
 */
import type { CommandSpec } from './core/types.js';

const AREAS: readonly { name: string; words: readonly string[] }[] = [
  { name: '台账与备案', words: ['账号', '备案', '更新', '改密'] },
  { name: '先审后发', words: ['送审', '审批', '发布', '词库'] },
  { name: '转载任务', words: ['转载'] },
  { name: '单位与人员', words: ['单位', '人员', '我'] },
  { name: '规则与提醒', words: ['设置', '节假日', '提醒'] },
];

/** Above this many commands, /帮助 groups them. */
export const GROUP_HELP_ABOVE = 15;

export function groupedHelp(specs: readonly CommandSpec[]): { area: string; lines: string[] }[] {
  const byWord = new Map<string, CommandSpec[]>();
  for (const s of specs) {
    const w = s.path[0]!;
    if (w === '帮助') continue;
    byWord.set(w, [...(byWord.get(w) ?? []), s]);
  }
  const placed = new Set<string>();
  const out: { area: string; lines: string[] }[] = [];
  const line = (w: string, list: readonly CommandSpec[]): string => {
    const root = list.find((s) => s.path.length === 1);
    const subs = list.filter((s) => s.path.length > 1).map((s) => s.path[1]!);
    const head = root ? root.summary : (list[0]?.summary ?? '');
    return `/${w}${subs.length ? ` ${subs.join('|')}` : ''}　${head}`;
  };
  for (const a of AREAS) {
    const lines = a.words.flatMap((w) => {
      const list = byWord.get(w);
      if (!list) return [];
      placed.add(w);
      return [line(w, list)];
    });
    if (lines.length) out.push({ area: a.name, lines });
  }
  const rest = [...byWord.keys()].filter((w) => !placed.has(w));
  if (rest.length) out.push({ area: '其他', lines: rest.map((w) => line(w, byWord.get(w)!)) });
  return out;
}

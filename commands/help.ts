/** /帮助: generated from the command declarations, filtered to what the caller may run. */
import { z } from 'zod';
import { echo } from '../src/domain/escape.js';
import type { Reply } from '../src/domain/reply.js';
import { canRun } from './core/dispatch.js';
import { GROUP_HELP_ABOVE, groupedHelp } from './help-areas.js';
import { type CommandSpec, defineCommand } from './core/types.js';

export function helpCommands(all: () => readonly CommandSpec[]): CommandSpec[] {
  const help = defineCommand({
    path: ['帮助'],
    aliases: [['help'], ['h'], ['?']],
    access: ['anyone'],
    summary: '查看可用的命令',
    usage: '/帮助 [命令]',
    examples: ['/帮助', '/帮助 备案'],
    keys: { 命令: ['command'] },
    positional: ['命令'],
    args: () => z.object({ 命令: z.string().optional() }),
    async run(ctx, args): Promise<Reply> {
      const registered = ctx.caller.active;
      const mine = all().filter((s) => canRun(s, registered ? ctx.caller : null, ctx.isAdmin));
      if (args.命令) {
        const w = args.命令.replace(/^[/／]/, '').toLowerCase();
        const match = all().filter((s) =>
          [s.path, ...s.aliases].some((n) => n[0]!.toLowerCase() === w || n.join(' ').toLowerCase() === w),
        );
        if (match.length === 0)
          return {
            tone: 'warning',
            blocks: [{ type: 'text', text: `没有「${echo(args.命令)}」这个命令。发送 /帮助 查看全部命令。` }],
          };
        return {
          title: `/${match[0]!.path[0]} 的用法`,
          blocks: match.map((s) => ({
            type: 'text' as const,
            text: [
              `${s.usage}　${s.summary}${canRun(s, registered ? ctx.caller : null, ctx.isAdmin) ? '' : '（您无权使用）'}`,
              ...s.examples.map((e) => `　例：${e}`),
              s.aliases.length ? `　英文：${s.aliases.map((a) => `/${a.join(' ')}`).join('、')}` : '',
            ]
              .filter(Boolean)
              .join('\n'),
          })),
        };
      }
      const items = mine.map((s) => `${s.usage}　${s.summary}　例：${s.examples[0] ?? ''}`);
      const listing: Reply['blocks'] =
        mine.length > GROUP_HELP_ABOVE
          ? groupedHelp(mine).flatMap((g) => [
              { type: 'text' as const, text: `【${g.area}】` },
              { type: 'list' as const, items: g.lines },
            ])
          : [{ type: 'list', items }];
      return {
        title: '可用命令',
        blocks: [
          ...listing,
          {
            type: 'note',
            text: registered
              ? '参数写成 键=值，值含空格时用引号；发送 /帮助 命令名 查看详细用法。'
              : '您还没有登记为用户，登记后可使用更多命令：请联系政府办管理员。',
          },
        ],
      };
    },
  });

  return [help];
}

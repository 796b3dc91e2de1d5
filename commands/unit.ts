/** /单位 新增|列表|绑定群 (admin): the units and their work groups. */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import { checkPushUrl, maskPushUrl } from '../src/domain/push-url.js';
import type { Reply } from '../src/domain/reply.js';
import { byUnitKind, inferUnitKind, UNIT_KIND_NAMES, UNIT_KIND_WORDS } from '../src/domain/unit-kind.js';
import { defineCommand } from './core/types.js';
import { channelLabel } from '../src/ports/services.js';

const add = defineCommand({
  path: ['单位', '新增'],
  aliases: [['unit', 'add']],
  access: ['admin'],
  summary: '新增单位',
  usage: '/单位 新增 名称=… [类型=乡镇|街道|部门|直属单位] [上级=…] [域名=…]',
  examples: ['/单位 新增 名称=兴国县教育局 上级=兴国县人民政府', '/单位 新增 名称=长冈乡人民政府 类型=乡镇'],
  keys: { 名称: ['name'], 类型: ['kind', 'type'], 上级: ['parent'], 域名: ['domains', 'domain'] },
  positional: ['名称'],
  args: (h) =>
    z.object({
      名称: h.text('名称', 60),
      上级: h.unit('上级').optional(),
      类型: h.choice('类型', UNIT_KIND_WORDS).optional(),
      域名: z
        .string()
        .transform((s) =>
          s
            .split(/[,，、;；\s]+/)
            .map((x) => x.trim().toLowerCase())
            .filter(Boolean),
        )
        .pipe(
          z.array(
            z.string().regex(/^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, { error: '「域名」格式不对，例如 xingguo.gov.cn' }),
          ),
        )
        .optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    if (await ctx.store.units.byName(a.名称))
      throw new AppError({ code: 'rule', message: `单位「${a.名称}」已存在。` });
    const id = await ctx.store.nextId('unit');
    const kind = a.类型 ?? inferUnitKind(a.名称);
    ctx.write(
      ctx.store.units.insert({
        id,
        name: a.名称,
        parentId: a.上级?.id ?? null,
        domains: a.域名 ?? [],
        createdAt: ctx.now,
        kind,
      }),
    );
    ctx.audit('unit.add', `U${id}`, { name: a.名称, parent: a.上级?.name ?? null, kind });
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已新增单位「${a.名称}」（${UNIT_KIND_NAMES[kind]}${a.类型 ? '' : '，按名称推定，可用 类型= 指定'}${a.上级 ? `；上级：${a.上级.name}` : ''}）。在该单位工作群里发送 /单位 绑定群 单位=${a.名称} 可绑定工作群。`,
        },
      ],
    };
  },
});

const list = defineCommand({
  path: ['单位', '列表'],
  aliases: [['unit', 'list'], ['units']],
  access: ['admin'],
  summary: '查看全部单位',
  usage: '/单位 列表',
  examples: ['/单位 列表'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const units = byUnitKind(await ctx.store.units.all(), (u) => u.kind);
    if (units.length === 0) return { blocks: [{ type: 'text', text: '还没有单位。用 /单位 新增 名称=… 添加。' }] };
    const byId = new Map(units.map((u) => [u.id, u]));
    // push webhook keys are secrets: in full only to an admin in a direct chat
    const showFull = ctx.chat.type === 'p2p' && ctx.isAdmin;
    const rows: string[][] = [];
    for (const u of units) {
      const chats = await ctx.store.units.chats(u.id);
      const liaisons = await ctx.store.people.withRole('liaison', u.id);
      rows.push([
        u.name,
        u.kind ? UNIT_KIND_NAMES[u.kind] : '—',
        u.parentId !== null ? (byId.get(u.parentId)?.name ?? '—') : '—',
        chats.length
          ? chats
              .map((c) => {
                const push = c.pushUrl ? `（推送 ${showFull ? c.pushUrl : maskPushUrl(c.pushUrl)}）` : '';
                return `${channelLabel(ctx.services, c.channel)}${push}`;
              })
              .join('、')
          : '未绑定',
        liaisons.map((p) => p.name).join('、') || '—',
      ]);
    }
    return {
      title: `单位（${units.length}）`,
      blocks: [{ type: 'table', columns: ['单位', '类型', '上级', '工作群', '联络员'], rows }],
    };
  },
});

const bind = defineCommand({
  path: ['单位', '绑定群'],
  aliases: [['unit', 'bind']],
  access: ['admin'],
  summary: '在单位工作群里发送，把本群设为该单位的工作群（提醒发到这里）；企业微信群另附群推送地址',
  usage: '/单位 绑定群 单位=… [推送地址=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…]',
  examples: [
    '/单位 绑定群 单位=兴国县教育局',
    '/单位 绑定群 单位=兴国县教育局 推送地址=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx',
  ],
  keys: { 单位: ['unit'], 推送地址: ['webhook', 'push'] },
  positional: ['单位'],
  args: (h) => z.object({ 单位: h.unit('单位'), 推送地址: h.text('推送地址', 300).optional() }),
  async run(ctx, a): Promise<Reply> {
    if (ctx.chat.type !== 'group') {
      throw new AppError({ code: 'rule', message: '请在该单位的工作群里 @我 发送此命令，本群才会成为单位工作群。' });
    }
    // A WeCom group is reached through its push webhook (the AI bot can't post on its own); other channels need none.
    let pushUrl: string | null = null;
    if (a.推送地址 !== undefined) {
      const host = ctx.services.pushHosts[ctx.chat.channel];
      if (host === undefined) throw new AppError({ code: 'bad_argument', problems: ['「推送地址」只用于企业微信群'] });
      const checked = checkPushUrl(a.推送地址, host);
      if (!checked.ok) throw new AppError({ code: 'bad_argument', problems: [checked.problem] });
      pushUrl = checked.url;
    }
    const other = await ctx.store.units.byChat(ctx.chat.channel, ctx.chat.id);
    ctx.write(
      ctx.store.units.bindChat(
        { unitId: a.单位.id, channel: ctx.chat.channel, chatId: ctx.chat.id, pushUrl },
        ctx.now,
        ctx.caller.id,
      ),
    );
    ctx.audit('unit.bind_chat', `U${a.单位.id}`, {
      channel: ctx.chat.channel,
      chat: ctx.chat.id,
      title: ctx.chat.title ?? null,
      previousUnit: other?.name ?? null,
      ...(pushUrl ? { pushUrl: maskPushUrl(pushUrl) } : {}),
    });
    const note = other && other.id !== a.单位.id ? `（本群原为「${other.name}」的工作群）` : '';
    if (ctx.chat.channel === 'wecom' && !pushUrl) {
      return {
        tone: 'warning',
        blocks: [
          {
            type: 'text',
            text: `本群已设为「${a.单位.name}」的工作群${note}。尚未登记群推送地址，提醒和通知将发给该单位的联络员。`,
          },
          {
            type: 'note',
            text: `在群设置 → 消息推送 中添加一个推送，复制其地址，再发送 /单位 绑定群 单位=${a.单位.name} 推送地址=…`,
          },
        ],
      };
    }
    const push = pushUrl ? `群推送地址已登记（${maskPushUrl(pushUrl)}）。` : '';
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `本群${ctx.chat.title ? `「${ctx.chat.title}」` : ''}已设为「${a.单位.name}」的工作群${note}，该单位的提醒和通知会发到这里。${push}`,
        },
      ],
    };
  },
});

export const unitCommands = [add, list, bind];

/**
 * Binding a WeChat identity to a registered person with a one-time code, for the channels whose user ids an admin
 * cannot look up (WeChat through Wechaty):
 *   /人员 绑定码 @某人 [有效=小时]   (admin, any channel, in a direct chat) issues a 6-digit code, valid 24 h by default
 *   /绑定 123456                     (anyone, sent to the bot over WeChat) binds the sender to that person
 *   /人员 绑定 [单位=…]               (admin) lists who is bound on which channel
 *   /人员 解绑 @某人 [渠道=微信]      (admin) removes the person's identities on that channel
 */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import { CHANNEL_NAMES, type ChannelName, type Identity } from '../src/domain/model.js';
import type { Reply } from '../src/domain/reply.js';
import { formatShanghai } from '../src/domain/time.js';
import { BIND_CODE_RE, type BindingStore } from '../src/ports/bindings.js';
import type { CommandContext } from './types.js';
import { defineCommand } from './types.js';

/** the channel whose identities are bound by code */
const CODE_CHANNEL: ChannelName = 'wechaty';
export const DEFAULT_CODE_HOURS = 24;
const MAX_CODE_HOURS = 168;
/** wrong codes one sender may send within FAILURE_WINDOW_MS before being refused */
export const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 3_600_000;

const CHANNEL_WORDS: Record<string, ChannelName> = {
  微信: 'wechaty',
  wechat: 'wechaty',
  wechaty: 'wechaty',
  飞书: 'feishu',
  feishu: 'feishu',
  企业微信: 'wecom',
  wecom: 'wecom',
};

function bindings(ctx: CommandContext): BindingStore {
  const b = ctx.services.bindings;
  if (!b) throw new AppError({ code: 'rule', message: '此环境没有启用绑定码。' });
  return b;
}

/** SHA-256 of the code, hex: codes are not kept in the clear. */
export async function hashBindCode(code: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(`govmedia-bind:${code}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function randomCode(): string {
  const buf = new Uint32Array(1);
  // rejection sampling keeps the six digits uniform
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    const n = buf[0]!;
    if (n < 4_294_000_000) return String(n % 1_000_000).padStart(6, '0');
  }
}

const issue = defineCommand({
  path: ['人员', '绑定码'],
  aliases: [['person', 'code']],
  access: ['admin'],
  summary: '生成一次性绑定码，此人用微信发给机器人即完成绑定',
  usage: '/人员 绑定码 @某人 [有效=小时]',
  examples: ['/人员 绑定码 @张三', '/人员 绑定码 @张三 有效=2'],
  keys: { 人员: ['person', 'who'], 有效: ['hours', '小时'] },
  mention: '人员',
  positional: ['人员'],
  args: (h) =>
    z.object({
      人员: h.person('人员'),
      有效: z
        .string()
        .regex(/^\d{1,3}$/, { error: '「有效」写小时数，例如 有效=24' })
        .transform(Number)
        .pipe(
          z
            .number()
            .int()
            .min(1, { error: '「有效」至少 1 小时' })
            .max(MAX_CODE_HOURS, { error: `「有效」最多 ${MAX_CODE_HOURS} 小时` }),
        )
        .optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    if (ctx.chat.type === 'group') {
      throw new AppError({
        code: 'rule',
        message: '绑定码只能在与我的单聊中生成（群里的人都能看到它）。请私聊我再发一次。',
      });
    }
    const store = bindings(ctx);
    const hours = a.有效 ?? DEFAULT_CODE_HOURS;
    let code = randomCode();
    let hash = await hashBindCode(code);
    for (let i = 0; i < 10 && (await store.activeWithHash(hash, ctx.now)); i++) {
      code = randomCode();
      hash = await hashBindCode(code);
    }
    const expiresAt = new Date(ctx.now.getTime() + hours * 3_600_000);
    ctx.write(
      store.issue({
        codeHash: hash,
        personId: a.人员.id,
        channel: CODE_CHANNEL,
        createdBy: ctx.caller.id || null,
        createdAt: ctx.now,
        expiresAt,
      }),
    );
    ctx.audit('person.bind_code', `P${a.人员.id}`, { channel: CODE_CHANNEL, expiresAt: expiresAt.toISOString() });
    return {
      title: `「${a.人员.name}」的微信绑定码`,
      tone: 'success',
      blocks: [
        { type: 'text', text: `绑定码：${code}` },
        {
          type: 'fields',
          fields: [
            { label: '有效期至', value: formatShanghai(expiresAt) },
            { label: '使用次数', value: '仅一次' },
          ],
        },
        { type: 'text', text: `请「${a.人员.name}」用自己的微信私聊机器人，发送：/绑定 ${code}` },
        { type: 'note', text: '再次生成会使此前未用的绑定码作废。请只把绑定码告诉本人。' },
      ],
    };
  },
});

const redeem = defineCommand({
  path: ['绑定'],
  aliases: [['bind']],
  access: ['anyone'],
  summary: '用管理员给的绑定码，把您的微信绑定到您的登记信息',
  usage: '/绑定 六位绑定码',
  examples: ['/绑定 123456'],
  keys: { 绑定码: ['code'] },
  positional: ['绑定码'],
  args: () =>
    z.object({ 绑定码: z.string({ error: '缺少「绑定码」：请写管理员给您的六位数字' }).transform((s) => s.trim()) }),
  async run(ctx, a): Promise<Reply> {
    if (ctx.chat.channel !== CODE_CHANNEL) {
      throw new AppError({ code: 'rule', message: `/绑定 用于绑定微信：请用您的微信私聊机器人发送此命令。` });
    }
    if (ctx.chat.type === 'group') {
      throw new AppError({ code: 'rule', message: '请私聊我发送 /绑定 绑定码，不要发在群里。' });
    }
    const store = bindings(ctx);
    const sender: Identity = ctx.caller.identities.find((i) => i.channel === CODE_CHANNEL) ?? {
      channel: CODE_CHANNEL,
      externalId: '',
    };
    if (!sender.externalId) throw new AppError({ code: 'rule', message: '无法识别您的微信身份，请稍后再试。' });
    const since = new Date(ctx.now.getTime() - FAILURE_WINDOW_MS);
    if ((await store.failuresSince(sender, since)) >= MAX_FAILURES) {
      throw new AppError({ code: 'rule', message: '绑定码错误次数过多，请一小时后再试，或请管理员重新生成。' });
    }
    const failed = (message: string): Reply => {
      // The failure is recorded even though nothing else changes (the guessing limit counts it).
      ctx.write(store.recordFailure(sender, ctx.now));
      return { tone: 'error', blocks: [{ type: 'text', text: message }] };
    };
    if (!BIND_CODE_RE.test(a.绑定码)) return failed('绑定码是六位数字，例如 /绑定 123456。');
    const found = await store.byHash(CODE_CHANNEL, await hashBindCode(a.绑定码));
    if (!found) return failed('绑定码不对。请核对管理员给您的六位数字。');
    if (found.usedAt)
      return failed('这个绑定码已经用过了（每个绑定码只能用一次）。如需重新绑定，请管理员用 /人员 绑定码 重新生成。');
    if (found.expiresAt.getTime() <= ctx.now.getTime())
      return failed(`这个绑定码已于 ${formatShanghai(found.expiresAt)} 过期。请管理员用 /人员 绑定码 重新生成。`);
    const person = await ctx.store.people.byId(found.personId);
    if (!person?.active) return failed('绑定码对应的人员已被移除，请联系管理员。');
    const current = await ctx.store.people.byIdentity(sender);
    if (current?.active && current.id !== person.id) {
      throw new AppError({
        code: 'rule',
        message: `您的微信已绑定到「${current.name}」。如需改绑，请管理员先用 /人员 解绑 @${current.name} 渠道=微信。`,
      });
    }
    ctx.write(
      store.use(found.id, sender, ctx.now),
      store.removeIdentities(person.id, CODE_CHANNEL),
      ctx.store.people.addIdentity(person.id, sender),
    );
    ctx.audit('person.bind', `P${person.id}`, { identity: `${sender.channel}:${sender.externalId}`, code: found.id });
    return {
      tone: 'success',
      blocks: [{ type: 'text', text: `绑定成功：您的微信已绑定到「${person.name}」。发送 /我 可查看您的身份和角色。` }],
    };
  },
});

const list = defineCommand({
  path: ['人员', '绑定'],
  aliases: [['person', 'bindings']],
  access: ['admin'],
  summary: '查看人员绑定的聊天身份（飞书、企业微信、微信）',
  usage: '/人员 绑定 [列表] [单位=…]',
  examples: ['/人员 绑定 列表', '/人员 绑定 单位=兴国县教育局'],
  keys: { 单位: ['unit'], 操作: [] },
  positional: ['操作'],
  args: (h) =>
    z.object({
      单位: h.unit('单位').optional(),
      操作: z.enum(['列表', 'list'], { error: '「/人员 绑定」后面只能写 列表' }).optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    const people = (await ctx.store.people.list(a.单位 ? { unitId: a.单位.id } : {})).filter((p) => p.active);
    if (people.length === 0) return { blocks: [{ type: 'text', text: '还没有登记人员。' }] };
    const shown = (id: Identity): string =>
      id.externalId.length > 16 ? `${id.externalId.slice(0, 6)}…${id.externalId.slice(-4)}` : id.externalId;
    const rows = people.map((p) => {
      const on = (ch: ChannelName): string =>
        p.identities
          .filter((i) => i.channel === ch)
          .map(shown)
          .join('、') || '—';
      return [p.name, on('feishu'), on('wecom'), on('wechaty')];
    });
    return {
      title: `${a.单位 ? `${a.单位.name} ` : ''}绑定情况（${people.length}）`,
      blocks: [
        { type: 'table', columns: ['姓名', CHANNEL_NAMES.feishu, CHANNEL_NAMES.wecom, CHANNEL_NAMES.wechaty], rows },
        { type: 'note', text: '绑定微信：/人员 绑定码 @某人；解除：/人员 解绑 @某人 渠道=微信' },
      ],
    };
  },
});

const unbind = defineCommand({
  path: ['人员', '解绑'],
  aliases: [['person', 'unbind']],
  access: ['admin'],
  summary: '解除人员在某个渠道上的身份绑定（默认微信）',
  usage: '/人员 解绑 @某人 [渠道=微信|飞书|企业微信]',
  examples: ['/人员 解绑 @张三 渠道=微信'],
  keys: { 人员: ['person', 'who'], 渠道: ['channel'] },
  mention: '人员',
  positional: ['人员'],
  args: (h) =>
    z.object({
      人员: h.person('人员'),
      渠道: z
        .string()
        .transform((s, c) => {
          const ch = CHANNEL_WORDS[s.trim().toLowerCase()];
          if (!ch) {
            c.addIssue({ code: 'custom', message: '「渠道」可写：微信、飞书、企业微信' });
            return z.NEVER;
          }
          return ch;
        })
        .optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    const channel = a.渠道 ?? CODE_CHANNEL;
    const p = a.人员;
    const ids = p.identities.filter((i) => i.channel === channel);
    if (ids.length === 0)
      return { blocks: [{ type: 'text', text: `「${p.name}」没有绑定${CHANNEL_NAMES[channel]}。` }] };
    if (p.id === ctx.caller.id && ctx.chat.channel === channel) {
      throw new AppError({
        code: 'rule',
        message: `不能解除您正在使用的${CHANNEL_NAMES[channel]}身份；请换一个渠道或请另一位管理员操作。`,
      });
    }
    ctx.write(bindings(ctx).removeIdentities(p.id, channel));
    ctx.audit('person.unbind', `P${p.id}`, { channel, identities: ids.map((i) => i.externalId) });
    return {
      tone: 'success',
      blocks: [{ type: 'text', text: `已解除「${p.name}」的${CHANNEL_NAMES[channel]}绑定（${ids.length} 个身份）。` }],
    };
  },
});

export const bindingCommands = [issue, redeem, list, unbind];

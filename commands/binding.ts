/**
 * Binding a chat identity to a registered person with a one-time code, for channels whose user ids an admin cannot
 * look up (WeChat through Wechaty):
 *   /人员 绑定码 @某人 [有效=小时]   (admin, any channel, in a direct chat) issues a 6-digit code, valid 24 h by default
 *   /绑定 123456                     (anyone, in a direct chat with the bot) binds the sender's identity on that
 *                                    channel to the person
 *   /人员 绑定 [单位=…]               (admin) lists who is bound on which channel
 *   /人员 解绑 @某人 渠道=微信        (admin) removes the person's identities on that channel
 */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { ChannelName, Identity } from '../src/domain/model.js';
import type { Reply } from '../src/domain/reply.js';
import { formatShanghai } from '../src/domain/time.js';
import { BIND_CODE_RE, type BindingStore } from '../src/ports/bindings.js';
import { channelLabel } from '../src/ports/services.js';
import type { CommandContext } from './core/types.js';
import { defineCommand } from './core/types.js';

export const DEFAULT_CODE_HOURS = 24;
const MAX_CODE_HOURS = 168;
/** wrong codes one sender may send within FAILURE_WINDOW_MS before being refused */
export const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 3_600_000;

const bindings = (ctx: CommandContext): BindingStore => ctx.store.bindings;

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
  summary: '生成一次性绑定码，此人私聊机器人发送即完成绑定（用于微信）',
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
        createdBy: ctx.caller.id || null,
        createdAt: ctx.now,
        expiresAt,
      }),
    );
    ctx.audit('person.bind_code', `P${a.人员.id}`, { expiresAt: expiresAt.toISOString() });
    return {
      title: `「${a.人员.name}」的绑定码`,
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
        { type: 'text', text: `请「${a.人员.name}」用要绑定的账号（如自己的微信）私聊机器人，发送：/绑定 ${code}` },
        { type: 'note', text: '再次生成会使此前未用的绑定码作废。请只把绑定码告诉本人。' },
      ],
    };
  },
});

const redeem = defineCommand({
  path: ['绑定'],
  aliases: [['bind']],
  access: ['anyone'],
  summary: '用管理员给的绑定码，把您的账号（如微信）绑定到您的登记信息',
  usage: '/绑定 六位绑定码',
  examples: ['/绑定 123456'],
  keys: { 绑定码: ['code'] },
  positional: ['绑定码'],
  args: () =>
    z.object({
      绑定码: z.string({ error: '缺少「绑定码」：请写管理员给您的六位数字' }).transform((s) => s.trim()),
    }),
  async run(ctx, a): Promise<Reply> {
    if (ctx.chat.type === 'group') {
      throw new AppError({ code: 'rule', message: '请私聊我发送 /绑定 绑定码，不要发在群里。' });
    }
    const store = bindings(ctx);
    const channel = ctx.chat.channel;
    const label = channelLabel(ctx.services, channel);
    const sender: Identity | undefined = ctx.caller.identities.find((i) => i.channel === channel);
    if (!sender?.externalId) throw new AppError({ code: 'rule', message: '无法识别您的身份，请稍后再试。' });
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
    const found = await store.byHash(await hashBindCode(a.绑定码));
    if (!found) return failed('绑定码不对。请核对管理员给您的六位数字。');
    if (found.usedAt) {
      return failed('这个绑定码已经用过了（每个绑定码只能用一次）。如需重新绑定，请管理员用 /人员 绑定码 重新生成。');
    }
    if (found.expiresAt.getTime() <= ctx.now.getTime()) {
      return failed(`这个绑定码已于 ${formatShanghai(found.expiresAt)} 过期。请管理员用 /人员 绑定码 重新生成。`);
    }
    const person = await ctx.store.people.byId(found.personId);
    if (!person?.active) return failed('绑定码对应的人员已被移除，请联系管理员。');
    const current = await ctx.store.people.byIdentity(sender);
    if (current?.active && current.id !== person.id) {
      throw new AppError({
        code: 'rule',
        message: `您的${label}已绑定到「${current.name}」。如需改绑，请管理员先用 /人员 解绑 @${current.name} 渠道=${label}。`,
      });
    }
    // One identity per person and channel: a new binding replaces the old (ids change with some WeChat puppets).
    ctx.write(
      store.use(found.id, sender, ctx.now),
      store.removeIdentities(person.id, channel),
      ctx.store.people.addIdentity(person.id, sender),
    );
    ctx.audit('person.bind', `P${person.id}`, { identity: `${sender.channel}:${sender.externalId}`, code: found.id });
    return {
      tone: 'success',
      blocks: [
        { type: 'text', text: `绑定成功：您的${label}已绑定到「${person.name}」。发送 /我 可查看您的身份和角色。` },
      ],
    };
  },
});

const list = defineCommand({
  path: ['人员', '绑定'],
  aliases: [['person', 'bindings']],
  access: ['admin'],
  summary: '查看人员在各渠道绑定的身份',
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
    const used = ctx.services.channels.filter((c) =>
      people.some((p) => p.identities.some((i) => i.channel === c.name)),
    );
    const shown = (id: Identity): string =>
      id.externalId.length > 16 ? `${id.externalId.slice(0, 6)}…${id.externalId.slice(-4)}` : id.externalId;
    const rows = people.map((p) => [
      p.name,
      ...used.map(
        (c) =>
          p.identities
            .filter((i) => i.channel === c.name)
            .map(shown)
            .join('、') || '—',
      ),
    ]);
    return {
      title: `${a.单位 ? `${a.单位.name} ` : ''}绑定情况（${people.length}）`,
      blocks: [
        { type: 'table', columns: ['姓名', ...used.map((c) => c.label)], rows },
        { type: 'note', text: '绑定：/人员 绑定码 @某人；解除：/人员 解绑 @某人 渠道=微信' },
      ],
    };
  },
});

const unbind = defineCommand({
  path: ['人员', '解绑'],
  aliases: [['person', 'unbind']],
  access: ['admin'],
  summary: '解除人员在某个渠道上的身份绑定',
  usage: '/人员 解绑 @某人 渠道=微信|飞书|…',
  examples: ['/人员 解绑 @张三 渠道=微信'],
  keys: { 人员: ['person', 'who'], 渠道: ['channel'] },
  mention: '人员',
  positional: ['人员'],
  args: (h) => z.object({ 人员: h.person('人员'), 渠道: h.text('渠道', 20).optional() }),
  async run(ctx, a): Promise<Reply> {
    const p = a.人员;
    const bound = ctx.services.channels.filter((c) => p.identities.some((i) => i.channel === c.name));
    let channel: ChannelName;
    if (a.渠道) {
      const w = a.渠道.toLowerCase();
      const hit = ctx.services.channels.find((c) => c.label === a.渠道 || c.name === w);
      if (!hit) {
        const names = ctx.services.channels.map((c) => c.label).join('、');
        throw new AppError({ code: 'bad_argument', problems: [`「渠道」可写：${names}`] });
      }
      channel = hit.name;
    } else if (bound.length === 1) {
      channel = bound[0]!.name;
    } else {
      throw new AppError({
        code: 'bad_argument',
        problems: [`请写 渠道=…：「${p.name}」绑定了${bound.map((c) => c.label).join('、') || '（无）'}`],
      });
    }
    const label = channelLabel(ctx.services, channel);
    const ids = p.identities.filter((i) => i.channel === channel);
    if (ids.length === 0) return { blocks: [{ type: 'text', text: `「${p.name}」没有绑定${label}。` }] };
    if (p.id === ctx.caller.id && ctx.chat.channel === channel) {
      throw new AppError({
        code: 'rule',
        message: `不能解除您正在使用的${label}身份；请换一个渠道或请另一位管理员操作。`,
      });
    }
    ctx.write(bindings(ctx).removeIdentities(p.id, channel));
    ctx.audit('person.unbind', `P${p.id}`, { channel, identities: ids.map((i) => i.externalId) });
    return {
      tone: 'success',
      blocks: [{ type: 'text', text: `已解除「${p.name}」的${label}绑定（${ids.length} 个身份）。` }],
    };
  },
});

export const bindingCommands = [issue, redeem, list, unbind];

/**
 * The end of a filing's life, by an admin:
 * - /备案 驳回 F12 意见=…: a filing waiting for confirmation (神木 第九条: a person's name, a campaign) is refused; an
 *   opening's account never enters the register, a name change is undone; the filer and the unit's liaisons are told.
 * - /备案 作废 F12 原因=…: a mistaken filing (any status but rejected/voided) is withdrawn the same way; a voided
 *   suspension or closure puts the account back to 正常.
 */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import { type Account, FILING_KIND_NAMES, type Filing, type PersonWithRoles } from '../src/domain/model.js';
import { platformName } from '../src/domain/platforms.js';
import type { Reply } from '../src/domain/reply.js';
import { type CommandContext, defineCommand } from './core/types.js';

type Ending = 'rejected' | 'voided';
const WORD: Record<Ending, string> = { rejected: '驳回', voided: '作废' };

/** What ending a filing does to its account; returns a sentence for the reply. */
function undo(ctx: CommandContext, f: Filing, acc: Account): string {
  if (f.kind === 'open' && acc.status !== 'void') {
    ctx.write(ctx.store.accounts.update(acc.id, { status: 'void' }, ctx.now));
    return `账号 A${acc.id} 不列入台账。`;
  }
  if (f.kind === 'change') {
    const name = f.changes?.名称;
    if (name?.from && acc.name === name.to) {
      ctx.write(ctx.store.accounts.update(acc.id, { name: name.from }, ctx.now));
      return `账号名称已恢复为「${name.from}」。`;
    }
    return Object.keys(f.changes ?? {}).length ? '其他变更内容未回退，如需调整请用 /备案 变更。' : '';
  }
  const after = f.kind === 'suspend' ? 'suspended' : 'closed';
  if (acc.status === after) {
    ctx.write(ctx.store.accounts.update(acc.id, { status: 'active' }, ctx.now));
    return `账号 A${acc.id} 恢复为正常状态。`;
  }
  return '';
}

async function end(ctx: CommandContext, id: number, ending: Ending, comment: string): Promise<Reply> {
  const f = await ctx.store.filings.byId(id);
  if (!f) throw new AppError({ code: 'not_found', kind: 'filing', name: `F${id}` });
  if (f.status === 'rejected' || f.status === 'voided')
    throw new AppError({ code: 'conflict', message: `F${f.id} 已${f.status === 'rejected' ? '驳回' : '作废'}过。` });
  if (ending === 'rejected' && f.status !== 'pending_confirmation') {
    throw new AppError({
      code: 'rule',
      message: `F${f.id} 不是待确认的备案，不能驳回；如是误报，请用 /备案 作废 F${f.id} 原因=…`,
    });
  }
  const acc = await ctx.store.accounts.byId(f.accountId);
  if (!acc) throw new AppError({ code: 'not_found', kind: 'account', name: `A${f.accountId}` });
  ctx.write(ctx.store.filings.end(f.id, ending, ctx.caller.id, ctx.now));
  const effect = undo(ctx, f, acc);
  ctx.audit(`filing.${ending === 'rejected' ? 'reject' : 'void'}`, `F${f.id}`, {
    comment,
    kind: f.kind,
    account: `A${acc.id}`,
  });
  const what = `${platformName(acc.platform)}「${acc.name}」`;
  const label = ending === 'rejected' ? '意见' : '原因';
  const text = `您的备案 F${f.id}（${FILING_KIND_NAMES[f.kind]} ${what}）已被管理员 ${ctx.caller.name} ${WORD[ending]}。${label}：${comment}${effect ? ` ${effect}` : ''}`;
  const told = new Map<number, PersonWithRoles>();
  const filer = f.filedBy !== null ? await ctx.store.people.byId(f.filedBy) : null;
  if (filer?.active) told.set(filer.id, filer);
  for (const p of await ctx.store.people.withRole('liaison', f.unitId)) told.set(p.id, p);
  told.delete(ctx.caller.id);
  const reached: string[] = [];
  for (const p of told.values()) {
    if (
      (
        await ctx.notify(
          { person: p },
          { tone: 'warning', blocks: [{ type: 'text', text }] },
          { dedupeKey: `filing-${ending}:F${f.id}:${p.id}` },
        )
      ).length
    )
      reached.push(p.name);
  }
  const notice = reached.length
    ? `已通知 ${reached.join('、')}。`
    : told.size
      ? `${[...told.values()].map((p) => p.name).join('、')} 未绑定可送达的渠道，请另行告知。`
      : '';
  return {
    tone: 'success',
    blocks: [
      { type: 'text', text: `已${WORD[ending]}备案 F${f.id}（${what}）。${label}：${comment}。${effect}${notice}` },
    ],
  };
}

const reject = defineCommand({
  path: ['备案', '驳回'],
  aliases: [['file', 'reject']],
  access: ['admin'],
  summary: '驳回待确认的备案（个人名义、专项活动等，神木 第九条），并通知联络员',
  usage: '/备案 驳回 F12 意见=…',
  examples: ['/备案 驳回 F12 意见=不得以个人名义开设'],
  keys: { 备案: ['filing', 'id'], 意见: ['comment', '原因', 'reason'] },
  positional: ['备案'],
  args: (h) => z.object({ 备案: h.id('F', '备案'), 意见: h.text('意见', 200) }),
  run: (ctx, a) => end(ctx, a.备案, 'rejected', a.意见),
});

const voidFiling = defineCommand({
  path: ['备案', '作废'],
  aliases: [['file', 'void']],
  access: ['admin'],
  summary: '作废误报的备案（开设的账号不列入台账，关停、注销的账号恢复正常）',
  usage: '/备案 作废 F12 原因=…',
  examples: ['/备案 作废 F12 原因=重复备案'],
  keys: { 备案: ['filing', 'id'], 原因: ['reason', '意见'] },
  positional: ['备案'],
  args: (h) => z.object({ 备案: h.id('F', '备案'), 原因: h.text('原因', 200) }),
  run: (ctx, a) => end(ctx, a.备案, 'voided', a.原因),
});

export const filingLifecycleCommands = [reject, voidFiling];

/**
 * Content review before publishing (先审后发): /送审, /送审 撤回, /送审 查看, /审批 (list, 同意, 退回), /发布, and /词库
 * for the admin-maintained pre-check lists. Rules in src/domain/review.ts (神木 第十七条, 吉林 二(三), 兴国 三(三)).
 */
import { z } from 'zod';
import { fallbackNotice } from '../src/domain/calendar.js';
import { reviewTextBlocks } from '../src/domain/review-text.js';
import { AppError } from '../src/domain/errors.js';
import type { Account, PersonWithRoles, Unit } from '../src/domain/model.js';
import { platformName } from '../src/domain/platforms.js';
import { precheck, type PrecheckOptions, summarizeFindings } from '../src/domain/precheck/index.js';
import type { Reply } from '../src/domain/reply.js';
import {
  approvalCard,
  type CardFacts,
  cardKey,
  decidedCard,
  LEVEL_NAMES,
  REVIEW_STATUS_NAMES,
  type Review,
  reviewChain,
} from '../src/domain/review.js';
import { type Role, roleName } from '../src/domain/roles.js';
import { formatShanghai, shanghaiInstant, shanghaiMinutes } from '../src/domain/time.js';
import { type CommandContext, defineCommand } from './core/types.js';

export const REQUESTERS = ['officer', 'liaison'] as const;
const LEVEL = { 一般: 'normal', 普通: 'normal', normal: 'normal', 重大: 'major', major: 'major' } as const;

/** The pre-check's options: the allow-list (policy, the unit's domains, the admins' list), banned words, leaders. */
export async function precheckOptions(ctx: CommandContext, unit: Unit): Promise<PrecheckOptions> {
  const lists = await ctx.store.wordLists.all();
  return {
    allowDomains: [
      ...ctx.policy.allowDomains,
      ...unit.domains,
      ...lists.filter((e) => e.kind === 'domain').map((e) => e.value),
    ],
    banned: lists.filter((e) => e.kind === 'banned').map((e) => e.value),
    leaders: lists
      .filter((e) => e.kind === 'leader' && e.extra)
      .map((e) => ({ name: e.value, title: e.extra as string })),
  };
}

/** The person holding a role in a unit who approves for it (the first registered, when there are several). */
export async function approverFor(ctx: CommandContext, unitId: number, role: Role): Promise<PersonWithRoles | null> {
  const people = await ctx.store.people.withRole(role, unitId);
  return people[0] ?? null;
}

export async function load(ctx: CommandContext, id: number): Promise<{ review: Review; unit: Unit; account: Account }> {
  const review = await ctx.store.reviews.byId(id);
  if (!review) throw new AppError({ code: 'not_found', kind: 'review', name: `R${id}` });
  const [unit, account] = await Promise.all([
    ctx.store.units.byId(review.unitId),
    ctx.store.accounts.byId(review.accountId),
  ]);
  if (!unit || !account) throw new AppError({ code: 'not_found', kind: 'review', name: `R${id}` });
  return { review, unit, account };
}

export async function facts(
  ctx: CommandContext,
  r: Review,
  unit: Unit,
  account: Account,
  approverId: number | null,
): Promise<CardFacts> {
  const [requester, approver] = await Promise.all([
    ctx.store.people.byId(r.requesterId),
    approverId !== null ? ctx.store.people.byId(approverId) : null,
  ]);
  return {
    unitName: unit.name,
    accountLabel: `${platformName(account.platform)}「${account.name}」`,
    requesterName: requester?.name ?? `P${r.requesterId}`,
    approverName: approver?.name ?? '—',
  };
}

/** Send the approval card for a step to its approver (a direct message, keyed so that it can be updated later). */
export async function sendCard(
  ctx: CommandContext,
  r: Review,
  unit: Unit,
  account: Account,
  step: number,
  approver: PersonWithRoles,
): Promise<string[]> {
  const card = approvalCard(r, await facts(ctx, r, unit, account, approver.id), step);
  return ctx.notify({ person: approver }, card, { dedupeKey: cardKey(r.id, step) });
}

/** Replace a step's approval card, where it was sent, with its record (once, through the outbox). */
export async function replaceCard(
  ctx: CommandContext,
  reviewId: number,
  step: number,
  card: Reply,
  why: 'decided' | 'withdrawn',
): Promise<void> {
  const key = cardKey(reviewId, step);
  const original = await ctx.store.outbox.byKey(key);
  if (!original) return; // the approver had no platform identity: no card to update
  ctx.write(
    ctx.store.outbox.enqueue(
      {
        channel: original.channel,
        targetType: 'update',
        target: original.target,
        updateOf: key,
        payload: card,
        dedupeKey: `${key}:${why}`,
      },
      ctx.now,
    ),
  );
}

const request = defineCommand({
  path: ['送审'],
  aliases: [['review']],
  access: ['officer', 'liaison'],
  summary: '送审一条待发布的内容，审核卡片推送给领导（先审后发）',
  usage: '/送审 账号=… 标题=… [级别=一般|重大] [链接=…] [内容=…] [计划发布=…]',
  examples: [
    '/送审 账号=兴国教育 标题=关于做好冬季供暖工作的通知 级别=一般 链接=https://www.xingguo.gov.cn/a/1.html 计划发布="2026-11-23 10:00"',
  ],
  keys: {
    账号: ['account'],
    平台: ['platform'],
    标题: ['title'],
    级别: ['level'],
    链接: ['url', 'link'],
    内容: ['content', 'text'],
    计划发布: ['planned', 'at', '发布时间'],
  },
  args: (h) =>
    z.object({
      账号: h.text('账号', 60),
      平台: h.platform().optional(),
      标题: h.text('标题', 200),
      级别: h.choice('级别', LEVEL).optional(),
      链接: h.url('链接').optional(),
      内容: h.text('内容', 5_000).optional(),
      计划发布: h.datetime('计划发布', '09:00').optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    const account = await ctx.findAccount(a.账号, { platform: a.平台, unitId: ctx.unitsWhere(REQUESTERS)[0] });
    const unit = await ctx.store.units.byId(account.unitId);
    if (!unit) throw new AppError({ code: 'not_found', kind: 'unit', name: `U${account.unitId}` });
    await ctx.requireRoleIn(unit.id, REQUESTERS);
    if (account.status !== 'active')
      throw new AppError({ code: 'rule', message: `「${account.name}」(A${account.id}) 不是正常状态，不能送审。` });
    if (a.计划发布 && a.计划发布.getTime() < ctx.now.getTime() - 60 * 60_000) {
      throw new AppError({ code: 'bad_argument', problems: [`计划发布时间 ${formatShanghai(a.计划发布)} 已过`] });
    }
    const level = a.级别 ?? 'normal';
    // A unit without the needed leaders can't start a review: say so now, not when step 2 comes.
    const chain = reviewChain(level);
    const approvers: PersonWithRoles[] = [];
    for (const role of chain) {
      const p = await approverFor(ctx, unit.id, role);
      if (!p) {
        throw new AppError({
          code: 'rule',
          message: `「${unit.name}」尚未登记${roleName(role)}，${LEVEL_NAMES[level]}内容无法送审（${level === 'major' ? '重大内容须分管领导、主要领导依次审批' : '一般内容须分管领导审批'}，吉林 二(三)）。请管理员用 /人员 新增 @某人 单位=${unit.name} 角色=${roleName(role)} 登记。`,
        });
      }
      approvers.push(p);
    }
    const findings = precheck({ title: a.标题, text: a.内容, link: a.链接 }, await precheckOptions(ctx, unit));
    const id = await ctx.store.nextId('review');
    const due = ctx.calendar.addWorkdays(ctx.today, ctx.policy.reviewDeadlineWorkdays);
    const minutes = shanghaiMinutes(ctx.now);
    const review: Review = {
      id,
      unitId: unit.id,
      accountId: account.id,
      title: a.标题,
      level,
      link: a.链接 ?? null,
      content: a.内容 ?? null,
      plannedAt: a.计划发布 ?? null,
      deadlineAt: shanghaiInstant(due.date, Math.floor(minutes / 60), minutes % 60),
      requesterId: ctx.caller.id,
      status: 'pending',
      currentStep: 1,
      findings,
      createdAt: ctx.now,
      decidedAt: null,
      publishedAt: null,
      publishedUrl: null,
    };
    const first = approvers[0]!;
    ctx.write(
      ctx.store.reviews.insert(
        review,
        ctx.chat.channel === 'console' ? null : { channel: ctx.chat.channel, chatId: ctx.chat.id },
      ),
      ctx.store.reviews.addStep({
        reviewId: id,
        step: 1,
        role: chain[0]!,
        approverId: first.id,
        status: 'pending',
        comment: null,
        decidedAt: null,
      }),
    );
    ctx.audit('review.request', `R${id}`, {
      account: `A${account.id}`,
      level,
      title: a.标题,
      findings: findings.length,
      approver: first.name,
    });
    const reached = await sendCard(ctx, review, unit, account, 1, first);
    const lines = summarizeFindings(findings, { input: { title: a.标题, text: a.内容, link: a.链接 } });
    return {
      title: `已送审 R${id}`,
      tone: findings.some((f) => f.severity === 'warning') ? 'warning' : 'success',
      blocks: [
        {
          type: 'fields',
          fields: [
            { label: '标题', value: a.标题 },
            { label: '级别', value: `${LEVEL_NAMES[level]}（${chain.map(roleName).join(' → ')}）` },
            {
              label: '审批人',
              value: reached.length
                ? `${first.name}（${roleName(chain[0]!)}），已推送审核卡片`
                : `${first.name}（${roleName(chain[0]!)}）未绑定飞书/企业微信，请其发送 /审批 处理`,
            },
            { label: '审核期限', value: formatShanghai(review.deadlineAt!) },
          ],
        },
        lines.length
          ? { type: 'list', items: ['自动预检发现（仅提示）：', ...lines] }
          : { type: 'note', text: '自动预检未发现问题。' },
        ...calendarNote(due.fallbackYears),
        { type: 'note', text: `撤回：/送审 撤回 R${id}；审批通过后发布并登记：/发布 R${id} 链接=…` },
      ],
    };
  },
});

/** The fallback warning as a block, when the deadline relied on Monday–Friday days. */
function calendarNote(years: readonly number[]): Reply['blocks'] {
  const fb = fallbackNotice(years);
  return fb ? [{ type: 'note', text: fb }] : [];
}

const withdraw = defineCommand({
  path: ['送审', '撤回'],
  aliases: [['review', 'withdraw']],
  access: ['officer', 'liaison'],
  summary: '撤回自己送审、尚未审完的内容',
  usage: '/送审 撤回 R12',
  examples: ['/送审 撤回 R12'],
  keys: { 送审: ['review', 'id'] },
  positional: ['送审'],
  args: (h) => z.object({ 送审: h.id('R', '送审') }),
  async run(ctx, a): Promise<Reply> {
    const { review, unit, account } = await load(ctx, a.送审);
    if (review.requesterId !== ctx.caller.id)
      throw new AppError({ code: 'rule', message: `只有送审人可以撤回 R${review.id}。` });
    if (review.status === 'withdrawn') throw new AppError({ code: 'conflict', message: `R${review.id} 已撤回过。` });
    if (review.status !== 'pending')
      throw new AppError({
        code: 'conflict',
        message: `R${review.id} ${REVIEW_STATUS_NAMES[review.status]}，不能撤回。`,
      });
    const current = (await ctx.store.reviews.steps(review.id)).find((s) => s.step === review.currentStep);
    ctx.write(ctx.store.reviews.withdraw(review.id, ctx.now));
    ctx.audit('review.withdraw', `R${review.id}`, { step: review.currentStep });
    if (current?.approverId) {
      const card = decidedCard(
        review,
        await facts(ctx, review, unit, account, current.approverId),
        review.currentStep,
        { decision: 'withdrawn', by: ctx.caller.name, at: ctx.now, comment: null },
      );
      await replaceCard(ctx, review.id, review.currentStep, card, 'withdrawn');
    }
    return {
      tone: 'success',
      blocks: [{ type: 'text', text: `已撤回 R${review.id}「${review.title}」，审批人的卡片已标为撤回。` }],
    };
  },
});

const show = defineCommand({
  path: ['送审', '查看'],
  aliases: [['review', 'show']],
  access: ['registered'],
  summary: '查看一条送审的进度',
  usage: '/送审 查看 R12 [全文]',
  examples: ['/送审 查看 R12', '/送审 查看 R12 全文'],
  keys: { 送审: ['review', 'id'] },
  positional: ['送审'],
  flags: { 全文: ['full', 'all'] },
  args: (h) => z.object({ 送审: h.id('R', '送审'), 全文: z.boolean().optional() }),
  async run(ctx, a): Promise<Reply> {
    const { review, unit, account } = await load(ctx, a.送审);
    await ctx.requireRoleIn(unit.id, 'any');
    const steps = await ctx.store.reviews.steps(review.id);
    const stepLines: string[] = [];
    for (const s of steps) {
      const p = s.approverId !== null ? await ctx.store.people.byId(s.approverId) : null;
      const state = { pending: '待审', approved: '同意', rejected: '退回', withdrawn: '撤回' }[s.status];
      stepLines.push(
        `第 ${s.step} 步 ${roleName(s.role)} ${p?.name ?? ''}：${state}${s.decidedAt ? `（${formatShanghai(s.decidedAt)}）` : ''}${s.comment ? ` 意见：${s.comment}` : ''}`,
      );
    }
    const current = steps.find((s) => s.step === review.currentStep && s.status === 'pending');
    const f = await facts(ctx, review, unit, account, current?.approverId ?? null);
    const canDecide = review.status === 'pending' && current?.approverId === ctx.caller.id;
    const view = reviewTextBlocks(review, f, review.currentStep, { full: a.全文 === true, canDecide });
    return {
      title: `R${review.id} ${REVIEW_STATUS_NAMES[review.status]}`,
      blocks: [...view, { type: 'list', items: stepLines }],
    };
  },
});

export const reviewCommands = [request, withdraw, show];

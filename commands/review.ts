/**
 * Content review before publishing (先审后发): /送审, /送审 撤回, /送审 查看, /审批 (list, 同意, 退回), /发布, and /词库
 * for the admin-maintained pre-check lists. Rules in src/domain/review.ts (神木 第十七条, 吉林 二(三), 兴国 三(三)).
 */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { Account, PersonWithRoles, Unit } from '../src/domain/model.js';
import { platformName } from '../src/domain/platforms.js';
import { precheck, type PrecheckOptions, summarizeFindings } from '../src/domain/precheck/index.js';
import type { Reply } from '../src/domain/reply.js';
import {
  approvalCard,
  type CardFacts,
  cardKey,
  type Decision,
  decidedCard,
  LEVEL_NAMES,
  REVIEW_STATUS_NAMES,
  type Review,
  reviewChain,
} from '../src/domain/review.js';
import { type Role, roleName } from '../src/domain/roles.js';
import { formatShanghai, shanghaiInstant, shanghaiMinutes } from '../src/domain/time.js';
import type { WordListKind } from '../src/ports/reviews.js';
import { type CommandContext, defineCommand } from './types.js';

const REQUESTERS = ['officer', 'liaison'] as const;
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
async function approverFor(ctx: CommandContext, unitId: number, role: Role): Promise<PersonWithRoles | null> {
  const people = await ctx.store.people.withRole(role, unitId);
  return people[0] ?? null;
}

async function load(ctx: CommandContext, id: number): Promise<{ review: Review; unit: Unit; account: Account }> {
  const review = await ctx.store.reviews.byId(id);
  if (!review) throw new AppError({ code: 'not_found', kind: 'review', name: `R${id}` });
  const [unit, account] = await Promise.all([
    ctx.store.units.byId(review.unitId),
    ctx.store.accounts.byId(review.accountId),
  ]);
  if (!unit || !account) throw new AppError({ code: 'not_found', kind: 'review', name: `R${id}` });
  return { review, unit, account };
}

async function facts(
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
async function sendCard(
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
async function replaceCard(
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
        { type: 'note', text: `撤回：/送审 撤回 R${id}；审批通过后发布并登记：/发布 R${id} 链接=…` },
      ],
    };
  },
});

/** A decision on the current step by its approver: the core of both the card button and /审批 同意|退回. */
export async function decide(
  ctx: CommandContext,
  reviewId: number,
  decision: Decision,
  comment: string | null,
  via: 'card' | 'text',
  step?: number,
): Promise<{ text: string; card: Reply }> {
  const { review, unit, account } = await load(ctx, reviewId);
  if (review.status !== 'pending')
    throw new AppError({
      code: 'conflict',
      message: `R${review.id} ${REVIEW_STATUS_NAMES[review.status]}，不能再审批。`,
    });
  if (step !== undefined && step !== review.currentStep)
    throw new AppError({ code: 'conflict', message: `R${review.id} 的这一步已经处理过了。` });
  const steps = await ctx.store.reviews.steps(review.id);
  const current = steps.find((s) => s.step === review.currentStep);
  if (current?.status !== 'pending')
    throw new AppError({ code: 'conflict', message: `R${review.id} 的这一步已经处理过了。` });
  if (current.approverId !== ctx.caller.id) {
    throw new AppError({
      code: 'rule',
      message: `您不是 R${review.id} 当前这一步的审批人（应由${roleName(current.role)}审批）。`,
    });
  }
  if (decision === 'reject' && !comment)
    throw new AppError({ code: 'bad_argument', problems: ['退回须填写意见：说明需要修改的地方'] });

  const chain = reviewChain(review.level);
  const last = review.currentStep >= chain.length;
  const next = decision === 'approve' && !last ? review.currentStep + 1 : null;
  const to =
    decision === 'reject'
      ? { status: 'rejected' as const, currentStep: review.currentStep }
      : next
        ? { status: 'pending' as const, currentStep: next }
        : { status: 'approved' as const, currentStep: review.currentStep };
  ctx.write(
    ctx.store.reviews.decide({
      reviewId: review.id,
      step: review.currentStep,
      approverId: ctx.caller.id,
      status: decision === 'approve' ? 'approved' : 'rejected',
      comment,
      at: ctx.now,
      to,
    }),
  );
  ctx.audit(decision === 'approve' ? 'review.approve' : 'review.reject', `R${review.id}`, {
    step: review.currentStep,
    comment,
    via,
  });

  let nextLine: string | undefined;
  if (next) {
    const role = chain[next - 1]!;
    const approver = await approverFor(ctx, unit.id, role);
    if (!approver)
      throw new AppError({
        code: 'rule',
        message: `「${unit.name}」没有登记${roleName(role)}，无法送下一步审批；请管理员先登记。`,
      });
    ctx.write(
      ctx.store.reviews.addStep({
        reviewId: review.id,
        step: next,
        role,
        approverId: approver.id,
        status: 'pending',
        comment: null,
        decidedAt: null,
      }),
    );
    await sendCard(ctx, { ...review, currentStep: next }, unit, account, next, approver);
    nextLine = `已送${roleName(role)} ${approver.name} 审批`;
  }
  const f = await facts(ctx, review, unit, account, ctx.caller.id);
  const card = decidedCard(review, f, review.currentStep, {
    decision,
    by: ctx.caller.name,
    at: ctx.now,
    comment,
    next: nextLine,
  });
  // A decision typed as a command still turns the card into its record; a click gets the new card in the answer.
  if (via === 'text') await replaceCard(ctx, review.id, review.currentStep, card, 'decided');

  const requester = await ctx.store.people.byId(review.requesterId);
  const verdict =
    decision === 'reject'
      ? `被${ctx.caller.name}退回：${comment}`
      : next
        ? `${ctx.caller.name}已同意，${nextLine}`
        : `已审批通过（${ctx.caller.name}）`;
  const told: Reply = {
    title: `送审 R${review.id} ${decision === 'reject' ? '已退回' : next ? '进入下一步' : '已通过'}`,
    tone: decision === 'reject' ? 'error' : 'success',
    blocks: [
      { type: 'text', text: `「${review.title}」${verdict}。` },
      ...(decision === 'approve' && !next
        ? [{ type: 'note' as const, text: `发布后请发送 /发布 R${review.id} 链接=… 登记` }]
        : []),
      ...(decision === 'reject' ? [{ type: 'note' as const, text: '修改后可重新 /送审' }] : []),
    ],
  };
  if (requester && requester.id !== ctx.caller.id)
    await ctx.notify({ person: requester }, told, {
      dedupeKey: `review:R${review.id}:step:${review.currentStep}:told`,
    });
  if (!next) await ctx.notify({ unit }, told, { dedupeKey: `review:R${review.id}:final` });
  const text =
    decision === 'reject'
      ? `已退回 R${review.id}，已通知送审人。`
      : next
        ? `已同意 R${review.id}，${nextLine}。`
        : `已同意 R${review.id}，已通知送审人和单位工作群。`;
  return { text, card };
}

const approveList = defineCommand({
  path: ['审批'],
  aliases: [['approve']],
  access: ['in_charge', 'principal'],
  summary: '查看等我审批的内容',
  usage: '/审批',
  examples: ['/审批'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const waiting = await ctx.store.reviews.waitingFor(ctx.caller.id);
    if (waiting.length === 0) return { blocks: [{ type: 'text', text: '没有等您审批的内容。' }] };
    const items: string[] = [];
    for (const r of waiting) {
      const requester = await ctx.store.people.byId(r.requesterId);
      const overdue = r.deadlineAt && r.deadlineAt < ctx.now ? '，⚠ 已超审核期限' : '';
      const planned = r.plannedAt
        ? `，计划 ${formatShanghai(r.plannedAt)} 发布${r.plannedAt < ctx.now ? '（已过）' : ''}`
        : '';
      items.push(
        `R${r.id} 「${r.title}」${LEVEL_NAMES[r.level]}，${requester?.name ?? ''} 送审于 ${formatShanghai(r.createdAt)}${planned}${overdue}`,
      );
    }
    return {
      title: `等您审批（${waiting.length}）`,
      blocks: [
        { type: 'list', items },
        { type: 'note', text: '同意：/审批 同意 R12 [意见=…]；退回：/审批 退回 R12 意见=…' },
      ],
    };
  },
});

const decideCommand = (word: '同意' | '退回', decision: Decision) =>
  defineCommand({
    path: ['审批', word],
    aliases: [['approve', decision === 'approve' ? 'yes' : 'no']],
    access: ['in_charge', 'principal'],
    summary: decision === 'approve' ? '同意一条送审（审核卡片按钮的文字方式）' : '退回一条送审，须写意见',
    usage: decision === 'approve' ? '/审批 同意 R12 [意见=…]' : '/审批 退回 R12 意见=…',
    examples: [decision === 'approve' ? '/审批 同意 R12 意见=可以发布' : '/审批 退回 R12 意见=第二段数据请核实'],
    keys: { 送审: ['review', 'id'], 意见: ['comment', 'opinion'] },
    positional: ['送审'],
    args: (h) => z.object({ 送审: h.id('R', '送审'), 意见: h.text('意见', 500).optional() }),
    async run(ctx, a): Promise<Reply> {
      const r = await decide(ctx, a.送审, decision, a.意见 ?? null, 'text');
      return { tone: decision === 'approve' ? 'success' : 'info', blocks: [{ type: 'text', text: r.text }] };
    },
  });

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
  usage: '/送审 查看 R12',
  examples: ['/送审 查看 R12'],
  keys: { 送审: ['review', 'id'] },
  positional: ['送审'],
  args: (h) => z.object({ 送审: h.id('R', '送审') }),
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
    const f = await facts(ctx, review, unit, account, null);
    return {
      title: `R${review.id} ${REVIEW_STATUS_NAMES[review.status]}`,
      blocks: [
        {
          type: 'fields',
          fields: [
            { label: '标题', value: review.title },
            { label: '账号', value: f.accountLabel },
            { label: '级别', value: LEVEL_NAMES[review.level] },
            { label: '送审人', value: f.requesterName },
          ],
        },
        { type: 'list', items: stepLines },
        ...(review.findings.length ? [{ type: 'list' as const, items: summarizeFindings(review.findings) }] : []),
      ],
    };
  },
});

const publish = defineCommand({
  path: ['发布'],
  aliases: [['publish']],
  access: ['officer', 'liaison'],
  summary: '审批通过的内容发布后登记（计入账号更新）',
  usage: '/发布 R12 [链接=…]',
  examples: ['/发布 R12 链接=https://mp.weixin.qq.com/s/xxxx'],
  keys: { 送审: ['review', 'id'], 链接: ['url', 'link'] },
  positional: ['送审'],
  args: (h) => z.object({ 送审: h.id('R', '送审'), 链接: h.url('链接').optional() }),
  async run(ctx, a): Promise<Reply> {
    const { review, account } = await load(ctx, a.送审);
    if (review.requesterId !== ctx.caller.id && !ctx.unitsWhere(REQUESTERS).includes(review.unitId) && !ctx.isAdmin) {
      throw new AppError({ code: 'rule', message: `只有送审人或本单位联络员、信息员可以登记 R${review.id} 的发布。` });
    }
    if (review.status === 'published') {
      throw new AppError({
        code: 'conflict',
        message: `R${review.id} 已于 ${formatShanghai(review.publishedAt ?? ctx.now)} 登记发布。`,
      });
    }
    if (review.status !== 'approved') {
      throw new AppError({
        code: 'rule',
        message: `R${review.id} ${REVIEW_STATUS_NAMES[review.status]}：只有审批通过的内容才能发布（先审后发，神木 第十七条）。`,
      });
    }
    const url = a.链接 ?? review.link;
    ctx.write(
      ctx.store.reviews.publish(review.id, url, ctx.now),
      ctx.store.posts.insert(
        {
          accountId: review.accountId,
          publishedAt: ctx.now,
          title: review.title,
          url,
          source: 'review',
          externalId: `review:R${review.id}`,
        },
        ctx.caller.id,
        ctx.now,
      ),
    );
    ctx.audit('review.publish', `R${review.id}`, { url });
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已登记 R${review.id}「${review.title}」在${platformName(account.platform)}「${account.name}」发布（${formatShanghai(ctx.now)}），计入账号更新。`,
        },
      ],
    };
  },
});

const LIST_KIND = {
  禁用词: 'banned',
  禁用: 'banned',
  banned: 'banned',
  领导: 'leader',
  leader: 'leader',
  域名: 'domain',
  白名单: 'domain',
  domain: 'domain',
} as const;
const KIND_NAMES: Record<WordListKind, string> = { banned: '禁用词', leader: '领导姓名职务', domain: '白名单域名' };

const listWords = defineCommand({
  path: ['词库'],
  aliases: [['wordlist']],
  access: ['admin'],
  summary: '查看送审预检用的自定义词库（禁用词、领导姓名职务、白名单域名）',
  usage: '/词库',
  examples: ['/词库'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const all = await ctx.store.wordLists.all();
    if (all.length === 0)
      return {
        blocks: [
          {
            type: 'text',
            text: '自定义词库为空。例如：/词库 新增 领导 王建国 县长；/词库 新增 禁用词 某某说法；/词库 新增 域名 xingguo.gov.cn',
          },
        ],
      };
    const group = (k: WordListKind) =>
      all.filter((e) => e.kind === k).map((e) => (e.extra ? `${e.value}（${e.extra}）` : e.value));
    return {
      title: '自定义词库',
      blocks: (['leader', 'banned', 'domain'] as const)
        .filter((k) => group(k).length)
        .map((k) => ({ type: 'text' as const, text: `${KIND_NAMES[k]}：${group(k).join('、')}` })),
    };
  },
});

const addWord = defineCommand({
  path: ['词库', '新增'],
  aliases: [['wordlist', 'add']],
  access: ['admin'],
  summary: '新增禁用词、领导姓名职务或白名单域名',
  usage: '/词库 新增 禁用词|领导|域名 内容 [职务]',
  examples: ['/词库 新增 领导 王建国 县长', '/词库 新增 禁用词 某某说法', '/词库 新增 域名 xingguo.gov.cn'],
  keys: { 类型: ['kind', 'type'], 内容: ['value', 'word', '姓名'], 职务: ['title'] },
  positional: ['类型', '内容', '职务'],
  args: (h) =>
    z.object({ 类型: h.choice('类型', LIST_KIND), 内容: h.text('内容', 60), 职务: h.text('职务', 30).optional() }),
  async run(ctx, a): Promise<Reply> {
    let value = a.内容;
    if (a.类型 === 'leader' && !a.职务)
      throw new AppError({ code: 'bad_argument', problems: ['领导须写职务，例如 /词库 新增 领导 王建国 县长'] });
    if (a.类型 !== 'leader' && a.职务)
      throw new AppError({ code: 'bad_argument', problems: [`多余的内容「${a.职务}」`] });
    if (a.类型 === 'domain') {
      value = value
        .toLowerCase()
        .replace(/^https?:\/\//, '')
        .replace(/\/.*$/, '');
      if (!/^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/.test(value))
        throw new AppError({ code: 'bad_argument', problems: ['域名格式不对，例如 xingguo.gov.cn'] });
    }
    ctx.write(ctx.store.wordLists.add({ kind: a.类型, value, extra: a.职务 ?? null }, ctx.caller.id, ctx.now));
    ctx.audit('wordlist.add', `wordlist:${a.类型}`, { value, extra: a.职务 ?? null });
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已加入${KIND_NAMES[a.类型]}：${value}${a.职务 ? `（${a.职务}）` : ''}。此后的送审预检会用到。`,
        },
      ],
    };
  },
});

const removeWord = defineCommand({
  path: ['词库', '删除'],
  aliases: [['wordlist', 'remove']],
  access: ['admin'],
  summary: '删除自定义词库中的一项',
  usage: '/词库 删除 禁用词|领导|域名 内容',
  examples: ['/词库 删除 领导 王建国'],
  keys: { 类型: ['kind', 'type'], 内容: ['value', 'word', '姓名'] },
  positional: ['类型', '内容'],
  args: (h) => z.object({ 类型: h.choice('类型', LIST_KIND), 内容: h.text('内容', 60) }),
  async run(ctx, a): Promise<Reply> {
    const exists = (await ctx.store.wordLists.all()).some((e) => e.kind === a.类型 && e.value === a.内容);
    if (!exists)
      throw new AppError({ code: 'not_found', kind: 'setting', name: a.内容, hint: '用 /词库 查看现有条目' });
    ctx.write(ctx.store.wordLists.remove(a.类型, a.内容));
    ctx.audit('wordlist.remove', `wordlist:${a.类型}`, { value: a.内容 });
    return { tone: 'success', blocks: [{ type: 'text', text: `已从${KIND_NAMES[a.类型]}删除：${a.内容}。` }] };
  },
});

export const reviewCommands = [
  request,
  withdraw,
  show,
  approveList,
  decideCommand('同意', 'approve'),
  decideCommand('退回', 'reject'),
  publish,
  listWords,
  addWord,
  removeWord,
];

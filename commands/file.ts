/**
 * /备案 开设|变更|关停|注销|确认: filing an account's opening, change and closure with the 政府办
 * (rules in src/domain/filing.ts, from 神木 第六条–第十条, 兴国 四(一)(二), 浙江 二(四)).
 */
import { z } from 'zod';
import { fallbackNotice } from '../src/domain/calendar.js';
import { AppError } from '../src/domain/errors.js';
import {
  checkAccountName,
  deadlineRule,
  filingDeadline,
  inferOperatorKind,
  nameConsistencyWarning,
  operatorWarning,
  samePlatformAccounts,
  samePlatformMessage,
  type Deadline,
} from '../src/domain/filing.js';
import {
  type Account,
  ACCOUNT_STATUS_NAMES,
  FILING_KIND_NAMES,
  type Filing,
  type FilingKind,
  type OperatorKind,
  OPERATOR_KIND_NAMES,
  type PersonWithRoles,
  type Unit,
} from '../src/domain/model.js';
import { platformName } from '../src/domain/platforms.js';
import type { Reply } from '../src/domain/reply.js';
import type { DateStr } from '../src/domain/time.js';
import type { ArgHelpers } from './core/args.js';
import { joinSentences } from '../src/domain/wording.js';
import { filingLifecycleCommands } from './filing-lifecycle.js';
import { type CommandContext, defineCommand } from './core/types.js';
import { defineAction, idField } from './core/actions.js';
import type { ActionResult } from '../src/ports/inbound.js';
import { runCommand } from './core/dispatch.js';
import { formatShanghai } from '../src/domain/time.js';
import { maskUrl } from '../src/domain/url-mask.js';

const FILERS = ['liaison'] as const;

const OPERATION = { 自主: 'self', 自营: 'self', self: 'self', 委托: 'entrusted', entrusted: 'entrusted' } as const;
const OPERATOR_KIND = {
  下属单位: 'subordinate',
  下属企事业单位: 'subordinate',
  subordinate: 'subordinate',
  新闻媒体: 'news_media',
  媒体: 'news_media',
  news: 'news_media',
  其他: 'other',
  other: 'other',
} as const;

/** Keys shared by 开设 and 变更: the account's fields. */
const FIELD_KEYS = {
  名称: ['name'],
  账号ID: ['id', '账号id', 'account_id'],
  链接: ['url', 'link'],
  信息员: ['officer'],
  运营: ['operation', '运营方式'],
  运营单位: ['operator'],
  运营类型: ['operator_kind', '运营单位类型'],
  订阅源: ['feed', 'rss'],
} as const;

const fieldSchemas = (h: ArgHelpers) => ({
  账号ID: h.text('账号ID', 100).optional(),
  链接: h.url('链接').optional(),
  信息员: h.person('信息员').optional(),
  运营: h.choice('运营', OPERATION).optional(),
  运营单位: h.text('运营单位', 80).optional(),
  运营类型: h.choice('运营类型', OPERATOR_KIND).optional(),
  订阅源: h.url('订阅源').optional(),
});

interface Entrusted {
  operation: 'self' | 'entrusted';
  operatorName: string | null;
  operatorKind: OperatorKind | null;
  warning: string | null;
}

/** 浙江 二(四): record the operator and its kind; warn when it is not a qualified one. */
function entrusted(
  op: 'self' | 'entrusted' | undefined,
  name: string | undefined,
  kind: OperatorKind | undefined,
  current?: Account,
): Entrusted {
  const operation = op ?? (name ? 'entrusted' : (current?.operation ?? 'self'));
  if (operation === 'self') return { operation, operatorName: null, operatorKind: null, warning: null };
  const operatorName = name ?? current?.operatorName ?? null;
  if (!operatorName)
    throw new AppError({ code: 'bad_argument', problems: ['委托运营须写明 运营单位=…（浙江 二(四)：记录受托方）'] });
  const operatorKind =
    kind ?? (name ? inferOperatorKind(name) : (current?.operatorKind ?? inferOperatorKind(operatorName)));
  return { operation, operatorName, operatorKind, warning: operatorWarning(operatorKind) };
}

async function unitOf(ctx: CommandContext, a: Account): Promise<Unit> {
  const u = await ctx.store.units.byId(a.unitId);
  if (!u) throw new AppError({ code: 'not_found', kind: 'unit', name: `U${a.unitId}` });
  return u;
}

function checkEventDate(kind: FilingKind, d: DateStr, today: DateStr): void {
  if (kind === 'open' && d > today)
    throw new AppError({ code: 'bad_argument', problems: [`开设日期 ${d} 晚于今天，开设后再备案`] });
  if (d < '2000-01-01') throw new AppError({ code: 'bad_argument', problems: [`日期 ${d} 不合理`] });
}

/** Warnings shown in a filing's reply; the rest are in the audit record and /账号 详情. */
const MAX_REPLY_WARNINGS = 3;

/**
 * The reply every filing gets, kept short: one result line (unit, account and what was filed), the due date with its
 * article and whether it is late, then at most three warnings, one line each with its article.
 */
function filingReply(f: {
  id: number;
  kind: FilingKind;
  account: Account;
  unit: Unit;
  deadline: Deadline;
  warnings: string[];
  pending: boolean;
  today: DateStr;
  extra?: { label: string; value: string }[];
}): Reply {
  const d = f.deadline;
  const result = [
    f.unit.name,
    `${platformName(f.account.platform)}「${f.account.name}」(A${f.account.id})`,
    ...(f.extra ?? []).map((e) => `${e.label} ${e.value}`),
  ].join(' · ');
  const fields = [
    { label: '备案期限', value: `${d.dueDate}（${deadlineRule(d)}）` },
    { label: '报备情况', value: d.late ? `⚠ 逾期 ${d.lateWorkdays} 个工作日：今天 ${f.today} 已晚于期限` : '按期' },
  ];
  if (f.pending) fields.push({ label: '状态', value: '待管理员确认' });
  const blocks: Reply['blocks'] = [
    { type: 'text', text: result },
    { type: 'fields', fields },
  ];
  const shown = f.warnings.slice(0, MAX_REPLY_WARNINGS).map((w) => `⚠ ${w}`);
  if (f.warnings.length > MAX_REPLY_WARNINGS)
    shown.push(`另有 ${f.warnings.length - MAX_REPLY_WARNINGS} 条提示，见 /账号 详情 A${f.account.id}`);
  if (shown.length) blocks.push({ type: 'list', items: shown });
  const fb = fallbackNotice(d.fallbackYears);
  if (fb) blocks.push({ type: 'note', text: fb });
  return {
    title: `已备案 F${f.id}：${FILING_KIND_NAMES[f.kind]}`,
    tone: d.late || f.warnings.length || f.pending ? 'warning' : 'success',
    blocks,
  };
}

/** Record a filing: its id, the deadline's facts, and whether it waits for an admin (神木 第九条). */
async function recordFiling(
  ctx: CommandContext,
  input: Pick<
    Filing,
    'accountId' | 'unitId' | 'kind' | 'eventDate' | 'emergency' | 'reason' | 'changes' | 'warnings'
  > & { deadline: Deadline; pending: boolean },
): Promise<number> {
  const { deadline, pending, ...rest } = input;
  const f = {
    ...rest,
    dueDate: deadline.dueDate,
    late: deadline.late,
    calendarFallback: deadline.fallbackYears.length > 0,
    status: pending ? ('pending_confirmation' as const) : ('filed' as const),
  };
  const id = await ctx.store.nextId('filing');
  ctx.write(ctx.store.filings.insert({ ...f, id, filedAt: ctx.now, filedBy: ctx.caller.id }));
  ctx.audit(`filing.${f.kind}`, `F${id}`, {
    account: `A${f.accountId}`,
    eventDate: f.eventDate,
    dueDate: f.dueDate,
    late: f.late,
    warnings: f.warnings,
    changes: f.changes,
    reason: f.reason,
  });
  return id;
}

async function notifyAdminsForConfirmation(
  ctx: CommandContext,
  filingId: number,
  account: Account,
  unit: Unit,
  why: string[],
): Promise<void> {
  await ctx.notify(
    { admins: true },
    {
      title: `备案待确认 F${filingId}`,
      tone: 'warning',
      blocks: [
        {
          type: 'fields',
          fields: [
            { label: '单位', value: unit.name },
            { label: '账号', value: `${platformName(account.platform)}「${account.name}」(A${account.id})` },
            { label: '备案人', value: ctx.caller.name },
          ],
        },
        { type: 'list', items: why },
        { type: 'text', text: `核实后点“确认备案”，或发送 /备案 确认 F${filingId}` },
        {
          type: 'actions',
          buttons: [{ label: '确认备案', value: { action: 'filing.confirm', filing: filingId }, style: 'primary' }],
        },
      ],
    },
    { dedupeKey: `filing-confirm:F${filingId}` },
  );
}

const open = defineCommand({
  path: ['备案', '开设'],
  aliases: [['file', 'open']],
  access: ['liaison'],
  summary: '备案新开设的账号',
  usage:
    '/备案 开设 平台=… 名称=… [账号ID=…] [链接=…] [开设日期=…] [单位=…] [信息员=@…] [运营=自主|委托] [运营单位=…] [运营类型=下属单位|新闻媒体|其他] [订阅源=URL] [理由=…]',
  examples: [
    '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-28',
    '/备案 开设 平台=抖音 名称=兴国教育 运营=委托 运营单位=兴国县融媒体中心',
  ],
  keys: { 平台: ['platform'], ...FIELD_KEYS, 开设日期: ['日期', 'date', 'opened'], 单位: ['unit'], 理由: ['reason'] },
  args: (h) =>
    z.object({
      平台: h.platform(),
      名称: h.text('名称', 60),
      开设日期: h.date('开设日期').optional(),
      单位: h.unit('单位').optional(),
      理由: h.text('理由', 200).optional(),
      ...fieldSchemas(h),
    }),
  async run(ctx, a): Promise<Reply> {
    const unit = await ctx.actingUnit(a.单位, FILERS);
    const openedOn = a.开设日期 ?? ctx.today;
    checkEventDate('open', openedOn, ctx.today);
    const existing = await ctx.store.accounts.ofUnit(unit.id);
    const same = existing.find((x) => x.platform === a.平台 && x.name === a.名称 && x.status !== 'closed');
    if (same)
      throw new AppError({
        code: 'rule',
        message: `${platformName(a.平台)}「${a.名称}」已备案（A${same.id}）。如有变化请用 /备案 变更 账号=A${same.id} …`,
      });
    const warnings: string[] = [];
    const others = samePlatformAccounts(existing, a.平台);
    if (others.length > 0) {
      if (!a.理由) {
        throw new AppError({
          code: 'rule',
          message: `${samePlatformMessage(a.平台, others)}\n如确需开设，请加 理由=… 重新提交；未备案。`,
        });
      }
      warnings.push(`${samePlatformMessage(a.平台, others)}开设理由：${a.理由}`);
    }
    const people = (await ctx.store.people.list()).filter((p) => p.active).map((p) => p.name);
    const nameFindings = checkAccountName(a.名称, people);
    warnings.push(...nameFindings.map((f) => f.message));
    const consistency = nameConsistencyWarning(existing, a.名称);
    if (consistency) warnings.push(consistency);
    const op = entrusted(a.运营, a.运营单位, a.运营类型);
    if (op.warning) warnings.push(op.warning);
    const deadline = filingDeadline('open', openedOn, ctx.today, {
      emergency: false,
      policy: ctx.policy,
      calendar: ctx.calendar,
    });

    const accountId = await ctx.store.nextId('account');
    const account: Account = {
      id: accountId,
      unitId: unit.id,
      platform: a.平台,
      name: a.名称,
      externalId: a.账号ID ?? null,
      url: a.链接 ?? null,
      openedOn,
      status: 'active',
      operation: op.operation,
      operatorName: op.operatorName,
      operatorKind: op.operatorKind,
      officerId: a.信息员?.id ?? null,
      feedUrl: a.订阅源 ?? null,
      passwordChangedOn: null,
      createdAt: ctx.now,
    };
    ctx.write(ctx.store.accounts.insert(account, ctx.now));
    const pending = nameFindings.length > 0;
    const filingId = await recordFiling(ctx, {
      accountId,
      unitId: unit.id,
      kind: 'open',
      eventDate: openedOn,
      deadline,
      pending,
      emergency: false,
      reason: a.理由 ?? null,
      changes: null,
      warnings,
    });
    if (pending)
      await notifyAdminsForConfirmation(
        ctx,
        filingId,
        account,
        unit,
        nameFindings.map((f) => f.message),
      );
    return filingReply({
      id: filingId,
      kind: 'open',
      account,
      unit,
      deadline,
      warnings,
      pending,
      today: ctx.today,
      extra: [
        { label: '开设', value: openedOn },
        {
          label: '运营',
          value:
            op.operation === 'self'
              ? '自主运营'
              : `委托 ${op.operatorName}（${OPERATOR_KIND_NAMES[op.operatorKind ?? 'other']}）`,
        },
      ],
    });
  },
});

const FIELD_LABEL: Record<string, string> = {
  name: '名称',
  externalId: '账号ID',
  url: '链接',
  officerId: '信息员',
  operation: '运营',
  operatorName: '运营单位',
  operatorKind: '运营类型',
  feedUrl: '订阅源',
};

const change = defineCommand({
  path: ['备案', '变更'],
  aliases: [['file', 'change']],
  access: ['liaison'],
  summary: '备案账号信息的变更',
  usage: '/备案 变更 账号=… 字段=新值…（名称 账号ID 链接 信息员 运营 运营单位 运营类型 订阅源）[日期=…] [平台=…]',
  examples: ['/备案 变更 账号=兴国教育 名称=兴国县教育发布 日期=2026-11-18'],
  keys: { 账号: ['account'], 平台: ['platform'], ...FIELD_KEYS, 日期: ['date'], 理由: ['reason'] },
  positional: ['账号'],
  args: (h) =>
    z.object({
      账号: h.text('账号', 60),
      平台: h.platform().optional(),
      名称: h.text('名称', 60).optional(),
      日期: h.date('日期').optional(),
      理由: h.text('理由', 200).optional(),
      ...fieldSchemas(h),
    }),
  async run(ctx, a): Promise<Reply> {
    const account = await ctx.findAccount(a.账号, { platform: a.平台 });
    const unit = await unitOf(ctx, account);
    await ctx.requireRoleIn(unit.id, FILERS);
    if (account.status === 'closed')
      throw new AppError({ code: 'rule', message: `「${account.name}」(A${account.id}) 已注销，不能再变更。` });
    const eventDate = a.日期 ?? ctx.today;
    checkEventDate('change', eventDate, ctx.today);
    const patch: Partial<Account> = {};
    if (a.名称 !== undefined) patch.name = a.名称;
    if (a.账号ID !== undefined) patch.externalId = a.账号ID;
    if (a.链接 !== undefined) patch.url = a.链接;
    if (a.信息员 !== undefined) patch.officerId = a.信息员.id;
    if (a.订阅源 !== undefined) patch.feedUrl = a.订阅源;
    const warnings: string[] = [];
    if (a.运营 !== undefined || a.运营单位 !== undefined || a.运营类型 !== undefined) {
      const op = entrusted(a.运营, a.运营单位, a.运营类型, account);
      patch.operation = op.operation;
      patch.operatorName = op.operatorName;
      patch.operatorKind = op.operatorKind;
      if (op.warning) warnings.push(op.warning);
    }
    const officers = new Map<number, PersonWithRoles>();
    if (a.信息员) officers.set(a.信息员.id, a.信息员);
    const show = async (k: string, v: unknown): Promise<string | null> => {
      if (v === null || v === undefined) return null;
      if (k === 'officerId')
        return officers.get(v as number)?.name ?? (await ctx.store.people.byId(v as number))?.name ?? `P${String(v)}`;
      if (k === 'operation') return v === 'self' ? '自主' : '委托';
      if (k === 'operatorKind') return OPERATOR_KIND_NAMES[v as OperatorKind];
      if (k === 'feedUrl') return maskUrl(String(v));
      return String(v);
    };
    const changes: Record<string, { from: string | null; to: string | null }> = {};
    for (const [k, v] of Object.entries(patch)) {
      const from = await show(k, account[k as keyof Account]);
      const to = await show(k, v);
      // a masked feed URL can look unchanged when only its secret changed: compare the stored values
      if (from !== to || (k === 'feedUrl' && account.feedUrl !== v)) changes[FIELD_LABEL[k] ?? k] = { from, to };
    }
    if (Object.keys(changes).length === 0) {
      throw new AppError({
        code: 'bad_argument',
        problems: ['没有要变更的内容：请写 字段=新值，例如 名称=兴国县教育发布'],
      });
    }
    let pending = false;
    if (patch.name !== undefined && patch.name !== account.name) {
      const siblings = await ctx.store.accounts.ofUnit(unit.id);
      const people = (await ctx.store.people.list()).filter((p) => p.active).map((p) => p.name);
      const nameFindings = checkAccountName(patch.name, people);
      pending = nameFindings.length > 0;
      warnings.push(...nameFindings.map((f) => f.message));
      const c = nameConsistencyWarning(siblings, patch.name, account.id);
      if (c) warnings.push(c);
    }
    const deadline = filingDeadline('change', eventDate, ctx.today, {
      emergency: false,
      policy: ctx.policy,
      calendar: ctx.calendar,
    });
    ctx.write(ctx.store.accounts.update(account.id, patch, ctx.now));
    const updated = { ...account, ...patch };
    const filingId = await recordFiling(ctx, {
      accountId: account.id,
      unitId: unit.id,
      kind: 'change',
      eventDate,
      deadline,
      pending,
      emergency: false,
      reason: a.理由 ?? null,
      changes,
      warnings,
    });
    if (pending) await notifyAdminsForConfirmation(ctx, filingId, updated, unit, warnings);
    return filingReply({
      id: filingId,
      kind: 'change',
      account: updated,
      unit,
      deadline,
      warnings,
      pending,
      today: ctx.today,
      extra: [
        { label: '变更', value: eventDate },
        ...Object.entries(changes).map(([k, v]) => ({
          label: k,
          value: `${v.from ?? '（空）'} → ${v.to ?? '（空）'}`,
        })),
      ],
    });
  },
});

function closure(kind: 'suspend' | 'close') {
  const word = kind === 'suspend' ? '关停' : '注销';
  return defineCommand({
    path: ['备案', word],
    aliases: [['file', kind]],
    access: ['liaison'],
    summary: kind === 'suspend' ? '备案账号关停（紧急关停当日报备）' : '备案账号注销',
    usage: `/备案 ${word} 账号=… 原因=… [日期=…] [平台=…] [紧急]`,
    examples: [
      kind === 'suspend'
        ? '/备案 关停 账号=兴国教育 原因=账号被盗 紧急'
        : '/备案 注销 账号=兴国教育 原因=整合到县政府主账号',
    ],
    keys: { 账号: ['account'], 平台: ['platform'], 原因: ['reason', '理由'], 日期: ['date'] },
    positional: ['账号'],
    flags: { 紧急: ['urgent', 'emergency'] },
    args: (h) =>
      z.object({
        账号: h.text('账号', 60),
        平台: h.platform().optional(),
        原因: h.text('原因', 200),
        日期: h.date('日期').optional(),
        紧急: h.flag().optional(),
      }),
    async run(ctx, a): Promise<Reply> {
      const account = await ctx.findAccount(a.账号, { platform: a.平台 });
      const unit = await unitOf(ctx, account);
      await ctx.requireRoleIn(unit.id, FILERS);
      if (account.status === 'closed')
        throw new AppError({ code: 'rule', message: `「${account.name}」(A${account.id}) 已注销。` });
      if (kind === 'suspend' && account.status === 'suspended') {
        throw new AppError({ code: 'rule', message: `「${account.name}」(A${account.id}) 已是关停状态。` });
      }
      const eventDate = a.日期 ?? ctx.today;
      checkEventDate(kind, eventDate, ctx.today);
      const emergency = a.紧急 === true;
      const deadline = filingDeadline(kind, eventDate, ctx.today, {
        emergency,
        policy: ctx.policy,
        calendar: ctx.calendar,
      });
      const status = kind === 'suspend' ? 'suspended' : 'closed';
      ctx.write(ctx.store.accounts.update(account.id, { status }, ctx.now));
      const filingId = await recordFiling(ctx, {
        accountId: account.id,
        unitId: unit.id,
        kind,
        eventDate,
        deadline,
        pending: false,
        emergency,
        reason: a.原因,
        changes: { 状态: { from: ACCOUNT_STATUS_NAMES[account.status], to: ACCOUNT_STATUS_NAMES[status] } },
        warnings: [],
      });
      if (emergency) {
        await ctx.notify(
          { admins: true },
          {
            title: `紧急${word} F${filingId}`,
            tone: 'warning',
            blocks: [
              {
                type: 'fields',
                fields: [
                  { label: '单位', value: unit.name },
                  { label: '账号', value: `${platformName(account.platform)}「${account.name}」(A${account.id})` },
                  { label: '原因', value: a.原因 },
                  { label: '报备人', value: ctx.caller.name },
                ],
              },
            ],
          },
          { dedupeKey: `filing-emergency:F${filingId}` },
        );
      }
      return filingReply({
        id: filingId,
        kind,
        account: { ...account, status },
        unit,
        deadline,
        warnings: [],
        pending: false,
        today: ctx.today,
        extra: [
          { label: word, value: eventDate },
          { label: '原因', value: a.原因 },
          ...(emergency ? [{ label: '紧急', value: '是（已通知政府办）' }] : []),
        ],
      });
    },
  });
}

const confirm = defineCommand({
  path: ['备案', '确认'],
  aliases: [['file', 'confirm']],
  access: ['admin'],
  summary: '确认待确认的备案（个人名义、专项活动等需管理员确认的情形）；不带编号列出待确认的备案',
  usage: '/备案 确认 [F12]',
  examples: ['/备案 确认 F12', '/备案 确认'],
  keys: { 备案: ['filing', 'id'] },
  positional: ['备案'],
  args: (h) => z.object({ 备案: h.id('F', '备案').optional() }),
  async run(ctx, a): Promise<Reply> {
    if (a.备案 === undefined) {
      const pending: Filing[] = [];
      const items: string[] = [];
      // an account de-registered (注销) or voided since leaves the list
      for (const f of await ctx.store.filings.pending()) {
        const acc = await ctx.store.accounts.byId(f.accountId);
        if (acc && (acc.status === 'closed' || acc.status === 'void')) continue;
        pending.push(f);
        items.push(
          `F${f.id} ${acc ? `${platformName(acc.platform)}「${acc.name}」` : `A${f.accountId}`}：${joinSentences(f.warnings)}`,
        );
      }
      if (pending.length === 0) return { blocks: [{ type: 'text', text: '没有待确认的备案。' }] };
      return {
        title: `待确认的备案（${pending.length}）`,
        blocks: [
          { type: 'list', items },
          { type: 'note', text: `核实后发送 /备案 确认 F${pending[0]!.id}，或 /备案 驳回 F${pending[0]!.id} 意见=…` },
        ],
      };
    }
    const f = await ctx.store.filings.byId(a.备案);
    if (!f) throw new AppError({ code: 'not_found', kind: 'filing', name: `F${a.备案}` });
    if (f.status !== 'pending_confirmation')
      throw new AppError({
        code: 'conflict',
        message: `F${f.id} 不需要确认（${({ confirmed: '已确认', rejected: '已驳回', voided: '已作废', filed: '无需确认', pending_confirmation: '' } as const)[f.status]}）。`,
      });
    ctx.write(ctx.store.filings.setStatus(f.id, 'confirmed', ctx.caller.id, ctx.now));
    ctx.audit('filing.confirm', `F${f.id}`, {});
    const filer = f.filedBy !== null ? await ctx.store.people.byId(f.filedBy) : null;
    const acc = await ctx.store.accounts.byId(f.accountId);
    const what = acc ? `${platformName(acc.platform)}「${acc.name}」` : `A${f.accountId}`;
    if (filer && filer.id !== ctx.caller.id) {
      await ctx.notify(
        { person: filer },
        {
          tone: 'success',
          blocks: [{ type: 'text', text: `您的备案 F${f.id}（${what}）已由管理员 ${ctx.caller.name} 确认。` }],
        },
        { dedupeKey: `filing-confirmed:F${f.id}` },
      );
    }
    return { tone: 'success', blocks: [{ type: 'text', text: `已确认备案 F${f.id}（${what}）。` }] };
  },
});

function plainOf(reply: { blocks: { type: string; text?: string }[] }): string {
  return reply.blocks
    .map((b) => b.text ?? '')
    .filter(Boolean)
    .join(' ');
}

/** 备案确认 button on the admins' notification card: the same as `/备案 确认 F12`. */
const confirmFiling = defineAction({
  name: 'filing.confirm',
  access: ['admin'],
  payload: z.object({ filing: idField('F') }).loose(),
  async run(ctx: CommandContext, p): Promise<ActionResult> {
    try {
      const reply = await runCommand(ctx, confirm, { 备案: `F${p.filing}` });
      return {
        toast: { type: 'success', text: plainOf(reply) },
        card: {
          title: `备案已确认 F${p.filing}`,
          tone: 'success',
          blocks: [{ type: 'text', text: `${plainOf(reply)}\n确认人：${ctx.caller.name}，${formatShanghai(ctx.now)}` }],
        },
      };
    } catch (e) {
      if (e instanceof AppError && e.data.code === 'conflict') {
        return {
          toast: { type: 'info', text: e.data.message },
          card: { title: `备案 F${p.filing}`, tone: 'info', blocks: [{ type: 'text', text: e.data.message }] },
        };
      }
      throw e;
    }
  },
});

export const filingCommands = [open, change, closure('suspend'), closure('close'), confirm, ...filingLifecycleCommands];
export const fileActions = [confirmFiling];

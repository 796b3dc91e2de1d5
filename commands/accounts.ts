/** /账号 (the register, 台账), /账号 详情, /更新 (record a post), /改密 (password rotation). */
import { byUnitKind, UNIT_KIND_NAMES, UNIT_KIND_WORDS, UNIT_KINDS, type UnitKind } from '../src/domain/unit-kind.js';
import { daysAgo, joinSentences } from '../src/domain/wording.js';
import { z } from 'zod';
import { idleDays } from '../src/domain/activity.js';
import { AppError } from '../src/domain/errors.js';
import {
  type Account,
  ACCOUNT_STATUS_NAMES,
  type AccountStatus,
  FILING_KIND_NAMES,
  OPERATOR_KIND_NAMES,
} from '../src/domain/model.js';
import { platformName } from '../src/domain/platforms.js';
import type { Policy } from '../src/domain/policy.js';
import type { Button, Reply } from '../src/domain/reply.js';
import { addDays, type DateStr, formatShanghai } from '../src/domain/time.js';
import { maskUrl } from '../src/domain/url-mask.js';
import type { RegisterRow } from '../src/ports/store.js';
import { feedStatus } from './remind.js';
import { type CommandContext, defineCommand } from './core/types.js';
import { defineAction } from './core/actions.js';
import type { ActionResult } from '../src/ports/inbound.js';
import { runCommand } from './core/dispatch.js';

const STATUS = {
  正常: 'active',
  在用: 'active',
  active: 'active',
  关停: 'suspended',
  已关停: 'suspended',
  suspended: 'suspended',
  注销: 'closed',
  已注销: 'closed',
  closed: 'closed',
} as const;
const MAX_ROWS = 60;

/** Days since the last post (or since opening when there is none): one definition, shared with the daily reminders. */

export function activityLabel(
  row: { status: AccountStatus; lastPostAt: Date | null; openedOn: DateStr | null; createdAt: Date },
  today: DateStr,
  policy: Policy,
): string {
  if (row.status !== 'active') return ACCOUNT_STATUS_NAMES[row.status];
  const days = idleDays(row, today);
  if (days === null) return '—';
  const base = row.lastPostAt ? daysAgo(days) : days === 0 ? '无更新记录（今天开设）' : `无更新记录（开设 ${days} 天）`;
  if (days >= policy.dormantDays) return `⚠ ${base}·僵尸`;
  if (days >= policy.dormancyWarningDays) return `${base}·预警`;
  return base;
}

function unitKindLabel(k: UnitKind | null | undefined): string {
  return k ? UNIT_KIND_NAMES[k] : '—';
}

const register = defineCommand({
  path: ['账号'],
  aliases: [['accounts'], ['台账']],
  access: ['registered'],
  summary: '查看账号台账（最近更新、距今天数）',
  usage: '/账号 [单位=…] [类型=乡镇|部门|直属单位] [状态=正常|关停|注销] [平台=…]',
  examples: ['/账号', '/账号 平台=微信公众号 状态=正常', '/账号 类型=乡镇'],
  keys: { 单位: ['unit'], 类型: ['kind', '单位类型'], 状态: ['status'], 平台: ['platform'] },
  args: (h) =>
    z.object({
      单位: h.unit('单位').optional(),
      类型: h.choice('类型', UNIT_KIND_WORDS).optional(),
      状态: h.choice('状态', STATUS).optional(),
      平台: h.platform().optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    const visible = ctx.isAdmin ? 'all' : ctx.unitsWhere('any');
    if (a.单位) await ctx.requireRoleIn(a.单位.id, 'any');
    let rows: RegisterRow[];
    const filter = { status: a.状态, platform: a.平台 };
    if (a.单位) rows = await ctx.store.accounts.register({ ...filter, unitId: a.单位.id }, ctx.now);
    else if (visible === 'all') rows = await ctx.store.accounts.register(filter, ctx.now);
    else {
      rows = [];
      for (const unitId of visible) rows.push(...(await ctx.store.accounts.register({ ...filter, unitId }, ctx.now)));
    }
    // Group by the unit's kind (乡镇/街道, 部门, 直属单位), as county reports do; 类型= keeps one kind.
    const kinds = new Map((await ctx.store.units.all()).map((u) => [u.id, u.kind ?? null]));
    if (a.类型) rows = rows.filter((r) => kinds.get(r.unitId) === a.类型);
    rows = byUnitKind(rows, (r) => kinds.get(r.unitId));
    if (rows.length === 0) {
      return {
        blocks: [{ type: 'text', text: '没有符合条件的账号。联络员可用 /备案 开设 平台=… 名称=… 备案新账号。' }],
      };
    }
    const multiUnit = new Set(rows.map((r) => r.unitId)).size > 1;
    const shown = rows.slice(0, MAX_ROWS);
    const table = shown.map((r) => [
      `A${r.id}`,
      ...(multiUnit ? [r.unitName, unitKindLabel(kinds.get(r.unitId))] : []),
      platformName(r.platform),
      r.name,
      r.lastPostAt ? formatShanghai(r.lastPostAt).slice(0, 10) : '—',
      activityLabel(r, ctx.today, ctx.policy),
      String(r.postsLast7Days),
    ]);
    const dormant = rows.filter(
      (r) => r.status === 'active' && (idleDays(r, ctx.today) ?? 0) >= ctx.policy.dormantDays,
    ).length;
    const blocks: Reply['blocks'] = [
      {
        type: 'table',
        columns: ['编号', ...(multiUnit ? ['单位', '类型'] : []), '平台', '名称', '最近更新', '距今', '近7天'],
        rows: table,
      },
    ];
    const perKind = UNIT_KINDS.map((k) => [k, rows.filter((r) => kinds.get(r.unitId) === k).length] as const).filter(
      ([, n]) => n > 0,
    );
    const notes = [
      ...(multiUnit && perKind.length > 1 ? [perKind.map(([k, n]) => `${UNIT_KIND_NAMES[k]} ${n} 个`).join('，')] : []),
      `僵尸标准：${ctx.policy.dormantDays} 天未更新（全国检查指标）；预警：${ctx.policy.dormancyWarningDays} 天`,
    ];
    if (rows.length > MAX_ROWS)
      notes.unshift(`共 ${rows.length} 个，仅显示前 ${MAX_ROWS} 个；可加 单位=… 或 平台=… 筛选`);
    blocks.push({ type: 'note', text: joinSentences(notes) });
    const refresh: Button['value'] = { action: 'register.refresh' };
    if (a.单位) refresh.unit = a.单位.name;
    if (a.状态) refresh.status = a.状态;
    if (a.平台) refresh.platform = a.平台;
    blocks.push({ type: 'actions', buttons: [{ label: '刷新', value: refresh }] });
    return {
      title: `${a.单位 ? a.单位.name : multiUnit ? '全部单位' : (rows[0]?.unitName ?? '')} 账号台账（${rows.length}）${dormant ? `，僵尸 ${dormant} 个` : ''}`,
      tone: dormant ? 'warning' : 'info',
      blocks,
    };
  },
});

const detail = defineCommand({
  path: ['账号', '详情'],
  aliases: [['accounts', 'detail'], ['account']],
  access: ['registered'],
  summary: '查看一个账号的详情、最近更新和备案记录',
  usage: '/账号 详情 名称|A12 [平台=…]',
  examples: ['/账号 详情 兴国教育', '/账号 详情 A3'],
  keys: { 账号: ['account', '名称', 'name'], 平台: ['platform'] },
  positional: ['账号'],
  args: (h) => z.object({ 账号: h.text('账号', 60), 平台: h.platform().optional() }),
  async run(ctx, a): Promise<Reply> {
    const acc = await ctx.findAccount(a.账号, { platform: a.平台, unitId: ctx.caller.unitId ?? undefined });
    await ctx.requireRoleIn(acc.unitId, 'any');
    const [unit, posts, filings, officer] = await Promise.all([
      ctx.store.units.byId(acc.unitId),
      ctx.store.posts.recent(acc.id, 5),
      ctx.store.filings.ofAccount(acc.id),
      acc.officerId !== null ? ctx.store.people.byId(acc.officerId) : Promise.resolve(null),
    ]);
    const [row] = await ctx.store.accounts
      .register({ unitId: acc.unitId }, ctx.now)
      .then((rs) => rs.filter((r) => r.id === acc.id));
    const rotationDue = acc.passwordChangedOn ? addDays(acc.passwordChangedOn, ctx.policy.passwordRotationDays) : null;
    const blocks: Reply['blocks'] = [
      {
        type: 'fields',
        fields: [
          { label: '单位', value: unit?.name ?? '—' },
          { label: '平台', value: platformName(acc.platform) },
          { label: '状态', value: ACCOUNT_STATUS_NAMES[acc.status] },
          { label: '开设日期', value: acc.openedOn ?? '—' },
          { label: '账号ID', value: acc.externalId ?? '—' },
          { label: '链接', value: acc.url ?? '—' },
          { label: '信息员', value: officer?.name ?? '—' },
          {
            label: '运营',
            value:
              acc.operation === 'self'
                ? '自主运营'
                : `委托 ${acc.operatorName ?? ''}（${OPERATOR_KIND_NAMES[acc.operatorKind ?? 'other']}）`,
          },
          { label: '订阅源', value: acc.feedUrl ? maskUrl(acc.feedUrl) : '—' },
          ...(acc.feedUrl ? [{ label: '订阅源状态', value: await feedStatus(ctx, acc.id, acc.feedUrl) }] : []),
          { label: '最近更新', value: row ? activityLabel(row, ctx.today, ctx.policy) : '—' },
          {
            label: '近7天更新',
            value: row ? `${row.postsLast7Days} 条（每周不少于 ${ctx.policy.weeklyMinPosts} 条，神木 第十二条）` : '—',
          },
          {
            label: '上次改密',
            value: acc.passwordChangedOn
              ? `${acc.passwordChangedOn}（下次 ${rotationDue}）`
              : '未记录（/改密 账号 确认已更换）',
          },
        ],
      },
    ];
    if (posts.length)
      blocks.push({
        type: 'list',
        items: posts.map(
          (p) => `${formatShanghai(p.publishedAt)} ${p.title ?? '（无标题）'}${p.url ? ` ${p.url}` : ''}`,
        ),
      });
    if (filings.length) {
      blocks.push({
        type: 'list',
        items: filings
          .slice(0, 5)
          .map(
            (f) =>
              `F${f.id} ${FILING_KIND_NAMES[f.kind]} ${f.eventDate}，期限 ${f.dueDate}${f.late ? '（逾期）' : ''}${f.status === 'pending_confirmation' ? '，待管理员确认' : ''}${f.warnings.length ? `。提示：${joinSentences(f.warnings)}` : ''}`,
          ),
      });
    }
    return { title: `${acc.name}（A${acc.id}）`, blocks };
  },
});

/** The account a post or password confirmation is about, checked against the caller's units. */
export async function ownAccount(
  ctx: CommandContext,
  ref: string,
  platform: string | undefined,
  roles: readonly ('liaison' | 'officer')[],
): Promise<Account> {
  const acc = await ctx.findAccount(ref, { platform, unitId: ctx.unitsWhere(roles)[0] });
  await ctx.requireRoleIn(acc.unitId, roles);
  if (acc.status !== 'active')
    throw new AppError({ code: 'rule', message: `「${acc.name}」(A${acc.id}) ${ACCOUNT_STATUS_NAMES[acc.status]}。` });
  return acc;
}

/** 刷新 button on a register card: the same query again, as whoever clicked (their units, their view). */
const refreshRegister = defineAction({
  name: 'register.refresh',
  access: ['registered'],
  payload: z
    .object({
      unit: z.string().max(60).optional(),
      status: z.string().max(10).optional(),
      platform: z.string().max(20).optional(),
    })
    .loose(),
  async run(ctx: CommandContext, p): Promise<ActionResult> {
    const values: Record<string, unknown> = {};
    if (p.unit) values.单位 = p.unit;
    if (p.status) values.状态 = p.status;
    if (p.platform) values.平台 = p.platform;
    const reply = await runCommand(ctx, register, values);
    return { toast: { type: 'success', text: `已刷新（${formatShanghai(ctx.now)}）` }, card: reply };
  },
});

export const accountCommands = [register, detail];
export const accountActions = [refreshRegister];

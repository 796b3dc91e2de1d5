/** The quarterly report as a chat reply: the whole county for admins, one unit's page for its people. */
import { platformName } from './platforms.js';
import type { Block, Reply } from './reply.js';
import {
  type AccountResult,
  passRateText,
  quarterName,
  type Report,
  type UnitResult,
  vetoedAccounts,
} from './report.js';

/** Units shown at the top and at the bottom of the ranking. */
export const RANK_SHOWN = 5;
const MAX_VETO_LINES = 30;
const MAX_ACTION_UNITS = 10;

export interface ReportReplyOptions {
  /** only this unit's page (its people cannot issue the report: the page says nothing of issuing it) */
  unitId?: number;
  /** a line on where the chart, the .docx draft and the .xlsx are */
  filesNote?: string;
}

const label = (a: AccountResult): string => `${platformName(a.platform)}「${a.name}」`;
const rankRow = (u: UnitResult): string[] => [
  String(u.rank),
  u.unitName,
  u.score.toFixed(1),
  String(u.accounts),
  String(u.failed),
];

function overallFields(r: Report): { label: string; value: string }[] {
  const o = r.overall;
  // nothing to check: no pass rate or mean to speak of
  if (o.accounts === 0)
    return [
      { label: '统计期间', value: `${r.from} 至 ${r.to}${r.complete ? '' : '（季度未结束，截至当日）'}` },
      { label: '检查账号', value: '0 个：本季没有在册的账号（账号备案后纳入检查）' },
    ];
  const platforms = o.byPlatform.map((p) => `${platformName(p.platform)} ${p.accounts}`).join('、');
  return [
    { label: '统计期间', value: `${r.from} 至 ${r.to}${r.complete ? '' : '（季度未结束，截至当日）'}` },
    { label: '检查账号', value: `${o.accounts} 个${platforms ? `（${platforms}）` : ''}` },
    { label: '不合格', value: `${o.failed} 个，合格率 ${passRateText(r)}` },
    { label: '平均得分', value: o.meanScore.toFixed(1) },
    ...(o.closed ? [{ label: '本季关停注销', value: `${o.closed} 个` }] : []),
  ];
}

function status(r: Report): string {
  return r.issued ? `已于 ${r.issued.at.slice(0, 10)} 发布` : '草稿';
}

export function reportReply(r: Report, opts: ReportReplyOptions = {}): Reply {
  const title = `${quarterName(r.quarter)}政务新媒体检查通报（${status(r)}）`;
  if (opts.unitId !== undefined) return unitReply(r, opts.unitId, title, opts);
  const blocks: Block[] = [{ type: 'fields', fields: overallFields(r) }];
  if (r.units.length) {
    const top = r.units.slice(0, RANK_SHOWN);
    const bottom = r.units.length > RANK_SHOWN * 2 ? r.units.slice(-RANK_SHOWN) : r.units.slice(RANK_SHOWN);
    blocks.push({ type: 'text', text: `单位排名（共 ${r.units.length} 个单位）` });
    blocks.push({ type: 'table', columns: ['名次', '单位', '得分', '账号', '不合格'], rows: top.map(rankRow) });
    if (bottom.length) {
      if (r.units.length > RANK_SHOWN * 2) blocks.push({ type: 'text', text: '排名靠后' });
      blocks.push({ type: 'table', columns: ['名次', '单位', '得分', '账号', '不合格'], rows: bottom.map(rankRow) });
    }
  }
  const v = vetoedAccounts(r);
  const failing = r.accounts.filter((a) => !a.passed);
  if (failing.length) {
    blocks.push({
      type: 'text',
      text: `单项否决（不合格）账号 ${failing.length} 个：“僵尸”账号 ${v.dormant.length} 个，未备案 ${v.unfiled.length} 个`,
    });
    const lines = failing
      .slice(0, MAX_VETO_LINES)
      .map((a) => `${a.unitName} · ${label(a)}：${a.vetoes.map((x) => x.text).join('；')}`);
    if (failing.length > MAX_VETO_LINES) lines.push(`…另有 ${failing.length - MAX_VETO_LINES} 个，见明细表`);
    blocks.push({ type: 'list', items: lines });
  } else if (r.accounts.length) {
    blocks.push({ type: 'text', text: '没有被单项否决的账号。' });
  }
  const withActions = r.units.filter((u) => u.actions.length > 0);
  if (withActions.length) {
    blocks.push({ type: 'text', text: '整改要求' });
    const items = withActions.slice(0, MAX_ACTION_UNITS).map((u) => `${u.unitName}：${u.actions.join('；')}`);
    if (withActions.length > MAX_ACTION_UNITS)
      items.push(`…另有 ${withActions.length - MAX_ACTION_UNITS} 个单位，见通报稿`);
    blocks.push({ type: 'list', items });
  }
  blocks.push({ type: 'note', text: notes(r, opts).join('；') });
  return { title, tone: failing.length ? 'warning' : 'info', blocks };
}

function unitReply(r: Report, unitId: number, title: string, opts: ReportReplyOptions): Reply {
  const u = r.units.find((x) => x.unitId === unitId);
  const accounts = r.accounts.filter((a) => a.unitId === unitId);
  if (!u) {
    return {
      title,
      tone: 'info',
      blocks: [
        { type: 'text', text: '本单位本季没有纳入检查的账号。' },
        { type: 'note', text: notes(r, opts).join('；') },
      ],
    };
  }
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        { label: '单位', value: u.unitName },
        { label: '得分', value: `${u.score.toFixed(1)}（第 ${u.rank} 名，共 ${r.overall.units} 个单位）` },
        { label: '检查账号', value: `${u.accounts} 个，不合格 ${u.failed} 个` },
        {
          label: '全县',
          value: `检查 ${r.overall.accounts} 个，合格率 ${passRateText(r)}，平均 ${r.overall.meanScore.toFixed(1)} 分`,
        },
      ],
    },
    {
      type: 'table',
      columns: ['平台', '名称', '得分', '情况'],
      rows: accounts.map((a) => [
        platformName(a.platform),
        a.name,
        a.score.toFixed(1),
        a.vetoes.length
          ? `不合格：${a.vetoes.map((x) => x.text).join('；')}`
          : a.closedInQuarter
            ? `已关停注销（${a.to}）`
            : `更新 ${a.indicators.weekly.detail}`,
      ]),
    },
  ];
  if (u.actions.length) blocks.push({ type: 'text', text: '整改要求' }, { type: 'list', items: u.actions });
  blocks.push({ type: 'note', text: notes(r, opts).join('；') });
  return { title: `${title} · ${u.unitName}`, tone: u.failed ? 'warning' : 'info', blocks };
}

function notes(r: Report, opts: ReportReplyOptions): string[] {
  const out = [
    `计分方法：僵尸（${r.settings.dormantDays} 天未更新）、未备案单项否决；其余按更新、备案、审核、转载、改密、清理加权计分，单位得分为账号平均分（全文见通报稿）`,
  ];
  if (!r.issued && opts.unitId === undefined) out.push(`确认无误后发送 /通报 发布 ${r.quarter} 固定本季数据`);
  if (r.calendarNote) out.push(r.calendarNote);
  if (opts.filesNote) out.push(opts.filesNote);
  return out;
}

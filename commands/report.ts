/**
 * /通报 [2026Q4] (the quarterly inspection report: admins see the county, a unit's people their unit's page) and
 * /通报 发布 2026Q4 (admin: issue it; from then on it is shown from its snapshot, unchanged). 神木 第二十一条.
 */
import { z } from 'zod';
import { computeQuarter, quarterReport, type ReportDeps } from '../src/ports/report.js';
import { AppError } from '../src/domain/errors.js';
import type { Block, Reply } from '../src/domain/reply.js';
import { parseQuarter, type Quarter, quarterName, quarterOfDay, type Report, unitPage } from '../src/domain/report.js';
import { reportReply } from '../src/domain/report-reply.js';
import { formatShanghai } from '../src/domain/time.js';
import type { CommandContext } from './core/types.js';
import { defineCommand } from './core/types.js';

const UNIT_ROLES = ['principal', 'in_charge', 'liaison', 'officer'] as const;

/** Where the files are while a channel cannot carry them. */
export const filesNote = (quarter: string): string =>
  `图表、通报稿（.docx）和明细表（.xlsx）：npm run cli -- report ${quarter} --out 目录`;

const quarterArg = z.string().transform((s, c) => {
  const q = parseQuarter(s);
  if (!q) {
    c.issues.push({ code: 'custom', message: `季度「${s}」写法不对，例如 2026Q4 或 2026年第四季度`, input: s });
    return z.NEVER;
  }
  return q;
});

function deps(ctx: CommandContext): ReportDeps {
  const report = ctx.services.report;
  if (!report) throw new AppError({ code: 'rule', message: '本服务未启用季度通报。' });
  return { store: ctx.store, report, baseCalendar: ctx.services.baseCalendar };
}

function notBegun(q: Quarter, ctx: CommandContext): AppError {
  return new AppError({
    code: 'rule',
    message: `${quarterName(q)}（${q.start} 起）尚未开始，现在是 ${quarterOfDay(ctx.today).label}。`,
  });
}

/**
 * The report's chart, .docx draft and .xlsx, stored with the command's writes and attached to the reply (the outbox
 * row carries only their ids). Where no renderer is wired, the reply keeps its note pointing to the CLI.
 */
async function replyWithFiles(ctx: CommandContext, report: Report, unitId?: number): Promise<Reply> {
  const render = ctx.services.reportFiles;
  if (!render) return reportReply(report, { unitId, filesNote: filesNote(report.quarter) });
  const files = await render(unitId === undefined ? report : unitPage(report, unitId));
  const blocks: Block[] = [];
  for (const f of files) {
    const fileId = await ctx.store.nextId('file');
    ctx.write(
      ctx.store.files.put(
        { id: fileId, name: f.name, mime: f.mime, bytes: f.bytes, createdBy: ctx.caller.id },
        ctx.now,
      ),
    );
    blocks.push(
      f.mime.startsWith('image/')
        ? { type: 'image', fileId, alt: `${quarterName(report.quarter)}单位得分排名与“僵尸”账号变化` }
        : { type: 'file', fileId, name: f.name },
    );
  }
  const reply = reportReply(report, { unitId });
  return { ...reply, blocks: [...reply.blocks, ...blocks] };
}

const show = defineCommand({
  path: ['通报'],
  aliases: [['report']],
  access: ['registered'],
  summary: '季度检查通报：得分、排名、单项否决账号、整改要求（单位人员看本单位）',
  usage: '/通报 [季度] [单位=…]',
  examples: ['/通报', '/通报 2026Q4', '/通报 2026Q3 单位=兴国县教育局'],
  keys: { 季度: ['quarter'], 单位: ['unit'] },
  positional: ['季度'],
  args: (h) => z.object({ 季度: quarterArg.optional(), 单位: h.unit('单位').optional() }),
  async run(ctx, a): Promise<Reply> {
    const q = a.季度 ?? quarterOfDay(ctx.today);
    if (ctx.today < q.start) throw notBegun(q, ctx);
    // a unit's people see their own unit's page; an admin the whole county, or a unit's page with 单位=
    const unitId = ctx.isAdmin ? a.单位?.id : (await ctx.actingUnit(a.单位, [...UNIT_ROLES])).id;
    const { report } = await quarterReport(deps(ctx), q, ctx.now);
    return replyWithFiles(ctx, report, unitId);
  },
});

const issue = defineCommand({
  path: ['通报', '发布'],
  aliases: [['report', 'issue']],
  access: ['admin'],
  summary: '发布季度通报：固定本季数据，此后查看不再变化',
  usage: '/通报 发布 季度',
  examples: ['/通报 发布 2026Q3'],
  keys: { 季度: ['quarter'] },
  positional: ['季度'],
  args: () => z.object({ 季度: quarterArg }),
  async run(ctx, a): Promise<Reply> {
    const q = a.季度;
    const d = deps(ctx);
    if (ctx.today < q.start) throw notBegun(q, ctx);
    if (ctx.today <= q.end) {
      throw new AppError({
        code: 'rule',
        message: `${quarterName(q)}到 ${q.end} 才结束，结束后才能发布；现在可用 /通报 ${q.label} 查看截至今天的草稿。`,
      });
    }
    const before = await d.report.issued(q.label);
    if (before) {
      throw new AppError({
        code: 'conflict',
        message: `${quarterName(q)}通报已于 ${formatShanghai(before.issuedAt)} 发布，数据已固定；发送 /通报 ${q.label} 查看。`,
      });
    }
    const computed = await computeQuarter(d, q, ctx.now);
    const report = { ...computed, issued: { at: ctx.now.toISOString(), by: ctx.caller.name } };
    ctx.write(d.report.issue({ quarter: q.label, report, issuedAt: ctx.now, issuedBy: ctx.caller.id }));
    ctx.audit('report.issue', `report:${q.label}`, {
      accounts: report.overall.accounts,
      failed: report.overall.failed,
      meanScore: report.overall.meanScore,
    });
    const reply = await replyWithFiles(ctx, report);
    return {
      ...reply,
      tone: 'success',
      blocks: [
        { type: 'text', text: `已发布${quarterName(q)}通报，本季数据已固定：此后台账变化不影响本通报。` },
        ...reply.blocks,
      ],
    };
  },
});

export const reportCommands = [issue, show];

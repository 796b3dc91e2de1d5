/**
 * /台账 导出 · /台账 导入 · /台账 导入 确认 I3: the register as a spreadsheet. The export is the 兴国 附件's
 * 责任人员名单 (one sheet per unit) plus a 台账 sheet with every account; it is sent as a file through the outbox. An
 * import (an admin sends an .xlsx in a direct chat) first shows a preview `I<n>` with every problem by sheet and row;
 * nothing is written until `/台账 导入 确认 I<n>`, which writes everything in one atomic commit with the audit log.
 * What an import means is planned in src/domain/roster.ts; the file format is src/app/register-sheet.
 */
import { z } from 'zod';
import { idleDays } from '../src/domain/activity.js';
import { AppError } from '../src/domain/errors.js';
import { ACCOUNT_STATUS_NAMES, type Account, type PersonWithRoles, type Unit } from '../src/domain/model.js';
import { maskPhone } from '../src/domain/phone.js';
import { platformName } from '../src/domain/platforms.js';
import type { Reply } from '../src/domain/reply.js';
import {
  IMPORT_ROLE_NAMES,
  type ImportPlan,
  isEmptyPlan,
  type ParsedRoster,
  planDigest,
  planImport,
  type RegisterSnapshot,
} from '../src/domain/roster.js';
import { AttachmentError } from '../src/ports/attachments.js';
import { type RegisterSheetFormat, type SheetPerson, SheetError, type SheetUnit } from '../src/ports/sheets.js';
import { type CommandContext, defineCommand } from './core/types.js';

/** A preview can be confirmed for this long. */
const PREVIEW_TTL_MS = 7 * 86_400_000;
const MAX_LISTED = 40;

function sheets(ctx: CommandContext): RegisterSheetFormat {
  const s = ctx.services.registerSheets;
  if (!s) throw new AppError({ code: 'rule', message: '本服务没有启用表格功能。' });
  return s;
}

const phoneShown = (ctx: CommandContext, phone: string | null): string | null =>
  phone ? (ctx.showPhones ? phone : maskPhone(phone)) : null;
const sheetPerson = (ctx: CommandContext, p: PersonWithRoles): SheetPerson => ({
  name: p.name,
  title: p.title,
  phone: phoneShown(ctx, p.phone),
});

/** The units the caller may export: an admin every unit (or the named one), a liaison their own. */
async function exportUnits(ctx: CommandContext, named: Unit | undefined): Promise<Unit[]> {
  if (named) {
    await ctx.requireRoleIn(named.id, ['liaison']);
    return [named];
  }
  if (ctx.isAdmin) return ctx.store.units.all();
  const out: Unit[] = [];
  for (const id of ctx.unitsWhere(['liaison'])) {
    const u = await ctx.store.units.byId(id);
    if (u) out.push(u);
  }
  return out;
}

async function sheetData(ctx: CommandContext, units: readonly Unit[]): Promise<SheetUnit[]> {
  const people = new Map<number, PersonWithRoles | null>();
  const person = async (id: number | null): Promise<PersonWithRoles | null> => {
    if (id === null) return null;
    if (!people.has(id)) people.set(id, await ctx.store.people.byId(id));
    return people.get(id) ?? null;
  };
  const out: SheetUnit[] = [];
  for (const u of [...units].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))) {
    const liaisons = await ctx.store.people.withRole('liaison', u.id);
    const rows = await ctx.store.accounts.register({ unitId: u.id }, ctx.now);
    const accounts = [];
    for (const r of rows) {
      const officer = await person(r.officerId);
      const opening = (await ctx.store.filings.ofAccount(r.id)).filter((f) => f.kind === 'open').at(-1) ?? null;
      accounts.push({
        platform: platformName(r.platform),
        name: r.name,
        externalId: r.externalId,
        url: r.url,
        status: ACCOUNT_STATUS_NAMES[r.status],
        openedOn: r.openedOn,
        operation: r.operation === 'self' ? '自主运营' : '委托运营',
        operatorName: r.operatorName,
        officer: officer ? sheetPerson(ctx, officer) : null,
        lastPostAt: r.lastPostAt,
        idleDays: r.status === 'active' ? idleDays(r, ctx.today) : null,
        filing: opening ? `F${opening.id}` : null,
        note: opening?.reason ?? null,
      });
    }
    out.push({ name: u.name, liaisons: liaisons.map((p) => sheetPerson(ctx, p)), accounts });
  }
  return out;
}

/** The export file for the caller: its name, bytes, and what it holds. Writes nothing. */
export async function buildExport(
  ctx: CommandContext,
  unit?: Unit,
): Promise<{ name: string; bytes: Uint8Array; units: Unit[]; accounts: number }> {
  const format = sheets(ctx);
  const units = await exportUnits(ctx, unit);
  if (units.length === 0)
    throw new AppError({ code: 'rule', message: '您没有可导出的单位（联络员可导出本单位的台账）。' });
  const data = await sheetData(ctx, units);
  const bytes = await format.build({ date: ctx.today, now: ctx.now, units: data });
  const accounts = data.reduce((n, u) => n + u.accounts.length, 0);
  const name = `政务新媒体台账-${units.length === 1 ? units[0]!.name : '全部单位'}-${ctx.today}.xlsx`;
  return { name, bytes, units, accounts };
}

const exportCommand = defineCommand({
  path: ['台账', '导出'],
  aliases: [['export'], ['register', 'export']],
  access: ['liaison'],
  summary: '导出台账 .xlsx：「台账」总表，另按单位各一页责任人员名单（兴国 附件格式）',
  usage: '/台账 导出 [单位=…]',
  examples: ['/台账 导出', '/台账 导出 单位=兴国县教育局'],
  keys: { 单位: ['unit'] },
  positional: ['单位'],
  args: (h) => z.object({ 单位: h.unit('单位').optional() }),
  async run(ctx, a): Promise<Reply> {
    const format = sheets(ctx);
    const { name, bytes, units, accounts } = await buildExport(ctx, a.单位);
    const fileId = await ctx.store.nextId('file');
    ctx.write(ctx.store.files.put({ id: fileId, name, mime: format.mime, bytes, createdBy: ctx.caller.id }, ctx.now));
    ctx.audit('register.export', `file:${fileId}`, {
      units: units.map((u) => u.name),
      accounts,
      phones: ctx.showPhones ? 'full' : 'masked',
    });
    return {
      title: '台账导出',
      tone: 'success',
      blocks: [
        {
          type: 'fields',
          fields: [
            { label: '单位', value: units.length === 1 ? units[0]!.name : `${units.length} 个` },
            { label: '账号', value: `${accounts} 个` },
            { label: '联系电话', value: ctx.showPhones ? '完整（仅在管理员单聊中发送）' : '已打码' },
          ],
        },
        { type: 'file', fileId, name },
        { type: 'note', text: '「台账」页可直接改后发回给我导入；各单位一页为责任人员名单格式。' },
      ],
    };
  },
});

async function snapshot(ctx: CommandContext): Promise<RegisterSnapshot> {
  const [units, people] = await Promise.all([ctx.store.units.all(), ctx.store.people.list()]);
  const accounts: Account[] = [];
  for (const u of units) accounts.push(...(await ctx.store.accounts.ofUnit(u.id)));
  return { units, people, accounts };
}

const plan = async (ctx: CommandContext, roster: ParsedRoster): Promise<ImportPlan> =>
  planImport(roster, await snapshot(ctx), { today: ctx.today, policy: ctx.policy, calendar: ctx.calendar });

function limited(items: string[]): string[] {
  return items.length > MAX_LISTED ? [...items.slice(0, MAX_LISTED), `……另有 ${items.length - MAX_LISTED} 项`] : items;
}

/** The lines of a plan: units, people, accounts to add or change. */
function planItems(ctx: CommandContext, p: ImportPlan): string[] {
  const items: string[] = [];
  for (const u of p.units) items.push(`新增单位「${u}」`);
  for (const x of p.people) {
    const roles = x.addRoles.map((r) => IMPORT_ROLE_NAMES[r]).join('、');
    if (x.existingId === null) {
      const extra = [x.title, phoneShown(ctx, x.phone)].filter(Boolean).join('，');
      items.push(`新增人员 ${x.unit} ${roles}「${x.name}」${extra ? `（${extra}）` : ''}`);
    } else {
      const what = [
        ...x.changes.map(
          (c) =>
            `${c.field} ${c.field === '电话' ? (phoneShown(ctx, c.from) ?? '（空）') : (c.from ?? '（空）')} → ${c.field === '电话' ? phoneShown(ctx, c.to) : c.to}`,
        ),
        ...(roles ? [`新增角色 ${roles}`] : []),
      ];
      items.push(`更新人员 ${x.unit}「${x.name}」：${what.join('；')}`);
    }
  }
  for (const a of p.accounts) {
    const label = `${a.unit} ${platformName(a.platform)}「${a.name}」`;
    if (a.existingId === null) {
      const late = a.deadline.late ? `，备案期限 ${a.deadline.dueDate} 已过` : '';
      items.push(
        `新增账号 ${label}：开设 ${a.openedOn}${late}${a.status !== 'active' ? `，${ACCOUNT_STATUS_NAMES[a.status]}` : ''}${a.pending ? '，待管理员确认（神木 第九条）' : ''}`,
      );
    } else {
      items.push(
        `变更账号 ${label}(A${a.existingId})：${a.changes.map((c) => `${c.field} ${c.from ?? '（空）'} → ${c.to}`).join('；')}`,
      );
    }
  }
  return items;
}

function previewReply(
  ctx: CommandContext,
  id: number | null,
  fileName: string,
  roster: ParsedRoster,
  p: ImportPlan,
  lead?: string,
): Reply {
  const errors = p.problems.filter((x) => x.severity === 'error');
  const problemLines = p.problems.map(
    (x) =>
      `${x.severity === 'error' ? '❌' : '⚠'} 「${x.sheet}」${x.row !== null ? `第 ${x.row} 行` : ''}：${x.message}`,
  );
  const newPeople = p.people.filter((x) => x.existingId === null).length;
  const newAccounts = p.accounts.filter((x) => x.existingId === null).length;
  const blocks: Reply['blocks'] = [];
  if (lead) blocks.push({ type: 'text', text: lead });
  blocks.push({
    type: 'fields',
    fields: [
      {
        label: '读取',
        value: `${roster.kind === 'register' ? '「台账」工作表' : `工作表 ${roster.sheets.join('、')}`}，${p.rows} 行`,
      },
      { label: '单位', value: `新增 ${p.units.length}` },
      { label: '人员', value: `新增 ${newPeople}，更新 ${p.people.length - newPeople}` },
      { label: '账号', value: `新增 ${newAccounts}（逐个备案），变更 ${p.accounts.length - newAccounts}` },
      { label: '与台账一致', value: `${p.unchangedRows} 行` },
      { label: '有错误不导入', value: `${p.skippedRows} 行` },
    ],
  });
  const items = planItems(ctx, p);
  if (items.length) blocks.push({ type: 'list', items: limited(items) });
  if (problemLines.length)
    blocks.push(
      { type: 'text', text: `问题（${errors.length} 个错误，${p.problems.length - errors.length} 个提醒）：` },
      { type: 'list', items: limited(problemLines) },
    );
  if (isEmptyPlan(p)) {
    blocks.push({
      type: 'text',
      text: errors.length ? '没有可导入的内容：请改正上面的错误后重新发送文件。' : '文件与台账一致，没有要导入的内容。',
    });
  } else if (id !== null) {
    blocks.push({
      type: 'text',
      text: `确认导入请发送 /台账 导入 确认 I${id}${errors.length ? '（有错误的行不导入，可改正后重新发送文件）' : ''}。确认前不会写入任何内容。`,
    });
  }
  return {
    title: id !== null ? `导入预览 I${id}：${fileName}` : `导入预览：${fileName}`,
    tone: errors.length || p.problems.length ? 'warning' : 'info',
    blocks,
  };
}

/** Store a preview of `roster` and answer with it; a file with nothing to import is answered without storing. */
async function preview(ctx: CommandContext, fileName: string, roster: ParsedRoster, lead?: string): Promise<Reply> {
  const p = await plan(ctx, roster);
  if (isEmptyPlan(p)) return previewReply(ctx, null, fileName, roster, p, lead);
  const id = await ctx.store.nextId('import');
  ctx.write(
    ctx.store.imports.insert({
      id,
      fileName,
      roster,
      planDigest: planDigest(p),
      status: 'pending',
      createdBy: ctx.caller.id,
      createdAt: ctx.now,
    }),
  );
  ctx.audit('register.import_preview', `I${id}`, {
    file: fileName,
    rows: p.rows,
    units: p.units.length,
    people: p.people.length,
    accounts: p.accounts.length,
    problems: p.problems.length,
  });
  return previewReply(ctx, id, fileName, roster, p, lead);
}

function checkFileName(name: string): void {
  const n = name.toLowerCase();
  if (n.endsWith('.xls') || n.endsWith('.et') || n.endsWith('.csv')) {
    throw new AppError({
      code: 'rule',
      message: `「${name}」不是 .xlsx 文件：请在 Excel 或 WPS 中“另存为” .xlsx（Excel 工作簿）后再发送。`,
    });
  }
  if (!n.endsWith('.xlsx')) throw new AppError({ code: 'rule', message: `「${name}」不是 .xlsx 表格文件。` });
}

/** The roster in a file the admin sent (downloaded within the size limit, read as untrusted input). */
async function rosterFromAttachment(ctx: CommandContext): Promise<{ name: string; roster: ParsedRoster }> {
  const a = ctx.attachment!;
  if (ctx.chat.type !== 'p2p')
    throw new AppError({ code: 'rule', message: '台账文件请在与我的单聊中发送（含联系电话，不宜发在群里）。' });
  checkFileName(a.name);
  const format = sheets(ctx);
  let bytes: Uint8Array;
  try {
    bytes = await a.fetch(format.maxBytes);
  } catch (e) {
    if (e instanceof AttachmentError)
      throw new AppError({ code: 'rule', message: `没能读取文件「${a.name}」：${e.message}` });
    throw e;
  }
  return { name: a.name, roster: await readRoster(format, a.name, bytes) };
}

/** Read a roster file; a file that is not a readable register becomes a short message. */
export async function readRoster(format: RegisterSheetFormat, name: string, bytes: Uint8Array): Promise<ParsedRoster> {
  try {
    return await format.read(bytes);
  } catch (e) {
    if (e instanceof SheetError)
      throw new AppError({ code: 'rule', message: `「${name}」未导入：${e.message}。没有写入任何内容。` });
    throw e;
  }
}

const storedRoster = z.object({
  kind: z.enum(['roster', 'register']),
  sheets: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())),
  problems: z.array(z.record(z.string(), z.unknown())),
});

/** Write a plan: units, people and roles, accounts with their filings, in the command's one commit. */
export async function applyPlan(
  ctx: CommandContext,
  p: ImportPlan,
  snap: RegisterSnapshot,
  source: string,
): Promise<{ filings: number[]; pending: number[] }> {
  const unitId = new Map(snap.units.map((u) => [u.name, u.id]));
  for (const name of p.units) {
    const id = await ctx.store.nextId('unit');
    ctx.write(ctx.store.units.insert({ id, name, parentId: null, domains: [], createdAt: ctx.now }));
    ctx.audit('unit.add', `U${id}`, { name, via: source });
    unitId.set(name, id);
  }
  const personId = new Map<string, number>();
  for (const x of p.people) {
    const uid = unitId.get(x.unit)!;
    const grants = x.addRoles.map((role) => ({ role, unitId: uid }));
    if (x.existingId === null) {
      const id = await ctx.store.nextId('person');
      ctx.write(
        ctx.store.people.insert(
          { id, name: x.name, title: x.title, phone: x.phone, unitId: uid, active: true },
          ctx.now,
        ),
      );
      if (grants.length) ctx.write(ctx.store.people.addRoles(id, grants));
      ctx.audit('person.add', `P${id}`, { name: x.name, unit: x.unit, roles: x.addRoles, via: source });
      personId.set(x.ref, id);
    } else {
      const patch: { title?: string | null; phone?: string | null } = {};
      for (const c of x.changes) patch[c.field === '职务' ? 'title' : 'phone'] = c.to;
      if (Object.keys(patch).length) ctx.write(ctx.store.people.update(x.existingId, patch));
      if (grants.length) ctx.write(ctx.store.people.addRoles(x.existingId, grants));
      ctx.audit('person.update', `P${x.existingId}`, {
        roles: x.addRoles,
        changes: x.changes.map((c) => c.field),
        via: source,
      });
      personId.set(x.ref, x.existingId);
    }
  }
  // People the plan leaves as they are are still referenced by accounts (as 信息员).
  const officerId = (ref: string | null): number | null => {
    if (ref === null) return null;
    const known = personId.get(ref);
    if (known !== undefined) return known;
    const [unit, name] = ref.split('|') as [string, string];
    const uid = unitId.get(unit);
    return (
      snap.people.find((q) => q.name === name && (q.unitId === uid || q.roles.some((g) => g.unitId === uid)))?.id ??
      null
    );
  };
  const filings: number[] = [];
  const pending: number[] = [];
  for (const a of p.accounts) {
    const uid = unitId.get(a.unit)!;
    const filingId = await ctx.store.nextId('filing');
    const base = {
      id: filingId,
      unitId: uid,
      dueDate: a.deadline.dueDate,
      filedAt: ctx.now,
      late: a.deadline.late,
      emergency: false,
      calendarFallback: a.deadline.fallbackYears.length > 0,
      warnings: a.warnings,
      filedBy: ctx.caller.id,
    };
    if (a.existingId === null) {
      const id = await ctx.store.nextId('account');
      const account: Account = {
        id,
        unitId: uid,
        platform: a.platform,
        name: a.name,
        externalId: a.externalId,
        url: a.url,
        openedOn: a.openedOn,
        status: a.status,
        operation: a.operation,
        operatorName: a.operatorName,
        operatorKind: a.operatorKind,
        officerId: officerId(a.officer),
        feedUrl: null,
        passwordChangedOn: null,
        createdAt: ctx.now,
      };
      ctx.write(ctx.store.accounts.insert(account, ctx.now));
      const status = a.pending ? ('pending_confirmation' as const) : ('filed' as const);
      ctx.write(
        ctx.store.filings.insert({
          ...base,
          accountId: id,
          kind: 'open',
          eventDate: a.openedOn ?? ctx.today,
          status,
          reason: a.reason,
          changes: null,
        }),
      );
      ctx.audit('filing.open', `F${filingId}`, {
        account: `A${id}`,
        eventDate: a.openedOn,
        dueDate: a.deadline.dueDate,
        late: a.deadline.late,
        warnings: a.warnings,
        via: source,
      });
      if (a.pending) pending.push(filingId);
    } else {
      const patch: Partial<Account> = {
        externalId: a.externalId,
        url: a.url,
        operation: a.operation,
        operatorName: a.operatorName,
        operatorKind: a.operatorKind,
      };
      if (a.changes.some((c) => c.field === '信息员')) patch.officerId = officerId(a.officer);
      ctx.write(ctx.store.accounts.update(a.existingId, patch, ctx.now));
      const changes = Object.fromEntries(a.changes.map((c) => [c.field, { from: c.from, to: c.to }]));
      ctx.write(
        ctx.store.filings.insert({
          ...base,
          accountId: a.existingId,
          kind: 'change',
          eventDate: ctx.today,
          status: 'filed',
          reason: null,
          changes,
        }),
      );
      ctx.audit('filing.change', `F${filingId}`, { account: `A${a.existingId}`, changes, via: source });
    }
    filings.push(filingId);
  }
  return { filings, pending };
}

function appliedReply(
  id: number | null,
  fileName: string,
  p: ImportPlan,
  r: { filings: number[]; pending: number[] },
): Reply {
  const newPeople = p.people.filter((x) => x.existingId === null).length;
  const newAccounts = p.accounts.filter((x) => x.existingId === null).length;
  const range = r.filings.length ? `F${r.filings[0]}${r.filings.length > 1 ? `–F${r.filings.at(-1)}` : ''}` : '—';
  const blocks: Reply['blocks'] = [
    {
      type: 'fields',
      fields: [
        { label: '单位', value: `新增 ${p.units.length}` },
        { label: '人员', value: `新增 ${newPeople}，更新 ${p.people.length - newPeople}` },
        { label: '账号', value: `新增 ${newAccounts}，变更 ${p.accounts.length - newAccounts}` },
        { label: '备案', value: `${r.filings.length} 条（${range}）` },
        { label: '未导入', value: `${p.skippedRows} 行（有错误）` },
      ],
    },
  ];
  if (r.pending.length)
    blocks.push({
      type: 'text',
      text: `${r.pending.map((f) => `F${f}`).join('、')} 待管理员确认（神木 第九条）：核实后发送 /备案 确认 F编号。`,
    });
  blocks.push({
    type: 'note',
    text: '导入的人员还没有绑定飞书/企业微信身份：请用 /人员 新增 @此人 单位=… 角色=… 绑定后，他们才能使用命令。',
  });
  return {
    title: id !== null ? `已导入 I${id}：${fileName}` : `已导入：${fileName}`,
    tone: r.pending.length || p.skippedRows ? 'warning' : 'success',
    blocks,
  };
}

async function confirm(ctx: CommandContext, id: number): Promise<Reply> {
  const stored = await ctx.store.imports.byId(id);
  if (!stored) throw new AppError({ code: 'rule', message: `找不到导入预览 I${id}。发送 .xlsx 文件会生成新的预览。` });
  if (stored.status === 'applied') throw new AppError({ code: 'conflict', message: `I${id} 已经导入过了。` });
  if (stored.status === 'superseded')
    throw new AppError({ code: 'conflict', message: `I${id} 已被更新的预览取代，请确认最新的预览。` });
  if (ctx.now.getTime() - stored.createdAt.getTime() > PREVIEW_TTL_MS)
    throw new AppError({ code: 'rule', message: `I${id} 已超过 7 天，请重新发送文件生成新的预览。` });
  const shape = storedRoster.safeParse(stored.roster);
  if (!shape.success) throw new AppError({ code: 'rule', message: `I${id} 的内容无法读取，请重新发送文件。` });
  const roster = stored.roster as ParsedRoster;
  const snap = await snapshot(ctx);
  const p = planImport(roster, snap, { today: ctx.today, policy: ctx.policy, calendar: ctx.calendar });
  if (planDigest(p) !== stored.planDigest) {
    // The register changed since the preview: show what the import would do now, as a new preview.
    ctx.write(ctx.store.imports.setStatus(id, 'superseded', ctx.caller.id, ctx.now));
    return preview(
      ctx,
      stored.fileName,
      roster,
      `台账在预览 I${id} 之后有变化，以下是按当前台账重新核对的结果（I${id} 作废）：`,
    );
  }
  ctx.write(ctx.store.imports.setStatus(id, 'applied', ctx.caller.id, ctx.now));
  const r = await applyPlan(ctx, p, snap, `I${id}`);
  ctx.audit('register.import', `I${id}`, {
    file: stored.fileName,
    units: p.units,
    people: p.people.length,
    accounts: p.accounts.length,
    filings: r.filings.length,
    skippedRows: p.skippedRows,
  });
  return appliedReply(id, stored.fileName, p, r);
}

/**
 * Import a file at once, without a stored preview (the command line: `import FILE [--dry-run]`). With `apply` false
 * it answers with the preview and queues no writes; with `apply` true it queues every write of the import.
 */
export async function importDirect(
  ctx: CommandContext,
  fileName: string,
  bytes: Uint8Array,
  apply: boolean,
): Promise<Reply> {
  checkFileName(fileName);
  const roster = await readRoster(sheets(ctx), fileName, bytes);
  const snap = await snapshot(ctx);
  const p = planImport(roster, snap, { today: ctx.today, policy: ctx.policy, calendar: ctx.calendar });
  if (!apply || isEmptyPlan(p)) {
    const r = previewReply(ctx, null, fileName, roster, p);
    if (!isEmptyPlan(p))
      r.blocks.push({ type: 'note', text: '试运行（--dry-run）：没有写入任何内容；去掉 --dry-run 即导入。' });
    return r;
  }
  const r = await applyPlan(ctx, p, snap, `file:${fileName}`);
  ctx.audit('register.import', `file:${fileName}`, {
    file: fileName,
    units: p.units,
    people: p.people.length,
    accounts: p.accounts.length,
    filings: r.filings.length,
    skippedRows: p.skippedRows,
  });
  const reply = appliedReply(null, fileName, p, r);
  const problems = p.problems.map(
    (x) =>
      `${x.severity === 'error' ? '❌ 未导入' : '⚠'} 「${x.sheet}」${x.row !== null ? `第 ${x.row} 行` : ''}：${x.message}`,
  );
  if (problems.length) reply.blocks.push({ type: 'list', items: limited(problems) });
  return reply;
}

const importCommand = defineCommand({
  path: ['台账', '导入'],
  aliases: [['import'], ['register', 'import']],
  access: ['admin'],
  summary: '导入台账：在单聊中发给我 .xlsx（责任人员名单或导出的台账），先预览，确认后写入',
  usage: '/台账 导入（并在单聊中发送 .xlsx 文件） · /台账 导入 I3（再看预览） · /台账 导入 确认 I3',
  examples: ['/台账 导入 确认 I3'],
  keys: { 预览: ['preview', 'id'] },
  positional: ['预览'],
  flags: { 确认: ['confirm'] },
  attachments: ['.xlsx', '.xls'],
  args: (h) => z.object({ 预览: h.id('I', '预览编号').optional(), 确认: h.flag().optional() }),
  async run(ctx, a): Promise<Reply> {
    if (a.确认) {
      if (a.预览 === undefined)
        throw new AppError({ code: 'bad_argument', problems: ['请写明要确认的预览编号，例如 /台账 导入 确认 I3'] });
      return confirm(ctx, a.预览);
    }
    if (ctx.attachment) {
      const { name, roster } = await rosterFromAttachment(ctx);
      return preview(ctx, name, roster);
    }
    if (a.预览 !== undefined) {
      const stored = await ctx.store.imports.byId(a.预览);
      if (!stored) throw new AppError({ code: 'rule', message: `找不到导入预览 I${a.预览}。` });
      if (stored.status !== 'pending')
        throw new AppError({
          code: 'conflict',
          message: `I${a.预览} ${stored.status === 'applied' ? '已经导入过了' : '已被更新的预览取代'}。`,
        });
      const roster = stored.roster as ParsedRoster;
      return previewReply(ctx, stored.id, stored.fileName, roster, await plan(ctx, roster));
    }
    return {
      title: '导入台账',
      blocks: [
        {
          type: 'text',
          text: '请在与我的单聊中直接发送 .xlsx 文件：各单位填报的《政务新媒体责任人员名单》（兴国 附件格式，可多个工作表），或 /台账 导出 的文件改后发回。',
        },
        {
          type: 'list',
          items: [
            '我会先回复预览：要新增、变更的单位、人员、账号，以及每个问题所在的工作表和行',
            '确认前不写入任何内容；发送 /台账 导入 确认 I编号 后一次写入，新增账号逐个备案（F编号）',
            `文件不超过 ${Math.round(sheets(ctx).maxBytes / 1048576)} MB、2000 行；也可在服务器上运行 npm run cli -- import 文件.xlsx [--dry-run]`,
          ],
        },
      ],
    };
  },
});

export const registerCommands = [exportCommand, importCommand];

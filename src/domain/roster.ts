/**
 * What importing a register spreadsheet means, as plain rules with no files: the rows a reader took from a
 * 责任人员名单 (兴国 附件: 政务新媒体名称 | 联络员 | 职务 | 联系电话 | 信息员 | 职务 | 联系电话 | 备注) or from the register's own
 * 台账 sheet, planned against the register as it is: which units, people and accounts are added or changed, and every
 * problem by sheet and row. A row with an error is not imported; the rest can be.
 *
 * Rules applied (the same as a filing in chat, src/domain/filing.ts):
 * - 兴国 五: each account has a 联络员 (分管领导) and a 信息员 (管理责任人): two roles, held by different people;
 * - 神木 第八条 / 兴国 四(一): one account per unit per platform; a second one needs a reason (the 备注 column);
 * - 神木 第九条: an account in a person's name or for a campaign is filed pending an admin's confirmation;
 * - 神木 第十条: the same name on every platform (a warning);
 * - 浙江 二(四): entrusted operation records the operator and its kind (a warning when not qualified);
 * - 神木 第六条: every imported account is filed, its deadline counted from its opening date.
 */
import type { WorkCalendar } from './calendar.js';
import {
  checkAccountName,
  type Deadline,
  filingDeadline,
  inferOperatorKind,
  nameConsistencyWarning,
  operatorWarning,
  samePlatformAccounts,
  samePlatformMessage,
} from './filing.js';
import {
  type Account,
  ACCOUNT_STATUS_NAMES,
  type AccountStatus,
  type Operation,
  type OperatorKind,
  type PersonWithRoles,
  type Unit,
} from './model.js';
import { isPhone, maskPhone } from './phone.js';
import { findPlatform, PLATFORM_NAMES, type PlatformCode, platformName } from './platforms.js';
import type { Policy } from './policy.js';
import { type DateStr, makeDate } from './time.js';

/** The cells of one person column group (names, titles, phones), as written; several people are separated by 、 */
export interface RosterPeopleCells {
  name: string;
  title: string;
  phone: string;
}

/** One data row as a reader found it: raw cell texts, trimmed. */
export interface RosterRow {
  sheet: string;
  /** the spreadsheet's row number (1-based) */
  row: number;
  unit: string;
  /** a 平台 column, when the sheet has one ('' otherwise: the platform may be in the name cell) */
  platform: string;
  name: string;
  liaison: RosterPeopleCells;
  officer: RosterPeopleCells;
  note: string;
  /** only the register's own 台账 sheet has these */
  externalId?: string;
  url?: string;
  status?: string;
  openedOn?: string;
  operation?: string;
  operatorName?: string;
}

export interface RosterProblem {
  sheet: string;
  row: number | null;
  message: string;
  /** an error keeps the row out of the import; a warning is shown and the row is imported */
  severity: 'error' | 'warning';
}

export interface ParsedRoster {
  /** 'register': the export's own 台账 sheet; 'roster': 责任人员名单 sheets as units fill them in */
  kind: 'roster' | 'register';
  sheets: string[];
  rows: RosterRow[];
  /** problems the reader found (a sheet without a header, cells beyond the limits) */
  problems: RosterProblem[];
}

export interface RegisterSnapshot {
  units: readonly Unit[];
  /** active people with their roles */
  people: readonly PersonWithRoles[];
  accounts: readonly Account[];
}

export interface PlanEnv {
  today: DateStr;
  policy: Policy;
  calendar: WorkCalendar;
}

export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

export type ImportRole = 'liaison' | 'officer';
export const IMPORT_ROLE_NAMES: Record<ImportRole, string> = { liaison: '联络员', officer: '信息员' };

export interface PlannedPerson {
  /** `unit|name`: how rows refer to a person */
  ref: string;
  unit: string;
  name: string;
  existingId: number | null;
  title: string | null;
  phone: string | null;
  /** for an existing person: what changes (title, phone) */
  changes: FieldChange[];
  /** roles in the unit this import grants */
  addRoles: ImportRole[];
}

/** An account row of the import: the register's own fields, plus where it came from and whom it names. */
export interface PlannedAccount
  extends Pick<
    Account,
    'platform' | 'name' | 'externalId' | 'url' | 'openedOn' | 'status' | 'operation' | 'operatorName' | 'operatorKind'
  > {
  sheet: string;
  row: number;
  unit: string;
  existingId: number | null;
  /** the person ref of the account's 信息员 */
  officer: string | null;
  /** the 备注, kept as the filing's reason */
  reason: string | null;
  /** for an existing account: what changes */
  changes: FieldChange[];
  warnings: string[];
  /** 神木 第九条: the filing waits for an admin's confirmation */
  pending: boolean;
  /** the filing's deadline: opening (new) or change (existing) */
  deadline: Deadline;
}

export interface ImportPlan {
  units: string[];
  people: PlannedPerson[];
  accounts: PlannedAccount[];
  problems: RosterProblem[];
  rows: number;
  skippedRows: number;
  /** rows that match the register exactly */
  unchangedRows: number;
}

/** Limits on what one file may hold. */
export const ROSTER_LIMITS = { rows: 2_000, sheets: 60, columns: 40, cellChars: 500 } as const;

const clean = (s: string | undefined): string => (s ?? '').replace(/[\u3000\s]+/g, ' ').trim();
const compact = (s: string): string => s.replace(/[\u3000\s]+/g, '');
const nameKey = (s: string): string => compact(s).toLowerCase();
const personRef = (unit: string, name: string): string => `${unit}|${name}`;

/** Full-width digits and signs to half-width. */
function halfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * The platform written into the name cell: "微信公众号：兴国教育", "兴国教育（微博）", "【抖音】兴国教育", "兴国教育-抖音".
 * Returns null when no platform can be told.
 */
export function splitPlatformFromName(cell: string): { platform: PlatformCode; name: string } | null {
  const s = clean(cell);
  const prefix =
    /^[【[(（]?\s*([^：:】\])）]{1,12}?)\s*[】\])）]?\s*[：:]\s*(.+)$/.exec(s) ??
    /^[【[]\s*([^】\]]{1,12})\s*[】\]]\s*(.+)$/.exec(s);
  if (prefix) {
    const p = findPlatform(prefix[1]!);
    if (p) return { platform: p, name: clean(prefix[2]) };
  }
  const suffix = /^(.+?)\s*[(（【[]\s*([^()（）【】[\]]{1,12})\s*[)）】\]]$/.exec(s);
  if (suffix) {
    const p = findPlatform(suffix[2]!);
    if (p) return { platform: p, name: clean(suffix[1]) };
  }
  const dash = /^(.+?)\s*[-—–·|｜]\s*([^-—–·|｜]{1,12})$/.exec(s);
  if (dash) {
    const p = findPlatform(dash[2]!);
    if (p) return { platform: p, name: clean(dash[1]) };
    const q = findPlatform(dash[1]!);
    if (q) return { platform: q, name: clean(dash[2]) };
  }
  return null;
}

/** A phone number as written: null when empty, 'masked' when it is shown masked (138****5678), else normalized or invalid. */
export function readPhone(
  cell: string,
):
  | { kind: 'none' }
  | { kind: 'masked'; text: string }
  | { kind: 'ok'; phone: string }
  | { kind: 'invalid'; text: string } {
  const raw = halfWidth(clean(cell));
  if (raw === '') return { kind: 'none' };
  if (/^\d{2,3}\*{2,}\d{2,4}$/.test(raw.replace(/[\s-]/g, ''))) return { kind: 'masked', text: raw };
  const v = raw.replace(/[\s()（）]/g, '').replace(/^\+?86-?(?=1)/, '');
  const digits = v.replace(/-/g, '');
  if (/^1[3-9]\d{9}$/.test(digits)) return { kind: 'ok', phone: digits };
  if (isPhone(v) && v.startsWith('0')) return { kind: 'ok', phone: v };
  return { kind: 'invalid', text: raw };
}

/** A date as written in a cell: 2019-05-20, 2019/5/20, 2019.5.20, 2019年5月20日. */
export function readDateText(cell: string): DateStr | null {
  const s = halfWidth(clean(cell));
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  return m ? makeDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

const SPLIT = /[、,，;；/\n]+/;
const splitCell = (s: string): string[] =>
  clean(s)
    .split(SPLIT)
    .map((x) => x.trim())
    .filter(Boolean);

interface PersonEntry {
  name: string;
  title: string | null;
  phoneCell: string;
}

/** The people of one column group: names with their titles and phones (zipped when as many are given). */
function peopleOf(cells: RosterPeopleCells, what: string, warn: (m: string) => void): PersonEntry[] {
  const names = splitCell(cells.name);
  if (names.length === 0) return [];
  const titles = splitCell(cells.title);
  const phones = splitCell(cells.phone);
  if (titles.length > 1 && titles.length !== names.length)
    warn(`${what}有 ${names.length} 人，职务写了 ${titles.length} 个，无法一一对应，职务未导入`);
  if (phones.length > 1 && phones.length !== names.length && names.length > 1)
    warn(`${what}有 ${names.length} 人，电话写了 ${phones.length} 个，无法一一对应，电话未导入`);
  return names.map((name, i) => ({
    name,
    title: titles.length === names.length ? (titles[i] ?? null) : titles.length === 1 ? (titles[0] ?? null) : null,
    phoneCell: phones.length === names.length ? (phones[i] ?? '') : names.length === 1 ? (phones[0] ?? '') : '',
  }));
}

const STATUS_WORDS: Record<string, AccountStatus> = {
  正常: 'active',
  在用: 'active',
  运行: 'active',
  已关停: 'suspended',
  关停: 'suspended',
  已注销: 'closed',
  注销: 'closed',
};
const OPERATION_WORDS: Record<string, Operation> = {
  自主运营: 'self',
  自主: 'self',
  自营: 'self',
  委托运营: 'entrusted',
  委托: 'entrusted',
};

/** A short, stable digest of a plan: confirmation applies a preview only while the register still gives the same plan. */
export function planDigest(plan: ImportPlan): string {
  const json = JSON.stringify([
    plan.units,
    plan.people,
    plan.accounts.map((a) => ({ ...a, warnings: a.warnings.length })),
  ]);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `${h1.toString(36)}${h2.toString(36)}-${json.length}`;
}

/** Plan an import. Pure: the same roster and register always give the same plan. */
export function planImport(roster: ParsedRoster, current: RegisterSnapshot, env: PlanEnv): ImportPlan {
  const problems: RosterProblem[] = [...roster.problems];
  const unitsByName = new Map(current.units.map((u) => [u.name, u]));
  const newUnits: string[] = [];
  const people = new Map<string, PlannedPerson>();
  /** where a planned person's phone / title came from, for conflict warnings */
  const firstSeen = new Map<string, number>();
  const accounts: PlannedAccount[] = [];
  const accountAt = new Map<string, number>();
  let skipped = 0;
  let unchanged = 0;

  const existingPeopleIn = (unit: Unit | undefined, name: string): PersonWithRoles[] =>
    unit
      ? current.people.filter(
          (p) => p.active && p.name === name && (p.unitId === unit.id || p.roles.some((g) => g.unitId === unit.id)),
        )
      : [];
  const accountsIn = (unit: Unit | undefined): Account[] =>
    unit ? current.accounts.filter((a) => a.unitId === unit.id) : [];

  for (const r of roster.rows) {
    const errors: string[] = [];
    const warnings: string[] = [];
    const err = (m: string): void => void errors.push(m);
    const warn = (m: string): void => void warnings.push(m);

    const unitName = clean(r.unit)
      .replace(/[(（]\s*(加盖)?公章\s*[)）]/g, '')
      .trim();
    if (unitName === '') err('没有单位：请在「报送单位」写明单位名称（或把工作表命名为单位名称）');
    else if (unitName.length > 60) err(`单位名称「${unitName.slice(0, 20)}…」太长`);
    const unit = unitsByName.get(unitName);

    // The platform: a 平台 column, or written into the name cell.
    let platform: PlatformCode | null = null;
    let name = clean(r.name);
    const inName = splitPlatformFromName(name);
    if (clean(r.platform) !== '') {
      platform = findPlatform(compact(r.platform));
      if (!platform) err(`平台「${clean(r.platform)}」不在平台列表中（可选：${PLATFORM_NAMES.join('、')}）`);
      else if (inName && inName.platform === platform) name = inName.name;
    } else if (inName) {
      platform = inName.platform;
      name = inName.name;
    } else if (name !== '') {
      const written =
        /^[【[]?([^：:】\]]{1,12})[】\]]?\s*[：:]/.exec(name)?.[1] ??
        /[(（【[]([^()（）【】[\]]{1,12})[)）】\]]$/.exec(name)?.[1];
      err(
        written
          ? `平台「${written.trim()}」不在平台列表中（可选：${PLATFORM_NAMES.join('、')}）`
          : `看不出「${name}」是哪个平台的账号：请加「平台」列，或把名称写成「微信公众号：${name}」`,
      );
    }
    if (name === '') err('缺少政务新媒体名称');
    else if (name.length > 60) err(`名称「${name.slice(0, 20)}…」太长（最多 60 字）`);

    // People: the 联络员 (分管领导) and the 信息员 (管理责任人).
    const liaisons = peopleOf(r.liaison, '联络员', warn);
    const officers = peopleOf(r.officer, '信息员', warn);
    if (officers.length > 1)
      warn(`信息员写了 ${officers.length} 人，账号的信息员记为「${officers[0]!.name}」，其余也登记为信息员`);
    const rowPeople: {
      entry: PersonEntry;
      role: ImportRole;
      phone: string | null;
      existing: PersonWithRoles | null;
    }[] = [];
    for (const [role, list] of [
      ['liaison', liaisons],
      ['officer', officers],
    ] as const) {
      for (const entry of list) {
        const label = `${IMPORT_ROLE_NAMES[role]}「${entry.name}」`;
        if (entry.name.length > 30 || /\d{5,}/.test(entry.name)) {
          err(`${label}不像是姓名`);
          continue;
        }
        const found = existingPeopleIn(unit, entry.name);
        if (found.length > 1) err(`${label}：本单位有 ${found.length} 位同名人员，无法判断是哪一位，请用 /人员 处理`);
        const existing = found.length === 1 ? found[0]! : null;
        const phone = readPhone(entry.phoneCell);
        let phoneValue: string | null = null;
        if (phone.kind === 'invalid')
          err(`${label}的联系电话「${phone.text}」无法识别（应为 13812345678 或 0797-1234567 这样的号码）`);
        else if (phone.kind === 'ok') phoneValue = phone.phone;
        else if (
          phone.kind === 'masked' &&
          !(existing?.phone && maskPhone(existing.phone) === phone.text.replace(/[\s-]/g, ''))
        ) {
          warn(`${label}的电话已打码（${phone.text}），未导入`);
        }
        rowPeople.push({ entry, role, phone: phoneValue, existing });
      }
    }
    // 兴国 五: the 联络员 and the 信息员 are two roles held by different people.
    for (const p of rowPeople) {
      const other: ImportRole = p.role === 'liaison' ? 'officer' : 'liaison';
      const ref = personRef(unitName, p.entry.name);
      const inRow = rowPeople.some((q) => q.role === other && q.entry.name === p.entry.name);
      const planned = people.get(ref)?.addRoles.includes(other) ?? false;
      const held = p.existing?.roles.some((g) => g.role === other && g.unitId === unit?.id) ?? false;
      if ((inRow && p.role === 'officer') || planned || held) {
        err(
          `「${p.entry.name}」同时是联络员和信息员：联络员（分管领导）与信息员（管理责任人）应由不同的人担任（兴国 五）`,
        );
      }
    }

    // The account.
    let account: PlannedAccount | null = null;
    const key = `${unitName}|${platform ?? ''}|${nameKey(name)}`;
    if (platform && name !== '' && unitName !== '') {
      const dup = accountAt.get(key);
      if (dup !== undefined) err(`与第 ${accounts[dup]!.row} 行（${accounts[dup]!.sheet}）是同一个账号`);
      const externalId = clean(r.externalId) || null;
      const url = clean(r.url) || null;
      if (url !== null && !/^https?:\/\/[^\s/]+/i.test(url))
        err(`链接「${url.slice(0, 40)}」须是 http:// 或 https:// 开头的网址`);
      if (externalId !== null && externalId.length > 100) err('账号ID 太长（最多 100 字）');
      let status: AccountStatus = 'active';
      if (clean(r.status) !== '') {
        const s = STATUS_WORDS[compact(r.status!)];
        if (!s) err(`状态「${clean(r.status)}」应为 正常、已关停 或 已注销`);
        else status = s;
      }
      let openedOn: DateStr | null = null;
      if (clean(r.openedOn) !== '') {
        openedOn = readDateText(r.openedOn!);
        if (!openedOn) err(`开设日期「${clean(r.openedOn)}」不是有效日期（例如 2019-05-20）`);
        else if (openedOn > env.today) err(`开设日期 ${openedOn} 晚于今天`);
        else if (openedOn < '2000-01-01') err(`开设日期 ${openedOn} 不合理`);
      }
      let operation: Operation = 'self';
      let operatorName = clean(r.operatorName) || null;
      if (clean(r.operation) !== '') {
        const o = OPERATION_WORDS[compact(r.operation!)];
        if (!o) err(`运营方式「${clean(r.operation)}」应为 自主运营 或 委托运营`);
        else operation = o;
      } else if (operatorName) operation = 'entrusted';
      if (operation === 'entrusted' && !operatorName) err('委托运营须写明运营单位（浙江 二(四)：记录受托方）');
      if (operation === 'self') operatorName = null;
      const operatorKind: OperatorKind | null =
        operation === 'entrusted' && operatorName ? inferOperatorKind(operatorName) : null;
      const reason = clean(r.note) || null;
      const officerRef = officers[0] ? personRef(unitName, officers[0].name) : null;
      const existingAccounts = accountsIn(unit);
      const existing =
        existingAccounts.find((a) => a.platform === platform && nameKey(a.name) === nameKey(name)) ?? null;
      if (existing) {
        const changes: FieldChange[] = [];
        const diff = (field: string, from: string | null, to: string | null): void => {
          if (to !== null && to !== from) changes.push({ field, from, to });
        };
        diff('账号ID', existing.externalId, externalId);
        diff('链接', existing.url, url);
        if (clean(r.operation) !== '' || operatorName) {
          diff('运营', existing.operation === 'self' ? '自主' : '委托', operation === 'self' ? '自主' : '委托');
          if (operation === 'entrusted') diff('运营单位', existing.operatorName, operatorName);
        }
        if (officerRef) {
          const officerEntry = rowPeople.find((p) => p.role === 'officer' && p.entry.name === officers[0]!.name);
          const currentOfficer =
            existing.officerId === null
              ? null
              : (current.people.find((p) => p.id === existing.officerId)?.name ?? `P${existing.officerId}`);
          if (!officerEntry?.existing || officerEntry.existing.id !== existing.officerId)
            diff('信息员', currentOfficer, officers[0]!.name);
        }
        if (status !== existing.status) {
          warn(
            `状态与台账不同（台账：${ACCOUNT_STATUS_NAMES[existing.status]}，文件：${ACCOUNT_STATUS_NAMES[status]}）：导入不改变状态，关停、注销请用 /备案 关停|注销 办理`,
          );
        }
        if (operation === 'entrusted' && changes.some((c) => c.field === '运营' || c.field === '运营单位')) {
          const w = operatorWarning(operatorKind);
          if (w) warn(w);
        }
        account = {
          sheet: r.sheet,
          row: r.row,
          unit: unitName,
          existingId: existing.id,
          platform,
          name: existing.name,
          externalId: externalId ?? existing.externalId,
          url: url ?? existing.url,
          openedOn: existing.openedOn,
          status: existing.status,
          operation: changes.some((c) => c.field === '运营') ? operation : existing.operation,
          operatorName: changes.some((c) => c.field === '运营' || c.field === '运营单位')
            ? operatorName
            : existing.operatorName,
          operatorKind: changes.some((c) => c.field === '运营' || c.field === '运营单位')
            ? operatorKind
            : existing.operatorKind,
          officer: officerRef,
          reason,
          changes,
          warnings: [],
          pending: false,
          deadline: filingDeadline('change', env.today, env.today, {
            emergency: false,
            policy: env.policy,
            calendar: env.calendar,
          }),
        };
      } else {
        // Accounts of the unit as they will be: the register's and those planned from earlier rows.
        const plannedSiblings = accounts
          .filter((a) => a.unit === unitName && a.existingId === null)
          .map(
            (a, i): Account => ({
              id: -(i + 1),
              unitId: unit?.id ?? -1,
              platform: a.platform,
              name: a.name,
              externalId: null,
              url: null,
              openedOn: null,
              status: a.status,
              operation: 'self',
              operatorName: null,
              operatorKind: null,
              officerId: null,
              feedUrl: null,
              passwordChangedOn: null,
              createdAt: new Date(0),
            }),
          );
        const siblings = [...existingAccounts, ...plannedSiblings];
        const accWarnings: string[] = [];
        const others = status === 'active' ? samePlatformAccounts(siblings, platform) : [];
        if (others.length > 0) {
          const msg = samePlatformMessage(platform, others).replace(/\(A-\d+\)/g, '（本文件）');
          if (!reason) err(`${msg}如确需开设，请在「备注」写明理由`);
          else accWarnings.push(`${msg}开设理由：${reason}`);
        }
        const names = [
          ...new Set([
            ...current.people
              .filter((p) => unit && (p.unitId === unit.id || p.roles.some((g) => g.unitId === unit.id)))
              .map((p) => p.name),
            ...rowPeople.map((p) => p.entry.name),
            ...[...people.values()].filter((p) => p.unit === unitName).map((p) => p.name),
          ]),
        ];
        const findings = checkAccountName(name, names);
        accWarnings.push(...findings.map((f) => f.message));
        if (status === 'active') {
          const c = nameConsistencyWarning(siblings, name);
          if (c) accWarnings.push(c);
        }
        if (operation === 'entrusted') {
          const w = operatorWarning(operatorKind);
          if (w) accWarnings.push(w);
        }
        const eventDate = openedOn ?? env.today;
        account = {
          sheet: r.sheet,
          row: r.row,
          unit: unitName,
          existingId: null,
          platform,
          name,
          externalId,
          url,
          openedOn: openedOn ?? env.today,
          status,
          operation,
          operatorName,
          operatorKind,
          officer: officerRef,
          reason,
          changes: [],
          warnings: accWarnings,
          pending: findings.length > 0,
          deadline: filingDeadline('open', eventDate, env.today, {
            emergency: false,
            policy: env.policy,
            calendar: env.calendar,
          }),
        };
      }
    }

    const at = (m: string, severity: RosterProblem['severity']): RosterProblem => ({
      sheet: r.sheet,
      row: r.row,
      message: m,
      severity,
    });
    if (errors.length > 0) {
      skipped++;
      problems.push(...errors.map((m) => at(m, 'error')), ...warnings.map((m) => at(m, 'warning')));
      continue;
    }
    problems.push(...warnings.map((m) => at(m, 'warning')));
    if (account?.warnings.length)
      problems.push(
        ...account.warnings.map((m) => at(`${platformName(account!.platform)}「${account!.name}」：${m}`, 'warning')),
      );

    // Commit the row into the plan.
    let changedSomething = false;
    if (!unit && !newUnits.includes(unitName)) newUnits.push(unitName);
    for (const p of rowPeople) {
      const ref = personRef(unitName, p.entry.name);
      let planned = people.get(ref);
      if (!planned) {
        planned = {
          ref,
          unit: unitName,
          name: p.entry.name,
          existingId: p.existing?.id ?? null,
          title: p.existing?.title ?? null,
          phone: p.existing?.phone ?? null,
          changes: [],
          addRoles: [],
        };
        people.set(ref, planned);
        firstSeen.set(ref, r.row);
      }
      const setField = (field: '职务' | '电话', value: string | null): void => {
        if (value === null) return;
        const prop = field === '职务' ? 'title' : 'phone';
        const was = planned![prop];
        if (was === value) return;
        const fromFile = planned!.existingId === null ? was !== null : planned!.changes.some((c) => c.field === field);
        if (fromFile) {
          problems.push(
            at(
              `「${p.entry.name}」的${field}与第 ${firstSeen.get(ref)} 行不同，采用第 ${firstSeen.get(ref)} 行的`,
              'warning',
            ),
          );
          return;
        }
        if (planned!.existingId !== null) planned!.changes.push({ field, from: was, to: value });
        planned![prop] = value;
      };
      setField('职务', p.entry.title);
      setField('电话', p.phone);
      const holds = p.existing?.roles.some((g) => g.role === p.role && g.unitId === unit?.id) ?? false;
      if (!holds && !planned.addRoles.includes(p.role)) planned.addRoles.push(p.role);
      if (planned.existingId === null || planned.changes.length > 0 || planned.addRoles.length > 0)
        changedSomething = true;
    }
    if (account) {
      accountAt.set(key, accounts.length);
      // unchanged accounts are kept too (for duplicate detection) and filtered out below
      accounts.push(account);
      if (account.existingId === null || account.changes.length > 0) changedSomething = true;
    }
    if (!changedSomething) unchanged++;
  }

  const plannedPeople = [...people.values()].filter(
    (p) => p.existingId === null || p.changes.length > 0 || p.addRoles.length > 0,
  );
  return {
    units: newUnits,
    people: plannedPeople,
    accounts: accounts.filter((a) => a.existingId === null || a.changes.length > 0),
    problems,
    rows: roster.rows.length,
    skippedRows: skipped,
    unchangedRows: unchanged,
  };
}

/** Nothing to write: no unit, person or account added or changed. */
export function isEmptyPlan(plan: ImportPlan): boolean {
  return plan.units.length === 0 && plan.people.length === 0 && plan.accounts.length === 0;
}

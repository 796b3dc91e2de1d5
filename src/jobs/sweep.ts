/**
 * The daily reminders sweep: a function of (database, settings, calendar, now). It finds every reminder due, a page of
 * units at a time (one pass over the page's accounts for the per-account kinds, src/jobs/reminder-kinds.ts), tells
 * apart those already sent (the `reminders` table, looked up in the same queries), and turns the rest into messages:
 * one digest per unit to its work group and liaisons, direct messages to people a review waits on, and one summary
 * to the admins.
 *
 * Once each: the new reminders are recorded and their messages queued in the outbox in one commit. A second sweep
 * that recorded any of them first makes this commit fail as a whole (ConflictError), and the sweep recomputes what is
 * still new; a crash before the commit leaves nothing recorded, so the next sweep sends it all. A message's dedupe key
 * is derived from the reminder keys it carries, so the same findings can never queue a second copy.
 */
import type { Services } from '../ports/services.js';
import { resolvePolicy } from '../domain/policy.js';
import type { Quarter, Report } from '../domain/report.js';
import { computeQuarter } from '../ports/report.js';
import {
  accountRefs,
  adminSummary,
  type DigestSection,
  isRemindDay,
  isoWeek,
  KeysDigest,
  keysDigest,
  liaisonPointer,
  MAX_LINES_PER_SECTION,
  MAX_UNIT_LINES,
  personDigest,
  type ReminderItem,
  unitDigest,
} from '../domain/reminders.js';
import { addDays, formatShanghai, shanghaiDate } from '../domain/time.js';
import type { OutboxMessage } from '../ports/store.js';
import { ConflictError, type Writes } from '../ports/write.js';
import type {
  AccountChecks,
  Contact,
  Contacts,
  IdRange,
  ReminderRecord,
  SweepStore,
  SweepTrigger,
} from '../ports/sweep.js';
import type { PlannedMessage, SweepPlan } from '../ports/sweep.js';
import { type Found, type KindEnv, REMINDER_KINDS, type ReminderKind, SECTIONS } from './reminder-kinds.js';
import type { SweepEnv } from '../ports/sweep.js';
import { channelLabel } from '../ports/services.js';
import { previousQuarter, quarterOfDay } from '../domain/report.js';

export interface SweepDeps {
  services: Services;
  sweep: SweepStore;
}

export interface SweepReport extends SweepPlan {
  dryRun: boolean;
  /** the reminders and messages were recorded and queued */
  committed: boolean;
  /** times the sweep started (more than one when another sweep ran at the same time) */
  attempts: number;
  /**
   * How many were found, recorded and queued (also when `retain` is false and the lists are empty). With `retain`
   * false, what was recorded before is not read (unless a summary still has to count it), so `found` counts only
   * what the sweep had to look at.
   */
  totals: { found: number; fresh: number; messages: number };
}

export interface SweepOptions {
  /** the moment the sweep runs as of */
  now: Date;
  /** find and plan only: nothing is recorded or queued */
  dryRun?: boolean;
  trigger?: SweepTrigger;
  /** when the writes happen (outbox times, pruning); defaults to `now`. `remind --now` passes the real time. */
  recordedAt?: Date;
  /**
   * Keep every item and message in the report (default); false keeps only `totals`, so memory stays bounded by a page,
   * and leaves what was recorded before in the database (a second run with nothing new reads no accounts into JS).
   */
  retain?: boolean;
  /** units per page (default 200) */
  unitsPerPage?: number;
  /** called before each commit with the page's number (0-based; the last commit is the page after the last): tests cut a sweep off here */
  beforeCommit?: (page: number) => void | Promise<void>;
}

/**
 * Units per page: each page's accounts are read, recorded and queued together (20 accounts a unit: 4,000 a page).
 * Larger pages cost as much CPU and hold more in memory.
 */
const UNITS_PER_PAGE = 200;
const MAX_ATTEMPTS = 3;

/** Settings and calendar overrides as stored now. */
export async function sweepEnv(services: Services, now: Date): Promise<SweepEnv> {
  const [stored, overrides] = await Promise.all([services.store.settings.all(), services.store.calendar.overrides()]);
  const today = shanghaiDate(now);
  const report = services.report;
  const quarterDraft = report
    ? async (q: Quarter): Promise<Report | null> =>
        (await report.issued(q.label))
          ? null
          : computeQuarter({ store: services.store, report, baseCalendar: services.baseCalendar }, q, now)
    : undefined;
  return {
    now,
    today,
    week: isoWeek(today),
    policy: resolvePolicy(stored),
    calendar: services.baseCalendar.withOverrides(overrides),
    quarterDraft,
  };
}

/** The periods of the reminders of today that are not asked page by page (reviews, feeds, the calendar, the report). */
const periodsOf = (env: SweepEnv): string[] => [env.today, env.week, previousQuarter(quarterOfDay(env.today)).label];

/** Everything a sweep reads once before its pages: kinds that apply, unit names, the pages of units. */
interface Prepared {
  kindEnv: KindEnv;
  /** the per-account kinds (one pass over a page's accounts), the other paged kinds, the rest */
  accountKinds: readonly ReminderKind[];
  paged: readonly ReminderKind[];
  rest: readonly ReminderKind[];
  checks: Omit<AccountChecks, 'units'> | null;
  pages: IdRange[];
  /** names → refs, set per page from the names the page's rows carry */
  refs: (id: number, name: string, platform: string) => string;
}

async function prepare(
  q: SweepStore,
  env: SweepEnv,
  adopt: ReadonlySet<number>,
  retain: boolean,
  unitsPerPage: number,
): Promise<Prepared> {
  const kinds = REMINDER_KINDS.filter((k) => k.applies(env));
  const [units, range] = await Promise.all([q.unitNames(), q.unitIds()]);
  const pages: IdRange[] = [];
  if (range)
    for (let from = range.min; from <= range.max; from += unitsPerPage)
      pages.push({ from, to: Math.min(range.max, from + unitsPerPage - 1) });
  let recorded = new Map<string, number>();
  const p: Prepared = {
    kindEnv: {
      ...env,
      ref: (a) => p.refs(a.accountId, a.name, a.platform),
      unitName: (id) => units.get(id) ?? `U${id}`,
      adopt,
      onlyNew: retain ? null : [...adopt],
      recordedToken: (kind, accountId, ref, period) => recorded.get(identity(kind, accountId, ref, period)) ?? null,
    },
    accountKinds: kinds.filter((k) => k.accounts),
    paged: kinds.filter((k) => k.paged && !k.accounts),
    rest: kinds.filter((k) => !k.paged),
    checks: null,
    pages,
    refs: accountRefs([]),
  };
  if (p.accountKinds.length) {
    const checks: Omit<AccountChecks, 'units'> = {
      now: env.now,
      idle: null,
      weekly: null,
      password: null,
      onlyNew: p.kindEnv.onlyNew,
    };
    for (const k of p.accountKinds) Object.assign(checks, k.accounts!.checks(p.kindEnv));
    p.checks = checks;
  }
  // the kinds that are not paged are few: what they recorded is read once
  const rest = p.rest.flatMap((k) => k.sections.map((s) => s.kind));
  if (rest.length)
    recorded = new Map(
      (await q.recorded(periodsOf(env), rest)).map((r) => [identity(r.kind, r.accountId, r.ref, r.period), r.token]),
    );
  return p;
}

/**
 * What the per-account pages are read against: the change count, and everything they are asked with (the day, the
 * kinds that apply, their cutoffs and periods, the settings). Equal bases and no creation after the earlier moment:
 * the same rows.
 */
function basisOf(changes: number, env: SweepEnv, p: Prepared): string {
  const checks = p.checks ? { ...p.checks, now: undefined, onlyNew: undefined } : null;
  const kinds = [...p.accountKinds, ...p.paged].map((k) => k.name);
  return `${changes}|${JSON.stringify({ today: env.today, kinds, checks, policy: env.policy })}`;
}

const identity = (kind: string, accountId: number | null, ref: number, period: string): string =>
  `${kind}|${accountId ?? 0}|${ref}|${period}`;

/** The reminders due about the accounts of one page of units (null: the kinds that are not paged), in the kinds' order. */
async function collect(q: SweepStore, p: Prepared, page: IdRange | null): Promise<Found[]> {
  const env = p.kindEnv;
  const kinds = page ? [...p.accountKinds, ...p.paged] : p.rest;
  const states = page && p.checks ? await q.accountChecks({ ...p.checks, units: page }) : [];
  const rows = await Promise.all((page ? p.paged : p.rest).map((k) => k.find!(q, env, page)));
  // the names the lines refer to (only where lines are written): how many accounts carry each
  const names = new Set<string>();
  for (const a of states)
    if (
      (a.idle !== null && writesLines(env, a.idleToken)) ||
      (a.weeklyPosts !== null && writesLines(env, a.weeklyToken)) ||
      (a.passwordSince !== null && writesLines(env, a.passwordToken))
    )
      names.add(a.name);
  for (const r of rows) for (const n of r.names) names.add(n);
  p.refs = accountRefs(names.size ? await q.nameCounts([...names]) : []);
  const byKind = new Map<ReminderKind, Found[]>(kinds.map((k) => [k, []]));
  for (const k of p.accountKinds) {
    if (!page) break;
    const out = byKind.get(k)!;
    const emit = (f: Found): void => {
      out.push(f);
    };
    for (const a of states) k.accounts!.toItem(a, env, emit);
  }
  (page ? p.paged : p.rest).forEach((k, n) => {
    const out = byKind.get(k)!;
    rows[n]!.emit(env, (f) => out.push(f));
  });
  const found: Found[] = [];
  for (const k of REMINDER_KINDS) for (const f of byKind.get(k) ?? []) found.push(f);
  return found;
}

const writesLines = (env: KindEnv, token: number | null): boolean => token === null || env.adopt.has(token);

function groupBy<T, K>(xs: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** Lines a unit's digest shows of each kind. */
const UNIT_LINES = new Map(SECTIONS.map((s) => [s.kind, s.everyLine ? Number.POSITIVE_INFINITY : MAX_UNIT_LINES]));

/** A unit's digest sections: the first lines of each kind (every line of some), and how many items each has. */
function sections(items: readonly ReminderItem[], env: SweepEnv): DigestSection[] {
  const byKind = new Map<string, { lines: string[]; total: number }>();
  for (const i of items) {
    if (i.unitLine === null) continue;
    let s = byKind.get(i.kind);
    if (!s) byKind.set(i.kind, (s = { lines: [], total: 0 }));
    if (s.total++ < (UNIT_LINES.get(i.kind) ?? MAX_UNIT_LINES)) s.lines.push(i.unitLine);
  }
  const out: DigestSection[] = [];
  for (const spec of SECTIONS) {
    const s = byKind.get(spec.kind);
    if (s) out.push({ heading: spec.label(env), lines: s.lines, total: s.total });
  }
  return out;
}

/** Who can be told: every unit's work groups and liaisons, and (for the last commit) the people reviews wait on. */
interface Reach {
  chats: Map<number, Contacts['chats']>;
  liaisons: Map<number, Contacts['liaisons']>;
  people: Map<number, Contact>;
}

const reachOf = (c: Contacts): Reach => ({
  chats: groupBy(c.chats, (x) => x.unitId),
  liaisons: groupBy(c.liaisons, (x) => x.unitId),
  people: new Map(c.people.map((p) => [p.personId, p])),
});

/** What the admins' summary counts, added up page by page. */
interface Tally {
  items: number;
  perKind: Map<string, { count: number; units: Set<number> }>;
  /** the admins' first lines, by kind (a section shows MAX_LINES_PER_SECTION), and how many there are */
  lines: Map<string, { lines: string[]; total: number }>;
  /** what the summary's dedupe key is derived from: units' digest keys, and the keys no digest carries */
  parts: KeysDigest;
  unreachable: string[];
}

const newTally = (): Tally => ({
  items: 0,
  perKind: new Map(),
  lines: new Map(),
  parts: new KeysDigest(),
  unreachable: [],
});

function count(t: Tally, items: readonly ReminderItem[], keyed: boolean): void {
  for (const i of items) {
    t.items++;
    let k = t.perKind.get(i.kind);
    if (!k) t.perKind.set(i.kind, (k = { count: 0, units: new Set() }));
    k.count++;
    if (i.unitId !== null) k.units.add(i.unitId);
    if (i.adminLine !== null) {
      let l = t.lines.get(i.kind);
      if (!l) t.lines.set(i.kind, (l = { lines: [], total: 0 }));
      l.total++;
      if (l.lines.length < MAX_LINES_PER_SECTION) l.lines.push(i.adminLine);
    }
    if (keyed) t.parts.add(i.key);
  }
}

type Direct = (
  c: Contact,
  payload: OutboxMessage['payload'],
  key: string,
  audience: PlannedMessage['audience'],
  unitId: number | null,
  seen: Set<string>,
) => boolean;

function directTo(services: Services, messages: PlannedMessage[]): Direct {
  return (c, payload, key, audience, unitId, seen) => {
    const id = services.notifier.personTarget(c);
    if (!id) return false;
    const target = `${id.channel}:user:${id.externalId}`;
    if (seen.has(target)) return true;
    seen.add(target);
    messages.push({
      message: {
        channel: id.channel,
        targetType: 'user',
        target: id.externalId,
        payload,
        dedupeKey: `${key}|${target}`,
      },
      to: `${c.name}（${channelLabel(services, id.channel)}）`,
      audience,
      unitId,
    });
    return true;
  };
}

/** One digest per unit of a page's new reminders: to its work group(s) and, directly, to its liaisons. */
function composeUnits(
  services: Services,
  env: SweepEnv,
  fresh: readonly ReminderItem[],
  reach: Reach,
  tally: Tally,
): PlannedMessage[] {
  const messages: PlannedMessage[] = [];
  const direct = directTo(services, messages);
  const base = `remind:${env.today}`;
  const byUnit = new Map<number, ReminderItem[]>();
  for (const i of fresh) {
    if (i.unitLine === null || i.unitId === null) {
      tally.parts.add(i.key);
      continue;
    }
    const list = byUnit.get(i.unitId);
    if (list) list.push(i);
    else byUnit.set(i.unitId, [i]);
  }
  for (const [unitId, items] of byUnit) {
    const unitName = items[0]?.unitName ?? `U${unitId}`;
    const urgent = items.some((i) => i.severity !== 'notice');
    const digest = sections(items, env);
    const payload = unitDigest(unitName, env.today, digest, urgent, env.policy.remindTime);
    const keys = new KeysDigest();
    for (const i of items) keys.add(i.key);
    const digestKey = keys.value();
    tally.parts.add(`U${unitId}:${digestKey}`);
    const key = `${base}:U${unitId}:${digestKey}`;
    let reached = 0;
    const groups: string[] = [];
    for (const c of reach.chats.get(unitId) ?? []) {
      const to = `「${unitName}」工作群（${channelLabel(services, c.channel)}）`;
      messages.push({
        message: {
          channel: c.channel,
          targetType: 'chat',
          target: c.chatId,
          payload,
          dedupeKey: `${key}|${c.channel}:chat:${c.chatId}`,
        },
        to,
        audience: 'unit',
        unitId,
      });
      groups.push(to);
      reached++;
    }
    // The liaisons are told directly too: the digest itself when there is no work group, else a short pointer to it.
    const toLiaison = groups.length ? liaisonPointer(unitName, env.today, digest, groups, urgent) : payload;
    const seen = new Set<string>();
    for (const l of reach.liaisons.get(unitId) ?? []) if (direct(l, toLiaison, key, 'unit', unitId, seen)) reached++;
    if (reached === 0) {
      tally.unreachable.push(
        `「${unitName}」（${items.length} 项提醒）：未绑定工作群，也没有可联系的联络员。在该单位工作群发送 /单位 绑定群 单位=${unitName}，或 /人员 新增 @某人 单位=${unitName} 角色=联络员`,
      );
    }
  }
  return messages;
}

/** The last messages of a sweep: one per person a review waits on, and the admins' summary of the whole sweep. */
async function composeRest(
  deps: SweepDeps,
  env: SweepEnv,
  fresh: readonly ReminderItem[],
  reach: Reach,
  tally: Tally,
): Promise<PlannedMessage[]> {
  const { services } = deps;
  const messages: PlannedMessage[] = [];
  if (tally.items === 0) return messages;
  const direct = directTo(services, messages);
  const base = `remind:${env.today}`;
  const lines = new Map<number, { lines: string[]; keys: string[]; unitId: number | null }>();
  for (const i of fresh) {
    for (const p of i.personLines) {
      const entry = lines.get(p.personId) ?? { lines: [], keys: [], unitId: i.unitId };
      entry.lines.push(p.line);
      entry.keys.push(i.key);
      lines.set(p.personId, entry);
    }
  }
  for (const [personId, entry] of lines) {
    const c = reach.people.get(personId);
    const key = `${base}:P${personId}:${keysDigest(entry.keys)}`;
    if (!c || !direct(c, personDigest(env.today, entry.lines), key, 'person', entry.unitId, new Set())) {
      tally.unreachable.push(
        `${c?.name ?? `P${personId}`}（${entry.lines.length} 项审核提醒）：没有可用的飞书或企业微信账号`,
      );
    }
  }

  const counts = SECTIONS.map((s) => ({
    label: s.label(env).replace(/（.*$/, ''),
    count: tally.perKind.get(s.kind)?.count ?? 0,
    units: tally.perKind.get(s.kind)?.units.size ?? 0,
  }));
  // Each open repost task's completion, so the office sees where every task stands.
  const progress = await deps.sweep.repostProgress({ now: env.now });
  const details: DigestSection[] = SECTIONS.filter((s) => tally.lines.has(s.kind)).map((s) => ({
    heading: s.label(env),
    lines: tally.lines.get(s.kind)!.lines,
    total: tally.lines.get(s.kind)!.total,
  }));
  if (progress.length) {
    details.push({
      heading: '转载任务进度',
      lines: progress.map(
        (t) =>
          `T${t.taskId}「${t.title}」截止 ${formatShanghai(t.deadlineAt)}${t.deadlineAt <= env.now ? '（已过）' : ''}：完成 ${t.done}/${t.total}（${Math.round((100 * t.done) / Math.max(1, t.total))}%），/转载 进度 T${t.taskId}`,
      ),
    });
  }
  const summary = adminSummary({ today: env.today, counts, details, unreachable: tally.unreachable });
  const plan = await services.notifier.plan({ admins: true }, summary, {
    dedupeKey: `${base}:admins:${tally.parts.value()}`,
  });
  plan.messages.forEach((m, n) => {
    messages.push({ message: m, to: plan.reached[n] ?? m.target, audience: 'admins', unitId: null });
  });
  if (plan.messages.length === 0)
    services.log.warn({ today: env.today }, 'reminders: no admin can be reached for the summary');
  return messages;
}

/** Find, and plan the messages for what is new; changes nothing (a dry run, /提醒 预览). */
export async function planSweep(deps: SweepDeps, now: Date): Promise<SweepPlan> {
  const { dryRun: _d, committed: _c, attempts: _a, ...p } = await runSweep(deps, { now, dryRun: true });
  return p;
}

/** A sweep's token in `reminders.token` (≥ 2; 1 means counted when recorded): which run will count a page's reminders. */
const newToken = (): number => 2 + Math.floor(Math.random() * 2 ** 52);

/**
 * Run the sweep (or plan it, with `dryRun`). Pages of units are read one at a time; each page's new reminders are
 * recorded and its units' digests queued in one commit, so memory stays bounded by a page and a sweep cut off between
 * pages has sent every digest it recorded and nothing else. The last commit holds the reminders that are not about
 * one unit's accounts (reviews, feeds, the calendar), the direct messages to people, the admins' summary of
 * everything recorded since the last summary, the run record and the pruning.
 *
 * A second sweep at the same time: a page whose reminders the other recorded first fails as a whole
 * (ConflictError); the sweep then starts again from its first page, finding those recorded and not new.
 */
export async function runSweep(deps: SweepDeps, opts: SweepOptions): Promise<SweepReport> {
  const { services, sweep } = deps;
  // read before the settings and any page: a change committed after this is seen by the next sweep, whatever this
  // one read
  const changes = await sweep.changes();
  const env = await sweepEnv(services, opts.now);
  const at = opts.recordedAt ?? opts.now;
  const dry = opts.dryRun === true;
  const retain = opts.retain !== false;
  const token = newToken();
  const report: SweepReport = {
    env,
    remindDay: isRemindDay(env.calendar, env.today, env.policy.remindAllDays),
    found: [],
    fresh: [],
    messages: [],
    unreachable: [],
    dryRun: dry,
    committed: false,
    attempts: 0,
    totals: { found: 0, fresh: 0, messages: 0 },
  };
  /** summaries this sweep may count: its own, and on its first attempt those left by a sweep cut off midway */
  const owned = new Set<number>([token]);
  // who can be told, read once and only when there is something new to tell
  let reach: Reach | null = null;
  const contacts = async (): Promise<Reach> => (reach ??= reachOf(await sweep.contacts([])));

  for (let attempt = 1; ; attempt++) {
    report.attempts = attempt;
    const found: ReminderItem[] = [];
    const tally = newTally();
    // Reminders recorded by a sweep that stopped before its summary: counted (with their lines) in this one.
    const pending = await sweep.unsummarized();
    if (attempt === 1) for (const t of pending.keys()) if (owned.size < 90) owned.add(t);
    const adopt = new Set([...owned].filter((t) => pending.has(t)));
    let adopted = 0;
    for (const t of adopt) adopted += pending.get(t) ?? 0;
    const p = await prepare(sweep, env, adopt, retain, opts.unitsPerPage ?? UNITS_PER_PAGE);
    const basis = basisOf(changes, env, p);
    // Nothing the pages depend on changed since a complete sweep of today: they would find only what it recorded
    // (and counted: no summary is pending). Kept lists (`retain`) need every reminder due, so they read the pages.
    const unchanged = !retain && pending.size === 0 && (await sweep.unchangedSince(env.today, basis, opts.now));
    let recordedNow = 0;
    let foundNow = 0;
    let page = 0;
    try {
      for (const units of unchanged ? [null] : [...p.pages, null]) {
        const all = await collect(sweep, p, units);
        foundNow += all.length;
        const fresh: ReminderItem[] = [];
        const again: ReminderItem[] = [];
        for (const f of all) {
          if (f.token === null) fresh.push(f.item);
          else if (adopt.has(f.token)) again.push(f.item);
          if (retain) found.push(f.item);
        }
        count(tally, again, true);
        const messages = units && fresh.length ? composeUnits(services, env, fresh, await contacts(), tally) : [];
        if (units === null) {
          count(tally, fresh, false);
          const people = new Set<number>();
          for (const i of fresh) for (const l of i.personLines) people.add(l.personId);
          const base = tally.items ? await contacts() : null;
          const to =
            base && people.size ? { ...base, people: reachOf(await sweep.contacts([...people])).people } : base;
          for (const i of fresh) tally.parts.add(i.key);
          if (to) messages.push(...(await composeRest(deps, env, fresh, to, tally)));
        } else count(tally, fresh, false);
        if (!dry && (fresh.length || messages.length || units === null)) {
          const writes: Writes[] = [
            sweep.record(fresh satisfies readonly ReminderRecord[], at, units ? token : 1),
            ...messages.map((m) => services.store.outbox.enqueue(m.message, at)),
          ];
          if (units === null) {
            writes.push(
              sweep.summarized([...owned], adopted + recordedNow),
              sweep.recordRun({
                runDate: env.today,
                asOf: opts.now,
                ranAt: at,
                trigger: opts.trigger ?? 'schedule',
                items: report.totals.fresh + fresh.length,
                messages: report.totals.messages + messages.length,
                basis,
              }),
              // kept 提醒记录保留天数 (at least 14, beyond the longest period: a week)
              sweep.prune(
                addDays(env.today, -env.policy.keepReminderDays),
                isoWeek(addDays(env.today, -env.policy.keepReminderDays)),
              ),
            );
          }
          await opts.beforeCommit?.(page);
          await services.store.commit(writes);
          if (units) recordedNow += fresh.length;
        }
        page++;
        report.totals.fresh += fresh.length;
        report.totals.messages += messages.length;
        if (retain) {
          report.fresh.push(...fresh);
          report.messages.push(...messages);
        }
      }
      report.found = found;
      report.totals.found = foundNow;
      report.unreachable = tally.unreachable;
      report.committed = !dry;
      if (!dry)
        services.log.info(
          { today: env.today, ...report.totals, attempt, pages: page, unchanged },
          'reminders sweep done',
        );
      return report;
    } catch (e) {
      if (e instanceof ConflictError && attempt < MAX_ATTEMPTS) {
        services.log.info(
          { today: env.today, attempt },
          'reminders: another sweep recorded some of these first; starting again',
        );
        continue;
      }
      throw e;
    }
  }
}

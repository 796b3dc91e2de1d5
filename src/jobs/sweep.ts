/**
 * The daily reminders sweep: a function of (database, settings, calendar, now). It finds every reminder due (one query
 * per kind over the whole register, src/jobs/reminder-kinds.ts), drops those already sent (the `reminders` table,
 * keyed kind:subject:period), and turns the rest into messages: one digest per unit to its work group and liaisons,
 * direct messages to people a review waits on, and one summary to the admins.
 *
 * Once each: the new reminders are recorded and their messages queued in the outbox in one commit. A second sweep
 * that recorded any of them first makes this commit fail as a whole (ConflictError), and the sweep recomputes what is
 * still new; a crash before the commit leaves nothing recorded, so the next sweep sends it all. A message's dedupe key
 * is derived from the reminder keys it carries, so the same findings can never queue a second copy.
 */
import type { Services } from '../ports/services.js';
import { resolvePolicy } from '../domain/policy.js';
import {
  accountRefs,
  adminSummary,
  type DigestSection,
  isRemindDay,
  isoWeek,
  keysDigest,
  liaisonPointer,
  personDigest,
  type ReminderItem,
  unitDigest,
} from '../domain/reminders.js';
import { addDays, formatShanghai, shanghaiDate } from '../domain/time.js';
import type { OutboxMessage } from '../ports/store.js';
import { ConflictError, type Writes } from '../ports/write.js';
import type { Contact, IdRange, ReminderRecord, SweepStore, SweepTrigger } from '../ports/sweep.js';
import type { PlannedMessage, SweepPlan } from '../ports/sweep.js';
import { type KindEnv, REMINDER_KINDS, SECTIONS } from './reminder-kinds.js';
import type { SweepEnv } from '../ports/sweep.js';
import { channelLabel } from '../ports/services.js';

export interface SweepDeps {
  services: Services;
  sweep: SweepStore;
}

export interface SweepReport extends SweepPlan {
  dryRun: boolean;
  /** the reminders and messages were recorded and queued */
  committed: boolean;
  /** commits tried (more than one when another sweep ran at the same time) */
  attempts: number;
}

export interface SweepOptions {
  /** the moment the sweep runs as of */
  now: Date;
  /** find and plan only: nothing is recorded or queued */
  dryRun?: boolean;
  trigger?: SweepTrigger;
  /** when the writes happen (outbox times, pruning); defaults to `now`. `remind --now` passes the real time. */
  recordedAt?: Date;
}

/** Account ids per page of the register-wide queries. */
const PAGE = 10_000;
/** Reminders are kept this long, far beyond the longest period (a week). */
const KEEP_REMINDERS_DAYS = 60;
const MAX_ATTEMPTS = 3;

/** Settings and calendar overrides as stored now. */
export async function sweepEnv(services: Services, now: Date): Promise<SweepEnv> {
  const [stored, overrides] = await Promise.all([services.store.settings.all(), services.store.calendar.overrides()]);
  const today = shanghaiDate(now);
  return {
    now,
    today,
    week: isoWeek(today),
    policy: resolvePolicy(stored),
    calendar: services.baseCalendar.withOverrides(overrides),
  };
}

/** The periods of today's reminders: the day, this ISO week, and the week the cadence check looks at. */
const periodsOf = (env: SweepEnv): string[] => [env.today, env.week, isoWeek(addDays(env.today, -7))];

/**
 * Every reminder due at `env.now`, whether sent before or not. Those whose keys are in `sent` carry no lines (they
 * will not be sent again); the sweep decides what is new, per commit attempt, from the database.
 */
export async function findReminders(
  q: SweepStore,
  env: SweepEnv,
  sent: ReadonlySet<string> = new Set(),
): Promise<ReminderItem[]> {
  const kinds = REMINDER_KINDS.filter((k) => k.applies(env));
  const [names, units, range] = await Promise.all([q.nameCounts(), q.unitNames(), q.accountIds()]);
  const refs = accountRefs(names);
  const pages: IdRange[] = [];
  if (range)
    for (let from = range.min; from <= range.max; from += PAGE)
      pages.push({ from, to: Math.min(range.max, from + PAGE - 1) });
  const idle = new Set<number>();
  const kindEnv: KindEnv = {
    ...env,
    ref: (a) => refs(a.accountId, a.name, a.platform),
    unitName: (id) => units.get(id) ?? `U${id}`,
    idle,
    sent,
  };
  const items: ReminderItem[] = [];
  for (const kind of kinds) {
    await kind.collect(q, kindEnv, pages, (item) => {
      items.push(item);
      if ((item.kind === 'dormant' || item.kind === 'idle') && item.accountId !== null) idle.add(item.accountId);
    });
  }
  return items;
}

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

function sections(
  items: readonly ReminderItem[],
  env: SweepEnv,
  line: (i: ReminderItem) => string | null,
): DigestSection[] {
  const byKind = new Map<string, string[]>();
  for (const i of items) {
    const text = line(i);
    if (text === null) continue;
    const list = byKind.get(i.kind);
    if (list) list.push(text);
    else byKind.set(i.kind, [text]);
  }
  return SECTIONS.filter((s) => byKind.has(s.kind)).map((s) => ({ heading: s.label(env), lines: byKind.get(s.kind)! }));
}

/** Turn new reminders into messages: unit digests, direct messages, the admins' summary. */
async function compose(
  deps: SweepDeps,
  env: SweepEnv,
  fresh: readonly ReminderItem[],
): Promise<{ messages: PlannedMessage[]; unreachable: string[] }> {
  const messages: PlannedMessage[] = [];
  const unreachable: string[] = [];
  if (fresh.length === 0) return { messages, unreachable };
  const { services } = deps;
  const personIds = new Set<number>();
  for (const i of fresh) for (const p of i.personLines) personIds.add(p.personId);
  const contacts = await deps.sweep.contacts([...personIds]);
  const chats = groupBy(contacts.chats, (c) => c.unitId);
  const liaisons = groupBy(contacts.liaisons, (c) => c.unitId);
  const people = new Map(contacts.people.map((p) => [p.personId, p]));
  const base = `remind:${env.today}`;

  const direct = (
    c: Contact,
    payload: OutboxMessage['payload'],
    key: string,
    audience: PlannedMessage['audience'],
    unitId: number | null,
    seen: Set<string>,
  ): boolean => {
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

  // One digest per unit: to its work group(s) and, directly, to its liaisons; through the liaisons alone without a group.
  const byUnit = groupBy(
    fresh.filter((i) => i.unitLine !== null && i.unitId !== null),
    (i) => i.unitId as number,
  );
  // The admins' message key covers every new item: the units' digests, and the items no unit digest carries.
  const summaryParts: string[] = fresh.filter((i) => i.unitLine === null || i.unitId === null).map((i) => i.key);
  for (const [unitId, items] of byUnit) {
    const unitName = items[0]?.unitName ?? `U${unitId}`;
    const urgent = items.some((i) => i.severity !== 'notice');
    const digest = sections(items, env, (i) => i.unitLine);
    const payload = unitDigest(unitName, env.today, digest, urgent, env.policy.remindTime);
    const digestKey = keysDigest(items.map((i) => i.key));
    summaryParts.push(`U${unitId}:${digestKey}`);
    const key = `${base}:U${unitId}:${digestKey}`;
    let reached = 0;
    const groups: string[] = [];
    for (const c of chats.get(unitId) ?? []) {
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
    for (const l of liaisons.get(unitId) ?? []) if (direct(l, toLiaison, key, 'unit', unitId, seen)) reached++;
    if (reached === 0) {
      unreachable.push(
        `「${unitName}」（${items.length} 项提醒）：未绑定工作群，也没有可联系的联络员。在该单位工作群发送 /单位 绑定群 单位=${unitName}，或 /人员 新增 @某人 单位=${unitName} 角色=联络员`,
      );
    }
  }

  // Direct lines to people (reviews): one message per person.
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
    const c = people.get(personId);
    const key = `${base}:P${personId}:${keysDigest(entry.keys)}`;
    if (!c || !direct(c, personDigest(env.today, entry.lines), key, 'person', entry.unitId, new Set())) {
      unreachable.push(
        `${c?.name ?? `P${personId}`}（${entry.lines.length} 项审核提醒）：没有可用的飞书或企业微信账号`,
      );
    }
  }

  // One summary to the admins.
  const perKind = new Map<string, { count: number; units: Set<number> }>();
  for (const i of fresh) {
    let k = perKind.get(i.kind);
    if (!k) perKind.set(i.kind, (k = { count: 0, units: new Set() }));
    k.count++;
    if (i.unitId !== null) k.units.add(i.unitId);
  }
  const counts = SECTIONS.map((s) => ({
    label: s.label(env).replace(/（.*$/, ''),
    count: perKind.get(s.kind)?.count ?? 0,
    units: perKind.get(s.kind)?.units.size ?? 0,
  }));
  // Each open repost task's completion, so the office sees where every task stands (issue: repost tasks).
  const progress = await deps.sweep.repostProgress({ now: env.now });
  const details = sections(fresh, env, (i) => i.adminLine);
  if (progress.length) {
    details.push({
      heading: '转载任务进度',
      lines: progress.map(
        (t) =>
          `T${t.taskId}「${t.title}」截止 ${formatShanghai(t.deadlineAt)}${t.deadlineAt <= env.now ? '（已过）' : ''}：完成 ${t.done}/${t.total}（${Math.round((100 * t.done) / Math.max(1, t.total))}%），/转载 进度 T${t.taskId}`,
      ),
    });
  }
  const summary = adminSummary({ today: env.today, counts, details, unreachable });
  const plan = await services.notifier.plan({ admins: true }, summary, {
    dedupeKey: `${base}:admins:${keysDigest(summaryParts)}`,
  });
  plan.messages.forEach((m, n) => {
    messages.push({ message: m, to: plan.reached[n] ?? m.target, audience: 'admins', unitId: null });
  });
  if (plan.messages.length === 0)
    services.log.warn({ today: env.today }, 'reminders: no admin can be reached for the summary');
  return { messages, unreachable };
}

/** Find, and plan the messages for what is new; changes nothing (a dry run, /提醒 预览). */
export async function planSweep(deps: SweepDeps, now: Date): Promise<SweepPlan> {
  const env = await sweepEnv(deps.services, now);
  const sent = await deps.sweep.sentKeys(periodsOf(env));
  const found = await findReminders(deps.sweep, env, sent);
  return plan(deps, env, found, sent);
}

/** What is new among `found`, and its messages. `known`: the keys already read for today's periods, if still current. */
async function plan(
  deps: SweepDeps,
  env: SweepEnv,
  found: ReminderItem[],
  known?: ReadonlySet<string>,
): Promise<SweepPlan> {
  const periods = [...new Set(found.map((i) => i.period))];
  const usual = periodsOf(env);
  const sent = known && periods.every((p) => usual.includes(p)) ? known : await deps.sweep.sentKeys(periods);
  const fresh = found.filter((i) => !sent.has(i.key));
  const { messages, unreachable } = await compose(deps, env, fresh);
  return {
    env,
    remindDay: isRemindDay(env.calendar, env.today, env.policy.remindAllDays),
    found,
    fresh,
    messages,
    unreachable,
  };
}

/** Run the sweep: record the new reminders and queue their messages in one commit (unless `dryRun`). */
export async function runSweep(deps: SweepDeps, opts: SweepOptions): Promise<SweepReport> {
  const { services, sweep } = deps;
  const env = await sweepEnv(services, opts.now);
  const sent = await sweep.sentKeys(periodsOf(env));
  const found = await findReminders(sweep, env, sent);
  const at = opts.recordedAt ?? opts.now;
  for (let attempt = 1; ; attempt++) {
    // after a lost race, read again what the other sweep recorded
    const p = await plan(deps, env, found, attempt === 1 ? sent : undefined);
    if (opts.dryRun) return { ...p, dryRun: true, committed: false, attempts: 0 };
    const records: ReminderRecord[] = p.fresh.map((i) => ({
      key: i.key,
      kind: i.kind,
      period: i.period,
      unitId: i.unitId,
      accountId: i.accountId,
    }));
    const writes: Writes[] = [
      sweep.record(records, at),
      ...p.messages.map((m) => services.store.outbox.enqueue(m.message, at)),
      sweep.recordRun({
        runDate: env.today,
        asOf: opts.now,
        ranAt: at,
        trigger: opts.trigger ?? 'schedule',
        items: p.fresh.length,
        messages: p.messages.length,
      }),
      sweep.prune(addDays(env.today, -KEEP_REMINDERS_DAYS), isoWeek(addDays(env.today, -KEEP_REMINDERS_DAYS))),
    ];
    try {
      await services.store.commit(writes);
      services.log.info(
        { today: env.today, found: p.found.length, fresh: p.fresh.length, messages: p.messages.length, attempt },
        'reminders sweep done',
      );
      return { ...p, dryRun: false, committed: true, attempts: attempt };
    } catch (e) {
      if (e instanceof ConflictError && attempt < MAX_ATTEMPTS) {
        services.log.info(
          { today: env.today, attempt },
          'reminders: another sweep recorded some of these first; recomputing',
        );
        continue;
      }
      throw e;
    }
  }
}

/**
 * /节假日 导入: paste the State Council's holiday notice, see a preview (the days, what changes against the current
 * calendar, which open deadlines would move, anything that looks wrong), then confirm or cancel. Also the revision of
 * open deadlines after any calendar change (`reviseDeadlines`), used by /节假日 新增 and /节假日 删除 as well.
 */
import { z } from 'zod';
import type { CalendarOverride, WorkCalendar } from '../src/domain/calendar.js';
import { reviseDeadline } from '../src/domain/calendar-change.js';
import { AppError } from '../src/domain/errors.js';
import { festivalLine, type NoticeDay, noticeDateLabel, parseHolidayNotice } from '../src/domain/holiday-notice.js';
import type { Reply } from '../src/domain/reply.js';
import {
  addDays,
  type DateStr,
  makeDate,
  shanghaiDate,
  shanghaiInstant,
  shanghaiMinutes,
  year,
} from '../src/domain/time.js';
import type { CalendarAdminStore, HolidayImport } from '../src/ports/calendar-admin.js';
import { type CommandContext, defineCommand } from './core/types.js';

function adminStore(ctx: CommandContext): CalendarAdminStore {
  const s = ctx.services.calendarAdmin;
  if (!s) throw new AppError({ code: 'rule', message: '此处未接入日历管理存储，无法导入。' });
  return s;
}

/** Move an instant to another day, keeping its Shanghai time of day. */
function sameTimeOn(at: Date, day: DateStr): Date {
  const m = shanghaiMinutes(at);
  return shanghaiInstant(day, Math.floor(m / 60), m % 60);
}

const md = (d: DateStr): string => d;

export interface DeadlineRevision {
  /** one line per moved or flagged deadline, for the admin's reply */
  lines: string[];
  moved: number;
  flagged: number;
}

/**
 * Recompute the open deadlines that a calendar change moves: pending reviews' 审核期限, open repost tasks' 截止, and
 * filings' 备案期限 (with their 逾期 flag) due on or after the first changed day. With `apply`, the new deadlines are
 * written and their owners told (the requester of a review, the units with unfinished repost targets, the filer of a
 * filing whose late flag changes); without, it only says what would happen (for a preview).
 */
export async function reviseDeadlines(
  ctx: CommandContext,
  after: WorkCalendar,
  changed: readonly DateStr[],
  apply: boolean,
): Promise<DeadlineRevision> {
  const out: DeadlineRevision = { lines: [], moved: 0, flagged: 0 };
  const store = ctx.services.calendarAdmin;
  if (!store || changed.length === 0) return out;
  const first = [...changed].sort()[0]!;
  const before = ctx.calendar;
  const verb = apply ? '' : '将';

  for (const r of await store.openReviews()) {
    if (shanghaiDate(r.deadlineAt) < first) continue;
    const c = reviseDeadline(shanghaiDate(r.createdAt), shanghaiDate(r.deadlineAt), before, after);
    if (c.kind === 'moved') {
      out.moved++;
      const at = sameTimeOn(r.deadlineAt, c.to);
      out.lines.push(`R${r.id}「${r.title}」审核期限${verb}由 ${md(c.from)} 改为 ${md(c.to)}`);
      if (apply) {
        ctx.write(store.setReviewDeadline(r.id, at));
        ctx.audit('review.deadline_revised', `R${r.id}`, { from: c.from, to: c.to, reason: 'calendar' });
        const requester = await ctx.store.people.byId(r.requesterId);
        if (requester) {
          await ctx.notify(
            { person: requester },
            {
              tone: 'warning',
              blocks: [
                {
                  type: 'text',
                  text: `工作日历调整：R${r.id}「${r.title}」的审核期限由 ${c.from} 改为 ${c.to}（${c.workdays} 个工作日）。`,
                },
              ],
            },
            { dedupeKey: `calendar:R${r.id}:${c.to}` },
          );
        }
      }
    } else if (c.kind === 'flagged') {
      out.flagged++;
      out.lines.push(`⚠ R${r.id}「${r.title}」的审核期限 ${c.due} 现为休息日，请核对`);
    }
  }

  for (const t of await store.openTasks()) {
    if (shanghaiDate(t.deadlineAt) < first) continue;
    const created = shanghaiDate(t.createdAt);
    const due = shanghaiDate(t.deadlineAt);
    // A 截止 typed by the admin is not a computed deadline: same time of day as the issue is how computed ones look.
    const computed = shanghaiMinutes(t.createdAt) === shanghaiMinutes(t.deadlineAt);
    const c = computed
      ? reviseDeadline(created, due, before, after)
      : after.isWorkday(due) || !before.isWorkday(due)
        ? { kind: 'unchanged' as const }
        : { kind: 'flagged' as const, due };
    if (c.kind === 'moved') {
      out.moved++;
      out.lines.push(`T${t.id}「${t.title}」转载截止${verb}由 ${md(c.from)} 改为 ${md(c.to)}`);
      if (apply) {
        ctx.write(store.setTaskDeadline(t.id, sameTimeOn(t.deadlineAt, c.to)));
        ctx.audit('repost.deadline_revised', `T${t.id}`, { from: c.from, to: c.to, reason: 'calendar' });
        const units = new Set(
          (await ctx.store.reposts.targets(t.id)).filter((x) => x.doneAt === null).map((x) => x.unitId),
        );
        for (const id of units) {
          const unit = await ctx.store.units.byId(id);
          if (!unit) continue;
          await ctx.notify(
            { unit },
            {
              tone: 'warning',
              blocks: [
                {
                  type: 'text',
                  text: `工作日历调整：转载任务 T${t.id}「${t.title}」的截止日期由 ${c.from} 改为 ${c.to}。`,
                },
              ],
            },
            { dedupeKey: `calendar:T${t.id}:${id}:${c.to}` },
          );
        }
      }
    } else if (c.kind === 'flagged') {
      out.flagged++;
      out.lines.push(
        `⚠ T${t.id}「${t.title}」的截止 ${c.due} 是下发时指定的，该日现为休息日，请核对（/转载 进度 T${t.id}）`,
      );
    }
  }

  for (const f of await store.filingsDueSince(first)) {
    const c = reviseDeadline(f.eventDate, f.dueDate, before, after);
    if (c.kind !== 'moved') continue;
    out.moved++;
    const late = shanghaiDate(f.filedAt) > c.to;
    const lateNote = late === f.late ? '' : late ? '，改为逾期' : '，改为按期';
    out.lines.push(`F${f.id}「${f.accountName}」备案期限${verb}由 ${md(c.from)} 改为 ${md(c.to)}${lateNote}`);
    if (apply) {
      ctx.write(store.reviseFiling(f.id, c.to, late));
      ctx.audit('filing.deadline_revised', `F${f.id}`, { from: c.from, to: c.to, late, reason: 'calendar' });
      if (late !== f.late && f.filedBy !== null) {
        const filer = await ctx.store.people.byId(f.filedBy);
        if (filer) {
          await ctx.notify(
            { person: filer },
            {
              tone: 'warning',
              blocks: [
                {
                  type: 'text',
                  text: `工作日历调整：F${f.id}「${f.accountName}」的备案期限由 ${c.from} 改为 ${c.to}，报备情况${late ? '改为逾期' : '改为按期'}。`,
                },
              ],
            },
            { dedupeKey: `calendar:F${f.id}:${c.to}` },
          );
        }
      }
    }
  }
  return out;
}

/** The days of [from, to] whose working/off status differs between two calendars. */
export function differingDays(before: WorkCalendar, after: WorkCalendar, from: DateStr, to: DateStr): DateStr[] {
  const out: DateStr[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (before.isWorkday(d) !== after.isWorkday(d)) out.push(d);
  return out;
}

/** The overrides after importing `days` for `noticeYear`: that year's earlier imported days are replaced. */
function importedOverrides(
  current: readonly CalendarOverride[],
  noticeYear: number,
  days: readonly NoticeDay[],
): CalendarOverride[] {
  const byDate = new Map(current.filter((o) => o.noticeYear !== noticeYear).map((o) => [o.date, o]));
  for (const d of days) byDate.set(d.date, toOverride(d, noticeYear));
  return [...byDate.values()];
}

function toOverride(d: NoticeDay, noticeYear: number): CalendarOverride {
  return { date: d.date, kind: d.kind, note: d.kind === 'holiday' ? d.festival : `${d.festival}调休上班`, noticeYear };
}

/** The span of dates an import for `y` may touch (元旦 may start in late December of the year before). */
function yearSpan(y: number): [DateStr, DateStr] {
  return [makeDate(y - 1, 12, 1)!, makeDate(y, 12, 31)!];
}

async function preview(ctx: CommandContext, text: string): Promise<Reply> {
  const store = adminStore(ctx);
  const thisYear = year(ctx.today);
  const parsed = parseHolidayNotice(text, { candidates: [thisYear - 1, thisYear, thisYear + 1, thisYear + 2] });
  if (!parsed.ok) throw new AppError({ code: 'bad_argument', problems: [parsed.error] });
  const n = parsed.notice;
  const current = await ctx.store.calendar.overrides();
  const after = ctx.services.baseCalendar.withOverrides(importedOverrides(current, n.year, n.days));
  const [from, to] = yearSpan(n.year);
  const changed = differingDays(ctx.calendar, after, from, to);
  const revision = await reviseDeadlines(ctx, after, changed, false);
  const id = await ctx.store.nextId('holidayImport');
  const record: HolidayImport = {
    id,
    year: n.year,
    days: n.days,
    status: 'pending',
    createdBy: ctx.caller.id,
    createdAt: ctx.now,
  };
  ctx.write(store.insertImport(record));
  ctx.audit('calendar.import_preview', `H${id}`, { year: n.year, days: n.days.length, problems: n.problems.length });

  const blocks: Reply['blocks'] = [{ type: 'list', items: n.festivals.map(festivalLine) }];
  const basis = ctx.calendar.covers(n.year)
    ? ctx.calendar.importedYears().includes(n.year)
      ? '此前导入的通知'
      : 'chinese-days 数据'
    : '周一至周五推算';
  if (changed.length === 0)
    blocks.push({ type: 'text', text: `与现有日历（${basis}）一致，导入后 ${n.year} 年不再按周一至周五推算。` });
  else {
    const shown = changed
      .slice(0, 12)
      .map(
        (d) =>
          `${d}${noticeDateLabel(d).replace(/^.*（/, '（')}：${ctx.calendar.isWorkday(d) ? '工作日 → 休息日' : '休息日 → 工作日'}`,
      );
    blocks.push({ type: 'text', text: `与现有日历（${basis}）相比有 ${changed.length} 天不同：` });
    blocks.push({ type: 'list', items: changed.length > 12 ? [...shown, `……另有 ${changed.length - 12} 天`] : shown });
  }
  if (revision.lines.length)
    blocks.push({ type: 'text', text: '确认后将重新计算的期限：' }, { type: 'list', items: revision.lines });
  if (n.problems.length) blocks.push({ type: 'list', items: n.problems.map((p) => `⚠ ${p}`) });
  if (n.ignored.length)
    blocks.push({ type: 'list', items: n.ignored.map((p) => `未计入（不是放假或上班安排）：${p}`) });
  if (n.yearFrom === 'weekdays')
    blocks.push({ type: 'note', text: `通知里没有写年份，按所注星期推定为 ${n.year} 年。` });
  blocks.push({ type: 'note', text: `确认导入：/节假日 导入 确认 ${id}　取消：/节假日 导入 取消 ${id}` });
  return {
    title: `${n.year} 年节假日安排预览（导入 ${id}，共 ${n.days.length} 天）`,
    tone: n.problems.length ? 'warning' : 'info',
    blocks,
  };
}

async function decide(ctx: CommandContext, action: 'confirm' | 'cancel', idText: string | undefined): Promise<Reply> {
  const store = adminStore(ctx);
  let rec: HolidayImport | null;
  if (idText !== undefined) {
    if (!/^\d+$/.test(idText))
      throw new AppError({
        code: 'bad_argument',
        problems: [`导入编号应为数字，如 /节假日 导入 确认 1，收到「${idText}」`],
      });
    rec = await store.importById(Number(idText));
    if (!rec)
      throw new AppError({ code: 'rule', message: `没有编号为 ${idText} 的导入：请先用 /节假日 导入 粘贴通知全文。` });
  } else {
    rec = await store.latestPendingImport();
    if (!rec) throw new AppError({ code: 'rule', message: '没有待确认的导入：请先用 /节假日 导入 粘贴通知全文。' });
  }
  if (rec.status !== 'pending')
    throw new AppError({ code: 'rule', message: `导入 ${rec.id} 已${rec.status === 'applied' ? '确认' : '取消'}过。` });
  ctx.write(...store.decideImport(rec.id, action === 'confirm' ? 'applied' : 'cancelled', ctx.now));
  if (action === 'cancel') {
    ctx.audit('calendar.import_cancelled', `H${rec.id}`, { year: rec.year });
    return { tone: 'success', blocks: [{ type: 'text', text: `已取消导入 ${rec.id}，日历未改动。` }] };
  }
  const current = await ctx.store.calendar.overrides();
  const next = importedOverrides(current, rec.year, rec.days);
  const after = ctx.services.baseCalendar.withOverrides(next);
  const [from, to] = yearSpan(rec.year);
  const changed = differingDays(ctx.calendar, after, from, to);
  for (const o of current)
    if (o.noticeYear === rec.year && !rec.days.some((d) => d.date === o.date))
      ctx.write(ctx.store.calendar.remove(o.date));
  for (const d of rec.days) ctx.write(ctx.store.calendar.upsert(toOverride(d, rec.year), ctx.caller.id, ctx.now));
  const revision = await reviseDeadlines(ctx, after, changed, true);
  ctx.audit('calendar.import_applied', `H${rec.id}`, {
    year: rec.year,
    days: rec.days.length,
    changed: changed.length,
    revised: revision.moved,
  });
  const blocks: Reply['blocks'] = [
    {
      type: 'text',
      text: `已导入 ${rec.year} 年节假日安排：${rec.days.filter((d) => d.kind === 'holiday').length} 天放假、${rec.days.filter((d) => d.kind === 'workday').length} 天调休上班，其余日子按周一至周五；与原日历相比 ${changed.length} 天不同。`,
    },
  ];
  if (revision.lines.length)
    blocks.push(
      { type: 'text', text: '已重新计算的期限（相关人员已通知）：' },
      { type: 'list', items: revision.lines },
    );
  return { title: `已导入 ${rec.year} 年节假日安排`, tone: 'success', blocks };
}

export const holidayImport = defineCommand({
  path: ['节假日', '导入'],
  aliases: [['holidays', 'import']],
  access: ['admin'],
  summary: '粘贴国务院办公厅节假日安排通知，预览后确认导入',
  usage: '/节假日 导入 通知全文 | /节假日 导入 确认|取消 [编号]',
  examples: ['/节假日 导入 一、元旦：1月1日（周五）放假，共1天。……', '/节假日 导入 确认 1'],
  freeText: '全文',
  args: () => z.object({ 全文: z.string() }),
  async run(ctx, a): Promise<Reply> {
    const text = a.全文.trim();
    const m = /^(确认|confirm|取消|cancel)(?:\s+(\S+))?\s*$/i.exec(text);
    if (m) return decide(ctx, /^(确认|confirm)$/i.test(m[1]!) ? 'confirm' : 'cancel', m[2]);
    if (text === '')
      throw new AppError({
        code: 'bad_argument',
        problems: ['请在 /节假日 导入 后粘贴通知全文（含“一、元旦：……”各条）'],
      });
    return preview(ctx, text);
  },
});

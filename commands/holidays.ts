/** /节假日 (admin): the working-day calendar's overrides — list, add, remove, check a day. */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { Reply } from '../src/domain/reply.js';
import { weekday, year } from '../src/domain/time.js';
import { defineCommand } from './core/types.js';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

const KIND = {
  休: 'holiday',
  假: 'holiday',
  休息: 'holiday',
  放假: 'holiday',
  holiday: 'holiday',
  off: 'holiday',
  班: 'workday',
  上班: 'workday',
  工作日: 'workday',
  workday: 'workday',
  work: 'workday',
} as const;

export const holidayList = defineCommand({
  path: ['节假日'],
  aliases: [['holidays']],
  access: ['admin'],
  summary: '查看节假日数据的覆盖年份和管理员补充的日期',
  usage: '/节假日 [年份]',
  examples: ['/节假日', '/节假日 2027'],
  keys: { 年份: ['year'] },
  positional: ['年份'],
  args: (h) => z.object({ 年份: h.int('年份', 2000, 2100).optional() }),
  async run(ctx, a): Promise<Reply> {
    const overrides = (await ctx.store.calendar.overrides()).filter(
      (o) => a.年份 === undefined || year(o.date) === a.年份,
    );
    const years = ctx.calendar.officialYears();
    const thisYear = year(ctx.today);
    const coverage = `法定节假日数据（chinese-days）覆盖 ${years[0]}–${years[years.length - 1]} 年`;
    const missing = [thisYear, thisYear + 1].filter((y) => !ctx.calendar.covers(y));
    const blocks: Reply['blocks'] = [
      {
        type: 'text',
        text:
          coverage +
          (missing.length
            ? `；${missing.join('、')} 年尚未收录，期限按周一至周五推算，请用 /节假日 新增 补充。`
            : '。'),
      },
    ];
    if (overrides.length) {
      blocks.push({
        type: 'list',
        items: overrides.map(
          (o) =>
            `${o.date}（周${WEEKDAYS[weekday(o.date)]}）${o.kind === 'holiday' ? '休' : '班'}${o.note ? ` ${o.note}` : ''}`,
        ),
      });
    } else blocks.push({ type: 'note', text: '管理员尚未补充日期。' });
    return { title: '工作日历', blocks };
  },
});

export const holidayAdd = defineCommand({
  path: ['节假日', '新增'],
  aliases: [['holidays', 'add']],
  access: ['admin'],
  summary: '补充或更正某天是休息日还是工作日（用于数据尚未收录的年份或临时调整）',
  usage: '/节假日 新增 日期 休|班 [说明=…]',
  examples: ['/节假日 新增 2027-01-01 休 说明=元旦', '/节假日 新增 2027-02-07 班 说明=春节调休'],
  keys: { 日期: ['date'], 类型: ['kind', 'type'], 说明: ['note'] },
  positional: ['日期', '类型'],
  args: (h) => z.object({ 日期: h.date('日期'), 类型: h.choice('类型', KIND), 说明: h.text('说明', 40).optional() }),
  async run(ctx, a): Promise<Reply> {
    const before = ctx.calendar.day(a.日期);
    ctx.write(ctx.store.calendar.upsert({ date: a.日期, kind: a.类型, note: a.说明 ?? null }, ctx.caller.id, ctx.now));
    ctx.audit('calendar.override', `date:${a.日期}`, {
      kind: a.类型,
      note: a.说明 ?? null,
      before: before.workday ? 'workday' : 'holiday',
    });
    const what = a.类型 === 'holiday' ? '休息日' : '工作日';
    const same = before.workday === (a.类型 === 'workday') ? `（原本已是${what}）` : '';
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已设定 ${a.日期}（周${WEEKDAYS[weekday(a.日期)]}）为${what}${a.说明 ? `：${a.说明}` : ''}${same}。此后的期限按此计算。`,
        },
      ],
    };
  },
});

export const holidayRemove = defineCommand({
  path: ['节假日', '删除'],
  aliases: [['holidays', 'remove']],
  access: ['admin'],
  summary: '删除管理员补充的日期',
  usage: '/节假日 删除 日期',
  examples: ['/节假日 删除 2027-01-01'],
  keys: { 日期: ['date'] },
  positional: ['日期'],
  args: (h) => z.object({ 日期: h.date('日期') }),
  async run(ctx, a): Promise<Reply> {
    const existing = (await ctx.store.calendar.overrides()).find((o) => o.date === a.日期);
    if (!existing)
      throw new AppError({
        code: 'not_found',
        kind: 'date',
        name: a.日期,
        hint: '没有这一天的补充设定（/节假日 查看）',
      });
    ctx.write(ctx.store.calendar.remove(a.日期));
    ctx.audit('calendar.override_removed', `date:${a.日期}`, { kind: existing.kind, note: existing.note ?? null });
    return { tone: 'success', blocks: [{ type: 'text', text: `已删除 ${a.日期} 的补充设定。` }] };
  },
});

export const holidayQuery = defineCommand({
  path: ['节假日', '查询'],
  aliases: [['holidays', 'check']],
  access: ['registered'],
  summary: '查询某天是否工作日',
  usage: '/节假日 查询 日期',
  examples: ['/节假日 查询 2026-10-10'],
  keys: { 日期: ['date'] },
  positional: ['日期'],
  args: (h) => z.object({ 日期: h.date('日期') }),
  async run(ctx, a): Promise<Reply> {
    const d = ctx.calendar.day(a.日期);
    const basis =
      d.basis === 'override' ? '管理员设定' : d.basis === 'official' ? '法定安排' : '该年数据未收录，按周一至周五推算';
    return {
      blocks: [
        {
          type: 'text',
          text: `${a.日期}（周${WEEKDAYS[weekday(a.日期)]}）：${d.workday ? '工作日' : '休息日'}${d.name ? `，${d.name}` : ''}（${basis}）。`,
        },
      ],
    };
  },
});

export const holidaysCommands = [holidayList, holidayAdd, holidayRemove, holidayQuery];

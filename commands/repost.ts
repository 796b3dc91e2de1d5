/**
 * Repost tasks (转载): /转载 下发 (admin), /转载 完成 (the unit), /转载 进度, /转载 (open tasks), /转载 关闭 (admin).
 * Rules in src/domain/repost.ts (兴国 三(四), 吉林 二(三), 神木 第十三条).
 */
import { z } from 'zod';
import { fallbackNotice } from '../src/domain/calendar.js';
import { AppError } from '../src/domain/errors.js';
import type { Account, Unit } from '../src/domain/model.js';
import { platformName } from '../src/domain/platforms.js';
import { precheck } from '../src/domain/precheck/index.js';
import type { Reply } from '../src/domain/reply.js';
import { repostDeadline, type RepostTarget, type RepostTask } from '../src/domain/repost.js';
import { formatShanghai } from '../src/domain/time.js';
import type { RegisterRow } from '../src/ports/store.js';
import { type CommandContext, defineCommand } from './core/types.js';

const CONFIRMERS = ['liaison', 'officer'] as const;

const accountLabel = (a: Pick<Account, 'platform' | 'name'>): string => `${platformName(a.platform)}「${a.name}」`;

async function loadTask(ctx: CommandContext, id: number): Promise<RepostTask> {
  const task = await ctx.store.reposts.byId(id);
  if (!task) throw new AppError({ code: 'not_found', kind: 'task', name: `T${id}`, hint: '用 /转载 查看进行中的任务' });
  return task;
}

/** The units whose part of a task the caller may see: all for an admin, else their own. */
function visible(ctx: CommandContext): (unitId: number) => boolean {
  if (ctx.isAdmin) return () => true;
  const mine = new Set(ctx.unitsWhere('any'));
  return (unitId) => mine.has(unitId);
}

function progressLine(done: number, total: number): string {
  return `${done}/${total}${total > 0 ? `（${Math.round((100 * done) / total)}%）` : ''}`;
}

const issue = defineCommand({
  path: ['转载', '下发'],
  aliases: [['repost', 'issue']],
  access: ['admin'],
  summary: '下发转载任务：各单位在期限内转载上级重大政策信息（兴国 三(四)：不超过 1 个工作日）',
  usage: '/转载 下发 标题=… 链接=… [截止=…] [范围=全部|单位名,单位名] [平台=微信公众号,微博] [说明=…]',
  examples: [
    '/转载 下发 标题=国务院关于进一步优化政务服务的意见 链接=https://www.gov.cn/zhengce/content/2026-11/20/content_1.htm',
  ],
  keys: {
    标题: ['title'],
    链接: ['url', 'link'],
    截止: ['deadline', 'due'],
    范围: ['scope', '单位'],
    平台: ['platform', 'platforms'],
    说明: ['note'],
  },
  args: (h) =>
    z.object({
      标题: h.text('标题', 200),
      链接: h.url('链接'),
      截止: h.datetime('截止', '18:00').optional(),
      范围: z
        .string()
        .transform(async (s, zc): Promise<Unit[] | 'all'> => {
          if (['全部', 'all'].includes(s.trim().toLowerCase())) return 'all';
          const r = await h.units('范围').safeParseAsync(s);
          if (!r.success) {
            zc.addIssue({
              code: 'custom',
              message: r.error.issues[0]?.message ?? '「范围」应是 全部 或 单位名,单位名',
            });
            return z.NEVER;
          }
          return r.data;
        })
        .optional(),
      平台: h.platforms().optional(),
      说明: h.text('说明', 300).optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    let deadline: Date;
    let fallback: number[] = [];
    if (a.截止) {
      if (a.截止.getTime() <= ctx.now.getTime())
        throw new AppError({
          code: 'bad_argument',
          problems: [`截止时间 ${formatShanghai(a.截止)} 已过，请写将来的时间`],
        });
      deadline = a.截止;
    } else {
      const d = repostDeadline(ctx.now, ctx.today, ctx.policy.repostDeadlineWorkdays, ctx.calendar);
      deadline = d.at;
      fallback = d.fallbackYears;
    }
    const units = Array.isArray(a.范围) ? a.范围 : 'all';
    const platforms = a.平台?.length ? a.平台 : 'all';
    const active = await ctx.store.accounts.register({ status: 'active' }, ctx.now);
    const targets = active.filter(
      (r) =>
        (units === 'all' || units.some((u) => u.id === r.unitId)) &&
        (platforms === 'all' || platforms.includes(r.platform)),
    );
    if (targets.length === 0)
      throw new AppError({ code: 'rule', message: '范围内没有正常状态的账号，未下发。请检查 范围= 和 平台=。' });

    const lists = await ctx.store.wordLists.all();
    const linkFindings = precheck(
      { title: '', link: a.链接 },
      { allowDomains: [...ctx.policy.allowDomains, ...lists.filter((e) => e.kind === 'domain').map((e) => e.value)] },
    ).filter((f) => f.category === 'link');

    const id = await ctx.store.nextId('task');
    const task: RepostTask = {
      id,
      title: a.标题,
      url: a.链接,
      note: a.说明 ?? null,
      deadlineAt: deadline,
      scope: { units: units === 'all' ? 'all' : units.map((u) => u.id), platforms },
      status: 'open',
      createdBy: ctx.caller.id,
      createdAt: ctx.now,
      closedAt: null,
    };
    ctx.write(
      ctx.store.reposts.insert(
        task,
        targets.map((r) => ({
          taskId: id,
          accountId: r.id,
          unitId: r.unitId,
          doneAt: null,
          doneBy: null,
          link: null,
          late: null,
          via: null,
        })),
      ),
    );
    ctx.audit('repost.issue', `T${id}`, {
      title: a.标题,
      url: a.链接,
      deadline: deadline.toISOString(),
      units: units === 'all' ? 'all' : units.map((u) => u.name),
      platforms,
      targets: targets.length,
    });

    // Each unit: its work group (or its liaisons), and its liaisons directly.
    const byUnit = new Map<number, RegisterRow[]>();
    for (const r of targets) byUnit.set(r.unitId, [...(byUnit.get(r.unitId) ?? []), r]);
    const unreachable: string[] = [];
    for (const [unitId, rows] of byUnit) {
      const unit = (await ctx.store.units.byId(unitId)) as Unit;
      const notice: Reply = {
        title: `转载任务 T${id}：${a.标题}`,
        tone: 'warning',
        blocks: [
          {
            type: 'fields',
            fields: [
              { label: '原文链接', value: a.链接 },
              { label: '截止', value: formatShanghai(deadline) },
              ...(a.说明 ? [{ label: '说明', value: a.说明 }] : []),
            ],
          },
          {
            type: 'list',
            items: rows.map(
              (r) =>
                `${accountLabel(r)}：转载后发送 /转载 完成 T${id} 账号=${r.name}${rows.filter((x) => x.name === r.name).length > 1 ? ` 平台=${platformName(r.platform)}` : ''} 链接=转载后的链接`,
            ),
          },
          { type: 'note', text: '转载时须注明来源，不得歪曲、篡改标题原意和信息内容（神木 第十三条）。' },
        ],
      };
      const reached = [...(await ctx.notify({ unit }, notice, { dedupeKey: `repost:T${id}:unit:${unitId}` }))];
      for (const liaison of await ctx.store.people.withRole('liaison', unitId)) {
        reached.push(
          ...(await ctx.notify({ person: liaison }, notice, { dedupeKey: `repost:T${id}:liaison:${liaison.id}` })),
        );
      }
      if (reached.length === 0) unreachable.push(unit.name);
    }
    const blocks: Reply['blocks'] = [
      {
        type: 'fields',
        fields: [
          {
            label: '截止',
            value: `${formatShanghai(deadline)}${a.截止 ? '' : `（${ctx.policy.repostDeadlineWorkdays} 个工作日，兴国 三(四)）`}`,
          },
          { label: '范围', value: `${byUnit.size} 个单位，${targets.length} 个账号` },
        ],
      },
    ];
    if (linkFindings.length)
      blocks.push({
        type: 'list',
        items: linkFindings.map(
          (f) => `⚠ ${f.message}：原则上只转载党委和政府网站及有关主管部门确定的稿源单位发布的信息（神木 第十三条）`,
        ),
      });
    if (unreachable.length)
      blocks.push({
        type: 'list',
        items: [`⚠ 以下单位既未绑定工作群也没有联络员，无法通知：${unreachable.join('、')}`],
      });
    const fb = fallbackNotice(fallback);
    if (fb) blocks.push({ type: 'note', text: fb });
    blocks.push({ type: 'note', text: `进度：/转载 进度 T${id}` });
    return {
      title: `已下发转载任务 T${id}`,
      tone: linkFindings.length || unreachable.length ? 'warning' : 'success',
      blocks,
    };
  },
});

const confirm = defineCommand({
  path: ['转载', '完成'],
  aliases: [['repost', 'done']],
  access: ['liaison', 'officer'],
  summary: '确认本单位账号已转载（可一次确认多个账号）',
  usage: '/转载 完成 T3 账号=…[,…] [平台=…] [链接=…]',
  examples: ['/转载 完成 T3 账号=兴国教育 链接=https://mp.weixin.qq.com/s/xxxx', '/转载 完成 T3 账号=A1,A2'],
  keys: { 任务: ['task', 'id'], 账号: ['account', 'accounts'], 平台: ['platform'], 链接: ['url', 'link'] },
  positional: ['任务'],
  args: (h) =>
    z.object({
      任务: h.id('T', '任务'),
      账号: h.text('账号', 300),
      平台: h.platform().optional(),
      链接: h.url('链接').optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    const task = await loadTask(ctx, a.任务);
    if (task.status !== 'open')
      throw new AppError({
        code: 'conflict',
        message: `T${task.id} 已关闭${task.closedAt ? `（${formatShanghai(task.closedAt)}）` : ''}。`,
      });
    const targets = await ctx.store.reposts.targets(task.id);
    const refs = a.账号
      .split(/[,，、;；]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const late = ctx.now.getTime() > task.deadlineAt.getTime();
    const done: string[] = [];
    const skipped: string[] = [];
    const seen = new Set<number>();
    for (const ref of refs) {
      const acc = await ctx.findAccount(ref, { platform: a.平台, unitId: ctx.unitsWhere(CONFIRMERS)[0] });
      const target = targets.find((x) => x.accountId === acc.id);
      if (!target)
        throw new AppError({
          code: 'rule',
          message: `${accountLabel(acc)} (A${acc.id}) 不在转载任务 T${task.id} 的范围内。`,
        });
      await ctx.requireRoleIn(acc.unitId, CONFIRMERS);
      if (seen.has(acc.id)) continue;
      seen.add(acc.id);
      if (target.doneAt) {
        skipped.push(`${accountLabel(acc)} 已于 ${formatShanghai(target.doneAt)} 确认过`);
        continue;
      }
      ctx.write(
        ctx.store.reposts.complete({
          taskId: task.id,
          accountId: acc.id,
          by: ctx.caller.id,
          at: ctx.now,
          link: a.链接 ?? null,
          late,
          via: 'manual',
        }),
        ctx.store.posts.insert(
          {
            accountId: acc.id,
            publishedAt: ctx.now,
            title: task.title,
            url: a.链接 ?? null,
            source: 'repost',
            externalId: `repost:T${task.id}`,
          },
          ctx.caller.id,
          ctx.now,
        ),
      );
      ctx.audit('repost.done', `T${task.id}`, { account: `A${acc.id}`, late, link: a.链接 ?? null });
      done.push(`${accountLabel(acc)}${late ? '（逾期）' : ''}`);
    }
    const nowDone = targets.filter((x) => x.doneAt || seen.has(x.accountId)).length;
    const lines = [...done.map((d) => `✓ ${d}`), ...skipped.map((s) => `○ ${s}`)];
    return {
      title: done.length ? `已确认转载 T${task.id}` : `T${task.id} 无新的确认`,
      tone: done.length ? (late ? 'warning' : 'success') : 'info',
      blocks: [
        { type: 'list', items: lines },
        {
          type: 'note',
          text: `任务完成 ${progressLine(nowDone, targets.length)}${nowDone === targets.length ? '，全部完成，任务已关闭' : ''}；截止 ${formatShanghai(task.deadlineAt)}。转载时须注明来源（神木 第十三条）。`,
        },
      ],
    };
  },
});

async function taskProgress(ctx: CommandContext, task: RepostTask, targets: RepostTarget[]): Promise<Reply> {
  const show = visible(ctx);
  const mine = targets.filter((x) => show(x.unitId));
  if (mine.length === 0) throw new AppError({ code: 'rule', message: `T${task.id} 不涉及您所在的单位。` });
  const byUnit = new Map<number, RepostTarget[]>();
  for (const x of mine) byUnit.set(x.unitId, [...(byUnit.get(x.unitId) ?? []), x]);
  const items: string[] = [];
  for (const [unitId, xs] of byUnit) {
    const unit = await ctx.store.units.byId(unitId);
    const parts: string[] = [];
    for (const x of xs) {
      const acc = await ctx.store.accounts.byId(x.accountId);
      const label = acc ? accountLabel(acc) : `A${x.accountId}`;
      parts.push(
        x.doneAt
          ? `✓${label} ${formatShanghai(x.doneAt)}${x.late ? '（逾期）' : ''}${x.via === 'feed' ? '（订阅源）' : ''}`
          : `✗${label}`,
      );
    }
    items.push(
      `${unit?.name ?? `U${unitId}`} ${progressLine(xs.filter((x) => x.doneAt).length, xs.length)}：${parts.join('、')}`,
    );
  }
  const all = progressLine(targets.filter((x) => x.doneAt).length, targets.length);
  const overdue = task.status === 'open' && ctx.now > task.deadlineAt;
  return {
    title: `转载进度 T${task.id}：${task.title}`,
    tone: overdue ? 'warning' : 'info',
    blocks: [
      {
        type: 'fields',
        fields: [
          { label: '截止', value: `${formatShanghai(task.deadlineAt)}${overdue ? '（已过）' : ''}` },
          { label: '状态', value: task.status === 'open' ? '进行中' : '已关闭' },
          {
            label: '完成',
            value: ctx.isAdmin
              ? all
              : `${progressLine(mine.filter((x) => x.doneAt).length, mine.length)}（全县 ${all}）`,
          },
        ],
      },
      { type: 'list', items },
    ],
  };
}

const progress = defineCommand({
  path: ['转载', '进度'],
  aliases: [['repost', 'status']],
  access: ['registered'],
  summary: '查看转载任务的完成情况（逾期确认会标出）',
  usage: '/转载 进度 T3',
  examples: ['/转载 进度 T3'],
  keys: { 任务: ['task', 'id'] },
  positional: ['任务'],
  args: (h) => z.object({ 任务: h.id('T', '任务') }),
  async run(ctx, a): Promise<Reply> {
    const task = await loadTask(ctx, a.任务);
    return taskProgress(ctx, task, await ctx.store.reposts.targets(task.id));
  },
});

const list = defineCommand({
  path: ['转载'],
  aliases: [['repost'], ['reposts']],
  access: ['registered'],
  summary: '进行中的转载任务（管理员：全部；其他人：本单位的）',
  usage: '/转载',
  examples: ['/转载'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const show = visible(ctx);
    const tasks = ctx.isAdmin
      ? await ctx.store.reposts.open()
      : (await Promise.all(ctx.unitsWhere('any').map((u) => ctx.store.reposts.open(u)))).flat();
    const unique = [...new Map(tasks.map((t) => [t.id, t])).values()].sort((x, y) => y.id - x.id);
    if (unique.length === 0) return { blocks: [{ type: 'text', text: '没有进行中的转载任务。' }] };
    const items: string[] = [];
    for (const t of unique) {
      const targets = await ctx.store.reposts.targets(t.id);
      const mine = targets.filter((x) => show(x.unitId));
      const over = ctx.now > t.deadlineAt ? '，⚠ 已过截止' : '';
      items.push(
        `T${t.id}「${t.title}」截止 ${formatShanghai(t.deadlineAt)}${over}，完成 ${progressLine(mine.filter((x) => x.doneAt).length, mine.length)}`,
      );
    }
    return {
      title: `进行中的转载任务（${unique.length}）`,
      blocks: [
        { type: 'list', items },
        { type: 'note', text: '确认：/转载 完成 T3 账号=…；进度：/转载 进度 T3' },
      ],
    };
  },
});

const close = defineCommand({
  path: ['转载', '关闭'],
  aliases: [['repost', 'close']],
  access: ['admin'],
  summary: '提前关闭转载任务（之后不再提醒）',
  usage: '/转载 关闭 T3',
  examples: ['/转载 关闭 T3'],
  keys: { 任务: ['task', 'id'] },
  positional: ['任务'],
  args: (h) => z.object({ 任务: h.id('T', '任务') }),
  async run(ctx, a): Promise<Reply> {
    const task = await loadTask(ctx, a.任务);
    if (task.status !== 'open') throw new AppError({ code: 'conflict', message: `T${task.id} 已关闭。` });
    const targets = await ctx.store.reposts.targets(task.id);
    ctx.write(ctx.store.reposts.close(task.id, ctx.caller.id, ctx.now));
    ctx.audit('repost.close', `T${task.id}`, { done: targets.filter((x) => x.doneAt).length, total: targets.length });
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已关闭 T${task.id}（完成 ${progressLine(targets.filter((x) => x.doneAt).length, targets.length)}），不再提醒。`,
        },
      ],
    };
  },
});

export const repostCommands = [list, issue, confirm, progress, close];

/** The repost repository (`RepostRepo`, src/ports/reposts.ts): repost tasks and the accounts that must repost. */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { RepostTarget, RepostTask } from '../../src/domain/repost.js';
import type { RepostRepo } from '../../src/ports/reposts.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { guardChanged, w } from '../write.js';
import { date, ms } from './rows.js';

type TaskRow = typeof t.repostTasks.$inferSelect;
type TargetRow = typeof t.repostTargets.$inferSelect;

const toTask = (r: TaskRow): RepostTask => ({
  id: r.id,
  title: r.title,
  url: r.url,
  note: r.note,
  deadlineAt: date(r.deadlineAt),
  scope: r.scope,
  status: r.status as RepostTask['status'],
  createdBy: r.createdBy,
  createdAt: date(r.createdAt),
  closedAt: date(r.closedAt),
});

const toTarget = (r: TargetRow): RepostTarget => ({
  taskId: r.taskId,
  accountId: r.accountId,
  unitId: r.unitId,
  doneAt: date(r.doneAt),
  doneBy: r.doneBy,
  link: r.link,
  late: r.late,
  via: r.via as RepostTarget['via'],
});

export function createRepostRepo(db: Db): RepostRepo {
  /** Close the task once no target is left undone (in the same batch as the target's update). */
  const closeIfDone = (taskId: number, at: Date) =>
    w(
      'repost.autoclose',
      db
        .update(t.repostTasks)
        .set({ status: 'closed', closedAt: ms(at) })
        .where(
          and(
            eq(t.repostTasks.id, taskId),
            eq(t.repostTasks.status, 'open'),
            sql`NOT EXISTS (SELECT 1 FROM repost_targets WHERE task_id = ${taskId} AND done_at IS NULL)`,
          ),
        ),
    );
  const markDone = (c: {
    taskId: number;
    accountId: number;
    by: number | null;
    at: Date;
    link: string | null;
    late: boolean;
    via: 'manual' | 'feed';
  }) =>
    w(
      'repost.complete',
      db
        .update(t.repostTargets)
        .set({ doneAt: ms(c.at), doneBy: c.by, link: c.link, late: c.late, via: c.via })
        .where(
          and(
            eq(t.repostTargets.taskId, c.taskId),
            eq(t.repostTargets.accountId, c.accountId),
            isNull(t.repostTargets.doneAt),
          ),
        ),
    );
  return {
    async byId(id) {
      const [r] = await db.select().from(t.repostTasks).where(eq(t.repostTasks.id, id));
      return r ? toTask(r) : null;
    },
    async open(unitId) {
      const rows = await db
        .select()
        .from(t.repostTasks)
        .where(
          and(
            eq(t.repostTasks.status, 'open'),
            unitId === undefined
              ? undefined
              : sql`EXISTS (SELECT 1 FROM repost_targets WHERE task_id = ${t.repostTasks.id} AND unit_id = ${unitId})`,
          ),
        )
        .orderBy(desc(t.repostTasks.id));
      return rows.map(toTask);
    },
    async targets(taskId) {
      return (
        await db
          .select()
          .from(t.repostTargets)
          .where(eq(t.repostTargets.taskId, taskId))
          .orderBy(asc(t.repostTargets.unitId), asc(t.repostTargets.accountId))
      ).map(toTarget);
    },
    async openTargetsOf(accountId) {
      const rows = await db
        .select({ target: t.repostTargets, title: t.repostTasks.title, deadlineAt: t.repostTasks.deadlineAt })
        .from(t.repostTargets)
        .innerJoin(t.repostTasks, eq(t.repostTasks.id, t.repostTargets.taskId))
        .where(
          and(
            eq(t.repostTargets.accountId, accountId),
            isNull(t.repostTargets.doneAt),
            eq(t.repostTasks.status, 'open'),
          ),
        );
      return rows.map((r) => ({ ...toTarget(r.target), title: r.title, deadlineAt: date(r.deadlineAt) }));
    },
    insert(task, targets) {
      return [
        w(
          'repost.insert',
          db.insert(t.repostTasks).values({
            id: task.id,
            title: task.title,
            url: task.url,
            note: task.note,
            deadlineAt: ms(task.deadlineAt),
            scope: task.scope,
            status: task.status,
            createdBy: task.createdBy,
            createdAt: ms(task.createdAt),
          }),
        ),
        ...targets.map((x) =>
          w(
            'repost.target',
            db.insert(t.repostTargets).values({ taskId: x.taskId, accountId: x.accountId, unitId: x.unitId }),
          ),
        ),
      ];
    },
    complete(c) {
      return [markDone(c), guardChanged(`repost:T${c.taskId}:A${c.accountId}`), closeIfDone(c.taskId, c.at)];
    },
    completeIfOpen(c) {
      return [markDone({ ...c, by: null, via: 'feed' }), closeIfDone(c.taskId, c.at)];
    },
    close(taskId, by, at) {
      return [
        w(
          'repost.close',
          db
            .update(t.repostTasks)
            .set({ status: 'closed', closedAt: ms(at), closedBy: by })
            .where(and(eq(t.repostTasks.id, taskId), eq(t.repostTasks.status, 'open'))),
        ),
        guardChanged(`repost:T${taskId}`),
      ];
    },
  };
}

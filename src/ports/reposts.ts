/** Storage of repost tasks and their per-account targets. */
import type { RepostTarget, RepostTask } from '../domain/repost.js';
import type { Write, Writes } from './write.js';

export interface RepostRepo {
  byId(id: number): Promise<RepostTask | null>;
  /** open tasks, newest first; with a unit, only tasks that target it */
  open(unitId?: number): Promise<RepostTask[]>;
  targets(taskId: number): Promise<RepostTarget[]>;
  /** open targets (not done) of an account, for matching a new post to a task */
  openTargetsOf(accountId: number): Promise<(RepostTarget & { title: string; deadlineAt: Date })[]>;
  insert(t: RepostTask, targets: readonly RepostTarget[]): Writes;
  /** mark a target done (only if not done yet: guarded), then close the task if every target is done */
  complete(c: {
    taskId: number;
    accountId: number;
    by: number | null;
    at: Date;
    link: string | null;
    late: boolean;
    via: 'manual' | 'feed';
  }): Writes;
  /** close early (admin), guarded on the task being open */
  close(taskId: number, by: number, at: Date): Writes;
  /** for the feed poller: mark done if still open, without failing when it is not */
  completeIfOpen(c: { taskId: number; accountId: number; at: Date; link: string | null; late: boolean }): Write[];
}

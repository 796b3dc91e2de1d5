/**
 * Retention: what storage forgets, and when (src/jobs/retention.ts computes the cut-offs from the settings). Every
 * statement works on a bounded number of rows, so one round is a short write on either runtime; a backlog (the first
 * run on an old database) is worked off round by round.
 */
import type { DateStr } from '../domain/time.js';
import type { Writes } from './write.js';

export interface RetentionCutoffs {
  /**
   * A sent message last handled before this keeps its record (channel, target, platform message id, times: a later
   * card update still finds it) but loses its contents, and the files it carried are deleted unless a message still
   * waiting needs them. Register import previews (a roster with phone numbers) made before this are deleted.
   */
  messages: Date;
  /** a failed message last tried before this is given up: its contents dropped, no longer in /提醒 失败 */
  failed: Date;
  /** audit entries, and the records of messages whose contents are gone, from before this are deleted */
  audit: Date;
  /** records of daily sweeps run on a day before this are deleted */
  sweepRunsBefore: DateStr;
  /** channel state that expired, wrong binding codes and binding codes that expired before this are deleted */
  expired: Date;
}

export interface RetentionStore {
  /** One round: at most `limit` rows of each kind. */
  prune(c: RetentionCutoffs, limit: number): Writes;
  /** Is anything (of the kinds that grow with use: messages, audit entries) still past its time? */
  remaining(c: RetentionCutoffs): Promise<boolean>;
}

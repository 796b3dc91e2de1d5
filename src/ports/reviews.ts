/** Storage of content reviews and of the admin-maintained word lists the pre-checks use. */
import type { Review, ReviewStatus, ReviewStep, StepStatus } from '../domain/review.js';
import type { ChannelName } from '../domain/model.js';
import type { Write, Writes } from './write.js';

export interface ReviewRepo {
  byId(id: number): Promise<Review | null>;
  steps(reviewId: number): Promise<ReviewStep[]>;
  /** reviews waiting for this person at their current step */
  waitingFor(approverId: number): Promise<Review[]>;
  insert(r: Review, source: { channel: ChannelName; chatId: string } | null): Write;
  addStep(s: ReviewStep): Write;
  /**
   * Decide a step: only when it is still pending and assigned to `approverId`; together with moving the review on
   * (`to`) only when the review is still pending at that step. Guarded: a second decision fails the commit.
   */
  decide(d: {
    reviewId: number;
    step: number;
    approverId: number;
    status: Exclude<StepStatus, 'pending' | 'withdrawn'>;
    comment: string | null;
    at: Date;
    to: { status: ReviewStatus; currentStep: number };
  }): Writes;
  /** pending → withdrawn (and its pending step), guarded */
  withdraw(reviewId: number, at: Date): Writes;
  /** approved → published, guarded */
  publish(reviewId: number, url: string | null, at: Date): Writes;
}

export type WordListKind = 'banned' | 'leader' | 'domain';
export interface WordListEntry {
  kind: WordListKind;
  value: string;
  extra: string | null;
}

export interface WordListRepo {
  all(): Promise<WordListEntry[]>;
  add(e: WordListEntry, by: number | null, at: Date): Write;
  remove(kind: WordListKind, value: string): Write;
}

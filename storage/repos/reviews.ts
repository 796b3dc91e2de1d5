/** The reviews repository (`ReviewRepo`, src/ports/reviews.ts): content reviews and their approval steps. */
import { and, asc, eq } from 'drizzle-orm';
import type { Finding } from '../../src/domain/precheck/index.js';
import type { Review, ReviewStep } from '../../src/domain/review.js';
import type { Role } from '../../src/domain/roles.js';
import type { ReviewRepo } from '../../src/ports/reviews.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { guardChanged, w } from '../write.js';
import { date, ms } from './rows.js';

type ReviewRow = typeof t.reviews.$inferSelect;
type StepRow = typeof t.reviewSteps.$inferSelect;

const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  unitId: r.unitId,
  accountId: r.accountId,
  title: r.title,
  level: r.level as Review['level'],
  link: r.link,
  content: r.content,
  plannedAt: date(r.plannedAt),
  deadlineAt: date(r.deadlineAt),
  requesterId: r.requesterId,
  status: r.status as Review['status'],
  currentStep: r.currentStep,
  findings: r.findings as Finding[],
  createdAt: date(r.createdAt),
  decidedAt: date(r.decidedAt),
  publishedAt: date(r.publishedAt),
  publishedUrl: r.publishedUrl,
});

const toStep = (r: StepRow): ReviewStep => ({
  reviewId: r.reviewId,
  step: r.step,
  role: r.role as Role,
  approverId: r.approverId,
  status: r.status as ReviewStep['status'],
  comment: r.comment,
  decidedAt: date(r.decidedAt),
});

export function createReviewRepo(db: Db): ReviewRepo {
  return {
    async byId(id) {
      const [r] = await db.select().from(t.reviews).where(eq(t.reviews.id, id));
      return r ? toReview(r) : null;
    },
    async steps(reviewId) {
      return (
        await db
          .select()
          .from(t.reviewSteps)
          .where(eq(t.reviewSteps.reviewId, reviewId))
          .orderBy(asc(t.reviewSteps.step))
      ).map(toStep);
    },
    async waitingFor(approverId) {
      const rows = await db
        .select({ r: t.reviews })
        .from(t.reviews)
        .innerJoin(
          t.reviewSteps,
          and(eq(t.reviewSteps.reviewId, t.reviews.id), eq(t.reviewSteps.step, t.reviews.currentStep)),
        )
        .where(
          and(
            eq(t.reviews.status, 'pending'),
            eq(t.reviewSteps.status, 'pending'),
            eq(t.reviewSteps.approverId, approverId),
          ),
        )
        .orderBy(asc(t.reviews.id));
      return rows.map((x) => toReview(x.r));
    },
    insert(r, source) {
      return w(
        'review.insert',
        db.insert(t.reviews).values({
          id: r.id,
          unitId: r.unitId,
          accountId: r.accountId,
          title: r.title,
          level: r.level,
          link: r.link,
          content: r.content,
          plannedAt: ms(r.plannedAt),
          deadlineAt: ms(r.deadlineAt),
          requesterId: r.requesterId,
          status: r.status,
          currentStep: r.currentStep,
          findings: r.findings,
          sourceChannel: source?.channel ?? null,
          sourceChat: source?.chatId ?? null,
          createdAt: ms(r.createdAt),
        }),
      );
    },
    addStep(s) {
      return w(
        'review.addStep',
        db
          .insert(t.reviewSteps)
          .values({ reviewId: s.reviewId, step: s.step, role: s.role, approverId: s.approverId, status: s.status }),
      );
    },
    decide(d) {
      const at = ms(d.at);
      return [
        w(
          'review.decideStep',
          db
            .update(t.reviewSteps)
            .set({ status: d.status, comment: d.comment, decidedAt: at })
            .where(
              and(
                eq(t.reviewSteps.reviewId, d.reviewId),
                eq(t.reviewSteps.step, d.step),
                eq(t.reviewSteps.status, 'pending'),
                eq(t.reviewSteps.approverId, d.approverId),
              ),
            ),
        ),
        guardChanged(`review:${d.reviewId}:step:${d.step}`),
        w(
          'review.advance',
          db
            .update(t.reviews)
            .set({
              status: d.to.status,
              currentStep: d.to.currentStep,
              decidedAt: d.to.status === 'pending' ? null : at,
            })
            .where(
              and(eq(t.reviews.id, d.reviewId), eq(t.reviews.status, 'pending'), eq(t.reviews.currentStep, d.step)),
            ),
        ),
        guardChanged(`review:${d.reviewId}`),
      ];
    },
    withdraw(reviewId, at) {
      return [
        w(
          'review.withdraw',
          db
            .update(t.reviews)
            .set({ status: 'withdrawn', decidedAt: ms(at) })
            .where(and(eq(t.reviews.id, reviewId), eq(t.reviews.status, 'pending'))),
        ),
        guardChanged(`review:${reviewId}`),
        w(
          'review.withdrawSteps',
          db
            .update(t.reviewSteps)
            .set({ status: 'withdrawn', decidedAt: ms(at) })
            .where(and(eq(t.reviewSteps.reviewId, reviewId), eq(t.reviewSteps.status, 'pending'))),
        ),
      ];
    },
    publish(reviewId, url, at) {
      return [
        w(
          'review.publish',
          db
            .update(t.reviews)
            .set({ status: 'published', publishedAt: ms(at), publishedUrl: url })
            .where(and(eq(t.reviews.id, reviewId), eq(t.reviews.status, 'approved'))),
        ),
        guardChanged(`review:${reviewId}`),
      ];
    },
  };
}

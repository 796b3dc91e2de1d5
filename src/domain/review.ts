/**
 * Content review before publishing (先审后发). The rules, from the seeds:
 * - 神木 第十七条: every item is reviewed before it is published (分级分类审核、先审后发);
 * - 吉林 二(三): 一般 items are signed by the 分管领导, 重大 items by the 主要领导 (here: the 分管领导 first, then the
 *   主要领导, 吉林 二(三), 神木 第十七条);
 * - 兴国 三(三): the approver checks 政治关 政策关 法律关 文字关 保密关 舆情关 安全关.
 */
import type { Finding } from './precheck/index.js';
import { summarizeFindings } from './precheck/index.js';
import type { Block, Reply } from './reply.js';
import type { Role } from './roles.js';
import { formatShanghai } from './time.js';

export type ReviewLevel = 'normal' | 'major';
export const LEVEL_NAMES: Record<ReviewLevel, string> = { normal: '一般', major: '重大' };
export type ReviewStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'published';
export const REVIEW_STATUS_NAMES: Record<ReviewStatus, string> = {
  pending: '审核中',
  approved: '已同意',
  rejected: '已退回',
  withdrawn: '已撤回',
  published: '已发布',
};
export type StepStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';
export type Decision = 'approve' | 'reject';

/** 兴国 三(三) */
export const SEVEN_CHECKS = ['政治关', '政策关', '法律关', '文字关', '保密关', '舆情关', '安全关'] as const;

/** The approvers, in order, for a level (吉林 二(三), 神木 第十七条). */
export function reviewChain(level: ReviewLevel): Role[] {
  return level === 'major' ? ['in_charge', 'principal'] : ['in_charge'];
}

export interface Review {
  id: number;
  unitId: number;
  accountId: number;
  title: string;
  level: ReviewLevel;
  link: string | null;
  content: string | null;
  plannedAt: Date | null;
  deadlineAt: Date | null;
  requesterId: number;
  status: ReviewStatus;
  currentStep: number;
  findings: Finding[];
  createdAt: Date;
  decidedAt: Date | null;
  publishedAt: Date | null;
  publishedUrl: string | null;
}

export interface ReviewStep {
  reviewId: number;
  step: number;
  role: Role;
  approverId: number | null;
  status: StepStatus;
  comment: string | null;
  decidedAt: Date | null;
}

/** The dedupe key of the approval card sent for a step: later updates of that card refer to it. */
export const cardKey = (reviewId: number, step: number): string => `review:R${reviewId}:step:${step}:card`;

export interface CardFacts {
  unitName: string;
  accountLabel: string;
  requesterName: string;
  approverName: string;
}

function shorten(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : s;
}

/** content longer than this is previewed in the fields and given in full below them (the card) or on request (text) */
export const PREVIEW_CHARS = 300;

export function summaryFields(r: Review, f: CardFacts, step: number): { label: string; value: string }[] {
  const steps = reviewChain(r.level).length;
  return [
    { label: '单位', value: f.unitName },
    { label: '账号', value: f.accountLabel },
    { label: '标题', value: r.title },
    { label: '级别', value: `${LEVEL_NAMES[r.level]}${steps > 1 ? `（第 ${step}/${steps} 步）` : ''}` },
    { label: '送审人', value: f.requesterName },
    { label: '计划发布', value: r.plannedAt ? formatShanghai(r.plannedAt) : '—' },
    ...(r.link ? [{ label: '链接', value: r.link }] : []),
    ...(r.content
      ? [
          {
            label: '内容',
            value:
              [...r.content].length > PREVIEW_CHARS ? `${shorten(r.content, PREVIEW_CHARS)}（全文见下）` : r.content,
          },
        ]
      : []),
  ];
}

/** The line above the seven checks (兴国 三(三)). */
export const CHECKS_HEADING = '请逐项把关（兴国 三(三)）：';

/** The seven checks with the line above them (兴国 三(三)), as the card and the text view show them. */
export const checksBlocks = (): Block[] => [
  { type: 'text', text: CHECKS_HEADING },
  { type: 'checklist', items: SEVEN_CHECKS.map((label) => ({ label, checked: false })) },
];

/** The pre-check's findings (or that it found nothing), for the card and the text view. */
export function findingsBlock(r: Review): Block {
  const findings = summarizeFindings(r.findings, {
    input: { title: r.title, text: r.content ?? undefined, link: r.link ?? undefined },
  });
  return findings.length
    ? { type: 'list', items: ['自动预检（仅供参考，不阻止发布）：', ...findings] }
    : { type: 'note', text: '自动预检：未发现敏感词、异形词或非白名单链接。' };
}

/** The approval card a leader gets: the facts, the seven checks, the pre-check findings, a comment box and buttons. */
export function approvalCard(r: Review, f: CardFacts, step: number): Reply {
  return {
    title: `待审核 R${r.id}：${shorten(r.title, 30)}`,
    tone: r.level === 'major' ? 'warning' : 'info',
    blocks: [
      { type: 'fields', fields: summaryFields(r, f, step) },
      // The approver reviews the whole text (先审后发), wherever it is long.
      ...(r.content && [...r.content].length > PREVIEW_CHARS
        ? [{ type: 'text' as const, text: `内容全文：\n${r.content}` }]
        : []),
      ...checksBlocks(),
      findingsBlock(r),
      {
        type: 'actions',
        input: { name: 'comment', placeholder: '审核意见（退回时必填）' },
        fallback: `/审批 同意 R${r.id} 或 /审批 退回 R${r.id} 意见=…`,
        buttons: [
          {
            label: '同意',
            style: 'primary',
            value: { action: 'review.decide', review: r.id, step, decision: 'approve' },
          },
          {
            label: '退回',
            style: 'danger',
            value: { action: 'review.decide', review: r.id, step, decision: 'reject' },
          },
        ],
      },
      { type: 'note', text: `也可发送 /审批 同意 R${r.id} 或 /审批 退回 R${r.id} 意见=…` },
    ],
  };
}

/** The same card after the decision: who decided what, when, with the comment; no buttons. */
export function decidedCard(
  r: Review,
  f: CardFacts,
  step: number,
  outcome: { decision: Decision | 'withdrawn'; by: string; at: Date; comment: string | null; next?: string },
): Reply {
  const verb = outcome.decision === 'approve' ? '已同意' : outcome.decision === 'reject' ? '已退回' : '已撤回';
  return {
    title: `${verb} R${r.id}：${shorten(r.title, 30)}`,
    tone: outcome.decision === 'approve' ? 'success' : outcome.decision === 'reject' ? 'error' : 'info',
    blocks: [
      { type: 'fields', fields: summaryFields(r, f, step) },
      {
        type: 'fields',
        fields: [
          { label: outcome.decision === 'withdrawn' ? '撤回人' : '审批人', value: outcome.by },
          { label: '时间', value: formatShanghai(outcome.at) },
          ...(outcome.comment ? [{ label: '意见', value: outcome.comment }] : []),
          ...(outcome.next ? [{ label: '下一步', value: outcome.next }] : []),
        ],
      },
    ],
  };
}

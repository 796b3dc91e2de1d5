/**
 * A review as text, for a leader on a channel without cards (Wechaty, the console): what the approval card shows —
 * 内容 (its first part, with the way to see it all), 链接, 计划发布, the seven checks (兴国 三(三)) and the pre-check
 * findings — with the commands to decide, naming the review's real id.
 */
import type { Block } from './reply.js';
import { type CardFacts, checksBlocks, findingsBlock, PREVIEW_CHARS, type Review, summaryFields } from './review.js';

export function reviewTextBlocks(
  r: Review,
  f: CardFacts,
  step: number,
  opts: { full?: boolean; canDecide?: boolean } = {},
): Block[] {
  // the card's fields, where 内容 shows its first part (or all of it with 全文) instead of the card's full text below
  const fields = summaryFields(r, f, step).map((x) => {
    if (x.label !== '内容' || !r.content) return x;
    const chars = [...r.content];
    if (opts.full || chars.length <= PREVIEW_CHARS) return { label: '内容', value: r.content };
    return {
      label: '内容',
      value: `${chars.slice(0, PREVIEW_CHARS).join('')}……（共 ${chars.length} 字，全文：/送审 查看 R${r.id} 全文）`,
    };
  });
  const blocks: Block[] = [
    { type: 'fields', fields },
    // once decided, the seven checks are no longer asked for
    ...(r.status === 'pending' ? checksBlocks() : []),
    findingsBlock(r),
  ];
  if (opts.canDecide)
    blocks.push({ type: 'note', text: `同意：/审批 同意 R${r.id} [意见=…]；退回：/审批 退回 R${r.id} 意见=…` });
  return blocks;
}

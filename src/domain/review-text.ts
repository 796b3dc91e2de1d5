/**
 * A review as text, for a leader on a channel without cards (Wechaty, the console): what the approval card shows —
 * 内容 (its first part, with the way to see it all), 链接, 计划发布, the seven checks (兴国 三(三)) and the pre-check
 * findings — with the commands to decide, naming the review's real id.
 */
import type { Block } from './reply.js';
import { approvalCard, type CardFacts, CHECKS_HEADING, type Review } from './review.js';

/** Characters of 内容 shown before "……（全文 …）". */
export const CONTENT_PREVIEW_CHARS = 300;

export function reviewTextBlocks(
  r: Review,
  f: CardFacts,
  step: number,
  opts: { full?: boolean; canDecide?: boolean } = {},
): Block[] {
  const card = approvalCard(r, f, step);
  const blocks: Block[] = [];
  for (const b of card.blocks) {
    if (b.type === 'actions') continue;
    // once decided, the seven checks (and their heading) are no longer asked for
    if (r.status !== 'pending' && (b.type === 'checklist' || (b.type === 'text' && b.text === CHECKS_HEADING)))
      continue;
    if (b.type === 'note' && b.text.startsWith('也可发送')) continue;
    // the card carries the whole text below its fields; here 内容 shows its first part, or all of it with 全文
    if (b.type === 'text' && b.text.startsWith('内容全文')) continue;
    if (b.type === 'fields') {
      blocks.push({
        type: 'fields',
        fields: b.fields.map((x) => {
          if (x.label !== '内容' || !r.content) return x;
          const chars = [...r.content];
          if (opts.full || chars.length <= CONTENT_PREVIEW_CHARS) return { label: '内容', value: r.content };
          return {
            label: '内容',
            value: `${chars.slice(0, CONTENT_PREVIEW_CHARS).join('')}……（共 ${chars.length} 字，全文：/送审 查看 R${r.id} 全文）`,
          };
        }),
      });
      continue;
    }
    blocks.push(b);
  }
  if (opts.canDecide)
    blocks.push({ type: 'note', text: `同意：/审批 同意 R${r.id} [意见=…]；退回：/审批 退回 R${r.id} 意见=…` });
  return blocks;
}

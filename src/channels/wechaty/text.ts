/**
 * Replies as WeChat text: no cards, no buttons. A card is rendered as plain text; a button becomes the command that
 * does the same; a long text is cut into pages at line ends, each marked (1/3).
 */
import { type Block, type Reply, renderText } from '../../domain/reply.js';

/** What to type instead of a card button, by the button's action (none: the card already says it, or no equivalent). */
function typedInstead(value: Record<string, string | number> & { action: string }): string | null {
  if (value.action === 'filing.confirm' && value.filing !== undefined) return `/备案 确认 F${value.filing}`;
  return null;
}

/** The reply as one plain text, buttons replaced by the commands to type. */
export function wechatyText(reply: Reply): string {
  const blocks: Block[] = [];
  for (const b of reply.blocks) {
    if (b.type !== 'actions') {
      blocks.push(b);
      continue;
    }
    const typed = b.buttons.map((x) => typedInstead(x.value)).filter((x): x is string => x !== null);
    if (typed.length) blocks.push({ type: 'note', text: `发送 ${typed.join(' 或 ')}` });
  }
  return renderText({ ...reply, blocks });
}

/** Cut `text` into pages of at most `max` characters, at line ends where possible; more than one page is numbered. */
export function paginate(text: string, max: number): string[] {
  const room = Math.max(50, max - 10); // leave space for the page mark
  const chars = (s: string): number => [...s].length;
  if (chars(text) <= max) return [text];
  const pages: string[] = [];
  let cur = '';
  const flush = (): void => {
    if (cur !== '') pages.push(cur);
    cur = '';
  };
  for (const line of text.split('\n')) {
    let rest = line;
    while (chars(rest) > room) {
      flush();
      const cps = [...rest];
      pages.push(cps.slice(0, room).join(''));
      rest = cps.slice(room).join('');
    }
    const next = cur === '' ? rest : `${cur}\n${rest}`;
    if (chars(next) > room) {
      flush();
      cur = rest;
    } else cur = next;
  }
  flush();
  return pages.map((p, i) => `(${i + 1}/${pages.length})\n${p}`);
}

/**
 * A platform-neutral Reply rendered for WeCom:
 * - a reply with buttons becomes a `template_card` of type `button_interaction` (the approval card): short fields in
 *   the horizontal list (a link as a link), a long text as the quote, the seven checks as the subtitle, the pre-check
 *   findings and notes in the vertical list, each button's value as its `key` (untrusted on the way back: the core
 *   decides by who clicked);
 * - the card after a decision is the same card type with the buttons greyed out (`replace_text`), for
 *   message/update_template_card;
 * - anything else is a text message (app messages) or markdown (group push webhooks), cut to WeCom's 2048 bytes.
 * A template card has no comment box: 退回 from a card asks for the reason in the chat (see routes.ts).
 */
import type { Block, Reply } from '../../domain/reply.js';
import { renderText } from '../../domain/reply.js';
import { CHECKS_HEADING } from '../../domain/review.js';

export const MAX_TEXT_BYTES = 2048;
const MAX_MARKDOWN_BYTES = 4096;
const TRUNCATED = '\n…（内容较长，已截断；请加条件筛选）';

type Json = Record<string, unknown>;

/** Cut a string to at most `max` UTF-8 bytes, on a character boundary. */
export function cutBytes(s: string, max: number, tail = ''): string {
  const enc = new TextEncoder();
  if (enc.encode(s).length <= max) return s;
  const budget = max - enc.encode(tail).length;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = enc.encode(ch).length;
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + tail;
}

/** Cut to `n` characters (WeCom counts a card's limits in characters). */
const chars = (s: string, n: number): string => {
  const a = [...s.replace(/\s+/g, ' ').trim()];
  return a.length <= n ? a.join('') : `${a.slice(0, n - 1).join('')}…`;
};

export const hasButtons = (r: Reply): boolean => r.blocks.some((b) => b.type === 'actions');

const BUTTON_STYLE = { primary: 1, default: 2, danger: 3 } as const;

const isUrl = (v: string): boolean => /^https?:\/\/\S+$/.test(v);

function lineItems(blocks: Block[]): Json[] {
  const out: Json[] = [];
  for (const b of blocks) {
    if (b.type === 'list' && b.items.length) {
      const [head, ...rest] = b.items;
      const titled = rest.length > 0 && /[：:]$/.test(head ?? '');
      out.push({
        title: chars(titled ? (head ?? '').replace(/[：:]$/, '') : '说明', 26),
        desc: chars((titled ? rest : b.items).join('；'), 112),
      });
    } else if (b.type === 'text' || b.type === 'note') {
      if (b.text === CHECKS_HEADING) continue;
      out.push({ title: b.type === 'note' ? '提示' : '说明', desc: chars(b.text, 112) });
    } else if (b.type === 'table') {
      out.push({
        title: chars(b.columns.join(' | '), 26),
        desc: chars(b.rows.map((r) => r.join(' ')).join('；'), 112),
      });
    }
  }
  return out;
}

/**
 * Lay a reply out on a template card: up to 6 short fields in the horizontal list (a link as a link), the first long
 * text field as the quote, the checklist as the subtitle, and the rest (overflowing fields, findings, notes) in the
 * vertical list (at most 4), in that order.
 */
function layout(blocks: Block[], fields: { label: string; value: string }[]): Json {
  const horizontal: Json[] = [];
  const overflow: Json[] = [];
  const long = (v: string) => [...v].length > 26;
  // the longest free text becomes the quote; links go first into the horizontal list (as links), then short fields
  const quoted = fields
    .filter((f) => long(f.value) && !isUrl(f.value))
    .sort((a, b) => b.value.length - a.value.length)[0];
  const quote: Json | null = quoted
    ? { type: 0, title: chars(quoted.label, 26), quote_text: chars(quoted.value, 200) }
    : null;
  const links = fields.filter((f) => isUrl(f.value)).slice(0, 2);
  const slots = 6 - links.length;
  let used = 0;
  for (const f of fields) {
    if (f === quoted || links.includes(f)) continue;
    if (!long(f.value) && used < slots) {
      horizontal.push({ keyname: chars(f.label, 5), value: f.value || '—' });
      used++;
    } else overflow.push({ title: chars(f.label, 26), desc: chars(f.value, 112) });
  }
  for (const f of links)
    horizontal.push({
      keyname: chars(f.label, 5),
      value: chars(f.value.replace(/^https?:\/\//, ''), 26),
      type: 1,
      url: f.value,
    });
  const checklist = blocks.find((b) => b.type === 'checklist');
  const card: Json = {
    horizontal_content_list: horizontal,
    vertical_content_list: [...overflow, ...lineItems(blocks)].slice(0, 4),
  };
  if (quote) card.quote_area = quote;
  if (checklist && checklist.type === 'checklist')
    card.sub_title_text = chars(
      `请逐项把关：${checklist.items.map((c) => `${c.checked ? '☑' : '☐'}${c.label}`).join(' ')}`,
      112,
    );
  return card;
}

const fieldsOf = (blocks: Block[]) => blocks.flatMap((b) => (b.type === 'fields' ? b.fields : []));

/** An approval card (a reply with buttons) as a `button_interaction` template card. */
export function templateCard(r: Reply, taskId: string): Json {
  const buttons = r.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
  const body = r.blocks.filter((b) => b.type !== 'actions');
  return {
    card_type: 'button_interaction',
    source: { desc: '政务新媒体助手' },
    main_title: { title: chars(r.title ?? '政务新媒体助手', 26) },
    ...layout(body, fieldsOf(body)),
    task_id: taskId,
    button_list: buttons.slice(0, 6).map((b) => ({
      text: chars(b.label, 10),
      style: BUTTON_STYLE[b.style ?? 'default'],
      key: JSON.stringify(b.value),
    })),
  };
}

/** The card after a decision: the same card type, its facts and the outcome, the buttons greyed out. */
export function updatedCard(r: Reply, taskId: string): Json {
  const title = r.title ?? '已处理';
  // The outcome (who, when, the comment) comes first: it is the last fields block of a decided card.
  const fieldBlocks = r.blocks.filter((b) => b.type === 'fields');
  const ordered = [...fieldBlocks.slice(1).reverse(), ...fieldBlocks.slice(0, 1)].flatMap((b) =>
    b.type === 'fields' ? b.fields : [],
  );
  return {
    card_type: 'button_interaction',
    source: { desc: '政务新媒体助手' },
    main_title: { title: chars(title, 26) },
    ...layout(r.blocks, ordered),
    task_id: taskId,
    button_list: [{ text: '已处理', style: 2, key: JSON.stringify({ action: 'noop' }) }],
    replace_text: chars(title.split(/\s|：/)[0] ?? '已处理', 10),
  };
}

/** A reply as an app message body (without touser/agentid). */
export function appMessage(r: Reply, taskId: string): Json {
  // A table does not fit a template card: such a reply (the register with its 刷新 button) goes as text.
  if (hasButtons(r) && !r.blocks.some((b) => b.type === 'table'))
    return { msgtype: 'template_card', template_card: templateCard(r, taskId) };
  const text = renderText({ ...r, blocks: r.blocks.filter((b) => b.type !== 'actions') });
  return { msgtype: 'text', text: { content: cutBytes(text, MAX_TEXT_BYTES, TRUNCATED) } };
}

/** Keep what a user typed from turning into markdown: neutralize the few constructs WeCom's markdown knows. */
function mdSafe(s: string): string {
  return s
    .replace(/[<>*`]/g, (c) => ({ '<': '＜', '>': '＞', '*': '＊', '`': '｀' })[c] ?? c)
    .replace(/\]\(/g, ']\u200b(');
}

/** A reply as WeCom markdown (group push webhooks and AI bot replies): a bold title, then the text. */
export function markdown(r: Reply): string {
  const text = renderText({ ...r, title: undefined });
  const lines = text.split('\n').map((l) => (/^\s*(#|>|-|\d+\.)/.test(l) ? `\u3000${mdSafe(l)}` : mdSafe(l)));
  const head = r.title !== undefined ? `**${mdSafe(r.title)}**\n` : '';
  return cutBytes(head + lines.join('\n'), MAX_MARKDOWN_BYTES, TRUNCATED);
}

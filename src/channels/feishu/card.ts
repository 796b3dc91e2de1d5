/**
 * A platform-neutral Reply rendered for Feishu: a text message when it is a line or two, otherwise an interactive card
 * in JSON 2.0 (schema '2.0', header, body.elements). User-provided text goes into plain_text elements, never into
 * markdown, so nothing a user typed can change the card's formatting.
 */
import type { Block, Reply, Tone } from '../../domain/reply.js';
import { capText, neutralizeMarkup } from '../../domain/escape.js';
import { isPlainText, renderText } from '../../domain/reply.js';

export type FeishuContent = { msgType: 'text'; content: string } | { msgType: 'interactive'; content: string };

const TEMPLATE: Record<Tone, string> = { info: 'blue', success: 'green', warning: 'orange', error: 'red' };
const TONE_MARK: Record<Tone, string> = { info: '', success: '✅ ', warning: '⚠️ ', error: '❌ ' };
/** Feishu limits a card to about 30 KB; keep well below. */
const MAX_CARD_BYTES = 25_000;
/** Feishu refuses a text message over 150 KB; a text answer is cut well below. */
export const MAX_TEXT_BYTES = 16_000;

type Json = Record<string, unknown>;

// Everything shown goes through neutralizeMarkup: plain_text is not parsed today, but a text fallback and any later
// markdown element must not turn a user's `<at user_id="all">` into a mention.
const plain = (content: string): Json => ({ tag: 'plain_text', content: neutralizeMarkup(content, 'feishu') });
const div = (content: string): Json => ({ tag: 'div', text: plain(content) });

function fieldRow(label: string, value: string): Json {
  return {
    tag: 'column_set',
    horizontal_spacing: '8px',
    columns: [
      {
        tag: 'column',
        width: 'weighted',
        weight: 1,
        elements: [{ tag: 'div', text: { ...plain(label), text_color: 'grey' } }],
      },
      { tag: 'column', width: 'weighted', weight: 3, elements: [div(value)] },
    ],
  };
}

function blockElements(b: Block, index: number): Json[] {
  switch (b.type) {
    case 'text':
      return [div(b.text)];
    case 'note':
      return [{ tag: 'div', text: { ...plain(b.text), text_size: 'notation', text_color: 'grey' } }];
    case 'file':
    case 'image':
      // sent as their own file / image messages after the card
      return [];
    case 'fields':
      return b.fields.map((f) => fieldRow(f.label, f.value));
    case 'list':
      return [div(b.items.map((i) => `• ${i}`).join('\n'))];
    case 'checklist':
      return [div(b.items.map((c) => `${c.checked ? '☑' : '☐'} ${c.label}`).join('　'))];
    case 'table': {
      const cols = b.columns.map((c, i) => ({ name: `c${i}`, display_name: c, data_type: 'text', width: 'auto' }));
      return [
        {
          tag: 'table',
          page_size: 10,
          row_height: 'low',
          header_style: { bold: true, background_style: 'grey' },
          columns: cols,
          rows: b.rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, neutralizeMarkup(v, 'feishu')]))),
        },
      ];
    }
    case 'actions': {
      const buttons = b.buttons.map((btn, i) => ({
        tag: 'button',
        name: `btn_${index}_${i}`,
        text: plain(btn.label),
        type: btn.style === 'danger' ? 'danger' : btn.style === 'primary' ? 'primary_filled' : 'default',
        ...(b.input ? { form_action_type: 'submit' } : {}),
        behaviors: [{ type: 'callback', value: btn.value }],
      }));
      const row = {
        tag: 'column_set',
        horizontal_spacing: '8px',
        columns: buttons.map((btn) => ({ tag: 'column', width: 'auto', elements: [btn] })),
      };
      if (!b.input) return [row];
      return [
        {
          tag: 'form',
          name: `form_${index}`,
          elements: [
            { tag: 'input', name: b.input.name, placeholder: plain(b.input.placeholder), max_length: 500 },
            row,
          ],
        },
      ];
    }
  }
}

export function renderCard(r: Reply): Json {
  const tone = r.tone ?? 'info';
  const elements = r.blocks.flatMap((b, i) => blockElements(b, i));
  const card: Json = {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill' },
    header: {
      title: plain(r.title ?? (tone === 'info' ? '政务新媒体助手' : `${TONE_MARK[tone]}提示`)),
      template: TEMPLATE[tone],
    },
    body: { elements },
  };
  if (Buffer.byteLength(JSON.stringify(card)) > MAX_CARD_BYTES) {
    // Too big for a card (a long register): fall back to text inside a card, trimmed, with a pointer.
    const text = renderText({ ...r, title: undefined });
    const trimmed = text.slice(0, 6_000);
    card.body = {
      elements: [
        div(trimmed),
        { tag: 'div', text: { ...plain('（内容较长，已截断；请加条件筛选）'), text_color: 'grey' } },
      ],
    };
  }
  return card;
}

/** Text for a short answer, a card for anything with structure. */
export function renderFeishu(r: Reply): FeishuContent {
  if (isPlainText(r) && !r.blocks.some((b) => b.type === 'actions')) {
    return {
      msgType: 'text',
      content: JSON.stringify({ text: capText(neutralizeMarkup(renderText(r), 'feishu'), MAX_TEXT_BYTES) }),
    };
  }
  return { msgType: 'interactive', content: JSON.stringify(renderCard(r)) };
}

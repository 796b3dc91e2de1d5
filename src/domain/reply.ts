/**
 * A platform-neutral reply: what a command answers and what notifications say. Channels render it — as a Feishu
 * interactive card, a WeCom template card, or plain text (console, WeChat, text fallbacks). Capabilities a platform
 * may lack are optional here: a comment box on buttons (WeCom template cards have none), a toast after a click, and
 * buttons themselves; each comes with a text fallback (`/审批 退回 R12 意见=…`) a renderer shows instead.
 */
export type Tone = 'info' | 'success' | 'warning' | 'error';

export interface Button {
  label: string;
  /** what the click sends back; the handler is chosen by `action` */
  value: { action: string } & Record<string, string | number>;
  style?: 'primary' | 'danger' | 'default';
}

export type Block =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'list'; items: string[] }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'checklist'; items: { label: string; checked: boolean }[] }
  | {
      type: 'actions';
      buttons: Button[];
      /** a comment box, where the platform's cards have one (Feishu); other renderers drop it */
      input?: { name: string; placeholder: string };
      /** the same choice as typed commands, for channels without buttons or without a comment box */
      fallback?: string;
    }
  | { type: 'note'; text: string }
  | { type: 'file'; fileId: number; name: string }
  | { type: 'image'; fileId: number; alt: string };

export interface Reply {
  title?: string;
  tone?: Tone;
  blocks: Block[];
}

/** A stored file or image attached to a reply: sent as its own message where the channel can. */
export type FileBlock = Extract<Block, { type: 'file' } | { type: 'image' }>;
export const isFileBlock = (b: Block): b is FileBlock => b.type === 'file' || b.type === 'image';

/** The reply without its files (what goes first, as text or a card, before the files). */
export const withoutFiles = (r: Reply): Reply => ({ ...r, blocks: r.blocks.filter((b) => !isFileBlock(b)) });

export const textReply = (text: string, tone?: Tone): Reply => ({ tone, blocks: [{ type: 'text', text }] });

/** Is this reply just a line or two of text (sent as a text message rather than a card)? */
export function isPlainText(r: Reply): boolean {
  return r.title === undefined && r.blocks.length === 1 && r.blocks[0]?.type === 'text';
}

const TONE_MARK: Record<Tone, string> = { info: '', success: '✅ ', warning: '⚠️ ', error: '❌ ' };

/** Plain-text rendering (console, and platforms or fallbacks without cards). */
export function renderText(r: Reply): string {
  const out: string[] = [];
  if (r.title !== undefined) out.push(`${TONE_MARK[r.tone ?? 'info']}【${r.title}】`);
  r.blocks.forEach((b, i) => {
    const first = i === 0 && r.title === undefined ? TONE_MARK[r.tone ?? 'info'] : '';
    switch (b.type) {
      case 'text':
        out.push(first + b.text);
        break;
      case 'fields':
        for (const f of b.fields) out.push(`${f.label}：${f.value}`);
        break;
      case 'list':
        for (const item of b.items) out.push(`· ${item}`);
        break;
      case 'table':
        out.push(b.columns.join(' | '));
        for (const row of b.rows) out.push(row.join(' | '));
        break;
      case 'checklist':
        out.push(b.items.map((c) => `${c.checked ? '☑' : '☐'}${c.label}`).join(' '));
        break;
      case 'actions':
        out.push(`操作：${b.buttons.map((x) => `[${x.label}]`).join(' ')}`);
        break;
      case 'note':
        out.push(`（${b.text}）`);
        break;
      case 'file':
        out.push(`[文件] ${b.name}`);
        break;
      case 'image':
        out.push(`[图片] ${b.alt}`);
        break;
    }
  });
  return out.join('\n');
}

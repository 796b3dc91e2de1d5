/**
 * Keeping what users typed inert when it is shown back to a chat, for every channel's renderer.
 *
 * Chat platforms read markup inside plain messages: Feishu text turns `<at user_id="all"></at>` into an @-everyone and
 * reads `<b>`, `<a>` and friends; WeCom markdown reads `<@userid>`, `<@all>` and `<font>`; in WeChat an `@所有人` looks
 * like the real thing. The bot itself never writes such markup into a Reply (mentions are structured), so a renderer
 * may neutralize the whole text it sends. Neutralizing replaces the opening `<` of anything tag-like with the
 * full-width `＜` (the text reads the same; the platform no longer parses it), and for WeChat the `@` of `@所有人`.
 *
 * Echoing: a reply that quotes the user's input quotes at most ECHO_MAX characters of it (`echo`), and a whole message
 * is capped (`capText`), so a huge command cannot produce a reply the platform refuses.
 */

export type MarkupDialect = 'feishu' | 'wecom-markdown' | 'wechat';

/** `<` opening a tag (`<at`, `</at`, `<b>`, `<a href`), a mention (`<@…>`) or a markup declaration (`<!`, `<?`). */
const TAG_OPEN = /<(?=\s*(?:[/!?@]|[a-zA-Z]))/g;
/** `@所有人` / `@all` as WeChat and WeCom text show them; U+2005 is the separator WeChat puts after a mention. */
const AT_ALL = /[@＠]\s*(?=所有人|all\b|everyone\b)/gi;

/** Make user text inert in a channel's markup. Pure; safe to apply to a whole message the bot composed. */
export function neutralizeMarkup(text: string, dialect: MarkupDialect): string {
  let out = text.replace(TAG_OPEN, '＜');
  if (dialect === 'wecom-markdown') out = out.replace(/[[\]]/g, (c) => (c === '[' ? '［' : '］')); // no [text](url) links
  if (dialect === 'wechat' || dialect === 'wecom-markdown')
    out = out.replace(AT_ALL, '＠\u200b').replace(/\u2005/g, ' ');
  return out;
}

/** How many characters of a user's input a reply quotes. */
export const ECHO_MAX = 60;

/** Cut `s` to at most `max` characters (code points), marking the cut with `…`. */
export function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A user's input as a reply may quote it: on one line, at most ECHO_MAX characters. */
export function echo(input: string, max = ECHO_MAX): string {
  return clip(input.replace(/\s+/g, ' ').trim(), max);
}

/** Shorten every 「…」 quotation in a text to `max` characters (texts that quote user values, such as argument errors). */
export function clipQuotes(text: string, max = ECHO_MAX): string {
  return text.replace(/「([^」]*)」/g, (_m, inner: string) => `「${echo(inner, max)}」`);
}

/** Cap a whole message at `maxBytes` of UTF-8, with a note that it was cut. */
export function capText(text: string, maxBytes: number, note = '\n（内容较长，已截断）'): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Bytes(note);
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (bytes + n > budget) break;
    out += ch;
    bytes += n;
  }
  return out + note;
}

/** UTF-8 length of a string (lone surrogates count as the 3-byte replacement character). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

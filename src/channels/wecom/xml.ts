/**
 * A strict parser for WeCom's callback XML, which is always one flat `<xml>` element of simple children, each holding
 * text or one CDATA section (`<xml><ToUserName><![CDATA[ww1]]></ToUserName><AgentID>1</AgentID>…</xml>`). The
 * documented event `template_card_event` nests one level (`<SelectedItems>`), which is skipped. XML is treated as
 * hostile: a DTD, a processing instruction other than the prolog, an entity other than the five predefined ones and
 * numeric references, attributes, or anything not of this shape is refused.
 */
export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_FIELDS = 64;

function decodeText(s: string): string {
  return s.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const cp = e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0) throw new XmlError('bad character reference');
    return String.fromCodePoint(cp);
  });
}

/** Parse `<xml>…</xml>` into its children's text, by element name (the first occurrence of a name wins). */
export function parseFlatXml(input: string): Record<string, string> {
  let s = input.replace(/^\uFEFF/, '').trim();
  if (s.startsWith('<?xml')) {
    const end = s.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated prolog');
    s = s.slice(end + 2).trim();
  }
  if (!s.startsWith('<xml>') || !s.endsWith('</xml>')) throw new XmlError('not an <xml> document');
  let rest = s.slice(5, -6);
  const out: Record<string, string> = {};
  let count = 0;
  while ((rest = rest.trimStart()) !== '') {
    const open = /^<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (!open) throw new XmlError('expected an element');
    const name = open[1] as string;
    if (!NAME.test(name)) throw new XmlError('bad element name');
    rest = rest.slice(open[0].length);
    const close = `</${name}>`;
    let value: string;
    if (rest.startsWith('<![CDATA[')) {
      const end = rest.indexOf(']]>');
      if (end < 0) throw new XmlError('unterminated CDATA');
      value = rest.slice(9, end);
      rest = rest.slice(end + 3);
      if (!rest.startsWith(close)) throw new XmlError(`expected ${close}`);
      rest = rest.slice(close.length);
    } else {
      const end = rest.indexOf(close);
      if (end < 0) throw new XmlError(`unterminated <${name}>`);
      const inner = rest.slice(0, end);
      rest = rest.slice(end + close.length);
      if (inner.includes('<')) {
        // one nested level (SelectedItems and the like): checked for shape, not kept
        if (/<[!?](?!\[CDATA\[)/.test(inner) || inner.includes(`<${name}>`))
          throw new XmlError(`unexpected content in <${name}>`);
        continue;
      }
      value = decodeText(inner);
    }
    if (++count > MAX_FIELDS) throw new XmlError('too many elements');
    if (!(name in out)) out[name] = value;
  }
  return out;
}

const escapeCdata = (s: string): string => s.replaceAll(']]>', ']]]]><![CDATA[>');

/** Build a flat `<xml>` document (for passive replies and tests). */
export function buildFlatXml(fields: Record<string, string | number>): string {
  const parts = Object.entries(fields).map(([k, v]) =>
    typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${escapeCdata(v)}]]></${k}>`,
  );
  return `<xml>${parts.join('')}</xml>`;
}

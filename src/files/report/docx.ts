/**
 * The 通报 draft as a .docx (the `docx` package), in the usual layout of an official document (GB/T 9704): the title
 * centred in 小标宋 二号, the addressees (主送) flush left, the body in 仿宋 三号 with first-level headings 一、二、三 in
 * 黑体 and second-level （一）（二） in 楷体, the annexes, and the issuer and date (落款) at the right. The office edits
 * and issues it; fonts fall back to what the reader's machine has.
 */
import {
  AlignmentType,
  BorderStyle,
  convertMillimetersToTwip,
  Document,
  Packer,
  PageBreak,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { platformName } from '../../domain/platforms.js';
import { type AccountResult, passRateText, quarterName, type Report, vetoedAccounts } from '../../domain/report.js';
import { shanghaiDate } from '../../domain/time.js';

const FANGSONG = '仿宋_GB2312';
const HEITI = '黑体';
const KAITI = '楷体_GB2312';
const TITLE_FONT = '方正小标宋简体';
/** sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt */
const ERHAO = 44;
const SANHAO = 32;
const SIHAO = 28;
/** Units listed in the ranking table at most (the .xlsx has them all). */
const TABLE_UNITS = 100;
const TABLE_ACCOUNTS = 300;
/** Accounts named in the body at most (the annex and the .xlsx list them all). */
const NAMED = 100;
const named = (xs: readonly AccountResult[], one: (a: AccountResult) => string): string =>
  `${xs.slice(0, NAMED).map(one).join('、')}${xs.length > NAMED ? `等${xs.length}个（详见附件2）` : ''}`;

const CN_NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const cnDate = (iso: string): string =>
  `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
const label = (a: AccountResult): string => `${a.unitName}${platformName(a.platform)}“${a.name}”`;

const run = (text: string, font = FANGSONG, size = SANHAO, bold = false): TextRun =>
  new TextRun({ text, font: { name: font, eastAsia: font }, size, bold });

/** A body paragraph: first line indented two characters, fixed 28-point line spacing. */
const body = (text: string): Paragraph =>
  new Paragraph({
    children: [run(text)],
    indent: { firstLine: 640 },
    spacing: { line: 560, lineRule: 'exact' },
    alignment: AlignmentType.JUSTIFIED,
  });
const heading1 = (text: string): Paragraph =>
  new Paragraph({
    children: [run(text, HEITI)],
    indent: { firstLine: 640 },
    spacing: { line: 560, lineRule: 'exact' },
  });
const right = (text: string, rightIndent = 640): Paragraph =>
  new Paragraph({
    children: [run(text)],
    alignment: AlignmentType.RIGHT,
    indent: { right: rightIndent },
    spacing: { line: 560, lineRule: 'exact' },
  });
const blank = (): Paragraph => new Paragraph({ children: [run('')], spacing: { line: 560, lineRule: 'exact' } });

const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
function table(columns: string[], rows: string[][]): Table {
  const cell = (text: string, bold = false): TableCell =>
    new TableCell({
      children: [
        new Paragraph({ children: [run(text, bold ? HEITI : FANGSONG, SIHAO)], alignment: AlignmentType.CENTER }),
      ],
      borders: { top: border, bottom: border, left: border, right: border },
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ children: columns.map((c) => cell(c, true)), tableHeader: true }),
      ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
    ],
  });
}

export interface DocxOptions {
  /** 主送 line; default 各有关单位 */
  addressees?: string;
}

/** The paragraphs of the 通报, as plain text (also what the .docx says). */
export function draftSections(r: Report): {
  title: string;
  addressees: string;
  intro: string;
  sections: { heading: string; paragraphs: { heading?: string; text: string }[] }[];
} {
  const o = r.overall;
  const v = vetoedAccounts(r);
  const platforms = o.byPlatform.map((p) => `${platformName(p.platform)}${p.accounts}个`).join('、');
  const top = r.units.slice(0, 3).map((u) => `${u.unitName}（${u.score.toFixed(1)}分）`);
  const bottom =
    r.units.length > 3
      ? r.units.slice(-Math.min(3, r.units.length - 3)).map((u) => `${u.unitName}（${u.score.toFixed(1)}分）`)
      : [];
  // accounts that passed but fell short on an indicator, counted in one pass (a register has 100,000 accounts)
  const short = { weekly: 0, filing: 0, review: 0, repost: 0, password: 0, cleanup: 0 };
  const keys = Object.keys(short) as (keyof typeof short)[];
  for (const a of r.accounts) {
    if (!a.passed) continue;
    for (const k of keys) {
      const value = a.indicators[k].value;
      if (value !== null && value < 1) short[k]++;
    }
  }
  const count = (k: keyof AccountResult['indicators']): number => short[k];

  const overall: { heading?: string; text: string }[] = [
    {
      text: `本次共检查政务新媒体${o.accounts}个${platforms ? `，其中${platforms}` : ''}。单项否决（不合格）${o.failed}个，合格率${passRateText(r)}；账号平均得分${o.meanScore.toFixed(1)}分。${o.closed ? `本季依规关停、注销账号${o.closed}个。` : ''}`,
    },
  ];
  if (top.length)
    overall.push({
      text: `${r.units.length}个单位中，得分位居前列的是${top.join('、')}${bottom.length ? `；排名靠后的是${bottom.join('、')}` : ''}。各单位得分及排名见附件1。`,
    });

  const problems: { heading?: string; text: string }[] = [];
  let n = 0;
  if (v.dormant.length) {
    problems.push({
      heading: `（${CN_NUM[n++]}）“僵尸”“睡眠”账号。`,
      text: `${v.dormant.length}个账号本季出现连续${r.settings.dormantDays}天以上未更新，属全国政务新媒体检查单项否决情形：${named(v.dormant, (a) => `${label(a)}（${a.vetoes.find((x) => x.kind === 'dormant')!.text}）`)}。`,
    });
  }
  if (v.unfiled.length) {
    problems.push({
      heading: `（${CN_NUM[n++]}）开设未备案。`,
      text: `${v.unfiled.length}个账号开设后未按规定备案：${named(v.unfiled, label)}。`,
    });
  }
  const minor: string[] = [];
  if (count('weekly')) minor.push(`${count('weekly')}个账号有的周更新少于${r.settings.weeklyMinPosts}条`);
  if (count('filing')) minor.push(`${count('filing')}个账号备案超过${r.settings.filingDeadlineWorkdays}个工作日`);
  if (count('review')) minor.push(`${count('review')}个账号有送审未在审核期限内审结`);
  if (count('repost')) minor.push(`${count('repost')}个账号重要信息转载不及时`);
  if (count('password')) minor.push(`${count('password')}个账号逾期未更换密码`);
  if (minor.length)
    problems.push({
      heading: `（${CN_NUM[n++]}）日常运维不规范。`,
      text: `${minor.join('，')}。具体见各单位整改要求。`,
    });
  if (problems.length === 0) problems.push({ text: '本季未发现单项否决情形。' });

  const listed = r.units.filter((u) => u.actions.length);
  const next: { heading?: string; text: string }[] = [
    {
      heading: '（一）立即整改。',
      text: `存在问题的单位要逐项对照整改，于${cnDate(r.rectifyBy)}前将整改情况书面报${r.issuer}。${
        listed.length
          ? `其中：${listed
              .slice(0, 30)
              .map((u) => `${u.unitName}：${u.actions.filter((x) => !x.includes('前将整改情况')).join('；')}`)
              .join(
                '。',
              )}${listed.length > 30 ? `。其余${listed.length - 30}个单位的整改要求见明细表“单位排名”` : ''}。`
          : ''
      }`,
    },
    {
      heading: '（二）落实常态化管理。',
      text: `严格执行先审后发制度，保证每周更新不少于${r.settings.weeklyMinPosts}次，开设、变更、关停、注销在${r.settings.filingDeadlineWorkdays}个工作日内备案，重大政策信息${r.settings.repostDeadlineWorkdays}个工作日内转载，定期更换账号密码。`,
    },
    {
      heading: '（三）清理整合账号。',
      text: '对长期无更新、无力运维的账号，依规关停或注销并及时备案，确保账号应管尽管、运行规范。',
    },
  ];
  return {
    title: `关于${quarterName(r.quarter)}全县政务新媒体检查情况的通报`,
    addressees: '各有关单位：',
    intro: `为加强政务新媒体监督管理，按照每季度检查并通报结果的要求，${r.issuer}对${cnDate(r.from)}至${cnDate(r.to)}全县政务新媒体运行情况进行了检查。现将有关情况通报如下：`,
    sections: [
      { heading: '一、总体情况', paragraphs: overall },
      { heading: '二、存在问题', paragraphs: problems },
      { heading: '三、下一步要求', paragraphs: next },
    ],
  };
}

/** The .docx bytes. */
export async function reportDocx(r: Report, opts: DocxOptions = {}): Promise<Uint8Array> {
  const d = draftSections(r);
  const dated = cnDate(shanghaiDate(new Date(r.issued?.at ?? r.computedAt)));
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      children: [run(d.title, TITLE_FONT, ERHAO)],
      alignment: AlignmentType.CENTER,
      spacing: { after: 400, line: 700, lineRule: 'exact' },
    }),
    new Paragraph({ children: [run(opts.addressees ?? d.addressees)], spacing: { line: 560, lineRule: 'exact' } }),
    body(d.intro),
  ];
  for (const s of d.sections) {
    children.push(heading1(s.heading));
    for (const p of s.paragraphs) {
      if (p.heading)
        children.push(
          new Paragraph({
            children: [run(p.heading, KAITI), run(p.text)],
            indent: { firstLine: 640 },
            spacing: { line: 560, lineRule: 'exact' },
            alignment: AlignmentType.JUSTIFIED,
          }),
        );
      else children.push(body(p.text));
    }
  }
  children.push(
    blank(),
    body('附件：1.各单位得分及排名'),
    new Paragraph({
      children: [run('2.不合格账号清单')],
      indent: { left: 1600 },
      spacing: { line: 560, lineRule: 'exact' },
    }),
  );
  children.push(
    new Paragraph({ children: [run('3.计分方法')], indent: { left: 1600 }, spacing: { line: 560, lineRule: 'exact' } }),
  );
  children.push(blank(), blank(), right(r.issuer), right(dated, 1280));

  // annexes
  const units =
    r.units.length > TABLE_UNITS ? [...r.units.slice(0, TABLE_UNITS / 2), ...r.units.slice(-TABLE_UNITS / 2)] : r.units;
  children.push(new Paragraph({ children: [new PageBreak(), run('附件1', HEITI)] }));
  children.push(
    new Paragraph({
      children: [run('各单位得分及排名', TITLE_FONT, SANHAO)],
      alignment: AlignmentType.CENTER,
      spacing: { after: 200 },
    }),
  );
  children.push(
    table(
      ['名次', '单位', '得分', '检查账号', '不合格'],
      units.map((u) => [String(u.rank), u.unitName, u.score.toFixed(1), String(u.accounts), String(u.failed)]),
    ),
  );
  if (units.length < r.units.length)
    children.push(body(`共${r.units.length}个单位，此处列出前后各${TABLE_UNITS / 2}名，完整排名见明细表。`));
  const failing = r.accounts.filter((a) => !a.passed);
  children.push(new Paragraph({ children: [new PageBreak(), run('附件2', HEITI)] }));
  children.push(
    new Paragraph({
      children: [run('不合格账号清单', TITLE_FONT, SANHAO)],
      alignment: AlignmentType.CENTER,
      spacing: { after: 200 },
    }),
  );
  if (failing.length) {
    children.push(
      table(
        ['单位', '平台', '账号名称', '问题'],
        failing
          .slice(0, TABLE_ACCOUNTS)
          .map((a) => [a.unitName, platformName(a.platform), a.name, a.vetoes.map((x) => x.text).join('；')]),
      ),
    );
    if (failing.length > TABLE_ACCOUNTS)
      children.push(body(`共${failing.length}个，此处列出前${TABLE_ACCOUNTS}个，完整清单见明细表。`));
  } else children.push(body('无。'));
  children.push(new Paragraph({ children: [new PageBreak(), run('附件3', HEITI)] }));
  children.push(
    new Paragraph({
      children: [run('计分方法', TITLE_FONT, SANHAO)],
      alignment: AlignmentType.CENTER,
      spacing: { after: 200 },
    }),
  );
  r.method.forEach((m, i) => {
    children.push(body(`${i + 1}. ${m}`));
  });

  const doc = new Document({
    creator: r.issuer,
    title: d.title,
    styles: { default: { document: { run: { font: { name: FANGSONG, eastAsia: FANGSONG }, size: SANHAO } } } },
    sections: [
      {
        properties: {
          page: {
            margin: {
              top: convertMillimetersToTwip(37),
              bottom: convertMillimetersToTwip(35),
              left: convertMillimetersToTwip(28),
              right: convertMillimetersToTwip(26),
            },
          },
        },
        children,
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

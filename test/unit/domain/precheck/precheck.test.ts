import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALLOW_DOMAINS,
  type Finding,
  listSizes,
  precheck,
  summarizeFindings,
} from '../../../../src/domain/precheck/index.js';
import { forbiddenMatcher, variantMatcher } from '../../../../src/domain/precheck/words.js';

/** A realistic county notice (兴国县 style). On its own it must produce no findings at all. */
const TITLE = '县人民政府关于做好2024—2025年度冬季供暖工作的通知';
const NOTICE = [
  '各乡镇人民政府，县直各单位：',
  '为切实做好今冬明春城区集中供暖工作，保障群众温暖过冬，经县政府研究同意，现就有关事项通知如下：',
  '一、明确供暖时间。本年度供暖期为2024年11月15日至2025年3月15日，各供热单位要提前完成管网检修和打压试水，确保按时供暖、稳定供暖。',
  '二、强化安全保障。县住建局要会同县应急管理局开展供热设施安全隐患排查，对锅炉房、换热站逐一登记造册，发现问题第一时间整改到位。',
  '三、畅通诉求渠道。群众可登录县政府门户网站 http://www.xingguo.gov.cn/zwgk/gnsq/ 查询供暖收费标准，或拨打12345政务服务便民热线反映诉求。',
  '四、加强舆论引导。各单位要严把政治关、政策关、法律关、文字关、保密关、舆情关、安全关，推动经济发展转型，有关规定单位要按纳税人类别落实优惠政策。',
].join('\n');

function only(findings: Finding[], category: Finding['category']): Finding[] {
  return findings.filter((f) => f.category === category);
}

/** the original text a finding points at */
function at(input: { title: string; text?: string; link?: string }, f: Finding): string {
  const s = f.field === 'title' ? input.title : f.field === 'text' ? (input.text ?? '') : (input.link ?? '');
  return s.slice(f.start, f.end);
}

describe('precheck: a clean notice', () => {
  it('兴国 三(三) seven checks: a realistic 冬季供暖 notice with a gov.cn link produces no findings', () => {
    expect(precheck({ title: TITLE, text: NOTICE })).toEqual([]);
  });

  it('ordinary government phrases that contain a listed form as a substring are not flagged', () => {
    const phrases = [
      '第一时间',
      '国家级非物质文化遗产',
      '第一书记',
      '最低收购价',
      '根治欠薪',
      '承包养殖',
      '以下注意事项',
      '加快三农发展',
      '供热中心',
      '记录相关情况',
      '推动经济发展转型',
      '有关规定单位',
      '个人材料',
      '按纳税人类别',
      '凑份子',
      '县妇联贯彻落实',
      '绿色采购',
      '阳光采购',
      '巡山查看',
      '电磁器件',
      '经受住新时代考验',
      '替代考核',
      '一笔划拨',
      '夜消费',
      '严厉打击赌博违法犯罪',
      '以开设赌场罪判处',
      '扫黄打非，打击淫秽色情',
      '反洗钱',
      '按股分红',
      '机关连续',
      '这份内容',
      '超过份额',
      '形成份额',
      '免费领取春联',
      '为空巢老人提供上门服务',
      '联系邮箱xgzfb@163.com',
      '第1.2.3.4条',
    ];
    for (const p of phrases) expect(precheck({ title: '', text: p }), p).toEqual([]);
  });
});

describe('precheck 安全关/法律关: forbidden and sensitive words', () => {
  const text = `${NOTICE}\n近期有不法分子在评论区发布“网上赌场注册即送彩金”“兼职日结、刷单返利”等信息，请勿点击。`;

  it('simplified spam in a notice is found with category, word and original offsets', () => {
    const input = { title: TITLE, text };
    const f = precheck(input);
    const gambling = only(f, 'gambling');
    expect(gambling.map((x) => x.word)).toEqual(['网上赌场']);
    const g = gambling[0]!;
    expect(g).toMatchObject({ field: 'text', severity: 'warning', message: '疑似赌博用语「网上赌场」' });
    expect(at(input, g)).toBe('网上赌场');
    expect(only(f, 'spam').map((x) => x.word)).toEqual(['兼职日结', '刷单返利']);
  });

  it('a containing word wins: 赌场 inside 网上赌场 is reported once, as 网上赌场', () => {
    const f = precheck({ title: '', text: '警惕网上赌场' });
    expect(f.map((x) => x.word)).toEqual(['网上赌场']);
  });

  it('traditional script is caught (「網上賭場」「博彩」, 「賭博」), offsets point at the traditional original', () => {
    const input = { title: '關於網上賭場的提醒', text: '有人在留言區宣傳網上賭場和博彩，還有賭博網站。' };
    const f = precheck(input);
    expect(f.map((x) => `${x.field}:${x.word}:${at(input, x)}`)).toEqual([
      'title:网上赌场:網上賭場',
      'text:网上赌场:網上賭場',
      'text:博彩:博彩',
      'text:赌博网站:賭博網站',
    ]);
    expect(f[0]!.message).toBe('疑似赌博用语「网上赌场」（原文「網上賭場」）');
  });

  it('words split by junk characters are caught ("赌·博", "博 彩", "百-家-乐", "六_合_彩", zero-width, emoji)', () => {
    const cases: [string, string][] = [
      ['这里可以赌·博哦', '赌·博'],
      ['欢迎博 彩', '博 彩'],
      ['真人百-家-乐', '百-家-乐'],
      ['六_合_彩开奖', '六_合_彩'],
      ['赌\u200b博', '赌\u200b博'],
      ['博*彩|平台', '博*彩'],
      ['赌🎲博', '赌🎲博'],
      ['賭　博', '賭　博'],
    ];
    for (const [text, written] of cases) {
      const f = precheck({ title: '', text });
      expect(f.length, text).toBe(1);
      expect(f[0]!.category, text).toBe('gambling');
      expect(at({ title: '', text }, f[0]!), text).toBe(written);
      expect(f[0]!.excerpt, text).toContain(written);
    }
  });

  it('a line break is layout, not injection: "赌\\n博" across two lines is not joined', () => {
    expect(precheck({ title: '', text: '严禁赌\n博物馆开放时间' })).toEqual([]);
  });

  it('pornography and advertising categories have their own messages', () => {
    const f = precheck({ title: '', text: '线上约炮，裸聊请加微信，销量第一的国家级品牌。' });
    expect(f.map((x) => [x.category, x.word])).toEqual([
      ['pornography', '约炮'],
      ['pornography', '裸聊'],
      ['advertising', '加微信'],
      ['advertising', '销量第一'],
      ['advertising', '国家级品牌'],
    ]);
    expect(f[0]!.message).toBe('疑似色情用语「约炮」');
    expect(f[2]!.message).toBe('疑似违规广告用语「加微信」');
  });

  it('spam and illegal lure words: 刷单, 兼职日结, 贷款秒批, 网赚', () => {
    const f = precheck({ title: '', text: '诚招宝妈刷单，兼职日结，贷款秒批，网赚项目。' });
    expect(only(f, 'spam').map((x) => x.word)).toEqual(['刷单', '兼职日结', '贷款秒批', '网赚']);
    expect(f.every((x) => x.message.startsWith('疑似垃圾信息或违法引流用语'))).toBe(true);
  });

  it('ASCII words respect ASCII word boundaries: bet365 inside www.bet365.com yes, inside abet3650 no', () => {
    expect(only(precheck({ title: '', text: '详见www.bet365.com' }), 'gambling').map((x) => x.word)).toEqual([
      'bet365',
    ]);
    expect(precheck({ title: '', text: '型号abet3650' })).toEqual([]);
  });
});

describe('precheck 文字关: 异形词 (GF 1001-2001)', () => {
  it('兴国 三(三) 文字关: 异形词 warns with the recommended form', () => {
    const input = { title: '', text: '请按姓氏笔划排序，凭定单领取，会议精采纷呈，要宏扬正气。' };
    const f = precheck(input);
    expect(f.map((x) => [x.word, x.suggestion])).toEqual([
      ['笔划', '笔画'],
      ['定单', '订单'],
      ['精采', '精彩'],
      ['宏扬', '弘扬'],
    ]);
    expect(f[0]).toMatchObject({ category: 'variant', severity: 'warning', message: '异形词「笔划」，推荐「笔画」' });
    expect(at(input, f[0]!)).toBe('笔划');
  });

  it('文字关: a variant that is a substring of a correct word is not flagged (exceptions)', () => {
    const ok = [
      '推动经济发展转型',
      '有关规定单位',
      '个人材料',
      '按纳税人类别',
      '凑份子',
      '县妇联贯彻落实',
      '一笔划拨资金',
      '阳光采购',
      '巡山查看',
    ];
    for (const t of ok) expect(precheck({ title: '', text: t }), t).toEqual([]);
    // …while the variant itself, in its own sense, still is
    expect(precheck({ title: '', text: '几经展转' }).map((x) => x.suggestion)).toEqual(['辗转']);
    expect(precheck({ title: '', text: '请核对定单' }).map((x) => x.suggestion)).toEqual(['订单']);
    expect(precheck({ title: '', text: '引进人材' }).map((x) => x.suggestion)).toEqual(['人才']);
  });

  it('文字关: full-width or upper-case input does not hide a variant; the recommended form is not flagged', () => {
    expect(precheck({ title: '', text: '笔画 订单 精彩 弘扬 辗转 人才' })).toEqual([]);
  });
});

describe('precheck 安全关: links (吉林 notice: 不得刊登商业广告或链接商业广告页面)', () => {
  it('a link off the allow-list is flagged; a gov.cn link is not', () => {
    const input = {
      title: '',
      text: '详情见 http://www.xingguo.gov.cn/art/1.html 或 https://www.example-shop.com/promo?id=1。',
    };
    const f = precheck(input);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      category: 'link',
      field: 'text',
      message: '链接域名「www.example-shop.com」不在白名单内，请核实',
    });
    expect(at(input, f[0]!)).toBe('https://www.example-shop.com/promo?id=1');
  });

  it('domain suffix matching is on label boundaries: evilgov.cn is flagged, www.gov.cn.evil.com is flagged', () => {
    expect(precheck({ title: '', text: '访问evilgov.cn领取补贴' }).map((x) => x.message)).toEqual([
      '链接域名「evilgov.cn」不在白名单内，请核实',
    ]);
    expect(precheck({ title: '', text: '访问 http://www.gov.cn.evil.com/x' }).map((x) => x.word)).toEqual([
      'http://www.gov.cn.evil.com/x',
    ]);
    expect(precheck({ title: '', text: '访问 www.gov.cn 和 zwfw.jiangxi.gov.cn/a' })).toEqual([]);
  });

  it('a full-width spam link "ｗｗｗ．ｂｅｔ３６５．ｃｏｍ" is found, with its full-width original offsets', () => {
    const input = { title: '', text: '点击ｗｗｗ．ｂｅｔ３６５．ｃｏｍ领取' };
    const f = precheck(input);
    const link = only(f, 'link')[0]!;
    expect(link.message).toBe('链接域名「www.bet365.com」不在白名单内，请核实');
    expect(at(input, link)).toBe('ｗｗｗ．ｂｅｔ３６５．ｃｏｍ');
    expect(only(f, 'gambling').map((x) => x.word)).toEqual(['bet365']);
  });

  it("the caller's allowDomains (a unit's own domains) are allowed, with subdomains", () => {
    const opts = { allowDomains: ['https://mp.weixin.qq.com/', '*.xingguo.com'] };
    expect(
      precheck({ title: '', text: '原文链接 https://mp.weixin.qq.com/s/AbC 及 news.xingguo.com/a' }, opts),
    ).toEqual([]);
    expect(precheck({ title: '', text: '见 https://weixin.qq.com/x' }, opts)).toHaveLength(1);
  });

  it('IP-literal hosts and URL shorteners get their own clear message', () => {
    const f = precheck({ title: '', text: '访问 http://192.168.1.10:8080/x 或 t.cn/A6xyz 或 https://bit.ly/3abc' });
    expect(f.map((x) => x.message)).toEqual([
      '链接使用IP地址「192.168.1.10」，无法核实网站主办单位，请核实',
      '短链接「t.cn」无法核实真实地址，请改用原始链接',
      '短链接「bit.ly」无法核实真实地址，请改用原始链接',
    ]);
  });

  it('a "gov.cn@evil" userinfo disguise is judged by the real host', () => {
    const f = precheck({ title: '', text: '见 http://www.gov.cn@evil.com/' });
    expect(f[0]!.message).toContain('「evil.com」');
    expect(f[0]!.message).toContain('@');
  });

  it('the explicit link field: gov.cn ok, others flagged over the whole trimmed link, odd schemes and prose reported', () => {
    expect(precheck({ title: '', link: ' https://www.gov.cn/zhengce/ ' })).toEqual([]);
    const f = precheck({ title: '', link: '  https://www.example.com/a  ' });
    expect(f).toEqual([
      expect.objectContaining({ field: 'link', start: 2, end: 27, word: 'https://www.example.com/a' }),
    ]);
    expect(precheck({ title: '', link: 'javascript:alert(1)' })[0]!.message).toBe(
      '链接协议「javascript」不是http(s)，请核实',
    );
    expect(precheck({ title: '', link: '见附件' })[0]!.message).toBe('链接格式无法识别，请核实');
    expect(precheck({ title: '', link: '//t.cn/abc' })[0]!.message).toContain('短链接');
  });

  it('punycode / IDN hosts are handled without throwing, shown in Unicode with the ASCII form', () => {
    const idn = precheck({ title: '', link: 'http://例子.中国/' });
    expect(idn[0]!.message).toBe(
      '链接域名「例子.中国」不在白名单内，请核实（国际化域名 xn--fsqu00a.xn--fiqs8s，注意仿冒）',
    );
    const homograph = precheck({ title: '', link: 'http://ɡov.cn' }); // U+0261, not g
    expect(homograph[0]!.message).toContain('ɡov.cn');
    expect(homograph[0]!.message).toContain('xn--');
    for (const link of [
      'http://xn--',
      'https://xn--zzzzzzzzzz.com',
      'http://xn--55qx5d.cn',
      'http://[::1]/',
      'http://%/',
      'http://a..b',
    ]) {
      expect(() => precheck({ title: '', link, text: `见${link}` }), link).not.toThrow();
    }
  });

  it('DEFAULT_ALLOW_DOMAINS is gov.cn only', () => {
    expect(DEFAULT_ALLOW_DOMAINS).toEqual(['gov.cn']);
  });
});

describe('precheck 政治关: customer lists (leaders, banned expressions)', () => {
  const leaders = [
    { name: '王建国', title: '县长' },
    { name: '李明', title: '常务副县长' },
  ];

  it('政治关: a leader named without the correct title nearby → warning "请核对领导职务" with the expected title', () => {
    const input = { title: '', text: '12月1日，王建国副县长到城区换热站检查供暖工作。' };
    const f = precheck(input, { leaders });
    expect(f).toEqual([
      expect.objectContaining({
        category: 'leader',
        severity: 'warning',
        word: '王建国',
        suggestion: '县长',
        message: '请核对领导职务：「王建国」的职务应为「县长」',
      }),
    ]);
    expect(at(input, f[0]!)).toBe('王建国');
  });

  it('政治关: with the correct title nearby → info "请核对领导姓名职务排序"', () => {
    const f = precheck({ title: '县委副书记、县长王建国调研冬季供暖工作', text: '常务副县长李明陪同。' }, { leaders });
    expect(f.map((x) => [x.field, x.severity, x.message])).toEqual([
      ['title', 'info', '请核对领导姓名职务排序：「王建国」「县长」'],
      ['text', 'info', '请核对领导姓名职务排序：「李明」「常务副县长」'],
    ]);
  });

  it("政治关: a neighbour's title does not count (县长王建国、副县长李明 → 李明 is 常务副县长)", () => {
    const f = precheck({ title: '', text: '县长王建国、副县长李明出席会议' }, { leaders });
    expect(f.map((x) => [x.word, x.severity])).toEqual([
      ['王建国', 'info'],
      ['李明', 'warning'],
    ]);
  });

  it('custom lists are normalized like the text: traditional and split names and banned words are found', () => {
    const f = precheck(
      { title: '', text: '王 建 國縣長強調，嚴禁使用某某牌鍋爐。' },
      { leaders, banned: ['某某牌锅炉', '  ', ''] },
    );
    expect(f.map((x) => [x.category, x.severity, x.word])).toEqual([
      ['leader', 'info', '王建国'],
      ['custom', 'warning', '某某牌锅炉'],
    ]);
    expect(f[1]!.message).toBe('命中自定义禁用词「某某牌锅炉」（原文「某某牌鍋爐」）');
  });

  it('a banned expression that is also a built-in word is reported once (built-in category wins)', () => {
    const f = precheck({ title: '', text: '谨防博彩' }, { banned: ['博彩'] });
    expect(f.map((x) => x.category)).toEqual(['gambling']);
  });
});

describe('precheck: result shape, ordering, robustness', () => {
  it('findings are de-duplicated and sorted by field (title, text, link) then position', () => {
    const f = precheck({ title: '博彩与笔划', text: '笔划，博彩，博彩', link: 'http://t.cn/x' }, { banned: ['博彩'] });
    expect(f.map((x) => `${x.field}:${x.start}:${x.word}`)).toEqual([
      'title:0:博彩',
      'title:3:笔划',
      'text:0:笔划',
      'text:3:博彩',
      'text:6:博彩',
      'link:0:http://t.cn/x',
    ]);
  });

  it('the built-in matchers are built once (module-level lazy cache)', () => {
    precheck({ title: '赌博', text: '笔划' });
    expect(forbiddenMatcher()).toBe(forbiddenMatcher());
    expect(variantMatcher()).toBe(variantMatcher());
  });

  it('a 5,000-character notice with spam is checked (timing is not asserted)', () => {
    const long = `${`${NOTICE}\n`.repeat(Math.ceil(5000 / NOTICE.length)).slice(0, 5000)}網上賭場`;
    const f = precheck({ title: TITLE, text: long });
    expect(only(f, 'gambling')).toHaveLength(1);
    expect(only(f, 'gambling')[0]!.start).toBe(5000);
  });

  it('odd inputs never throw: empty, lone surrogates, control characters, emoji, huge, non-strings', () => {
    const odd = [
      '',
      '\ud800',
      '\udfff博彩\ud800',
      '\u0000\u0001赌\u0007博',
      '👨‍👩‍👧‍👦赌博🏻',
      '𠮷'.repeat(1000),
      'a'.repeat(300_000),
    ];
    for (const s of odd) expect(() => precheck({ title: s, text: s, link: s })).not.toThrow();
    // a caller in plain JS may pass anything
    const loose = precheck as unknown as (input: unknown, options?: unknown) => Finding[];
    expect(loose(undefined)).toEqual([]);
    expect(loose(null, null)).toEqual([]);
    expect(
      loose({ title: 5, text: {}, link: [] }, { banned: 'x', leaders: [null, 3, { name: 7 }], allowDomains: [1] }),
    ).toEqual([]);
  });

  it('property: precheck never throws; offsets lie within the original; the excerpt is a substring of it', () => {
    const unit = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          '赌',
          '博',
          '彩',
          '網',
          '上',
          '賭',
          '場',
          '县',
          '长',
          '王',
          '建',
          '国',
          '笔',
          '划',
          '展',
          '转',
          '发',
          '定',
          '单',
          '的',
          '，',
          '。',
          '\n',
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom('·', ' ', '*', '|', '-', '_', '\u200b', '\u3000', '🎲', '🏻', '\u0301', '\ufe0f'),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '赌博',
          '網上賭場',
          '博 彩',
          'ｗｗｗ．',
          'www.',
          '.com',
          '.gov.cn',
          'http://',
          'https://',
          'xn--',
          '@',
          '/',
          ':8080',
          '1.2.3.4',
          '王建国',
          '县长',
          '副',
          '笔划',
          '发展转型',
          't.cn/',
        ),
      },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }, // includes lone surrogates
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
    );
    const text = fc.array(unit, { maxLength: 60 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, text, text, (title, body, link) => {
        const input = { title, text: body, link };
        const f = precheck(input, {
          leaders: [{ name: '王建国', title: '县长' }],
          banned: ['彩·网'],
          allowDomains: ['xn--', '例子.中国'],
        });
        for (const x of f) {
          const original = x.field === 'title' ? title : x.field === 'text' ? body : link;
          expect(x.start).toBeGreaterThanOrEqual(0);
          expect(x.end).toBeGreaterThanOrEqual(x.start);
          expect(x.end).toBeLessThanOrEqual(original.length);
          expect(original.includes(x.excerpt)).toBe(true);
          expect(x.message.length).toBeGreaterThan(0);
        }
        expect(() => summarizeFindings(f, { input })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('property: a gambling word split by any junk separators is still found and located', () => {
    const sep = fc
      .array(fc.constantFrom('·', ' ', '*', '|', '-', '_', '\u200b', '\u3000', '.', '🎲', '/'), {
        minLength: 0,
        maxLength: 3,
      })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(sep, sep, fc.constantFrom('通知：', '各单位', ''), (s1, s2, prefix) => {
        const text = `${prefix}百${s1}家${s2}乐`;
        const f = precheck({ title: '', text });
        expect(f.map((x) => x.word)).toEqual(['百家乐']);
        expect(text.slice(f[0]!.start, f[0]!.end)).toBe(`百${s1}家${s2}乐`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('summarizeFindings: short lines for the approval card', () => {
  it('one line per finding, with field and character position ("⚠ 正文第12字：…")', () => {
    const input = { title: '关于博彩的提醒', text: '各单位：近期有人宣传博彩。王建国出席。' };
    const lines = summarizeFindings(precheck(input, { leaders: [{ name: '王建国', title: '县长' }] }), { input });
    expect(lines).toEqual([
      '⚠ 标题第3字：疑似赌博用语「博彩」',
      '⚠ 正文第11字：疑似赌博用语「博彩」',
      '⚠ 正文第14字：请核对领导职务：「王建国」的职务应为「县长」',
    ]);
  });

  it('positions count characters, not UTF-16 units, when the input is given (emoji before the word)', () => {
    const input = { title: '', text: '🔥🔥博彩' };
    const f = precheck(input);
    expect(summarizeFindings(f, { input })).toEqual(['⚠ 正文第3字：疑似赌博用语「博彩」']);
    expect(summarizeFindings(f)).toEqual(['⚠ 正文第5字：疑似赌博用语「博彩」']);
  });

  it('warnings come before notices; capped with "…另有 N 处"', () => {
    const text = `县长王建国强调。${'博彩，'.repeat(12)}`;
    const f = precheck({ title: '', text }, { leaders: [{ name: '王建国', title: '县长' }] });
    const lines = summarizeFindings(f, { max: 5 });
    expect(lines).toHaveLength(6);
    expect(lines.slice(0, 5).every((l) => l.startsWith('⚠'))).toBe(true);
    expect(lines[5]).toBe('…另有 8 处');
    expect(summarizeFindings([])).toEqual([]);
    expect(summarizeFindings(f).length).toBe(9); // default cap 8 + the "另有" line
  });

  it('link findings say 链接 without a position', () => {
    expect(summarizeFindings(precheck({ title: '', link: 'https://t.cn/x' }))).toEqual([
      '⚠ 链接：短链接「t.cn」无法核实真实地址，请改用原始链接',
    ]);
  });
});

describe('word lists', () => {
  it('list sizes are moderate and the 异形词 table has at least 80 pairs', () => {
    const sizes = listSizes();
    for (const c of ['advertising', 'gambling', 'pornography', 'spam'] as const) {
      expect(sizes[c]).toBeGreaterThanOrEqual(20);
      expect(sizes[c]).toBeLessThanOrEqual(100);
    }
    expect(sizes.variant).toBeGreaterThanOrEqual(80);
  });
});

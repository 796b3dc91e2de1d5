/**
 * The register as a spreadsheet, through the real dispatcher on a real SQLite file: a 责任人员名单 in the 兴国 附件's
 * layout (seed 000_60d19906481c045e) imported into an empty register with a preview and a confirmation; the export
 * re-imported without any change; a file with errors; hostile files. Files are built in the test with exceljs (or
 * byte by byte from the zip format) and handed over as a file message through an AttachmentSource.
 */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleInbound } from '../../src/app/handle.js';
import type { Reply } from '../../src/domain/reply.js';
import { renderText } from '../../src/domain/reply.js';
import { planImport } from '../../src/domain/roster.js';
import { AttachmentError } from '../../src/ports/attachments.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';
import { handMadeZip, openXlsx, seedLayoutSheet, twoRowHeaderSheet, xlsxBytes } from '../support/roster-files.js';

let bot: TestBot;
/** what the test "client" serves for each file it sent */
const served = new Map<string, Uint8Array>();
let fetches: { ref: string; maxBytes: number }[] = [];
let n = 0;

beforeEach(async () => {
  bot = makeBot({ now: '2026-11-22T10:00:00+08:00' });
  await bot.say(ADMIN, '/我'); // the bootstrap admin is registered on first contact
  served.clear();
  fetches = [];
  bot.rt.services.attachments!.console = {
    async fetch(_messageId, a, maxBytes) {
      fetches.push({ ref: a.ref, maxBytes });
      const b = served.get(a.ref);
      if (!b) throw new AttachmentError('文件已过期');
      if (b.byteLength > maxBytes) throw new AttachmentError(`文件超过 ${maxBytes / 1048576} MB 的上限`);
      return b;
    },
  };
});
afterEach(() => bot.close());

/** An admin (or `as`) sends a file in a direct chat; returns the reply. */
async function sendFile(
  name: string,
  bytes: Uint8Array,
  as = ADMIN,
  type: 'p2p' | 'group' = 'p2p',
): Promise<Reply | null> {
  const ref = `file_${++n}`;
  served.set(ref, bytes);
  const r = await handleInbound(
    bot.rt.services,
    bot.rt.registry,
    {
      chat: { channel: 'console', id: 'console', type },
      sender: as,
      text: '',
      mentions: [],
      messageId: `m${n}`,
      attachment: { kind: 'file', name, ref },
    },
    { replyVia: 'return' },
  );
  return r.reply;
}
const text = (r: Reply | null): string => (r ? renderText(r) : '');

async function counts(): Promise<{ units: number; people: number; accounts: number; filings: number }> {
  const d = bot.rt.db.sqlite;
  const one = (t: string): number => (d.prepare(`select count(*) n from ${t}`).get() as { n: number }).n;
  return { units: one('units'), people: one('people'), accounts: one('accounts'), filings: one('filings') };
}

/** Two units' 名单 as counties fill them in: one in the 附件's one-row layout, one with the two-row header. */
async function countyRoster(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  seedLayoutSheet(wb, '教育局', '兴国县教育局', [
    ['微信公众号：兴国教育', '李联络', '副局长', 13812345678, '王信息', '办公室干事', '0797-1234567', ''],
    null,
    ['兴国教育（微博）', '李联络', '副局长', 13812345678, '王信息', '办公室干事', '0797-1234567', ''],
    ['抖音：兴国教育', '李联络', '副局长', '138 1234 5678', '王信息', '办公室干事', '0797-1234567', ''],
  ]);
  twoRowHeaderSheet(
    wb,
    '兴国县卫生健康委员会',
    [
      { platform: '公众号', name: '健康兴国', officer: ['刘信息', '科员', '13900002222'] },
      { platform: '头条', name: '健康兴国', officer: ['陈信息', '科员', '13900003333'] },
    ],
    ['张分管', '副主任', '13900001111'],
  );
  return xlsxBytes(wb);
}

describe('importing a 责任人员名单 (兴国 五: 联络员 and 信息员 for every account)', () => {
  it('a roster in the seed layout, sent by an admin, is previewed (nothing written) and imported on confirmation', async () => {
    const before = await counts();
    const preview = text(await sendFile('兴国县政务新媒体责任人员名单.xlsx', await countyRoster()));
    expect(preview).toContain('导入预览 I1');
    expect(preview).toContain('单位：新增 2');
    expect(preview).toContain('人员：新增 5，更新 0');
    expect(preview).toContain('账号：新增 5');
    expect(preview).toContain('新增账号 兴国县教育局 微博「兴国教育」');
    expect(preview).toContain('新增账号 兴国县卫生健康委员会 头条号「健康兴国」');
    expect(preview).toContain('新增人员 兴国县教育局 联络员「李联络」（副局长，13812345678）');
    expect(preview).toContain('/台账 导入 确认 I1');
    expect(fetches).toEqual([{ ref: 'file_1', maxBytes: 5 * 1024 * 1024 }]);
    expect(await counts()).toEqual(before);

    const done = text(await bot.send(ADMIN, '/台账 导入 确认 I1').then((r) => r.reply));
    expect(done).toContain('已导入 I1');
    expect(done).toContain('备案：5 条（F1–F5）');
    expect(done).toContain('/人员 新增 @此人');
    const store = bot.rt.services.store;
    const jyj = await store.units.byName('兴国县教育局');
    expect(jyj).not.toBeNull();
    const accounts = await store.accounts.ofUnit(jyj!.id);
    expect(accounts.map((a) => `${a.platform}:${a.name}`).sort()).toEqual([
      'douyin:兴国教育',
      'wechat_mp:兴国教育',
      'weibo:兴国教育',
    ]);
    const people = await store.people.list({ unitId: jyj!.id });
    const li = people.find((p) => p.name === '李联络')!;
    const wang = people.find((p) => p.name === '王信息')!;
    expect(li).toMatchObject({ title: '副局长', phone: '13812345678', roles: [{ role: 'liaison', unitId: jyj!.id }] });
    expect(wang).toMatchObject({ phone: '0797-1234567', roles: [{ role: 'officer', unitId: jyj!.id }] });
    expect(accounts.every((a) => a.officerId === wang.id)).toBe(true);
    // 神木 第六条: each imported account is filed; opened today (no date in the 名单), due in 5 working days.
    const f1 = await store.filings.byId(1);
    expect(f1).toMatchObject({
      kind: 'open',
      eventDate: '2026-11-22',
      dueDate: '2026-11-27',
      late: false,
      status: 'filed',
    });
    const wj = await store.units.byName('兴国县卫生健康委员会');
    const zhang = (await store.people.list({ unitId: wj!.id })).find((p) => p.name === '张分管');
    expect(zhang?.roles).toEqual([{ role: 'liaison', unitId: wj!.id }]);
    const audit = await store.audit.recent('I1', 5);
    expect(audit.map((a) => a.action)).toContain('register.import');
    expect(await counts()).toEqual({ units: 2, people: 5 + 1, accounts: 5, filings: 5 });
    // @mentioning an imported person binds their chat identity instead of registering them twice
    expect(await bot.say(ADMIN, '/人员 新增 @feishu:ou_li 姓名=李联络 单位=兴国县教育局 角色=联络员')).toContain(
      '已更新「李联络」',
    );
    expect((await store.people.byIdentity({ channel: 'feishu', externalId: 'ou_li' }))?.id).toBe(li.id);
    expect(await bot.say('feishu:ou_li', '/账号')).toContain('兴国教育');
    // confirming again changes nothing
    expect(text(await bot.send(ADMIN, '/台账 导入 确认 I1').then((r) => r.reply))).toContain('已经导入过了');
    expect(await counts()).toEqual({ units: 2, people: 6, accounts: 5, filings: 5 });
  });

  it('the export re-imports to the same register (a round trip changes nothing), and has the seed layout', async () => {
    await sendFile('名单.xlsx', await countyRoster());
    await bot.send(ADMIN, '/台账 导入 确认 I1');
    await bot.say('feishu:ou_x', '/帮助');
    const exported = await bot.send(ADMIN, '/台账 导出');
    const block = exported.reply!.blocks.find((b) => b.type === 'file');
    expect(block).toMatchObject({ type: 'file', name: '政务新媒体台账-全部单位-2026-11-22.xlsx' });
    const file = await bot.rt.services.store.files.get((block as { fileId: number }).fileId);
    expect(file?.mime).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');

    const wb = await openXlsx(file!.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['台账', '兴国县教育局', '兴国县卫生健康委员会']);
    const reg = wb.getWorksheet('台账')!;
    expect(reg.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(reg.getRow(1).values).toEqual([
      undefined,
      '单位',
      '平台',
      '名称',
      '账号ID',
      '链接',
      '状态',
      '开设日期',
      '运营方式',
      '运营单位',
      '联络员',
      '联络员职务',
      '联络员电话',
      '信息员',
      '信息员职务',
      '信息员电话',
      '最近更新',
      '距今天数',
      '备案号',
      '备注',
    ]);
    expect(reg.getCell('G2').value).toBeInstanceOf(Date);
    expect((reg.getCell('G2').value as Date).toISOString().slice(0, 10)).toBe('2026-11-22');
    expect(reg.getColumn(1).width).toBeGreaterThan(10);
    // an admin in a direct chat gets the numbers in full
    expect(reg.getCell('L2').value).toBe('13812345678');
    const unit = wb.getWorksheet('兴国县教育局')!;
    expect(unit.getCell('A1').value).toBe('政务新媒体责任人员名单');
    expect(unit.getCell('A2').value).toBe('报送单位：兴国县教育局');
    expect(unit.getCell('F2').value).toBe('填报日期：2026年11月22日');
    expect([
      unit.getCell('A3').value,
      unit.getCell('C3').value,
      unit.getCell('F3').value,
      unit.getCell('I3').value,
    ]).toEqual(['政务新媒体名称', '联络员', '信息员', '备注']);
    expect([4, 5, 6, 7, 8].map((c) => unit.getCell(4, c).value)).toEqual([
      '职务',
      '联系电话',
      '姓名',
      '职务',
      '联系电话',
    ]);
    expect(unit.getCell('D3').isMerged).toBe(true);
    expect(unit.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });

    const before = await counts();
    const again = text(await sendFile('政务新媒体台账-全部单位-2026-11-22.xlsx', file!.bytes));
    expect(again).toContain('文件与台账一致，没有要导入的内容');
    expect(again).toContain('与台账一致：5 行');
    expect(again).not.toContain('导入预览 I');
    expect(await counts()).toEqual(before);

    // The per-unit sheets alone (the 台账 sheet deleted) read as a 名单 and also match.
    wb.removeWorksheet(reg.id);
    const unitsOnly = text(await sendFile('按单位.xlsx', await xlsxBytes(wb)));
    expect(unitsOnly).toContain('文件与台账一致');
  });

  it('a liaison exports their own unit only, with phone numbers masked; outsiders are refused', async () => {
    await seedCounty(bot);
    await bot.say(
      'feishu:ou_jy_liaison',
      '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-20 信息员=@王信息',
    );
    const r = await bot.send('feishu:ou_jy_liaison', '/台账 导出');
    const block = r.reply!.blocks.find((b) => b.type === 'file') as { fileId: number; name: string };
    expect(block.name).toBe('政务新媒体台账-兴国县教育局-2026-11-22.xlsx');
    expect(renderText(r.reply!)).toContain('联系电话：已打码');
    const wb = await openXlsx((await bot.rt.services.store.files.get(block.fileId))!.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['台账', '兴国县教育局']);
    expect(wb.getWorksheet('台账')!.getCell('L2').value).toBe('138****5678');
    expect(await bot.say('feishu:ou_jy_liaison', '/台账 导出 单位=兴国县卫生健康委员会')).toContain('没有相应角色');
    expect(await bot.say('feishu:ou_jy_officer', '/台账 导出')).toContain('没有权限');
    // an admin's export in a group is masked too
    const g = await bot.send(ADMIN, '/台账 导出', { type: 'group', id: 'oc_g' });
    const gb = g.reply!.blocks.find((b) => b.type === 'file') as { fileId: number };
    const gwb = await openXlsx((await bot.rt.services.store.files.get(gb.fileId))!.bytes);
    expect(JSON.stringify(gwb.getWorksheet('兴国县教育局')!.getRow(5).values)).toContain('138****5678');
    // a masked export re-imported does not touch the phone numbers
    const masked = text(await sendFile('masked.xlsx', (await bot.rt.services.store.files.get(block.fileId))!.bytes));
    expect(masked).toContain('文件与台账一致');
  });
});

describe('a file with errors: every problem by sheet and row, nothing written', () => {
  it('unknown platform, bad phone, a person in two roles, a second account without a reason (神木 第八条)', async () => {
    const wb = new ExcelJS.Workbook();
    seedLayoutSheet(wb, '教育局', '兴国县教育局', [
      ['微信公众号：兴国教育', '李联络', '副局长', 13812345678, '王信息', '干事', '13812340000', ''],
      ['兴国教育服务（公众号）', '李联络', '副局长', 13812345678, '赵信息', '干事', '13812341111', ''],
      ['脸书：兴国教育', '李联络', '副局长', 13812345678, '王信息', '干事', '13812340000', ''],
      ['兴国教育（抖音）', '李联络', '副局长', '1381234', '王信息', '干事', '13812340000', ''],
      ['兴国教育（快手）', '王信息', '干事', '13812340000', '孙信息', '干事', '13812342222', ''],
      ['兴国教育（小红书）', '李联络', '副局长', 13812345678, '王信息', '干事', '13812340000', '与公众号名称一致'],
    ]);
    const before = await counts();
    const out = text(await sendFile('有错误的名单.xlsx', await xlsxBytes(wb)));
    expect(out).toContain('导入预览 I1');
    expect(out).toMatch(
      /❌ 「教育局」第 6 行：本单位在微信公众号已有账号 「兴国教育」（本文件）。神木 第八条.*请在「备注」写明理由/,
    );
    expect(out).toContain('❌ 「教育局」第 7 行：平台「脸书」不在平台列表中');
    expect(out).toContain('❌ 「教育局」第 8 行：联络员「李联络」的联系电话「1381234」无法识别');
    expect(out).toContain('❌ 「教育局」第 9 行：「王信息」同时是联络员和信息员');
    expect(out).toContain('有错误不导入：4 行');
    expect(out).toContain('账号：新增 2');
    expect(await counts()).toEqual(before);
    const done = text(await bot.send(ADMIN, '/台账 导入 确认 I1').then((r) => r.reply));
    expect(done).toContain('未导入：4 行（有错误）');
    const accounts = await bot.rt.services.store.accounts.ofUnit(
      (await bot.rt.services.store.units.byName('兴国县教育局'))!.id,
    );
    expect(accounts.map((a) => a.platform).sort()).toEqual(['wechat_mp', 'xiaohongshu']);
  });

  it('a 平台 column with an unknown platform, and a reason in 备注 lets a second account in with a warning', async () => {
    const wb = new ExcelJS.Workbook();
    twoRowHeaderSheet(
      wb,
      '兴国县教育局',
      [
        { platform: '微信公众号', name: '兴国教育', officer: ['王信息', '干事', '13812340000'] },
        {
          platform: '微信公众号',
          name: '兴国教育服务',
          officer: ['王信息', '干事', '13812340000'],
          note: '承担政务服务功能',
        },
        { platform: '脸书', name: '兴国教育', officer: ['王信息', '干事', '13812340000'] },
      ],
      ['李联络', '副局长', '13812345678'],
    );
    const out = text(await sendFile('名单.xlsx', await xlsxBytes(wb)));
    expect(out).toContain('❌ 「兴国县教育局」第 6 行：平台「脸书」不在平台列表中');
    expect(out).toMatch(
      /⚠ 「兴国县教育局」第 5 行：微信公众号「兴国教育服务」：本单位在微信公众号已有账号.*开设理由：承担政务服务功能/,
    );
    expect(out).toContain('账号：新增 2');
  });

  it('the register changed after the preview: confirmation shows a new preview instead of writing the old one', async () => {
    await sendFile('名单.xlsx', await countyRoster());
    expect(await bot.say(ADMIN, '/单位 新增 名称=兴国县教育局')).toContain('已新增');
    const out = await bot.say(ADMIN, '/台账 导入 确认 I1');
    expect(out).toContain('台账在预览 I1 之后有变化');
    expect(out).toContain('导入预览 I2');
    expect(out).toContain('单位：新增 1');
    expect((await counts()).accounts).toBe(0);
    expect(await bot.say(ADMIN, '/台账 导入 确认 I1')).toContain('已被更新的预览取代');
    expect(await bot.say(ADMIN, '/台账 导入 确认 I2')).toContain('已导入 I2');
    expect((await counts()).accounts).toBe(5);
  });
});

describe('files are untrusted: a clear message and nothing written', () => {
  const cases: [string, string, () => Promise<Uint8Array>, string][] = [
    ['random bytes', 'x.xlsx', async () => new Uint8Array(Buffer.from('这不是表格'.repeat(20))), '不是 .xlsx 格式'],
    ['a truncated xlsx', 'x.xlsx', async () => (await countyRoster()).slice(0, 2000), '已损坏'],
    [
      'a zip bomb (an entry declared small that inflates to 30 MB)',
      'bomb.xlsx',
      async () =>
        handMadeZip([
          { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
          { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(30 * 1024 * 1024, 0x20), lie: 1000 },
        ]),
      '解压后过大',
    ],
    [
      'a zip that is not a spreadsheet',
      'x.xlsx',
      async () => handMadeZip([{ name: 'hello.txt', data: Buffer.from('hi') }]),
      '不是 Excel 表格',
    ],
    [
      'an empty workbook',
      'x.xlsx',
      async () => {
        const wb = new ExcelJS.Workbook();
        wb.addWorksheet('Sheet1').getCell('A1').value = '你好';
        return xlsxBytes(wb);
      },
      '没有找到责任人员名单或台账',
    ],
    ['over 5 MB', 'big.xlsx', async () => new Uint8Array(6 * 1024 * 1024), '超过 5 MB'],
    ['an old .xls', '名单.xls', async () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), '另存为” .xlsx'],
  ];
  for (const [what, name, make, message] of cases) {
    it(what, async () => {
      const before = await counts();
      const out = text(await sendFile(name, await make()));
      expect(out).toContain(message);
      expect(out).not.toContain('导入预览');
      expect(await counts()).toEqual(before);
      expect((bot.rt.db.sqlite.prepare('select count(*) n from import_previews').get() as { n: number }).n).toBe(0);
    });
  }

  it('more rows than the limit', async () => {
    const wb = new ExcelJS.Workbook();
    seedLayoutSheet(
      wb,
      '教育局',
      '兴国县教育局',
      Array.from({ length: 2_100 }, (_, i) => [
        `兴国教育${i}（微博）`,
        '李联络',
        '副局长',
        13812345678,
        '王信息',
        '干事',
        '13812340000',
        '',
      ]),
    );
    const out = text(await sendFile('多.xlsx', await xlsxBytes(wb)));
    expect(out).toContain('超过上限 2000 行');
    expect((await counts()).accounts).toBe(0);
  });

  it('a file in a group chat is not read; a non-admin is refused; other files in a direct chat get a hint', async () => {
    const bytes = await countyRoster();
    expect(await sendFile('名单.xlsx', bytes, ADMIN, 'group')).toBeNull();
    await seedCounty(bot);
    expect(text(await sendFile('名单.xlsx', bytes, { channel: 'feishu', externalId: 'ou_jy_liaison' }))).toContain(
      '没有权限',
    );
    expect(text(await sendFile('照片.png', new Uint8Array([1, 2, 3])))).toContain('.xlsx 台账');
    expect(fetches).toEqual([]);
  });
});

describe('planImport with no files', () => {
  it('splits the platform out of the name cell and plans people, roles and filings', () => {
    const plan = planImport(
      {
        kind: 'roster',
        sheets: ['S'],
        problems: [],
        rows: [
          {
            sheet: 'S',
            row: 5,
            unit: '兴国县教育局',
            platform: '',
            name: '【抖音】兴国教育',
            liaison: { name: '李联络', title: '副局长', phone: '+86 138 1234 5678' },
            officer: { name: '王信息', title: '', phone: '' },
            note: '',
          },
          {
            sheet: 'S',
            row: 6,
            unit: '兴国县教育局',
            platform: '',
            name: '兴国教育-快手',
            liaison: { name: '李联络', title: '副局长', phone: '13900000000' },
            officer: { name: '王信息', title: '', phone: '' },
            note: '',
          },
          {
            sheet: 'S',
            row: 7,
            unit: '兴国县教育局',
            platform: '',
            name: '微信：2026兴国教育文化节',
            liaison: { name: '李联络', title: '', phone: '' },
            officer: { name: '王信息', title: '', phone: '' },
            note: '',
          },
        ],
      },
      { units: [], people: [], accounts: [] },
      { today: '2026-11-22', policy: { filingDeadlineWorkdays: 3 } as never, calendar: bot.rt.services.baseCalendar },
    );
    expect(plan.accounts.map((a) => [a.platform, a.name, a.pending])).toEqual([
      ['douyin', '兴国教育', false],
      ['kuaishou', '兴国教育', false],
      ['wechat_mp', '2026兴国教育文化节', true],
    ]);
    // 兴国 四(二) with 备案期限=3: opened (imported) 2026-11-22, due three working days later.
    expect(plan.accounts[0]!.deadline.dueDate).toBe('2026-11-25');
    expect(plan.people.map((p) => [p.name, p.phone, p.addRoles])).toEqual([
      ['李联络', '13812345678', ['liaison']],
      ['王信息', null, ['officer']],
    ]);
    expect(plan.problems.map((p) => p.message).join('\n')).toContain('「李联络」的电话与第 5 行不同');
    expect(plan.problems.map((p) => p.message).join('\n')).toContain('神木 第九条');
  });
});

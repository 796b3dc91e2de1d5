/**
 * Spreadsheets built in the tests with exceljs, the way counties fill in the 兴国 notice's 附件 "政务新媒体责任人员名单"
 * (seed 000_60d19906481c045e: 报送单位, 填报日期, then 政务新媒体名称 | 联络员 | 职务 | 联系电话 | 信息员 | 职务 | 联系电话 |
 * 备注), with the quirks real files have: the platform written into the name cell, spaced header words, merged title
 * rows and person cells, blank rows, a footer, phone numbers stored as numbers.
 */
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';

export type RosterLine = [
  name: string,
  liaison: string,
  liaisonTitle: string,
  liaisonPhone: string | number,
  officer: string,
  officerTitle: string,
  officerPhone: string | number,
  note?: string,
];

/** A sheet in the seed's one-row header layout, as the 附件 prints it. */
export function seedLayoutSheet(
  wb: ExcelJS.Workbook,
  sheet: string,
  unit: string,
  lines: (RosterLine | null)[],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheet);
  ws.mergeCells('A1:H1');
  ws.getCell('A1').value = '兴国县政务新媒体责任人员名单';
  ws.getCell('A2').value = `报送单位：${unit}（加盖公章）`;
  ws.mergeCells('A2:D2');
  ws.getCell('E2').value = '填报日期：2019年 5月 20日';
  ws.mergeCells('E2:H2');
  ws.getRow(3).values = [];
  ws.getRow(4).values = ['政务新媒体 名称', '联络员', '职 务', '联系电话', '信息员', '职 务', '联系电话', '备 注'];
  let r = 5;
  for (const line of lines) {
    if (line) ws.getRow(r).values = [...line];
    r++;
  }
  ws.getRow(r + 1).values = ['抄送：县委办、县人大办、县政协办，县委网信办。'];
  return ws;
}

/**
 * A sheet with the two-row header (联络员 / 信息员 merged over 姓名 职务 联系电话), a 平台 column, no 报送单位 (the sheet
 * is named after the unit), and the 联络员 cells merged down over the unit's accounts.
 */
export function twoRowHeaderSheet(
  wb: ExcelJS.Workbook,
  unit: string,
  lines: { platform: string; name: string; officer: [string, string, string]; note?: string }[],
  liaison: [string, string, string],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(unit);
  ws.mergeCells('A1:I1');
  ws.getCell('A1').value = '政务新媒体责任人员名单';
  ws.mergeCells('A2:A3');
  ws.getCell('A2').value = '政务新媒体名称';
  ws.mergeCells('B2:B3');
  ws.getCell('B2').value = '平台';
  ws.mergeCells('C2:E2');
  ws.getCell('C2').value = '联络员';
  ws.mergeCells('F2:H2');
  ws.getCell('F2').value = '信息员';
  ws.mergeCells('I2:I3');
  ws.getCell('I2').value = '备注';
  ['姓名', '职务', '联系电话', '姓名', '职务', '联系电话'].forEach((label, i) => {
    ws.getCell(3, 3 + i).value = label;
  });
  lines.forEach((l, i) => {
    ws.getRow(4 + i).values = [l.name, l.platform, liaison[0], liaison[1], liaison[2], ...l.officer, l.note ?? ''];
  });
  if (lines.length > 1) {
    for (const col of ['C', 'D', 'E']) ws.mergeCells(`${col}4:${col}${3 + lines.length}`);
  }
  return ws;
}

export async function xlsxBytes(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

export async function openXlsx(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

/** CRC-32 (IEEE 802.3, as PKWARE's APPNOTE 4.4.7 specifies for zip entries). */
function crc32(b: Buffer): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/**
 * A zip written from the APPNOTE layout (local headers, central directory, end record), deflated entries. `lie`
 * declares a smaller uncompressed size than the entry really inflates to (what a zip bomb does).
 */
export function handMadeZip(entries: { name: string; data: Buffer; lie?: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const deflated = deflateRawSync(e.data);
    const size = e.lie ?? e.data.length;
    const crc = crc32(e.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(deflated.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, deflated);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(deflated.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += 30 + name.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

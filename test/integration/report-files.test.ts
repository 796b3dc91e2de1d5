/**
 * The report's files, opened again: the .docx (its word/document.xml, unzipped with jszip) reads as a 通报 draft that
 * names the failing accounts and ranks the units; the PNG decodes (zlib) to a non-blank image of the stated size; the
 * .xlsx has every account's indicators. The CLI writes the three files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeQuarter } from '../../src/ports/report.js';
import { reportFiles } from '../../src/files/report/files.js';
import type { ReportFile } from '../../src/ports/report.js';
import { parseQuarter, type Report, unitPage } from '../../src/domain/report.js';
import { type County, JY, quarterCounty, WJ } from '../support/report-county.js';

let county: County;
let report: Report;
let files: ReportFile[];

beforeAll(async () => {
  county = await quarterCounty();
  const s = county.bot.rt.services;
  report = await computeQuarter(
    { store: s.store, report: s.report!, baseCalendar: s.baseCalendar },
    parseQuarter('2026Q4')!,
    new Date('2027-01-04T10:00:00+08:00'),
  );
  files = await reportFiles(report);
});
afterAll(() => county?.bot.close());

/** The text of a .docx body: its paragraphs' runs joined, one line per paragraph. */
async function docxText(bytes: Uint8Array): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  return xml
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .filter(Boolean)
    .join('\n');
}

/** Decode a PNG (8-bit RGB/RGBA, no interlace): width, height and the distinct colours it uses. */
function decodePng(bytes: Uint8Array): { width: number; height: number; colours: number; dark: number } {
  const buf = Buffer.from(bytes);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? out[y * stride + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      out[y * stride + x] = (cur + [0, a, b, (a + b) >> 1, paeth][f]!) & 0xff;
    }
  }
  const colours = new Set<number>();
  let dark = 0;
  for (let i = 0; i < out.length; i += channels) {
    colours.add((out[i]! << 16) | (out[i + 1]! << 8) | out[i + 2]!);
    if (out[i]! + out[i + 1]! + out[i + 2]! < 200) dark++;
  }
  return { width, height, colours: colours.size, dark };
}

describe('report files', () => {
  it('names: chart, draft and details, with their types', () => {
    expect(files.map((f) => [f.name, f.mime])).toEqual([
      ['2026Q4政务新媒体检查通报-图表.png', 'image/png'],
      [
        '2026Q4政务新媒体检查通报（草稿）.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      [
        '2026Q4政务新媒体检查通报-账号指标明细.xlsx',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ],
    ]);
  });

  it('the .docx is a 通报 draft: 标题, 主送, 一、二、三, the dormant and unfiled accounts named, the ranking, 落款 and date', async () => {
    const text = await docxText(files[1]!.bytes);
    const lines = text.split('\n');
    expect(lines[0]).toBe('关于2026年第四季度全县政务新媒体检查情况的通报');
    expect(lines[1]).toBe('各有关单位：');
    expect(lines[2]).toContain('兴国县人民政府办公室对2026年10月1日至2026年12月31日全县政务新媒体运行情况进行了检查');
    const h = ['一、总体情况', '二、存在问题', '三、下一步要求'].map((x) => lines.indexOf(x));
    expect(h.every((i) => i > 2)).toBe(true);
    expect(h).toEqual([...h].sort((a, b) => a - b));
    expect(text).toContain(
      '本次共检查政务新媒体6个，其中抖音2个、微信公众号2个、微博1个、小红书1个。单项否决（不合格）3个，合格率50%',
    );
    expect(text).toContain(`得分位居前列的是${WJ}（36.6分）、${JY}（25.6分）`);
    expect(text).toContain(`${JY}微博“兴国教育”（截至 2026-12-31 已 133 天未更新）`);
    expect(text).toContain(`${JY}抖音“兴国教育”（本季曾连续 15 天未更新）`);
    expect(text).toContain(`开设后未按规定备案：${WJ}小红书“兴国卫健”`);
    expect(text).toContain('于2027年1月18日前将整改情况书面报兴国县人民政府办公室');
    // 落款 and date, right after the list of annexes
    const sign = lines.indexOf('兴国县人民政府办公室', lines.indexOf('3.计分方法'));
    expect(sign).toBeGreaterThan(0);
    expect(lines[sign + 1]).toBe('2027年1月4日');
    // annexes: the ranking table and the failing accounts
    expect(text).toContain(`1\n${WJ}\n36.6\n3\n1`);
    expect(text).toContain(`${WJ}\n小红书\n兴国卫健\n开设后未备案`);
    expect(text).toContain('单项否决（全国政务新媒体检查指标，国办秘函〔2019〕19号）');
  });

  it('the PNG decodes: 1200 px wide, drawn (not blank), with text and coloured bars', () => {
    const png = decodePng(files[0]!.bytes);
    expect(png.width).toBe(1200);
    expect(png.height).toBeGreaterThan(400);
    expect(png.colours).toBeGreaterThan(20);
    expect(png.dark).toBeGreaterThan(1_000); // glyphs and axes
  });

  it('the .xlsx lists every account with its indicators, the ranking and the method', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(files[2]!.bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('账号指标')!;
    expect(ws.rowCount).toBe(1 + 6);
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toContain('更新（%）');
    const a1 = (
      ws.getRow(1 + report.accounts.findIndex((a) => a.accountId === county.ids.A1) + 1).values as unknown[]
    ).slice(1);
    expect(a1.slice(0, 4)).toEqual([JY, '微信公众号', '兴国教育', `A${county.ids.A1}`]);
    expect(a1[header.indexOf('更新（%）')]).toBe(91.7);
    expect(a1[header.indexOf('转载说明')]).toBe('1 项，超期 1 项');
    expect(a1[header.indexOf('得分')]).toBe(76.7);
    expect(wb.getWorksheet('单位排名')!.getRow(2).getCell(2).value).toBe(WJ);
    expect(String(wb.getWorksheet('计分方法')!.getRow(2).getCell(1).value)).toContain('单项否决');
  });

  it("a unit's page gives that unit's files only", async () => {
    const wj = report.units.find((u) => u.unitName === WJ)!;
    const page = await reportFiles(unitPage(report, wj.unitId));
    expect(page[1]!.name).toBe(`2026Q4政务新媒体检查通报-${WJ}（草稿）.docx`);
    const text = await docxText(page[1]!.bytes);
    expect(text).toContain('小红书“兴国卫健”');
    expect(text).not.toContain('微博“兴国教育”');
  });

  it('npm run cli -- report 2026Q4 --out DIR writes the three files', () => {
    const out = path.join(county.bot.dir, 'out');
    const root = path.resolve(import.meta.dirname, '../..');
    const r = spawnSync(
      path.join(root, 'node_modules/.bin/tsx'),
      ['src/cli.ts', 'report', '2026Q4', '--out', out, '--now', '2027-01-04T10:00:00+08:00'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_PATH: county.bot.file, LOG_LEVEL: 'silent' },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('检查 6 个账号，不合格 3 个，合格率 50%');
    expect(fs.readdirSync(out).sort()).toEqual(files.map((f) => f.name).sort());
    expect(
      spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['src/cli.ts', 'report', '2026Q9', '--out', out], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_PATH: county.bot.file },
      }).status,
    ).toBe(2);
    fs.copyFileSync(path.join(out, files[0]!.name), '/tmp/report-chart-check.png');
  }, 180_000);
});

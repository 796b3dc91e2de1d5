/**
 * `npm run cli -- import FILE.xlsx [--dry-run]` and `npm run cli -- export FILE.xlsx [--unit …]` as real processes on a
 * SQLite file: a 责任人员名单 (seed 000_60d19906481c045e layout) previewed with --dry-run (nothing written), imported,
 * exported, and the export re-imported with no change.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/process.js';
import { openXlsx, seedLayoutSheet, xlsxBytes } from '../support/roster-files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-register-cli-'));
const env = { DATABASE_PATH: path.join(dir, 'cli.sqlite') };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const accounts = (): number => {
  const d = new Database(env.DATABASE_PATH, { readonly: true });
  try {
    return (d.prepare('select count(*) n from accounts').get() as { n: number }).n;
  } finally {
    d.close();
  }
};

describe('the register spreadsheet on the command line', () => {
  it('import --dry-run writes nothing; import writes; export re-imports with no change', async () => {
    const wb = new ExcelJS.Workbook();
    seedLayoutSheet(wb, '教育局', '兴国县教育局', [
      ['微信公众号：兴国教育', '李联络', '副局长', 13812345678, '王信息', '干事', '0797-1234567', ''],
      ['兴国教育（抖音）', '李联络', '副局长', 13812345678, '王信息', '干事', '1234', ''],
    ]);
    const file = path.join(dir, '名单.xlsx');
    fs.writeFileSync(file, await xlsxBytes(wb));

    const dry = await runCli(['import', file, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('导入预览：名单.xlsx');
    expect(dry.stdout).toContain('「教育局」第 6 行：信息员「王信息」的联系电话「1234」无法识别');
    expect(dry.stdout).toContain('没有写入任何内容');
    expect(accounts()).toBe(0);

    const real = await runCli(['import', file], { env });
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('已导入：名单.xlsx');
    expect(real.stdout).toContain('❌ 未导入 「教育局」第 6 行');
    expect(accounts()).toBe(1);

    const out = path.join(dir, 'out', '台账.xlsx');
    const exp = await runCli(['export', out, '--unit', '兴国县教育局'], { env });
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stdout).toContain('exported 1 unit(s), 1 account(s)');
    const book = await openXlsx(new Uint8Array(fs.readFileSync(out)));
    expect(book.getWorksheet('台账')!.getCell('C2').value).toBe('兴国教育');

    const again = await runCli(['import', out], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('文件与台账一致');
    expect(accounts()).toBe(1);

    const missing = await runCli(['export', out, '--unit', '没有这个单位'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('没有名为「没有这个单位」的单位');
  }, 180_000);
});

/**
 * Every account's indicator values as an .xlsx (exceljs, its streaming writer: a national register has 100,000 rows):
 * sheets 账号指标, 单位排名 and 计分方法.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { platformName } from '../../domain/platforms.js';
import { INDICATORS, quarterName, type Report } from '../../domain/report.js';

const share = (v: number | null): number | string => (v === null ? '不适用' : Math.round(v * 1000) / 10);

export async function reportXlsx(r: Report): Promise<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  wb.creator = r.issuer;
  wb.created = new Date(r.computedAt);
  const sheet = (name: string, columns: { header: string; width: number }[]): ExcelJS.Worksheet => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
    const head = ws.getRow(1);
    head.font = { bold: true };
    head.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    head.commit();
    return ws;
  };

  const accounts = sheet('账号指标', [
    { header: '单位', width: 24 },
    { header: '平台', width: 12 },
    { header: '账号名称', width: 22 },
    { header: '编号', width: 8 },
    { header: '统计起', width: 12 },
    { header: '统计止', width: 12 },
    { header: '本季更新（条）', width: 10 },
    { header: '最长未更新（天）', width: 10 },
    { header: '单项否决', width: 28 },
    ...INDICATORS.flatMap((i) => [
      { header: `${i.name}（%）`, width: 10 },
      { header: `${i.name}说明`, width: 20 },
    ]),
    { header: '得分', width: 8 },
    { header: '是否合格', width: 8 },
  ]);
  for (const a of r.accounts) {
    accounts
      .addRow([
        a.unitName,
        platformName(a.platform),
        a.name,
        `A${a.accountId}`,
        a.from,
        a.to,
        a.posts,
        a.maxIdleDays,
        a.vetoes.map((v) => v.text).join('；'),
        ...INDICATORS.flatMap((i) => [share(a.indicators[i.key].value), a.indicators[i.key].detail]),
        a.score,
        a.passed ? '合格' : '不合格',
      ])
      .commit();
  }
  accounts.commit();

  const units = sheet('单位排名', [
    { header: '名次', width: 6 },
    { header: '单位', width: 28 },
    { header: '得分', width: 8 },
    { header: '检查账号', width: 10 },
    { header: '不合格', width: 8 },
    { header: '整改要求', width: 80 },
  ]);
  for (const u of r.units)
    units.addRow([u.rank, u.unitName, u.score, u.accounts, u.failed, u.actions.join('；')]).commit();
  units.commit();

  const method = sheet('计分方法', [
    { header: `${quarterName(r.quarter)}（${r.from} 至 ${r.to}）计分方法`, width: 120 },
  ]);
  for (const m of [
    ...r.method,
    `权重：${INDICATORS.map((i) => `${i.name} ${r.settings.weights[i.key]}`).join('，')}`,
  ]) {
    const row = method.addRow([m]);
    row.alignment = { wrapText: true };
    row.commit();
  }
  method.commit();
  await wb.commit();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

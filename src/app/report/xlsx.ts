/** Every account's indicator values as an .xlsx (exceljs): 账号指标, 单位排名 and 计分方法 sheets. */
import ExcelJS from 'exceljs';
import { platformName } from '../../domain/platforms.js';
import { INDICATORS, quarterName, type Report } from '../../domain/report.js';

const share = (v: number | null): number | string => (v === null ? '不适用' : Math.round(v * 1000) / 10);

export async function reportXlsx(r: Report): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = r.issuer;
  wb.created = new Date(r.computedAt);
  const head = (ws: ExcelJS.Worksheet): void => {
    const row = ws.getRow(1);
    row.font = { bold: true };
    row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  };

  const accounts = wb.addWorksheet('账号指标');
  accounts.columns = [
    { header: '单位', key: 'unit', width: 24 },
    { header: '平台', key: 'platform', width: 12 },
    { header: '账号名称', key: 'name', width: 22 },
    { header: '编号', key: 'id', width: 8 },
    { header: '统计起', key: 'from', width: 12 },
    { header: '统计止', key: 'to', width: 12 },
    { header: '本季更新（条）', key: 'posts', width: 10 },
    { header: '最长未更新（天）', key: 'idle', width: 10 },
    { header: '单项否决', key: 'veto', width: 28 },
    ...INDICATORS.flatMap((i) => [
      { header: `${i.name}（%）`, key: i.key, width: 10 },
      { header: `${i.name}说明`, key: `${i.key}Detail`, width: 20 },
    ]),
    { header: '得分', key: 'score', width: 8 },
    { header: '是否合格', key: 'passed', width: 8 },
  ];
  for (const a of r.accounts) {
    const row: Record<string, unknown> = {
      unit: a.unitName,
      platform: platformName(a.platform),
      name: a.name,
      id: `A${a.accountId}`,
      from: a.from,
      to: a.to,
      posts: a.posts,
      idle: a.maxIdleDays,
      veto: a.vetoes.map((v) => v.text).join('；'),
      score: a.score,
      passed: a.passed ? '合格' : '不合格',
    };
    for (const i of INDICATORS) {
      row[i.key] = share(a.indicators[i.key].value);
      row[`${i.key}Detail`] = a.indicators[i.key].detail;
    }
    accounts.addRow(row);
  }
  head(accounts);

  const units = wb.addWorksheet('单位排名');
  units.columns = [
    { header: '名次', key: 'rank', width: 6 },
    { header: '单位', key: 'unit', width: 28 },
    { header: '得分', key: 'score', width: 8 },
    { header: '检查账号', key: 'accounts', width: 10 },
    { header: '不合格', key: 'failed', width: 8 },
    { header: '整改要求', key: 'actions', width: 80 },
  ];
  for (const u of r.units) units.addRow({ rank: u.rank, unit: u.unitName, score: u.score, accounts: u.accounts, failed: u.failed, actions: u.actions.join('；') });
  head(units);

  const method = wb.addWorksheet('计分方法');
  method.columns = [{ header: `${quarterName(r.quarter)}（${r.from} 至 ${r.to}）计分方法`, key: 'text', width: 120 }];
  for (const m of r.method) method.addRow({ text: m }).alignment = { wrapText: true };
  method.addRow({ text: `权重：${INDICATORS.map((i) => `${i.name} ${r.settings.weights[i.key]}`).join('，')}` });
  head(method);

  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/**
 * The register as a spreadsheet over Feishu, through the real server and the fake Open API: an admin sends a
 * 责任人员名单 (seed 000_60d19906481c045e layout, built here with exceljs) as a file message in a direct chat; the server
 * downloads the message resource, answers with a preview, imports on `/台账 导入 确认 I1`; `/台账 导出` uploads an .xlsx
 * (im/v1/files) and sends it as a file message, and that file re-imports to the same register.
 */
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentText } from '../support/feishu/chat.js';
import { fileMessageReceive } from '../support/feishu/files.js';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';
import { openXlsx, seedLayoutSheet, twoRowHeaderSheet, xlsxBytes } from '../support/roster-files.js';

const ADMIN = 'ou_admin_sheet';
let world: FeishuWorld;
let seq = 0;

beforeAll(async () => {
  world = await startFeishuWorld({
    name: 'register',
    admin: ADMIN,
    bot: 'ou_bot_sheet',
    group: 'oc_sheet_group',
    encryptKey: 'register-e2e-key',
    appSecret: 'register-e2e-secret',
  });
});
afterAll(() => world?.close());

/** Send a file message as `from` in a direct chat; the fake serves its bytes. Returns the bot's reply text. */
async function sendFile(from: string, name: string, bytes: Uint8Array): Promise<string> {
  const messageId = `om_file_${++seq}_${Date.now()}`;
  const fileKey = `file_v3_user_${seq}`;
  world.fake.addResource(messageId, fileKey, bytes);
  const r = await world.chat.post(
    '/feishu/events',
    fileMessageReceive({
      chatId: `oc_p2p_${from}`,
      chatType: 'p2p',
      messageId,
      senderOpenId: from,
      fileKey,
      fileName: name,
    }),
  );
  expect(r.status).toBe(200);
  return sentText(
    await world.fake.waitFor(
      (x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply` && x.status === 200,
      20_000,
    ),
  );
}

function count(table: string): number {
  const d = new Database(world.dbFile, { readonly: true });
  try {
    return (d.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
  } finally {
    d.close();
  }
}

async function roster(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  seedLayoutSheet(wb, '教育局', '兴国县教育局', [
    ['微信公众号：兴国教育', '李联络', '副局长', 13812345678, '王信息', '干事', '0797-1234567', ''],
    null,
    ['兴国教育（微博）', '李联络', '副局长', 13812345678, '王信息', '干事', '0797-1234567', ''],
    ['兴国教育（脸书）', '李联络', '副局长', 13812345678, '王信息', '干事', '0797-1234567', ''],
  ]);
  twoRowHeaderSheet(
    wb,
    '兴国县卫生健康委员会',
    [{ platform: '抖音', name: '健康兴国', officer: ['刘信息', '科员', '13900002222'] }],
    ['张分管', '副主任', '13900001111'],
  );
  return xlsxBytes(wb);
}

describe('/台账 over Feishu: a file message in, a file message out', () => {
  it('a roster sent by the admin shows a preview with its problems, and is imported on confirmation', async () => {
    const preview = await sendFile(ADMIN, '兴国县政务新媒体责任人员名单.xlsx', await roster());
    const download = world.fake.requests.find((r) => r.method === 'GET' && r.path.includes('/resources/'));
    expect(download?.query.type).toBe('file');
    expect(download?.headers.authorization).toBe(`Bearer ${world.fake.tenantToken}`);
    expect(preview).toContain('导入预览 I1');
    expect(preview).toContain('「教育局」第 8 行：平台「脸书」不在平台列表中');
    expect(preview).toContain('新增 3（逐个备案），变更 0');
    expect(count('accounts')).toBe(0);

    const done = await world.chat.say(ADMIN, '/台账 导入 确认 I1', { p2p: true });
    expect(done).toContain('已导入 I1');
    expect(count('accounts')).toBe(3);
    expect(count('filings')).toBe(3);
  });

  it('/台账 导出 uploads an .xlsx and sends it as a file message; the file re-imports to the same register', async () => {
    const before = world.fake.requests.length;
    const answer = await world.chat.say(ADMIN, '/台账 导出', { p2p: true });
    expect(answer).toContain('台账导出');
    const upload = await world.fake.waitFor(
      (r) => r.seq > before && r.path === '/open-apis/im/v1/files' && r.status === 200,
      20_000,
    );
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data/);
    const fileMsg = await world.fake.waitFor(
      (r) => r.seq > upload.seq && r.status === 200 && (r.body as { msg_type?: string }).msg_type === 'file',
      20_000,
    );
    const [file] = world.fake.uploads().filter((u) => u.seq === upload.seq);
    expect(file).toMatchObject({
      kind: 'file',
      type: 'xls',
      fileName: expect.stringMatching(/^政务新媒体台账-全部单位-\d{4}-\d{2}-\d{2}\.xlsx$/),
    });
    expect(JSON.parse((fileMsg.body as { content: string }).content)).toEqual({ file_key: file!.key });
    // the file follows the card, as a reply to the same command message
    expect(fileMsg.path).toMatch(/\/reply$/);

    const wb = await openXlsx(file!.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['台账', '兴国县教育局', '兴国县卫生健康委员会']);
    // an admin in a direct chat gets the phone numbers in full
    expect(wb.getWorksheet('台账')!.getCell('L2').value).toBe('13812345678');

    const again = await sendFile(ADMIN, file!.fileName!, file!.bytes);
    expect(again).toContain('文件与台账一致，没有要导入的内容');
    expect(count('accounts')).toBe(3);
    expect(count('import_previews')).toBe(1);
  });

  it('a file over the size limit is refused before it is read', async () => {
    const reply = await sendFile(ADMIN, '大.xlsx', new Uint8Array(6 * 1024 * 1024));
    expect(reply).toContain('超过 5 MB');
    expect(count('import_previews')).toBe(1);
  });
});

/**
 * The quarterly 通报 over Feishu, through the real server and the fake Open API (神木 第二十一条: 每季度检查并通报结果):
 * a unit is set up, its liaison files an account, a review is approved and published; then `/通报` as the admin in a
 * direct chat answers with the card and sends the chart as an image (im/v1/images) and the .docx draft and .xlsx as
 * files (im/v1/files), each a message of its own after the card. The .docx names the unit and its account.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';

const ADMIN = 'ou_admin_report';
const LIAISON = 'ou_li_report';
const IN_CHARGE = 'ou_zhao_report';
let world: FeishuWorld;

const say = (from: string, text: string, mentions?: { key: string; openId: string; name: string }[]) =>
  world.chat.say(from, text, { mentions });

beforeAll(async () => {
  world = await startFeishuWorld({
    name: 'report',
    admin: ADMIN,
    bot: 'ou_bot_report',
    group: 'oc_report_group',
    encryptKey: 'report-e2e-key',
    appSecret: 'report-e2e-secret',
  });
  for (const line of ['/单位 新增 名称=兴国县教育局', '/单位 绑定群 单位=兴国县教育局']) await say(ADMIN, line);
  for (const [open, name, role] of [
    [LIAISON, '李联络', '联络员'],
    [IN_CHARGE, '赵分管', '分管领导'],
  ] as const) {
    await say(ADMIN, `/人员 新增 @_user_1 单位=兴国县教育局 角色=${role}`, [{ key: '@_user_1', openId: open, name }]);
  }
  expect(await say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02')).toContain('已备案');
  expect(await say(LIAISON, '/送审 账号=兴国教育 标题=秋季开学通知 内容=各校按时开学')).toContain('R1');
  expect(await world.chat.say(IN_CHARGE, '/审批 同意 R1', { p2p: true })).toContain('R1');
  expect(await say(LIAISON, '/发布 R1')).toContain('R1');
}, 120_000);
afterAll(() => world?.close());

describe('/通报 over Feishu', () => {
  it('sends the card, then the chart as an image and the .docx draft and .xlsx as files', async () => {
    const before = world.fake.requests.length;
    const card = await world.chat.say(ADMIN, '/通报', { p2p: true });
    expect(card).toContain('兴国县教育局');

    const image = await world.fake.waitFor(
      (r) => r.seq > before && r.path === '/open-apis/im/v1/images' && r.status === 200,
      60_000,
    );
    const imageMsg = await world.fake.waitFor(
      (r) =>
        r.seq > image.seq && r.status === 200 && (r.body as { msg_type?: string } | undefined)?.msg_type === 'image',
      30_000,
    );
    const [png] = world.fake.uploads().filter((u) => u.seq === image.seq);
    expect(png).toMatchObject({ kind: 'image', type: 'message' });
    expect([...png!.bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(JSON.parse((imageMsg.body as { content: string }).content)).toEqual({ image_key: png!.key });

    const fileMsgs = async (n: number) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const sent = world.fake.requests.filter(
          (r) =>
            r.seq > imageMsg.seq &&
            r.status === 200 &&
            (r.body as { msg_type?: string } | undefined)?.msg_type === 'file',
        );
        if (sent.length >= n || Date.now() > deadline) return sent;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    expect(await fileMsgs(2)).toHaveLength(2);
    const files = world.fake.uploads().filter((u) => u.kind === 'file' && u.seq > image.seq);
    const docx = files.find((f) => f.fileName?.endsWith('.docx'));
    const xlsx = files.find((f) => f.fileName?.endsWith('.xlsx'));
    expect(docx?.fileName).toMatch(/^2026Q4政务新媒体检查通报（草稿）\.docx$/);
    expect(xlsx?.fileName).toMatch(/账号指标明细\.xlsx$/);

    const zip = await JSZip.loadAsync(docx!.bytes);
    const text = (await zip.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
    expect(text).toContain('兴国县教育局');
    expect(text).toContain('兴国教育');
  }, 120_000);

  it('a liaison sees only their unit; an unregistered person is told whom to ask', async () => {
    expect(await say(LIAISON, '/通报')).toContain('兴国县教育局');
    expect(await world.chat.say('ou_stranger_report', '/通报', { p2p: true })).toContain('还没有登记');
  }, 120_000);
});

/**
 * Files over WeCom, through the real server and the fake WeCom API (上传临时素材, 群机器人文件上传): `/通报` and
 * `/台账 导出` in a direct chat with the app upload the chart as an image and the documents as files
 * (cgi-bin/media/upload) and send each as its own message after the text; in a unit's group, through the AI bot, the
 * text goes to the message's response_url and the file through the group's push webhook (webhook/upload_media). An
 * upload failing once is retried without sending the text twice. 神木 第二十一条 (每季度检查并通报结果) is the report.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WecomRequest } from '../support/wecom/fake-api.js';
import { sentText, startWecomWorld, type WecomWorld } from '../support/wecom/world.js';

const ADMIN = 'wangadmin';
const LIAISON = 'lilianluo';
const GROUP = 'wrkSFfCgAAfilesGrp1';
const KEY = '5b1e0c2d-7a1c-4b8e-9d2f-0123456789cd';

let w: WecomWorld;

const sends = (since: number, pred: (r: WecomRequest) => boolean): WecomRequest[] =>
  w.fake.requests.filter((r) => r.seq > since && r.response.errcode === 0 && pred(r));
const msgtype = (r: WecomRequest): string | undefined => (r.body as { msgtype?: string } | undefined)?.msgtype;
const mediaOf = (r: WecomRequest, kind: 'file' | 'image') => {
  const id = (r.body as Record<string, { media_id?: string } | undefined>)[kind]?.media_id ?? '';
  const m = w.fake.media.get(id);
  if (!m) throw new Error(`no uploaded media ${id}`);
  return m;
};

async function until<T>(f: () => T[], n: number, ms = 60_000): Promise<T[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = f();
    if (got.length >= n || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  w = await startWecomWorld({ name: 'wecom-files', admin: ADMIN, bot: true });
  w.fake.addWebhookKey(KEY);
  expect(await w.say(ADMIN, '/单位 新增 名称=兴国县教育局')).toContain('兴国县教育局');
  expect(
    await w.say(ADMIN, `/人员 新增 @wecom:${LIAISON} 姓名=李联络 单位=兴国县教育局 角色=联络员 电话=13912345678`),
  ).toContain('已登记「李联络」');
  expect(await w.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02')).toContain('已备案');
  const bound = await w.botSay(
    ADMIN,
    `/单位 绑定群 单位=兴国县教育局 推送地址=${w.fake.url}/cgi-bin/webhook/send?key=${KEY}`,
    GROUP,
  );
  expect(bound).toContain('本群已设为「兴国县教育局」的工作群');
}, 90_000);
afterAll(() => w?.close());

describe('files over WeCom', () => {
  it('/通报 in a direct chat: the text, then the chart as an image and the .docx and .xlsx as files', async () => {
    const since = w.seq();
    const text = await w.say(ADMIN, '/通报');
    expect(text).toContain('兴国县教育局');
    const toAdmin = (r: WecomRequest) =>
      r.path === '/cgi-bin/message/send' && (r.body as { touser?: string }).touser === ADMIN;
    const media = await until(() => sends(since, (r) => toAdmin(r) && ['image', 'file'].includes(msgtype(r) ?? '')), 3);
    expect(media.map(msgtype)).toEqual(['image', 'file', 'file']);
    const png = mediaOf(media[0]!, 'image');
    expect(png.type).toBe('image');
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const docx = mediaOf(media[1]!, 'file');
    expect(docx.name).toBe('2026Q4政务新媒体检查通报（草稿）.docx');
    const doc = await (await JSZip.loadAsync(docx.bytes)).file('word/document.xml')!.async('string');
    expect(doc).toContain('兴国县教育局');
    expect(doc).toContain('兴国教育');
    expect(mediaOf(media[2]!, 'file').name).toMatch(/账号指标明细\.xlsx$/);
    // the text came first, once, and carried no "[文件]" line standing in for the files
    const texts = sends(since, (r) => toAdmin(r) && msgtype(r) === 'text');
    expect(texts).toHaveLength(1);
    expect(texts[0]!.seq).toBeLessThan(media[0]!.seq);
    expect(sentText(texts[0]!)).not.toContain('[文件]');
  }, 90_000);

  it('an upload failing once (-1, busy) is retried: the text is not sent twice and the file arrives once', async () => {
    w.fake.failNext('upload', -1);
    const since = w.seq();
    const text = await w.say(ADMIN, '/台账 导出');
    expect(text).toContain('台账导出');
    const files = await until(
      () => sends(since, (r) => r.path === '/cgi-bin/message/send' && msgtype(r) === 'file'),
      1,
    );
    expect(files).toHaveLength(1);
    const xlsx = mediaOf(files[0]!, 'file');
    expect(xlsx.name).toMatch(/\.xlsx$/);
    expect(Object.keys((await JSZip.loadAsync(xlsx.bytes)).files)).toContain('xl/workbook.xml');
    expect(w.fake.requests.filter((r) => r.seq > since && r.path === '/cgi-bin/media/upload')).toHaveLength(2);
    expect(sends(since, (r) => r.path === '/cgi-bin/message/send' && msgtype(r) === 'text')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sends(since, (r) => r.path === '/cgi-bin/message/send' && msgtype(r) === 'file')).toHaveLength(1);
  }, 90_000);

  it('/台账 导出 in the unit group: the text to the response_url, the file through the push webhook', async () => {
    const since = w.seq();
    const text = await w.botSay(LIAISON, '/台账 导出', GROUP);
    expect(text).toContain('台账导出');
    expect(text).not.toContain('13912345678');
    const pushed = await until(
      () => sends(since, (r) => r.path === '/cgi-bin/webhook/send' && msgtype(r) === 'file'),
      1,
    );
    expect(pushed).toHaveLength(1);
    const m = mediaOf(pushed[0]!, 'file');
    expect(m.key).toBe(KEY);
    expect(m.name).toMatch(/\.xlsx$/);
    const upload = w.fake.requests.find((r) => r.seq > since && r.path === '/cgi-bin/webhook/upload_media');
    expect(upload?.query).toMatchObject({ key: KEY, type: 'file' });
  }, 90_000);

  it('a group with no push address gets the text with the file names and how to get the files, and no upload', async () => {
    const since = w.seq();
    const text = await w.botSay(LIAISON, '/台账 导出', 'wrkSFfCgAAnoPush2');
    expect(text).toContain('台账导出');
    expect(text).toContain('[文件]');
    expect(text).toContain('文件无法发到本群（本群未登记消息推送地址）');
    expect(w.fake.requests.filter((r) => r.seq > since && r.path.includes('upload'))).toHaveLength(0);
  }, 60_000);
});

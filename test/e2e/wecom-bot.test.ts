/**
 * WeCom groups through the AI bot (智能机器人) and the group push webhook (消息推送), with the real server, the real CLI
 * and a fake WeCom API: URL verification, forged and retried callbacks, binding a group with its push address (masked),
 * a liaison filing from the group, and the dormancy reminder (僵尸, national indicators; 兴国 六) reaching the group
 * through its push webhook once, a 45009 from the webhook retried. JSON callbacks are built from the documented
 * algorithm in test/support/wecom/sign.ts.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialCalendar } from '../../src/domain/calendar-data.js';
import { runCli } from '../support/process.js';
import { botCallback, echoQuery } from '../support/wecom/sign.js';
import type { WecomRequest } from '../support/wecom/fake-api.js';
import { BOT, nextBotMsgId, sentText, startWecomWorld, type WecomWorld } from '../support/wecom/world.js';

const ADMIN = 'wangadmin';
const LIAISON = 'lilianluo';
const GROUP = 'wrkSFfCgAAxxJYmNw1';
const OTHER_GROUP = 'wrkSFfCgAAyyOther2';
const KEY = '693a91f6-7a1c-4b8e-9d2f-0123456789ab';

let w: WecomWorld;

/** The n-th working day from today (Asia/Shanghai), at 09:00: accounts filed now are old enough by then. */
function workdayAhead(n: number): string {
  const cal = officialCalendar();
  let d = new Date(Date.now() + 8 * 3_600_000);
  let found = 0;
  for (;;) {
    d = new Date(d.getTime() + 86_400_000);
    const day = d.toISOString().slice(0, 10);
    if (cal.isWorkday(day) && ++found === n) return `${day}T09:00:00+08:00`;
  }
}
let pushUrl: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const webhookCalls = (): WecomRequest[] => w.fake.requests.filter((r) => r.path === '/cgi-bin/webhook/send');

function db<T>(q: string, ...params: unknown[]): T {
  const d = new Database(w.dbFile, { readonly: true });
  try {
    return d.prepare(q).get(...params) as T;
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  w = await startWecomWorld({ name: 'wecom-bot', admin: ADMIN, bot: true });
  w.fake.addWebhookKey(KEY);
  pushUrl = `${w.fake.url}/cgi-bin/webhook/send?key=${KEY}`;
  expect(await w.say(ADMIN, '/单位 新增 名称=兴国县教育局')).toContain('兴国县教育局');
  expect(await w.say(ADMIN, '/单位 新增 名称=兴国县文旅局')).toContain('兴国县文旅局');
  expect(
    await w.say(ADMIN, `/人员 新增 @wecom:${LIAISON} 姓名=李联络 单位=兴国县教育局 角色=联络员 电话=13912345678`),
  ).toContain('已登记「李联络」');
}, 60_000);

afterAll(() => w?.close());

describe('the AI bot callback', () => {
  it('GET answers the echostr (receive id empty)', async () => {
    const r = await fetch(`${w.server.url}/wecom/bot?${echoQuery(BOT, 'bot-echo-7788')}`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('bot-echo-7788');
  });

  it('forged, malformed and app-encrypted requests get a 4xx and no effect', async () => {
    const before = w.seq();
    expect((await w.botRaw(ADMIN, '/单位 新增 名称=伪造局', GROUP, nextBotMsgId(), { forge: true })).status).toBe(403);
    const { query } = botCallback(BOT, { msgid: 'x' });
    expect((await w.post('/wecom/bot', query, 'not json')).status).toBe(400);
    // encrypted for the app (receive id = corp id) instead of the bot
    const wrong = botCallback(
      { ...BOT, receiveId: 'ww5823bf96d3bd56c7' },
      { msgid: 'y', from: { userid: ADMIN }, chattype: 'single', msgtype: 'text', text: { content: '/我' } },
    );
    expect((await w.post('/wecom/bot', wrong.query, wrong.body)).status).toBe(403);
    await sleep(1_000);
    expect(w.fake.requests.slice(before)).toEqual([]);
    expect(db<{ n: number }>("select count(*) n from units where name = '伪造局'").n).toBe(0);
  });
});

describe('a unit works from its WeCom group', () => {
  it('an admin binds the group with its push address; the key stays masked in the group', async () => {
    const reply = await w.botSay(ADMIN, `/单位 绑定群 单位=兴国县教育局 推送地址=${pushUrl}`, GROUP);
    expect(reply).toContain('本群已设为「兴国县教育局」的工作群');
    expect(reply).not.toContain(KEY);
    expect(reply).toMatch(/key=693a[*＊]{4}89ab/);
    expect(
      db<{ chat_id: string; push_url: string }>("select chat_id, push_url from unit_chats where channel = 'wecom'"),
    ).toEqual({ chat_id: GROUP, push_url: pushUrl });
    const audit = db<{ details: string }>(
      "select details from audit_log where action = 'unit.bind_chat' order by id desc limit 1",
    ).details;
    expect(audit).not.toContain(KEY);
    expect(w.server.logs()).not.toContain(KEY);
    // in the group the list masks it; in a direct chat an admin sees it
    expect(await w.botSay(ADMIN, '/单位 列表', GROUP)).not.toContain(KEY);
    expect(await w.say(ADMIN, '/单位 列表')).toContain(KEY);
  });

  it('a push address off the WeCom API host is refused; without one the bind says liaisons get the reminders', async () => {
    const bad = await w.botSay(
      ADMIN,
      '/单位 绑定群 单位=兴国县文旅局 推送地址=https://evil.example.com/cgi-bin/webhook/send?key=abcdefgh12',
      OTHER_GROUP,
    );
    expect(bad).toContain('推送地址');
    expect(db<{ n: number }>('select count(*) n from unit_chats where chat_id = ?', OTHER_GROUP).n).toBe(0);
    const plain = await w.botSay(ADMIN, '/单位 绑定群 单位=兴国县文旅局', OTHER_GROUP);
    expect(plain).toContain('联络员');
  });

  it('a liaison files an account by @mentioning the bot; a retried msgid has one effect and one reply', async () => {
    const msgid = nextBotMsgId();
    const first = await w.botRaw(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-10-09', GROUP, msgid);
    expect(first.status).toBe(200);
    for (let i = 0; i < 2; i++)
      expect(
        (await w.botRaw(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-10-09', GROUP, msgid)).status,
      ).toBe(200);
    const path = new URL(first.responseUrl).pathname;
    const reply = await w.fake.waitFor((r) => r.path === path);
    expect(sentText(reply)).toContain('兴国教育');
    await sleep(1_500);
    expect(
      w.fake.requests.filter((r) => r.path.startsWith('/aibot/response/') && sentText(r).includes('已备案')).length,
    ).toBe(1);
    expect(db<{ n: number }>("select count(*) n from accounts where name = '兴国教育'").n).toBe(1);
  });

  it('phone numbers stay masked in the group', async () => {
    const list = await w.botSay(ADMIN, '/人员 列表 单位=兴国县教育局', GROUP);
    expect(list).toContain('李联络');
    expect(list).not.toContain('13912345678');
  });

  it('remind --now sends the dormancy reminder to the group through its push webhook once', async () => {
    const before = webhookCalls().length;
    const r = await runCli(['remind', '--now', workdayAhead(1)], { env: w.env });
    expect(r.code, r.stderr).toBe(0);
    const pushes = webhookCalls()
      .slice(before)
      .filter((x) => sentText(x).includes('兴国教育'));
    expect(pushes).toHaveLength(1);
    const md = sentText(pushes[0]!);
    expect((pushes[0]!.body as { msgtype: string }).msgtype).toBe('markdown');
    expect(md).toMatch(/已 \d+ 天未更新/);
    expect(pushes[0]!.query.key).toBe(KEY);
    const again = await runCli(['remind', '--now', workdayAhead(1)], { env: w.env });
    expect(again.code, again.stderr).toBe(0);
    await sleep(1_000);
    expect(
      webhookCalls()
        .slice(before)
        .filter((x) => sentText(x).includes('兴国教育')),
    ).toHaveLength(1);
  }, 60_000);

  it('a push webhook answering 45009 is retried and delivered', async () => {
    w.fake.failNext('webhook', 45009);
    const before = webhookCalls().length;
    const r = await runCli(['remind', '--now', workdayAhead(2)], { env: w.env });
    expect(r.code, r.stderr).toBe(0);
    // the server's delivery loop sends it after the back-off
    const ok = await w.fake.waitFor(
      (x) =>
        x.seq > 0 &&
        x.path === '/cgi-bin/webhook/send' &&
        x.response.errcode === 0 &&
        webhookCalls().indexOf(x) >= before &&
        sentText(x).includes('兴国教育'),
      30_000,
    );
    expect(ok).toBeTruthy();
    const codes = webhookCalls()
      .slice(before)
      .filter((x) => sentText(x).includes('兴国教育') || x.response.errcode !== 0)
      .map((x) => x.response.errcode);
    expect(codes[0]).toBe(45009);
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
  }, 60_000);

  it('a push webhook answering 93000 (bad key) fails at once and admins are told which unit to fix', async () => {
    expect(
      await w.botSay(
        ADMIN,
        `/单位 绑定群 单位=兴国县文旅局 推送地址=${w.fake.url}/cgi-bin/webhook/send?key=deadbeef-0000`,
        OTHER_GROUP,
      ),
    ).toContain('群推送地址已登记');
    expect(await w.say(ADMIN, '/备案 开设 平台=抖音 名称=兴国文旅 开设日期=2026-10-09 单位=兴国县文旅局')).toContain(
      '兴国文旅',
    );
    const since = w.seq();
    expect(
      await w.say(
        ADMIN,
        '/转载 下发 标题=关于做好冬季安全生产工作的通知 链接=https://www.gov.cn/zhengce/content/2.htm 范围=兴国县文旅局',
      ),
    ).toContain('T1');
    await w.fake.waitFor((r) => r.seq > since && r.path === '/cgi-bin/webhook/send' && r.response.errcode === 93000);
    await sleep(1_000);
    expect(webhookCalls().filter((r) => r.seq > since && r.response.errcode === 93000)).toHaveLength(1);
    const failed = await w.say(ADMIN, '/提醒 失败');
    expect(failed).toContain('兴国县文旅局');
    expect(failed).toContain('推送地址');
    expect(failed).not.toContain('deadbeef-0000');
  }, 60_000);
});

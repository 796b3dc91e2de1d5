/**
 * The WeCom self-built app through the real server and a fake WeCom API: URL verification, direct-chat commands,
 * retries, token expiry, rate limits, and 先审后发 on template cards replaced in place. Every callback is encrypted and
 * signed in the test from WeCom's published algorithm (test/support/wecom/sign.ts).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoQuery, appCallback, textXml } from '../support/wecom/sign.js';
import {
  AGENT_ID,
  APP,
  CORP_ID,
  nextMsgId,
  sentText,
  startWecomWorld,
  type WecomWorld,
} from '../support/wecom/world.js';
import type { WecomRequest } from '../support/wecom/fake-api.js';

const ADMIN = 'wangadmin';
const LIAISON = 'lilianluo';
const IN_CHARGE = 'zhaofenguan';
const PRINCIPAL = 'qianzhuyao';
const OUTSIDER = 'sunwairen';

let w: WecomWorld;

function db<T>(q: string, ...params: unknown[]): T {
  const d = new Database(w.dbFile, { readonly: true });
  try {
    return d.prepare(q).get(...params) as T;
  } finally {
    d.close();
  }
}

const count = (pred: (r: WecomRequest) => boolean) => w.fake.requests.filter(pred).length;
const updates = () => w.fake.requests.filter((r) => r.path === '/cgi-bin/message/update_template_card');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  w = await startWecomWorld({ name: 'wecom', admin: ADMIN });
}, 60_000);

afterAll(() => w?.close());

describe('WeCom callback URL and request checks', () => {
  it('GET answers the decrypted echostr bare', async () => {
    const q = echoQuery(APP, '1616140317555161061');
    const r = await fetch(`${w.server.url}/wecom/callback?${q}`);
    expect(r.status).toBe(200);
    const body = Buffer.from(await r.arrayBuffer());
    expect(body.toString('utf8')).toBe('1616140317555161061');
    expect(body[0]).not.toBe(0xef);
  });

  it('refuses forged, stale, wrong-corp, malformed and oversized callbacks with no effect', async () => {
    const before = w.seq();
    const forged = appCallback(
      APP,
      textXml({ corpId: CORP_ID, from: ADMIN, content: '/我', msgId: nextMsgId(), agentId: AGENT_ID }),
      { forge: true },
    );
    expect((await w.post('/wecom/callback', forged.query, forged.body)).status).toBe(403);
    const stale = appCallback(
      APP,
      textXml({ corpId: CORP_ID, from: ADMIN, content: '/我', msgId: nextMsgId(), agentId: AGENT_ID }),
      { timestamp: String(Math.floor(Date.now() / 1000) - 3600) },
    );
    expect((await w.post('/wecom/callback', stale.query, stale.body)).status).toBe(403);
    const wrongCorp = appCallback(
      { ...APP, receiveId: 'wwSomeOtherCorp' },
      textXml({ corpId: 'wwSomeOtherCorp', from: ADMIN, content: '/我', msgId: nextMsgId(), agentId: AGENT_ID }),
    );
    expect((await w.post('/wecom/callback', wrongCorp.query, wrongCorp.body)).status).toBe(403);
    const ok = appCallback(
      APP,
      textXml({ corpId: CORP_ID, from: ADMIN, content: '/我', msgId: nextMsgId(), agentId: AGENT_ID }),
    );
    expect((await w.post('/wecom/callback', ok.query, '<xml><Encrypt>')).status).toBe(400);
    expect((await w.post('/wecom/callback', ok.query, `<!DOCTYPE x [<!ENTITY a "b">]>${ok.body}`)).status).toBe(400);
    expect((await w.post('/wecom/callback', new URLSearchParams(), ok.body)).status).toBe(400);
    expect(
      (await w.post('/wecom/callback', ok.query, `<xml><Encrypt>${'A'.repeat(70_000)}</Encrypt></xml>`)).status,
    ).toBe(413);
    const badInner = appCallback(APP, '<xml><FromUserName>x');
    expect((await w.post('/wecom/callback', badInner.query, badInner.body)).status).toBe(400);
    await sleep(1_500);
    expect(w.fake.requests.slice(before).filter((r) => r.path === '/cgi-bin/message/send')).toEqual([]);
  });
});

describe('direct-chat commands (神木 第六条: filing)', () => {
  it('an admin adds a unit and people by @wecom:<userid>; a liaison files an account', async () => {
    expect(await w.say(ADMIN, '/我')).toContain('管理员');
    expect(await w.say(ADMIN, '/单位 新增 名称=兴国县教育局')).toContain('兴国县教育局');
    for (const [id, name, role] of [
      [LIAISON, '李联络', '联络员'],
      [IN_CHARGE, '赵分管', '分管领导'],
      [PRINCIPAL, '钱主要', '主要领导'],
    ] as const) {
      expect(
        await w.say(ADMIN, `/人员 新增 @wecom:${id} 姓名=${name} 单位=兴国县教育局 角色=${role} 电话=13912345678`),
      ).toContain(`已登记「${name}」`);
    }
    const filed = await w.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
    expect(filed).toContain('兴国教育');
    expect(db<{ n: number }>("select count(*) n from accounts where name = '兴国教育'").n).toBe(1);
    // the token is kept in the database, for the CLI too
    expect(db<{ n: number }>("select count(*) n from channel_state where key like 'wecom:token:%'").n).toBe(1);
    expect(await w.say(OUTSIDER, '/我')).toMatch(/未登记|还没有登记|管理员/);
  });

  it('one person may hold a Feishu and a WeCom identity; messages go where a channel is on', async () => {
    expect(
      await w.say(ADMIN, `/人员 新增 @wecom:${PRINCIPAL} 角色=主要领导 单位=兴国县教育局 另一身份=@feishu:ou_qian`),
    ).toContain('已更新「钱主要」');
    const ids = db<{ ids: string }>(
      "select group_concat(channel || ':' || external_id) ids from identities i join people p on p.id = i.person_id where p.name = '钱主要'",
    ).ids;
    expect(ids.split(',').sort()).toEqual(['feishu:ou_qian', `wecom:${PRINCIPAL}`]);
    expect(
      await w.say(
        ADMIN,
        `/人员 新增 @wecom:${OUTSIDER} 姓名=孙某 角色=信息员 单位=兴国县教育局 另一身份=@feishu:ou_qian`,
      ),
    ).toContain('已登记为「钱主要」');
  });

  it('a retried MsgId has one effect and one reply', async () => {
    const msgId = nextMsgId();
    const since = w.seq();
    for (let i = 0; i < 3; i++)
      expect((await w.sendRaw(ADMIN, '/单位 新增 名称=兴国县文旅局', msgId)).status).toBe(200);
    await w.waitSent(ADMIN, ['兴国县文旅局'], since);
    await sleep(1_500);
    expect(
      count((r) => r.seq > since && r.path === '/cgi-bin/message/send' && sentText(r).includes('兴国县文旅局')),
    ).toBe(1);
    expect(db<{ n: number }>("select count(*) n from units where name = '兴国县文旅局'").n).toBe(1);
  });

  it('a token expiring mid-run is fetched again and the send retried once', async () => {
    const tokensBefore = count((r) => r.path === '/cgi-bin/gettoken');
    w.fake.expireToken();
    const since = w.seq();
    expect(await w.say(ADMIN, '/单位 列表')).toContain('兴国县教育局');
    expect(count((r) => r.path === '/cgi-bin/gettoken')).toBe(tokensBefore + 1);
    expect(
      w.fake.requests.some((r) => r.seq > since && r.path === '/cgi-bin/message/send' && r.response.errcode === 42001),
    ).toBe(true);
  });

  it('45009 (rate limit) is retried with back-off and then delivered', async () => {
    w.fake.failNext('send', 45009);
    const since = w.seq();
    expect(await w.say(ADMIN, '/帮助')).toContain('/');
    expect(
      w.fake.requests.filter((r) => r.seq > since && r.path === '/cgi-bin/message/send').map((r) => r.response.errcode),
    ).toEqual([45009, 0]);
  }, 30_000);

  it('60020 (IP not trusted) fails at once and admins see what to do', async () => {
    w.fake.failNext('send', 60020);
    const since = w.seq();
    expect((await w.sendRaw(ADMIN, '/单位 列表', nextMsgId())).status).toBe(200);
    await w.fake.waitFor((r) => r.seq > since && r.response.errcode === 60020);
    await sleep(1_000);
    const failed = await w.say(ADMIN, '/提醒 失败');
    expect(failed).toContain('企业可信');
  }, 30_000);
});

describe('先审后发 on WeCom template cards (吉林 二(三), 神木 第十七条, 兴国 三(三))', () => {
  let first: WecomRequest;

  it('重大: 分管领导 card → 主要领导 card → requester told, both cards replaced in place', async () => {
    const since = w.seq();
    expect(await w.say(LIAISON, '/送审 账号=兴国教育 标题=全县政务新媒体整合方案 级别=重大')).toContain('R1');
    first = await w.waitSent(IN_CHARGE, ['review.decide', 'R1'], since);
    const card = (first.body as { msgtype: string; template_card: Record<string, unknown> }).template_card;
    expect((first.body as { msgtype: string }).msgtype).toBe('template_card');
    expect(card.card_type).toBe('button_interaction');
    expect(String(card.task_id)).toMatch(/^[0-9A-Za-z_\-@]{1,128}$/);
    const text = JSON.stringify(card);
    for (const check of [
      '政治关',
      '政策关',
      '法律关',
      '文字关',
      '保密关',
      '舆情关',
      '安全关',
      '兴国县教育局',
      '重大',
      '李联络',
    ])
      expect(text).toContain(check);
    expect((first.body as { enable_duplicate_check?: number }).enable_duplicate_check).toBe(1);

    // a click by someone else counts for nothing
    const sinceOut = w.seq();
    expect((await w.click(OUTSIDER, first, '同意')).status).toBe(200);
    await w.waitSent(OUTSIDER, [], sinceOut);
    expect(
      db<{ status: string; current_step: number }>('select status, current_step from reviews where id = 1'),
    ).toEqual({ status: 'pending', current_step: 1 });

    // a forged click is refused
    expect((await w.click(IN_CHARGE, first, '同意', { forge: true })).status).toBe(403);
    expect(db<{ current_step: number }>('select current_step from reviews where id = 1').current_step).toBe(1);

    const s1 = w.seq();
    const c1 = await w.click(IN_CHARGE, first, '同意');
    expect(c1.status).toBe(200);
    expect(c1.text).toBe('');
    // committed before the answer
    expect(
      db<{ status: string; current_step: number }>('select status, current_step from reviews where id = 1'),
    ).toEqual({ status: 'pending', current_step: 2 });
    const up1 = await w.fake.waitFor(
      (r) => r.seq > s1 && r.path === '/cgi-bin/message/update_template_card' && r.response.errcode === 0,
    );
    const u1 = up1.body as { response_code: string; userids: string[]; template_card: Record<string, unknown> };
    expect(u1.response_code).toBe(c1.responseCode);
    expect(u1.userids).toEqual([IN_CHARGE]);
    expect(JSON.stringify(u1.template_card)).toContain('已同意');
    expect(u1.template_card.replace_text).toBeTruthy();
    expect(u1.template_card.task_id).toBe(card.task_id);

    const second = await w.waitSent(PRINCIPAL, ['review.decide', 'R1'], s1);
    const s2 = w.seq();
    const c2 = await w.click(PRINCIPAL, second, '同意');
    expect(c2.status).toBe(200);
    expect(db<{ status: string }>('select status from reviews where id = 1').status).toBe('approved');
    const up2 = await w.fake.waitFor(
      (r) => r.seq > s2 && r.path === '/cgi-bin/message/update_template_card' && r.response.errcode === 0,
    );
    expect((up2.body as { response_code: string; userids: string[] }).response_code).toBe(c2.responseCode);
    expect((up2.body as { userids: string[] }).userids).toEqual([PRINCIPAL]);
    expect(await w.waitSent(LIAISON, ['R1', '已通过'], s1)).toBeTruthy();
  }, 60_000);

  it('a second click on a decided card changes nothing and updates nothing', async () => {
    const n = updates().length;
    const since = w.seq();
    expect((await w.click(IN_CHARGE, first, '同意', { createTime: Math.floor(Date.now() / 1000) + 5 })).status).toBe(
      200,
    );
    expect(await w.waitSent(IN_CHARGE, ['R1'], since)).toBeTruthy();
    await sleep(1_000);
    expect(updates().length).toBe(n);
    expect(db<{ status: string }>('select status from reviews where id = 1').status).toBe('approved');
    expect(
      db<{ n: number }>("select count(*) n from audit_log where subject = 'R1' and action = 'review.approve'").n,
    ).toBe(2);
  });

  it('退回 on a card asks for the reason in the chat; the typed decision then replaces the card', async () => {
    const since = w.seq();
    expect(await w.say(LIAISON, '/送审 账号=兴国教育 标题=冬季供暖通知')).toContain('R2');
    const card = await w.waitSent(IN_CHARGE, ['review.decide', 'R2'], since);
    const s1 = w.seq();
    const click = await w.click(IN_CHARGE, card, '退回');
    expect(click.status).toBe(200);
    expect(sentText(await w.waitSent(IN_CHARGE, ['/审批 退回 R2 意见='], s1))).toContain('意见');
    expect(db<{ status: string }>('select status from reviews where id = 2').status).toBe('pending');
    const s2 = w.seq();
    expect(await w.say(IN_CHARGE, '/审批 退回 R2 意见=标题须写明时间')).toContain('已退回 R2');
    const up = await w.fake.waitFor(
      (r) => r.seq > s2 && r.path === '/cgi-bin/message/update_template_card' && r.response.errcode === 0,
    );
    expect((up.body as { response_code: string }).response_code).toBe(click.responseCode);
    expect(JSON.stringify((up.body as { template_card: unknown }).template_card)).toContain('标题须写明时间');
    expect(await w.waitSent(LIAISON, ['R2', '标题须写明时间'], s2)).toBeTruthy();
  }, 60_000);
});

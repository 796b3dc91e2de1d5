/**
 * The Wechaty channel end to end with wechaty-puppet-mock: the real wechaty package, the real channel code and a real
 * SQLite file. Contacts and rooms are made by the mock's Mocker; a contact's `say(text, mentions).to(room)` is an
 * inbound room message; what the bot sends (`room.say`, `contact.say`) is read from the mock room's and contact's
 * `message` events.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { startWechatyChannel, type WechatyChannel } from '../../src/channels/wechaty/channel.js';
import type { WechatyConfig } from '../../src/channels/wechaty/config.js';
import { deliverDue, type DeliveryReport } from '../../src/jobs/outbox.js';
import { runSweep } from '../../src/jobs/sweep.js';
import { type Logger, silentLogger } from '../../src/ports/logger.js';
import { ADMIN, makeBot, type TestBot } from '../support/runtime.js';

type Contact = InstanceType<mock.Mocker['ContactMock']>;
type Room = InstanceType<mock.Mocker['RoomMock']>;

const BOT_NAME = '政务助手';
const TOPIC = '兴国县教育局工作群';
const config: WechatyConfig = {
  puppet: 'wechaty-puppet-mock',
  token: undefined,
  name: undefined,
  sendIntervalMs: 3_000,
  pageChars: 800,
  offlineRetryMs: 60_000,
};

let bot: TestBot;
let mocker: mock.Mocker;
let channel: WechatyChannel;
let self: Contact;
let admin: Contact;
let liaison: Contact;
let leader: Contact;
let officer: Contact;
let stranger: Contact;
let room: Room;
const qrArt: string[] = [];
/** what the channel logged at warn level and above */
const warnings: { obj: object; msg?: string }[] = [];
const log: Logger = {
  ...silentLogger,
  warn: (obj, msg) => warnings.push({ obj, msg }),
  error: (obj, msg) => warnings.push({ obj, msg }),
};
const sleeps: number[] = [];
/** what the bot sent, per conversation id, in order (a file as "[FileBox] name") */
const sent = new Map<string, string[]>();
/** the files the bot sent, per conversation id */
const sentFiles = new Map<string, { name: string; base64: string }[]>();

async function until(what: string, ok: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `from` writes `text` in `to` (a room, or the bot for a direct message); resolves when the channel has looked at it. */
async function say(from: Contact, text: string, to: Room | Contact, mentions: Contact[] = []): Promise<string> {
  let id: string | undefined;
  from.once('message', (m: { id: string }) => {
    id = m.id;
  });
  from.say(text, mentions).to(to);
  await until(`message from ${from.payload.name}`, () => id !== undefined && channel.handled(id));
  await channel.idle();
  return id!;
}

const deliver = (): Promise<DeliveryReport> =>
  deliverDue({
    store: bot.rt.services.store,
    clock: bot.rt.services.clock,
    log: silentLogger,
    messengers: { wechaty: channel.messenger },
  });

/** Deliver what is due and return what each conversation received from the bot meanwhile. */
async function deliverAndRead(): Promise<Map<string, string[]>> {
  const before = new Map([...sent].map(([k, v]) => [k, v.length]));
  await deliver();
  const out = new Map<string, string[]>();
  for (const [k, v] of sent) {
    const fresh = v.slice(before.get(k) ?? 0);
    if (fresh.length) out.set(k, fresh);
  }
  return out;
}

const inRoom = async (from: Contact, text: string, mentions: Contact[] = []): Promise<string[]> => {
  await say(from, `@${BOT_NAME}\u2005${text}`, room, [self, ...mentions]);
  return (await deliverAndRead()).get(room.id) ?? [];
};
const direct = async (from: Contact, text: string): Promise<string[]> => {
  await say(from, text, self);
  return (await deliverAndRead()).get(from.id) ?? [];
};

const codeIn = (reply: string): string => {
  const m = /绑定码：(\d{6})/.exec(reply);
  if (!m) throw new Error(`no code in: ${reply}`);
  return m[1]!;
};

function outboxRows(): {
  channel: string;
  target: string;
  status: string;
  attempts: number;
  last_error: string | null;
  payload: string;
}[] {
  return bot.rt.db.sqlite
    .prepare('SELECT channel, target, status, attempts, last_error, payload FROM outbox ORDER BY id')
    .all() as never;
}

beforeAll(async () => {
  bot = makeBot({ now: '2026-11-18T10:00:00+08:00', deliveryChannels: ['wechaty', 'feishu'] });
  mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  self = mocker.createContact({ name: BOT_NAME });
  admin = mocker.createContact({ name: '赵管理' });
  liaison = mocker.createContact({ name: '李联络' });
  leader = mocker.createContact({ name: '王领导' });
  officer = mocker.createContact({ name: '陈信息' });
  stranger = mocker.createContact({ name: '路人' });
  room = mocker.createRoom({ topic: TOPIC, memberIdList: [self.id, admin.id, liaison.id, officer.id, stranger.id] });
  const record = (conv: string) => (m: { id: string; talker(): { id: string }; text(): string | undefined }) => {
    if (m.talker().id !== self.id) return;
    const box = mocker.cacheFileBoxPayload.get(m.id) as { name?: string; base64?: string } | undefined;
    if (box) sentFiles.set(conv, [...(sentFiles.get(conv) ?? []), { name: box.name ?? '', base64: box.base64 ?? '' }]);
    sent.set(conv, [...(sent.get(conv) ?? []), box ? `[FileBox] ${box.name}` : (m.text() ?? '')]);
  };
  room.on('message', record(room.id));
  for (const c of [admin, liaison, leader, officer, stranger]) c.on('message', record(c.id));

  channel = await startWechatyChannel({
    config,
    core: bot.rt.core,
    log,
    kick: () => {},
    puppet,
    qrOut: (art) => qrArt.push(art),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  mocker.scan('https://login.weixin.qq.com/l/mock-qr');
  mocker.login(self);
  await until('login', () => channel.health().login === 'logged-in');

  // The county as the console admin (feishu:ou_admin) sets it up.
  expect(await bot.say(ADMIN, '/单位 新增 名称=兴国县教育局')).toContain('已新增');
  expect(await bot.say(ADMIN, '/人员 新增 @feishu:ou_li 姓名=李联络 单位=兴国县教育局 角色=联络员')).toContain(
    '已登记',
  );
  expect(await bot.say(ADMIN, '/人员 新增 @feishu:ou_ld 姓名=王领导 单位=兴国县教育局 角色=分管领导')).toContain(
    '已登记',
  );
});

afterAll(async () => {
  await channel?.stop();
  bot?.close();
});

describe('wechaty channel: login', () => {
  it('logs the QR code as terminal art and reports the login state on health', async () => {
    await until('QR art', () => qrArt.length > 0);
    expect(qrArt[0]).toMatch(/[▀▄█]/);
    const scan = warnings.find((w) => w.msg?.includes('scan the QR code'));
    expect(scan?.obj).toMatchObject({
      url: `https://wechaty.js.org/qrcode/${encodeURIComponent('https://login.weixin.qq.com/l/mock-qr')}`,
    });
    expect(channel.health()).toMatchObject({ login: 'logged-in', user: BOT_NAME });
  });
});

describe('wechaty channel: binding a WeChat identity by a one-time code', () => {
  let liaisonCode = '';

  it('an admin issues a code in a direct chat and the person binds by sending /绑定 to the bot', async () => {
    const adminCode = codeIn(await bot.say(ADMIN, '/人员 绑定码 @feishu:ou_admin'));
    const reply = await direct(admin, `/绑定 ${adminCode}`);
    expect(reply.join('\n')).toContain('绑定成功');
    const p = await bot.rt.services.store.people.byIdentity({ channel: 'wechaty', externalId: admin.id });
    expect(p?.roles.some((g) => g.role === 'admin')).toBe(true);

    liaisonCode = codeIn(await bot.say(ADMIN, '/人员 绑定码 @李联络'));
    expect((await direct(liaison, `/绑定 ${liaisonCode}`)).join('\n')).toContain('已绑定到「李联络」');
    // the code is stored hashed, never in the clear
    const stored = bot.rt.db.sqlite.prepare('SELECT code_hash FROM bind_codes').all() as { code_hash: string }[];
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((r) => r.code_hash)).not.toContain(liaisonCode);
  });

  it('a used code is refused the second time, and binds nobody', async () => {
    expect((await direct(stranger, `/绑定 ${liaisonCode}`)).join('\n')).toContain('已经用过');
    expect(await bot.rt.services.store.people.byIdentity({ channel: 'wechaty', externalId: stranger.id })).toBeNull();
  });

  it('an expired code is refused (default 24 h); a fresh one works', async () => {
    const code = codeIn(await bot.say(ADMIN, '/人员 绑定码 @王领导'));
    bot.setNow('2026-11-19T10:00:01+08:00');
    expect((await direct(leader, `/绑定 ${code}`)).join('\n')).toContain('过期');
    expect(await bot.rt.services.store.people.byIdentity({ channel: 'wechaty', externalId: leader.id })).toBeNull();
    const fresh = codeIn(await bot.say(ADMIN, '/人员 绑定码 @王领导 有效=2'));
    expect((await direct(leader, `/绑定 ${fresh}`)).join('\n')).toContain('已绑定到「王领导」');
  });

  it('a code is not shown in a group, and guessing is stopped after five wrong codes', async () => {
    expect(await bot.say(ADMIN, '/人员 绑定码 @李联络', { channel: 'feishu', id: 'oc_x', type: 'group' })).toContain(
      '单聊',
    );
    for (let i = 0; i < 5; i++) expect((await direct(stranger, `/绑定 00000${i}`)).join('\n')).toContain('不对');
    expect((await direct(stranger, '/绑定 123456')).join('\n')).toContain('错误次数过多');
  });

  it('the admin lists and removes bindings', async () => {
    const list = await bot.say(ADMIN, '/人员 绑定 列表');
    expect(list).toContain('李联络');
    expect(list).toContain(liaison.id.slice(0, 6));
    const officerCode = codeIn(
      await bot
        .say(ADMIN, '/人员 新增 @feishu:ou_tmp 姓名=临时 单位=兴国县教育局 角色=信息员')
        .then(() => bot.say(ADMIN, '/人员 绑定码 @临时')),
    );
    expect((await direct(stranger, `/绑定 ${officerCode}`)).join('\n')).toContain('错误次数过多');
    bot.setNow('2026-11-19T11:30:00+08:00');
    expect((await direct(stranger, `/绑定 ${officerCode}`)).join('\n')).toContain('已绑定到「临时」');
    expect(await bot.say(ADMIN, '/人员 解绑 @临时 渠道=微信')).toContain('已解除「临时」的微信绑定');
    expect(await bot.rt.services.store.people.byIdentity({ channel: 'wechaty', externalId: stranger.id })).toBeNull();
  });
});

describe('wechaty channel: the work group', () => {
  it('an admin binds the WeChat room to a unit, with its topic shown', async () => {
    const reply = await inRoom(admin, '/单位 绑定群 单位=兴国县教育局');
    expect(reply.join('\n')).toContain(`本群「${TOPIC}」已设为「兴国县教育局」的工作群`);
    const unit = await bot.rt.services.store.units.byChat('wechaty', room.id);
    expect(unit?.name).toBe('兴国县教育局');
  });

  it('a liaison files an account from the room by @mention', async () => {
    const reply = (await inRoom(liaison, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-18')).join('\n');
    expect(reply).toContain('已备案 F1');
    const accounts = await bot.rt.services.store.accounts.byName('兴国教育');
    expect(accounts).toHaveLength(1);
  });

  it('a mentioned member is registered with their WeChat identity', async () => {
    expect((await inRoom(admin, '/人员 新增 @陈信息 单位=兴国县教育局 角色=信息员', [officer])).join('\n')).toContain(
      '已登记「陈信息」',
    );
    const p = await bot.rt.services.store.people.byIdentity({ channel: 'wechaty', externalId: officer.id });
    expect(p?.name).toBe('陈信息');
    expect((await inRoom(officer, '/我')).join('\n')).toContain('信息员');
  });

  it('room chatter that does not @mention the bot is ignored; a direct picture gets a usage hint', async () => {
    const before = outboxRows().length;
    await say(liaison, '/帮助', room);
    expect(outboxRows().length).toBe(before);
    // a picture sent to the bot directly (message type 6: Image)
    const before2 = sent.get(liaison.id)?.length ?? 0;
    const pic = mocker.MessageMock.create({
      id: 'pic-1',
      talkerId: liaison.id,
      listenerId: self.id,
      timestamp: Date.now(),
      type: 6,
    } as never);
    mocker.puppet.emit('message', { messageId: pic.id });
    await until('picture', () => channel.handled('pic-1'));
    await channel.idle();
    await deliver();
    expect(sent.get(liaison.id)?.slice(before2).join('\n')).toContain('命令以 / 开头');
    // an official account pushing an article to the bot gets no answer
    const official = mocker.createContact({ name: '某某发布', type: 2 } as never);
    const rows = outboxRows().length;
    await say(official, '今日要闻', self);
    expect(outboxRows().length).toBe(rows);
  });

  it('the bot ignores its own messages, and messages older than its login', async () => {
    const before = outboxRows().length;
    const events = () =>
      (bot.rt.db.sqlite.prepare('SELECT count(*) AS n FROM inbound_events').get() as { n: number }).n;
    const eventsBefore = events();
    await say(self, `@${BOT_NAME}\u2005/单位 列表`, room, [self]);
    // a message from before the login, as a puppet replays them when it logs in
    const old = mocker.MessageMock.create({
      id: 'old-1',
      talkerId: admin.id,
      roomId: room.id,
      mentionIdList: [self.id],
      text: `@${BOT_NAME} /单位 列表`,
      timestamp: Date.now() - 3_600_000,
      type: 7,
    } as never);
    mocker.puppet.emit('message', { messageId: old.id });
    await until('old message', () => channel.handled('old-1'));
    expect(outboxRows().length).toBe(before);
    expect(events()).toBe(eventsBefore);
  });
});

describe('wechaty channel: reviews without buttons', () => {
  it('the leader gets the full text in WeChat, paged, and decides with /审批 同意', async () => {
    const content = `${'各单位要严格落实先审后发制度。'.repeat(60)}全文完。`;
    const earlier = sent.get(leader.id)?.length ?? 0;
    const reply = await inRoom(liaison, `/送审 账号=兴国教育 标题=关于加强审核的通知 内容=${content}`);
    expect(reply.join('\n')).toContain('R1');
    const pages = sent.get(leader.id)?.slice(earlier) ?? [];
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]).toMatch(/^\(1\/\d\)/);
    const whole = pages.map((p) => p.replace(/^\(\d+\/\d+\)\n/, '')).join('\n');
    expect(whole.replace(/\n/g, '')).toContain(content);
    expect(whole).toContain('/审批 同意 R1');
    expect(whole).not.toContain('操作：[');
    // spaced: every send after the first waited for most of the interval
    expect(sleeps.length).toBeGreaterThan(0);
    expect(Math.max(...sleeps)).toBeGreaterThan(2_000);
    expect((await direct(leader, '/审批 同意 R1')).join('\n')).toContain('同意');
    const r = await bot.rt.services.store.reviews.byId(1);
    expect(r?.status).toBe('approved');
  });
});

describe('wechaty channel: reminders and logouts', () => {
  const sweep = (iso: string) =>
    runSweep({ services: bot.rt.services, sweep: bot.rt.sweep }, { now: new Date(iso), trigger: 'test' });

  it('/台账 导出 in a direct chat sends the text, then the .xlsx itself as a file', async () => {
    const out = await direct(admin, '/台账 导出');
    expect(out[0]).toContain('台账导出');
    expect(out.join('\n')).not.toContain('[文件]');
    expect(out.at(-1)).toMatch(/^\[FileBox\] .+\.xlsx$/);
    const file = sentFiles.get(admin.id)?.at(-1);
    const zip = await JSZip.loadAsync(Buffer.from(file?.base64 ?? '', 'base64'));
    expect(Object.keys(zip.files)).toContain('xl/workbook.xml');
  });

  it('the daily reminder reaches the room once', async () => {
    bot.setNow('2026-12-04T09:00:00+08:00');
    await sweep('2026-12-04T09:00:00+08:00');
    const got = (await deliverAndRead()).get(room.id) ?? [];
    expect(got).toHaveLength(1);
    expect(got[0]).toContain('兴国县教育局 今日提醒');
    expect(got[0]).toContain('兴国教育');
    await sweep('2026-12-04T09:30:00+08:00');
    expect((await deliverAndRead()).get(room.id)).toBeUndefined();
  });

  it('while logged out messages wait in the outbox (admins are told elsewhere) and go out after login', async () => {
    await mocker.puppet.logout('mock logout');
    await until('logout', () => channel.health().login === 'logged-out');
    await until('logout notice', () =>
      outboxRows().some((r) => r.channel === 'feishu' && r.payload.includes('微信机器人已退出登录')),
    );
    expect(
      outboxRows()
        .filter((r) => r.payload.includes('微信机器人已退出登录'))
        .every((r) => r.channel !== 'wechaty'),
    ).toBe(true);

    bot.setNow('2026-12-07T09:00:00+08:00');
    await sweep('2026-12-07T09:00:00+08:00');
    const report = await deliver();
    expect(report.sent).toBe(0);
    const waiting = outboxRows().filter((r) => r.channel === 'wechaty' && r.status === 'pending');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((r) => r.attempts === 0 && (r.last_error ?? '').includes('未登录'))).toBe(true);
    // waiting does not use up the attempts, however long it lasts
    for (let i = 1; i <= 10; i++) {
      bot.setNow(new Date(Date.parse('2026-12-07T09:00:00+08:00') + i * 61_000).toISOString());
      await deliver();
    }
    expect(outboxRows().filter((r) => r.channel === 'wechaty' && r.status === 'failed')).toHaveLength(0);
    expect((sent.get(room.id) ?? []).filter((t) => t.includes('2026-12-07'))).toHaveLength(0);

    mocker.login(self);
    await until('login again', () => channel.health().login === 'logged-in');
    bot.setNow('2026-12-07T09:15:00+08:00');
    const got = (await deliverAndRead()).get(room.id) ?? [];
    expect(got).toHaveLength(1);
    expect(got[0]).toContain('2026-12-07');
    expect(outboxRows().filter((r) => r.channel === 'wechaty' && r.status === 'pending')).toHaveLength(0);
    expect(outboxRows().some((r) => r.channel === 'feishu' && r.payload.includes('微信机器人已重新登录'))).toBe(true);
  });
});

describe('wechaty channel: robustness', () => {
  it('no inbound message made the channel fail along the way', () => {
    expect(
      warnings.filter((w) => w.msg === 'wechaty message failed' || w.msg === 'could not draw the QR code'),
    ).toEqual([]);
  });
});

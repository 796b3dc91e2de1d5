/**
 * One suite, two runtimes: the product's webhook-to-delivery path as Feishu drives it, run against the Node server
 * (better-sqlite3, test/e2e/runtimes.test.ts) and against the Worker inside workerd (D1, test/worker/product.test.ts).
 * Each runtime supplies a ProductHarness; the requests are encrypted and signed from Feishu's documented algorithm
 * (test/support/feishu), and what the bot sends is read from a fake Feishu Open API on 127.0.0.1.
 *
 * The cases run in order and build on each other (a unit, its people, an account, a review).
 */
import { describe, expect, it } from 'vitest';
import { cardAction, messageReceive, randomEventId } from '../support/feishu/events.js';
import type { RecordedRequest } from '../support/feishu/fake-api.js';
import { feishuRequest } from '../support/feishu/sign.js';

export interface ProductHarness {
  /** an HTTP request to the product (bodies are sent byte for byte: they are signed) */
  request(path: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Response>;
  /** every request the fake Feishu API received, in order */
  requests(): Promise<RecordedRequest[]>;
  /** make the fake answer the next `n` message API calls with `status` */
  failNext(n: number, status: number): Promise<void>;
  /** rows of a read-only query on the product's database */
  rows<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** the daily reminders trigger (Node: `npm run cli -- remind`; Worker: the 0 1 * * * cron) */
  daily(): Promise<void>;
  /** what retries a failed delivery (Node: the delivery loop, on its own; Worker: the frequent cron) */
  retry(): Promise<void>;
}

export interface ProductIdentities {
  encryptKey: string;
  bot: string;
  admin: string;
  /** HEALTH_TOKEN as the product is configured */
  healthToken: string;
}

const GROUP = 'oc_group_shared_jyj';
const LIAISON = 'ou_shared_liaison';
const IN_CHARGE = 'ou_shared_incharge';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const textOf = (r: RecordedRequest): string => {
  const b = r.body as { msg_type: string; content: string };
  return b.msg_type === 'text' ? String((JSON.parse(b.content) as { text: string }).text) : b.content;
};

export function productCases(runtime: string, harness: () => ProductHarness, ids: ProductIdentities): void {
  let seq = 0;
  const h = () => harness();

  const event = (
    from: string,
    text: string,
    o: { p2p?: boolean; mentions?: { key: string; openId: string; name: string }[]; eventId?: string } = {},
  ) =>
    messageReceive({
      eventId: o.eventId ?? randomEventId(),
      chatId: o.p2p ? `oc_p2p_${from}` : GROUP,
      chatType: o.p2p ? 'p2p' : 'group',
      messageId: `om_${runtime}_${++seq}_${Date.now()}`,
      senderOpenId: from,
      text,
      mentions: o.mentions,
      botOpenId: o.p2p ? undefined : ids.bot,
    });

  const post = async (path: string, body: object): Promise<Response> => {
    const req = feishuRequest(body, { encryptKey: ids.encryptKey });
    return h().request(path, { method: 'POST', body: req.body, headers: req.headers });
  };

  const replyTo = (messageId: string) =>
    until(`the reply to ${messageId}`, async () =>
      (await h().requests()).find((r) => r.path === `/open-apis/im/v1/messages/${messageId}/reply` && r.status === 200),
    );

  /** send a message, expect 200, wait for the bot's reply; its text */
  const say = async (from: string, text: string, o: Parameters<typeof event>[2] = {}): Promise<string> => {
    const ev = event(from, text, o);
    const r = await post('/feishu/events', ev);
    expect(r.status).toBe(200);
    return textOf(await replyTo(ev.event.message.message_id));
  };

  const sentTo = async (receiveId: string, needles: string[]) =>
    until(`a message to ${receiveId} with ${needles.join(', ')}`, async () =>
      (await h().requests()).find(
        (r) =>
          r.status === 200 &&
          r.path === '/open-apis/im/v1/messages' &&
          (r.body as { receive_id?: string }).receive_id === receiveId &&
          needles.every((n) => textOf(r).includes(n)),
      ),
    );

  describe(`the product on ${runtime}`, () => {
    it('serves /healthz: liveness to anyone; the database, the channels and the queue with HEALTH_TOKEN', async () => {
      const r = await h().request('/healthz');
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ ok: true });
      for (const wrong of [{ authorization: 'Bearer not-the-token' }, { authorization: `Basic ${ids.healthToken}` }]) {
        const w = await h().request('/healthz', { headers: wrong });
        expect(await w.json()).toEqual({ ok: true });
      }
      const full = { ok: true, db: 'ok', channels: { feishu: 'on' }, outbox: { failed: 0 } };
      const byHeader = await h().request('/healthz', { headers: { authorization: `Bearer ${ids.healthToken}` } });
      expect(await byHeader.json()).toMatchObject(full);
      const byQuery = await h().request(`/healthz?token=${encodeURIComponent(ids.healthToken)}`);
      expect(await byQuery.json()).toMatchObject(full);
    });

    it('an admin command is committed and its reply queued, then delivered', async () => {
      const ev = event(ids.admin, '/单位 新增 名称=兴国县教育局', { p2p: true });
      const r = await post('/feishu/events', ev);
      expect(r.status).toBe(200);
      // committed before the answer: the unit and the queued reply are both there
      const [units, queued] = [
        await h().rows('SELECT name FROM units WHERE name = ?', '兴国县教育局'),
        await h().rows('SELECT target_type FROM outbox WHERE reply_to = ?', ev.event.message.message_id),
      ];
      const reply = textOf(await replyTo(ev.event.message.message_id));
      expect(reply).toContain('已新增单位');
      expect(units).toHaveLength(1);
      expect(queued).toEqual([{ target_type: 'reply' }]);
    });

    it('people are added with mentions and the group is bound', async () => {
      // The reminder time is set past any hour these tests run at, so that no sweep runs before the reminder case
      // asks for its preview (the minute trigger runs a sweep that is due): the cases do not depend on the hour.
      expect(await say(ids.admin, '/设置 提醒时间=23:59', { p2p: true })).toContain('已');
      expect(await say(ids.admin, '/单位 绑定群 单位=兴国县教育局')).toContain('已');
      for (const [open, name, role] of [
        [LIAISON, '李联络', '联络员'],
        [IN_CHARGE, '赵分管', '分管领导'],
      ] as const) {
        expect(
          await say(ids.admin, `/人员 新增 @_user_1 单位=兴国县教育局 角色=${role}`, {
            mentions: [{ key: '@_user_1', openId: open, name }],
          }),
        ).toContain('已');
      }
    });

    it('a liaison files an account, due five working days later across the National Day holiday (神木 第六条)', async () => {
      const out = await say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-28');
      expect(out).toContain('F1');
      expect(out).toContain('2026-10-10');
      expect(await h().rows('SELECT id FROM accounts WHERE name = ?', '兴国教育')).toHaveLength(1);
    });

    it('a retried event has one effect and one reply', async () => {
      const ev = event(ids.admin, '/单位 新增 名称=兴国县卫生健康委员会', { p2p: true });
      const [a, b] = await Promise.all([post('/feishu/events', ev), post('/feishu/events', ev)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect((await post('/feishu/events', ev)).status).toBe(200);
      await replyTo(ev.event.message.message_id);
      await sleep(300);
      expect(await h().rows('SELECT id FROM units WHERE name = ?', '兴国县卫生健康委员会')).toHaveLength(1);
      expect(await h().rows('SELECT id FROM outbox WHERE reply_to = ?', ev.event.message.message_id)).toHaveLength(1);
      const replies = (await h().requests()).filter(
        (r) => r.path === `/open-apis/im/v1/messages/${ev.event.message.message_id}/reply` && r.status === 200,
      );
      expect(replies).toHaveLength(1);
    });

    it('a review card reaches the leader; two clicks at once make one decision (吉林 二(三))', async () => {
      expect(await say(LIAISON, '/送审 账号=兴国教育 标题=冬季供暖通知')).toContain('已送审');
      const card = await sentTo(IN_CHARGE, ['review.decide', '冬季供暖通知']);
      const messageId = (card.response as { data: { message_id: string } }).data.message_id;
      const value = JSON.parse(/"value":(\{"action":"review\.decide"[^}]*\})/.exec(textOf(card))![1]!) as Record<
        string,
        unknown
      >;
      const click = () =>
        post(
          '/feishu/cards',
          cardAction({
            eventId: randomEventId(),
            operatorOpenId: IN_CHARGE,
            openMessageId: messageId,
            openChatId: `oc_p2p_${IN_CHARGE}`,
            value,
            tag: 'button',
            token: 'c-token',
          }),
        ).then(async (r) => (await r.json()) as { toast: { content: string }; card?: unknown });
      const [x, y] = await Promise.all([click(), click()]);
      expect([x, y].filter((c) => c.card !== undefined)).toHaveLength(1);
      const decisions = await h().rows("SELECT id FROM audit_log WHERE action IN ('review.approve', 'review.reject')");
      expect(decisions).toHaveLength(1);
      expect(await h().rows("SELECT id FROM reviews WHERE status = 'approved'")).toHaveLength(1);
      expect((await click()).toast.content).toContain('不能再审批');
    });

    it('a reply whose first send failed is delivered by the retry', async () => {
      await until(
        'an idle outbox',
        async () => (await h().rows("SELECT id FROM outbox WHERE status = 'pending'")).length === 0,
      );
      await h().failNext(1, 500);
      const ev = event(ids.admin, '/帮助', { p2p: true });
      expect((await post('/feishu/events', ev)).status).toBe(200);
      const failed = await until('a failed first attempt', async () => {
        const [row] = await h().rows<{ attempts: number; next_attempt_at: number; status: string }>(
          'SELECT attempts, next_attempt_at, status FROM outbox WHERE reply_to = ?',
          ev.event.message.message_id,
        );
        return row && row.attempts >= 1 ? row : undefined;
      });
      expect(failed.status).toBe('pending');
      await sleep(Math.max(0, Number(failed.next_attempt_at) - Date.now() + 50));
      await h().retry();
      await replyTo(ev.event.message.message_id);
      const [row] = await h().rows<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM outbox WHERE reply_to = ?',
        ev.event.message.message_id,
      );
      expect(row).toEqual({ status: 'sent', attempts: 2 });
    });

    it('/提醒 预览 shows the dormant account; the daily trigger sends it to the unit group once (兴国 六：15 天以上未更新)', async () => {
      const preview = await say(ids.admin, '/提醒 预览', { p2p: true });
      expect(preview).toContain('兴国教育');
      expect(preview).toContain('僵尸');
      // make every day a reminder day and the time already past, so the trigger's own check says "due"
      expect(await say(ids.admin, '/设置 每天提醒=是 提醒时间=00:00', { p2p: true })).toContain('已');
      await h().daily();
      const digest = await sentTo(GROUP, ['兴国教育', '僵尸']);
      expect(digest.status).toBe(200);
      await h().daily();
      await sleep(300);
      const digests = (await h().requests()).filter(
        (r) =>
          r.status === 200 &&
          r.path === '/open-apis/im/v1/messages' &&
          (r.body as { receive_id?: string }).receive_id === GROUP &&
          textOf(r).includes('僵尸'),
      );
      expect(digests).toHaveLength(1);
    });
  });
}

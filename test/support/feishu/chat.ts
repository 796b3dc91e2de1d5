/**
 * Talking to the server as Feishu would: post signed, encrypted events and card callbacks, and read what the bot sent
 * back through the fake Open API. Shared by the Feishu end-to-end tests and the demo.
 */
import { cardAction, messageReceive, randomEventId } from './events.js';
import type { FakeFeishu, RecordedRequest } from './fake-api.js';
import { feishuRequest } from './sign.js';

export interface CardResponse {
  toast: { type: string; content: string };
  card?: { type: string; data: unknown };
}

export interface SayOptions {
  /** a group chat id; default: the chat's default group, or a direct chat when `p2p` */
  chat?: string;
  p2p?: boolean;
  mentions?: { key: string; openId: string; name: string }[];
  eventId?: string;
}

/** The text of a message the bot sent: the text itself, or the card's JSON. */
export function sentText(r: RecordedRequest): string {
  const b = r.body as { msg_type: string; content: string };
  return b.msg_type === 'text' ? String((JSON.parse(b.content) as { text: string }).text) : b.content;
}

export class FeishuChat {
  private seq = 0;

  constructor(
    private readonly server: { url: string },
    readonly fake: FakeFeishu,
    private readonly opts: { encryptKey: string; botOpenId: string; group: string },
  ) {}

  /** POST an event or callback body, encrypted and signed. */
  post(pathname: string, body: object): Promise<Response> {
    const req = feishuRequest(body, { encryptKey: this.opts.encryptKey });
    return fetch(`${this.server.url}${pathname}`, { method: 'POST', headers: req.headers, body: req.body });
  }

  /** Send a message as `from` and wait for the bot's reply to it; returns the reply's text. */
  async say(from: string, text: string, o: SayOptions = {}): Promise<string> {
    const ev = messageReceive({
      eventId: o.eventId ?? randomEventId(),
      chatId: o.p2p ? `oc_p2p_${from}` : (o.chat ?? this.opts.group),
      chatType: o.p2p ? 'p2p' : 'group',
      messageId: `om_chat_${++this.seq}_${Date.now()}`,
      senderOpenId: from,
      text,
      mentions: o.mentions,
      botOpenId: o.p2p ? undefined : this.opts.botOpenId,
    });
    const r = await this.post('/feishu/events', ev);
    if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
    const id = ev.event.message.message_id;
    return sentText(
      await this.fake.waitFor((x) => x.path === `/open-apis/im/v1/messages/${id}/reply` && x.status === 200, 15_000),
    );
  }

  /** Click a card button as `operator`, with the comment box's value. */
  async click(
    operator: string,
    messageId: string,
    value: Record<string, unknown>,
    comment?: string,
    eventId = randomEventId(),
  ): Promise<CardResponse> {
    const ev = cardAction({
      eventId,
      operatorOpenId: operator,
      openMessageId: messageId,
      openChatId: `oc_p2p_${operator}`,
      value,
      formValue: comment !== undefined ? { comment } : undefined,
      tag: 'button',
      token: 'c-token',
    });
    const r = await this.post('/feishu/cards', ev);
    if (r.status !== 200) throw new Error(`callback answered ${r.status}`);
    return (await r.json()) as CardResponse;
  }

  /** Messages sent (created) to a chat or open_id after request number `since`, containing `needle`. */
  sentTo(receiveId: string, since: number, needle: string): RecordedRequest[] {
    return this.fake.requests.filter(
      (r) =>
        r.seq > since &&
        r.status === 200 &&
        r.path === '/open-apis/im/v1/messages' &&
        (r.body as { receive_id?: string }).receive_id === receiveId &&
        sentText(r).includes(needle),
    );
  }

  /** Wait for a message created for `receiveId` that contains every needle. */
  waitSent(receiveId: string, needles: string[], since = 0): Promise<RecordedRequest> {
    return this.fake.waitFor(
      (r) =>
        r.seq > since &&
        r.status === 200 &&
        r.path === '/open-apis/im/v1/messages' &&
        (r.body as { receive_id?: string }).receive_id === receiveId &&
        needles.every((n) => sentText(r).includes(n)),
      20_000,
    );
  }
}

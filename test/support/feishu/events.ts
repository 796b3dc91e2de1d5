/**
 * Payload builders for what the Feishu platform POSTs to a bot's webhook, following the documented shapes.
 * Pair them with `feishuRequest` from ./sign.ts to encrypt and sign.
 *
 * Field names checked against:
 * - Event envelope (schema 2.0: header.event_id / event_type / create_time / token / app_id / tenant_key) and
 *   im.message.receive_v1 ("接收消息"):
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/receive
 *   (field table as stored at https://apifox.com/apidoc/docs-site/532425/doc-1945610 — sender.sender_id.{union_id,
 *   user_id,open_id}, sender.sender_type, sender.tenant_key, message.{message_id,root_id,parent_id,create_time,
 *   update_time,chat_id,thread_id,chat_type,message_type,content,mentions[]}, mentions[].{key,id.{union_id,user_id,
 *   open_id},name,tenant_key})
 * - Message content is a JSON *string* (`{"text":"…"}` for text); mentions appear in the text as `@_user_N`
 *   placeholders matching mentions[].key ("第3个被@到的成员，值为 @_user_3"):
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/intro
 * - url_verification (v1 shape `{challenge, token, type}`, encrypted like any event when an Encrypt Key is set;
 *   the receiver answers `{"challenge": …}`):
 *   https://open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/request-url-configuration-case
 * - card.action.trigger, the new card callback ("卡片回传交互"):
 *   https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-callback-communication
 *   and https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/handle-card-callbacks
 *   (event.operator.{tenant_key,user_id,open_id,union_id}, event.token, event.action.{value,tag,option,timezone,name,
 *   form_value,input_value,options,checked}, event.host, event.delivery_type, event.context.{url,preview_token,
 *   open_message_id,open_chat_id}; cross-checked with the platform vendor's own models in larksuite/oapi-sdk-go
 *   event/dispatcher/callback/model.go and larksuite/cli events/im/card_action.go)
 * - The legacy card callback (card.action.trigger_v1, flat `open_id`/`open_message_id`/`action`) is deliberately not
 *   built here: https://open.feishu.cn/document/ukTMukTMukTM/uYzM3QjL2MzN04iNzcDN/configuring-card-callbacks/card-callback-structure
 */
import { createHash, randomBytes } from 'node:crypto';

export const TEST_APP_ID = 'cli_a1b2c3d4e5f60001';
export const TEST_TENANT_KEY = '2ca1d211f64f6438';
export const TEST_VERIFICATION_TOKEN = 'v_test_verification_token';

export interface EventHeader {
  event_id: string;
  event_type: string;
  create_time: string;
  token: string;
  app_id: string;
  tenant_key: string;
}

export interface EventEnvelope<E> {
  schema: '2.0';
  header: EventHeader;
  event: E;
}

export interface UserId {
  open_id: string;
  union_id: string;
  user_id: string;
}

export interface Mention {
  key: string;
  id: UserId;
  name: string;
  tenant_key: string;
}

export interface MessageReceiveEvent {
  sender: {
    sender_id: UserId;
    sender_type: 'user';
    tenant_key: string;
  };
  message: {
    message_id: string;
    root_id?: string;
    parent_id?: string;
    create_time: string;
    update_time: string;
    chat_id: string;
    thread_id?: string;
    chat_type: 'group' | 'p2p';
    message_type: 'text';
    content: string;
    mentions?: Mention[];
  };
}

export interface CardActionEvent {
  operator: {
    tenant_key: string;
    user_id: string;
    open_id: string;
    union_id: string;
  };
  token: string;
  action: {
    value: object;
    tag: string;
    name?: string;
    form_value?: object;
    timezone?: string;
    option?: string;
    options?: string[];
    input_value?: string;
    checked?: boolean;
  };
  host: 'im_message';
  context: {
    open_message_id: string;
    open_chat_id: string;
  };
}

/** Common envelope options. Defaults: random event id, now, TEST_* constants. */
export interface EnvelopeOptions {
  eventId?: string;
  /** The Verification Token, carried in header.token. */
  verificationToken?: string;
  appId?: string;
  tenantKey?: string;
  /** Milliseconds since the epoch, as a string. */
  createTime?: string;
}

export interface MentionInput {
  /** `@_user_N`, as it appears in the text. */
  key: string;
  openId: string;
  name: string;
  unionId?: string;
  userId?: string;
}

export interface MessageReceiveOptions extends EnvelopeOptions {
  chatId: string;
  chatType: 'group' | 'p2p';
  messageId?: string;
  senderOpenId: string;
  senderUnionId?: string;
  senderUserId?: string;
  /** Text as the platform delivers it: mentions appear as their `@_user_N` keys, e.g. '@_user_1 /备案 …'. */
  text: string;
  mentions?: MentionInput[];
  /**
   * The bot's open_id. When given and no mention targets it, a mention of the bot is added in front, the way a user
   * typing "@bot …" in a group produces it: it becomes `@_user_1`, the other keys shift up by one (in the text too).
   */
  botOpenId?: string;
  botName?: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
}

export interface CardActionOptions extends EnvelopeOptions {
  operatorOpenId: string;
  operatorUnionId?: string;
  operatorUserId?: string;
  openMessageId: string;
  openChatId: string;
  /** The `behaviors[{type:'callback', value}]` value of the clicked component. */
  value: object;
  /** Present when a submit button inside a `form` container was clicked: `{ <component name>: <value> }`. */
  formValue?: object;
  /** Component tag; a form submit arrives as 'button'. */
  tag?: string;
  /** The `name` of the clicked component (distinguishes several submit buttons in one form). */
  name?: string;
  /** The card-update token in event.token (valid 30 min, for the delayed card update API). */
  token: string;
}

export function randomEventId(): string {
  return randomBytes(16).toString('hex');
}

export function randomMessageId(): string {
  return `om_${randomBytes(16).toString('hex')}`;
}

/** Deterministic stand-ins for the ids the platform would give a user, derived from the open_id. */
export function derivedUnionId(openId: string): string {
  return `on_${createHash('sha256').update(`union:${openId}`).digest('hex').slice(0, 32)}`;
}

export function derivedUserId(openId: string): string {
  return createHash('sha256').update(`user:${openId}`).digest('hex').slice(0, 8);
}

function userId(openId: string, unionId?: string, userIdValue?: string): UserId {
  return {
    open_id: openId,
    union_id: unionId ?? derivedUnionId(openId),
    user_id: userIdValue ?? derivedUserId(openId),
  };
}

function header(eventType: string, opts: EnvelopeOptions): EventHeader {
  return {
    event_id: opts.eventId ?? randomEventId(),
    event_type: eventType,
    create_time: opts.createTime ?? String(Date.now()),
    token: opts.verificationToken ?? TEST_VERIFICATION_TOKEN,
    app_id: opts.appId ?? TEST_APP_ID,
    tenant_key: opts.tenantKey ?? TEST_TENANT_KEY,
  };
}

/** The URL-verification request (v1 shape, no schema/header). Encrypt it with feishuRequest when an Encrypt Key is set. */
export function urlVerification(
  token: string,
  challenge: string,
): { challenge: string; token: string; type: 'url_verification' } {
  return { challenge, token, type: 'url_verification' };
}

/** Renumber every `@_user_N` placeholder to `@_user_{N+1}`. */
function shiftMentionKeys(s: string): string {
  return s.replace(/@_user_(\d+)/g, (_m, n: string) => `@_user_${Number(n) + 1}`);
}

/** im.message.receive_v1 for a text message. */
export function messageReceive(opts: MessageReceiveOptions): EventEnvelope<MessageReceiveEvent> {
  const tenantKey = opts.tenantKey ?? TEST_TENANT_KEY;
  let text = opts.text;
  let mentionInputs = opts.mentions ?? [];
  if (opts.botOpenId !== undefined && !mentionInputs.some((m) => m.openId === opts.botOpenId)) {
    text = `@_user_1 ${shiftMentionKeys(text)}`;
    mentionInputs = [
      { key: '@_user_1', openId: opts.botOpenId, name: opts.botName ?? '政务新媒体助手' },
      ...mentionInputs.map((m) => ({ ...m, key: shiftMentionKeys(m.key) })),
    ];
  }
  const createTime = opts.createTime ?? String(Date.now());
  const mentions: Mention[] = mentionInputs.map((m) => ({
    key: m.key,
    id: userId(m.openId, m.unionId, m.userId),
    name: m.name,
    tenant_key: tenantKey,
  }));
  const message: MessageReceiveEvent['message'] = {
    message_id: opts.messageId ?? randomMessageId(),
    ...(opts.rootId !== undefined ? { root_id: opts.rootId } : {}),
    ...(opts.parentId !== undefined ? { parent_id: opts.parentId } : {}),
    create_time: createTime,
    update_time: createTime,
    chat_id: opts.chatId,
    ...(opts.threadId !== undefined ? { thread_id: opts.threadId } : {}),
    chat_type: opts.chatType,
    message_type: 'text',
    content: JSON.stringify({ text }),
    ...(mentions.length > 0 ? { mentions } : {}),
  };
  return {
    schema: '2.0',
    header: header('im.message.receive_v1', { ...opts, createTime }),
    event: {
      sender: {
        sender_id: userId(opts.senderOpenId, opts.senderUnionId, opts.senderUserId),
        sender_type: 'user',
        tenant_key: tenantKey,
      },
      message,
    },
  };
}

/** card.action.trigger (schema 2.0) for a click on a callback button, or a form submit when `formValue` is given. */
export function cardAction(opts: CardActionOptions): EventEnvelope<CardActionEvent> {
  const tenantKey = opts.tenantKey ?? TEST_TENANT_KEY;
  const ids = userId(opts.operatorOpenId, opts.operatorUnionId, opts.operatorUserId);
  return {
    schema: '2.0',
    header: header('card.action.trigger', opts),
    event: {
      operator: { tenant_key: tenantKey, user_id: ids.user_id, open_id: ids.open_id, union_id: ids.union_id },
      token: opts.token,
      action: {
        value: opts.value,
        tag: opts.tag ?? 'button',
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.formValue !== undefined ? { form_value: opts.formValue } : {}),
      },
      host: 'im_message',
      context: { open_message_id: opts.openMessageId, open_chat_id: opts.openChatId },
    },
  };
}

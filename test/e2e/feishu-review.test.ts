/**
 * 先审后发 through the real server and a fake Feishu API: approval cards go to the right open_id, clicks arrive as
 * card.action.trigger callbacks, cards change in place, and misuse (a forged operator, a double click, a withdrawn
 * review) changes nothing. Requests are encrypted and signed from the documented algorithm (test/support/feishu).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeishuChat } from '../support/feishu/chat.js';
import { sentText } from '../support/feishu/chat.js';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';

const KEY = 'review-e2e-encrypt-key';
const SECRET = 'review-e2e-secret';
const BOT = 'ou_bot_review';
const ADMIN = 'ou_admin';
const LIAISON = 'ou_li';
const IN_CHARGE = 'ou_zhao';
const PRINCIPAL = 'ou_qian';
const GROUP = 'oc_jyj_group';

let world: FeishuWorld;
let dbFile: string;

let chat: FeishuChat;
const say = (
  from: string,
  text: string,
  mentions?: { key: string; openId: string; name: string }[],
  chatType: 'group' | 'p2p' = 'group',
): Promise<string> => chat.say(from, text, { mentions, p2p: chatType === 'p2p' });
const click = (
  operator: string,
  messageId: string,
  value: Record<string, unknown>,
  comment?: string,
  eventId?: string,
) => chat.click(operator, messageId, value, comment, eventId);

/** The approval card DM'd to an open_id for a review, and the message id Feishu gave it. */
async function cardTo(
  openId: string,
  reviewTitle: string,
): Promise<{ messageId: string; content: string; value: Record<string, unknown> }> {
  const req = await chat.waitSent(openId, ['review.decide', reviewTitle]);
  const messageId = (req.response as { data: { message_id: string } }).data.message_id;
  const content = sentText(req);
  const m = /"value":(\{"action":"review\.decide"[^}]*\})/.exec(content);
  return { messageId, content, value: JSON.parse(m![1]!) as Record<string, unknown> };
}

function review(id: number): { status: string; current_step: number } {
  const d = new Database(dbFile, { readonly: true });
  try {
    return d.prepare('select status, current_step from reviews where id = ?').get(id) as {
      status: string;
      current_step: number;
    };
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  world = await startFeishuWorld({
    name: 'review',
    admin: ADMIN,
    bot: BOT,
    group: GROUP,
    encryptKey: KEY,
    appSecret: SECRET,
  });
  ({ chat, dbFile } = world);
  for (const line of ['/单位 新增 名称=兴国县教育局', '/单位 绑定群 单位=兴国县教育局']) await say(ADMIN, line);
  for (const [open, name, role] of [
    [LIAISON, '李联络', '联络员'],
    [IN_CHARGE, '赵分管', '分管领导'],
    [PRINCIPAL, '钱主要', '主要领导'],
  ] as const) {
    await say(ADMIN, `/人员 新增 @_user_1 单位=兴国县教育局 角色=${role}`, [{ key: '@_user_1', openId: open, name }]);
  }
  await say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
});

afterAll(() => world?.close());

describe('先审后发 over Feishu (吉林 二(三), 神木 第十七条)', () => {
  it('重大: requester → 分管领导 card → 主要领导 card → requester and group told, cards updated in place', async () => {
    const sent = await say(LIAISON, '/送审 账号=兴国教育 标题=全县政务新媒体整合方案 级别=重大');
    expect(sent).toContain('已送审 R1');
    const first = await cardTo(IN_CHARGE, '全县政务新媒体整合方案');
    for (const check of ['政治关', '政策关', '法律关', '文字关', '保密关', '舆情关', '安全关'])
      expect(first.content).toContain(check);

    const r1 = await click(IN_CHARGE, first.messageId, first.value, '同意，报主要领导');
    expect(r1.toast.type).toBe('success');
    const after1 = JSON.stringify(r1.card?.data);
    expect(after1).toContain('已同意 R1');
    expect(after1).toContain('赵分管');
    expect(after1).toContain('同意，报主要领导');
    expect(after1).not.toContain('review.decide');
    expect(review(1)).toEqual({ status: 'pending', current_step: 2 });

    const second = await cardTo(PRINCIPAL, '全县政务新媒体整合方案');
    const r2 = await click(PRINCIPAL, second.messageId, second.value, '');
    expect(r2.toast.type).toBe('success');
    expect(JSON.stringify(r2.card?.data)).toContain('钱主要');
    expect(review(1).status).toBe('approved');

    const toRequester = await chat.waitSent(LIAISON, ['已审批通过']);
    expect(sentText(toRequester)).toContain('全县政务新媒体整合方案');
    await chat.waitSent(GROUP, ['已审批通过']);
  });

  it("only the assigned approver's click counts, whatever the payload says", async () => {
    await say(LIAISON, '/送审 账号=兴国教育 标题=冬季供暖通知');
    const card = await cardTo(IN_CHARGE, '冬季供暖通知');
    const byRequester = await click(LIAISON, card.messageId, { ...card.value, operator: IN_CHARGE });
    expect(byRequester.card).toBeUndefined();
    const byPrincipal = await click(PRINCIPAL, card.messageId, card.value);
    expect(byPrincipal.toast.content).toContain('不是 R2 当前这一步的审批人');
    expect(byPrincipal.card).toBeUndefined();
    const stepForged = await click(IN_CHARGE, card.messageId, { ...card.value, step: 2 });
    expect(stepForged.card).toBeUndefined();
    expect(review(2)).toEqual({ status: 'pending', current_step: 1 });
  });

  it('two clicks at once yield one decision; a later click is told it was handled', async () => {
    const card = await cardTo(IN_CHARGE, '冬季供暖通知');
    const [a, b] = await Promise.all([
      click(IN_CHARGE, card.messageId, card.value),
      click(IN_CHARGE, card.messageId, card.value),
    ]);
    const decided = [a, b].filter((x) => x.card !== undefined);
    expect(decided).toHaveLength(1);
    expect(review(2).status).toBe('approved');
    const late = await click(IN_CHARGE, card.messageId, { ...card.value, decision: 'reject' }, '晚了');
    expect(late.toast.content).toContain('已同意，不能再审批');
    const d = new Database(dbFile, { readonly: true });
    const decisions = d
      .prepare("select count(*) n from audit_log where subject = 'R2' and action in ('review.approve','review.reject')")
      .get() as { n: number };
    d.close();
    expect(decisions.n).toBe(1);
  });

  it('退回 on the card needs a comment; with one it ends the review', async () => {
    await say(LIAISON, '/送审 账号=兴国教育 标题=待退回的稿件');
    const card = await cardTo(IN_CHARGE, '待退回的稿件');
    const reject = { ...card.value, decision: 'reject' };
    expect((await click(IN_CHARGE, card.messageId, reject)).toast.content).toContain('须在意见框中填写意见');
    expect(review(3).status).toBe('pending');
    const r = await click(IN_CHARGE, card.messageId, reject, '第二段数据请核实');
    expect(JSON.stringify(r.card?.data)).toContain('第二段数据请核实');
    expect(review(3).status).toBe('rejected');
  });

  it("withdraw turns the approver's card into a record through a card update, and a click on it changes nothing", async () => {
    await say(LIAISON, '/送审 账号=兴国教育 标题=要撤回的稿件');
    const card = await cardTo(IN_CHARGE, '要撤回的稿件');
    expect(await say(LIAISON, '/送审 撤回 R4')).toContain('已撤回 R4');
    const patch = await world.fake.waitFor(
      (r) => r.method === 'PATCH' && r.path === `/open-apis/im/v1/messages/${card.messageId}` && r.status === 200,
      15_000,
    );
    expect(JSON.stringify(patch.body)).toContain('已撤回');
    const r = await click(IN_CHARGE, card.messageId, card.value);
    expect(r.toast.content).toContain('已撤回，不能再审批');
    expect(review(4).status).toBe('withdrawn');
  });

  it('the text fallback /审批 同意 decides and patches the card in place', async () => {
    await say(LIAISON, '/送审 账号=兴国教育 标题=文字审批的稿件');
    const card = await cardTo(IN_CHARGE, '文字审批的稿件');
    expect(await say(IN_CHARGE, '/审批 同意 R5 意见=可以', undefined, 'p2p')).toContain('已同意 R5');
    const patch = await world.fake.waitFor(
      (r) => r.method === 'PATCH' && r.path === `/open-apis/im/v1/messages/${card.messageId}` && r.status === 200,
      15_000,
    );
    expect(JSON.stringify(patch.body)).toContain('已同意 R5');
    expect(JSON.stringify(patch.body)).not.toContain('review.decide');
  });
});

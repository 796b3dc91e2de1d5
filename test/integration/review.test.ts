import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardKey } from '../../src/domain/review.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const LIAISON = 'feishu:ou_jy_liaison';
const OFFICER = 'feishu:ou_jy_officer';
const IN_CHARGE = 'feishu:ou_jy_incharge';
const PRINCIPAL = 'feishu:ou_jy_principal';

let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-11-20T10:00:00+08:00' });
  await seedCounty(bot);
  await bot.say(LIAISON, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
});
afterEach(() => bot.close());

function outbox(): {
  target: string;
  target_type: string;
  dedupe_key: string | null;
  update_of: string | null;
  payload: string;
}[] {
  const db = new Database(bot.file, { readonly: true });
  try {
    return db
      .prepare('select target, target_type, dedupe_key, update_of, payload from outbox order by id')
      .all() as ReturnType<typeof outbox>;
  } finally {
    db.close();
  }
}

describe('先审后发: review requests (神木 第十七条, 吉林 二(三))', () => {
  it('/送审 creates R1, runs the pre-checks and sends the approval card to the 分管领导 as a direct message', async () => {
    const out = await bot.say(
      OFFICER,
      '/送审 账号=兴国教育 标题=关于做好冬季供暖工作的通知 链接=https://www.xingguo.gov.cn/a/1.html',
    );
    expect(out).toContain('已送审 R1');
    expect(out).toContain('赵分管（分管领导），已推送审核卡片');
    const card = outbox().find((m) => m.dedupe_key === cardKey(1, 1));
    expect(card).toMatchObject({ target: 'ou_jy_incharge', target_type: 'user' });
    const payload = card!.payload;
    for (const check of ['政治关', '政策关', '法律关', '文字关', '保密关', '舆情关', '安全关'])
      expect(payload).toContain(check); // 兴国 三(三)
    expect(payload).toContain('review.decide');
    expect(payload).toContain('兴国县教育局');
  });

  it('a unit without the needed leader is told at request time, and nothing is created', async () => {
    await bot.say('feishu:ou_wj_liaison', '/备案 开设 平台=微信公众号 名称=兴国卫健 开设日期=2026-11-02');
    const out = await bot.say('feishu:ou_wj_liaison', '/送审 账号=兴国卫健 标题=x 级别=重大');
    expect(out).toContain('尚未登记分管领导');
    expect(out).toContain('/人员 新增');
    expect(await bot.rt.services.store.reviews.byId(1)).toBeNull();
  });

  it('一般: the 分管领导 approves with /审批 同意 (text fallback); the requester and the unit are told; the card is updated', async () => {
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=冬季供暖');
    expect(await bot.say(IN_CHARGE, '/审批')).toContain('R1 「冬季供暖」');
    const r = await bot.send(IN_CHARGE, '/审批 同意 R1 意见=可以发布');
    expect(r.notified.join()).toContain('王信息');
    expect((await bot.rt.services.store.reviews.byId(1))?.status).toBe('approved');
    const update = outbox().find((m) => m.target_type === 'update');
    expect(update).toMatchObject({ update_of: cardKey(1, 1), target: 'ou_jy_incharge' });
    expect(update!.payload).toContain('已同意 R1');
    expect(update!.payload).toContain('可以发布');
    expect(update!.payload).not.toContain('review.decide');
    expect(await bot.say(IN_CHARGE, '/审批 同意 R1')).toContain('已同意，不能再审批');
  });

  it('重大: the 分管领导 first, then the 主要领导; the principal cannot act before the first step is done', async () => {
    await bot.say(LIAISON, '/送审 账号=兴国教育 标题=全县政务新媒体整合方案 级别=重大');
    expect(await bot.say(PRINCIPAL, '/审批 同意 R1')).toContain('不是 R1 当前这一步的审批人');
    expect(await bot.say(IN_CHARGE, '/审批 同意 R1')).toContain('已送主要领导 钱主要 审批');
    expect(outbox().find((m) => m.dedupe_key === cardKey(1, 2))).toMatchObject({ target: 'ou_jy_principal' });
    expect(await bot.rt.services.store.reviews.byId(1)).toMatchObject({ status: 'pending', currentStep: 2 });
    expect(await bot.say(PRINCIPAL, '/审批 同意 R1 意见=同意')).toContain('已同意 R1');
    expect((await bot.rt.services.store.reviews.byId(1))?.status).toBe('approved');
    const steps = await bot.rt.services.store.reviews.steps(1);
    expect(steps.map((s) => [s.step, s.role, s.status])).toEqual([
      [1, 'in_charge', 'approved'],
      [2, 'principal', 'approved'],
    ]);
  });

  it('a 退回 at any step ends it; 退回 needs a comment', async () => {
    await bot.say(LIAISON, '/送审 账号=兴国教育 标题=x 级别=重大');
    expect(await bot.say(IN_CHARGE, '/审批 退回 R1')).toContain('退回须填写意见');
    expect(await bot.say(IN_CHARGE, '/审批 退回 R1 意见=数据请核实')).toContain('已退回 R1');
    expect((await bot.rt.services.store.reviews.byId(1))?.status).toBe('rejected');
    expect(outbox().some((m) => m.dedupe_key === cardKey(1, 2))).toBe(false);
    expect(await bot.say(PRINCIPAL, '/审批 同意 R1')).toContain('已退回，不能再审批');
  });

  it('withdraw: only the requester, only while pending; a withdrawn review cannot be approved and its card is marked', async () => {
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=x');
    expect(await bot.say(LIAISON, '/送审 撤回 R1')).toContain('只有送审人可以撤回');
    expect(await bot.say(OFFICER, '/送审 撤回 R1')).toContain('已撤回 R1');
    expect(await bot.say(IN_CHARGE, '/审批 同意 R1')).toContain('已撤回，不能再审批');
    expect(outbox().find((m) => m.target_type === 'update')?.payload).toContain('已撤回');
    expect(await bot.say(OFFICER, '/送审 撤回 R1')).toContain('不能撤回');
  });

  it("/发布 only after approval, and it counts as the account's post", async () => {
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=冬季供暖');
    expect(await bot.say(OFFICER, '/发布 R1')).toContain('只有审批通过的内容才能发布');
    await bot.say(IN_CHARGE, '/审批 同意 R1');
    expect(await bot.say(OFFICER, '/发布 R1 链接=https://mp.weixin.qq.com/s/abc')).toContain('计入账号更新');
    const posts = await bot.rt.services.store.posts.recent(1, 5);
    expect(posts[0]).toMatchObject({ source: 'review', title: '冬季供暖', url: 'https://mp.weixin.qq.com/s/abc' });
    expect(await bot.say(OFFICER, '/发布 R1')).toContain('已于');
  });

  it('every step is in the audit log', async () => {
    await bot.say(LIAISON, '/送审 账号=兴国教育 标题=x 级别=重大');
    await bot.say(IN_CHARGE, '/审批 同意 R1');
    await bot.say(PRINCIPAL, '/审批 退回 R1 意见=缓发');
    const actions = (await bot.rt.services.store.audit.recent('R1', 10)).map((e) => `${e.actor}:${e.action}`).reverse();
    expect(actions).toEqual(['李联络:review.request', '赵分管:review.approve', '钱主要:review.reject']);
  });

  it('an officer of another unit, a stranger, and a leader who is not the approver change nothing', async () => {
    await bot.say(OFFICER, '/送审 账号=兴国教育 标题=x');
    expect(await bot.say('feishu:ou_wj_liaison', '/送审 撤回 R1')).toContain('只有送审人');
    expect(await bot.say('feishu:ou_nobody', '/审批 同意 R1')).toContain('还没有登记');
    expect(await bot.say(PRINCIPAL, '/审批 同意 R1')).toContain('不是 R1 当前这一步的审批人');
    expect((await bot.rt.services.store.reviews.byId(1))?.status).toBe('pending');
  });
});

describe('pre-checks on the approval card (warn, never block)', () => {
  it('flag injected spam in a government notice, in simplified and traditional script, split by junk, in full-width letters; gov.cn links pass', async () => {
    await bot.say(ADMIN, '/词库 新增 领导 王建国 县长');
    await bot.say(ADMIN, '/词库 新增 禁用词 史上最强');
    const text =
      '为切实做好今冬明春供暖工作，县政府召开专题会议，王建国副县长出席。详情见 https://www.xingguo.gov.cn/art/2026/11/20/1.html 。' +
      '加微信领取补贴，網上賭場日赚千元，博·彩 平台 ｗｗｗ．ｂｅｔ３６５．ｃｏｍ ，史上最强保暖攻略，笔划规范。';
    const out = await bot.say(OFFICER, `/送审 账号=兴国教育 标题=关于做好冬季供暖工作的通知 内容="${text}"`);
    expect(out).toContain('已送审 R1');
    expect(out).toContain('网上赌场'); // traditional script, normalized
    expect(out).toContain('博彩'); // split by a junk character
    expect(out).toContain('bet365'); // full-width letters
    expect(out).toContain('www.bet365.com'); // off the allow-list
    expect(out).not.toContain('www.xingguo.gov.cn」不在白名单');
    expect(out).toContain('笔划'); // 异形词 (文字关)
    expect(out).toContain('王建国'); // leader's title
    expect(out).toContain('史上最强'); // customer list
    const review = await bot.rt.services.store.reviews.byId(1);
    expect(review?.status).toBe('pending');
    expect(review?.findings.length).toBeGreaterThanOrEqual(7);
    expect(outbox().find((m) => m.dedupe_key === cardKey(1, 1))?.payload).toContain('网上赌场');
  });

  it('/词库 is for admins; a bad domain is refused', async () => {
    expect(await bot.say(LIAISON, '/词库 新增 禁用词 x')).toContain('仅限');
    expect(await bot.say(ADMIN, '/词库 新增 域名 not_a_domain')).toContain('域名格式不对');
    expect(await bot.say(ADMIN, '/词库 新增 领导 王建国')).toContain('领导须写职务');
    expect(await bot.say(ADMIN, '/词库 新增 域名 https://mp.weixin.qq.com/s/x')).toContain('mp.weixin.qq.com');
    expect(await bot.say(ADMIN, '/词库')).toContain('白名单域名：mp.weixin.qq.com');
  });
});

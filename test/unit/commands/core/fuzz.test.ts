import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../../../support/runtime.js';

let bot: TestBot;
beforeAll(async () => {
  bot = makeBot();
  await seedCounty(bot);
  await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-11-02');
});
afterAll(() => bot.close());

const words = [
  '/',
  '／',
  '@',
  '=',
  '＝',
  '：',
  '"',
  '“',
  '」',
  '「',
  '　',
  ' ',
  '备案',
  '开设',
  '变更',
  '关停',
  '账号',
  '单位',
  '人员',
  '新增',
  '设置',
  '节假日',
  '帮助',
  '平台',
  '名称',
  '微博',
  '公众号',
  '兴国教育',
  'A1',
  'F1',
  '今天',
  '2026-02-30',
  '11月20日',
  '紧急',
  '@feishu:ou_x',
  '@_user_1',
  '理由',
  '\u0000',
  '\ud800',
  '😀',
  'https://x',
  '999999999999',
];
const commandish = fc
  .array(
    fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(fc.sample(fc.constantFrom('', ' ', '　'), 1)[0]));

describe('any input at all produces a reply and never an exception', () => {
  it('fuzzed commands from every role, in a group or a direct chat: always a reply, never an exception or a stack trace', async () => {
    const callers = [ADMIN, 'feishu:ou_jy_liaison', 'feishu:ou_jy_officer', 'feishu:ou_stranger'] as const;
    await fc.assert(
      fc.asyncProperty(commandish, fc.constantFrom(...callers), fc.boolean(), async (text, who, group) => {
        const line = (group ? '@_user_1 /' : '/') + text;
        const r = await bot.send(who, line, group ? { channel: 'feishu', id: 'oc_fuzz', type: 'group' } : undefined);
        expect(r.duplicate).toBe(false);
        expect(r.reply).not.toBeNull();
        const body = JSON.stringify(r.reply);
        expect(body).not.toMatch(/at .*\.ts:\d+|TypeError|ReferenceError|SqliteError/);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary Unicode in a direct chat is answered with a hint or a reply', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const r = await bot.send('feishu:ou_jy_liaison', text);
        expect(r.reply).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('the register is intact after the fuzzing', async () => {
    const acc = await bot.rt.services.store.accounts.byName('兴国教育');
    expect(acc.length).toBeGreaterThanOrEqual(1);
  });
});

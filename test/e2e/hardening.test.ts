/**
 * Attacks and faults against the real server process and a fake Feishu Open API on 127.0.0.1: each test sends what an
 * attacker or a bad network would, built from Feishu's published algorithm (test/support/feishu), and checks that it
 * has no effect beyond a clear refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';

const ENCRYPT_KEY = 'hardening-encrypt-key-0001';
const BOT = 'ou_bot_hard';
const ADMIN = 'ou_admin_hard';
const GROUP = 'oc_group_hard';
const STRANGER = 'ou_stranger_hard';

let world: FeishuWorld;

beforeAll(async () => {
  world = await startFeishuWorld({ name: 'hardening', admin: ADMIN, bot: BOT, group: GROUP, encryptKey: ENCRYPT_KEY, appSecret: 'sec_hardening' });
  await world.fake.waitFor((r) => r.path === '/open-apis/bot/v3/info', 10_000);
});
afterAll(() => world?.close());

describe('mention injection', () => {
  it('an unregistered member cannot make the bot @ everyone by echoing <at user_id="all">', async () => {
    const reply = await world.chat.say(STRANGER, '/帮助 “<at user_id="all">所有人</at>”');
    expect(reply).not.toMatch(/<\s*at/i);
    const again = await world.chat.say(STRANGER, '/<at user_id="all">所有人</at>');
    expect(again).not.toMatch(/<\s*at/i);
  });

  it('a 90 KB command gets a short reply that Feishu accepts', async () => {
    const reply = await world.chat.say(ADMIN, `/${'备'.repeat(30_000)}`);
    expect(Buffer.byteLength(reply)).toBeLessThan(2_000);
  });
});

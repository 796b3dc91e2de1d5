/** A Feishu "world" for end-to-end tests: a fake Open API, the real server pointed at it, and a chat to talk through. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ServerProcess, startServer } from '../process.js';
import { FeishuChat } from './chat.js';
import { TEST_APP_ID, TEST_VERIFICATION_TOKEN } from './events.js';
import { type FakeFeishu, startFakeFeishu } from './fake-api.js';

export interface FeishuWorld {
  fake: FakeFeishu;
  server: ServerProcess;
  chat: FeishuChat;
  /** the server's environment (also for `npm run cli` against the same database) */
  env: Record<string, string>;
  dbFile: string;
  /** start the server again on the same database (after a kill) */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startFeishuWorld(o: {
  name: string;
  admin: string;
  bot: string;
  group: string;
  encryptKey: string;
  appSecret: string;
  /** more variables for the server */
  env?: Record<string, string>;
}): Promise<FeishuWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `govmedia-${o.name}-`));
  const dbFile = path.join(dir, `${o.name}.sqlite`);
  const fake = await startFakeFeishu({ appId: TEST_APP_ID, appSecret: o.appSecret, botOpenId: o.bot });
  const env = {
    DATABASE_PATH: dbFile,
    ADMINS: `feishu:${o.admin}`,
    FEISHU_APP_ID: TEST_APP_ID,
    FEISHU_APP_SECRET: o.appSecret,
    FEISHU_ENCRYPT_KEY: o.encryptKey,
    FEISHU_VERIFICATION_TOKEN: TEST_VERIFICATION_TOKEN,
    FEISHU_BASE_URL: fake.url,
    ...o.env,
  };
  const server = await startServer(env);
  const world: FeishuWorld = {
    fake,
    server,
    chat: new FeishuChat(server, fake, { encryptKey: o.encryptKey, botOpenId: o.bot, group: o.group }),
    env,
    dbFile,
    async restart() {
      world.server = await startServer(env);
      world.chat = new FeishuChat(world.server, fake, { encryptKey: o.encryptKey, botOpenId: o.bot, group: o.group });
    },
    async close() {
      await world.server.stop();
      await fake.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

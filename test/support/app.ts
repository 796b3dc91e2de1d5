/**
 * The real Hono app with the real channels mounted, on a temporary SQLite file, driven with `app.request(...)` — no
 * port, no spawned process. Outgoing messages are delivered by the real delivery loop to a recording messenger, so a
 * test sees exactly what each channel would have sent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import type { ChannelDeps } from '../../src/channels/channel.js';
import { CHANNELS } from '../../src/channels/index.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { ChannelName, Identity } from '../../src/domain/model.js';
import { createApp } from '../../src/http/app.js';
import { deliverDue } from '../../src/jobs/outbox.js';
import { createRuntime, type Runtime } from '../../src/node-runtime.js';
import { silentLogger } from '../../src/ports/logger.js';
import type { Messenger, SendResult } from '../../src/ports/messenger.js';
import type { OutboxRow } from '../../src/ports/store.js';

/** A Messenger that records what it is asked to send and answers with a made-up platform message id. */
export class RecordingMessenger implements Messenger {
  readonly sent: OutboxRow[] = [];
  async send(row: OutboxRow): Promise<SendResult> {
    this.sent.push(row);
    return { platformMessageId: `msg_${this.sent.length}` };
  }
}

export interface TestApp {
  app: Hono;
  rt: Runtime;
  messengers: Partial<Record<ChannelName, RecordingMessenger>>;
  setNow(iso: string): void;
  /** run the delivery loop once, as the server would after answering */
  deliver(): Promise<void>;
  close(): void;
}

export function makeApp(opts: { env: Record<string, string>; admins: Identity[]; now?: string }): TestApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-app-'));
  let clock = fixedClock(opts.now ?? '2026-11-22T10:00:00+08:00');
  const configured = CHANNELS.flatMap((channel) => {
    const s = channel.configure(opts.env);
    return 'on' in s ? [{ channel, config: s.on }] : [];
  });
  const open = configured.map(({ channel, config }) => channel.open(config, { log: silentLogger }));
  const messengers: TestApp['messengers'] = {};
  for (const c of open) if (c.messenger) messengers[c.name] = new RecordingMessenger();
  const rt = createRuntime({
    databasePath: path.join(dir, 'app.sqlite'),
    admins: opts.admins,
    clock: { now: () => clock.now() },
    deliveryChannels: Object.keys(messengers) as ChannelName[],
  });
  const deps: ChannelDeps = { core: rt.core, log: silentLogger, kick: () => {} };
  const app = createApp({
    log: silentLogger,
    health: async () => ({ ok: true, db: 'ok', channels: {} }),
    mount: (a) => {
      for (const c of open) c.mount?.(a, deps);
    },
  });
  return {
    app,
    rt,
    messengers,
    setNow(iso) {
      clock = fixedClock(iso);
    },
    async deliver() {
      await deliverDue({ store: rt.services.store, clock: rt.services.clock, log: silentLogger, messengers });
    },
    close() {
      rt.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

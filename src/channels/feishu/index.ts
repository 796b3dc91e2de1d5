/**
 * The Feishu channel: its settings, its outbound client and its webhook routes, as one entry of the channel list. The
 * outbound client (and with it the Feishu SDK, a second of loading) is imported on first use, so a process with Feishu
 * off — the console, the CLI's other tools — never loads it.
 */
import type { AttachmentSource } from '../../ports/attachments.js';
import type { Messenger } from '../../ports/messenger.js';
import { defineChannel } from '../channel.js';
import type { FeishuMessenger } from './client.js';
import { FEISHU_VARIABLES, type FeishuConfig, feishuSettings } from './config.js';
import { mountFeishu } from './routes.js';
import { FeishuVerifier } from './verify.js';

declare module '../../domain/model.js' {
  interface ChannelNames {
    feishu: true;
  }
}

export const feishuChannel = defineChannel<FeishuConfig>({
  name: 'feishu',
  label: '飞书',
  variables: FEISHU_VARIABLES,
  configure: feishuSettings,
  open(config, { log }) {
    let client: FeishuMessenger | null = null;
    let loading: Promise<FeishuMessenger> | null = null;
    const real = (): Promise<FeishuMessenger> =>
      (loading ??= import('./client.js').then(({ FeishuMessenger }) => (client = new FeishuMessenger(config, log))));
    const messenger: Messenger = { send: async (row, opts) => (await real()).send(row, opts) };
    const attachments: AttachmentSource = { fetch: async (...a) => (await real()).fetch(...a) };
    return {
      name: 'feishu',
      messenger,
      attachments,
      mount(app, deps) {
        mountFeishu(app, { ...deps, verifier: new FeishuVerifier(config), botOpenId: () => client?.botId ?? null });
      },
      async start(deps) {
        const id = await (await real()).loadBotIdentity();
        deps.log.info({ botOpenId: id }, 'feishu channel on');
      },
    };
  },
});

/** The Feishu channel: its settings, its outbound client and its webhook routes, as one entry of the channel list. */
import { defineChannel } from '../channel.js';
import { FeishuMessenger } from './client.js';
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
    const messenger = new FeishuMessenger(config, log);
    return {
      name: 'feishu',
      messenger,
      mount(app, deps) {
        mountFeishu(app, { ...deps, verifier: new FeishuVerifier(config), botOpenId: () => messenger.botId });
      },
      async start(deps) {
        const id = await messenger.loadBotIdentity();
        deps.log.info({ botOpenId: id }, 'feishu channel on');
      },
    };
  },
});

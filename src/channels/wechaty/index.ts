/**
 * The WeChat channel through Wechaty, as one entry of the channel list. Opening it costs nothing: the `wechaty`
 * package is loaded by start(), with a dynamic import, only when WECHATY_PUPPET is set. Until the bot has started and
 * logged in, messages for WeChat wait in the outbox.
 */
import { DeliveryError, type Messenger } from '../../ports/messenger.js';
import { defineChannel } from '../channel.js';
import type { WechatyChannel } from './channel.js';
import { WECHATY_VARIABLES, type WechatyConfig, wechatySettings } from './config.js';

declare module '../../domain/model.js' {
  interface ChannelNames {
    wechaty: true;
  }
}

export const wechatyChannel = defineChannel<WechatyConfig>({
  name: 'wechaty',
  label: '微信',
  variables: WECHATY_VARIABLES,
  configure: wechatySettings,
  open(config) {
    let running: WechatyChannel | null = null;
    const messenger: Messenger = {
      send(row, opts) {
        if (!running) return Promise.reject(new DeliveryError('微信机器人尚未启动', 'offline', config.offlineRetryMs));
        return running.messenger.send(row, opts);
      },
    };
    return {
      name: 'wechaty',
      messenger,
      async start(deps) {
        const { startWechatyChannel } = await import('./channel.js');
        running = await startWechatyChannel({ config, core: deps.core, log: deps.log, kick: deps.kick });
        deps.log.info({ puppet: config.puppet }, 'wechaty channel started; waiting for login');
      },
      async stop() {
        await running?.stop();
      },
      health() {
        return { ...(running?.health() ?? { login: 'starting', user: null, since: null }) };
      },
    };
  },
});

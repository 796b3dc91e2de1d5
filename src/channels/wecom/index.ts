/**
 * The WeCom channel (企业微信 / 政务微信): the self-built app (direct chats, approval template cards) and the AI bot
 * with group push webhooks (groups), as one entry of the channel list. Settings: src/channels/wecom/config.ts.
 */
import { ChannelConfigError, defineChannel } from '../channel.js';
import { mountWecomBot } from './bot.js';
import { WecomMessenger } from './client.js';
import { parseWecomConfig, WECOM_VARIABLES, type WecomConfig, WecomConfigError } from './config.js';
import { mountWecom } from './routes.js';

declare module '../../domain/model.js' {
  interface ChannelNames {
    wecom: true;
  }
}

export const wecomChannel = defineChannel<WecomConfig>({
  name: 'wecom',
  label: '企业微信',
  variables: WECOM_VARIABLES,
  configure(env) {
    try {
      const config = parseWecomConfig(env);
      return config ? { on: config } : { off: 'WECOM_CORP_ID / WECOM_BOT_TOKEN not set' };
    } catch (e) {
      if (e instanceof WecomConfigError) throw new ChannelConfigError(e.problems);
      throw e;
    }
  },
  pushHost: (config) => new URL(config.baseUrl).host,
  open(config, { log, core }) {
    const state = core?.channelState;
    if (!core || !state) throw new Error('the WeCom channel needs the core with its channel state (the database)');
    const { store } = core.services;
    const messenger = new WecomMessenger(config, state, log, {
      async webhookFor(chatId) {
        const unit = await store.units.byChat('wecom', chatId);
        if (!unit) return null;
        const chat = (await store.units.chats(unit.id)).find((c) => c.channel === 'wecom' && c.chatId === chatId);
        return chat?.pushUrl ? { url: chat.pushUrl, unitName: unit.name } : null;
      },
    });
    const apiHost = new URL(config.baseUrl).host;
    let purge: ReturnType<typeof setInterval> | null = null;
    return {
      name: 'wecom',
      messenger,
      mount(app, deps) {
        if (config.app) mountWecom(app, { ...deps, config, state });
        if (config.bot) mountWecomBot(app, { ...deps, bot: config.bot, state, apiHost });
      },
      async start(deps) {
        deps.log.info(
          { app: Boolean(config.app), bot: Boolean(config.bot), baseUrl: config.baseUrl },
          'wecom channel on',
        );
        // expired tokens, card codes and reply addresses are forgotten hourly
        purge = setInterval(() => {
          state
            .purgeExpired(new Date())
            .catch((e: unknown) => deps.log.error({ err: e }, 'channel state purge failed'));
        }, 3_600_000);
        (purge as { unref?: () => void }).unref?.();
      },
      async stop() {
        if (purge) clearInterval(purge);
      },
    };
  },
});

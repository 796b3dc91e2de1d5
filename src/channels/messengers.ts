/** The outbound clients of the channels that are configured, keyed by channel, for the delivery loop. */
import type { Config } from '../config.js';
import type { ChannelName } from '../domain/model.js';
import type { Logger } from '../ports/logger.js';
import type { Messenger } from '../ports/messenger.js';
import type { ChannelState } from '../ports/channel-state.js';
import type { Store } from '../ports/store.js';
import { FeishuMessenger } from './feishu/client.js';
import { WecomMessenger } from './wecom/client.js';

export interface Channels {
  messengers: Partial<Record<ChannelName, Messenger>>;
  feishu: FeishuMessenger | null;
  wecom: WecomMessenger | null;
}

/** The channels that can deliver, in order of preference. */
export function deliveryChannelsOf(config: Config): ChannelName[] {
  return [...(config.feishu ? (['feishu'] as const) : []), ...(config.wecom ? (['wecom'] as const) : [])];
}

/** The host a WeCom group push webhook must be on: that of WECOM_BASE_URL. */
export function wecomHostOf(config: Config): string | undefined {
  return config.wecom ? new URL(config.wecom.baseUrl).host : undefined;
}

/** `wecom` needs the channel state (token, card codes) and the store (a bound group's push webhook). */
export function createChannels(
  config: Config,
  log: Logger,
  wecomDeps?: { state: ChannelState; store: Store },
): Channels {
  const feishu = config.feishu ? new FeishuMessenger(config.feishu, log) : null;
  const wecom =
    config.wecom && wecomDeps
      ? new WecomMessenger(config.wecom, wecomDeps.state, log, {
          async webhookFor(chatId) {
            const unit = await wecomDeps.store.units.byChat('wecom', chatId);
            const chat = unit
              ? (await wecomDeps.store.units.chats(unit.id)).find((c) => c.channel === 'wecom' && c.chatId === chatId)
              : undefined;
            return unit && chat?.pushUrl ? { url: chat.pushUrl, unitName: unit.name } : null;
          },
        })
      : null;
  const messengers: Channels['messengers'] = {};
  if (feishu) messengers.feishu = feishu;
  if (wecom) messengers.wecom = wecom;
  return { messengers, feishu, wecom };
}

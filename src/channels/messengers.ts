/** The outbound clients of the channels that are configured, keyed by channel, for the delivery loop. */
import type { Config } from '../config.js';
import type { ChannelName } from '../domain/model.js';
import type { Logger } from '../ports/logger.js';
import type { Messenger } from '../ports/messenger.js';
import type { ChannelState } from '../ports/channel-state.js';
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

export function createChannels(config: Config, log: Logger, state?: ChannelState): Channels {
  const feishu = config.feishu ? new FeishuMessenger(config.feishu, log) : null;
  const wecom = config.wecom && state ? new WecomMessenger(config.wecom, state, log) : null;
  const messengers: Channels['messengers'] = {};
  if (feishu) messengers.feishu = feishu;
  if (wecom) messengers.wecom = wecom;
  return { messengers, feishu, wecom };
}

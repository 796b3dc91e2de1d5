/** The outbound clients of the channels that are configured, keyed by channel, for the delivery loop. */
import type { Config } from '../config.js';
import type { ChannelName } from '../domain/model.js';
import type { Logger } from '../ports/logger.js';
import type { Messenger } from '../ports/messenger.js';
import { FeishuMessenger } from './feishu/client.js';

export interface Channels {
  messengers: Partial<Record<ChannelName, Messenger>>;
  feishu: FeishuMessenger | null;
}

export function createChannels(config: Config, log: Logger): Channels {
  const feishu = config.feishu ? new FeishuMessenger(config.feishu, log) : null;
  return { messengers: feishu ? { feishu } : {}, feishu };
}

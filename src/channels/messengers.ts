/** The outbound clients of the channels that are configured, keyed by channel, for the delivery loop. */
import type { Config } from '../config.js';
import type { ChannelName } from '../domain/model.js';
import type { Logger } from '../ports/logger.js';
import type { Messenger } from '../ports/messenger.js';

export function createMessengers(config: Config, log: Logger): Partial<Record<ChannelName, Messenger>> {
  const out: Partial<Record<ChannelName, Messenger>> = {};
  void config;
  void log;
  return out;
}

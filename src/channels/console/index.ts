/** The console channel: the chat commands at a terminal (`npm run cli -- console`); replies are printed, not sent. */
import { defineChannel } from '../channel.js';

declare module '../../domain/model.js' {
  interface ChannelNames {
    console: true;
  }
}

export const consoleChannel = defineChannel<Record<string, never>>({
  name: 'console',
  label: '控制台',
  variables: [],
  configure: () => ({ on: {} }),
  open: () => ({ name: 'console' }),
});

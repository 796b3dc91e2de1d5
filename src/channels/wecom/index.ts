/** The WeCom channel's place in the channel list. Its callbacks and client are not built yet: it is always off. */
import { defineChannel } from '../channel.js';

declare module '../../domain/model.js' {
  interface ChannelNames {
    wecom: true;
  }
}

export const wecomChannel = defineChannel<never>({
  name: 'wecom',
  label: '企业微信',
  variables: [
    'WECOM_CORP_ID',
    'WECOM_AGENT_ID',
    'WECOM_SECRET',
    'WECOM_TOKEN',
    'WECOM_ENCODING_AES_KEY',
    'WECOM_BASE_URL',
  ],
  configure: () => ({ off: 'the WeCom channel is not built yet' }),
  open: () => {
    throw new Error('the WeCom channel is not built yet');
  },
});

/** The closed list of platforms a government new-media account can be on (微信公众号, 微博, 抖音, 头条号, 视频号, 快手, 小红书, B站, 移动客户端, 小程序), with common aliases. */
export const PLATFORMS = [
  {
    code: 'wechat_mp',
    name: '微信公众号',
    aliases: ['公众号', '微信', '微信号', '服务号', '订阅号', 'wechat', 'weixin'],
  },
  { code: 'weibo', name: '微博', aliases: ['新浪微博', '微博号', 'weibo'] },
  { code: 'douyin', name: '抖音', aliases: ['抖音号', 'douyin'] },
  { code: 'toutiao', name: '头条号', aliases: ['今日头条', '头条', 'toutiao'] },
  { code: 'channels', name: '视频号', aliases: ['微信视频号', 'channels'] },
  { code: 'kuaishou', name: '快手', aliases: ['快手号', 'kuaishou'] },
  { code: 'xiaohongshu', name: '小红书', aliases: ['小红书号', 'xiaohongshu', 'xhs'] },
  { code: 'bilibili', name: 'B站', aliases: ['哔哩哔哩', 'bilibili'] },
  { code: 'app', name: '移动客户端', aliases: ['客户端', 'app', '移动端'] },
  { code: 'miniapp', name: '小程序', aliases: ['微信小程序', 'miniapp', 'mini-program'] },
] as const;

export type PlatformCode = (typeof PLATFORMS)[number]['code'];

const byKey = new Map<string, PlatformCode>();
for (const p of PLATFORMS) {
  for (const k of [p.code, p.name, ...p.aliases]) byKey.set(k.toLowerCase(), p.code);
}

/** Resolve a platform by its Chinese name, alias or code; null when it is not on the list. */
export function findPlatform(input: string): PlatformCode | null {
  return byKey.get(input.trim().toLowerCase()) ?? null;
}

export function platformName(code: string): string {
  return PLATFORMS.find((p) => p.code === code)?.name ?? code;
}

export const PLATFORM_NAMES: readonly string[] = PLATFORMS.map((p) => p.name);

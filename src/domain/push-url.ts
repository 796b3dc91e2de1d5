/**
 * A WeCom group's push webhook address (消息推送, `…/cgi-bin/webhook/send?key=…`). It must be on the WeCom API host
 * (so it cannot point the server anywhere else), and its key is a secret: shown masked except to admins in a direct
 * chat.
 */
export type PushUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

/** `host`: the WeCom API host of this deployment (the channel's pushHost). */
export function checkPushUrl(raw: string, host: string): PushUrlCheck {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, problem: '「推送地址」不是网址：请复制群机器人（消息推送）的 Webhook 地址' };
  }
  const key = u.searchParams.get('key') ?? '';
  const allowedProtocol =
    u.protocol === 'https:' || (u.protocol === 'http:' && /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host));
  if (
    !allowedProtocol ||
    u.host !== host ||
    u.pathname !== '/cgi-bin/webhook/send' ||
    u.username ||
    u.password ||
    u.hash
  ) {
    return {
      ok: false,
      problem: `「推送地址」须是 https://${host}/cgi-bin/webhook/send?key=… 形式的企业微信群推送地址`,
    };
  }
  if (!/^[A-Za-z0-9-]{8,64}$/.test(key) || [...u.searchParams.keys()].some((k) => k !== 'key')) {
    return { ok: false, problem: '「推送地址」的 key 不对：请完整复制群推送地址' };
  }
  return { ok: true, url: `${u.protocol}//${u.host}${u.pathname}?key=${key}` };
}

/** The address with its key masked: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****1c2d`. */
export function maskPushUrl(url: string): string {
  return url.replace(
    /([?&]key=)([A-Za-z0-9-]+)/,
    (_, p: string, k: string) => `${p}${k.length > 8 ? `${k.slice(0, 4)}****${k.slice(-4)}` : '****'}`,
  );
}

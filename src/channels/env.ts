/** Small readers every channel's settings use: a trimmed optional value and an http(s) base URL. */
import { ChannelConfigError } from './channel.js';

export const optional = (s: string | undefined): string | undefined =>
  s === undefined || s.trim() === '' ? undefined : s.trim();

export function baseUrl(name: string, raw: string | undefined, fallback: string): string {
  const v = (optional(raw) ?? fallback).replace(/\/+$/, '');
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ChannelConfigError([`${name}: not an http(s) URL: ${v}`]);
  }
  return v;
}

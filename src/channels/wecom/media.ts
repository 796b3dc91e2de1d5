/**
 * Files and images in WeCom messages (上传临时素材): the self-built app uploads with its access token
 * (POST cgi-bin/media/upload?type=file|image, form field `media`), a group push webhook with its key
 * (POST cgi-bin/webhook/upload_media?key=…&type=file); both answer a media_id good for three days, which a
 * `file` / `image` message then names. A push webhook sends an image inline instead (base64 and its md5, at most 2 MB).
 */
import { createHash } from 'node:crypto';
import type { FileBlock } from '../../domain/reply.js';
import { DeliveryError } from '../../ports/messenger.js';

/** WeCom's limits: images 10 MB (JPG/PNG) through the app, 2 MB inline through a push webhook; files 20 MB; all > 5 bytes. */
export const MAX_APP_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_WEBHOOK_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MIN_BYTES = 6;

const UPLOAD_TIMEOUT_MS = 60_000;

/** How a stored file goes out: an image where WeCom takes it, else a file. */
export function mediaKind(b: FileBlock, mime: string, bytes: number, maxImage: number): 'image' | 'file' {
  return b.type === 'image' && /^image\/(png|jpe?g)$/.test(mime) && bytes <= maxImage ? 'image' : 'file';
}

export function checkSize(name: string, bytes: Uint8Array): void {
  if (bytes.length < MIN_BYTES || bytes.length > MAX_FILE_BYTES)
    throw new DeliveryError(
      `文件「${name}」大小 ${bytes.length} 字节，企业微信只收 6 字节至 20 MB 的文件`,
      'permanent',
    );
}

export interface UploadAnswer {
  errcode?: number;
  errmsg?: string;
  media_id?: string;
}

/** POST the bytes as multipart/form-data (field `media`, with its file name); WeCom's answer (errcode, media_id). */
export async function uploadMedia(url: string, name: string, mime: string, bytes: Uint8Array): Promise<UploadAnswer> {
  const form = new FormData();
  form.set('media', new Blob([new Uint8Array(bytes)], { type: mime }), name);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
  } catch (e) {
    throw new DeliveryError(`network: media upload ${e instanceof Error ? e.message : String(e)}`, 'retry');
  }
  if (res.status >= 500 || res.status === 429) throw new DeliveryError(`media upload HTTP ${res.status}`, 'retry');
  if (!res.ok) throw new DeliveryError(`media upload HTTP ${res.status}`, 'permanent');
  try {
    return (await res.json()) as UploadAnswer;
  } catch {
    throw new DeliveryError('media upload: the answer is not JSON', 'retry');
  }
}

/** A push webhook's inline image message. */
export function inlineImage(bytes: Uint8Array): Record<string, unknown> {
  return {
    msgtype: 'image',
    image: {
      base64: Buffer.from(bytes).toString('base64'),
      md5: createHash('md5').update(bytes).digest('hex'),
    },
  };
}

/** The upload address of a push webhook: same host, `webhook/upload_media` with its key. */
export function webhookUploadUrl(webhookUrl: string): string {
  const u = new URL(webhookUrl);
  const key = u.searchParams.get('key') ?? '';
  return `${u.origin}/cgi-bin/webhook/upload_media?key=${encodeURIComponent(key)}&type=file`;
}

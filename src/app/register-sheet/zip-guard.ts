/**
 * An .xlsx is a zip. Before a spreadsheet library sees a file someone sent, check the zip itself: its central
 * directory is sound, no entry is encrypted or ZIP64, there are not too many entries, and every entry really inflates
 * to no more than it declares and to no more than the limits in total (a "zip bomb" declares small sizes and inflates
 * to gigabytes). Each entry is inflated here with a hard output cap, so a lying header cannot get past.
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  maxEntries: number;
  /** total inflated size of all entries */
  maxTotalBytes: number;
  /** inflated size of one entry */
  maxEntryBytes: number;
}

export const XLSX_ZIP_LIMITS: ZipLimits = {
  maxEntries: 400,
  maxTotalBytes: 60 * 1024 * 1024,
  maxEntryBytes: 40 * 1024 * 1024,
};

/** The file is not a sound zip, or is over the limits. `message` is short Chinese for the user. */
export class ZipGuardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipGuardError';
  }
}

const EOCD = 0x06054b50;
const CDH = 0x02014b50;
const LFH = 0x04034b50;

/** Check `buf` as a zip within `limits`; returns the entry names. Throws ZipGuardError. */
export function checkZip(buf: Uint8Array, limits: ZipLimits = XLSX_ZIP_LIMITS): string[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const bad = (why: string): never => {
    throw new ZipGuardError(why);
  };
  if (b.length < 22 || b.readUInt32LE(0) !== LFH)
    bad('文件不是 .xlsx 格式（若是旧版 .xls，请在 Excel/WPS 中另存为 .xlsx 后再发送）');
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('文件已损坏（不完整的 .xlsx），请重新保存后再发送');
  const count = b.readUInt16LE(eocd + 10);
  const cdSize = b.readUInt32LE(eocd + 12);
  const cdOffset = b.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) bad('文件过大或格式不受支持（ZIP64）');
  if (count > limits.maxEntries) bad(`文件内部条目过多（${count} 个），不像正常的台账表格`);
  if (cdOffset + cdSize > eocd) bad('文件已损坏（目录越界），请重新保存后再发送');
  const names: string[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== CDH) bad('文件已损坏（目录不完整），请重新保存后再发送');
    const flags = b.readUInt16LE(p + 8);
    const method = b.readUInt16LE(p + 10);
    const compressed = b.readUInt32LE(p + 20);
    const declared = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    const name = b.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) bad('文件已加密（设置了打开密码），请取消密码后再发送');
    if (compressed === 0xffffffff || declared === 0xffffffff || local === 0xffffffff)
      bad('文件过大或格式不受支持（ZIP64）');
    if (declared > limits.maxEntryBytes || total + declared > limits.maxTotalBytes)
      bad('文件解压后过大，不像正常的台账表格');
    if (local + 30 > b.length || b.readUInt32LE(local) !== LFH) bad('文件已损坏（条目位置不对），请重新保存后再发送');
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    if (start + compressed > b.length) bad('文件已损坏（条目不完整），请重新保存后再发送');
    const data = b.subarray(start, start + compressed);
    let size: number;
    if (method === 0) size = compressed;
    else if (method === 8) {
      try {
        size = inflateRawSync(data, {
          maxOutputLength: Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total) + 1,
        }).length;
      } catch (e) {
        if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          bad('文件解压后过大，不像正常的台账表格');
        bad('文件已损坏（无法解压），请重新保存后再发送');
      }
    } else bad('文件使用了不支持的压缩方式，请用 Excel 或 WPS 另存为 .xlsx 后再发送');
    if (size! !== declared) bad('文件已损坏（条目大小不符），请重新保存后再发送');
    total += size!;
    if (total > limits.maxTotalBytes) bad('文件解压后过大，不像正常的台账表格');
    names.push(name);
  }
  if (!names.includes('[Content_Types].xml') || !names.some((x) => x.startsWith('xl/')))
    bad('文件不是 Excel 表格（.xlsx）');
  return names;
}

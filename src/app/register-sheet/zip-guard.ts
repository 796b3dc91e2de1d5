/**
 * An .xlsx is a zip. Before a spreadsheet library sees a file someone sent, check the zip itself: its central
 * directory is sound, no entry is encrypted or ZIP64, there are not too many entries, and every entry really inflates
 * to no more than it declares and to no more than the limits in total (a "zip bomb" declares small sizes and inflates
 * to gigabytes). Each entry is inflated here (the Web-standard DecompressionStream) and abandoned as soon as it passes
 * its cap, so a lying header cannot get past.
 */
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

class TooLarge extends Error {}

/** Inflate raw-deflate `data`, counting bytes; throws TooLarge past `cap`, any other error when the data is corrupt. */
async function inflatedSize(data: Uint8Array, cap: number): Promise<number> {
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  writer.write(new Uint8Array(data)).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw new TooLarge();
    }
  }
}

/** Check `buf` as a zip within `limits`; returns the entry names. Throws ZipGuardError. */
export async function checkZip(buf: Uint8Array, limits: ZipLimits = XLSX_ZIP_LIMITS): Promise<string[]> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u32 = (at: number): number => v.getUint32(at, true);
  const u16 = (at: number): number => v.getUint16(at, true);
  const bad = (why: string): never => {
    throw new ZipGuardError(why);
  };
  if (buf.byteLength < 22 || u32(0) !== LFH)
    bad('文件不是 .xlsx 格式（若是旧版 .xls，请在 Excel/WPS 中另存为 .xlsx 后再发送）');
  let eocd = -1;
  for (let i = buf.byteLength - 22; i >= Math.max(0, buf.byteLength - 22 - 0xffff); i--) {
    if (u32(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('文件已损坏（不完整的 .xlsx），请重新保存后再发送');
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) bad('文件过大或格式不受支持（ZIP64）');
  if (count > limits.maxEntries) bad(`文件内部条目过多（${count} 个），不像正常的台账表格`);
  if (cdOffset + cdSize > eocd) bad('文件已损坏（目录越界），请重新保存后再发送');
  const decoder = new TextDecoder();
  const names: string[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || u32(p) !== CDH) bad('文件已损坏（目录不完整），请重新保存后再发送');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const compressed = u32(p + 20);
    const declared = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    const local = u32(p + 42);
    if (p + 46 + nameLen > eocd) bad('文件已损坏（目录不完整），请重新保存后再发送');
    const name = decoder.decode(buf.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) bad('文件已加密（设置了打开密码），请取消密码后再发送');
    if (compressed === 0xffffffff || declared === 0xffffffff || local === 0xffffffff)
      bad('文件过大或格式不受支持（ZIP64）');
    if (declared > limits.maxEntryBytes || total + declared > limits.maxTotalBytes)
      bad('文件解压后过大，不像正常的台账表格');
    if (local + 30 > buf.byteLength || u32(local) !== LFH) bad('文件已损坏（条目位置不对），请重新保存后再发送');
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + compressed > buf.byteLength) bad('文件已损坏（条目不完整），请重新保存后再发送');
    let size = 0;
    if (method === 0) size = compressed;
    else if (method === 8) {
      try {
        size = await inflatedSize(
          buf.subarray(start, start + compressed),
          Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total),
        );
      } catch (e) {
        if (e instanceof TooLarge) bad('文件解压后过大，不像正常的台账表格');
        bad('文件已损坏（无法解压），请重新保存后再发送');
      }
    } else bad('文件使用了不支持的压缩方式，请用 Excel 或 WPS 另存为 .xlsx 后再发送');
    if (size !== declared) bad('文件已损坏（条目大小不符），请重新保存后再发送');
    total += size;
    names.push(name);
  }
  if (!names.includes('[Content_Types].xml') || !names.some((x) => x.startsWith('xl/')))
    bad('文件不是 Excel 表格（.xlsx）');
  return names;
}

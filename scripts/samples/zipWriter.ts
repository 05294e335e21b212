// A tiny ZIP writer for tests and the zipped samples: stored and deflate entries, and the knobs to craft bad ones
// (lying sizes, encryption flag, symlink mode, mismatched local names, backslash names).
// Deliberately independent of src/evidence/archive.ts so the reader is tested against bytes
// it did not produce.

import zlib from "node:zlib";

export interface TestZipEntry {
  /** Stored name (string → UTF-8 bytes). */
  name: string | Uint8Array;
  data?: Uint8Array | string;
  /** 0 stored, 8 deflate (default 8). */
  method?: number;
  /** Extra general-purpose flags OR-ed in (bit 0 encrypted, bit 11 UTF-8, ...). */
  flags?: number;
  /** External attributes (high 16 bits: unix mode). */
  externalAttributes?: number;
  /** "version made by" host byte (3 = unix). */
  host?: number;
  /** Overrides of what the headers declare. */
  declaredUncompressed?: number;
  declaredCompressed?: number;
  crc?: number;
  /** Name written in the local header (default: same as central). */
  localName?: string;
  /** Pre-compressed data (e.g. a crafted deflate stream); the method stays as given. */
  rawCompressed?: Uint8Array;
}

const enc = new TextEncoder();

function bytesOf(v: Uint8Array | string | undefined): Uint8Array {
  if (v === undefined) return new Uint8Array(0);
  return typeof v === "string" ? enc.encode(v) : v;
}

export interface BuildOptions {
  comment?: string;
  /** Write ZIP64 records (0xFFFFFFFF in the classic fields, sizes and offsets in extra field 0x0001, ZIP64 end records). */
  zip64?: boolean;
  /** Bytes before the archive whose offsets do not account for them (a self-extractor stub). */
  prefix?: Uint8Array;
}

export function buildZip(entries: TestZipEntry[], options: BuildOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === "string" ? Buffer.from(e.name, "utf8") : Buffer.from(e.name);
    const localName = e.localName !== undefined ? Buffer.from(e.localName, "utf8") : name;
    const data = bytesOf(e.data);
    const method = e.method ?? 8;
    const compressed = e.rawCompressed ?? (method === 8 ? zlib.deflateRawSync(data) : Buffer.from(data));
    const crc = e.crc ?? zlib.crc32(data);
    const usize = e.declaredUncompressed ?? data.length;
    const csize = e.declaredCompressed ?? compressed.length;
    const flags = e.flags ?? 0;
    const z64 = options.zip64 === true;
    const localExtra = z64 ? zip64Extra([usize, csize]) : Buffer.alloc(0);
    const centralExtra = z64 ? zip64Extra([usize, csize, offset]) : Buffer.alloc(0);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(z64 ? 0xffffffff : csize >>> 0, 18);
    local.writeUInt32LE(z64 ? 0xffffffff : usize >>> 0, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    locals.push(local, localName, localExtra, Buffer.from(compressed));

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt8(20, 4);
    central.writeUInt8(e.host ?? 0, 5);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(z64 ? 0xffffffff : csize >>> 0, 20);
    central.writeUInt32LE(z64 ? 0xffffffff : usize >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE((e.externalAttributes ?? 0) >>> 0, 38);
    central.writeUInt32LE(z64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, centralExtra);

    offset += 30 + localName.length + localExtra.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? "", "utf8");
  const tail: Buffer[] = [];
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(options.zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([Buffer.from(options.prefix ?? new Uint8Array(0)), ...locals, cd, ...tail, eocd, comment]);
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

/** Unix mode in the high 16 bits of the external attributes. */
export const unixMode = (mode: number): number => (mode << 16) >>> 0;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;

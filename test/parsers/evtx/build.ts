// A tiny EVTX byte builder for hand-made test cases (formats.md §1.9): one chunk at a time, names
// always inline, CRCs computed, damage patched in afterwards by the tests.

import { crc32 } from "node:zlib";

export function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 65599) + s.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

/** Writes BinXml and records into one 64 KiB chunk; offsets are chunk-relative. */
export class ChunkBuilder {
  readonly buf = new Uint8Array(65536);
  pos = 512;
  firstId = 0;
  lastId = 0;
  lastRecord = 0;

  u8(v: number): this {
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(Math.floor(v / 65536));
  }
  u64(v: number | bigint): this {
    const b = BigInt(v);
    return this.u32(Number(b & 0xffffffffn)).u32(Number(b >> 32n));
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.u8(bytes[i]);
    return this;
  }
  utf16(s: string): this {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
    return this;
  }
  patch32(at: number, v: number): void {
    const save = this.pos;
    this.pos = at;
    this.u32(v);
    this.pos = save;
  }

  /** A name stored inline: offset pointing right behind itself, then the name structure. */
  name(s: string): this {
    this.u32(this.pos + 4);
    return this.u32(0).u16(nameHash(s)).u16(s.length).utf16(s).u16(0);
  }

  fragmentHeader(): this {
    return this.raw([0x0f, 0x01, 0x01, 0x00]);
  }

  /**
   * An element: `open` writes attributes (via attr), `content` its content; null content → `/>`.
   * Inside template definitions elements carry a dependency id.
   */
  element(name: string, opts: { inTemplate?: boolean; attrs?: () => void; content?: (() => void) | null } = {}): this {
    const hasAttrs = opts.attrs !== undefined;
    this.u8(hasAttrs ? 0x41 : 0x01);
    if (opts.inTemplate) this.u16(0xffff);
    const sizeAt = this.pos;
    this.u32(0);
    this.name(name);
    if (hasAttrs) {
      const listAt = this.pos;
      this.u32(0);
      opts.attrs?.();
      this.patch32(listAt, this.pos - listAt - 4);
    }
    if (opts.content === undefined || opts.content === null) {
      this.u8(0x03);
    } else {
      this.u8(0x02);
      opts.content();
      this.u8(0x04);
    }
    this.patch32(sizeAt, this.pos - sizeAt - 4);
    return this;
  }

  /** One attribute; `last` marks the end of the list (0x06 instead of 0x46). */
  attr(name: string, value: () => void, last = true): this {
    this.u8(last ? 0x06 : 0x46);
    this.name(name);
    value();
    return this;
  }

  text(s: string, more = false): this {
    return this.u8(more ? 0x45 : 0x05).u8(0x01).u16(s.length).utf16(s);
  }
  entity(name: string): this {
    return this.u8(0x09).name(name);
  }
  charRef(code: number): this {
    return this.u8(0x08).u16(code);
  }
  cdata(s: string): this {
    return this.u8(0x07).u16(s.length).utf16(s);
  }
  subst(index: number, type: number, optional = false): this {
    return this.u8(optional ? 0x0e : 0x0d).u16(index).u8(type);
  }

  /**
   * A template instance with the definition inline (written by `definition`) or referenced at
   * `ref`, and its values. Returns the definition's chunk offset.
   */
  instance(opts: { guid: number[]; definition?: () => void; ref?: number; values: { type: number; bytes: number[] }[]; id?: number }): number {
    const data1 = opts.guid[0] | (opts.guid[1] << 8) | (opts.guid[2] << 16) | (opts.guid[3] << 24);
    this.u8(0x0c).u8(0x01).u32(opts.id ?? data1 >>> 0);
    let defAt: number;
    if (opts.definition !== undefined) {
      defAt = this.pos + 4;
      this.u32(defAt);
      this.u32(0).raw(opts.guid);
      const sizeAt = this.pos;
      this.u32(0);
      this.fragmentHeader();
      opts.definition();
      this.u8(0x00);
      this.patch32(sizeAt, this.pos - sizeAt - 4);
    } else {
      defAt = opts.ref ?? 0;
      this.u32(defAt);
    }
    this.u32(opts.values.length);
    for (const v of opts.values) this.u16(v.bytes.length).u8(v.type).u8(0);
    for (const v of opts.values) this.raw(v.bytes);
    return defAt;
  }

  /** One record whose BinXml body is written by `body`. */
  record(id: number, filetime: bigint, body: () => void): number {
    const start = this.pos;
    this.u32(0x2a2a).u32(0).u64(id).u64(filetime);
    body();
    while ((this.pos + 4 - start) % 8 !== 0) this.u8(0);
    const size = this.pos + 4 - start;
    this.u32(size);
    this.patch32(start + 4, size);
    if (this.firstId === 0) this.firstId = id;
    this.lastId = id;
    this.lastRecord = start;
    return start;
  }

  /** The finished chunk: header fields and both CRCs. */
  finish(): Uint8Array {
    const b = this.buf;
    b.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], 0);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(8, BigInt(this.firstId), true);
    dv.setBigUint64(16, BigInt(this.lastId), true);
    dv.setBigUint64(24, BigInt(this.firstId), true);
    dv.setBigUint64(32, BigInt(this.lastId), true);
    dv.setUint32(40, 128, true);
    dv.setUint32(44, this.lastRecord, true);
    dv.setUint32(48, this.pos, true);
    dv.setUint32(52, crc32(b.subarray(512, this.pos)) >>> 0, true);
    dv.setUint32(120, 1, true);
    dv.setUint32(124, crc32(b.subarray(128, 512), crc32(b.subarray(0, 120))) >>> 0, true);
    return b;
  }
}

/** A whole file: header (CRC computed) + chunks. */
export function buildFile(chunks: Uint8Array[], opts: { flags?: number; headerChunkCount?: number } = {}): Uint8Array {
  const out = new Uint8Array(4096 + chunks.length * 65536);
  out.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00], 0);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(8, 0n, true);
  dv.setBigUint64(16, BigInt(Math.max(0, chunks.length - 1)), true);
  dv.setBigUint64(24, 1n, true);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, 1, true);
  dv.setUint16(38, 3, true);
  dv.setUint16(40, 4096, true);
  dv.setUint16(42, opts.headerChunkCount ?? chunks.length, true);
  dv.setUint32(120, opts.flags ?? 0, true);
  dv.setUint32(124, crc32(out.subarray(0, 120)) >>> 0, true);
  chunks.forEach((c, i) => out.set(c, 4096 + i * 65536));
  return out;
}

export const GUID_A = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01];
export const GUID_B = [0xa1, 0xb2, 0xc3, 0xd4, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c];

export function le16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}
export function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
export function le64(v: bigint): number[] {
  return [...le32(Number(v & 0xffffffffn)), ...le32(Number(v >> 32n))];
}
export function utf16z(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(...le16(s.charCodeAt(i)));
  return [...out, 0, 0];
}

/** FILETIME of 2017-07-12T17:16:28.2141616Z (formats.md §1.6). */
export const FT_2017 = 0x01d2fb3299112bb0n;

/** Recomputes a finished chunk's records and header CRCs (after a test changed its header fields). */
export function rechecksum(chunk: Uint8Array): void {
  const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const free = Math.min(dv.getUint32(48, true), 65536);
  dv.setUint32(52, crc32(chunk.subarray(512, free)) >>> 0, true);
  dv.setUint32(124, crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))) >>> 0, true);
}

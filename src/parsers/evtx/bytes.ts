// Low-level byte access shared by the EVTX modules: little-endian integers, a bounds-checked
// cursor, UTF-16 text and CRC32. Every decoding failure inside a record is a DecodeError, which the
// record loop turns into a Problem; nothing here does I/O.

import { Buffer } from "node:buffer";
import { crc32 } from "node:zlib";

/** A structural error inside one record, template or chunk area. Caught per record, never escapes readEvtx. */
export class DecodeError extends Error {
  override name = "DecodeError";
}

/** A zero-copy Buffer view (Buffer gives native UTF-16/hex/latin1 slicing, much faster than JS loops). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/** u64 as a JS number: exact below 2^53 (every record id and count in practice). */
export function u64(b: Uint8Array, o: number): number {
  return u32(b, o + 4) * 4294967296 + u32(b, o);
}

/** CRC32 (IEEE, as zlib) over [start, end) of `b`, optionally continuing from `prev`. */
export function crc32Range(b: Uint8Array, start: number, end: number, prev = 0): number {
  return crc32(b.subarray(start, end), prev) >>> 0;
}

/** UTF-16LE text of [start, end) (an odd trailing byte is ignored). */
export function utf16(b: Buffer, start: number, end: number): string {
  return end > start ? b.toString("utf16le", start, end) : "";
}

/** UTF-16LE text of [start, end) with trailing NUL code units removed. */
export function utf16TrimNul(b: Buffer, start: number, end: number): string {
  if ((end - start) & 1) end--;
  while (end > start && b[end - 1] === 0 && b[end - 2] === 0) end -= 2;
  return end > start ? b.toString("utf16le", start, end) : "";
}

const ZEROS = Buffer.alloc(65536);

/** True when every byte of [start, end) is zero (native memcmp in 64 KiB steps). */
export function isZero(b: Uint8Array, start: number, end: number): boolean {
  const buf = asBuffer(b);
  for (let p = start; p < end; p += ZEROS.length) {
    const n = Math.min(ZEROS.length, end - p);
    if (Buffer.compare(buf.subarray(p, p + n), n === ZEROS.length ? ZEROS : ZEROS.subarray(0, n)) !== 0) return false;
  }
  return true;
}

/** Lower-case hex of a file offset for Problem locations: "0x31000". */
export function hexOff(n: number): string {
  return "0x" + n.toString(16);
}

/**
 * A bounds-checked reader over [pos, end) of one buffer (in practice one chunk's bytes). Offsets index
 * the buffer; `origin` is the file offset of the buffer's first byte, added wherever an offset is
 * reported, so messages always give absolute file offsets.
 */
export class Cursor {
  constructor(
    public readonly b: Buffer,
    public pos: number,
    public readonly end: number,
    public readonly origin = 0,
  ) {}

  /** The file offset of buffer position `p`, as reported in messages. */
  at(p: number): string {
    return hexOff(this.origin + p);
  }

  need(n: number): void {
    if (this.pos + n > this.end) throw new DecodeError(`read of ${n} bytes at ${this.at(this.pos)} runs past ${this.at(this.end)}`);
  }

  u8(): number {
    if (this.pos >= this.end) throw new DecodeError(`read at ${this.at(this.pos)} runs past ${this.at(this.end)}`);
    return this.b[this.pos++];
  }

  peek(): number {
    if (this.pos >= this.end) throw new DecodeError(`read at ${this.at(this.pos)} runs past ${this.at(this.end)}`);
    return this.b[this.pos];
  }

  u16(): number {
    this.need(2);
    const v = u16(this.b, this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = u32(this.b, this.pos);
    this.pos += 4;
    return v;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** `count` UTF-16 code units. */
  utf16(count: number): string {
    const n = count * 2;
    this.need(n);
    const s = utf16(this.b, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

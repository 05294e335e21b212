// Growable little-endian byte writer used by the EVTX writer (internal).

export class ByteWriter {
  buf: Uint8Array;
  private dv: DataView;
  pos = 0;

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity);
    this.dv = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16(v: number): void {
    this.ensure(2);
    this.dv.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.dv.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.dv.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** UTF-16LE code units of `s`, no terminator. */
  utf16(s: string): void {
    const n = s.length;
    this.ensure(2 * n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      b[p++] = c & 0xff;
      b[p++] = c >>> 8;
    }
    this.pos = p;
  }

  /** Reserve a u32 to be patched later; returns its position. */
  reserveU32(): number {
    const at = this.pos;
    this.u32(0);
    return at;
  }

  patchU16(at: number, v: number): void {
    this.dv.setUint16(at, v, true);
  }

  patchU32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0, true);
  }

  patchU8(at: number, v: number): void {
    this.buf[at] = v & 0xff;
  }
}

/** IEEE CRC32 (zlib) — Node ≥ 20.15 ships it in node:zlib. */
export { crc32 } from "node:zlib";

// The hive writer proper (see index.ts for the layout and the rules).

import type { HiveRootSpec, KeySpec, SecuritySpec, ValueSpec, WriteHiveOptions } from "./types.js";
import {
  DEFAULT_ROOT_SECURITY,
  encodeName,
  encodeSecurityDescriptor,
  encodeValueData,
  lfHint,
  lhHash,
  typeCode,
  upcaseName,
} from "./encode.js";

/** 2024-01-01T00:00:00Z as FILETIME. */
export const DEFAULT_TIMESTAMP = 133485408000000000n;
/** Largest data segment of a big-data value, and the largest value stored in one cell. */
export const BIG_DATA_SEGMENT = 16344;
const NONE = 0xffffffff;

interface Cell {
  /** Cell size including the 4-byte size field, multiple of 8. */
  size: number;
  /** Offset relative to the hive bins data (file offset − 4096). */
  offset: number;
  /** Writes the record; `at` is the file offset of the record (cell + 4). */
  fill: (buf: Uint8Array, dv: DataView, at: number) => void;
}

interface SkCell {
  cell: Cell;
  descriptor: Uint8Array;
  refs: number;
}

class Layout {
  readonly cells: Cell[] = [];
  readonly bins: { offset: number; size: number }[] = [];
  readonly freeCells: { offset: number; size: number }[] = [];
  private pos = 0;
  private binEnd = 0;

  alloc(payload: number, fill: Cell["fill"]): Cell {
    const size = (payload + 4 + 7) & ~7;
    if (this.bins.length === 0 || this.pos + size > this.binEnd) {
      this.closeBin();
      const binSize = Math.max(4096, Math.ceil((32 + size) / 4096) * 4096);
      this.bins.push({ offset: this.binEnd, size: binSize });
      this.pos = this.binEnd + 32;
      this.binEnd += binSize;
    }
    const cell: Cell = { size, offset: this.pos, fill };
    this.pos += size;
    this.cells.push(cell);
    return cell;
  }

  closeBin(): void {
    if (this.bins.length > 0 && this.pos < this.binEnd) {
      this.freeCells.push({ offset: this.pos, size: this.binEnd - this.pos });
      this.pos = this.binEnd;
    }
  }

  get binsSize(): number {
    return this.binEnd;
  }
}

function compareUpper(a: string, b: string): number {
  const ua = upcaseName(a);
  const ub = upcaseName(b);
  const n = Math.min(ua.length, ub.length);
  for (let i = 0; i < n; i++) {
    const d = ua.charCodeAt(i) - ub.charCodeAt(i);
    if (d !== 0) return d;
  }
  return ua.length - ub.length;
}

function checkUnique(names: string[], what: string, where: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    const u = upcaseName(n);
    if (seen.has(u)) throw new Error(`duplicate ${what} "${n}" in ${where || "root"}`);
    seen.add(u);
  }
}

/** Writes a complete, valid regf primary file (see index.ts). Same input and options → same bytes. */
export function writeHive(root: HiveRootSpec, options: WriteHiveOptions = {}): Uint8Array {
  const minor = options.minorVersion ?? 5;
  const listKind = options.subkeyList ?? "lh";
  const leafSize = Math.max(1, Math.min(options.leafSize ?? 500, 0xffff));
  const stamp = options.timestamp ?? DEFAULT_TIMESTAMP;
  const layout = new Layout();
  const sks: SkCell[] = [];
  const skByBytes = new Map<string, SkCell>();

  const securityCell = (spec: SecuritySpec): SkCell => {
    const descriptor = encodeSecurityDescriptor(spec);
    const key = Buffer.from(descriptor).toString("hex");
    const known = skByBytes.get(key);
    if (known) return known;
    const index = sks.length;
    const sk: SkCell = {
      descriptor,
      refs: 0,
      cell: layout.alloc(20 + descriptor.length, (buf, dv, at) => {
        buf[at] = 0x73; // s
        buf[at + 1] = 0x6b; // k
        const next = sks[(index + 1) % sks.length].cell.offset;
        const prev = sks[(index + sks.length - 1) % sks.length].cell.offset;
        dv.setUint32(at + 4, next, true);
        dv.setUint32(at + 8, prev, true);
        dv.setUint32(at + 12, sk.refs, true);
        dv.setUint32(at + 16, descriptor.length, true);
        buf.set(descriptor, at + 20);
      }),
    };
    sks.push(sk);
    skByBytes.set(key, sk);
    return sk;
  };

  const emitValue = (v: ValueSpec, where: string): { cell: Cell; nameBytes: number; dataSize: number } => {
    const code = typeCode(v.type);
    const data = encodeValueData(code, v.data);
    const name = encodeName(v.name);
    if (name.bytes.length > 0xffff) throw new Error(`value name too long in ${where}`);
    let dataOffset: () => number = () => 0;
    let sizeField = data.length;
    let resident = false;
    const vk = layout.alloc(20 + name.bytes.length, (buf, dv, at) => {
      buf[at] = 0x76; // v
      buf[at + 1] = 0x6b; // k
      dv.setUint16(at + 2, name.bytes.length, true);
      dv.setUint32(at + 4, (resident ? sizeField | 0x80000000 : sizeField) >>> 0, true);
      if (resident) {
        dv.setUint32(at + 8, 0, true);
        buf.set(data, at + 8); // resident data sits in the first bytes of the field
      } else {
        dv.setUint32(at + 8, dataOffset(), true);
      }
      dv.setUint32(at + 12, code, true);
      dv.setUint16(at + 16, name.compressed ? 1 : 0, true);
      buf.set(name.bytes, at + 20);
    });
    if (data.length <= 4) {
      resident = true;
    } else if (data.length <= BIG_DATA_SEGMENT || minor <= 3) {
      const cell = layout.alloc(data.length, (buf, _dv, at) => buf.set(data, at));
      dataOffset = () => cell.offset;
    } else {
      const count = Math.ceil(data.length / BIG_DATA_SEGMENT);
      if (count > 0xffff) throw new Error(`value too large in ${where}`);
      const segments: Cell[] = [];
      const db = layout.alloc(12, (buf, dv, at) => {
        buf[at] = 0x64; // d
        buf[at + 1] = 0x62; // b
        dv.setUint16(at + 2, count, true);
        dv.setUint32(at + 4, list.offset, true);
      });
      const list = layout.alloc(4 * count, (_buf, dv, at) => {
        segments.forEach((s, i) => dv.setUint32(at + 4 * i, s.offset, true));
      });
      for (let i = 0; i < count; i++) {
        const part = data.subarray(i * BIG_DATA_SEGMENT, Math.min(data.length, (i + 1) * BIG_DATA_SEGMENT));
        segments.push(layout.alloc(part.length, (buf, _dv, at) => buf.set(part, at)));
      }
      dataOffset = () => db.offset;
    }
    return { cell: vk, nameBytes: v.name.length * 2, dataSize: data.length };
  };

  const emitKey = (
    name: string,
    values: ValueSpec[],
    subkeys: KeySpec[],
    security: SecuritySpec | undefined,
    parent: Cell | null,
    inherited: SkCell | null,
    where: string,
  ): Cell => {
    const encoded = encodeName(name);
    if (encoded.bytes.length > 0xffff) throw new Error(`key name too long: ${where}`);
    if (parent && name.length === 0) throw new Error(`empty key name under ${where}`);
    if (name.includes("\\")) throw new Error(`key name contains a backslash: ${where}\\${name}`);
    checkUnique(values.map((v) => v.name), "value", where);
    checkUnique(subkeys.map((k) => k.name), "subkey", where);
    let valueList: Cell | null = null;
    let subkeyList: Cell | null = null;
    const sorted = [...subkeys].sort((a, b) => compareUpper(a.name, b.name));
    let maxValueName = 0;
    let maxData = 0;
    let maxSubkeyName = 0;
    for (const k of sorted) maxSubkeyName = Math.max(maxSubkeyName, k.name.length * 2);
    const nk = layout.alloc(76 + encoded.bytes.length, (buf, dv, at) => {
      buf[at] = 0x6e; // n
      buf[at + 1] = 0x6b; // k
      dv.setUint16(at + 2, (encoded.compressed ? 0x20 : 0) | (parent ? 0 : 0x0c), true);
      dv.setBigUint64(at + 4, stamp, true);
      dv.setUint32(at + 12, 0, true);
      dv.setUint32(at + 16, parent ? parent.offset : NONE, true);
      dv.setUint32(at + 20, sorted.length, true);
      dv.setUint32(at + 24, 0, true);
      dv.setUint32(at + 28, subkeyList ? subkeyList.offset : NONE, true);
      dv.setUint32(at + 32, NONE, true);
      dv.setUint32(at + 36, values.length, true);
      dv.setUint32(at + 40, valueList ? valueList.offset : NONE, true);
      dv.setUint32(at + 44, sk.cell.offset, true);
      dv.setUint32(at + 48, NONE, true);
      dv.setUint32(at + 52, maxSubkeyName, true);
      dv.setUint32(at + 56, 0, true);
      dv.setUint32(at + 60, maxValueName, true);
      dv.setUint32(at + 64, maxData, true);
      dv.setUint32(at + 68, 0, true);
      dv.setUint16(at + 72, encoded.bytes.length, true);
      dv.setUint16(at + 74, 0, true);
      buf.set(encoded.bytes, at + 76);
    });
    const sk = security ? securityCell(security) : inherited ?? securityCell(DEFAULT_ROOT_SECURITY);
    sk.refs++;

    if (values.length > 0) {
      const vks: Cell[] = [];
      valueList = layout.alloc(4 * values.length, (_buf, dv, at) => {
        vks.forEach((c, i) => dv.setUint32(at + 4 * i, c.offset, true));
      });
      for (const v of values) {
        const r = emitValue(v, where);
        vks.push(r.cell);
        maxValueName = Math.max(maxValueName, r.nameBytes);
        maxData = Math.max(maxData, r.dataSize);
      }
    }

    const children: Cell[] = [];
    if (sorted.length > 0) {
      const leaves: Cell[] = [];
      const leafFor = (from: number, to: number): Cell => {
        const elem = listKind === "li" ? 4 : 8;
        return layout.alloc(4 + elem * (to - from), (buf, dv, at) => {
          buf[at] = 0x6c; // l
          buf[at + 1] = listKind === "li" ? 0x69 : listKind === "lf" ? 0x66 : 0x68;
          dv.setUint16(at + 2, to - from, true);
          for (let i = from; i < to; i++) {
            const p = at + 4 + elem * (i - from);
            dv.setUint32(p, children[i].offset, true);
            if (listKind === "lh") dv.setUint32(p + 4, lhHash(sorted[i].name), true);
            else if (listKind === "lf") buf.set(lfHint(sorted[i].name), p + 4);
          }
        });
      };
      if (sorted.length <= leafSize) {
        subkeyList = leafFor(0, sorted.length);
      } else {
        const count = Math.ceil(sorted.length / leafSize);
        subkeyList = layout.alloc(4 + 4 * count, (buf, dv, at) => {
          buf[at] = 0x72; // r
          buf[at + 1] = 0x69; // i
          dv.setUint16(at + 2, leaves.length, true);
          leaves.forEach((c, i) => dv.setUint32(at + 4 + 4 * i, c.offset, true));
        });
        for (let i = 0; i < count; i++) {
          leaves.push(leafFor(i * leafSize, Math.min(sorted.length, (i + 1) * leafSize)));
        }
      }
      for (const k of sorted) {
        children.push(emitKey(k.name, k.values ?? [], k.subkeys ?? [], k.security, nk, sk, `${where}\\${k.name}`));
      }
    }
    return nk;
  };

  const rootCell = emitKey(root.name, root.values ?? [], root.keys, root.security, null, null, "");
  layout.closeBin();

  const binsSize = layout.binsSize;
  const out = new Uint8Array(4096 + binsSize);
  const dv = new DataView(out.buffer);
  // Base block.
  const seq = options.sequence ?? 1;
  out.set([0x72, 0x65, 0x67, 0x66], 0); // regf
  dv.setUint32(4, options.dirty ? seq + 1 : seq, true);
  dv.setUint32(8, seq, true);
  dv.setBigUint64(12, stamp, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(24, minor, true);
  dv.setUint32(28, 0, true);
  dv.setUint32(32, 1, true);
  dv.setUint32(36, rootCell.offset, true);
  dv.setUint32(40, binsSize, true);
  dv.setUint32(44, 1, true);
  const fileName = (options.fileName ?? root.name).slice(-31);
  out.set(Buffer.from(fileName, "utf16le"), 48);
  dv.setUint32(508, baseBlockChecksum(out), true);
  // Bins, free cells, allocated cells.
  for (const bin of layout.bins) {
    const at = 4096 + bin.offset;
    out.set([0x68, 0x62, 0x69, 0x6e], at); // hbin
    dv.setUint32(at + 4, bin.offset, true);
    dv.setUint32(at + 8, bin.size, true);
    if (bin.offset === 0) dv.setBigUint64(at + 20, stamp, true);
  }
  for (const f of layout.freeCells) dv.setInt32(4096 + f.offset, f.size, true);
  for (const c of layout.cells) {
    dv.setInt32(4096 + c.offset, -c.size, true);
    c.fill(out, dv, 4096 + c.offset + 4);
  }
  return out;
}

/** XOR of the 127 u32 at 0–507, with 0 → 1 and 0xFFFFFFFF → 0xFFFFFFFE (formats.md §2.1). */
export function baseBlockChecksum(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 512);
  let x = 0;
  for (let i = 0; i < 508; i += 4) x ^= dv.getUint32(i, true);
  x >>>= 0;
  if (x === 0) return 1;
  if (x === 0xffffffff) return 0xfffffffe;
  return x;
}

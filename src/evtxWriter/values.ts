// Encoding of substitution values (formats.md §1.5.8) and time/GUID/SID helpers (internal).

import { ByteWriter } from "./bytes.js";
import type { Value, ValueType } from "./types.js";

export const TYPE_CODE: Record<ValueType, number> = {
  string: 0x01,
  uint8: 0x04,
  uint16: 0x06,
  uint32: 0x08,
  uint64: 0x0a,
  int32: 0x07,
  int64: 0x09,
  hex32: 0x14,
  hex64: 0x15,
  bool: 0x0d,
  binary: 0x0e,
  guid: 0x0f,
  sizet: 0x10,
  filetime: 0x11,
  systemtime: 0x12,
  sid: 0x13,
  stringArray: 0x81,
};

const WIDTH: Partial<Record<ValueType, number>> = {
  uint8: 8,
  uint16: 16,
  uint32: 32,
  uint64: 64,
  int32: 32,
  int64: 64,
  hex32: 32,
  hex64: 64,
  sizet: 64,
};

/** Type used when a DataItem has none. */
export function inferType(value: Value, element: "Data" | "Binary"): ValueType {
  if (element === "Binary") return "binary";
  if (value === null || typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "bigint") return value < 0n ? "int64" : "uint64";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return "string";
    if (value < 0) return value >= -0x80000000 ? "int32" : "int64";
    return value <= 0xffffffff ? "uint32" : "uint64";
  }
  if (value instanceof Uint8Array) return "binary";
  if (Array.isArray(value)) return "stringArray";
  throw new Error(`evtxWriter: cannot infer a type for ${String(value)}`);
}

function toBigInt(value: Value): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`${value} is not an integer`);
    return BigInt(value);
  }
  if (typeof value === "string") {
    const s = value.trim();
    if (s === "") throw new Error(`empty string is not an integer`);
    try {
      if (/^-0x/i.test(s)) return -BigInt(s.slice(1));
      return BigInt(s);
    } catch {
      throw new Error(`${JSON.stringify(value)} is not an integer`);
    }
  }
  throw new Error(`${String(value)} is not an integer`);
}

/** Fast path for the common case: a JS number that fits `bits` (≤ 32) unsigned or signed. */
function smallUint(value: Value, bits: number): number {
  if (typeof value === "number" && Number.isInteger(value)) {
    const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    const min = bits === 32 ? -0x80000000 : -(1 << (bits - 1));
    if (value >= 0 && value <= max) return value;
    if (value < 0 && value >= min) return bits === 32 ? value >>> 0 : value + (1 << bits);
  }
  return Number(checkedUint(value, bits));
}

const MAX_U64 = (1n << 64n) - 1n;

function checkedUint(value: Value, bits: number): bigint {
  if (bits === 64 && typeof value === "bigint" && value >= 0n && value <= MAX_U64) return value; // fast path
  const v = toBigInt(value);
  const max = (1n << BigInt(bits)) - 1n;
  const min = -(1n << BigInt(bits - 1));
  if (v < min || v > max) throw new Error(`${v} does not fit ${bits} bits`);
  return BigInt.asUintN(bits, v);
}

/** Windows FILETIME (100 ns since 1601-01-01 UTC) of an ISO-8601 UTC time with ≤ 7 fractional digits. */
export function filetimeFromIso(iso: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:Z|\+00:00)$/.exec(iso);
  if (!m) throw new Error(`evtxWriter: time ${JSON.stringify(iso)} is not ISO UTC with ≤ 7 fractional digits`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Number.isNaN(ms)) throw new Error(`evtxWriter: invalid time ${iso}`);
  const frac = BigInt((m[7] ?? "").padEnd(7, "0"));
  const ft = (BigInt(ms) / 1000n + 11644473600n) * 10_000_000n + frac;
  if (ft < 0n) throw new Error(`evtxWriter: time ${iso} is before 1601`);
  return ft;
}

function systemtimeBytes(iso: string): Uint8Array {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|\+00:00)?$/.exec(iso);
  if (!m) throw new Error(`evtxWriter: SYSTEMTIME ${JSON.stringify(iso)} is not ISO`);
  const y = +m[1], mo = +m[2], d = +m[3];
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  const msec = +(m[7] ?? "").padEnd(3, "0").slice(0, 3);
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  [y, mo, weekday, d, +m[4], +m[5], +m[6], msec].forEach((v, i) => dv.setUint16(2 * i, v, true));
  return out;
}

const guidCache = new Map<string, Uint8Array>();
const sidCache = new Map<string, Uint8Array>();

/** Memoise parsed GUIDs/SIDs (logs repeat a handful of them); bounded so odd inputs cannot grow it. */
function cached(cache: Map<string, Uint8Array>, key: string, make: (k: string) => Uint8Array): Uint8Array {
  let v = cache.get(key);
  if (v === undefined) {
    v = make(key);
    if (cache.size >= 4096) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/** 16 bytes of a GUID string (Data1..3 little-endian, Data4 as written). */
export function guidBytes(guid: string): Uint8Array {
  const m = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(guid.trim());
  if (!m) throw new Error(`evtxWriter: ${JSON.stringify(guid)} is not a GUID`);
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, parseInt(m[1], 16), true);
  dv.setUint16(4, parseInt(m[2], 16), true);
  dv.setUint16(6, parseInt(m[3], 16), true);
  const d4 = m[4] + m[5];
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(d4.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Binary SID of "S-1-5-21-…" (u8 revision, u8 count, 6-byte big-endian authority, u32 LE sub-authorities). */
export function sidBytes(sid: string): Uint8Array {
  const m = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(sid.trim());
  if (!m) throw new Error(`evtxWriter: ${JSON.stringify(sid)} is not a SID`);
  const subs = m[3] ? m[3].slice(1).split("-").map((s) => Number(s)) : [];
  if (subs.length > 15 || subs.some((s) => s > 0xffffffff)) throw new Error(`evtxWriter: bad SID ${sid}`);
  const out = new Uint8Array(8 + 4 * subs.length);
  const dv = new DataView(out.buffer);
  out[0] = Number(m[1]);
  out[1] = subs.length;
  let auth = BigInt(m[2]);
  for (let i = 7; i >= 2; i--) {
    out[i] = Number(auth & 0xffn);
    auth >>= 8n;
  }
  subs.forEach((s, i) => dv.setUint32(8 + 4 * i, s, true));
  return out;
}

function binaryBytes(value: Value): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string" && /^(?:[0-9a-f]{2})*$/i.test(value)) return Uint8Array.from(Buffer.from(value, "hex"));
  throw new Error(`evtxWriter: binary value must be a Uint8Array or a hex string`);
}

function stringOf(value: Value): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  throw new Error(`evtxWriter: string value expected, got ${Object.prototype.toString.call(value)}`);
}

/**
 * Append the bytes of a non-null value of `type` to `w`. The caller computes the size from the
 * position delta; values must stay below 65536 bytes (u16 size in the descriptor).
 */
export function encodeValue(w: ByteWriter, type: ValueType, value: Exclude<Value, null>): void {
  switch (type) {
    case "string":
      w.utf16(stringOf(value));
      return;
    case "uint8":
      w.u8(smallUint(value, 8));
      return;
    case "uint16":
      w.u16(smallUint(value, 16));
      return;
    case "uint32":
    case "int32":
    case "hex32":
      w.u32(smallUint(value, 32));
      return;
    case "uint64":
    case "int64":
    case "hex64":
    case "sizet":
      w.u64(checkedUint(value, WIDTH[type] ?? 64));
      return;
    case "bool":
      w.u32(typeof value === "boolean" ? (value ? 1 : 0) : smallUint(value, 32));
      return;
    case "binary":
      w.bytes(binaryBytes(value));
      return;
    case "guid":
      if (value instanceof Uint8Array) {
        if (value.length !== 16) throw new Error(`GUID must be 16 bytes`);
        w.bytes(value);
      } else w.bytes(cached(guidCache, stringOf(value), guidBytes));
      return;
    case "sid":
      w.bytes(value instanceof Uint8Array ? value : cached(sidCache, stringOf(value), sidBytes));
      return;
    case "filetime":
      w.u64(typeof value === "string" ? filetimeFromIso(value) : checkedUint(value, 64));
      return;
    case "systemtime":
      w.bytes(systemtimeBytes(stringOf(value)));
      return;
    case "stringArray": {
      const items = Array.isArray(value) ? value : [stringOf(value)];
      for (const s of items) {
        w.utf16(s);
        w.u16(0);
      }
      return;
    }
  }
}

// Substitution values (formats.md §1.5.8) → the project's canonical text.
//
// Canonical text differs from libevtx on purpose in three places (the differential test normalises):
// FILETIME has 7 fractional digits (libevtx pads to 9), hex32/hex64/SizeT are `0x` + lowercase
// digits unpadded (libevtx pads hex and prints SizeT in decimal), GUIDs are upper case everywhere.

import type { Buffer } from "node:buffer";
import { DecodeError, u16, u32, utf16TrimNul } from "./bytes.js";

export const T_NULL = 0x00;
export const T_STRING = 0x01;
export const T_ANSI = 0x02;
export const T_INT8 = 0x03;
export const T_UINT8 = 0x04;
export const T_INT16 = 0x05;
export const T_UINT16 = 0x06;
export const T_INT32 = 0x07;
export const T_UINT32 = 0x08;
export const T_INT64 = 0x09;
export const T_UINT64 = 0x0a;
export const T_REAL32 = 0x0b;
export const T_REAL64 = 0x0c;
export const T_BOOL = 0x0d;
export const T_BINARY = 0x0e;
export const T_GUID = 0x0f;
export const T_SIZET = 0x10;
export const T_FILETIME = 0x11;
export const T_SYSTEMTIME = 0x12;
export const T_SID = 0x13;
export const T_HEX32 = 0x14;
export const T_HEX64 = 0x15;
export const T_BINXML = 0x21;
export const T_ARRAY = 0x80;

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push((i < 16 ? "0" : "") + i.toString(16).toUpperCase());

// windows-1252 differs from latin1 only in 0x80–0x9F (Node's TextDecoder("windows-1252") decodes
// these as latin1 C1 controls, so the table is here). Undefined bytes keep their latin1 value.
const CP1252_80_9F =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/** windows-1252 text of [start, end). */
function cp1252(b: Buffer, start: number, end: number): string {
  const latin1 = b.toString("latin1", start, end);
  let special = false;
  for (let i = start; i < end; i++) {
    if (b[i] >= 0x80 && b[i] < 0xa0) {
      special = true;
      break;
    }
  }
  if (!special) return latin1;
  let s = "";
  for (let i = 0; i < latin1.length; i++) {
    const c = latin1.charCodeAt(i);
    s += c >= 0x80 && c < 0xa0 ? CP1252_80_9F[c - 0x80] : latin1[i];
  }
  return s;
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** Unsigned little-endian integer of 1..8 bytes as "0x…" lowercase, unpadded. */
function hexLE(b: Uint8Array, o: number, size: number): string {
  if (size >= 8) {
    const lo = u32(b, o);
    const hi = u32(b, o + 4);
    return hi === 0 ? "0x" + lo.toString(16) : "0x" + hi.toString(16) + lo.toString(16).padStart(8, "0");
  }
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[o + i];
  return "0x" + v.toString(16);
}

function uint64Dec(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

function int64Dec(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24); // signed
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * 4294967296 + lo);
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo)).toString();
}

/** Days since 1970-01-01 → [year, month, day] (proleptic Gregorian; H. Hinnant's civil_from_days). */
function civil(days: number, out: number[]): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = d;
}

const ymd = [0, 0, 0];
let lastSecond = -1;
let lastSecondText = "";

/** Seconds since 1601-01-01 → "YYYY-MM-DDTHH:MM:SS" (memoised for the previous second: logs are bursty). */
function secondsText(sec: number): string {
  if (sec === lastSecond) return lastSecondText;
  const unix = sec - 11644473600;
  const days = Math.floor(unix / 86400);
  let rest = unix - days * 86400;
  civil(days, ymd);
  const hh = Math.floor(rest / 3600);
  rest -= hh * 3600;
  const mm = Math.floor(rest / 60);
  const ss = rest - mm * 60;
  const y = ymd[0];
  const text = (y >= 0 && y < 10000 ? String(y).padStart(4, "0") : String(y)) + "-" + pad2(ymd[1]) + "-" + pad2(ymd[2]) +
    "T" + pad2(hh) + ":" + pad2(mm) + ":" + pad2(ss);
  lastSecond = sec;
  lastSecondText = text;
  return text;
}

/** FILETIME (u64 100-ns ticks since 1601) at `o` → "2017-07-12T17:16:28.2141616Z". Exact for all 2^64 values. */
export function filetimeText(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  // ticks = h1·2^48 + h0·2^32 + lo, with 2^48 = 28147497·10^7 + 6710656 and 2^32 = 429·10^7 + 4967296.
  const h1 = Math.floor(hi / 65536);
  const h0 = hi - h1 * 65536;
  let sec = h1 * 28147497 + h0 * 429;
  let rem = h1 * 6710656 + h0 * 4967296 + lo;
  const carry = Math.floor(rem / 1e7);
  sec += carry;
  rem -= carry * 1e7;
  return secondsText(sec) + "." + String(rem).padStart(7, "0") + "Z";
}

/** SYSTEMTIME (8 × u16) at `o` → "2019-03-08T23:23:05.000Z". */
export function systemtimeText(b: Uint8Array, o: number): string {
  const y = u16(b, o);
  return String(y).padStart(4, "0") + "-" + pad2(u16(b, o + 2)) + "-" + pad2(u16(b, o + 6)) + "T" + pad2(u16(b, o + 8)) + ":" +
    pad2(u16(b, o + 10)) + ":" + pad2(u16(b, o + 12)) + "." + String(u16(b, o + 14)).padStart(3, "0") + "Z";
}

/** GUID (Data1 u32 LE, Data2/Data3 u16 LE, Data4 8 bytes) → "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}". */
export function guidText(b: Uint8Array, o: number): string {
  return "{" + HEX2[b[o + 3]] + HEX2[b[o + 2]] + HEX2[b[o + 1]] + HEX2[b[o]] + "-" + HEX2[b[o + 5]] + HEX2[b[o + 4]] + "-" +
    HEX2[b[o + 7]] + HEX2[b[o + 6]] + "-" + HEX2[b[o + 8]] + HEX2[b[o + 9]] + "-" + HEX2[b[o + 10]] + HEX2[b[o + 11]] +
    HEX2[b[o + 12]] + HEX2[b[o + 13]] + HEX2[b[o + 14]] + HEX2[b[o + 15]] + "}";
}

/** Byte length of the SID at `o` (8 + 4 × sub-authority count). */
export function sidSize(b: Uint8Array, o: number): number {
  return 8 + 4 * b[o + 1];
}

/** SID → "S-1-5-21-…"; the 48-bit authority is big-endian, printed in hex above 2^32 as Windows does. */
export function sidText(b: Uint8Array, o: number, size: number): string {
  if (size < 8 || sidSize(b, o) > size) throw new DecodeError(`SID of ${size} bytes is truncated`);
  const n = b[o + 1];
  const auth = b[o + 2] * 0x10000000000 + b[o + 3] * 0x100000000 + u32be(b, o + 4);
  let s = "S-" + b[o] + "-" + (auth < 0x100000000 ? String(auth) : "0x" + auth.toString(16).toUpperCase().padStart(12, "0"));
  for (let i = 0; i < n; i++) s += "-" + u32(b, o + 8 + 4 * i);
  return s;
}

function u32be(b: Uint8Array, o: number): number {
  return b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

/** windows-1252 text with trailing NULs removed (libevtx's reading of AnsiString). */
function ansiText(b: Buffer, o: number, size: number): string {
  let end = o + size;
  while (end > o && b[end - 1] === 0) end--;
  return end > o ? cp1252(b, o, end) : "";
}

/** Uppercase hex, no separators. */
export function binaryText(b: Buffer, o: number, size: number): string {
  return size > 0 ? b.toString("hex", o, o + size).toUpperCase() : "";
}

/** Fixed item width of a scalar type, 0 for variable-size types. */
function fixedWidth(type: number): number {
  switch (type) {
    case T_INT8: case T_UINT8: return 1;
    case T_INT16: case T_UINT16: return 2;
    case T_INT32: case T_UINT32: case T_REAL32: case T_BOOL: case T_HEX32: return 4;
    case T_INT64: case T_UINT64: case T_REAL64: case T_FILETIME: case T_HEX64: return 8;
    case T_GUID: case T_SYSTEMTIME: return 16;
    default: return 0;
  }
}

/**
 * Canonical text of one scalar value of `size` bytes at `o`. The caller has bounds-checked
 * [o, o + size). Sizes that do not fit the type fail the record (DecodeError).
 */
export function scalarText(b: Buffer, o: number, size: number, type: number): string {
  const w = fixedWidth(type);
  if (w !== 0 && size < w) throw new DecodeError(`value of type 0x${type.toString(16)} has ${size} bytes, needs ${w}`);
  switch (type) {
    case T_NULL: return "";
    case T_STRING: return utf16TrimNul(b, o, o + size);
    case T_ANSI: return ansiText(b, o, size);
    case T_INT8: return String((b[o] << 24) >> 24);
    case T_UINT8: return String(b[o]);
    case T_INT16: return String((u16(b, o) << 16) >> 16);
    case T_UINT16: return String(u16(b, o));
    case T_INT32: return String(u32(b, o) | 0);
    case T_UINT32: return String(u32(b, o));
    case T_INT64: return int64Dec(b, o);
    case T_UINT64: return uint64Dec(b, o);
    case T_REAL32: return String(b.readFloatLE(o));
    case T_REAL64: return String(b.readDoubleLE(o));
    case T_BOOL: {
      // 4 bytes in every file seen; any non-zero byte is true (0x10, 0x08, 0x10000 occur).
      for (let i = 0; i < size; i++) if (b[o + i] !== 0) return "true";
      return "false";
    }
    case T_BINARY: return binaryText(b, o, size);
    case T_GUID: return guidText(b, o);
    case T_SIZET:
    case T_HEX32:
    case T_HEX64: return size === 0 ? "0x0" : hexLE(b, o, size > 8 ? 8 : size);
    case T_FILETIME: return filetimeText(b, o);
    case T_SYSTEMTIME: return systemtimeText(b, o);
    case T_SID: return sidText(b, o, size);
    default: return binaryText(b, o, size); // EvtHandle, EvtXml, unknown: keep the bytes visible
  }
}

/** Integer value of an integer-like scalar (for System fields), null for other types. */
export function scalarInt(b: Uint8Array, o: number, size: number, type: number): number | null {
  switch (type) {
    case T_INT8: return size >= 1 ? (b[o] << 24) >> 24 : null;
    case T_UINT8: return size >= 1 ? b[o] : null;
    case T_INT16: return size >= 2 ? (u16(b, o) << 16) >> 16 : null;
    case T_UINT16: return size >= 2 ? u16(b, o) : null;
    case T_INT32: return size >= 4 ? u32(b, o) | 0 : null;
    case T_UINT32: case T_HEX32: return size >= 4 ? u32(b, o) : null;
    case T_INT64: case T_UINT64: case T_HEX64: return size >= 8 ? u32(b, o + 4) * 4294967296 + u32(b, o) : null;
    case T_SIZET: return size === 4 ? u32(b, o) : size >= 8 ? u32(b, o + 4) * 4294967296 + u32(b, o) : null;
    default: return null;
  }
}

/**
 * Items of an array value (type & 0x80): strings split at NUL (the empty item after the final NUL
 * dropped), fixed-width types item by item, SIDs by their own length. A size that is not a whole
 * number of items fails the record.
 */
export function arrayItems(b: Buffer, o: number, size: number, type: number): string[] {
  const base = type & 0x7f;
  const out: string[] = [];
  const end = o + size;
  if (base === T_STRING) {
    let start = o;
    for (let p = o; p + 1 < end; p += 2) {
      if (b[p] === 0 && b[p + 1] === 0) {
        out.push(b.toString("utf16le", start, p));
        start = p + 2;
      }
    }
    if (start + 1 < end) out.push(b.toString("utf16le", start, end));
    return out;
  }
  if (base === T_ANSI) {
    let start = o;
    for (let p = o; p < end; p++) {
      if (b[p] === 0) {
        out.push(cp1252(b, start, p));
        start = p + 1;
      }
    }
    if (start < end) out.push(cp1252(b, start, end));
    return out;
  }
  if (base === T_SID) {
    let p = o;
    while (p + 8 <= end) {
      const n = sidSize(b, p);
      if (p + n > end) throw new DecodeError("SID array item runs past its value");
      out.push(sidText(b, p, n));
      p += n;
    }
    if (p !== end) throw new DecodeError("SID array has trailing bytes");
    return out;
  }
  let w = fixedWidth(base);
  if (base === T_SIZET) w = size % 8 === 0 ? 8 : 4;
  if (w === 0) {
    // Binary[] or unknown: no item boundaries are defined; keep the bytes as one item.
    out.push(binaryText(b, o, size));
    return out;
  }
  if (size % w !== 0) throw new DecodeError(`array of type 0x${type.toString(16)} has ${size} bytes, not a multiple of ${w}`);
  for (let p = o; p < end; p += w) out.push(scalarText(b, p, w, base));
  return out;
}

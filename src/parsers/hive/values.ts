// Value data decoding (formats.md §2.5 value types) into the RegistryValue conventions of types.ts.

import type { RegistryValue } from "../types.js";

export const TYPE_NAMES: readonly string[] = [
  "REG_NONE",
  "REG_SZ",
  "REG_EXPAND_SZ",
  "REG_BINARY",
  "REG_DWORD",
  "REG_DWORD_BIG_ENDIAN",
  "REG_LINK",
  "REG_MULTI_SZ",
  "REG_RESOURCE_LIST",
  "REG_FULL_RESOURCE_DESCRIPTOR",
  "REG_RESOURCE_REQUIREMENTS_LIST",
  "REG_QWORD",
];

/** Type name for a code; codes outside 0–11 become `0x` + 8 hex digits (e.g. `0x00100000`). */
export function typeName(code: number): string {
  return code < TYPE_NAMES.length ? TYPE_NAMES[code] : "0x" + (code >>> 0).toString(16).padStart(8, "0");
}

function utf16Text(b: Buffer, start: number, end: number): string {
  const even = start + ((end - start) & ~1);
  return b.toString("utf16le", start, even);
}

function hex(b: Buffer, start: number, end: number): string {
  return b.toString("hex", start, end).toUpperCase();
}

/**
 * Decodes `b[start, end)` for a type code:
 * DWORD / DWORD_BIG_ENDIAN (4 bytes) and QWORD (8 bytes) → number (QWORD > 2^53−1 → decimal string);
 * other sizes → uppercase hex as regedit shows them; SZ / EXPAND_SZ / LINK → text cut at the first NUL
 * (odd last byte dropped); MULTI_SZ → list up to the first empty string; everything else → uppercase hex.
 */
export function decodeValue(code: number, b: Buffer, start: number, end: number): RegistryValue["value"] {
  const len = end - start;
  switch (code) {
    case 1:
    case 2:
    case 6: {
      const s = utf16Text(b, start, end);
      const nul = s.indexOf("\0");
      return nul >= 0 ? s.slice(0, nul) : s;
    }
    case 7: {
      if (len < 2) return [];
      const items = utf16Text(b, start, end).split("\0");
      const out: string[] = [];
      for (const item of items) {
        if (item === "") break;
        out.push(item);
      }
      return out;
    }
    case 4:
      return len === 4 ? b.readUInt32LE(start) : hex(b, start, end);
    case 5:
      return len === 4 ? b.readUInt32BE(start) : hex(b, start, end);
    case 11: {
      if (len !== 8) return hex(b, start, end);
      const v = b.readBigUInt64LE(start);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    default:
      return hex(b, start, end);
  }
}

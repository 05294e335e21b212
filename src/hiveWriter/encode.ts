// Byte encoders of the hive writer (internal): value data, names, SIDs, security descriptors.

import type { SecuritySpec, ValueData } from "./types.js";

export const TYPE_CODES: Record<string, number> = {
  REG_NONE: 0,
  REG_SZ: 1,
  REG_EXPAND_SZ: 2,
  REG_BINARY: 3,
  REG_DWORD: 4,
  REG_DWORD_LITTLE_ENDIAN: 4,
  REG_DWORD_BIG_ENDIAN: 5,
  REG_LINK: 6,
  REG_MULTI_SZ: 7,
  REG_RESOURCE_LIST: 8,
  REG_FULL_RESOURCE_DESCRIPTOR: 9,
  REG_RESOURCE_REQUIREMENTS_LIST: 10,
  REG_QWORD: 11,
  REG_QWORD_LITTLE_ENDIAN: 11,
};

export function typeCode(type: string | number): number {
  if (typeof type === "number") {
    if (!Number.isInteger(type) || type < 0 || type > 0xffffffff) throw new Error(`bad value type code ${type}`);
    return type;
  }
  const code = TYPE_CODES[type.toUpperCase()];
  if (code === undefined) throw new Error(`unknown value type ${type}`);
  return code;
}

export function utf16(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "utf16le"));
}

/** Names whose code units all fit in one byte are stored "compressed" (Latin-1), as Windows does. */
export function encodeName(name: string): { bytes: Uint8Array; compressed: boolean } {
  let compressible = true;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0xff) compressible = false;
  if (compressible) return { bytes: new Uint8Array(Buffer.from(name, "latin1")), compressed: true };
  return { bytes: utf16(name), compressed: false };
}

/** Upper-cases one UTF-16 code unit the way the hive's sort order and `lh` hash need (1:1 only). */
export function upcaseUnit(c: number): number {
  if (c < 0x61) return c;
  if (c <= 0x7a) return c - 0x20;
  if (c < 0x80) return c;
  const u = String.fromCharCode(c).toUpperCase();
  return u.length === 1 ? u.charCodeAt(0) : c;
}

export function upcaseName(name: string): string {
  let out = "";
  for (let i = 0; i < name.length; i++) out += String.fromCharCode(upcaseUnit(name.charCodeAt(i)));
  return out;
}

/** `lh` hash: h = h × 37 + c over the upper-cased UTF-16 code units (formats.md §2.4). */
export function lhHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 37) + upcaseUnit(name.charCodeAt(i))) >>> 0;
  return h;
}

/** `lf` hint: the first four characters as bytes, zero-padded; a character above 0xFF gives 0. */
export function lfHint(name: string): Uint8Array {
  const out = new Uint8Array(4);
  for (let i = 0; i < 4 && i < name.length; i++) {
    const c = name.charCodeAt(i);
    out[i] = c <= 0xff ? c : 0;
  }
  return out;
}

function parseHex(s: string): Uint8Array {
  const clean = s.replace(/[\s,:-]/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`not a hex string: ${s.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(clean, "hex"));
}

function toBigInt(v: string | number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new Error(`not an integer: ${v}`);
    return BigInt(v);
  }
  return BigInt(v.trim()); // "0x1f", "123"
}

function u32le(v: bigint): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, Number(BigInt.asUintN(32, v)), true);
  return out;
}

/**
 * Encodes value data for a type code:
 * - Uint8Array: raw bytes for any type (lets tests write odd sizes, e.g. a 3-byte REG_DWORD);
 * - REG_SZ / REG_EXPAND_SZ: UTF-16LE plus a NUL; REG_LINK: UTF-16LE without NUL;
 * - REG_MULTI_SZ: string[] (or one string), each item + NUL, then a final NUL;
 * - REG_DWORD / REG_DWORD_BIG_ENDIAN: number / bigint / numeric string, 4 bytes (LE / BE);
 * - REG_QWORD: number / bigint / numeric string, 8 bytes LE;
 * - any other type: a hex string (`"0102FF"`, separators allowed) or raw bytes.
 */
export function encodeValueData(type: number, data: ValueData): Uint8Array {
  if (data instanceof Uint8Array) return data;
  switch (type) {
    case 1:
    case 2:
      if (typeof data !== "string") throw new Error("REG_SZ/REG_EXPAND_SZ data must be a string");
      return utf16(data + "\0");
    case 6:
      if (typeof data !== "string") throw new Error("REG_LINK data must be a string");
      return utf16(data);
    case 7: {
      const items = Array.isArray(data) ? data : [String(data)];
      return utf16(items.map((s) => s + "\0").join("") + "\0");
    }
    case 4:
      if (Array.isArray(data)) throw new Error("REG_DWORD data must be a number");
      return u32le(toBigInt(data));
    case 5: {
      if (Array.isArray(data)) throw new Error("REG_DWORD_BIG_ENDIAN data must be a number");
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, Number(BigInt.asUintN(32, toBigInt(data))), false);
      return out;
    }
    case 11: {
      if (Array.isArray(data)) throw new Error("REG_QWORD data must be a number");
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, toBigInt(data)), true);
      return out;
    }
    default:
      if (typeof data === "string") return parseHex(data);
      throw new Error(`data for type ${type} must be a hex string or bytes`);
  }
}

/** Binary SID from `S-1-5-21-…`. */
export function encodeSid(sid: string): Uint8Array {
  const m = /^S-1-(\d+)((?:-\d+)*)$/i.exec(sid.trim());
  if (!m) throw new Error(`bad SID ${sid}`);
  const sub = m[2] ? m[2].slice(1).split("-").map(Number) : [];
  if (sub.length > 15) throw new Error(`too many sub-authorities in ${sid}`);
  const out = new Uint8Array(8 + 4 * sub.length);
  const dv = new DataView(out.buffer);
  out[0] = 1;
  out[1] = sub.length;
  const auth = BigInt(m[1]);
  for (let i = 0; i < 6; i++) out[2 + i] = Number((auth >> BigInt(8 * (5 - i))) & 0xffn);
  sub.forEach((s, i) => dv.setUint32(8 + 4 * i, s >>> 0, true));
  return out;
}

/** Self-relative SECURITY_DESCRIPTOR: header, DACL, owner, group (MS-DTYP 2.4.6). */
export function encodeSecurityDescriptor(spec: SecuritySpec): Uint8Array {
  const aces = spec.aces.map((a) => {
    const sid = encodeSid(a.sid);
    const ace = new Uint8Array(8 + sid.length);
    const dv = new DataView(ace.buffer);
    ace[0] = a.access === "deny" ? 1 : 0;
    ace[1] = (a.flags ?? 0x02) & 0xff;
    dv.setUint16(2, ace.length, true);
    dv.setUint32(4, a.mask >>> 0, true);
    ace.set(sid, 8);
    return ace;
  });
  const aclSize = 8 + aces.reduce((n, a) => n + a.length, 0);
  const owner = encodeSid(spec.owner ?? "S-1-5-32-544");
  const group = encodeSid(spec.group ?? "S-1-5-18");
  const out = new Uint8Array(20 + aclSize + owner.length + group.length);
  const dv = new DataView(out.buffer);
  out[0] = 1; // revision
  dv.setUint16(2, 0x8004, true); // SE_SELF_RELATIVE | SE_DACL_PRESENT
  const daclAt = 20;
  const ownerAt = daclAt + aclSize;
  const groupAt = ownerAt + owner.length;
  dv.setUint32(4, ownerAt, true);
  dv.setUint32(8, groupAt, true);
  dv.setUint32(12, 0, true); // no SACL
  dv.setUint32(16, daclAt, true);
  out[daclAt] = 2; // ACL_REVISION
  dv.setUint16(daclAt + 2, aclSize, true);
  dv.setUint16(daclAt + 4, aces.length, true);
  let p = daclAt + 8;
  for (const a of aces) {
    out.set(a, p);
    p += a.length;
  }
  out.set(owner, ownerAt);
  out.set(group, groupAt);
  return out;
}

/** Security of a root key without an explicit one. */
export const DEFAULT_ROOT_SECURITY: SecuritySpec = {
  owner: "S-1-5-32-544",
  group: "S-1-5-18",
  aces: [
    { sid: "S-1-5-18", access: "allow", mask: 0xf003f, flags: 0x02 },
    { sid: "S-1-5-32-544", access: "allow", mask: 0xf003f, flags: 0x02 },
    { sid: "S-1-5-32-545", access: "allow", mask: 0x20019, flags: 0x02 },
    { sid: "S-1-3-0", access: "allow", mask: 0x10000000, flags: 0x0a },
  ],
};

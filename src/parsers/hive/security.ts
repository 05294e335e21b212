// Self-relative SECURITY_DESCRIPTOR decoding for key `sk` cells (formats.md §2.6, MS-DTYP 2.4).

import type { AclEntry } from "../types.js";

export interface Ace {
  type: number;
  access: "allow" | "deny" | "other";
  flags: number;
  mask: number;
  sid: string | null;
}

export interface SecurityDescriptor {
  control: number;
  owner: string | null;
  group: string | null;
  /** null = no DACL present, or a NULL DACL (see `nullDacl`). */
  dacl: Ace[] | null;
  nullDacl: boolean;
  /** Parse trouble, one sentence each. */
  errors: string[];
}

/** SID string from the binary form at `at` (needs bounds `end`); null when malformed. */
export function readSid(b: Uint8Array, at: number, end: number): { sid: string; size: number } | null {
  if (at + 8 > end || b[at] !== 1) return null;
  const n = b[at + 1];
  if (n > 15 || at + 8 + 4 * n > end) return null;
  let auth = 0;
  for (let i = 0; i < 6; i++) auth = auth * 256 + b[at + 2 + i];
  const dv = new DataView(b.buffer, b.byteOffset);
  let s = `S-1-${auth}`;
  for (let i = 0; i < n; i++) s += `-${dv.getUint32(at + 8 + 4 * i, true)}`;
  return { sid: s, size: 8 + 4 * n };
}

const ALLOW_TYPES = new Set([0x0, 0x5, 0x9, 0xb]);
const DENY_TYPES = new Set([0x1, 0x6, 0xa, 0xc]);
const OBJECT_TYPES = new Set([0x5, 0x6, 0x7, 0x8, 0xb, 0xc, 0xd, 0xf]);

function parseAcl(b: Uint8Array, at: number, end: number, errors: string[]): Ace[] {
  const dv = new DataView(b.buffer, b.byteOffset);
  if (at + 8 > end) {
    errors.push("DACL header lies outside the descriptor");
    return [];
  }
  const size = dv.getUint16(at + 2, true);
  const count = dv.getUint16(at + 4, true);
  const aclEnd = Math.min(end, at + size);
  if (at + size > end) errors.push(`DACL size ${size} runs past the descriptor`);
  const aces: Ace[] = [];
  let p = at + 8;
  for (let i = 0; i < count; i++) {
    if (p + 8 > aclEnd) {
      errors.push(`DACL declares ${count} ACEs but only ${i} fit`);
      break;
    }
    const type = b[p];
    const flags = b[p + 1];
    const aceSize = dv.getUint16(p + 2, true);
    if (aceSize < 8 || p + aceSize > aclEnd) {
      errors.push(`ACE ${i} has a bad size ${aceSize}`);
      break;
    }
    const mask = dv.getUint32(p + 4, true);
    let sidAt = p + 8;
    if (OBJECT_TYPES.has(type) && sidAt + 4 <= p + aceSize) {
      const objFlags = dv.getUint32(sidAt, true);
      sidAt += 4 + (objFlags & 1 ? 16 : 0) + (objFlags & 2 ? 16 : 0);
    }
    const sid = readSid(b, sidAt, p + aceSize);
    if (!sid) errors.push(`ACE ${i} has a malformed SID`);
    aces.push({
      type,
      access: ALLOW_TYPES.has(type) ? "allow" : DENY_TYPES.has(type) ? "deny" : "other",
      flags,
      mask,
      sid: sid ? sid.sid : null,
    });
    p += aceSize;
  }
  return aces;
}

/** Decodes a self-relative descriptor occupying `b[at, end)`. Never throws. */
export function parseSecurityDescriptor(b: Uint8Array, at: number, end: number): SecurityDescriptor {
  const errors: string[] = [];
  const sd: SecurityDescriptor = { control: 0, owner: null, group: null, dacl: null, nullDacl: false, errors };
  if (at + 20 > end) {
    errors.push("security descriptor shorter than its 20-byte header");
    return sd;
  }
  const dv = new DataView(b.buffer, b.byteOffset);
  if (b[at] !== 1) errors.push(`security descriptor revision ${b[at]} (expected 1)`);
  sd.control = dv.getUint16(at + 2, true);
  if (!(sd.control & 0x8000)) errors.push("security descriptor is not self-relative");
  const ownerOff = dv.getUint32(at + 4, true);
  const groupOff = dv.getUint32(at + 8, true);
  const daclOff = dv.getUint32(at + 16, true);
  const len = end - at;
  if (ownerOff) {
    const s = ownerOff < len ? readSid(b, at + ownerOff, end) : null;
    if (s) sd.owner = s.sid;
    else errors.push("owner SID is malformed or outside the descriptor");
  }
  if (groupOff) {
    const s = groupOff < len ? readSid(b, at + groupOff, end) : null;
    if (s) sd.group = s.sid;
    else errors.push("group SID is malformed or outside the descriptor");
  }
  if (sd.control & 0x0004) {
    if (daclOff === 0) sd.nullDacl = true;
    else if (daclOff >= len) errors.push("DACL offset lies outside the descriptor");
    else sd.dacl = parseAcl(b, at + daclOff, end, errors);
  }
  return sd;
}

/** Names of well-known SIDs as an English system prints them. */
export const WELL_KNOWN_SIDS: Record<string, string> = {
  "S-1-0-0": "NULL SID",
  "S-1-1-0": "Everyone",
  "S-1-2-0": "LOCAL",
  "S-1-3-0": "CREATOR OWNER",
  "S-1-3-1": "CREATOR GROUP",
  "S-1-3-4": "OWNER RIGHTS",
  "S-1-5-2": "NT AUTHORITY\\NETWORK",
  "S-1-5-4": "NT AUTHORITY\\INTERACTIVE",
  "S-1-5-6": "NT AUTHORITY\\SERVICE",
  "S-1-5-7": "NT AUTHORITY\\ANONYMOUS LOGON",
  "S-1-5-9": "NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS",
  "S-1-5-10": "NT AUTHORITY\\SELF",
  "S-1-5-11": "NT AUTHORITY\\Authenticated Users",
  "S-1-5-12": "NT AUTHORITY\\RESTRICTED",
  "S-1-5-18": "NT AUTHORITY\\SYSTEM",
  "S-1-5-19": "NT AUTHORITY\\LOCAL SERVICE",
  "S-1-5-20": "NT AUTHORITY\\NETWORK SERVICE",
  "S-1-5-32-544": "BUILTIN\\Administrators",
  "S-1-5-32-545": "BUILTIN\\Users",
  "S-1-5-32-546": "BUILTIN\\Guests",
  "S-1-5-32-547": "BUILTIN\\Power Users",
  "S-1-5-32-551": "BUILTIN\\Backup Operators",
  "S-1-5-32-555": "BUILTIN\\Remote Desktop Users",
  "S-1-5-32-573": "BUILTIN\\Event Log Readers",
  "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464": "NT SERVICE\\TrustedInstaller",
  "S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833": "NT SERVICE\\SessionEnv",
  "S-1-15-2-1": "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES",
  "S-1-15-2-2": "APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION PACKAGES",
};

/** `F` for KEY_ALL_ACCESS, `R` for KEY_READ, else `0x` + lowercase hex. */
export function keyRights(mask: number): string {
  const m = mask >>> 0;
  if (m === 0xf003f) return "F";
  if (m === 0x20019) return "R";
  return "0x" + m.toString(16);
}

export function aceFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & 0x01) out.push("OI");
  if (flags & 0x02) out.push("CI");
  if (flags & 0x08) out.push("IO");
  if (flags & 0x04) out.push("NP");
  return out;
}

/** AclEntry rows of a DACL (access ACEs only; audit/label ACEs are skipped). */
export function aclRows(path: string, sd: SecurityDescriptor): AclEntry[] {
  const rows: AclEntry[] = [];
  for (const ace of sd.dacl ?? []) {
    if (ace.access === "other") continue;
    rows.push({
      path,
      principal: ace.sid ? WELL_KNOWN_SIDS[ace.sid] ?? ace.sid : "(malformed SID)",
      sid: ace.sid,
      access: ace.access,
      rights: keyRights(ace.mask),
      mask: ace.mask >>> 0,
      flags: aceFlagNames(ace.flags),
      inherited: (ace.flags & 0x10) !== 0,
      line: 0,
    });
  }
  return rows;
}

import type { StoredAcl } from "../../store/evidence.js";
import type { CertStatusSubCause } from "../data/statusCodes.js";
import type { Bilingual } from "./text.js";

// ACL primitives shared by the MachineKeys analysis and the certificate-store key check: well-known
// SIDs, which groups reach the service accounts, access masks, and the faults they add up to.

export const SID = {
  everyone: "S-1-1-0",
  service: "S-1-5-6",
  authenticatedUsers: "S-1-5-11",
  system: "S-1-5-18",
  networkService: "S-1-5-20",
  administrators: "S-1-5-32-544",
  users: "S-1-5-32-545",
} as const;

/** Groups whose ACEs reach TermService's account (NETWORK SERVICE) or SYSTEM (SessionEnv) through their tokens. */
export const REACHES_NETWORK_SERVICE: string[] = [SID.networkService, SID.everyone, SID.authenticatedUsers, SID.users, SID.service];
export const REACHES_SYSTEM: string[] = [SID.system, SID.everyone, SID.authenticatedUsers, SID.administrators];

export type AclFaultKind =
  | "key-deny"
  | "key-no-network-service-read"
  | "key-no-system-full"
  | "key-missing"
  | "folder-deny"
  | "folder-hardened"
  | "store-deny";

export interface AclFault {
  kind: AclFaultKind;
  /** fault: by itself keeps the listener from its key. suspicious: worth a look, never decisive. */
  strength: "fault" | "suspicious";
  /** Object path as the dump printed it. */
  path: string;
  /** The dump it was read from. */
  source: string;
  /** The ACEs that show it (the deny ACEs; or every ACE of the object when a grant is missing). */
  entries: StoredAcl[];
  /** The sub-cause this fault points to. */
  subCause: CertStatusSubCause;
}

export const ACL_FAULT_TEXT: Record<AclFaultKind, Bilingual> = {
  "key-deny": {
    en: "the RDP key container denies SYSTEM or NETWORK SERVICE",
    ja: "RDP のキー コンテナーに SYSTEM または NETWORK SERVICE への拒否 (DENY) エントリがあります",
  },
  "key-no-network-service-read": {
    en: "NETWORK SERVICE (TermService) has no read access to the RDP key container",
    ja: "NETWORK SERVICE (TermService) に RDP のキー コンテナーの読み取り権限がありません",
  },
  "key-no-system-full": {
    en: "SYSTEM has no Full Control on the RDP key container",
    ja: "SYSTEM に RDP のキー コンテナーのフル コントロール権限がありません",
  },
  "key-missing": {
    en: "the RDP key container file is missing from MachineKeys",
    ja: "MachineKeys に RDP のキー コンテナー ファイルがありません",
  },
  "folder-deny": {
    en: "the MachineKeys folder denies SYSTEM or NETWORK SERVICE",
    ja: "MachineKeys フォルダーに SYSTEM または NETWORK SERVICE への拒否 (DENY) エントリがあります",
  },
  "store-deny": {
    en: "the Remote Desktop certificate store's registry key denies SYSTEM or NETWORK SERVICE, so no certificate can be created",
    ja: "Remote Desktop 証明書ストアのレジストリ キーに SYSTEM または NETWORK SERVICE への拒否 (DENY) エントリがあり、証明書を作成できません",
  },
  "folder-hardened": {
    en: "the MachineKeys folder no longer lets services create key files (Everyone:(R,W) was removed or narrowed)",
    ja: "MachineKeys フォルダーの既定のアクセス許可 (Everyone:(R,W)) が削除または縮小され、サービスがキー ファイルを作成できません",
  },
};

/** The ACE's SID: filled by the parser for well-known principals, or printed raw when unresolvable. */
export function sidOf(ace: StoredAcl): string | null {
  if (ace.sid) return ace.sid.toUpperCase();
  const raw = ace.principal.trim();
  return /^S-1-[0-9-]+$/i.test(raw) ? raw.toUpperCase() : null;
}

export function reaches(ace: StoredAcl, sids: string[]): boolean {
  const sid = sidOf(ace);
  return sid !== null && sids.includes(sid);
}

const GENERIC_ALL = 0x10000000;
const GENERIC_READ = 0x80000000;
const READ_DATA = 0x1;
export const WRITE_DATA = 0x2;
const FULL = 0x1f01ff;
export const READ_ANY = READ_DATA | GENERIC_READ | GENERIC_ALL;

// icacls spellings (formats.md §3.1), used when the parser could not compute the mask.
const RIGHTS: Record<string, number> = {
  F: FULL, M: 0x1301bf, RX: 0x1200a9, R: 0x120089, W: 0x100116, D: 0x10000, N: 0,
  DE: 0x10000, RC: 0x20000, WDAC: 0x40000, WO: 0x80000, S: 0x100000, AS: 0x1000000, MA: 0x2000000,
  GR: GENERIC_READ, GW: 0x40000000, GE: 0x20000000, GA: GENERIC_ALL,
  RD: 0x1, WD: 0x2, AD: 0x4, REA: 0x8, WEA: 0x10, X: 0x20, DC: 0x40, RA: 0x80, WA: 0x100,
};

export function maskOf(ace: StoredAcl): number {
  if (ace.mask !== null) return ace.mask >>> 0;
  let mask = 0;
  for (const token of ace.rights.split(",")) mask |= RIGHTS[token.trim().toUpperCase()] ?? 0;
  return mask >>> 0;
}

export function grantsRead(mask: number): boolean {
  return (mask & READ_ANY) !== 0;
}

export function grantsFull(mask: number): boolean {
  return (mask & GENERIC_ALL) !== 0 || (mask & FULL) === FULL;
}


import type { EvidenceIndex, StoredAcl } from "../../store/evidence.js";
import { RDP_KEY_FILE_PREFIX } from "./certificateStore.js";
import {
  REACHES_NETWORK_SERVICE,
  REACHES_SYSTEM,
  READ_ANY,
  SID,
  WRITE_DATA,
  grantsFull,
  grantsRead,
  maskOf,
  reaches,
  sidOf,
  type AclFault,
} from "./acl.js";

// What the MachineKeys ACL dump says about the RDP listener's key (scenarios.md §1.4).
//
// - The folder's Windows default is Everyone:(R,W) + Administrators:(F), this folder only, no
//   inheritance. That is healthy and must never be reported.
// - The live container is f686aace…_<MachineGuid>. It needs SYSTEM Full and NETWORK SERVICE Read.
// - Other f686aace…_* files (other GUIDs, .bak copies) are leftovers and are never faults.

export interface MachineKeysAclAnalysis {
  /** Any ACE of RSA\MachineKeys or its files in the evidence. */
  collected: boolean;
  /** At least one dump lists the folder's files (icacls /t), so a missing file means something. */
  listsFiles: boolean;
  folderPath: string | null;
  /** Folder ACL equals the Windows default; null when the folder itself is not in the dump. */
  folderIsDefault: boolean | null;
  /** f686aace…_<MachineGuid>, or null without a MachineGuid. */
  liveKeyName: string | null;
  /** Whether the live file is in the dump; null when that cannot be told. */
  liveKeyFound: boolean | null;
  faults: AclFault[];
  /** f686aace…_* files that are not the live container. */
  leftovers: string[];
}

export interface MachineKeysAclOptions {
  machineGuid: string | null;
  /**
   * Whether a TSSecKeySet1 file must exist: true when the Remote Desktop store holds a certificate
   * whose key is TSSecKeySet1, false when the store was collected and holds none (Windows creates the
   * pair at the next start) or uses a CNG key, null when unknown.
   */
  keyFileExpected: boolean | null;
}

const FOLDER = /(?:^|\\)MachineKeys\\?$/i;
const FILE = /(?:^|\\)MachineKeys\\([^\\]+)$/i;
const NOT_RSA = /\\DSS\\MachineKeys(?:\\|$)/i;

export function analyzeMachineKeysAcl(evidence: EvidenceIndex, options: MachineKeysAclOptions): MachineKeysAclAnalysis {
  const entries = evidence.acl(/(?:^|\\)MachineKeys(?:\\[^\\]+)?\\?$/i).filter((e) => !NOT_RSA.test(e.path));
  const guid = options.machineGuid?.trim().toLowerCase() || null;
  const liveKeyName = guid ? `${RDP_KEY_FILE_PREFIX}_${guid}` : null;

  // Group per dump and object: a listing and an SDDL dump of the same folder are judged separately.
  const folders = groupBy(entries.filter((e) => FOLDER.test(e.path)), (e) => e.source);
  const files = groupBy(
    entries.filter((e) => FILE.test(e.path)),
    (e) => `${e.source}|${fileName(e.path).toLowerCase()}`,
  );
  const sourcesListingFiles = new Set([...files.values()].map((g) => g[0].source));
  const fileNames = new Set([...files.values()].map((g) => fileName(g[0].path).toLowerCase()));

  const faults: AclFault[] = [];
  const add = (fault: AclFault) => {
    if (!faults.some((f) => f.kind === fault.kind && fileName(f.path).toLowerCase() === fileName(fault.path).toLowerCase())) {
      faults.push(fault);
    }
  };

  // The folder.
  let folderIsDefault: boolean | null = null;
  let folderPath: string | null = null;
  for (const aces of folders.values()) {
    folderPath ??= aces[0].path;
    const isDefault = isDefaultFolderAcl(aces);
    folderIsDefault = folderIsDefault === null ? isDefault : folderIsDefault && isDefault;
    if (isDefault) continue;
    const denies = aces.filter((a) => a.access === "deny" && reaches(a, [...REACHES_SYSTEM, ...REACHES_NETWORK_SERVICE]));
    if (denies.length) add({ kind: "folder-deny", strength: "fault", path: aces[0].path, source: aces[0].source, entries: denies, subCause: "access-denied" });
    const canCreate = aces.some((a) => a.access === "allow" && !a.flags.includes("IO") && reaches(a, REACHES_NETWORK_SERVICE) && (maskOf(a) & WRITE_DATA) !== 0);
    if (!canCreate) add({ kind: "folder-hardened", strength: "suspicious", path: aces[0].path, source: aces[0].source, entries: aces, subCause: "access-denied" });
  }

  // The key container files: the live one when the MachineGuid is known, else every f686 file (suspicious only).
  const leftovers: string[] = [];
  for (const aces of files.values()) {
    const name = fileName(aces[0].path).toLowerCase();
    if (!name.startsWith(RDP_KEY_FILE_PREFIX + "_")) continue;
    const isLive = liveKeyName !== null && name === liveKeyName;
    if (liveKeyName !== null && !isLive) {
      if (!leftovers.includes(fileName(aces[0].path))) leftovers.push(fileName(aces[0].path));
      continue;
    }
    const strength = isLive ? "fault" : "suspicious";
    for (const fault of keyFileFaults(aces)) add({ ...fault, strength });
  }

  let liveKeyFound: boolean | null = null;
  if (liveKeyName && sourcesListingFiles.size > 0) {
    liveKeyFound = fileNames.has(liveKeyName);
    if (!liveKeyFound && options.keyFileExpected !== false) {
      add({
        kind: "key-missing",
        strength: "fault",
        path: `${folderPath ?? "MachineKeys"}\\${liveKeyName}`,
        source: [...sourcesListingFiles][0],
        entries: [],
        subCause: "keyset-missing",
      });
    }
  }

  return {
    collected: entries.length > 0,
    listsFiles: sourcesListingFiles.size > 0,
    folderPath,
    folderIsDefault,
    liveKeyName,
    liveKeyFound,
    faults,
    leftovers,
  };
}

function keyFileFaults(aces: StoredAcl[]): Omit<AclFault, "strength">[] {
  const { path, source } = aces[0];
  const effective = aces.filter((a) => !a.flags.includes("IO"));
  const out: Omit<AclFault, "strength">[] = [];
  const denies = effective.filter(
    (a) =>
      a.access === "deny" &&
      (reaches(a, REACHES_SYSTEM) || (reaches(a, REACHES_NETWORK_SERVICE) && (maskOf(a) & READ_ANY) !== 0)),
  );
  if (denies.length) out.push({ kind: "key-deny", path, source, entries: denies, subCause: "access-denied" });
  const allows = effective.filter((a) => a.access === "allow");
  if (!allows.some((a) => reaches(a, REACHES_NETWORK_SERVICE) && grantsRead(maskOf(a)))) {
    out.push({ kind: "key-no-network-service-read", path, source, entries: aces, subCause: "access-denied" });
  }
  if (!allows.some((a) => reaches(a, REACHES_SYSTEM) && grantsFull(maskOf(a)))) {
    out.push({ kind: "key-no-system-full", path, source, entries: aces, subCause: "access-denied" });
  }
  return out;
}

/** FILE_GENERIC_READ | FILE_GENERIC_WRITE, which icacls prints as (R,W). */
const DEFAULT_EVERYONE_MASK = 0x12019f;

/** Everyone:(R,W) + Administrators:(F), nothing else, no inheritance either way. */
export function isDefaultFolderAcl(aces: StoredAcl[]): boolean {
  if (aces.length !== 2) return false;
  if (aces.some((a) => a.access !== "allow" || a.inherited || a.flags.length > 0)) return false;
  const everyone = aces.find((a) => sidOf(a) === SID.everyone);
  const admins = aces.find((a) => sidOf(a) === SID.administrators);
  return !!everyone && !!admins && maskOf(everyone) === DEFAULT_EVERYONE_MASK && grantsFull(maskOf(admins));
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf("\\") + 1);
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item).toLowerCase();
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

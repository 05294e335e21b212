// What the rescue-VM collector must gather, derived from the scenarios' declared needs
// (Scenario.needs): event log files, folders whose ACL to dump, registry keys to export. A new
// scenario's needs reach the collector through this plan without anyone editing the script.

import type { EvidenceNeed, Scenario } from "../scenarios/types.js";

/** Always collected, whatever the scenarios declare (scenarios.md §6). */
export const MACHINEKEYS_PATH = "ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys";
/** Hives copied raw (with their transaction logs) and, with -LoadHives, loaded from a working copy. */
export const HIVES = ["SYSTEM", "SOFTWARE"] as const;
export type HiveName = (typeof HIVES)[number];
/** Select is always exported with the hives: it says which ControlSet00N is CurrentControlSet. */
export const SELECT_KEY = "HKLM\\SYSTEM\\Select";

/**
 * Collected whatever the scenarios declare: the evidence list of scenarios.md §6, so a report can
 * always evaluate policy first, name the machine and its locale, and a scenario added later finds
 * the usual keys already in older collections. All small keys.
 */
export const BASELINE_REGISTRY: readonly string[] = [
  SELECT_KEY,
  "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server",
  "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
  "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa",
  "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName",
  "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage",
  "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\Language",
  ...["TermService", "SessionEnv", "UmRdpService", "Dhcp", "Tssdis", "SharedAccess", "Tcpip", "MpsSvc", "BFE"].map(
    (s) => `HKLM\\SYSTEM\\CurrentControlSet\\Services\\${s}`,
  ),
  "HKLM\\SOFTWARE\\Microsoft\\Cryptography",
  "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates",
  "HKLM\\SOFTWARE\\Policies",
  "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
  "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
  "HKLM\\SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache",
];

/** ACLs dumped whatever the scenarios declare (scenarios.md §6): the RSA and CNG machine key stores. */
export const BASELINE_ACLS: readonly string[] = [MACHINEKEYS_PATH, "ProgramData\\Microsoft\\Crypto\\Keys"];

export interface NeedRef {
  scenario: string;
  need: string;
}

export interface EventLogTarget {
  /** File name under Windows\System32\winevt\Logs. */
  file: string;
  needs: NeedRef[];
}

export interface AclTarget {
  /** Path below the drive root, backslashes, no leading backslash. */
  path: string;
  /** Base name of the output files (acl\<name>.txt listing, acl\<name>.sddl /save form). */
  name: string;
  needs: NeedRef[];
}

export interface RegistryTarget {
  /** Logical key as the scenarios write it (HKLM\SYSTEM\CurrentControlSet\…, HKLM\SOFTWARE\…). */
  logical: string;
  hive: HiveName;
  /** True when the key lies under CurrentControlSet: the script substitutes ControlSet00N from Select\Current. */
  currentControlSet: boolean;
  /** Path below the hive root (below the control set when currentControlSet); "" = the hive root. */
  subKey: string;
  /** Base name of the output file (reg\<name>.reg). */
  name: string;
  needs: NeedRef[];
}

export interface UncollectableNeed extends NeedRef {
  kind: EvidenceNeed["kind"];
  path: string;
  reason: string;
}

export interface CollectionPlan {
  scenarios: string[];
  eventLogs: EventLogTarget[];
  acls: AclTarget[];
  registry: RegistryTarget[];
  /** Needs for a whole hive (HKLM\SYSTEM, HKLM\SOFTWARE): met by the raw hive copy, not by a .reg export. */
  hiveRoots: { hive: HiveName; needs: NeedRef[] }[];
  /** Needs this collector cannot gather (hives other than SYSTEM/SOFTWARE, malformed paths). */
  uncollectable: UncollectableNeed[];
}

// ---------------------------------------------------------------------------------------------

/** Builds the plan; targets are merged when one contains another (icacls /t, reg export recurse). */
export function planCollection(scenarios: Scenario[]): CollectionPlan {
  const eventLogs = new Map<string, EventLogTarget>();
  const acls: { path: string; needs: NeedRef[] }[] = BASELINE_ACLS.map((path) => ({ path, needs: [] }));
  const registry: Omit<RegistryTarget, "name">[] = [];
  const uncollectable: UncollectableNeed[] = [];
  const hiveRoots: { hive: HiveName; needs: NeedRef[] }[] = [];
  for (const key of BASELINE_REGISTRY) addRegistry(registry, parseLogicalKey(key)!, key, null);

  for (const scenario of scenarios) {
    for (const need of scenario.needs) {
      const ref: NeedRef = { scenario: scenario.id, need: need.id };
      const fail = (reason: string) => uncollectable.push({ ...ref, kind: need.kind, path: need.path, reason });
      switch (need.kind) {
        case "evtx": {
          const file = eventLogFileName(need.path);
          if (!file) {
            fail("not an .evtx file name under Windows\\System32\\winevt\\Logs");
            break;
          }
          const key = file.toLowerCase();
          const t = eventLogs.get(key) ?? { file, needs: [] };
          t.needs.push(ref);
          eventLogs.set(key, t);
          break;
        }
        case "acl": {
          const p = drivePath(need.path);
          if (!p) {
            fail("not a path below the drive root");
            break;
          }
          const existing = acls.find((a) => a.path.toLowerCase() === p.toLowerCase());
          if (existing) existing.needs.push(ref);
          else acls.push({ path: p, needs: [ref] });
          break;
        }
        case "registry": {
          const parsed = parseLogicalKey(need.path);
          if (!parsed) {
            fail("only keys of the SYSTEM and SOFTWARE hives (HKLM\\SYSTEM\\…, HKLM\\SOFTWARE\\…) can be collected from the disk");
            break;
          }
          if (parsed.subKey === "" && !parsed.currentControlSet) {
            const root = hiveRoots.find((h) => h.hive === parsed.hive) ?? hiveRoots[hiveRoots.push({ hive: parsed.hive, needs: [] }) - 1];
            root.needs.push(ref);
            break;
          }
          addRegistry(registry, parsed, need.path, ref);
          break;
        }
        default:
          fail(`unknown evidence kind ${(need as EvidenceNeed).kind}`);
      }
    }
  }

  return {
    scenarios: scenarios.map((s) => s.id),
    eventLogs: [...eventLogs.values()],
    acls: nameTargets(mergeContained(acls, (a) => a.path)),
    registry: nameRegistry(mergeContained(registry, (r) => `${r.hive}\\${r.currentControlSet ? "CurrentControlSet\\" : ""}${r.subKey}`)),
    hiveRoots,
    uncollectable,
  };
}

/** The need's evtx file name (`System.evtx`), accepting a full Windows\System32\winevt\Logs\… path. */
export function eventLogFileName(p: string): string | null {
  const name = p.split(/[\\/]/).pop() ?? "";
  return /^[^<>:"|?*\u0000-\u001f]+\.evtx$/i.test(name) ? name : null;
}

/** A path below the drive root: backslashes, no drive, no leading separator, no '..'. */
export function drivePath(p: string): string | null {
  const segs = p
    .replace(/^[A-Za-z]:/, "")
    .replace(/^%D%:/i, "")
    .split(/[\\/]+/)
    .filter((s) => s !== "" && s !== ".");
  if (segs.length === 0 || segs.some((s) => s === ".." || /[<>:"|?*\u0000-\u001f]/.test(s))) return null;
  return segs.join("\\");
}

export interface ParsedKey {
  hive: HiveName;
  currentControlSet: boolean;
  subKey: string;
}

/** HKLM\SYSTEM\CurrentControlSet\X → SYSTEM + CCS + X; HKLM\SYSTEM\Select → SYSTEM + Select; HKLM\SOFTWARE\X → SOFTWARE + X. */
export function parseLogicalKey(key: string): ParsedKey | null {
  const segs = key.split("\\").filter((s) => s !== "");
  if (segs.length < 2 || !/^(HKLM|HKEY_LOCAL_MACHINE)$/i.test(segs[0])) return null;
  const hive = segs[1].toUpperCase();
  if (hive !== "SYSTEM" && hive !== "SOFTWARE") return null;
  if (segs.some((s) => /[\u0000-\u001f]/.test(s))) return null;
  if (hive === "SYSTEM" && segs[2] && /^CurrentControlSet$/i.test(segs[2])) {
    return { hive, currentControlSet: true, subKey: segs.slice(3).join("\\") };
  }
  return { hive, currentControlSet: false, subKey: segs.slice(2).join("\\") };
}

function addRegistry(list: Omit<RegistryTarget, "name">[], parsed: ParsedKey, logical: string, ref: NeedRef | null): void {
  const same = list.find(
    (r) => r.hive === parsed.hive && r.currentControlSet === parsed.currentControlSet && r.subKey.toLowerCase() === parsed.subKey.toLowerCase(),
  );
  if (same) {
    if (ref) same.needs.push(ref);
    return;
  }
  list.push({ logical: canonicalLogical(parsed), ...parsed, needs: ref ? [ref] : [] });
}

function canonicalLogical(k: ParsedKey): string {
  return ["HKLM", k.hive, k.currentControlSet ? "CurrentControlSet" : "", k.subKey].filter((s) => s !== "").join("\\");
}

/** Drops targets that lie inside another target (their needs move to the container), keeping order. */
function mergeContained<T extends { needs: NeedRef[] }>(items: T[], keyOf: (t: T) => string): T[] {
  const keys = items.map((t) => keyOf(t).toLowerCase());
  const kept: T[] = [];
  items.forEach((t, i) => {
    const container = items.findIndex((_, j) => j !== i && keys[j] !== keys[i] && keys[i].startsWith(`${keys[j]}\\`));
    if (container >= 0) {
      // Find the outermost container so needs land on a target that is kept.
      let outer = container;
      for (;;) {
        const next = items.findIndex((_, j) => j !== outer && keys[outer].startsWith(`${keys[j]}\\`));
        if (next < 0) break;
        outer = next;
      }
      items[outer].needs.push(...t.needs);
      return;
    }
    kept.push(t);
  });
  return kept;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80) || "item";
}

function nameTargets(items: { path: string; needs: NeedRef[] }[]): AclTarget[] {
  const used = new Set<string>();
  return items.map((t) => {
    const segs = t.path.split("\\");
    let name = slug(segs[segs.length - 1]);
    for (let k = 2; used.has(name) && k <= segs.length; k++) name = slug(segs.slice(-k).join("-"));
    for (let n = 2; used.has(name); n++) name = `${slug(segs[segs.length - 1])}-${n}`;
    used.add(name);
    return { path: t.path, name, needs: t.needs };
  });
}

function nameRegistry(items: Omit<RegistryTarget, "name">[]): RegistryTarget[] {
  const used = new Set<string>();
  return items.map((t) => {
    const segs = t.subKey.split("\\").filter((s) => s !== "");
    const base = segs.length === 0 ? t.hive : segs[segs.length - 1];
    let name = slug(`${t.hive}-${base}`);
    for (let k = 2; used.has(name) && k <= segs.length; k++) name = slug(`${t.hive}-${segs.slice(-k).join("-")}`);
    for (let n = 2; used.has(name); n++) name = `${slug(`${t.hive}-${base}`)}-${n}`;
    used.add(name);
    return { ...t, name };
  });
}

// Registry key paths as dumps print them → one logical form the scenarios query.
//
// Offline, hives are loaded under a mount name (`HKLM\BROKENSYSTEM`, `HKLM\BROKENSOFTWARE`, any
// other name an engineer chose) and `CurrentControlSet` does not exist: `Select\Current = N` says
// which `ControlSet00N` is the current one (formats.md §2.8, scenarios.md §0.1). Logical keys read
// `HKLM\SYSTEM\CurrentControlSet\…` for the current set and `HKLM\SOFTWARE\…`; a control set that
// is not the current one keeps its own name (`HKLM\SYSTEM\ControlSet001\…`), so stale sets never
// masquerade as the configuration in effect.

import type { Problem, RegistryKey, RegistryValue } from "./types.js";

export type RegistryHive = "SYSTEM" | "SOFTWARE" | "SECURITY" | "SAM" | "DEFAULT" | "NTUSER" | "UNKNOWN";

export interface LogicalRegistryKey {
  /** `HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server`; components after the prefix keep their case. */
  key: string;
  hive: RegistryHive;
  /** The control set the key lies in (N of ControlSet00N, or the current one for CurrentControlSet), else null. */
  controlSet: number | null;
  /** What had to be assumed to produce `key`, when anything was. */
  assumption?: string;
}

/** What the registry text parsers return. */
/**
 * Where a registry dump's line reader (regFile.ts, regQuery.ts) sends what it finds, line by line;
 * `key` is left "": the dump's control set is decided at its end (normalizeRegistryKeys, ControlSetChoice).
 */
export interface RegistryRowSink {
  key(k: RegistryKey): void;
  value(v: RegistryValue): void;
}

export interface RegistryDumpResult {
  values: RegistryValue[];
  keys: RegistryKey[];
  problems: Problem[];
  /** The control set mapped to CurrentControlSet (given, from Select\Current, or assumed); null if none. */
  currentControlSet: number | null;
}

const ROOTS: Record<string, string> = {
  hkey_local_machine: "HKLM", hklm: "HKLM",
  hkey_current_user: "HKCU", hkcu: "HKCU",
  hkey_users: "HKU", hku: "HKU",
  hkey_classes_root: "HKCR", hkcr: "HKCR",
  hkey_current_config: "HKCC", hkcc: "HKCC",
};

/** First-level subkeys that only one hive has. */
const SYSTEM_ROOT_SUBKEYS = /^(?:ControlSet\d{3}|Select|MountedDevices|DriverDatabase|HardwareConfig|ResourceManager|ResourcePolicyStore|RNG|WPA|CurrentControlSet)$/i;
const SOFTWARE_ROOT_SUBKEYS = /^(?:Microsoft|Policies|Classes|WOW6432Node|Clients|RegisteredApplications|ODBC)$/i;
const SECURITY_ROOT_SUBKEYS = /^(?:Policy|RXACT|Cache)$/i;

const CONTROL_SET = /^ControlSet(\d{3})$/i;

function hiveFromMountName(mount: string): RegistryHive | null {
  const m = mount.toUpperCase();
  if (m.includes("SOFTWARE")) return "SOFTWARE";
  if (m.includes("SYSTEM")) return "SYSTEM";
  if (m.includes("SECURITY")) return "SECURITY";
  if (m.includes("NTUSER")) return "NTUSER";
  if (m.includes("DEFAULT")) return "DEFAULT";
  if (m.includes("SAM")) return "SAM";
  if (m.includes("SOFT") || /(?:^|[^A-Z])SW(?:$|[^A-Z])/.test(m)) return "SOFTWARE";
  if (m.includes("SYS")) return "SYSTEM";
  if (m.includes("USER")) return "NTUSER";
  return null;
}

/** Which hive `HKLM\<mount>` holds: the live names, then what lies below it, then the mount's name. */
function hiveOfMount(mount: string, firstSubkey: string | undefined): RegistryHive {
  const m = mount.toUpperCase();
  if (m === "SYSTEM" || m === "SOFTWARE" || m === "SECURITY" || m === "SAM") return m;
  if (m === "HARDWARE" || m.startsWith("BCD")) return "UNKNOWN";
  if (firstSubkey !== undefined) {
    if (SYSTEM_ROOT_SUBKEYS.test(firstSubkey)) return "SYSTEM";
    if (SOFTWARE_ROOT_SUBKEYS.test(firstSubkey)) return "SOFTWARE";
    if (SECURITY_ROOT_SUBKEYS.test(firstSubkey)) return "SECURITY";
  }
  return hiveFromMountName(mount) ?? "UNKNOWN";
}

function pad3(n: number): string {
  return String(n).padStart(3, "0");
}

/** `ControlSet00N`. */
export function controlSetName(n: number): string {
  return `ControlSet${pad3(n)}`;
}

/** Problem code of a dump whose current control set had to be assumed (no `Select\Current` in it). */
export const CONTROLSET_ASSUMED = "registry.controlset-assumed";

/** What a dump without `Select\Current` assumed: the lowest control set it holds is the current one. */
export function controlSetAssumedNote(lowest: number): string {
  return `Select\\Current not found; assumed the lowest control set present, ${controlSetName(lowest)}, is the current one`;
}

/** A plausible `Select\Current` value (a control set number 1-999). */
export function isSelectCurrentValue(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 999;
}

/**
 * The mount a raw key lies under, as `<root>\<mount>` in lower case (`hklm\brokensystem`, whatever spelling
 * of the root the dump used; a key without a root lies under HKLM, as logicalRegistryKey reads it), and
 * the components below the mount; null for a root alone.
 */
export function registryMount(rawKey: string): { mount: string; rest: string[] } | null {
  const parts = rawKey.trim().split("\\").filter((p) => p !== "");
  if (parts.length === 0) return null;
  const root = ROOTS[parts[0].toLowerCase()];
  const [mount, ...rest] = root ? parts.slice(1) : parts;
  if (mount === undefined) return null;
  return { mount: `${(root ?? "HKLM").toLowerCase()}\\${mount.toLowerCase()}`, rest };
}

function join(prefix: string, rest: string[]): string {
  return rest.length > 0 ? `${prefix}\\${rest.join("\\")}` : prefix;
}

function systemKey(below: string[], current: number | null): LogicalRegistryKey {
  const [first, ...rest] = below;
  if (first === undefined) return { key: "HKLM\\SYSTEM", hive: "SYSTEM", controlSet: null };
  const set = CONTROL_SET.exec(first);
  if (set) {
    const n = Number(set[1]);
    if (current !== null && n === current) {
      return { key: join("HKLM\\SYSTEM\\CurrentControlSet", rest), hive: "SYSTEM", controlSet: n };
    }
    const result: LogicalRegistryKey = { key: join(`HKLM\\SYSTEM\\ControlSet${pad3(n)}`, rest), hive: "SYSTEM", controlSet: n };
    if (current === null) result.assumption = `current control set unknown: ControlSet${pad3(n)} kept as is`;
    return result;
  }
  if (/^CurrentControlSet$/i.test(first)) {
    return { key: join("HKLM\\SYSTEM\\CurrentControlSet", rest), hive: "SYSTEM", controlSet: current };
  }
  return { key: join("HKLM\\SYSTEM", below), hive: "SYSTEM", controlSet: null };
}

/**
 * Logical form of a key as a dump printed it. `currentControlSet` is `Select\Current` of the SYSTEM
 * hive the key comes from (null when unknown: ControlSet00N then stays as it is).
 *
 * `HKEY_LOCAL_MACHINE\BROKENSYSTEM\ControlSet002\Control` with current 2 → `HKLM\SYSTEM\CurrentControlSet\Control`;
 * `HKLM\BROKENSOFTWARE\Microsoft\Cryptography` → `HKLM\SOFTWARE\Microsoft\Cryptography`;
 * live `HKEY_LOCAL_MACHINE\system\currentcontrolset\control\lsa` → `HKLM\SYSTEM\CurrentControlSet\control\lsa`.
 * A key without a root (`BROKENSYSTEM\Select`) is read as lying under HKLM.
 */
export function logicalRegistryKey(rawKey: string, currentControlSet: number | null): LogicalRegistryKey {
  let parts = rawKey.trim().split("\\").filter((p) => p !== "");
  let assumption: string | undefined;
  if (parts.length === 0) return { key: "", hive: "UNKNOWN", controlSet: null, assumption: "empty key path" };
  let root = ROOTS[parts[0].toLowerCase()];
  if (!root) {
    root = "HKLM";
    parts = ["HKLM", ...parts];
    assumption = "no root key in the path; read as lying under HKLM";
  }
  const below = parts.slice(1);
  const result = logicalBelowRoot(root, below, currentControlSet);
  if (assumption) result.assumption = result.assumption ? `${assumption}; ${result.assumption}` : assumption;
  return result;
}

function logicalBelowRoot(root: string, below: string[], current: number | null): LogicalRegistryKey {
  switch (root) {
    case "HKCU":
      return { key: join("HKCU", below), hive: "NTUSER", controlSet: null };
    case "HKU":
      return { key: join("HKU", below), hive: below[0]?.toUpperCase() === ".DEFAULT" ? "DEFAULT" : below.length > 0 ? "NTUSER" : "UNKNOWN", controlSet: null };
    case "HKCR":
      return { key: join("HKCR", below), hive: "UNKNOWN", controlSet: null };
    case "HKCC":
      return systemKey(["CurrentControlSet", "Hardware Profiles", "Current", ...below], current);
  }
  const [mount, ...rest] = below;
  if (mount === undefined) return { key: "HKLM", hive: "UNKNOWN", controlSet: null };
  const hive = hiveOfMount(mount, rest[0]);
  switch (hive) {
    case "SYSTEM":
      return systemKey(rest, current);
    case "SOFTWARE":
    case "SECURITY":
    case "SAM":
      return { key: join(`HKLM\\${hive}`, rest), hive, controlSet: null };
    case "NTUSER":
      return { key: join("HKCU", rest), hive, controlSet: null, assumption: `user hive mounted as ${mount} read as HKCU` };
    case "DEFAULT":
      return { key: join("HKU\\.DEFAULT", rest), hive, controlSet: null };
    default:
      return { key: join(`HKLM\\${mount}`, rest), hive: "UNKNOWN", controlSet: null };
  }
}

/** Comparison key: registry names are case-insensitive. */
export function registryKeyId(key: string): string {
  return key.normalize("NFC").toLowerCase();
}

/** Whether two keys (raw or logical) name the same logical key, ignoring case. */
export function sameRegistryKey(a: string, b: string): boolean {
  return registryKeyId(logicalRegistryKey(a, null).key) === registryKeyId(logicalRegistryKey(b, null).key);
}

/** `Select\Current` of a SYSTEM hive found among the values of a dump (any mount name), or null. */
export function findSelectCurrent(values: RegistryValue[]): number | null {
  for (const v of values) {
    const current = selectCurrentOf(v);
    if (current !== null) return current;
  }
  return null;
}

/** The control set number when `v` is a SYSTEM hive's `Select\Current` (any mount name), else null. */
function selectCurrentOf(v: Pick<RegistryValue, "name" | "rawKey" | "value">): number | null {
  if (v.name.toLowerCase() !== "current" || !isSelectCurrentValue(v.value)) return null;
  const logical = logicalRegistryKey(v.rawKey, null);
  return logical.hive === "SYSTEM" && registryKeyId(logical.key) === "hklm\\system\\select" ? v.value : null;
}

/**
 * Which control set `CurrentControlSet` means for a dump, decided as its keys and values go by (a dump
 * read in pieces is seen twice: once to decide, once to store). The first `Select\Current` wins; without
 * one, the lowest `ControlSet00N` seen, with an assumption note; a number given by the caller beats both.
 */
export class ControlSetChoice {
  private select: number | null = null;
  private lowest: number | null = null;

  key(rawKey: string): void {
    const logical = logicalRegistryKey(rawKey, null);
    if (logical.hive === "SYSTEM" && logical.controlSet !== null && (this.lowest === null || logical.controlSet < this.lowest)) {
      this.lowest = logical.controlSet;
    }
  }

  value(v: Pick<RegistryValue, "name" | "rawKey" | "value">): void {
    if (this.select === null) this.select = selectCurrentOf(v);
    this.key(v.rawKey);
  }

  decide(given?: number | null): { current: number | null; assumption: string | null } {
    const current = given ?? this.select;
    if (current !== null) return { current, assumption: null };
    return this.lowest === null ? { current: null, assumption: null } : { current: this.lowest, assumption: controlSetAssumedNote(this.lowest) };
  }
}

export interface NormalizedRegistryDump {
  values: RegistryValue[];
  keys: RegistryKey[];
  /** The control set treated as current, null when the dump has no ControlSet00N key. */
  currentControlSet: number | null;
  /** Set when `Select\Current` was neither given nor found and the lowest control set was assumed. */
  assumption: string | null;
}

/**
 * Fills `key` of every value and key of a dump. The current control set is `currentControlSet`
 * when given (e.g. from a separate select.reg), else `Select\Current` found in the dump, else the
 * lowest `ControlSet00N` present, with an assumption note.
 */
export function normalizeRegistryKeys(values: RegistryValue[], keys: RegistryKey[], currentControlSet?: number | null): NormalizedRegistryDump {
  const choice = new ControlSetChoice();
  for (const v of values) choice.value(v);
  for (const k of keys) choice.key(k.rawKey);
  const { current, assumption } = choice.decide(currentControlSet);
  return {
    values: values.map((v) => ({ ...v, key: logicalRegistryKey(v.rawKey, current).key })),
    keys: keys.map((k) => ({ ...k, key: logicalRegistryKey(k.rawKey, current).key })),
    currentControlSet: current,
    assumption,
  };
}

/** Runs `normalizeRegistryKeys` for a parser and turns an assumption into a problem note. */
export function finishRegistryDump(
  values: RegistryValue[],
  keys: RegistryKey[],
  problems: Problem[],
  currentControlSet: number | null | undefined,
): RegistryDumpResult {
  const normalized = normalizeRegistryKeys(values, keys, currentControlSet);
  if (normalized.assumption) problems.push({ code: CONTROLSET_ASSUMED, message: normalized.assumption + "." });
  return { values: normalized.values, keys: normalized.keys, problems, currentControlSet: normalized.currentControlSet };
}

/** Problem collector of the registry text parsers: line locations, and a cap so garbage stays small. */
export interface ProblemLog {
  add(code: string, message: string, line?: number): void;
  /** Appends the count of problems beyond the cap, if any. */
  finish(): void;
}

export function createProblemLog(into: Problem[], codePrefix: string, max = 500): ProblemLog {
  let dropped = 0;
  return {
    add(code, message, line) {
      if (into.length >= max) {
        dropped++;
        return;
      }
      into.push(line === undefined ? { code, message } : { code, message, location: `line ${line}` });
    },
    finish() {
      if (dropped > 0) into.push({ code: `${codePrefix}.problems-truncated`, message: `${dropped} further problems not listed.` });
    },
  };
}

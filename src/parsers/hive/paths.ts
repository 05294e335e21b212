// Raw → logical key mapping, control set resolution and hive naming (formats.md §2.8, scenarios.md §0.1).

import type { HiveFile } from "./reader.js";
import { logicalRegistryKey } from "../registryPath.js";

/**
 * Maps a raw key `HKEY_LOCAL_MACHINE\<mount>\…` to the logical key (`HKLM\SYSTEM\CurrentControlSet\…`,
 * `HKLM\SOFTWARE\…`). The ONE place the hive reader does this; it delegates to the project-wide
 * rules in ../registryPath.ts (mount → hive, current ControlSet00N → CurrentControlSet, other control
 * sets keep their name).
 */
export function toLogicalKey(rawKey: string, currentControlSet: number | null): string {
  return logicalRegistryKey(rawKey, currentControlSet).key;
}

/**
 * `Select\Current` of a SYSTEM hive; without `Select`, the lowest `ControlSetNNN` (reported).
 * null when the hive has no control sets (not a SYSTEM hive).
 */
export function controlSetFromSelect(hive: HiveFile, report: (code: string, message: string) => void): number | null {
  const root = hive.rootKey();
  if (!root) return null;
  const top = hive.subkeys(root);
  const sets = top
    .map((k) => /^ControlSet(\d{3})$/i.exec(k.name))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const select = top.find((k) => k.name.toUpperCase() === "SELECT");
  if (select) {
    const current = hive.values(select).find((v) => v.name.toUpperCase() === "CURRENT");
    if (current && typeof current.value === "number") {
      if (sets.length > 0 && !sets.includes(current.value)) {
        report("hive.select.missing-control-set", `Select\\Current = ${current.value} but ControlSet${String(current.value).padStart(3, "0")} does not exist`);
      }
      return current.value;
    }
    if (sets.length > 0) {
      report("hive.select.no-current", `Select has no DWORD Current; assuming the lowest control set ControlSet${String(sets[0]).padStart(3, "0")}`);
      return sets[0];
    }
    return null;
  }
  if (sets.length > 0) {
    report("hive.select.missing", `no Select key; assuming the lowest control set ControlSet${String(sets[0]).padStart(3, "0")} is current`);
    return sets[0];
  }
  return null;
}

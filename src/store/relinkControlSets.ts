import type { Db } from "./db.js";
import { logicalRegistryKey } from "../parsers/registryPath.js";

/**
 * Engineers often dump `Select` and the `ControlSet00N` keys into separate files. Each parser maps
 * ControlSet00N → CurrentControlSet only with the `Select\Current` it saw itself, so after all sources
 * are stored we map again across sources: every raw key under a mount that has a `Select\Current`
 * anywhere in the evidence is re-normalized with it. Keys already right are left alone.
 */
export function relinkControlSets(db: Db): number {
  const selects = db
    .prepare(
      `SELECT raw_key AS rawKey, value FROM registry_values
       WHERE name = 'Current' COLLATE NOCASE AND raw_key LIKE '%\\Select' ESCAPE '!' AND typeof(value) = 'integer'`,
    )
    .all() as { rawKey: string; value: number }[];
  if (selects.length === 0) return 0;
  const currentByMount = new Map<string, number>();
  for (const s of selects) {
    const mount = s.rawKey.slice(0, -"\\Select".length).toLowerCase();
    if (!currentByMount.has(mount)) currentByMount.set(mount, s.value);
  }
  let changed = 0;
  for (const table of ["registry_values", "registry_keys"] as const) {
    const rows = db.prepare(`SELECT id, key, raw_key AS rawKey FROM ${table}`).all() as {
      id: number;
      key: string;
      rawKey: string;
    }[];
    const update = db.prepare(`UPDATE ${table} SET key = ? WHERE id = ?`);
    db.transaction(() => {
      for (const row of rows) {
        const lower = row.rawKey.toLowerCase();
        for (const [mount, current] of currentByMount) {
          if (!lower.startsWith(mount + "\\")) continue;
          const key = logicalRegistryKey(row.rawKey, current).key;
          if (key !== row.key) {
            update.run(key, row.id);
            changed++;
          }
          break;
        }
      }
    })();
  }
  return changed;
}

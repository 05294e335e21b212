import { createHash } from "node:crypto";
import type { Db } from "./db.js";
import {
  CONTROLSET_ASSUMED,
  controlSetAssumedNote,
  controlSetName,
  isSelectCurrentValue,
  logicalRegistryKey,
  registryMount,
} from "../parsers/registryPath.js";

/** What a registry.controlset-assumed row becomes once a `Select\Current` found in another file of the evidence decided instead. */
export const CONTROLSET_FROM_SELECT = "registry.controlset-from-select";

interface SelectCurrent {
  current: number;
  /** The source the `Select\Current` value was read from. */
  path: string;
}

interface KeyRow {
  id: number;
  sourceId: number;
  key: string;
  rawKey: string;
}

/**
 * Engineers often dump `Select` and the `ControlSet00N` keys into separate files. Each parser maps
 * ControlSet00N → CurrentControlSet only with the `Select\Current` it saw itself, so after all sources
 * are stored we map again across sources: every raw key under a mount that has a `Select\Current`
 * anywhere in the evidence is re-normalized with it. Keys already right are left alone.
 *
 * A dump whose parser had to assume the current control set (a `registry.controlset-assumed` row)
 * gets that row replaced by a note naming the `Select\Current` actually used and the file it came
 * from, so the report never shows an assumption that was not what the keys are linked with. The note
 * is undone (keys and row back to the parser's assumption) when that `Select` is gone on a later run.
 * Everything happens in one transaction. Returns the number of keys and values changed.
 */
export function relinkControlSets(db: Db): number {
  return db.transaction(() => {
    // A pure function of the stored sources: nothing to do when they are what the last relink saw
    // (a re-run over an unchanged folder with a 200,000-value SYSTEM hive would read every row again).
    const state = sourcesState(db);
    const last = db.prepare("SELECT value FROM meta WHERE key = ?").get(RELINKED_KEY) as { value: string } | undefined;
    if (last?.value === state) return 0;
    const changed = relink(db);
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)").run(RELINKED_KEY, state);
    return changed;
  })();
}

/** meta key: the sources (ids and hashes) the last relink ran over. */
const RELINKED_KEY = "registry_relinked";

function sourcesState(db: Db): string {
  const row = db.prepare("SELECT count(*) AS n, group_concat(id || ':' || sha256, ',') AS ids FROM (SELECT id, sha256 FROM sources ORDER BY id)").get() as {
    n: number;
    ids: string | null;
  };
  return createHash("sha256").update(`${row.n}|${row.ids ?? ""}`).digest("hex");
}

/** Rows read per query: memory stays bounded by this, not by the size of the hives and dumps. */
const PAGE = 10_000;

/** Every row of `table` in id order, a page at a time (no statement stays open while the caller writes). */
function* pagedRows(db: Db, table: "registry_values" | "registry_keys"): Generator<KeyRow> {
  const page = db.prepare(`SELECT id, source_id AS sourceId, key, raw_key AS rawKey FROM ${table} WHERE id > ? ORDER BY id LIMIT ${PAGE}`);
  let after = 0;
  for (;;) {
    const rows = page.all(after) as KeyRow[];
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1].id;
  }
}

function relink(db: Db): number {
  const currentByMount = selectCurrentByMount(db);
  // Sources whose control set came from an assumption (still, or replaced by a note from another file).
  const notes = db
    .prepare(`SELECT id, source_id AS sourceId, code, message FROM problems WHERE source_id IS NOT NULL AND code IN (?, ?) ORDER BY id`)
    .all(CONTROLSET_ASSUMED, CONTROLSET_FROM_SELECT) as { id: number; sourceId: number; code: string; message: string }[];
  if (currentByMount.size === 0 && !notes.some((n) => n.code === CONTROLSET_FROM_SELECT)) return 0;
  const assumedSources = new Set(notes.map((n) => n.sourceId));

  const tables = ["registry_values", "registry_keys"] as const;
  // Per assumed source: the lowest SYSTEM control set in it (what its parser assumed) and its mounts.
  const lowestBySource = new Map<number, number>();
  const mountsBySource = new Map<number, Set<string>>();
  const setsBySource = new Map<number, Set<number>>();
  for (const table of tables) {
    if (assumedSources.size === 0) break;
    for (const row of pagedRows(db, table)) {
      if (!assumedSources.has(row.sourceId)) continue;
      const logical = logicalRegistryKey(row.rawKey, null);
      if (logical.hive !== "SYSTEM" || logical.controlSet === null) continue;
      const lowest = lowestBySource.get(row.sourceId);
      if (lowest === undefined || logical.controlSet < lowest) lowestBySource.set(row.sourceId, logical.controlSet);
      addTo(mountsBySource, row.sourceId, mountOf(row.rawKey));
      addTo(setsBySource, row.sourceId, logical.controlSet);
    }
  }

  let changed = 0;
  for (const table of tables) {
    const update = db.prepare(`UPDATE ${table} SET key = ? WHERE id = ?`);
    for (const row of pagedRows(db, table)) {
      // A key under a mount with a Select\Current anywhere follows it; a key of an assumed dump whose
      // mount has none follows its parser's assumption again (the Select it was linked with may be gone).
      const current = currentByMount.get(mountOf(row.rawKey))?.current ?? lowestBySource.get(row.sourceId);
      if (current === undefined) continue;
      const key = logicalRegistryKey(row.rawKey, current).key;
      if (key !== row.key) {
        update.run(key, row.id);
        changed++;
      }
    }
  }

  const rewrite = db.prepare("UPDATE problems SET code = ?, message = ? WHERE id = ?");
  for (const note of notes) {
    const mounts = [...(mountsBySource.get(note.sourceId) ?? [])];
    const lowest = lowestBySource.get(note.sourceId);
    const selects = mounts.map((m) => currentByMount.get(m));
    let code: string;
    let message: string;
    if (mounts.length > 0 && selects.every((s) => s !== undefined)) {
      code = CONTROLSET_FROM_SELECT;
      message = fromSelectMessage(selects as SelectCurrent[], setsBySource.get(note.sourceId) ?? new Set());
    } else if (lowest !== undefined) {
      // What the parser wrote (registryPath.ts normalizeRegistryKeys), unchanged for an unchanged dump.
      code = CONTROLSET_ASSUMED;
      message = `${controlSetAssumedNote(lowest)}.`;
    } else {
      continue;
    }
    if (code !== note.code || message !== note.message) rewrite.run(code, message, note.id);
  }
  return changed;
}

/** `Select\Current` of every mount that has one in the evidence (the first found, in index order). */
function selectCurrentByMount(db: Db): Map<string, SelectCurrent> {
  const selects = db
    .prepare(
      `SELECT v.raw_key AS rawKey, v.value, s.path FROM registry_values v JOIN sources s ON s.id = v.source_id
       WHERE v.name = 'Current' COLLATE NOCASE AND v.raw_key LIKE '%\\Select' ESCAPE '!' AND typeof(v.value) = 'integer'
       ORDER BY v.id`,
    )
    .all() as { rawKey: string; value: number; path: string }[];
  const currentByMount = new Map<string, SelectCurrent>();
  for (const s of selects) {
    if (!isSelectCurrentValue(s.value)) continue;
    const at = registryMount(s.rawKey);
    // Only the mount's own Select (HKLM\<mount>\Select), not a deeper key that happens to be named so.
    if (at === null || at.rest.length !== 1 || at.rest[0].toLowerCase() !== "select") continue;
    if (!currentByMount.has(at.mount)) currentByMount.set(at.mount, { current: s.value, path: s.path });
  }
  return currentByMount;
}

function fromSelectMessage(selects: SelectCurrent[], setsInDump: Set<number>): string {
  const distinct = [...new Map(selects.map((s) => [`${s.current}|${s.path}`, s])).values()];
  return distinct
    .map((s) => {
      const others = [...setsInDump].filter((n) => n !== s.current).sort((a, b) => a - b);
      const stale = others.length
        ? `; ${others.map(controlSetName).join(", ")} in this dump ${others.length > 1 ? "are" : "is"} not the current control set and keep${others.length > 1 ? "" : "s"} ${others.length > 1 ? "their names" : "its name"}`
        : "";
      return `${controlSetName(s.current)} taken as the current control set (CurrentControlSet) from Select\\Current = ${s.current} in ${s.path}${stale}.`;
    })
    .join(" ");
}

/** The mount a raw key lies under (`hklm\\brokensystem`); "" for a root alone. */
function mountOf(rawKey: string): string {
  return registryMount(rawKey)?.mount ?? "";
}

function addTo<T>(map: Map<number, Set<T>>, key: number, value: T): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

import type { Db } from "./db.js";
import type { AclEntry, EventRecord, Problem, RegistryKey, RegistryValue } from "../parsers/types.js";
import { fieldsJson } from "../ingest/evtxRows.js";

export type SourceKind = "evtx" | "icacls" | "reg-query" | "reg-file" | "hive" | "hive-log" | "unknown";

export interface SourceDescription {
  path: string;
  kind: SourceKind;
  sha256: string;
  size: number;
  encoding: string | null;
  mtimeMs?: number;
  info?: unknown;
}

/** Receives one source's parsed content inside its transaction. */
export interface SourceSink {
  event(record: EventRecord): void;
  acl(entry: AclEntry): void;
  registryKey(key: RegistryKey): void;
  registryValue(value: RegistryValue): void;
  problem(problem: Problem): void;
  /** Replace the source's info JSON (e.g. header details known only after parsing). */
  setInfo(info: unknown): void;
  /** The text encoding the dump was decoded with. */
  setEncoding(encoding: string): void;
}

export interface StoredSourceState {
  id: number;
  sha256: string;
  size: number;
  mtimeMs: number | null;
}

/** How often (in rows: events, ACL entries, registry values) storeSource reports progress within one source; a power of two. */
export const RECORDS_PER_PROGRESS = 8192;

/**
 * Writes parsed evidence into the index. Each source is stored in one transaction: its old rows are
 * deleted and the new ones inserted, so an interrupted run leaves every file either at its previous
 * complete state or at the new one, never half of each.
 */
export class IndexWriter {
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      sourceByPath: db.prepare("SELECT id, sha256, size, mtime_ms AS mtimeMs FROM sources WHERE path = ?"),
      deleteEvents: db.prepare("DELETE FROM events WHERE source_id = ?"),
      deleteAcl: db.prepare("DELETE FROM acl_entries WHERE source_id = ?"),
      deleteKeys: db.prepare("DELETE FROM registry_keys WHERE source_id = ?"),
      deleteValues: db.prepare("DELETE FROM registry_values WHERE source_id = ?"),
      deleteProblems: db.prepare("DELETE FROM problems WHERE source_id = ?"),
      deleteSource: db.prepare("DELETE FROM sources WHERE id = ?"),
      insertSource: db.prepare(
        `INSERT INTO sources(path, kind, sha256, size, mtime_ms, encoding, record_count, first_time, last_time, info, indexed_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?)`,
      ),
      finishSource: db.prepare(
        "UPDATE sources SET record_count = ?, first_time = ?, last_time = ?, info = ?, encoding = ? WHERE id = ?",
      ),
      insertEvent: db.prepare(
        `INSERT INTO events(source_id, record_id, time_created, provider, provider_guid, event_id, qualifiers, version,
           level, task, opcode, keywords, channel, computer, user_sid, process_id, thread_id, activity_id, chunk,
           file_offset, status, fields)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertAcl: db.prepare(
        `INSERT INTO acl_entries(source_id, line, path, principal, sid, access, rights, mask, flags, inherited)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertKey: db.prepare("INSERT INTO registry_keys(source_id, key, raw_key, line) VALUES (?, ?, ?, ?)"),
      insertValue: db.prepare(
        "INSERT INTO registry_values(source_id, key, raw_key, name, type, value, line) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      insertProblem: db.prepare("INSERT INTO problems(source_id, code, message, location) VALUES (?, ?, ?, ?)"),
      listSources: db.prepare("SELECT id, path FROM sources"),
    };
  }

  storedSource(path: string): StoredSourceState | undefined {
    return this.stmt.sourceByPath.get(path) as StoredSourceState | undefined;
  }

  private deleteRows(id: number): void {
    const s = this.stmt;
    s.deleteEvents.run(id);
    s.deleteAcl.run(id);
    s.deleteKeys.run(id);
    s.deleteValues.run(id);
    s.deleteProblems.run(id);
  }

  /** Removes sources whose files are gone from the folder. Returns the paths removed. */
  removeSourcesNotIn(paths: Set<string>): string[] {
    const gone = (this.stmt.listSources.all() as { id: number; path: string }[]).filter((r) => !paths.has(r.path));
    const tx = this.db.transaction(() => {
      for (const r of gone) {
        this.deleteRows(r.id);
        this.stmt.deleteSource.run(r.id);
      }
    });
    tx();
    return gone.map((r) => r.path);
  }

  /**
   * Stores one source: `fill` parses and streams its content into the sink. Everything happens in one
   * transaction. An exception from `fill` is a bug in rdp-triage, not bad evidence: it is recorded as
   * a problem row for this source (the partial rows are rolled back) and the run carries on.
   */
  storeSource(
    desc: SourceDescription,
    fill: (sink: SourceSink) => void,
    onRecords?: (recordsSoFar: number) => void,
  ): { records: number; problems: number } {
    const s = this.stmt;
    let records = 0;
    let problems = 0;
    const run = this.db.transaction((withContent: boolean, crash?: unknown) => {
      const old = s.sourceByPath.get(desc.path) as StoredSourceState | undefined;
      if (old) {
        this.deleteRows(old.id);
        s.deleteSource.run(old.id);
      }
      const id = Number(
        s.insertSource.run(desc.path, desc.kind, desc.sha256, desc.size, desc.mtimeMs ?? null, desc.encoding, jsonOrNull(desc.info), new Date().toISOString())
          .lastInsertRowid,
      );
      let first: string | null = null;
      let last: string | null = null;
      let info = desc.info;
      let encoding = desc.encoding;
      records = 0;
      problems = 0;
      // A Security log or a SOFTWARE hive is one source for minutes: progress within it, not only between files.
      const counted = (): void => {
        if ((++records & (RECORDS_PER_PROGRESS - 1)) === 0 && onRecords) onRecords(records);
      };
      const sink: SourceSink = {
        event(r) {
          // Bound directly in column order (store/schema.ts events, after source_id): no per-event array.
          s.insertEvent.run(
            id, r.recordId, r.timeCreated, r.provider, r.providerGuid, r.eventId, r.qualifiers, r.version, r.level, r.task,
            r.opcode, r.keywords, r.channel, r.computer, r.userSid, r.processId, r.threadId, r.activityId, r.chunk, r.offset,
            r.status, fieldsJson(r.fields),
          );
          const time = r.timeCreated;
          if (first === null || time < first) first = time;
          if (last === null || time > last) last = time;
          counted();
        },
        acl(a) {
          s.insertAcl.run(id, a.line, a.path, a.principal, a.sid, a.access, a.rights, a.mask, a.flags.join(","), a.inherited ? 1 : 0);
          counted();
        },
        registryKey(k) {
          s.insertKey.run(id, k.key, k.rawKey, k.line);
        },
        registryValue(v) {
          s.insertValue.run(id, v.key, v.rawKey, v.name, v.type, registryValueToSql(v.value), v.line);
          counted();
        },
        problem(p) {
          s.insertProblem.run(id, p.code, p.message, p.location ?? null);
          problems++;
        },
        setInfo(i) {
          // Merged, so what the ingest knows (which disk) and what the parser knows (header) both stay.
          info = isPlainObject(info) && isPlainObject(i) ? { ...info, ...i } : i;
        },
        setEncoding(e) {
          encoding = e;
        },
      };
      if (withContent) {
        fill(sink);
      } else {
        sink.problem({
          code: "internal.parser-crashed",
          message: `rdp-triage could not parse this file (a bug, please report it): ${describeError(crash)}`,
        });
      }
      s.finishSource.run(records, first, last, jsonOrNull(info), encoding, id);
    });
    try {
      run(true);
    } catch (error) {
      run(false, error);
    }
    return { records, problems };
  }

  /** A problem about the folder rather than one stored source (unreadable file, symlink out of the folder). */
  folderProblem(problem: Problem): void {
    this.stmt.insertProblem.run(null, problem.code, problem.message, problem.location ?? null);
  }

  clearFolderProblems(): void {
    this.db.prepare("DELETE FROM problems WHERE source_id IS NULL").run();
  }
}

function registryValueToSql(value: RegistryValue["value"]): string | number | bigint | null {
  if (value === null) return null;
  if (Array.isArray(value)) return JSON.stringify(value);
  // better-sqlite3 binds every JS number as REAL; DWORD/QWORD are stored as INTEGER (the documented schema).
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

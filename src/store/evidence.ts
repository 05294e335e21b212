import type { Db } from "./db.js";

// The typed read API the scenarios use. Scenarios never write SQL; they ask this.

export interface StoredSource {
  id: number;
  path: string;
  kind: string;
  sha256: string;
  size: number;
  encoding: string | null;
  recordCount: number;
  firstTime: string | null;
  lastTime: string | null;
  info: unknown;
}

export interface StoredEvent {
  rowid: number;
  source: string;
  recordId: number;
  time: string;
  provider: string | null;
  eventId: number;
  qualifiers: number | null;
  level: number | null;
  channel: string | null;
  computer: string | null;
  userSid: string | null;
  fields: { position: number; name: string; value: string | null }[];
}

export interface StoredAcl {
  source: string;
  line: number;
  path: string;
  principal: string;
  sid: string | null;
  access: "allow" | "deny";
  rights: string;
  mask: number | null;
  flags: string[];
  inherited: boolean;
}

export interface StoredRegistryValue {
  source: string;
  line: number;
  key: string;
  rawKey: string;
  name: string;
  type: string;
  value: number | string | string[] | null;
}

export interface StoredProblem {
  source: string | null;
  code: string;
  message: string;
  location: string | null;
}

export interface EventQuery {
  /** Provider names, matched case-insensitively. */
  providers?: string[];
  ids?: number[];
  channel?: string;
  /** ISO time, inclusive. */
  since?: string;
  until?: string;
}

export class EvidenceIndex {
  constructor(private readonly db: Db) {}

  sources(): StoredSource[] {
    const rows = this.db
      .prepare(
        `SELECT id, path, kind, sha256, size, encoding, record_count AS recordCount, first_time AS firstTime,
                last_time AS lastTime, info FROM sources ORDER BY path`,
      )
      .all() as (Omit<StoredSource, "info"> & { info: string | null })[];
    return rows.map((r) => ({ ...r, info: r.info === null ? null : JSON.parse(r.info) }));
  }

  problems(): StoredProblem[] {
    return this.db
      .prepare(
        `SELECT s.path AS source, p.code, p.message, p.location FROM problems p LEFT JOIN sources s ON s.id = p.source_id
         ORDER BY s.path, p.id`,
      )
      .all() as StoredProblem[];
  }

  hasSourceOfKind(...kinds: string[]): boolean {
    const marks = kinds.map(() => "?").join(",");
    return this.db.prepare(`SELECT 1 FROM sources WHERE kind IN (${marks}) LIMIT 1`).get(...kinds) !== undefined;
  }

  /** Newest event time in the evidence: the default "now" for recency windows. */
  newestEventTime(): string | null {
    const row = this.db.prepare("SELECT max(time_created) AS t FROM events").get() as { t: string | null };
    return row.t;
  }

  /** True when an event log of this channel was collected (so "no events" means something). */
  hasChannel(channel: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM events WHERE channel = ? COLLATE NOCASE LIMIT 1").get(channel) !== undefined
    );
  }

  events(query: EventQuery): StoredEvent[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.providers?.length) {
      where.push(`e.provider COLLATE NOCASE IN (${query.providers.map(() => "?").join(",")})`);
      args.push(...query.providers);
    }
    if (query.ids?.length) {
      where.push(`e.event_id IN (${query.ids.map(() => "?").join(",")})`);
      args.push(...query.ids);
    }
    if (query.channel) {
      where.push("e.channel = ? COLLATE NOCASE");
      args.push(query.channel);
    }
    if (query.since) {
      where.push("e.time_created >= ?");
      args.push(toEventTimeText(query.since));
    }
    if (query.until) {
      where.push("e.time_created <= ?");
      args.push(toEventTimeText(query.until, true));
    }
    const rows = this.db
      .prepare(
        `SELECT e.rowid, s.path AS source, e.record_id AS recordId, e.time_created AS time, e.provider, e.event_id AS eventId,
                e.qualifiers, e.level, e.channel, e.computer, e.user_sid AS userSid, e.fields
         FROM events e JOIN sources s ON s.id = e.source_id
         ${where.length ? "WHERE " + where.join(" AND ") : ""}
         ORDER BY e.time_created, s.path, e.record_id`,
      )
      .all(...args) as (Omit<StoredEvent, "fields"> & { fields: string })[];
    return rows.map((r) => ({
      ...r,
      fields: (JSON.parse(r.fields) as [string, string | null][]).map(([name, value], position) => ({ position, name, value })),
    }));
  }

  /** Distinct computer names seen in events, oldest first appearance first. */
  computerNames(): { computer: string; first: string; last: string; count: number }[] {
    return this.db
      .prepare(
        `SELECT computer, min(time_created) AS first, max(time_created) AS last, count(*) AS count FROM events
         WHERE computer IS NOT NULL GROUP BY computer ORDER BY first`,
      )
      .all() as { computer: string; first: string; last: string; count: number }[];
  }

  /** One value by logical key and name (case-insensitive). When several sources hold it, the first by path wins. */
  registryValue(key: string, name: string): StoredRegistryValue | undefined {
    return this.registryRows("v.key = ? AND v.name = ?", [key, name])[0];
  }

  /** Every value of a key, or of a key and its subkeys with `subtree`. */
  registryValues(key: string, options: { subtree?: boolean } = {}): StoredRegistryValue[] {
    if (options.subtree) {
      return this.registryRows("(v.key = ? OR v.key LIKE ? ESCAPE '!')", [key, likePrefix(key + "\\")]);
    }
    return this.registryRows("v.key = ?", [key]);
  }

  registryKeyExists(key: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM registry_keys WHERE key = ? LIMIT 1").get(key) !== undefined ||
      this.db.prepare("SELECT 1 FROM registry_values WHERE key = ? LIMIT 1").get(key) !== undefined
    );
  }

  /** Logical keys directly under `parent` that appear in the evidence. */
  registrySubkeys(parent: string): string[] {
    const prefix = parent + "\\";
    const rows = this.db
      .prepare(
        `SELECT key FROM registry_keys WHERE key LIKE ? ESCAPE '!'
         UNION SELECT key FROM registry_values WHERE key LIKE ? ESCAPE '!'`,
      )
      .all(likePrefix(prefix), likePrefix(prefix)) as { key: string }[];
    const names = new Map<string, string>();
    for (const { key } of rows) {
      const child = key.slice(prefix.length).split("\\")[0];
      if (child && !names.has(child.toLowerCase())) names.set(child.toLowerCase(), prefix + child);
    }
    return [...names.values()].sort();
  }

  /** True when any registry evidence of this logical hive root (e.g. "HKLM\\SYSTEM") was collected. */
  hasRegistryUnder(root: string): boolean {
    const like = likePrefix(root + "\\");
    return (
      this.db.prepare("SELECT 1 FROM registry_values WHERE key LIKE ? ESCAPE '!' LIMIT 1").get(like) !== undefined ||
      this.db.prepare("SELECT 1 FROM registry_keys WHERE key LIKE ? ESCAPE '!' LIMIT 1").get(like) !== undefined
    );
  }

  private registryRows(where: string, args: string[]): StoredRegistryValue[] {
    const rows = this.db
      .prepare(
        `SELECT s.path AS source, v.line, v.key, v.raw_key AS rawKey, v.name, v.type, v.value
         FROM registry_values v JOIN sources s ON s.id = v.source_id WHERE ${where} ORDER BY s.path, v.line, v.id`,
      )
      .all(...args) as (Omit<StoredRegistryValue, "value"> & { value: number | string | null })[];
    return rows.map((r) => ({
      ...r,
      value: r.type === "REG_MULTI_SZ" && typeof r.value === "string" ? (JSON.parse(r.value) as string[]) : r.value,
    }));
  }

  /** ACL entries whose object path matches (case-insensitive). */
  acl(pathPattern: RegExp): StoredAcl[] {
    const rows = this.db
      .prepare(
        `SELECT s.path AS source, a.line, a.path, a.principal, a.sid, a.access, a.rights, a.mask, a.flags, a.inherited
         FROM acl_entries a JOIN sources s ON s.id = a.source_id ORDER BY s.path, a.line, a.id`,
      )
      .all() as (Omit<StoredAcl, "flags" | "inherited"> & { flags: string; inherited: number })[];
    return rows
      .filter((r) => pathPattern.test(r.path))
      .map((r) => ({ ...r, flags: r.flags ? r.flags.split(",") : [], inherited: r.inherited === 1 }));
  }

  /** Distinct object paths present in ACL dumps. */
  aclPaths(): string[] {
    return (this.db.prepare("SELECT DISTINCT path FROM acl_entries ORDER BY path").all() as { path: string }[]).map(
      (r) => r.path,
    );
  }

  /** Mount roots of the raw registry keys: which reg load names the engineer used. */
  registryMountRoots(): { rawRoot: string; logicalRoot: string }[] {
    return registryMountRoots(this.db);
  }

  hasAclEvidence(): boolean {
    return this.db.prepare("SELECT 1 FROM acl_entries LIMIT 1").get() !== undefined;
  }
}

/**
 * Event times are stored with 7 fractional digits so that they sort as text; a bound given with 3
 * (Date.toISOString) is widened to the same form so the comparison stays exact at the millisecond.
 */
export function toEventTimeText(iso: string, upper = false): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const m = /\.(\d+)Z$/.exec(iso);
  const digits = (m?.[1] ?? "").padEnd(7, upper ? "9" : "0").slice(0, 7);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${digits}Z`);
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[!%_]/g, (c) => "!" + c) + "%";
}

/** Distinct mount roots of raw registry keys (e.g. "HKEY_LOCAL_MACHINE\\BROKENSYSTEM") with their logical hive root. */
export function registryMountRoots(db: Db): { rawRoot: string; logicalRoot: string }[] {
  // Row by row, not DISTINCT/UNION into a list: a whole-hive dump has hundreds of thousands of keys and a
  // handful of roots; memory stays with the roots.
  const rows = function* () {
    for (const table of ["registry_values", "registry_keys"]) {
      yield* db.prepare(`SELECT raw_key AS rawKey, key FROM ${table}`).iterate() as IterableIterator<{ rawKey: string; key: string }>;
    }
  };
  const exact = new Map<string, { rawRoot: string; logicalRoot: string }>();
  for (const r of rows()) {
    const raw = r.rawKey.split("\\");
    const logical = r.key.split("\\");
    if (raw.length < 2 || logical.length < 2) continue;
    const rawRoot = raw.slice(0, 2).join("\\");
    const logicalRoot = logical.slice(0, 2).join("\\");
    exact.set(`${rawRoot}|${logicalRoot}`, { rawRoot, logicalRoot });
  }
  // In the order of the raw keys (binary, as SQLite sorts them), the first spelling of each root kept.
  const seen = new Map<string, { rawRoot: string; logicalRoot: string }>();
  const order = (x: { rawRoot: string; logicalRoot: string }) => `${x.rawRoot}\\\u0000${x.logicalRoot}`;
  for (const root of [...exact.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))) {
    const id = `${root.rawRoot.toLowerCase()}|${root.logicalRoot.toLowerCase()}`;
    if (!seen.has(id)) seen.set(id, root);
  }
  return [...seen.values()];
}

// rdp-triage index schema. PUBLIC CONTRACT: documented in README.md ("The index"); change only on purpose
// and bump SCHEMA_VERSION. Times are ISO-8601 UTC text (7 fractional digits for events) so they sort as text.

export const SCHEMA_VERSION = 1;

/**
 * Indexes on events. Bulk ingest drops them and creates them again at the end, which is faster than
 * maintaining them row by row; every open creates them if a crashed run left them missing.
 * Provider names are matched case-insensitively (Event Viewer does), so their index is NOCASE: an
 * index in the default binary collation cannot serve \`provider COLLATE NOCASE IN (…)\` and every
 * scenario query scanned the whole table (0.55 s of scans on 200,000 events). events_provider_id,
 * the binary index of earlier builds, is dropped when an index of theirs is opened.
 */
export const EVENT_INDEXES_SQL = `
DROP INDEX IF EXISTS events_provider_id;
CREATE INDEX IF NOT EXISTS events_provider_nocase_id ON events(provider COLLATE NOCASE, event_id);
CREATE INDEX IF NOT EXISTS events_time ON events(time_created);
CREATE INDEX IF NOT EXISTS events_source ON events(source_id);
`;

export const DROP_EVENT_INDEXES_SQL = `
DROP INDEX IF EXISTS events_provider_id;
DROP INDEX IF EXISTS events_provider_nocase_id;
DROP INDEX IF EXISTS events_time;
DROP INDEX IF EXISTS events_source;
`;

export const SCHEMA_SQL = `

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per file found in the evidence folder (including unknown files, which are listed and skipped).
CREATE TABLE IF NOT EXISTS sources (
  id           INTEGER PRIMARY KEY,
  path         TEXT NOT NULL UNIQUE,     -- relative to the evidence folder, '/' separators
  kind         TEXT NOT NULL,            -- evtx | icacls | reg-query | reg-file | hive | unknown
  sha256       TEXT NOT NULL,
  size         INTEGER NOT NULL,
  mtime_ms     REAL,                     -- modification time when indexed: an unchanged size + mtime skips re-hashing
  encoding     TEXT,                     -- text dumps: utf-16le-bom, utf-8, cp932, ...; NULL for binary
  record_count INTEGER NOT NULL DEFAULT 0, -- events, ACL entries or registry values stored
  first_time   TEXT,                     -- oldest / newest event time (EVTX only)
  last_time    TEXT,
  info         TEXT,                     -- JSON: format details (EVTX header flags, icacls summary, ...)
  indexed_at   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
  rowid         INTEGER PRIMARY KEY,
  source_id     INTEGER NOT NULL REFERENCES sources(id),
  record_id     INTEGER NOT NULL,
  time_created  TEXT NOT NULL,
  provider      TEXT,
  provider_guid TEXT,
  event_id      INTEGER NOT NULL,         -- 16-bit EventID, qualifiers separate
  qualifiers    INTEGER,
  version       INTEGER,
  level         INTEGER,
  task          INTEGER,
  opcode        INTEGER,
  keywords      TEXT,
  channel       TEXT,
  computer      TEXT,
  user_sid      TEXT,
  process_id    INTEGER,
  thread_id     INTEGER,
  activity_id   TEXT,
  chunk         INTEGER,                  -- 0-based chunk slot in the file
  file_offset   INTEGER,                  -- byte offset of the record in the file
  status        TEXT NOT NULL,            -- chain | recovered
  fields        TEXT NOT NULL DEFAULT '[]' -- JSON [[name, value], ...]; read it through the event_fields view
);

-- EventData / UserData children of each event, in document order. A view over events.fields (a JSON
-- array of [name, value] pairs, position = array index): one row per event is written instead of one
-- per field, which more than halves ingest time; the columns below are the contract.
CREATE VIEW IF NOT EXISTS event_fields AS
  SELECT e.rowid AS event_rowid,
         CAST(j.key AS INTEGER) AS position,         -- 0-based order inside EventData / UserData
         json_extract(j.value, '$[0]') AS name,      -- Name attribute, else element name ('Data', 'Binary', ...)
         json_extract(j.value, '$[1]') AS value
  FROM events e, json_each(e.fields) j;

CREATE TABLE IF NOT EXISTS acl_entries (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line      INTEGER NOT NULL,
  path      TEXT NOT NULL,
  principal TEXT NOT NULL,
  sid       TEXT,
  access    TEXT NOT NULL,                -- allow | deny
  rights    TEXT NOT NULL,                -- icacls spelling: F, M, RX, R, W, or a comma list
  mask      INTEGER,
  flags     TEXT NOT NULL,                -- comma list of OI, CI, IO, NP ('' when none)
  inherited INTEGER NOT NULL              -- 1 = (I) / ID
);

CREATE TABLE IF NOT EXISTS registry_keys (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  key       TEXT NOT NULL COLLATE NOCASE, -- logical: HKLM\SYSTEM\CurrentControlSet\... / HKLM\SOFTWARE\...
  raw_key   TEXT NOT NULL,                -- as the dump printed it
  line      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS registry_values (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  key       TEXT NOT NULL COLLATE NOCASE,
  raw_key   TEXT NOT NULL,
  name      TEXT NOT NULL COLLATE NOCASE, -- '' = default value
  type      TEXT NOT NULL,                -- REG_SZ, REG_DWORD, ...
  value,                                  -- INTEGER for DWORD/QWORD, TEXT otherwise (binary: upper hex;
                                          -- MULTI_SZ: JSON array); NULL = value not set
  line      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS problems (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER REFERENCES sources(id), -- NULL: about the folder, not one file
  code      TEXT NOT NULL,
  message   TEXT NOT NULL,
  location  TEXT
);

CREATE INDEX IF NOT EXISTS acl_source ON acl_entries(source_id);
CREATE INDEX IF NOT EXISTS registry_values_key ON registry_values(key, name);
CREATE INDEX IF NOT EXISTS registry_values_source ON registry_values(source_id);
CREATE INDEX IF NOT EXISTS registry_keys_key ON registry_keys(key);
CREATE INDEX IF NOT EXISTS registry_keys_source ON registry_keys(source_id);
CREATE INDEX IF NOT EXISTS problems_source ON problems(source_id);
`;

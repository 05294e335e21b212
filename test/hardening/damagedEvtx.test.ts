// Damaged EVTX through the whole ingest (discover → classify → readEvtx → SQLite), end to end:
//
// * every file of ../shared/corpus (real, dirty and damaged Windows logs; skipped with a message when
//   absent): no crash, no hang, at least as many records as libevtx's golden, and a problem row located
//   at every damaged area, found here by an independent oracle (no chunk signature, an all-zero hole
//   before later data, a header or records CRC that does not match, a truncated last slot);
// * mutated copies of a sample log (truncated at seeded offsets, a chunk overwritten with random bytes,
//   zeroed, its signature broken, bytes flipped, a record torn, a record size pointing past the chunk,
//   CRCs wrong, file header counters wrong, dirty flag set): every record of every untouched chunk
//   recovered with identical content, a problem row at the damaged chunk, none at an untouched one;
// * a scenario whose decisive events sit in an intact chunk is still reported when another chunk is damaged.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32, gunzipSync } from "node:zlib";
import { corruptChunk, patchFileHeader, readFileHeader, recordOffsets, seededRandom, writeEvtx } from "../../src/evtxWriter/index.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { openIndex, type Db } from "../../src/store/db.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import { sampleCases } from "../../scripts/samples/cases.js";
import { at, schannelEvent, systemBackground } from "../../scripts/samples/events.js";
import { corpusDir, haveCorpus } from "../parsers/evtx/corpus.js";


const CHUNK = 65536;
const HEADER = 4096;

// ---------------------------------------------------------------------------------------------
// Reading the index back

interface StoredEvent {
  recordId: number;
  chunk: number;
  digest: string;
}

function sourceId(db: Db, rel: string): number {
  const row = db.prepare("SELECT id FROM sources WHERE path = ?").get(rel) as { id: number } | undefined;
  if (!row) throw new Error(`no source ${rel}`);
  return row.id;
}

function storedEvents(db: Db, id: number): Map<number, StoredEvent> {
  const rows = db
    .prepare(
      `SELECT rowid, record_id, chunk, time_created, provider, provider_guid, event_id, qualifiers, level, task, opcode, keywords,
              channel, computer, user_sid, process_id, thread_id FROM events WHERE source_id = ?`,
    )
    .all(id) as Record<string, unknown>[];
  const fields = db.prepare("SELECT position, name, value FROM event_fields WHERE event_rowid = ? ORDER BY position");
  const out = new Map<number, StoredEvent>();
  for (const r of rows) {
    const { rowid, chunk, ...rest } = r;
    const digest = JSON.stringify({ ...rest, fields: fields.all(rowid) });
    expect(out.has(r.record_id as number), `record ${String(r.record_id)} stored twice`).toBe(false);
    out.set(r.record_id as number, { recordId: r.record_id as number, chunk: chunk as number, digest });
  }
  return out;
}

function problemsOf(db: Db, id: number): { code: string; location: string | null; message: string }[] {
  return db.prepare("SELECT code, location, message FROM problems WHERE source_id = ?").all(id) as {
    code: string;
    location: string | null;
    message: string;
  }[];
}

const chunkOf = (location: string | null) => {
  const m = /^chunk (\d+) @/.exec(location ?? "");
  return m ? Number(m[1]) : null;
};

// ---------------------------------------------------------------------------------------------
// Corpus

/** Damaged slots by an oracle independent of the reader: signature, zeros, CRCs, truncation. */
function damagedSlots(b: Uint8Array): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fileNoCrc = b.length >= 0x7c && (dv.getUint32(0x78, true) & 4) !== 0;
  const slots: { index: number; kind: "chunk" | "zero" | "garbage"; bad: boolean }[] = [];
  for (let index = 0, off = HEADER; off < b.length; index++, off += CHUNK) {
    const end = Math.min(off + CHUNK, b.length);
    const bytes = b.subarray(off, end);
    const magic = bytes.length >= 512 && Buffer.from(bytes.subarray(0, 8)).toString("latin1") === "ElfChnk\0";
    if (!magic) {
      slots.push({ index, kind: bytes.every((x) => x === 0) ? "zero" : "garbage", bad: true });
      continue;
    }
    let bad = end - off < CHUNK;
    const noCrc = fileNoCrc || (dv.getUint32(off + 120, true) & 4) !== 0;
    if (!noCrc) {
      const headerCrc = crc32(b.subarray(off + 128, off + 512), crc32(b.subarray(off, off + 120))) >>> 0;
      const free = dv.getUint32(off + 48, true);
      const recordsOk = free >= 512 && free <= CHUNK && off + free <= end && crc32(b.subarray(off + 512, off + free)) >>> 0 === dv.getUint32(off + 52, true);
      if (headerCrc !== dv.getUint32(off + 124, true) || !recordsOk) bad = true;
    }
    slots.push({ index, kind: "chunk", bad });
  }
  const lastUsed = Math.max(-1, ...slots.filter((s) => s.kind !== "zero").map((s) => s.index));
  return slots.filter((s) => s.bad && (s.kind !== "zero" || s.index < lastUsed)).map((s) => s.index);
}

describe.skipIf(!haveCorpus)(`damaged EVTX: the shared corpus through ingest (${haveCorpus ? corpusDir : `skipped: no corpus at ${corpusDir}`})`, () => {
  let db: Db;
  let seconds = 0; // reported only, never asserted on: speed is measured by `npm run bench`
  const files = haveCorpus ? readdirSync(corpusDir).filter((f) => f.endsWith(".evtx")).sort() : [];

  beforeAll(async () => {
    db = openIndex(":memory:");
    const started = performance.now();
    await ingestFolder(corpusDir, db);
    seconds = (performance.now() - started) / 1000;
  }, 300_000); // Hang guard, not a speed target (speed is measured by `npm run bench`): a damaged file that loops would not finish.
  afterAll(() => db?.close());

  it("indexes the whole corpus without a crash and terminates", () => {
    console.log(`corpus: ${files.length} EVTX files, ${(files.reduce((s, f) => s + statSync(path.join(corpusDir, f)).size, 0) / 1e6).toFixed(1)} MB indexed in ${seconds.toFixed(1)} s`);
    const crashed = db.prepare("SELECT count(*) AS n FROM problems WHERE code LIKE 'internal.%'").get() as { n: number };
    expect(crashed.n).toBe(0);
  });

  for (const file of files) {
    it(`${file}: at least libevtx's records, all stored, a problem row at every damaged area`, () => {
      const id = sourceId(db, file);
      const source = db.prepare("SELECT kind, record_count FROM sources WHERE id = ?").get(id) as { kind: string; record_count: number };
      expect(source.kind).toBe("evtx");
      const golden = gunzipSync(readFileSync(path.join(corpusDir, `${file}.golden.jsonl.gz`)))
        .toString("utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as { record_id: number });
      const events = storedEvents(db, id);
      expect(events.size).toBe(source.record_count);
      expect(source.record_count).toBeGreaterThanOrEqual(golden.length);
      // Every record libevtx decodes is in the index (by EventRecordID).
      const missing = golden.filter((g) => !events.has(g.record_id)).map((g) => g.record_id);
      expect(missing.slice(0, 10)).toEqual([]);

      const problems = problemsOf(db, id);
      const located = new Set(problems.map((p) => chunkOf(p.location)).filter((c): c is number => c !== null));
      const damaged = damagedSlots(new Uint8Array(readFileSync(path.join(corpusDir, file))));
      expect(damaged.filter((k) => !located.has(k)), `damaged slots without a problem row (${file})`).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Mutated samples

const BASE = "2026-11-10T06:00:00Z";
const INCIDENT = "2026-11-19T22:40:00Z";
const COMPUTER = "vm-web01";

/** The tls-server-disabled sample's System log (same builders and times), written 40 records per chunk: 4 chunks. */
function tlsServerDisabledEvents() {
  return [
    ...systemBackground(BASE, COMPUTER, 120),
    ...Array.from({ length: 8 }, (_, i) => schannelEvent(36871, "server", at(INCIDENT, i * 9, i * 113), COMPUTER)),
  ].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
}

const clean = writeEvtx(tlsServerDisabledEvents(), { dirty: true, recordsPerChunk: 40 });
const CHUNKS = (clean.length - HEADER) / CHUNK;

interface Mutant {
  name: string;
  bytes: Uint8Array;
  /** Chunks whose bytes were changed (records there may be lost). */
  damaged: number[];
  /** The damage leaves every record intact (only checksums / header fields changed): all must be recovered. */
  recordsIntact?: boolean;
  /** A problem row at the file header is expected. */
  headerProblem?: boolean;
  /** The damaged chunk cannot be told from unused space (an all-zero last slot): the header's chunk count reports it. */
  unlocated?: boolean;
  /** Truncated at this offset: records wholly before it must be recovered. */
  cut?: number;
}

function withU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = new Uint8Array(bytes);
  new DataView(out.buffer).setUint32(at, value >>> 0, true);
  return out;
}

function mutants(): Mutant[] {
  const out: Mutant[] = [];
  const rnd = seededRandom(0x5eed);
  for (let i = 0; i < 16; i++) {
    const cut = HEADER + Math.floor(rnd() * (clean.length - HEADER));
    const k = Math.floor((cut - HEADER) / CHUNK);
    out.push({ name: `truncated-at-${cut}`, bytes: clean.slice(0, cut), damaged: (cut - HEADER) % CHUNK === 0 ? [] : [k], cut });
  }
  out.push({ name: "truncated-at-chunk-boundary", bytes: clean.slice(0, HEADER + 2 * CHUNK), damaged: [], cut: HEADER + 2 * CHUNK });
  for (let k = 0; k < CHUNKS; k++) {
    out.push({ name: `garbage-${k}`, bytes: corruptChunk(clean, k, "garbage", { seed: 100 + k }), damaged: [k] });
    out.push({
      name: `zeroed-${k}`,
      bytes: corruptChunk(clean, k, "zero"),
      damaged: [k],
      ...(k === CHUNKS - 1 ? { unlocated: true, headerProblem: true } : {}),
    });
    out.push({ name: `magic-${k}`, bytes: corruptChunk(clean, k, "magic"), damaged: [k] });
    for (const seed of [1, 2, 3]) out.push({ name: `flipped-${k}-${seed}`, bytes: corruptChunk(clean, k, "random", { seed, count: 8 }), damaged: [k] });
    out.push({ name: `torn-record-${k}`, bytes: corruptChunk(clean, k, "torn-record"), damaged: [k] });
    out.push({ name: `records-crc-${k}`, bytes: corruptChunk(clean, k, "records-crc"), damaged: [k], recordsIntact: true });
    out.push({ name: `header-crc-${k}`, bytes: corruptChunk(clean, k, "header-crc"), damaged: [k], recordsIntact: true });
    const offs = recordOffsets(clean, k);
    const r = HEADER + k * CHUNK + offs[Math.floor(offs.length / 3)];
    out.push({ name: `record-size-past-chunk-${k}`, bytes: withU32(clean, r + 4, 0x20000), damaged: [k] });
    out.push({ name: `record-size-huge-${k}`, bytes: withU32(clean, r + 4, 0xfffffff8), damaged: [k] });
  }
  const header = readFileHeader(clean);
  out.push({ name: "header-chunk-count-low", bytes: patchFileHeader(clean, { chunkCount: 1 }), damaged: [], recordsIntact: true, headerProblem: true });
  out.push({ name: "header-chunk-count-high", bytes: patchFileHeader(clean, { chunkCount: 200 }), damaged: [], recordsIntact: true, headerProblem: true });
  out.push({ name: "header-counters-stale", bytes: patchFileHeader(clean, { lastChunk: 0n, nextRecordId: 3n }), damaged: [], recordsIntact: true });
  out.push({ name: "header-crc-wrong", bytes: patchFileHeader(clean, {}, false), damaged: [], recordsIntact: true, headerProblem: true });
  out.push({ name: "dirty-flag-cleared", bytes: patchFileHeader(clean, { flags: header.flags & ~1 }), damaged: [], recordsIntact: true });
  out.push({ name: "dirty-flag-set", bytes: patchFileHeader(patchFileHeader(clean, { flags: 0 }), { flags: 1 }), damaged: [], recordsIntact: true });
  out.push({ name: "two-chunks-damaged", bytes: corruptChunk(corruptChunk(clean, 0, "garbage", { seed: 9 }), 2, "zero"), damaged: [0, 2] });
  return out;
}

describe("damaged EVTX: mutated copies of the tls-server-disabled sample log", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-damaged-"));
  const list = mutants();
  let db: Db;
  let reference: Map<number, StoredEvent>;
  const recordEnd = new Map<number, number>(); // record id → file offset of its end, from the clean file

  beforeAll(async () => {
    mkdirSync(path.join(dir, "m"));
    writeFileSync(path.join(dir, "clean.evtx"), clean);
    for (const m of list) writeFileSync(path.join(dir, "m", `${m.name}.evtx`), m.bytes);
    db = openIndex(path.join(dir, "index.sqlite"));
    await ingestFolder(dir, db);
    reference = storedEvents(db, sourceId(db, "clean.evtx"));
    const offsets = db.prepare("SELECT record_id, file_offset FROM events WHERE source_id = ?").all(sourceId(db, "clean.evtx")) as {
      record_id: number;
      file_offset: number;
    }[];
    const dv = new DataView(clean.buffer, clean.byteOffset, clean.byteLength);
    for (const o of offsets) recordEnd.set(o.record_id, o.file_offset + dv.getUint32(o.file_offset + 4, true));
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the clean log has 128 records in 4 chunks, the 36871 events in the last one, and no problem", () => {
    expect(reference.size).toBe(128);
    expect(CHUNKS).toBe(4);
    expect(new Set([...reference.values()].map((e) => e.chunk))).toEqual(new Set([0, 1, 2, 3]));
    expect(problemsOf(db, sourceId(db, "clean.evtx"))).toEqual([]);
  });

  it(`indexes all ${list.length} mutants without a crash`, () => {
    const crashed = db.prepare("SELECT message FROM problems WHERE code LIKE 'internal.%'").all();
    expect(crashed).toEqual([]);
  });

  for (const m of list) {
    it(`${m.name}: every record of every untouched chunk recovered${m.damaged.length ? `, a problem row at chunk ${m.damaged.join(" and ")}` : ""}`, () => {
      const id = sourceId(db, `m/${m.name}.evtx`);
      const got = storedEvents(db, id);
      const problems = problemsOf(db, id);
      const kept = (e: StoredEvent) =>
        m.recordsIntact ||
        (!m.damaged.includes(e.chunk) && (m.cut === undefined || HEADER + (e.chunk + 1) * CHUNK <= m.cut)) ||
        (m.cut !== undefined && recordEnd.get(e.recordId)! <= m.cut);
      const expected = [...reference.values()].filter(kept);
      const lost = expected.filter((e) => got.get(e.recordId)?.digest !== e.digest).map((e) => `${e.recordId}@${e.chunk}`);
      expect(lost, "records of untouched areas missing or changed").toEqual([]);
      // Nothing invented: every record stored from an untouched chunk is an original one, unchanged. (Records of a
      // damaged chunk may carry damaged values: the chunk's problem row says its records are damaged.)
      const invented = [...got.values()]
        .filter((e) => !m.damaged.includes(e.chunk) && reference.get(e.recordId)?.digest !== e.digest)
        .map((e) => e.recordId);
      expect(invented).toEqual([]);
      const row = db.prepare("SELECT record_count FROM sources WHERE id = ?").get(id) as { record_count: number };
      expect(row.record_count).toBe(got.size);

      const byChunk = new Map<number, number>();
      for (const p of problems) {
        const c = chunkOf(p.location);
        if (c !== null) byChunk.set(c, (byChunk.get(c) ?? 0) + 1);
      }
      if (!m.unlocated) for (const k of m.damaged) expect(byChunk.get(k) ?? 0, `no problem row at damaged chunk ${k}`).toBeGreaterThan(0);
      const untouched = [...byChunk.keys()].filter((k) => !m.damaged.includes(k));
      expect(untouched, "problem rows at untouched chunks").toEqual([]);
      if (m.headerProblem) expect(problems.some((p) => p.location?.startsWith("@0x"))).toBe(true);
      // A damaged area is reported, not flooded: at most 25 rows of one code per file (then one summary row).
      for (const k of m.damaged) expect(byChunk.get(k) ?? 0).toBeLessThanOrEqual(30);
    });
  }

  it("the dirty flag is recorded as the header says", () => {
    const info = (name: string) =>
      JSON.parse((db.prepare("SELECT info FROM sources WHERE path = ?").get(`m/${name}.evtx`) as { info: string }).info) as { dirty: boolean };
    expect(info("dirty-flag-set").dirty).toBe(true);
    expect(info("dirty-flag-cleared").dirty).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The finding survives

describe("damaged EVTX: a scenario whose events survive in intact chunks is still reported", () => {
  const sample = sampleCases().find((c) => c.name === "tls-server-disabled")!;
  const damages: [string, (b: Uint8Array) => Uint8Array][] = [
    ["chunk 1 overwritten with random bytes", (b) => corruptChunk(b, 1, "garbage", { seed: 42 })],
    ["chunk 0 zeroed", (b) => corruptChunk(b, 0, "zero")],
    ["chunk 2 with flipped bytes and a torn record", (b) => corruptChunk(corruptChunk(b, 2, "random", { seed: 4 }), 2, "torn-record")],
    ["chunks 0 and 1 gone, header stale", (b) => patchFileHeader(corruptChunk(corruptChunk(b, 0, "zero"), 1, "magic"), { chunkCount: 1 }, false)],
  ];
  for (const [what, damage] of damages) {
    it(`tls-server-disabled with ${what}: tls-protocol-disabled, high`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-survive-"));
      try {
        for (const [rel, bytes] of Object.entries(sample.files)) {
          const target = path.join(dir, rel);
          mkdirSync(path.dirname(target), { recursive: true });
          const log = rel.endsWith("System.evtx") ? damage(writeEvtx(tlsServerDisabledEvents(), { dirty: true, recordsPerChunk: 40 })) : bytes;
          writeFileSync(target, log);
        }
        const db = openIndex(":memory:");
        try {
          await ingestFolder(dir, db);
          const decisive = db.prepare("SELECT count(*) AS n, min(chunk) AS c FROM events WHERE event_id = 36871").get() as { n: number; c: number };
          expect(decisive).toEqual({ n: 8, c: 3 });
          expect((db.prepare("SELECT count(*) AS n FROM problems WHERE source_id IS NOT NULL").get() as { n: number }).n).toBeGreaterThan(0);
          const report = buildReport(db, { generatedAt: "2000-01-01T00:00:00.000Z" });
          const finding = report.findings.find((f) => f.scenario === "tls-protocol-disabled");
          expect(finding?.confidence).toBe("high");
          const system = report.sources.find((s) => s.path.endsWith("System.evtx"))!;
          expect(system.problems.length).toBeGreaterThan(0);
        } finally {
          db.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

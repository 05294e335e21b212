// readEvtxFile (the file read slot by slot) against readEvtx (the whole file in one Buffer):
//
// * every file of the shared corpus, every sample log and a set of damaged mutants (truncated, chunks
//   zeroed, overwritten with garbage, signature broken, bytes flipped, records torn, CRCs wrong, tiny
//   files): the same records (deep-equal, same order), the same info and the same problems, also with
//   a decoding cache of a single chunk (every chunk switch re-reads the file);
// * a file over 2 GiB (sparse): chunks past 2^31 are read and located at their true offsets;
// * memory: a generated log of more than 300 MB is read in a child process with a peak RSS far below
//   the file's size (the file is deleted afterwards).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import {
  closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { corruptChunk, patchFileHeader, seededRandom, writeEvtx } from "../../../src/evtxWriter/index.js";
import type { ChunkDamage, EventSpec } from "../../../src/evtxWriter/types.js";
import { readEvtx, readEvtxFile } from "../../../src/parsers/evtx/index.js";
import type { EventRecord } from "../../../src/parsers/types.js";
import { at, brokerEvent, rcmCertificateEvent, rcmLogon, schannelEvent, systemBackground } from "../../../scripts/samples/events.js";
import { corpusDir, corpusFiles, haveCorpus, noCorpusReason } from "./corpus.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const HEADER = 4096;
const CHUNK = 65536;

type Result = ReturnType<typeof readEvtx> & { records: EventRecord[] };

function fromBuffer(file: string): Result {
  const records: EventRecord[] = [];
  return { ...readEvtx(readFileSync(file), (r) => records.push(r)), records };
}

function fromFile(file: string, cacheChunks?: number): Result {
  const records: EventRecord[] = [];
  return { ...readEvtxFile(file, (r) => records.push(r), cacheChunks === undefined ? {} : { cacheChunks }), records };
}

/** Asserts readEvtxFile ≡ readEvtx on `file` (default cache and a one-chunk cache); returns the result. */
function expectSame(file: string): Result {
  const want = fromBuffer(file);
  for (const cache of [undefined, 1]) {
    const got = fromFile(file, cache);
    expect(got.info, `${file}: info (cache ${cache ?? "default"})`).toStrictEqual(want.info);
    expect(got.problems, `${file}: problems (cache ${cache ?? "default"})`).toStrictEqual(want.problems);
    expect(got.records.length, `${file}: record count`).toBe(want.records.length);
    expect(got.records, `${file}: records (cache ${cache ?? "default"})`).toStrictEqual(want.records);
  }
  return want;
}

function sampleLogs(): string[] {
  const dir = path.join(repoRoot, "samples");
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.toLowerCase().endsWith(".evtx"))
    .map((f) => path.join(dir, f))
    .sort();
}

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-evtxfile-"));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!haveCorpus)(`readEvtxFile ≡ readEvtx on the shared corpus${haveCorpus ? "" : ` (skipped: ${noCorpusReason})`}`, () => {
  const codes = new Set<string>();
  let records = 0;
  for (const name of corpusFiles()) {
    it(name, () => {
      const r = expectSame(path.join(corpusDir, name));
      records += r.records.length;
      for (const p of r.problems) codes.add(p.code);
    });
  }
  it("covered damaged files, including cross-chunk template lookup (TemplateStore.indexAll)", () => {
    console.log(`corpus: ${corpusFiles().length} files, ${records} records equal`);
    expect(records).toBeGreaterThan(0);
    for (const code of ["evtx.record.template-borrowed", "evtx.slot.garbage", "evtx.slot.zeroed", "evtx.chunk.records-recovered"]) {
      expect(codes, code).toContain(code);
    }
  });
});

describe("readEvtxFile ≡ readEvtx on the sample logs", () => {
  const files = sampleLogs();
  it.skipIf(files.length === 0)(`every samples/**/*.evtx (${files.length} files)`, () => {
    let records = 0;
    for (const f of files) records += expectSame(f).records.length;
    console.log(`samples: ${files.length} files, ${records} records equal`);
    expect(records).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Damaged mutants

const BASE = "2026-11-10T06:00:00Z";
const COMPUTER = "vm-web01";

function mixedEvents(from: number, count: number, computer = COMPUTER): EventSpec[] {
  const background = systemBackground(BASE, computer, 500);
  const out: EventSpec[] = [];
  for (let i = from; i < from + count; i++) {
    const t = at(BASE, i * 0.5, i);
    let e: EventSpec;
    switch (i % 10) {
      case 0: e = rcmCertificateEvent(1057, t, computer, { text: "Access is denied." }); break;
      case 1: e = schannelEvent(36871, i % 20 === 1 ? "server" : "client", t, computer); break;
      case 2: e = schannelEvent(36870, "server", t, computer); break;
      case 3: e = rcmLogon(t, computer, `user${i % 97}`, `198.51.100.${i % 250}`); break;
      case 4: e = brokerEvent(i % 20 === 4 ? 2056 : 1296, t, "rdcb01.contoso.local"); break;
      default: e = { ...background[i % background.length], timeCreated: t };
    }
    e.recordId = i + 1;
    out.push(e);
  }
  return out;
}

function mutants(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const bases: { name: string; bytes: Uint8Array }[] = [
    { name: "written", bytes: writeEvtx(mixedEvents(0, 400), { dirty: true, recordsPerChunk: 50 }) },
  ];
  if (haveCorpus) {
    // Multi-chunk real logs (intact and dirty ones).
    for (const f of ["system.evtx", "security.evtx", "2-vss_7-System.evtx"]) {
      const p = path.join(corpusDir, f);
      if (existsSync(p)) bases.push({ name: f, bytes: new Uint8Array(readFileSync(p)) });
    }
  }
  const kinds: ChunkDamage[] = ["magic", "random", "garbage", "zero", "records-crc", "header-crc", "torn-record", "truncate"];
  for (const base of bases) {
    const chunks = Math.floor((base.bytes.length - HEADER) / CHUNK);
    const targets = [...new Set([0, Math.floor(chunks / 2), chunks - 1])].filter((c) => c >= 0);
    for (const how of kinds) {
      for (const c of targets) {
        for (const seed of how === "random" || how === "garbage" ? [1, 2, 3] : [1]) {
          try {
            out.push({ name: `${base.name}-${how}-chunk${c}-seed${seed}`, bytes: corruptChunk(base.bytes, c, how, { seed, count: 64 }) });
          } catch {
            // a chunk the helper cannot damage that way (e.g. no record to tear)
          }
        }
      }
    }
    // Two damages at once: a zeroed hole and a garbage slot (cross-chunk template lookup, holes).
    if (chunks >= 3) {
      out.push({ name: `${base.name}-zero1-garbage2`, bytes: corruptChunk(corruptChunk(base.bytes, 1, "zero"), 2, "garbage", { seed: 9 }) });
      out.push({ name: `${base.name}-random0-random1`, bytes: corruptChunk(corruptChunk(base.bytes, 0, "random", { seed: 5, count: 400 }), 1, "random", { seed: 6, count: 400 }) });
    }
    const rnd = seededRandom(0xf11e);
    for (let i = 0; i < 8; i++) {
      const cut = Math.floor(rnd() * base.bytes.length);
      out.push({ name: `${base.name}-cut${cut}`, bytes: base.bytes.slice(0, cut) });
    }
    for (const cut of [HEADER, HEADER + 1, HEADER + 511, HEADER + CHUNK, HEADER + CHUNK + 600]) {
      if (cut < base.bytes.length) out.push({ name: `${base.name}-cut${cut}`, bytes: base.bytes.slice(0, cut) });
    }
    out.push({ name: `${base.name}-stale-header`, bytes: patchFileHeader(base.bytes, { chunkCount: 1, nextRecordId: 2n }, false) });
  }
  const w = bases[0].bytes;
  out.push({ name: "empty", bytes: new Uint8Array(0) });
  out.push({ name: "magic-only", bytes: w.slice(0, 8) });
  out.push({ name: "header-100-bytes", bytes: w.slice(0, 100) });
  out.push({ name: "header-200-bytes", bytes: w.slice(0, 200) });
  out.push({ name: "not-evtx", bytes: new TextEncoder().encode("regf, not an event log") });
  return out;
}

describe("readEvtxFile ≡ readEvtx on damaged mutants", () => {
  it("truncated, zeroed, garbage, torn, bad-CRC, tiny files", () => {
    const all = mutants();
    const codes = new Set<string>();
    let records = 0;
    for (const [i, m] of all.entries()) {
      const file = path.join(tmp, `mutant-${i}.evtx`);
      writeFileSync(file, m.bytes);
      const r = expectSame(file);
      records += r.records.length;
      for (const p of r.problems) codes.add(p.code);
      rmSync(file);
    }
    console.log(`mutants: ${all.length} files, ${records} records equal; problem codes: ${[...codes].sort().join(", ")}`);
    // 57 mutants of the generated log alone; the corpus logs (when present) add their own.
    expect(all.length).toBeGreaterThan(haveCorpus ? 60 : 50);
    for (const code of [
      "evtx.header.bad-magic", "evtx.header.truncated", "evtx.slot.zeroed", "evtx.slot.garbage", "evtx.chunk.truncated",
      "evtx.chunk.bad-records-crc", "evtx.record.bad-magic", "evtx.header.stale-chunk-count",
    ]) {
      expect(codes, code).toContain(code);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Past 2 GiB

describe("readEvtxFile past 2 GiB", () => {
  it("reads chunks beyond offset 2^31 of a sparse file at their true offsets", () => {
    const w = writeEvtx(mixedEvents(0, 160), { recordsPerChunk: 40 });
    const chunks = (w.length - HEADER) / CHUNK;
    expect(chunks).toBe(4);
    const far = Math.ceil((2 ** 31 + 2 ** 20 - HEADER) / CHUNK); // first slot wholly past 2 GiB + 1 MiB
    const file = path.join(tmp, "sparse.evtx");
    const fd = openSync(file, "w");
    try {
      writeSync(fd, w, 0, HEADER + 2 * CHUNK, 0);
      writeSync(fd, w, HEADER + 2 * CHUNK, 2 * CHUNK, HEADER + far * CHUNK);
    } finally {
      closeSync(fd);
    }
    expect(statSync(file).size).toBeGreaterThan(2 ** 31);
    const r = fromFile(file);
    rmSync(file);
    expect(r.records.map((x) => x.recordId)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    const farRecords = r.records.filter((x) => x.chunk >= far);
    expect(farRecords).toHaveLength(80);
    for (const x of farRecords) expect(x.offset).toBeGreaterThan(2 ** 31);
    expect(r.info.slots).toBe(far + 2);
    expect(r.info.chunksFound).toBe(4);
    const zeroed = r.problems.filter((p) => p.code === "evtx.slot.zeroed");
    expect(zeroed[0].location).toBe(`chunk 2 @0x${(HEADER + 2 * CHUNK).toString(16)}`);
    expect(r.problems.some((p) => p.code === "evtx.problems.truncated" && p.message.includes("evtx.slot.zeroed"))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Memory

const distReader = path.join(repoRoot, "dist", "src", "parsers", "evtx", "index.js");

describe("readEvtxFile memory", () => {
  it.skipIf(process.platform !== "linux")("reads a log of more than 300 MB with a peak RSS under 200 MB (child process)", () => {
    expect(existsSync(distReader), `${distReader} missing: run npm run build first`).toBe(true);
    // 16 pieces of 50,000 realistic records, each written by the writer; their chunks are concatenated
    // under one file header (chunks are self-contained, record ids run on across pieces).
    const file = path.join(tmp, "large.evtx");
    const PIECES = 16;
    const PER = 50_000;
    const fd = openSync(file, "w");
    let chunks = 0;
    try {
      for (let k = 0; k < PIECES; k++) {
        const piece = writeEvtx(mixedEvents(k * PER, PER, "vm-mem01"));
        const body = piece.subarray(HEADER);
        writeSync(fd, body, 0, body.length, HEADER + chunks * CHUNK);
        chunks += body.length / CHUNK;
        if (k === PIECES - 1) {
          const header = patchFileHeader(piece.subarray(0, HEADER), {
            firstChunk: 0n, lastChunk: BigInt(chunks - 1), nextRecordId: BigInt(PIECES * PER + 1), chunkCount: chunks,
          });
          writeSync(fd, header, 0, HEADER, 0);
        }
      }
    } finally {
      closeSync(fd);
    }
    const size = statSync(file).size;
    try {
      expect(size).toBeGreaterThan(300e6);
      const script = `
        import { readFileSync } from "node:fs";
        const { readEvtxFile } = await import(${JSON.stringify(distReader)});
        let n = 0, last = 0, sampled = 0, ordered = true;
        const r = readEvtxFile(process.argv[1], (rec) => {
          if (rec.recordId !== last + 1) ordered = false;
          last = rec.recordId;
          if (++n % 5000 === 0) sampled = Math.max(sampled, process.memoryUsage().rss);
        });
        sampled = Math.max(sampled, process.memoryUsage().rss);
        const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
        console.log(JSON.stringify({ n, ordered, problems: r.problems.length, info: r.info, peak: Math.max(hwm, sampled) }));
      `;
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, file], { encoding: "utf8", maxBuffer: 1 << 20 });
      const res = JSON.parse(out.trim().split("\n").pop() as string) as { n: number; ordered: boolean; problems: number; peak: number; info: { records: number } };
      console.log(`memory: ${(size / 1e6).toFixed(0)} MB log, ${res.n} records, peak RSS ${(res.peak / 1e6).toFixed(0)} MB`);
      expect(res.n).toBe(PIECES * PER);
      expect(res.ordered).toBe(true);
      expect(res.problems).toBe(0);
      expect(res.peak).toBeLessThan(200e6);
      expect(res.peak).toBeLessThan(size / 1.5);
    } finally {
      rmSync(file, { force: true });
    }
  }, 300_000);
});

// EVTX writer: structure checks (this file's own walker, from formats.md §1), @ts-evtx/core, and
// libevtx (`evtxexport`) as the oracle that every written record decodes to what was written.
// Does not use the project's own EVTX reader (src/parsers/evtx/).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { tsEvtxOpenAndCount } from "../../src/parsers/evtx/tsEvtxAdapter.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHUNK_SIZE,
  corruptChunk,
  nameHash,
  patchFileHeader,
  readFileHeader,
  RecordTooLargeError,
  writeEvtx,
  type EventSpec,
} from "../../src/evtxWriter/index.js";
import { mixedEvent, mixedEvents } from "./fixtures.js";
import { diff, evtxexportVersion, parseEvtxexportXml, predict, runEvtxexport } from "./libevtxOracle.js";

const libevtx = evtxexportVersion();
if (!libevtx) {
  console.warn(
    "evtxWriter: `evtxexport` (Debian libevtx-utils) not found — the libevtx oracle tests are SKIPPED. " +
      "Install it with `apt-get install -y libevtx-utils` (CI does).",
  );
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "evtxwriter-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function save(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

// ---- an independent structural walker (formats.md §1.2–§1.5) ---------------------------------

interface ChunkInfo {
  index: number;
  firstNumber: bigint;
  lastNumber: bigint;
  firstId: bigint;
  lastId: bigint;
  lastRecordOffset: number;
  freeSpace: number;
  flags: number;
  headerCrcOk: boolean;
  recordsCrcOk: boolean;
  records: { offset: number; size: number; id: bigint }[];
  tableNames: string[];
  tableTemplates: { offset: number; guid: string }[];
  inlineDefs: { offset: number; guid: string; id: number }[];
  referencedDefs: { offset: number; id: number; at: number }[];
}

function u16(b: Uint8Array, o: number) {
  return b[o] | (b[o + 1] << 8);
}
function u32(b: Uint8Array, o: number) {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number) {
  return BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n);
}
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

function walk(bytes: Uint8Array): ChunkInfo[] {
  const out: ChunkInfo[] = [];
  const slots = Math.floor((bytes.length - 4096) / CHUNK_SIZE);
  for (let k = 0; k < slots; k++) {
    const c = bytes.subarray(4096 + k * CHUNK_SIZE, 4096 + (k + 1) * CHUNK_SIZE);
    if (Buffer.from(c.subarray(0, 8)).toString("latin1") !== "ElfChnk\0") continue;
    const freeSpace = u32(c, 48);
    const info: ChunkInfo = {
      index: k,
      firstNumber: u64(c, 8),
      lastNumber: u64(c, 16),
      firstId: u64(c, 24),
      lastId: u64(c, 32),
      lastRecordOffset: u32(c, 44),
      freeSpace,
      flags: u32(c, 120),
      headerCrcOk: u32(c, 124) === crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))),
      recordsCrcOk: u32(c, 52) === crc32(c.subarray(512, freeSpace)),
      records: [],
      tableNames: [],
      tableTemplates: [],
      inlineDefs: [],
      referencedDefs: [],
    };
    // String table: follow each bucket's chain; every entry must hash into its bucket.
    for (let bkt = 0; bkt < 64; bkt++) {
      for (let o = u32(c, 128 + 4 * bkt); o !== 0; o = u32(c, o)) {
        const len = u16(c, o + 6);
        const name = Buffer.from(c.subarray(o + 8, o + 8 + 2 * len)).toString("utf16le");
        expect(u16(c, o + 4), `name hash of ${name}`).toBe(nameHash(name));
        expect(nameHash(name) % 64, `bucket of ${name}`).toBe(bkt);
        expect(u16(c, o + 8 + 2 * len), "name NUL").toBe(0);
        info.tableNames.push(name);
      }
    }
    // Template table: the 65599 hash over the GUID's eight LE u16 words, mod 32.
    for (let bkt = 0; bkt < 32; bkt++) {
      for (let o = u32(c, 384 + 4 * bkt); o !== 0; o = u32(c, o)) {
        let h = 0;
        for (let i = 0; i < 16; i += 2) h = (Math.imul(h, 65599) + u16(c, o + 4 + i)) >>> 0;
        expect(h % 32, "template bucket").toBe(bkt);
        info.tableTemplates.push({ offset: o, guid: hexOf(c.subarray(o + 4, o + 20)) });
      }
    }
    // Records and their two template instances (System, then payload inside value 17).
    const instance = (p: number) => {
      // p = chunk offset of the 0x0C token
      expect(c[p]).toBe(0x0c);
      expect(c[p + 1]).toBe(0x01);
      const id = u32(c, p + 2);
      const def = u32(c, p + 6);
      let q = p + 10;
      if (def === q) {
        info.inlineDefs.push({ offset: def, guid: hexOf(c.subarray(def + 4, def + 20)), id });
        expect(u32(c, def + 4), "template id = GUID Data1").toBe(id);
        q += 24 + u32(c, def + 20);
      } else {
        info.referencedDefs.push({ offset: def, id, at: p });
      }
      const n = u32(c, q);
      const sizes = Array.from({ length: n }, (_, i) => ({ size: u16(c, q + 4 + 4 * i), type: c[q + 6 + 4 * i] }));
      return { n, sizes, values: q + 4 + 4 * n };
    };
    let off = 512;
    while (off < freeSpace) {
      expect(u32(c, off), `record magic @${off}`).toBe(0x2a2a);
      const size = u32(c, off + 4);
      expect(size % 8).toBe(0);
      expect(u32(c, off + size - 4), "size copy").toBe(size);
      info.records.push({ offset: off, size, id: u64(c, off + 8) });
      expect(u32(c, off + 24), "fragment header").toBe(0x0001010f);
      const sys = instance(off + 28);
      expect(sys.n).toBe(18);
      const pay = sys.sizes[17];
      if (pay.type === 0x21) {
        const p = sys.values + sys.sizes.slice(0, 17).reduce((a, s) => a + s.size, 0);
        expect(u32(c, p), "payload fragment header").toBe(0x0001010f);
        instance(p + 4);
        expect(c[p + pay.size - 1], "payload EndOfStream").toBe(0);
      }
      off += size;
    }
    expect(off, "chain ends at the free-space offset").toBe(freeSpace);
    out.push(info);
  }
  return out;
}

const SYSTEM_NAMES = [
  "Event", "xmlns", "System", "Provider", "Name", "Guid", "EventID", "Qualifiers", "Version", "Level", "Task",
  "Opcode", "Keywords", "TimeCreated", "SystemTime", "EventRecordID", "Correlation", "ActivityID",
  "RelatedActivityID", "Execution", "ProcessID", "ThreadID", "Channel", "Computer", "Security", "UserID",
];

/** Names a chunk holding `specs` must define (and so list in its string table). */
function expectedNames(specs: EventSpec[]): Set<string> {
  const s = new Set(SYSTEM_NAMES);
  for (const e of specs) {
    if (e.eventSourceName !== undefined) s.add("EventSourceName");
    if (e.data) {
      s.add("EventData");
      for (const d of e.data) s.add(d.element ?? "Data");
    }
    if (e.userData) {
      s.add("UserData").add(e.userData.element);
      for (const ch of e.userData.children) s.add(ch.name);
    }
  }
  return s;
}

// ---- tests -------------------------------------------------------------------------------------

describe("evtxWriter: structure", () => {
  const events = mixedEvents(3000);
  const bytes = writeEvtx(events);
  const chunks = walk(bytes);

  it("writes a valid file header", () => {
    const h = readFileHeader(bytes);
    expect(Buffer.from(bytes.subarray(0, 8)).toString("latin1")).toBe("ElfFile\0");
    expect(h.crcOk).toBe(true);
    expect(h.flags).toBe(0);
    expect(h.chunkCount).toBe(chunks.length);
    expect(h.firstChunk).toBe(0n);
    expect(h.lastChunk).toBe(BigInt(chunks.length - 1));
    expect(h.nextRecordId).toBe(3001n);
    expect(u32(bytes, 32)).toBe(128);
    expect(u16(bytes, 36)).toBe(1);
    expect(u16(bytes, 38)).toBe(3);
    expect(u16(bytes, 40)).toBe(4096);
    expect(bytes.length).toBe(4096 + chunks.length * CHUNK_SIZE);
    expect(chunks.length).toBeGreaterThan(10);
  });

  it("fills chunk headers, CRCs and record chains; ids and numbers run on", () => {
    let expectId = 1n;
    for (const ch of chunks) {
      expect(ch.headerCrcOk && ch.recordsCrcOk).toBe(true);
      expect(ch.flags).toBe(1);
      expect(ch.records.length).toBeGreaterThan(0);
      expect(ch.firstId).toBe(expectId);
      expect(ch.firstNumber).toBe(expectId);
      expect(ch.records.map((r) => r.id)).toEqual(ch.records.map((_, i) => expectId + BigInt(i)));
      expectId += BigInt(ch.records.length);
      expect(ch.lastId).toBe(expectId - 1n);
      expect(ch.lastNumber).toBe(expectId - 1n);
      expect(ch.lastRecordOffset).toBe(ch.records[ch.records.length - 1].offset);
      // Full chunks: the next record would not have fitted.
      if (ch.index < chunks.length - 1) expect(CHUNK_SIZE - ch.freeSpace).toBeLessThan(4096);
      // The rest of the chunk is zero.
      const c = bytes.subarray(4096 + ch.index * CHUNK_SIZE + ch.freeSpace, 4096 + (ch.index + 1) * CHUNK_SIZE);
      expect(c.every((x) => x === 0)).toBe(true);
    }
    expect(expectId).toBe(3001n);
  });

  it("lists every name of a chunk in its string table, each exactly once", () => {
    for (const ch of chunks) {
      const specs = events.slice(Number(ch.firstId) - 1, Number(ch.lastId));
      expect(new Set(ch.tableNames).size).toBe(ch.tableNames.length);
      expect([...ch.tableNames].sort()).toEqual([...expectedNames(specs)].sort());
    }
  });

  it("defines each template inline once per chunk, references it afterwards, and tables it", () => {
    let referenced = 0;
    for (const ch of chunks) {
      const guids = ch.inlineDefs.map((d) => d.guid);
      expect(new Set(guids).size, "no template defined twice in a chunk").toBe(guids.length);
      expect(ch.tableTemplates.map((t) => t.offset).sort()).toEqual(ch.inlineDefs.map((d) => d.offset).sort());
      for (const r of ch.referencedDefs) {
        const d = ch.inlineDefs.find((x) => x.offset === r.offset);
        expect(d, "reference points to an inline definition of this chunk").toBeDefined();
        expect(d!.id).toBe(r.id);
        expect(d!.offset).toBeLessThan(r.at);
      }
      referenced += ch.referencedDefs.length;
      // 14 event kinds → at most a few dozen shapes per chunk, far fewer than records.
      expect(ch.inlineDefs.length).toBeLessThan(ch.records.length);
    }
    expect(referenced).toBeGreaterThan(4000);
  });

  it("is deterministic: the same input gives the same bytes", () => {
    const again = writeEvtx(mixedEvents(3000));
    expect(Buffer.compare(Buffer.from(again), Buffer.from(bytes))).toBe(0);
  });

  it("sets the dirty flag on request, with a valid header CRC", () => {
    const dirty = writeEvtx(events.slice(0, 50), { dirty: true });
    const h = readFileHeader(dirty);
    expect(h.flags).toBe(1);
    expect(h.crcOk).toBe(true);
    const clean = writeEvtx(events.slice(0, 50));
    expect(Buffer.compare(Buffer.from(dirty.subarray(4096)), Buffer.from(clean.subarray(4096)))).toBe(0);
  });

  it("honours recordsPerChunk", () => {
    const b = writeEvtx(events.slice(0, 100), { recordsPerChunk: 7 });
    const ch = walk(b);
    expect(ch.length).toBe(15);
    expect(ch.map((c) => c.records.length)).toEqual([...Array(14).fill(7), 2]);
  });

  it("accepts explicit record ids and continues counting after them", () => {
    const specs = events.slice(0, 4).map((e, i) => (i === 1 ? { ...e, recordId: 5000 } : e));
    const ch = walk(writeEvtx(specs));
    expect(ch[0].records.map((r) => r.id)).toEqual([1n, 5000n, 5001n, 5002n]);
    expect(readFileHeader(writeEvtx(specs)).nextRecordId).toBe(5003n);
  });

  it("writes an empty log as a bare file header", () => {
    const b = writeEvtx([]);
    expect(b.length).toBe(4096);
    expect(readFileHeader(b)).toMatchObject({ chunkCount: 0, nextRecordId: 1n, crcOk: true });
  });

  it("rejects what it cannot write", () => {
    const base = mixedEvent(2);
    expect(() => writeEvtx([{ ...base, timeCreated: "yesterday" }])).toThrow(/ISO/);
    expect(() => writeEvtx([{ ...base, eventId: 70000 }])).toThrow(/16-bit/);
    expect(() => writeEvtx([{ ...base, data: [{ name: "X", value: 300, type: "uint8" }] }])).toThrow(/8 bits/);
    const big = "x".repeat(8100); // 4 × 16,200 bytes: payload < 64 KiB, record > a chunk's record area
    const four = ["A", "B", "C", "D"].map((name) => ({ name, value: big }));
    expect(() => writeEvtx([{ ...base, data: four }])).toThrow(RecordTooLargeError);
    expect(() => writeEvtx([{ ...base, data: [...four, ...four] }])).toThrow(/exceeds 65535/);
  });

  it("writes UTF-16 surrogate pairs as they are (libevtx 20181227 mis-renders them, so check bytes)", () => {
    const b = writeEvtx([{ ...mixedEvent(2), data: [{ name: "Emoji", value: "a\u{1F600}b" }] }]);
    const want = Buffer.from("a\u{1F600}b", "utf16le"); // 61 00 3D D8 00 DE 62 00
    expect(Buffer.from(b).indexOf(want)).toBeGreaterThan(4096);
  });

  it("@ts-evtx/core opens the file and counts every record", async () => {
    // It resolves names only through the string table: a missing entry shows as UnknownTag.
    const seen = await tsEvtxOpenAndCount(save("tsevtx.evtx", bytes), { renderEvery: 97 });
    expect(seen.headerOk).toBe(true);
    expect(seen.chunkCount).toBe(chunks.length);
    const n = seen.records;
    const unknown = seen.unknownTagRecords;
    expect(n).toBe(3000);
    expect(unknown).toBe(0);
  });
});

describe("evtxWriter: damage helpers", () => {
  const bytes = writeEvtx(mixedEvents(600));
  const n = walk(bytes).length;

  it("breaks exactly what was asked, on a copy", () => {
    const before = Buffer.from(bytes);
    const magic = corruptChunk(bytes, 1, "magic");
    expect(walk(magic).map((c) => c.index)).not.toContain(1);
    expect(walk(magic).length).toBe(n - 1);

    const rc = walk(corruptChunk(bytes, 2, "records-crc"))[2];
    expect([rc.headerCrcOk, rc.recordsCrcOk]).toEqual([true, false]);
    const hc = walk(corruptChunk(bytes, 2, "header-crc"))[2];
    expect([hc.headerCrcOk, hc.recordsCrcOk]).toEqual([false, true]);

    const r1 = corruptChunk(bytes, 0, "random", { seed: 7 });
    const r2 = corruptChunk(bytes, 0, "random", { seed: 7 });
    expect(Buffer.compare(Buffer.from(r1), Buffer.from(r2))).toBe(0);
    expect(Buffer.compare(Buffer.from(r1), before)).not.toBe(0);
    expect(u32(r1, 4096 + 52)).toBe(u32(bytes, 4096 + 52)); // CRC kept → mismatch

    const g = corruptChunk(bytes, 0, "garbage", { seed: 3 });
    expect(Buffer.from(g.subarray(4096, 4104)).toString("latin1")).not.toBe("ElfChnk\0");
    expect(corruptChunk(bytes, 0, "zero").subarray(4096, 4096 + CHUNK_SIZE).every((x) => x === 0)).toBe(true);

    const t = corruptChunk(bytes, n - 1, "truncate", { keep: 1000 });
    expect(t.length).toBe(4096 + (n - 1) * CHUNK_SIZE + 1000);

    expect(Buffer.compare(Buffer.from(bytes), before)).toBe(0);
  });

  it("patches the file header with a valid or invalid CRC", () => {
    const stale = patchFileHeader(bytes, { chunkCount: 1, nextRecordId: 10n, flags: 1 });
    expect(readFileHeader(stale)).toMatchObject({ chunkCount: 1, nextRecordId: 10n, flags: 1, crcOk: true });
    expect(readFileHeader(patchFileHeader(bytes, {}, false)).crcOk).toBe(false);
  });
});

describe.skipIf(!libevtx)(`evtxWriter: libevtx oracle (evtxexport ${libevtx ?? "missing"})`, () => {
  it("decodes every record of a 3,000-record mixed log to exactly what was written", () => {
    const events = mixedEvents(3000);
    const bytes = writeEvtx(events);
    const { xml, stderr, status } = runEvtxexport(save("mixed.evtx", bytes));
    expect(status, stderr).toBe(0);
    expect(stderr).not.toMatch(/unable|error/i);
    const got = parseEvtxexportXml(xml);
    expect(got.length).toBe(events.length);
    const mismatches: string[] = [];
    let fieldsCompared = 0;
    events.forEach((e, i) => {
      const want = predict(e, i + 1);
      fieldsCompared += want.fields.length;
      for (const d of diff(want, got[i])) mismatches.push(`record ${i + 1} (${e.provider} ${e.eventId}): ${d}`);
    });
    console.log(
      `libevtx oracle: ${got.length} records, ${walk(bytes).length} chunks, ${fieldsCompared} payload fields compared, ` +
        `${mismatches.length} mismatches`,
    );
    expect(mismatches.slice(0, 20)).toEqual([]);
    // Sanity: the comparison really saw the interesting values.
    expect(xml).toContain("<Data Name=\"ErrorCode\">0x8009030d</Data>");
    expect(xml).toContain("<Data Name=\"TargetUserSid\">S-1-0-0</Data>");
    expect(xml).toContain("<EventID Qualifiers=\"49152\">1057</EventID>");
    expect(xml).toContain("<Binary>05000780</Binary>");
  });

  it("spans chunks: libevtx's record count equals the input (full chunks and recordsPerChunk)", () => {
    for (const [name, opts, count] of [
      ["full", {}, 5000],
      ["per-chunk", { recordsPerChunk: 37 }, 1000],
    ] as const) {
      const bytes = writeEvtx(mixedEvents(count), opts);
      const chunks = walk(bytes).length;
      const { xml, status } = runEvtxexport(save(`span-${name}.evtx`, bytes));
      expect(status).toBe(0);
      const got = parseEvtxexportXml(xml);
      expect(got.length).toBe(count);
      expect(got.map((r) => Number(r.recordId))).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(chunks).toBeGreaterThan(name === "full" ? 15 : 26);
    }
  });

  it("reads a dirty file the same way", () => {
    const events = mixedEvents(200);
    const { xml, status } = runEvtxexport(save("dirty.evtx", writeEvtx(events, { dirty: true })));
    expect(status).toBe(0);
    const got = parseEvtxexportXml(xml);
    expect(got.length).toBe(200);
    events.forEach((e, i) => expect(diff(predict(e, i + 1), got[i])).toEqual([]));
  });

  it("loses exactly the damaged chunk's records when its magic is broken", () => {
    const bytes = writeEvtx(mixedEvents(600));
    const ch = walk(bytes);
    const lost = ch[1].records.length;
    const { xml } = runEvtxexport(save("badmagic.evtx", corruptChunk(bytes, 1, "magic")));
    const got = parseEvtxexportXml(xml);
    expect(got.length).toBe(600 - lost);
    expect(got.some((r) => BigInt(r.recordId) >= ch[1].firstId && BigInt(r.recordId) <= ch[1].lastId)).toBe(false);
  });
});

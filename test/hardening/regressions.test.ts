// Every failure the fuzzers (scripts/fuzz.ts, test/hardening/fuzz.test.ts) found, as a fixed test.
// Each case names the target, the seed and the shrunk input that found it.

import { describe, expect, it } from "vitest";
import { writeHive, withSequence, logEntriesFromStates, writeNewFormatLog, writeOldFormatLog } from "../../src/hiveWriter/index.js";
import { computeChecksum, readHive } from "../../src/parsers/hive/index.js";
import { checkEvtx, checkHive, checkIcacls, checkIsolation, checkRegFile, evtxInput, hiveInput, type IsolationCase } from "../../scripts/fuzz.js";
import { openIndex } from "../../src/store/db.js";
import { IndexWriter } from "../../src/store/writer.js";
import { corruptChunk, writeEvtx } from "../../src/evtxWriter/index.js";
import { readEvtx } from "../../src/parsers/evtx/index.js";
import type { EventRecord } from "../../src/parsers/types.js";
import { at, schannelEvent, systemBackground } from "../../scripts/samples/events.js";

const setU32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, v >>> 0, true);
const fixChecksum = (b: Uint8Array) => setU32(b, 508, computeChecksum(b));

function tree(deny: number) {
  return {
    name: "ROOT",
    keys: [
      { name: "Select", values: [{ name: "Current", type: "REG_DWORD", data: 1 }] },
      {
        name: "ControlSet001",
        subkeys: [{ name: "Control", subkeys: [{ name: "Terminal Server", values: [{ name: "fDenyTSConnections", type: "REG_DWORD", data: deny }] }] }],
      },
    ],
  };
}

describe("hive: a log replay never trusts a claimed hive bins data size (fuzz target hive, seed 20261128)", () => {
  // Found by `node dist/scripts/fuzz.js`: {"variant":"dirty-primary","mutations":[{"kind":"fill","at":12,"length":32,
  // "value":255}],"fixChecksum":true} threw `RangeError: Invalid typed array length: 4294971391` from replayLogs:
  // the dirty primary's base block claimed 0xFFFFFFFF bytes of hive bins, and the replay allocated that.
  // Through ingest, the exception became an internal.parser-crashed row and every value of the hive was lost.
  it("the shrunk counterexample reads without a throw", () => {
    const { primary, logs } = hiveInput({ variant: "dirty-primary", mutations: [{ kind: "fill", at: 12, length: 32, value: 255 }], fixChecksum: true });
    expect(() => readHive(primary, { hiveName: "SYSTEM", logs })).not.toThrow();
    expect(() => checkHive(primary, logs)).not.toThrow();
  });

  const before = writeHive(tree(0), { sequence: 10 });
  const after = writeHive(tree(1), { sequence: 10 });
  const entries = logEntriesFromStates([before, after], 10);
  const log1 = writeNewFormatLog(after, [entries[0]]);

  it("new format: a dirty primary claiming 4 GiB of bins still gets its log applied and its values read", () => {
    const primary = withSequence(before, 11, 10);
    setU32(primary, 40, 0xffffffff);
    fixChecksum(primary);
    const r = readHive(primary, { hiveName: "SYSTEM", logs: [{ name: "SYSTEM.LOG1", bytes: log1 }] });
    expect(r.info.logApplied).toBe(true);
    expect(r.values.find((v) => v.name === "fDenyTSConnections")?.value).toBe(1);
    expect(r.values.length).toBe(readHive(after, { hiveName: "SYSTEM" }).values.length);
  });

  it("new format: the same through the index keeps every value (no internal.parser-crashed row)", () => {
    const primary = withSequence(before, 11, 10);
    setU32(primary, 40, 0xffffffff);
    fixChecksum(primary);
    const db = openIndex(":memory:");
    const writer = new IndexWriter(db);
    writer.storeSource({ path: "SYSTEM", kind: "hive", sha256: "x", size: primary.length, encoding: null }, (sink) => {
      const r = readHive(primary, { hiveName: "SYSTEM", logs: [{ name: "SYSTEM.LOG1", bytes: log1 }], onValue: (v) => sink.registryValue(v) });
      for (const p of r.problems) sink.problem(p);
    });
    const codes = (db.prepare("SELECT code FROM problems").all() as { code: string }[]).map((p) => p.code);
    expect(codes).not.toContain("internal.parser-crashed");
    expect((db.prepare("SELECT count(*) AS n FROM registry_values").get() as { n: number }).n).toBeGreaterThan(0);
    db.close();
  });

  it("old format: a log whose base block claims ~4 GiB of bins is applied within what the files hold", () => {
    const primary = withSequence(before, 11, 10);
    // An old-format log: base block, DIRT, a bitmap of 512-byte pages, the pages. Keep its bitmap and pages,
    // but claim 0xFFFFFE00 bytes of bins (the bitmap then has 1 MiB, mostly zeros).
    const log = writeOldFormatLog(before, after);
    const bins = new DataView(log.buffer, log.byteOffset).getUint32(40, true);
    const oldBitmap = log.subarray(516, 516 + Math.ceil(bins / 512 / 8));
    const oldPagesAt = Math.ceil((516 + oldBitmap.length) / 512) * 512;
    const bitmapBytes = 0xfffffe00 / 512 / 8;
    const pagesAt = Math.ceil((516 + bitmapBytes) / 512) * 512;
    const big = new Uint8Array(pagesAt + (log.length - oldPagesAt));
    big.set(log.subarray(0, 512));
    big.set([0x44, 0x49, 0x52, 0x54], 512); // DIRT
    big.set(oldBitmap, 516);
    big.set(log.subarray(oldPagesAt), pagesAt);
    setU32(big, 40, 0xfffffe00);
    fixChecksum(big);
    const r = readHive(primary, { hiveName: "SYSTEM", logs: [{ name: "SYSTEM.LOG", bytes: big }] });
    expect(r.info.logApplied).toBe(true);
    expect(r.values.find((v) => v.name === "fDenyTSConnections")?.value).toBe(1);
  });
});

describe("evtx: damage in one chunk never costs the records of another (found by test/hardening/damagedEvtx.test.ts)", () => {
  const events = [
    ...systemBackground("2026-11-10T06:00:00Z", "vm-web01", 120),
    ...Array.from({ length: 8 }, (_, i) => schannelEvent(36871, "server", at("2026-11-19T22:40:00Z", i * 9, i * 113), "vm-web01")),
  ].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
  const clean = writeEvtx(events, { dirty: true, recordsPerChunk: 40 });
  const decode = (b: Uint8Array) => {
    const records: EventRecord[] = [];
    const { problems } = readEvtx(b, (r) => records.push(r));
    return { records, problems };
  };
  const reference = decode(clean).records;

  // Templates were shared across chunks by GUID + size: 8 flipped bytes in chunk 0's copy of the System
  // template definition made that damaged copy the file's template, and 108 records of the three intact
  // chunks failed with "substitution 26380 refers past the 18 values of its instance".
  it("a template definition damaged in chunk 0 does not replace the intact copies chunks 1-3 carry", () => {
    const { records } = decode(corruptChunk(clean, 0, "random", { seed: 1, count: 8 }));
    const got = new Map(records.map((r) => [r.recordId, r]));
    const intact = reference.filter((r) => r.chunk > 0);
    expect(intact.length).toBe(88);
    expect(intact.filter((r) => JSON.stringify(got.get(r.recordId)) !== JSON.stringify(r)).map((r) => r.recordId)).toEqual([]);
  });

  // An all-zero slot before later data (sectors a copy could not read) lost a chunk's 40 records with no
  // problem row at it: only the header's stale chunk count hinted at anything.
  it("an all-zero slot between chunks is reported where it is (evtx.slot.zeroed)", () => {
    const { records, problems } = decode(corruptChunk(clean, 1, "zero"));
    expect(records.length).toBe(88);
    expect(problems.filter((p) => p.code === "evtx.slot.zeroed").map((p) => p.location)).toEqual(["chunk 1 @0x11000"]);
    // The unused tail of a file is not a hole.
    expect(decode(corruptChunk(clean, 3, "zero")).problems.some((p) => p.code === "evtx.slot.zeroed")).toBe(false);
  });
});

describe("evtx-chunk fuzz target (seed 20261128): damage confined to one chunk, the other chunks' records unchanged", () => {
  const cases: [string, IsolationCase][] = [
    [
      // Chunk 0's header and first record zeroed: its slot is scanned as garbage, its zeroed name entries read
      // as "" (length 0 passes the hash check), the templates compiled from them lacked EventID, and being
      // shared by GUID they broke 27 records of intact chunk 1 ("the record has no EventID").
      "zeroed names in a damaged slot (fill 0..596)",
      { chunk: 0, mutations: [{ kind: "fill", at: 0, length: 596, value: 0 }, { kind: "byte", at: 0, value: 0 }], rechecksum: false },
    ],
    [
      "zeroed names in a damaged chunk whose checksums were recomputed (fill 50..596)",
      { chunk: 0, mutations: [{ kind: "fill", at: 50, length: 546, value: 0 }, { kind: "byte", at: 7, value: 0 }], rechecksum: true },
    ],
    [
      // One byte turned the EventRecordID of a record in damaged slot 0 (header id 11) into 41; decoded first (by
      // header id), it took EventRecordID 41 and the intact record 41 of chunk 1 was skipped as a duplicate.
      "a damaged record's EventRecordID altered to an intact record's",
      { chunk: 0, mutations: [{ kind: "byte", at: 5993, value: 41 }, { kind: "byte", at: 0, value: 0 }], rechecksum: false },
    ],
  ];
  for (const [what, c] of cases) {
    it(what, () => {
      expect(() => checkIsolation(c)).not.toThrow();
    });
  }
});

describe("documented, not bugs: fuzz findings whose behaviour is the format's (kept as tests so they stay deliberate)", () => {
  it("evtx (seed 20261128): a FILETIME past 9999-12-31 prints exactly, with a 5-digit year, and the record is kept", () => {
    // {"seed":1580832223,"mutations":[{"kind":"truncate","at":2350236},{"kind":"u32","at":71316,"value":380452},
    //  {"kind":"u32","at":8,"value":0}],"rechecksum":false} → record 37 timeCreated "10018-10-23T04:31:12.7479129Z".
    const bytes = evtxInput({
      seed: 1580832223,
      mutations: [{ kind: "truncate", at: 2350236 }, { kind: "u32", at: 71316, value: 380452 }, { kind: "u32", at: 8, value: 0 }],
      rechecksum: false,
    });
    expect(() => checkEvtx(bytes)).not.toThrow();
  });

  it("icacls (seed 20261128): a forged summary line with a 20-digit count is kept as a (non-safe) integer, nothing breaks", () => {
    expect(() => checkIcacls("Failed processing 99999999999999999999 files0xffffffff")).not.toThrow();
  });

  it("reg-file (seed 20261128): `[]` is a key whose logical form is empty (registryPath: 'empty key path')", () => {
    expect(() => checkRegFile("[]")).not.toThrow();
  });
});

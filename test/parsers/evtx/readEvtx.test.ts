// readEvtx on real files (the corpus) and on broken input: recovery rules of formats.md §1.8.

import { describe, expect, it } from "vitest";
import { parseFileHeader } from "../../../src/parsers/evtx/fileHeader.js";
import { isEvtx, readEvtx } from "../../../src/parsers/evtx/index.js";
import type { EventRecord, Problem } from "../../../src/parsers/types.js";
import { buildFile, ChunkBuilder, FT_2017, rechecksum } from "./build.js";
import { corpusBytes, decodeCorpusFile, haveCorpus, noCorpusReason } from "./corpus.js";

function decode(bytes: Uint8Array): { records: EventRecord[]; problems: Problem[]; info: ReturnType<typeof readEvtx>["info"] } {
  const records: EventRecord[] = [];
  const { info, problems } = readEvtx(bytes, (r) => records.push(r));
  return { records, problems, info };
}

function codes(problems: Problem[]): string[] {
  return [...new Set(problems.map((p) => p.code))].sort();
}

/** Deterministic bytes for fuzzing (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe("isEvtx", () => {
  it("recognises the ElfFile signature only", () => {
    expect(isEvtx(new Uint8Array([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00, 1, 2]))).toBe(true);
    expect(isEvtx(new Uint8Array([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65]))).toBe(false);
    expect(isEvtx(new TextEncoder().encode("regf...."))).toBe(false);
    expect(isEvtx(new Uint8Array(0))).toBe(false);
  });
});

describe("broken input never throws", () => {
  it("reports a file without the signature", () => {
    const r = decode(new Uint8Array(100_000));
    expect(r.records).toEqual([]);
    expect(codes(r.problems)).toEqual(["evtx.header.bad-magic"]);
  });

  it("reports a signature followed by zeros", () => {
    const bytes = new Uint8Array(4096 + 3 * 65536);
    bytes.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]);
    const r = decode(bytes);
    expect(r.records).toEqual([]);
    expect(codes(r.problems)).toEqual(["evtx.header.bad-block-size", "evtx.header.bad-crc", "evtx.header.unknown-version"]);
    expect(r.info.slots).toBe(3);
    expect(r.info.chunksFound).toBe(0);
  });

  it("survives random bytes after the signature", () => {
    const next = rng(0xc0ffee);
    const bytes = new Uint8Array(4096 + 16 * 65536 + 1000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
    bytes.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]);
    const r = decode(bytes);
    expect(r.records).toEqual([]);
    expect(codes(r.problems)).toContain("evtx.header.bad-crc");
    expect(codes(r.problems)).toContain("evtx.slot.garbage");
    expect(r.problems.find((p) => p.code === "evtx.slot.garbage")?.location).toBe("chunk 0 @0x1000");
  });

  it("survives random bytes inside chunks that keep their signature and header CRC", () => {
    const next = rng(42);
    const chunk = new ChunkBuilder().finish();
    for (let i = 512; i < 65536; i++) chunk[i] = next() & 0xff;
    // A plausible record signature every 64 bytes, with random sizes.
    for (let i = 512; i < 65536 - 8; i += 64) chunk.set([0x2a, 0x2a, 0, 0], i);
    new DataView(chunk.buffer).setUint32(48, 65536, true); // free space: the whole chunk
    rechecksum(chunk);
    const r = decode(buildFile([chunk]));
    expect(r.records).toEqual([]);
    expect(codes(r.problems)).toContain("evtx.record.bad-size");
  });

  it.skipIf(!haveCorpus)("reads every prefix of a truncated file and recovers the records before the cut", () => {
    const bytes = corpusBytes("system.evtx");
    for (const length of [0, 7, 8, 127, 128, 4095, 4096, 4096 + 100, 4096 + 511, 4096 + 512, 4096 + 30_000, 4096 + 65_535, 200_000, bytes.length - 1]) {
      const r = decode(bytes.subarray(0, length));
      expect(r.problems.length, `length ${length}`).toBeGreaterThan(0);
      if (length >= 4096 + 30_000) expect(r.records.length, `length ${length}`).toBeGreaterThan(0);
    }
    const cut = decode(bytes.subarray(0, 4096 + 30_000));
    expect(codes(cut.problems)).toContain("evtx.chunk.truncated");
    expect(cut.records[0]).toMatchObject({ recordId: 1, eventId: 6009 });
  });

  it.skipIf(!haveCorpus)("survives random byte damage of a real file: no throw, unique ids, terminates", () => {
    const original = corpusBytes("security.evtx");
    const next = rng(7);
    for (let round = 0; round < 40; round++) {
      const bytes = Uint8Array.from(original);
      const hits = 1 + (next() % 400);
      for (let i = 0; i < hits; i++) bytes[next() % bytes.length] = next() & 0xff;
      const r = decode(bytes);
      expect(new Set(r.records.map((x) => x.recordId)).size).toBe(r.records.length);
      for (const rec of r.records) expect(rec.timeCreated).toMatch(/^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    }
  }, 120_000); // Hang guard, not a speed target (speed is measured by `npm run bench`): a damaged chunk that loops would not finish.
});

describe("hand-made damage", () => {
  function threeRecordChunk(): ChunkBuilder {
    const c = new ChunkBuilder();
    for (let id = 1; id <= 3; id++) {
      c.record(id, FT_2017, () => {
        c.fragmentHeader();
        c.element("Event", {
          content: () => c.element("System", { content: () => c.element("EventID", { content: () => c.text(String(100 + id)) }) }),
        });
        c.u8(0);
      });
    }
    return c;
  }

  it("continues past a zero-size record by scanning, marking the rest recovered", () => {
    const c = threeRecordChunk();
    const chunk = c.finish();
    const second = 512 + new DataView(chunk.buffer).getUint32(516, true);
    new DataView(chunk.buffer).setUint32(second + 4, 0, true); // record 2: size 0
    const r = decode(buildFile([chunk]));
    expect(r.records.map((x) => [x.recordId, x.status])).toEqual([
      [1, "chain"],
      [3, "recovered"],
    ]);
    expect(codes(r.problems)).toEqual(["evtx.chunk.bad-records-crc", "evtx.chunk.records-recovered", "evtx.record.bad-size"]);
    expect(r.problems.find((p) => p.code === "evtx.record.bad-size")?.location).toBe(`chunk 0 @0x${(4096 + second).toString(16)}`);
    expect(r.info).toMatchObject({ records: 2, recovered: 1, chunksWithBadCrc: 1 });
  });

  it("reads a chunk whose signature is gone by scanning the slot", () => {
    const chunk = threeRecordChunk().finish();
    chunk.fill(0, 0, 8);
    const r = decode(buildFile([chunk]));
    expect(r.records.map((x) => [x.recordId, x.eventId, x.status])).toEqual([
      [1, 101, "recovered"],
      [2, 102, "recovered"],
      [3, 103, "recovered"],
    ]);
    expect(codes(r.problems)).toEqual(["evtx.header.stale-chunk-count", "evtx.slot.garbage"]);
  });

  it("reports a bad file header CRC and a bad chunk header CRC but decodes everything", () => {
    const file = buildFile([threeRecordChunk().finish()]);
    file[60] = 1; // reserved header byte, covered by the CRC
    file[4096 + 60] = 1; // reserved chunk header byte, covered by the chunk header CRC
    const r = decode(file);
    expect(r.records).toHaveLength(3);
    expect(codes(r.problems)).toEqual(["evtx.chunk.bad-header-crc", "evtx.header.bad-crc"]);
    expect(r.info).toMatchObject({ headerCrcOk: false, chunksWithBadCrc: 1 });
  });

  it("prefers the chain copy of a record id over a recovered copy", () => {
    const a = threeRecordChunk().finish();
    const b = threeRecordChunk().finish();
    b.fill(0, 0, 8); // second slot: same ids, no signature → recovered copies
    const r = decode(buildFile([a, b], { headerChunkCount: 1 }));
    expect(r.records.map((x) => [x.recordId, x.chunk, x.status])).toEqual([
      [1, 0, "chain"],
      [2, 0, "chain"],
      [3, 0, "chain"],
    ]);
  });

  it("reports a header whose chunk count is stale and reads the chunks beyond it", () => {
    const r = decode(buildFile([threeRecordChunk().finish(), threeRecordChunk().finish()], { headerChunkCount: 1 }));
    expect(codes(r.problems)).toContain("evtx.header.stale-chunk-count");
    expect(r.info).toMatchObject({ headerChunkCount: 1, chunksFound: 2 });
  });
});

describe.skipIf(!haveCorpus)(`corpus files (${haveCorpus ? "found" : noCorpusReason})`, () => {
  it("parses the file header (system.evtx: dirty 3.1, stale chunk count 3)", () => {
    const h = parseFileHeader(corpusBytes("system.evtx"));
    expect(h).toMatchObject({ majorVersion: 3, minorVersion: 1, blockSize: 4096, headerSize: 128, chunkCount: 3, dirty: true, full: false, noCrc: false, crcOk: true, nextRecordId: 309 });
    // post-Security.evtx: flags 0x1B970000 with a valid CRC; only the low bits mean anything.
    expect(parseFileHeader(corpusBytes("post-Security.evtx"))).toMatchObject({ flags: 0x1b970000, dirty: false, full: false, noCrc: false, crcOk: true });
  });

  it("decodes the worked example: system.evtx record 2 (formats.md §1.6)", () => {
    const { records } = decodeCorpusFile("system.evtx");
    const r = records.find((x) => x.recordId === 2);
    expect(r).toEqual({
      recordId: 2,
      timeCreated: "2017-07-12T17:16:28.2141616Z",
      provider: "EventLog",
      providerGuid: null,
      eventId: 6005,
      qualifiers: 32768,
      version: null,
      level: 4,
      task: 0,
      opcode: null,
      keywords: "0x80000000000000",
      channel: "System",
      computer: "WIN-P4SIAA0SQCO",
      userSid: null,
      processId: null,
      threadId: null,
      activityId: null,
      // The nested optional NULL <Data> is omitted, the u32 24 is not rendered.
      fields: [{ position: 0, name: "Binary", value: "E107070003000C00110010001C00D6000000000000000000" }],
      chunk: 0,
      offset: 0x1708,
      status: "chain",
    });
  });

  it("reads every slot despite the stale header (system.evtx: 1881 records in 15 chunks, header says 3)", () => {
    const { records, info, problems } = decodeCorpusFile("system.evtx");
    expect(records.length).toBeGreaterThanOrEqual(1881);
    expect(info).toMatchObject({ headerChunkCount: 3, slots: 17, chunksFound: 15, dirty: true, headerCrcOk: true, failed: 0 });
    expect(codes(problems)).toEqual(["evtx.header.stale-chunk-count"]);
    // Emitted in record-id order.
    expect(records.map((r) => r.recordId)).toEqual([...records.map((r) => r.recordId)].sort((a, b) => a - b));
  });

  it("reads booleans as 4 bytes (sample-with-irregular-bool-values record 148: 0x10000 and 0x8 are true, later values aligned)", () => {
    const { records } = decodeCorpusFile("sample-with-irregular-bool-values.evtx");
    expect(records.find((r) => r.recordId === 148)?.fields).toEqual([
      { position: 0, name: "IsMachine", value: "true" },
      { position: 1, name: "IsBackgroundProcessing", value: "true" },
      { position: 2, name: "IsAsyncProcessing", value: "true" },
      { position: 3, name: "NumberOfGPOsDownloaded", value: "0" },
      { position: 4, name: "NumberOfGPOsApplicable", value: "0" },
      { position: 5, name: "GPODownloadTimeElapsedInMilliseconds", value: "0" },
    ]);
  });

  it("reads a file without CRCs (Application_no_crc32: 17 records; the header CRC problem is not fatal)", () => {
    const { records, info, problems } = decodeCorpusFile("Application_no_crc32.evtx");
    expect(records).toHaveLength(17);
    expect(info).toMatchObject({ noCrc: true, headerCrcOk: false, majorVersion: 3, minorVersion: 2, chunksWithBadCrc: 0 });
    expect(problems.map((p) => p.code)).toContain("evtx.header.no-crc");
    expect(codes(problems)).not.toContain("evtx.chunk.bad-header-crc");
  });

  it("recovers records from slots whose chunk signature is broken (sample_with_a_bad_chunk_magic)", () => {
    const { records, info, problems } = decodeCorpusFile("sample_with_a_bad_chunk_magic.evtx");
    expect(records.length).toBeGreaterThanOrEqual(380);
    const garbage = problems.filter((p) => p.code === "evtx.slot.garbage").map((p) => p.location);
    expect(garbage).toEqual(["chunk 6 @0x61000", "chunk 10 @0xa1000"]);
    const fromBroken = records.filter((r) => r.chunk === 6 || r.chunk === 10);
    expect(fromBroken).toHaveLength(82);
    expect(fromBroken.every((r) => r.status === "recovered" && r.eventId > 0 && r.provider === "Microsoft-Windows-AppXDeployment")).toBe(true);
    expect(info.failed).toBe(0);
    // Their own template definitions were zeroed with the chunk header: borrowed from other chunks.
    expect(codes(problems)).toContain("evtx.record.template-borrowed");
  });

  it("continues after a zero-size record (sample-with-zero-data-size-event: 114 records behind it)", () => {
    const { records, info, problems } = decodeCorpusFile("sample-with-zero-data-size-event.evtx");
    const bad = problems.find((p) => p.code === "evtx.record.bad-size");
    expect(bad?.location).toBe("chunk 0 @0x1820");
    expect(bad?.message).toMatch(/record size 0 is impossible/);
    expect(info.recovered).toBe(114);
    expect(records.filter((r) => r.status === "recovered")).toHaveLength(114);
  });

  it("recovers the newer records of a half-overwritten chunk (RdpCoreTS chunk 0)", () => {
    const { records, problems } = decodeCorpusFile("2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx");
    const recovered = records.filter((r) => r.chunk === 0 && r.status === "recovered");
    expect(recovered.length).toBe(32);
    expect(recovered.map((r) => r.recordId)[0]).toBe(6952124);
    // An RDP connection attempt that only a recovering reader sees.
    expect(recovered.some((r) => r.eventId === 131 && r.fields.some((f) => f.name === "ClientIP" && f.value === "185.156.177.31:60603"))).toBe(true);
    expect(problems.find((p) => p.code === "evtx.record.bad-size")?.location).toBe("chunk 0 @0xcfd0");
  });

  it("decodes records without templates (WEC forwarded events)", () => {
    const { records } = decodeCorpusFile("MSExchange_Management_wec.evtx");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ recordId: 3229, eventId: 1, qualifiers: 16384, provider: "MSExchange CmdletLogs", channel: "MSExchange Management", computer: "WEC.ave.local", timeCreated: "2021-11-19T16:52:33.8337335Z" });
    expect(records[0].fields[0]).toEqual({ position: 0, name: "Data", value: "Set-Mailbox" });
  });

  it("reports the EventRecordID, not the renumbered record header id, in exported logs", () => {
    const { records } = decodeCorpusFile("new-user-security.evtx");
    expect(records.map((r) => r.recordId)).toEqual([111, 112, 113, 116]);
  });
});

// The only module of rdp-triage that imports @ts-evtx/core.
//
// The library is used where it is right (formats.md §4): a second opinion on the file header, and
// a cross-check rendering of records on healthy chunks. It is not the decoder: it stops at the
// header's chunk count, refuses no-CRC files, reads booleans as one byte (shifting every later
// value), and its builder reports EventID 0. So it is driven per 64 KiB slot here, only records
// whose size copy matches and that end inside the chunk's record area are rendered, and every call
// is fenced: nothing from the library can throw out of this module.

import { BinaryReader, ChunkHeader, EvtxFile, FileHeader, evtx } from "@ts-evtx/core";

export interface TsEvtxHeaderView {
  chunkCount: number;
  flags: number;
  dirty: boolean;
  full: boolean;
  majorVersion: number;
  minorVersion: number;
  /** The library's own header check (CRC, version, block size); false for no-CRC files. */
  verified: boolean;
}

/** The file header as @ts-evtx/core reads it, or null when it cannot. */
export function tsEvtxHeaderView(bytes: Uint8Array): TsEvtxHeaderView | null {
  try {
    const h = new FileHeader(new BinaryReader(bytes), 0);
    if (!h.checkMagic()) return null;
    return {
      chunkCount: h.chunkCount(),
      flags: h.flags(),
      dirty: h.isDirty(),
      full: h.isFull(),
      majorVersion: h.majorVersion(),
      minorVersion: h.minorVersion(),
      verified: safe(() => h.verify(), false),
    };
  } catch {
    return null;
  }
}

export interface TsEvtxRenderedRecord {
  /** 0-based slot and absolute file offset of the record. */
  chunk: number;
  offset: number;
  /** Record header id. */
  recordNumber: number;
  xml: string;
}

export interface TsEvtxRenderStats {
  chunks: number;
  rendered: number;
  failed: number;
}

/**
 * Renders every intact record of every slot that holds a chunk with @ts-evtx/core's renderXml,
 * for cross-checks (tests, diagnostics). Chunks whose header the library rejects are skipped.
 */
export function tsEvtxRenderRecords(
  bytes: Uint8Array,
  onRecord: (r: TsEvtxRenderedRecord) => void,
  options: { maxRecords?: number } = {},
): TsEvtxRenderStats {
  const stats: TsEvtxRenderStats = { chunks: 0, rendered: 0, failed: 0 };
  const max = options.maxRecords ?? Number.POSITIVE_INFINITY;
  let reader: BinaryReader;
  try {
    reader = new BinaryReader(bytes);
  } catch {
    return stats;
  }
  for (let slot = 0; 4096 + (slot + 1) * 65536 <= bytes.length && stats.rendered < max; slot++) {
    const off = 4096 + slot * 65536;
    try {
      const chunk = new ChunkHeader(reader, off);
      if (!chunk.checkMagic() || !chunk.verify()) continue;
      stats.chunks++;
      const areaEnd = off + chunk.nextRecordOffset();
      for (const rec of chunk.records()) {
        if (stats.rendered >= max) break;
        try {
          if (!rec.verify() || rec.offset + rec.size() > areaEnd) {
            stats.failed++;
            continue;
          }
          const xml = rec.renderXml();
          stats.rendered++;
          onRecord({ chunk: slot, offset: rec.offset, recordNumber: Number(rec.recordNum()), xml });
        } catch {
          stats.failed++;
        }
      }
    } catch {
      stats.failed++;
    }
  }
  return stats;
}

export interface RenderedSystemSummary {
  eventId: number | null;
  qualifiers: number | null;
  provider: string | null;
  /** As rendered: @ts-evtx/core cuts SystemTime to milliseconds. */
  timeCreated: string | null;
  eventRecordId: number | null;
}

/** Reads the few System values a cross-check compares out of a rendered Event XML string. */
export function summarizeRenderedXml(xml: string): RenderedSystemSummary {
  const eventId = /<EventID(?:\s+Qualifiers="(\d*)")?\s*>(\d+)<\/EventID>/.exec(xml);
  const provider = /<Provider\s+Name="([^"]*)"/.exec(xml);
  const time = /<TimeCreated\s+SystemTime="([^"]*)"/.exec(xml);
  const recordId = /<EventRecordID>(\d+)<\/EventRecordID>/.exec(xml);
  return {
    eventId: eventId ? Number(eventId[2]) : null,
    qualifiers: eventId && eventId[1] ? Number(eventId[1]) : null,
    provider: provider ? unescapeXml(provider[1]) : null,
    timeCreated: time ? time[1] : null,
    eventRecordId: recordId ? Number(recordId[1]) : null,
  };
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e] ?? "");
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/**
 * Opens a file the way @ts-evtx/core's own API does (EvtxFile.open, records()) and counts what it
 * yields. Used to prove that files the project writes are readable by the library too (it resolves
 * names only through the chunk's string table, so an incomplete table shows as UnknownTag names).
 */
export async function tsEvtxOpenAndCount(
  file: string,
  options: { renderEvery?: number } = {},
): Promise<{ headerOk: boolean; chunkCount: number; records: number; unknownTagRecords: number }> {
  const opened = await EvtxFile.open(file);
  let records = 0;
  let unknownTagRecords = 0;
  const every = options.renderEvery ?? 0;
  for (const r of opened.records()) {
    records++;
    if (every > 0 && records % every === 0 && /UnknownTag/.test(r.renderXml())) unknownTagRecords++;
  }
  return { headerOk: opened.header.verify(), chunkCount: opened.header.chunkCount(), records, unknownTagRecords };
}

/** The library's builder over a whole file (`evtx(file).toArray()`): the reference the benchmark times. */
export async function tsEvtxBuilderToArrayCount(file: string): Promise<number> {
  const rows = await evtx(file).toArray();
  return rows.length;
}

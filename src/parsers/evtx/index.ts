// rdp-triage's own EVTX reader: bytes in, EventRecords and Problems out (formats.md §1).
//
// readEvtx never throws on bad input and never trusts the file header: every 64 KiB slot is
// examined, every chunk validated on its own, every record chain walked and, past a break,
// scanned for recoverable records. Each damaged area becomes a Problem and decoding goes on.
// Records are emitted once per record id (the best copy wins) in record-id order: first those of intact
// chunks, then those recovered from damaged areas (which never displace an intact record's EventRecordID).

import type { EventRecord, Problem } from "../types.js";
import { asBuffer, DecodeError, hexOff } from "./bytes.js";
import { ChunkContext, TemplateStore } from "./binxml.js";
import { decodeRecord } from "./decodeRecord.js";
import { FILE_HEADER_SIZE, hasFileMagic, parseFileHeader } from "./fileHeader.js";
import {
  locateRecords, type RecordLoc, scanSlots, type Slot, slotLocation, STATUS_SLACK,
} from "./scanChunks.js";

export interface EvtxFileInfo {
  majorVersion: number;
  minorVersion: number;
  dirty: boolean;
  full: boolean;
  /** File flag 0x4: checksums are not maintained, so none could be verified. */
  noCrc: boolean;
  headerCrcOk: boolean;
  /** What the header claims; stale in dirty files. */
  headerChunkCount: number;
  /** 64 KiB slots after the header (a truncated last slot counts). */
  slots: number;
  /** Slots holding a chunk signature. */
  chunksFound: number;
  /** Chunks whose header or records checksum does not match. */
  chunksWithBadCrc: number;
  /** Records emitted. */
  records: number;
  /** Of those, found by scanning past a break (status "recovered"). */
  recovered: number;
  /** Record ids found whose every copy failed to decode. */
  failed: number;
}

/** True when the bytes start with the EVTX signature `ElfFile\0`. */
export function isEvtx(bytes: Uint8Array): boolean {
  return hasFileMagic(bytes);
}

/** At most this many problems of one code are listed per file; the rest are counted in a summary. */
const MAX_PROBLEMS_PER_CODE = 25;
/** Chunk contexts (name and template caches) kept alive while emitting in record-id order. */
const CONTEXT_CACHE = 4;

export function readEvtx(bytes: Uint8Array, onRecord: (r: EventRecord) => void): { info: EvtxFileInfo; problems: Problem[] } {
  const problems: Problem[] = [];
  const info: EvtxFileInfo = {
    majorVersion: 0, minorVersion: 0, dirty: false, full: false, noCrc: false, headerCrcOk: false,
    headerChunkCount: 0, slots: 0, chunksFound: 0, chunksWithBadCrc: 0, records: 0, recovered: 0, failed: 0,
  };
  const b = asBuffer(bytes);
  const header = parseFileHeader(b);
  if (header === null) {
    problems.push(
      hasFileMagic(b)
        ? { code: "evtx.header.truncated", message: `the file is only ${b.length} bytes: too short for an EVTX file header`, location: "@0x0" }
        : { code: "evtx.header.bad-magic", message: "the file does not start with the EVTX signature ElfFile", location: "@0x0" },
    );
    return { info, problems };
  }
  info.majorVersion = header.majorVersion;
  info.minorVersion = header.minorVersion;
  info.dirty = header.dirty;
  info.full = header.full;
  info.noCrc = header.noCrc;
  info.headerCrcOk = header.crcOk;
  info.headerChunkCount = header.chunkCount;

  if (b.length < FILE_HEADER_SIZE) {
    problems.push({ code: "evtx.header.truncated", message: `the file is only ${b.length} bytes: it ends inside the 4096-byte file header`, location: "@0x0" });
  }
  if (!header.crcOk) {
    problems.push(
      header.noCrc
        ? {
          code: "evtx.header.no-crc",
          message: `the file is flagged as not maintaining checksums (flag 0x4): header checksum ${hexOff(header.checksum)} does not match and nothing in the file could be verified`,
          location: "@0x0",
        }
        : {
          code: "evtx.header.bad-crc",
          message: `file header checksum mismatch (stored ${hexOff(header.checksum)}, computed ${hexOff(header.computedChecksum)}); the header is used as a hint only`,
          location: "@0x0",
        },
    );
  }
  if (header.majorVersion !== 3) {
    problems.push({ code: "evtx.header.unknown-version", message: `unexpected format version ${header.majorVersion}.${header.minorVersion} (expected 3.x); decoding anyway`, location: "@0x24" });
  }
  if (header.blockSize !== FILE_HEADER_SIZE && b.length >= FILE_HEADER_SIZE) {
    problems.push({ code: "evtx.header.bad-block-size", message: `header block size ${header.blockSize} instead of 4096; chunks are read from 0x1000`, location: "@0x28" });
  }

  const slots = scanSlots(b, header.noCrc, problems);
  info.slots = slots.length;
  // An all-zero slot before one that holds data is a hole (sectors a copy could not read, a wiped
  // region), not the unused tail of the file: whatever chunk it held is lost, and the report says so.
  let lastUsed = -1;
  for (const s of slots) if (s.kind !== "empty") lastUsed = s.index;
  for (const s of slots) {
    if (s.kind === "empty" && s.index < lastUsed) {
      problems.push({
        code: "evtx.slot.zeroed",
        message: `slot ${s.index} is all zeros although later slots hold data: the chunk it held is lost (a hole in the copy or a wiped region)`,
        location: slotLocation(s),
      });
    }
  }
  for (const s of slots) {
    if (s.kind !== "chunk") continue;
    info.chunksFound++;
    if (!s.noCrc && (!s.headerCrcOk || !s.recordsCrcOk)) info.chunksWithBadCrc++;
  }
  if (info.chunksFound !== header.chunkCount) {
    problems.push({
      code: "evtx.header.stale-chunk-count",
      message: `the file header counts ${header.chunkCount} chunk(s) but ${info.chunksFound} slot(s) hold a chunk; all of them are read`,
      location: "@0x2a",
    });
  }

  const located: RecordLoc[] = [];
  for (const s of slots) locateRecords(b, s, problems, located);
  const live: RecordLoc[] = [];
  const slack: RecordLoc[] = [];
  for (const loc of located) (loc.status === STATUS_SLACK ? slack : live).push(loc);
  live.sort((x, y) => x.id - y.id || x.rank - y.rank || x.offset - y.offset);

  // Decode in record-id order; the first copy of an id that decodes wins.
  const store = new TemplateStore();
  store.indexAll = () => {
    for (const s of slots) if (s.kind === "chunk") new ChunkContext(b, s.offset, s.end, s.index, store, trusted(s)).indexTemplates();
  };
  const contexts = new Map<number, ChunkContext>();
  const contextFor = (slot: Slot): ChunkContext => {
    let cc = contexts.get(slot.index);
    if (cc !== undefined) return cc;
    cc = new ChunkContext(b, slot.offset, slot.end, slot.index, store, trusted(slot));
    contexts.set(slot.index, cc);
    if (contexts.size > CONTEXT_CACHE) contexts.delete(contexts.keys().next().value as number);
    return cc;
  };
  const garbageFailures = new Map<number, { count: number; first: string }>();
  const emittedIds = new Set<number>(); // record header ids
  const emittedEventRecordIds = new Set<number>(); // EventRecordID as emitted (differs in exported logs)
  // Records decoded from damaged areas (anything but a chain record of a chunk whose checksums hold) are
  // emitted after the intact ones: a damaged copy whose EventRecordID was altered must never take the id
  // of an intact record in another chunk and get that record skipped as a duplicate.
  const deferred: { rec: EventRecord; headerId: number }[] = [];
  const emit = (rec: EventRecord, headerId: number): void => {
    if (emittedEventRecordIds.has(rec.recordId)) {
      problems.push({
        code: "evtx.record.duplicate-id",
        message: `record with header id ${headerId} repeats EventRecordID ${rec.recordId}, already emitted; skipped`,
        location: slotLocation(slots[rec.chunk], rec.offset),
      });
      return;
    }
    emittedEventRecordIds.add(rec.recordId);
    info.records++;
    if (rec.status === "recovered") info.recovered++;
    onRecord(rec);
  };
  for (let i = 0; i < live.length; ) {
    const id = live[i].id;
    let j = i;
    while (j < live.length && live[j].id === id) j++;
    let rec: EventRecord | null = null;
    let rank = 0;
    for (let k = i; k < j && rec === null; k++) {
      const loc = live[k];
      const slot = slots[loc.slot];
      try {
        rec = decodeRecord(contextFor(slot), loc);
        rank = loc.rank;
      } catch (e) {
        const why = e instanceof DecodeError ? e.message : `${(e as Error)?.name ?? "error"}: ${(e as Error)?.message ?? String(e)}`;
        if (slot.kind === "garbage") {
          const g = garbageFailures.get(slot.index);
          if (g === undefined) garbageFailures.set(slot.index, { count: 1, first: `record id ${id}: ${why}` });
          else g.count++;
        } else {
          problems.push({
            code: "evtx.record.decode-failed",
            message: `record id ${id} could not be decoded: ${why}`,
            location: slotLocation(slot, loc.offset),
          });
        }
      }
    }
    i = j;
    if (rec === null) {
      info.failed++;
      continue;
    }
    emittedIds.add(id);
    if (rank > 0) deferred.push({ rec, headerId: id });
    else emit(rec, id);
  }
  for (const d of deferred) emit(d.rec, d.headerId);
  for (const [index, g] of garbageFailures) {
    problems.push({
      code: "evtx.slot.records-undecodable",
      message: `${g.count} record(s) found in slot ${index} (no chunk signature) could not be decoded, e.g. ${g.first}`,
      location: slotLocation(slots[index]),
    });
  }

  if (store.borrowed > 0) {
    problems.push({
      code: "evtx.record.template-borrowed",
      message: `${store.borrowed} template instance(s) were decoded with the same template's definition from another chunk, their own having been overwritten`,
    });
  }

  // Old copies after a chunk's free-space offset: only those whose id was not emitted matter.
  const lost = new Map<number, { count: number; min: number; max: number }>();
  for (const loc of slack) {
    if (emittedIds.has(loc.id)) continue;
    const l = lost.get(loc.slot);
    if (l === undefined) lost.set(loc.slot, { count: 1, min: loc.id, max: loc.id });
    else {
      l.count++;
      if (loc.id < l.min) l.min = loc.id;
      if (loc.id > l.max) l.max = loc.id;
    }
  }
  for (const [index, l] of lost) {
    problems.push({
      code: "evtx.chunk.slack-records",
      message: `${l.count} old record copies (ids ${l.min}–${l.max}) lie after the free-space offset of chunk ${index}: overwritten or cleared events, not decoded`,
      location: slotLocation(slots[index]),
    });
  }

  return { info, problems: capProblems(problems) };
}

/** A chunk whose templates other chunks may use: it has its signature and its checksums hold (or the file keeps none). */
function trusted(slot: Slot): boolean {
  return slot.kind === "chunk" && (slot.noCrc || (slot.headerCrcOk && slot.recordsCrcOk));
}

/** Keeps the first MAX_PROBLEMS_PER_CODE problems of each code and summarises the rest. */
function capProblems(problems: Problem[]): Problem[] {
  const seen = new Map<string, number>();
  const out: Problem[] = [];
  for (const p of problems) {
    const n = (seen.get(p.code) ?? 0) + 1;
    seen.set(p.code, n);
    if (n <= MAX_PROBLEMS_PER_CODE) out.push(p);
  }
  for (const [code, n] of seen) {
    if (n > MAX_PROBLEMS_PER_CODE) {
      out.push({ code: "evtx.problems.truncated", message: `${n - MAX_PROBLEMS_PER_CODE} more problem(s) of code ${code} not listed` });
    }
  }
  return out;
}


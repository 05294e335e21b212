// Finding chunks and records without trusting the file header (formats.md §1.8 steps 2–5).
//
// Every 64 KiB slot after the file header is classified and validated on its own; inside a chunk
// the record chain is walked from offset 512, and where it breaks the rest of the record area is
// scanned in 8-byte steps for well-formed records, which are marked "recovered". This module only
// locates records (magic, size, size copy); decoding their BinXml is decodeRecord's job.

import type { Problem } from "../types.js";
import { crc32Range, hexOff, isZero, u32, u64 } from "./bytes.js";
import { FILE_HEADER_SIZE } from "./fileHeader.js";

export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
export const RECORD_MAGIC = 0x00002a2a;
/** Record header (24) + size copy (4). */
export const MIN_RECORD_SIZE = 28;

const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"
const CHUNK_FLAG_NO_CRC = 0x4;

export type SlotKind = "chunk" | "empty" | "garbage";

export interface Slot {
  index: number;
  /** Absolute offset of the slot and the end of its bytes (short for a truncated last slot). */
  offset: number;
  end: number;
  kind: SlotKind;
  truncated: boolean;
  firstId: number;
  lastId: number;
  freeSpace: number;
  freeSpaceOk: boolean;
  flags: number;
  /** Checksums are not maintained (file flag or chunk flag 0x4): nothing was verified. */
  noCrc: boolean;
  headerCrcOk: boolean;
  recordsCrcOk: boolean;
}

export const STATUS_CHAIN = 0;
export const STATUS_RECOVERED = 1;
/** A well-formed record after the free-space offset: an old copy, reported but not decoded. */
export const STATUS_SLACK = 2;

/** Where a candidate record lies. `rank` orders duplicates of one id: lower is preferred. */
export interface RecordLoc {
  slot: number;
  offset: number;
  size: number;
  id: number;
  status: number;
  rank: number;
}

function hasChunkMagic(b: Uint8Array, o: number): boolean {
  for (let i = 0; i < 8; i++) if (b[o + i] !== CHUNK_MAGIC[i]) return false;
  return true;
}

export function slotLocation(slot: Slot, offset = slot.offset): string {
  return `chunk ${slot.index} @${hexOff(offset)}`;
}

/** Number of whole 64 KiB slots after the file header. */
export function wholeSlots(length: number): number {
  return length > FILE_HEADER_SIZE ? Math.floor((length - FILE_HEADER_SIZE) / CHUNK_SIZE) : 0;
}

/**
 * Classifies every slot, whole ones and a truncated last one, and validates chunk headers.
 * Problems are appended; nothing is fatal.
 */
export function scanSlots(b: Uint8Array, fileNoCrc: boolean, problems: Problem[]): Slot[] {
  const slots: Slot[] = [];
  for (let index = 0; ; index++) {
    const offset = FILE_HEADER_SIZE + index * CHUNK_SIZE;
    if (offset >= b.length) break;
    const end = Math.min(offset + CHUNK_SIZE, b.length);
    const truncated = end - offset < CHUNK_SIZE;
    const slot: Slot = {
      index, offset, end, kind: "empty", truncated,
      firstId: 0, lastId: 0, freeSpace: 0, freeSpaceOk: false, flags: 0,
      noCrc: fileNoCrc, headerCrcOk: false, recordsCrcOk: false,
    };
    slots.push(slot);
    if (end - offset < CHUNK_HEADER_SIZE || !hasChunkMagic(b, offset)) {
      if (isZero(b, offset, end)) continue;
      slot.kind = "garbage";
      if (truncated) {
        problems.push({
          code: "evtx.slot.truncated",
          message: `the file ends ${end - offset} bytes into slot ${index}, which has no chunk signature`,
          location: slotLocation(slot),
        });
      }
      continue;
    }
    slot.kind = "chunk";
    slot.firstId = u64(b, offset + 24);
    slot.lastId = u64(b, offset + 32);
    slot.freeSpace = u32(b, offset + 48);
    slot.flags = u32(b, offset + 120);
    slot.noCrc = fileNoCrc || (slot.flags & CHUNK_FLAG_NO_CRC) !== 0;
    const length = end - offset;
    slot.freeSpaceOk = slot.freeSpace >= CHUNK_HEADER_SIZE && slot.freeSpace <= CHUNK_SIZE;
    if (truncated) {
      problems.push({
        code: "evtx.chunk.truncated",
        message: `the file ends ${length} bytes into chunk ${index}; records are read up to the end of the file`,
        location: slotLocation(slot),
      });
    }
    if (!slot.freeSpaceOk) {
      problems.push({
        code: "evtx.chunk.bad-free-space",
        message: `chunk ${index} gives free-space offset ${hexOff(slot.freeSpace)}, outside [0x200, 0x10000]; records are read up to the end of the chunk`,
        location: slotLocation(slot),
      });
    }
    if (!slot.noCrc) {
      const headerCrc = crc32Range(b, offset + 128, offset + CHUNK_HEADER_SIZE, crc32Range(b, offset, offset + 120));
      slot.headerCrcOk = headerCrc === u32(b, offset + 124);
      if (!slot.headerCrcOk) {
        problems.push({
          code: "evtx.chunk.bad-header-crc",
          message: `chunk ${index} header checksum mismatch (stored ${hexOff(u32(b, offset + 124))}, computed ${hexOff(headerCrc)}); its header values are treated as hints`,
          location: slotLocation(slot),
        });
      }
      if (slot.freeSpaceOk && offset + slot.freeSpace <= end) {
        const recordsCrc = crc32Range(b, offset + CHUNK_HEADER_SIZE, offset + slot.freeSpace);
        slot.recordsCrcOk = recordsCrc === u32(b, offset + 52);
      }
      if (!slot.recordsCrcOk) {
        problems.push({
          code: "evtx.chunk.bad-records-crc",
          message: `chunk ${index} records checksum mismatch: some of its records are damaged or were overwritten`,
          location: slotLocation(slot),
        });
      }
    }
  }
  return slots;
}

/** Size of a well-formed record at `p` that ends by `limit`, or 0. */
function wellFormedSize(b: Uint8Array, p: number, limit: number): number {
  if (p + MIN_RECORD_SIZE > limit || u32(b, p) !== RECORD_MAGIC) return 0;
  const size = u32(b, p + 4);
  if (size < MIN_RECORD_SIZE || (size & 7) !== 0 || p + size > limit) return 0;
  return u32(b, p + size - 4) === size ? size : 0;
}

/** Why the chain cannot continue at `p` (the record there is not well-formed). */
function breakReason(b: Uint8Array, p: number, limit: number, chunkEnd: number): { code: string; why: string } {
  if (p + 8 > chunkEnd) return { code: "evtx.record.bad-size", why: "a record header would cross the end of the chunk" };
  if (u32(b, p) !== RECORD_MAGIC) {
    return u32(b, p) === 0 && u32(b, p + 4) === 0
      ? { code: "evtx.record.bad-magic", why: "zero bytes where the next record should start" }
      : { code: "evtx.record.bad-magic", why: `no record signature (found ${hexOff(u32(b, p))})` };
  }
  const size = u32(b, p + 4);
  if (size < MIN_RECORD_SIZE || (size & 7) !== 0) return { code: "evtx.record.bad-size", why: `record size ${size} is impossible` };
  if (p + size > limit) return { code: "evtx.record.bad-size", why: `record size ${size} crosses the end of the record area` };
  return { code: "evtx.record.bad-size", why: `record size ${size} does not match its trailing copy ${u32(b, p + size - 4)}` };
}

/**
 * Finds the records of one slot: the chain from 512 (status chain), well-formed records found by
 * scanning past a break (recovered), and well-formed records after the free-space offset (slack).
 * Garbage slots are scanned whole, in case a chunk lost only its header.
 */
export function locateRecords(b: Uint8Array, slot: Slot, problems: Problem[], out: RecordLoc[]): void {
  const base = slot.offset;
  if (slot.kind === "empty") return;
  if (slot.kind === "garbage") {
    let found = 0;
    for (let p = base + CHUNK_HEADER_SIZE; p + MIN_RECORD_SIZE <= slot.end; ) {
      const size = wellFormedSize(b, p, slot.end);
      if (size === 0) {
        p += 8;
        continue;
      }
      out.push({ slot: slot.index, offset: p, size, id: u64(b, p + 8), status: STATUS_RECOVERED, rank: 3 });
      found++;
      p += size;
    }
    problems.push({
      code: "evtx.slot.garbage",
      message: `slot ${slot.index} holds data but no chunk signature; ${found} well-formed record(s) found in it by scanning`,
      location: slotLocation(slot),
    });
    return;
  }

  const crcGood = slot.noCrc || (slot.headerCrcOk && slot.recordsCrcOk);
  const checkIds = !slot.noCrc && slot.headerCrcOk;
  const limit = slot.freeSpaceOk ? Math.min(base + slot.freeSpace, slot.end) : slot.end;
  let status = STATUS_CHAIN;
  let recovered = 0;
  let p = base + CHUNK_HEADER_SIZE;
  while (p + MIN_RECORD_SIZE <= limit) {
    const size = wellFormedSize(b, p, limit);
    if (size !== 0) {
      const id = u64(b, p + 8);
      if (status === STATUS_CHAIN && checkIds && (id < slot.firstId || id > slot.lastId)) {
        status = STATUS_RECOVERED;
        problems.push({
          code: "evtx.record.id-out-of-range",
          message: `record id ${id} lies outside the chunk header's range ${slot.firstId}–${slot.lastId}: the chunk was partly overwritten; later records are treated as recovered`,
          location: slotLocation(slot, p),
        });
      }
      out.push({ slot: slot.index, offset: p, size, id, status, rank: status === STATUS_CHAIN ? (crcGood ? 0 : 1) : 2 });
      if (status === STATUS_RECOVERED) recovered++;
      p += size;
      continue;
    }
    // The chain breaks here: report it once, then look for the next well-formed record.
    const reason = breakReason(b, p, limit, slot.end);
    let q = p + 8;
    while (q + MIN_RECORD_SIZE <= limit && wellFormedSize(b, q, limit) === 0) q += 8;
    const resumes = q + MIN_RECORD_SIZE <= limit;
    if (status === STATUS_CHAIN || resumes) {
      problems.push({
        code: reason.code,
        message: `record chain of chunk ${slot.index} breaks at chunk offset ${hexOff(p - base)}: ${reason.why}; ` +
          (resumes ? `scanning resumes at chunk offset ${hexOff(q - base)}` : `no well-formed record follows before ${hexOff(limit - base)}`),
        location: slotLocation(slot, p),
      });
    }
    status = STATUS_RECOVERED;
    p = q;
  }
  if (recovered > 0) {
    problems.push({
      code: "evtx.chunk.records-recovered",
      message: `${recovered} record(s) of chunk ${slot.index} were found by scanning past a break in the record chain`,
      location: slotLocation(slot),
    });
  }
  // Slack after the free-space offset: old copies; located for the report, not decoded.
  if (slot.freeSpaceOk) {
    for (let s = Math.ceil(Math.max(limit, base + CHUNK_HEADER_SIZE) / 8) * 8; s + MIN_RECORD_SIZE <= slot.end; ) {
      const size = wellFormedSize(b, s, slot.end);
      if (size === 0) {
        s += 8;
        continue;
      }
      out.push({ slot: slot.index, offset: s, size, id: u64(b, s + 8), status: STATUS_SLACK, rank: 9 });
      s += size;
    }
  }
}

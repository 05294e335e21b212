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

/**
 * Every record location of a file, column-wise in typed arrays (18 bytes a record instead of an
 * object each): a 1 GB log holds some 2.5 million records, and their locations are all that is kept
 * of it while records are decoded in id order. Offsets are stored chunk-relative (< 64 KiB).
 */
export class RecordLocs {
  length = 0;
  slot = new Uint32Array(1024);
  rel = new Uint16Array(1024);
  size = new Uint16Array(1024);
  id = new Float64Array(1024);
  status = new Uint8Array(1024);
  rank = new Uint8Array(1024);

  push(slot: number, rel: number, size: number, id: number, status: number, rank: number): void {
    const i = this.length;
    if (i === this.id.length) this.grow(i * 2);
    this.slot[i] = slot;
    this.rel[i] = rel;
    this.size[i] = size;
    this.id[i] = id;
    this.status[i] = status;
    this.rank[i] = rank;
    this.length = i + 1;
  }

  /** File offset of location `i`. */
  offset(i: number): number {
    return slotOffset(this.slot[i]) + this.rel[i];
  }

  /** Location `i` as an object (for decodeRecord). */
  get(i: number): RecordLoc {
    return { slot: this.slot[i], offset: this.offset(i), size: this.size[i], id: this.id[i], status: this.status[i], rank: this.rank[i] };
  }

  private grow(n: number): void {
    const grown = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(n);
      b.set(a as never);
      return b;
    };
    this.slot = grown(this.slot, Uint32Array);
    this.rel = grown(this.rel, Uint16Array);
    this.size = grown(this.size, Uint16Array);
    this.id = grown(this.id, Float64Array);
    this.status = grown(this.status, Uint8Array);
    this.rank = grown(this.rank, Uint8Array);
  }
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

/** Number of slots, whole ones and a truncated last one, in a file of `length` bytes. */
export function slotCount(length: number): number {
  return length > FILE_HEADER_SIZE ? Math.ceil((length - FILE_HEADER_SIZE) / CHUNK_SIZE) : 0;
}

/** File offset of slot `index`. */
export function slotOffset(index: number): number {
  return FILE_HEADER_SIZE + index * CHUNK_SIZE;
}

/**
 * Classifies slot `index`, whose bytes are `b` (64 KiB, shorter for a truncated last slot; `b[0]` lies
 * at file offset slotOffset(index)), and validates its chunk header. Problems are appended; nothing is fatal.
 */
export function scanSlot(b: Uint8Array, index: number, fileNoCrc: boolean, problems: Problem[]): Slot {
  const offset = slotOffset(index);
  const length = b.length;
  const truncated = length < CHUNK_SIZE;
  const slot: Slot = {
    index, offset, end: offset + length, kind: "empty", truncated,
    firstId: 0, lastId: 0, freeSpace: 0, freeSpaceOk: false, flags: 0,
    noCrc: fileNoCrc, headerCrcOk: false, recordsCrcOk: false,
  };
  if (length < CHUNK_HEADER_SIZE || !hasChunkMagic(b, 0)) {
    if (isZero(b, 0, length)) return slot;
    slot.kind = "garbage";
    if (truncated) {
      problems.push({
        code: "evtx.slot.truncated",
        message: `the file ends ${length} bytes into slot ${index}, which has no chunk signature`,
        location: slotLocation(slot),
      });
    }
    return slot;
  }
  slot.kind = "chunk";
  slot.firstId = u64(b, 24);
  slot.lastId = u64(b, 32);
  slot.freeSpace = u32(b, 48);
  slot.flags = u32(b, 120);
  slot.noCrc = fileNoCrc || (slot.flags & CHUNK_FLAG_NO_CRC) !== 0;
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
    const headerCrc = crc32Range(b, 128, CHUNK_HEADER_SIZE, crc32Range(b, 0, 120));
    slot.headerCrcOk = headerCrc === u32(b, 124);
    if (!slot.headerCrcOk) {
      problems.push({
        code: "evtx.chunk.bad-header-crc",
        message: `chunk ${index} header checksum mismatch (stored ${hexOff(u32(b, 124))}, computed ${hexOff(headerCrc)}); its header values are treated as hints`,
        location: slotLocation(slot),
      });
    }
    if (slot.freeSpaceOk && slot.freeSpace <= length) {
      const recordsCrc = crc32Range(b, CHUNK_HEADER_SIZE, slot.freeSpace);
      slot.recordsCrcOk = recordsCrc === u32(b, 52);
    }
    if (!slot.recordsCrcOk) {
      problems.push({
        code: "evtx.chunk.bad-records-crc",
        message: `chunk ${index} records checksum mismatch: some of its records are damaged or were overwritten`,
        location: slotLocation(slot),
      });
    }
  }
  return slot;
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
 * Garbage slots are scanned whole, in case a chunk lost only its header. `b` holds the slot's bytes
 * (`b[0]` at file offset `slot.offset`).
 */
export function locateRecords(b: Uint8Array, slot: Slot, problems: Problem[], out: RecordLocs): void {
  const origin = slot.offset;
  const end = slot.end - origin;
  if (slot.kind === "empty") return;
  if (slot.kind === "garbage") {
    let found = 0;
    for (let p = CHUNK_HEADER_SIZE; p + MIN_RECORD_SIZE <= end; ) {
      const size = wellFormedSize(b, p, end);
      if (size === 0) {
        p += 8;
        continue;
      }
      out.push(slot.index, p, size, u64(b, p + 8), STATUS_RECOVERED, 3);
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
  const limit = slot.freeSpaceOk ? Math.min(slot.freeSpace, end) : end;
  let status = STATUS_CHAIN;
  let recovered = 0;
  let p = CHUNK_HEADER_SIZE;
  while (p + MIN_RECORD_SIZE <= limit) {
    const size = wellFormedSize(b, p, limit);
    if (size !== 0) {
      const id = u64(b, p + 8);
      if (status === STATUS_CHAIN && checkIds && (id < slot.firstId || id > slot.lastId)) {
        status = STATUS_RECOVERED;
        problems.push({
          code: "evtx.record.id-out-of-range",
          message: `record id ${id} lies outside the chunk header's range ${slot.firstId}–${slot.lastId}: the chunk was partly overwritten; later records are treated as recovered`,
          location: slotLocation(slot, origin + p),
        });
      }
      out.push(slot.index, p, size, id, status, status === STATUS_CHAIN ? (crcGood ? 0 : 1) : 2);
      if (status === STATUS_RECOVERED) recovered++;
      p += size;
      continue;
    }
    // The chain breaks here: report it once, then look for the next well-formed record.
    const reason = breakReason(b, p, limit, end);
    let q = p + 8;
    while (q + MIN_RECORD_SIZE <= limit && wellFormedSize(b, q, limit) === 0) q += 8;
    const resumes = q + MIN_RECORD_SIZE <= limit;
    if (status === STATUS_CHAIN || resumes) {
      problems.push({
        code: reason.code,
        message: `record chain of chunk ${slot.index} breaks at chunk offset ${hexOff(p)}: ${reason.why}; ` +
          (resumes ? `scanning resumes at chunk offset ${hexOff(q)}` : `no well-formed record follows before ${hexOff(limit)}`),
        location: slotLocation(slot, origin + p),
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
    for (let s = Math.ceil(Math.max(limit, CHUNK_HEADER_SIZE) / 8) * 8; s + MIN_RECORD_SIZE <= end; ) {
      const size = wellFormedSize(b, s, end);
      if (size === 0) {
        s += 8;
        continue;
      }
      out.push(slot.index, s, size, u64(b, s + 8), STATUS_SLACK, 9);
      s += size;
    }
  }
}

// writeEvtx: events → complete .evtx bytes (file header + chunks).

import { ByteWriter, crc32 } from "./bytes.js";
import { CHUNK_SIZE, ChunkBuilder, prepare, validateSpec } from "./chunk.js";
import type { EventSpec, WriteOptions } from "./types.js";

export const FILE_HEADER_SIZE = 4096;

/** Write `events` (in the given order) as a complete EVTX file. Deterministic. */
export function writeEvtx(events: EventSpec[], options: WriteOptions = {}): Uint8Array {
  const perChunk = options.recordsPerChunk;
  if (perChunk !== undefined && (!Number.isInteger(perChunk) || perChunk < 1)) {
    throw new Error(`evtxWriter: recordsPerChunk must be a positive integer`);
  }
  const scratch = new ByteWriter(8192);
  const chunks: Uint8Array[] = [];
  let chunk = new ChunkBuilder(scratch);
  let nextId = 1n;
  let number = 1n;
  let lastId = 0n;

  for (const spec of events) {
    validateSpec(spec);
    const id = spec.recordId !== undefined ? BigInt(spec.recordId) : nextId;
    nextId = id + 1n;
    const rec = prepare(spec, id);
    if (perChunk !== undefined && chunk.recordCount >= perChunk) {
      chunks.push(chunk.finish());
      chunk = new ChunkBuilder(scratch);
    }
    if (!chunk.tryAdd(rec, number)) {
      chunks.push(chunk.finish());
      chunk = new ChunkBuilder(scratch);
      chunk.tryAdd(rec, number); // throws RecordTooLargeError if it cannot fit an empty chunk
    }
    lastId = id;
    number++;
  }
  if (chunk.recordCount > 0) chunks.push(chunk.finish());

  // Every byte is overwritten below (header zero-filled, whole chunks copied), so skip zeroing.
  const raw = Buffer.allocUnsafeSlow(FILE_HEADER_SIZE + chunks.length * CHUNK_SIZE);
  const out = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  chunks.forEach((c, k) => out.set(c, FILE_HEADER_SIZE + k * CHUNK_SIZE));
  writeFileHeader(out, {
    firstChunk: 0n,
    lastChunk: BigInt(Math.max(0, chunks.length - 1)),
    nextRecordId: lastId + 1n,
    chunkCount: chunks.length,
    flags: options.dirty ? 0x1 : 0,
  });
  return out;
}

export interface FileHeaderFields {
  firstChunk: bigint;
  lastChunk: bigint;
  nextRecordId: bigint;
  /** Stored as u16 (values above 65535 are truncated, as the format cannot hold them). */
  chunkCount: number;
  flags: number;
}

/** Write the 4096-byte file header into `out[0..4096)` with its CRC (formats.md §1.2). */
export function writeFileHeader(out: Uint8Array, f: FileHeaderFields): void {
  out.fill(0, 0, FILE_HEADER_SIZE);
  const dv = new DataView(out.buffer, out.byteOffset, FILE_HEADER_SIZE);
  out.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00], 0); // "ElfFile\0"
  dv.setBigUint64(8, f.firstChunk, true);
  dv.setBigUint64(16, f.lastChunk, true);
  dv.setBigUint64(24, f.nextRecordId, true);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, 1, true); // minor version
  dv.setUint16(38, 3, true); // major version
  dv.setUint16(40, FILE_HEADER_SIZE, true);
  dv.setUint16(42, f.chunkCount & 0xffff, true);
  dv.setUint32(120, f.flags >>> 0, true);
  dv.setUint32(124, crc32(out.subarray(0, 120)), true);
}

/** Read back the file header fields (for tests and damage helpers). */
export function readFileHeader(bytes: Uint8Array): FileHeaderFields & { crcOk: boolean } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, FILE_HEADER_SIZE);
  return {
    firstChunk: dv.getBigUint64(8, true),
    lastChunk: dv.getBigUint64(16, true),
    nextRecordId: dv.getBigUint64(24, true),
    chunkCount: dv.getUint16(42, true),
    flags: dv.getUint32(120, true),
    crcOk: dv.getUint32(124, true) === crc32(bytes.subarray(0, 120)),
  };
}

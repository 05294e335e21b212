// Damage helpers for tests: patch a written file after its CRCs were computed (formats.md §1.8/§1.9).
// All helpers return a modified copy; the input is left untouched. Randomness is a seeded PRNG.

import { crc32 } from "./bytes.js";
import { CHUNK_HEADER_SIZE, CHUNK_SIZE } from "./chunk.js";
import type { ChunkDamage, DamageOptions } from "./types.js";
import { FILE_HEADER_SIZE, readFileHeader, writeFileHeader, type FileHeaderFields } from "./writer.js";

/** mulberry32: small deterministic PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A real copy, also for Node Buffers (whose slice() is a view). */
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function chunkStart(bytes: Uint8Array, chunkIndex: number): number {
  const off = FILE_HEADER_SIZE + chunkIndex * CHUNK_SIZE;
  if (!Number.isInteger(chunkIndex) || chunkIndex < 0 || off + CHUNK_SIZE > bytes.length) {
    throw new Error(`evtxWriter: no chunk ${chunkIndex} in a file of ${bytes.length} bytes`);
  }
  return off;
}

/** Chunk-relative offsets of the records of a (healthy) chunk, walking the chain up to the free-space offset. */
export function recordOffsets(bytes: Uint8Array, chunkIndex: number): number[] {
  const c = chunkStart(bytes, chunkIndex);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + c, CHUNK_SIZE);
  const free = dv.getUint32(48, true);
  const out: number[] = [];
  let p = CHUNK_HEADER_SIZE;
  while (p + 28 <= free && dv.getUint32(p, true) === 0x2a2a) {
    const size = dv.getUint32(p + 4, true);
    if (size < 28 || p + size > free) break;
    out.push(p);
    p += size;
  }
  return out;
}

/**
 * Damage chunk `chunkIndex` of a written file (see ChunkDamage for the kinds). CRCs are not
 * recomputed, so "random" and "torn-record" also leave a records-CRC mismatch, like real damage.
 */
export function corruptChunk(bytes: Uint8Array, chunkIndex: number, how: ChunkDamage, opts: DamageOptions = {}): Uint8Array {
  const c = chunkStart(bytes, chunkIndex);
  if (how === "truncate") {
    const keep = opts.keep ?? CHUNK_SIZE / 2;
    if (keep < 0 || keep >= CHUNK_SIZE) throw new Error(`evtxWriter: truncate keep must be in [0, ${CHUNK_SIZE})`);
    return new Uint8Array(bytes.subarray(0, c + keep));
  }
  const out = copy(bytes);
  const dv = new DataView(out.buffer, out.byteOffset + c, CHUNK_SIZE);
  const rnd = seededRandom(opts.seed ?? 1);
  switch (how) {
    case "magic":
      out[c + 6] = 0x58; // "ElfChnX\0"
      break;
    case "zero":
      out.fill(0, c, c + CHUNK_SIZE);
      break;
    case "garbage":
      for (let i = 0; i < CHUNK_SIZE; i++) out[c + i] = Math.floor(rnd() * 256);
      if (out[c] === 0x45) out[c] = 0x46; // never leave an accidental "E…" magic start
      break;
    case "random": {
      const free = dv.getUint32(48, true);
      const span = Math.max(1, free - CHUNK_HEADER_SIZE);
      const n = opts.count ?? 16;
      for (let i = 0; i < n; i++) {
        const at = c + CHUNK_HEADER_SIZE + Math.floor(rnd() * span);
        out[at] = (out[at] ^ (1 + Math.floor(rnd() * 255))) & 0xff; // always changes the byte
      }
      break;
    }
    case "records-crc":
      // The header CRC covers this field: recompute it so that only the records CRC is wrong.
      dv.setUint32(52, ~dv.getUint32(52, true) >>> 0, true);
      dv.setUint32(124, crc32(out.subarray(c + 128, c + 512), crc32(out.subarray(c, c + 120))), true);
      break;
    case "header-crc":
      dv.setUint32(124, ~dv.getUint32(124, true) >>> 0, true);
      break;
    case "torn-record": {
      const offs = recordOffsets(bytes, chunkIndex);
      if (offs.length === 0) throw new Error(`evtxWriter: chunk ${chunkIndex} has no records`);
      const idx = opts.record ?? Math.floor(offs.length / 2);
      const r = offs[idx];
      if (r === undefined) throw new Error(`evtxWriter: chunk ${chunkIndex} has no record ${idx}`);
      const size = dv.getUint32(r + 4, true);
      out.fill(0, c + r + 24, c + r + size); // body and size copy gone, header (magic, size, id, time) kept
      break;
    }
    default:
      throw new Error(`evtxWriter: unknown damage ${String(how)}`);
  }
  return out;
}

/**
 * Rewrite file-header fields (e.g. a stale chunk count or next record id, as dirty Windows files
 * have) and, unless `validCrc` is false, a matching header CRC.
 */
export function patchFileHeader(bytes: Uint8Array, fields: Partial<FileHeaderFields>, validCrc = true): Uint8Array {
  const out = copy(bytes);
  const cur = readFileHeader(out);
  writeFileHeader(out, { ...cur, ...fields });
  if (!validCrc) {
    const dv = new DataView(out.buffer, out.byteOffset, FILE_HEADER_SIZE);
    dv.setUint32(124, ~crc32(out.subarray(0, 120)) >>> 0, true);
  }
  return out;
}

// Transaction log writers for tests: new-format (HvLE) and old-format (DIRT) logs, formats.md §2.7.

import { marvin32 } from "../parsers/hive/marvin.js";
import { baseBlockChecksum } from "./writer.js";

export interface LogPage {
  /** Offset relative to the hive bins data; multiple of 512. */
  offset: number;
  data: Uint8Array;
}

export interface LogEntrySpec {
  sequence: number;
  /** Hive bins data size after this entry (multiple of 4096). */
  binsSize: number;
  pages: LogPage[];
  /** Copy of the base block flags (default 0). */
  flags?: number;
}

function binsSizeOf(hive: Uint8Array): number {
  return new DataView(hive.buffer, hive.byteOffset).getUint32(40, true);
}

/** Copy of a hive with its base block sequence numbers replaced (checksum recomputed). */
export function withSequence(hive: Uint8Array, sequence1: number, sequence2: number): Uint8Array {
  const out = new Uint8Array(hive);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, sequence1 >>> 0, true);
  dv.setUint32(8, sequence2 >>> 0, true);
  dv.setUint32(508, baseBlockChecksum(out), true);
  return out;
}

/** Pages (of `pageSize` bytes) of `after`'s hive bins data that differ from `before`'s. */
export function diffPages(before: Uint8Array, after: Uint8Array, pageSize = 4096): LogPage[] {
  const size = binsSizeOf(after);
  const pages: LogPage[] = [];
  for (let off = 0; off < size; off += pageSize) {
    const a = after.subarray(4096 + off, 4096 + off + pageSize);
    const b = before.subarray(4096 + off, 4096 + off + pageSize);
    let same = a.length === b.length;
    for (let i = 0; same && i < a.length; i++) if (a[i] !== b[i]) same = false;
    if (!same) pages.push({ offset: off, data: a });
  }
  return pages;
}

/** One entry per successive state: states[i + 1] diffed against states[i], sequence firstSequence + i. */
export function logEntriesFromStates(states: Uint8Array[], firstSequence: number): LogEntrySpec[] {
  const entries: LogEntrySpec[] = [];
  for (let i = 1; i < states.length; i++) {
    entries.push({ sequence: firstSequence + i - 1, binsSize: binsSizeOf(states[i]), pages: diffPages(states[i - 1], states[i]) });
  }
  return entries;
}

function logBaseBlock(source: Uint8Array, fileType: number, sequence1: number, sequence2: number): Uint8Array {
  const head = new Uint8Array(512);
  head.set(source.subarray(0, 512));
  const dv = new DataView(head.buffer);
  dv.setUint32(4, sequence1 >>> 0, true);
  dv.setUint32(8, sequence2 >>> 0, true);
  dv.setUint32(28, fileType, true);
  dv.setUint32(508, baseBlockChecksum(head), true);
  return head;
}

/**
 * New-format log (file type 6): a base block copied from `baseSource` (512 bytes), then the entries
 * back to back from 512, each padded to a multiple of 512, with Marvin32 Hash-1/Hash-2.
 * The log's base block carries the first entry's sequence number (both fields): the state of the hive
 * when the log was started.
 */
export function writeNewFormatLog(baseSource: Uint8Array, entries: LogEntrySpec[]): Uint8Array {
  const first = entries.length > 0 ? entries[0].sequence : 1;
  const blobs: Uint8Array[] = [logBaseBlock(baseSource, 6, first, first)];
  for (const e of entries) {
    const payload = e.pages.reduce((n, p) => n + p.data.length, 0);
    const size = Math.ceil((40 + 8 * e.pages.length + payload) / 512) * 512;
    const entry = new Uint8Array(size);
    const dv = new DataView(entry.buffer);
    entry.set([0x48, 0x76, 0x4c, 0x45], 0); // HvLE
    dv.setUint32(4, size, true);
    dv.setUint32(8, e.flags ?? 0, true);
    dv.setUint32(12, e.sequence >>> 0, true);
    dv.setUint32(16, e.binsSize, true);
    dv.setUint32(20, e.pages.length, true);
    let p = 40 + 8 * e.pages.length;
    e.pages.forEach((page, i) => {
      dv.setUint32(40 + 8 * i, page.offset, true);
      dv.setUint32(44 + 8 * i, page.data.length, true);
      entry.set(page.data, p);
      p += page.data.length;
    });
    const h1 = marvin32(entry, 40, size);
    dv.setUint32(24, h1.lo, true);
    dv.setUint32(28, h1.hi, true);
    const h2 = marvin32(entry, 0, 32);
    dv.setUint32(32, h2.lo, true);
    dv.setUint32(36, h2.hi, true);
    blobs.push(entry);
  }
  const out = new Uint8Array(blobs.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * Old-format log (file type 1): `after`'s base block (sequence numbers equal), `DIRT` + a bitmap of the
 * 512-byte pages of `after` that differ from `before`, then those pages from the next 512 boundary.
 */
export function writeOldFormatLog(before: Uint8Array, after: Uint8Array): Uint8Array {
  const size = binsSizeOf(after);
  const bits = size / 512;
  const bitmap = new Uint8Array(Math.ceil(bits / 8));
  const pages = diffPages(before, after, 512);
  for (const p of pages) {
    const bit = p.offset / 512;
    bitmap[bit >> 3] |= 1 << (bit & 7);
  }
  const seq = new DataView(after.buffer, after.byteOffset).getUint32(8, true);
  const pagesAt = Math.ceil((516 + bitmap.length) / 512) * 512;
  const out = new Uint8Array(pagesAt + 512 * pages.length);
  out.set(logBaseBlock(after, 1, seq, seq));
  out.set([0x44, 0x49, 0x52, 0x54], 512); // DIRT
  out.set(bitmap, 516);
  pages.forEach((p, i) => out.set(p.data, pagesAt + 512 * i));
  return out;
}

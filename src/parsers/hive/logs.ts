// Transaction log (.LOG / .LOG1 / .LOG2) parsing and replay (formats.md §2.7).
//
// New format (file type 6, Windows 8.1+): HvLE entries verified with Marvin32 (Hash-1 over [40, size),
// Hash-2 over [0, 32)); entries are pooled from all logs by sequence number and applied consecutively
// from the primary's secondary sequence number, stopping at the first gap; the primary grows to each
// entry's hive bins data size. Old format (file type 1/2): a DIRT bitmap of 512-byte pages, applied
// only from a log whose base block is valid (checksum, primary = secondary sequence) and whose
// last-written time equals the primary's.

import { computeChecksum, parseBaseBlock, type BaseBlock } from "./baseBlock.js";
import { marvin32 } from "./marvin.js";

export type LogInput = Uint8Array | { name: string; bytes: Uint8Array };

export interface LogEntry {
  sequence: number;
  binsSize: number;
  flags: number;
  /** Offset of the entry in the log file. */
  at: number;
  size: number;
  /** Dirty pages: offset relative to the hive bins data, size, and where the data sits in the log. */
  pages: { offset: number; size: number; dataAt: number }[];
}

export interface LogReport {
  name: string;
  format: "new" | "old" | "empty" | "unknown";
  /** File type field of the log's base block (1/2 old, 6 new), null when unreadable. */
  fileType: number | null;
  /** Signature and checksum of the log's base block. */
  baseBlockOk: boolean;
  sequence1: number | null;
  sequence2: number | null;
  /** Valid entries (new format) or dirty pages (old format) found. */
  entries: number;
  firstSequence: number | null;
  lastSequence: number | null;
  /** Why reading the log stopped before its end (bad hash, bad size…), if it did. */
  stop?: string;
  /** Entries of this log that were applied (new format), or 1 when an old-format log was applied. */
  applied: number;
  /** Why this log was not (fully) used. */
  note?: string;
}

export interface ReplayResult {
  /** Primary with the logs applied (a new buffer), or the input when nothing was applied. */
  bytes: Uint8Array;
  applied: boolean;
  /** Sequence range applied (new format). */
  appliedFrom: number | null;
  appliedTo: number | null;
  /** Restored from a log because the primary's base block was bad. */
  baseBlockRestored: boolean;
  reports: LogReport[];
  /** One sentence on the outcome. */
  summary: string;
}

const te = (s: string) => [...s].map((c) => c.charCodeAt(0));
const HVLE = te("HvLE");
const DIRT = te("DIRT");

function sigAt(b: Uint8Array, at: number, sig: number[]): boolean {
  if (at + sig.length > b.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

export function normalizeLogs(logs: LogInput[] | undefined): { name: string; bytes: Uint8Array }[] {
  return (logs ?? []).map((l, i) => (l instanceof Uint8Array ? { name: `log ${i + 1}`, bytes: l } : l));
}

/** Reads a log's base block and, for the new format, its valid HvLE entries. */
export function parseLog(name: string, b: Uint8Array): { report: LogReport; base: BaseBlock | null; entries: LogEntry[] } {
  const report: LogReport = {
    name,
    format: "unknown",
    fileType: null,
    baseBlockOk: false,
    sequence1: null,
    sequence2: null,
    entries: 0,
    firstSequence: null,
    lastSequence: null,
    applied: 0,
  };
  if (b.length < 512 || b.subarray(0, 512).every((x) => x === 0)) {
    report.format = "empty";
    report.note = "empty log (nothing to replay)";
    return { report, base: null, entries: [] };
  }
  const base = parseBaseBlock(b, 0);
  report.fileType = base.fileType;
  report.baseBlockOk = base.signatureOk && base.checksumOk;
  report.sequence1 = base.sequence1;
  report.sequence2 = base.sequence2;
  if (!base.signatureOk) {
    report.note = "no regf base block at the start of the log";
    return { report, base, entries: [] };
  }
  const entries: LogEntry[] = [];
  if (base.fileType === 6) {
    report.format = "new";
    const sector = 512 * Math.min(8, Math.max(1, base.clustering));
    let p = sigAt(b, 512, HVLE) ? 512 : sigAt(b, sector, HVLE) ? sector : 512;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    while (p + 40 <= b.length) {
      if (!sigAt(b, p, HVLE)) break; // end of entries (zeros or remnants)
      const size = dv.getUint32(p + 4, true);
      const where = `entry at 0x${p.toString(16)}`;
      if (size < 40 || size % 512 !== 0 || p + size > b.length) {
        report.stop = `${where}: bad size ${size}`;
        break;
      }
      const flags = dv.getUint32(p + 8, true);
      const sequence = dv.getUint32(p + 12, true);
      const binsSize = dv.getUint32(p + 16, true);
      const count = dv.getUint32(p + 20, true);
      if (binsSize === 0 || binsSize % 4096 !== 0) {
        report.stop = `${where}: hive bins data size ${binsSize} is not a multiple of 4096`;
        break;
      }
      if (40 + 8 * count > size) {
        report.stop = `${where}: ${count} dirty pages do not fit`;
        break;
      }
      const h1 = marvin32(b, p + 40, p + size);
      const h2 = marvin32(b, p, p + 32);
      if (dv.getUint32(p + 24, true) !== h1.lo || dv.getUint32(p + 28, true) !== h1.hi) {
        report.stop = `${where}: Hash-1 mismatch`;
        break;
      }
      if (dv.getUint32(p + 32, true) !== h2.lo || dv.getUint32(p + 36, true) !== h2.hi) {
        report.stop = `${where}: Hash-2 mismatch`;
        break;
      }
      const pages: LogEntry["pages"] = [];
      let dataAt = p + 40 + 8 * count;
      let ok = true;
      for (let i = 0; i < count; i++) {
        const offset = dv.getUint32(p + 40 + 8 * i, true);
        const psize = dv.getUint32(p + 44 + 8 * i, true);
        if (dataAt + psize > p + size || offset + psize > binsSize) {
          report.stop = `${where}: dirty page ${i} (offset 0x${offset.toString(16)}, size ${psize}) out of bounds`;
          ok = false;
          break;
        }
        pages.push({ offset, size: psize, dataAt });
        dataAt += psize;
      }
      if (!ok) break;
      entries.push({ sequence, binsSize, flags, at: p, size, pages });
      p += size;
    }
    report.entries = entries.length;
    if (entries.length > 0) {
      report.firstSequence = entries[0].sequence;
      report.lastSequence = entries[entries.length - 1].sequence;
    }
  } else if (base.fileType === 1 || base.fileType === 2) {
    report.format = "old";
  } else {
    report.note = `unexpected file type ${base.fileType} in the log's base block`;
  }
  return { report, base, entries };
}

/**
 * Most bytes a replayed hive is allocated: every byte of it comes from the primary or a log, so a hive
 * bins data size claimed beyond what the files hold (damage, or a crafted base block or log entry of
 * up to 4 GiB) yields a shorter hive, which the reader reports as truncated, instead of an allocation
 * of gigabytes of zeros or a RangeError.
 */
function replayBudget(primary: Uint8Array, logs: { bytes: Uint8Array }[]): number {
  return 4096 + primary.length + logs.reduce((sum, l) => sum + l.bytes.length, 0);
}

/** out.set that drops what would fall beyond the end of `out` (a page past a clipped hive). */
function setClipped(out: Uint8Array, data: Uint8Array, at: number): void {
  if (at >= out.length) return;
  out.set(data.subarray(0, out.length - at), at);
}

function withBaseBlockFixups(out: Uint8Array, patch: (dv: DataView) => void): void {
  const dv = new DataView(out.buffer, out.byteOffset, 4096);
  patch(dv);
  dv.setUint32(508, computeChecksum(out), true);
}

/**
 * Applies the logs to a dirty primary. `base` is the primary's parsed base block (null when the
 * primary is shorter than 512 bytes). Never throws; the result says what was and was not done.
 */
export function replayLogs(primary: Uint8Array, base: BaseBlock | null, inputs: LogInput[]): ReplayResult {
  const logs = normalizeLogs(inputs).map((l) => ({ ...l, ...parseLog(l.name, l.bytes) }));
  const reports = logs.map((l) => l.report);
  const result: ReplayResult = {
    bytes: primary,
    applied: false,
    appliedFrom: null,
    appliedTo: null,
    baseBlockRestored: false,
    reports,
    summary: "",
  };
  const primaryOk = !!base && base.signatureOk && base.checksumOk;

  // New format.
  const newLogs = logs.filter((l) => l.report.format === "new");
  if (newLogs.length > 0) {
    let header: Uint8Array | null = primaryOk ? primary.subarray(0, 4096) : null;
    let start = primaryOk ? base!.sequence2 : null;
    if (!primaryOk) {
      // Restore the base block from the log whose own base block is valid and most recent.
      const donor = newLogs
        .filter((l) => l.report.baseBlockOk)
        .sort((a, b) => (b.base!.sequence1 >>> 0) - (a.base!.sequence1 >>> 0))[0];
      if (donor) {
        header = new Uint8Array(4096);
        header.set(donor.bytes.subarray(0, 512));
        new DataView(header.buffer).setUint32(28, 0, true);
        start = donor.base!.sequence2;
        result.baseBlockRestored = true;
      }
    }
    if (!header || start === null) {
      result.summary = "the primary's base block is bad and no log has a valid base block to restore it from";
      for (const l of newLogs) l.report.note ??= "not applied: no usable base block";
      return result;
    }
    const pool = new Map<number, { log: (typeof logs)[number]; entry: LogEntry }>();
    for (const l of newLogs) for (const e of l.entries) if (!pool.has(e.sequence)) pool.set(e.sequence, { log: l, entry: e });
    if (!pool.has(start)) {
      const seqs = [...pool.keys()].sort((a, b) => a - b);
      const later = seqs.filter((s) => s > start!);
      result.summary =
        seqs.length === 0
          ? "the logs hold no valid entries"
          : later.length > 0
            ? `no log entry has the expected sequence number ${start} (valid entries: ${seqs[0]}–${seqs[seqs.length - 1]}); entries after a gap are not applied`
            : `all log entries (${seqs[0]}–${seqs[seqs.length - 1]}) are older than the primary's sequence number ${start}: already applied`;
      for (const l of newLogs) l.report.note ??= `not applied: ${result.summary}`;
      return result;
    }
    const currentBins = primaryOk ? base!.binsSize : new DataView(header.buffer, header.byteOffset).getUint32(40, true);
    const budget = replayBudget(primary, logs);
    let out = new Uint8Array(Math.min(4096 + Math.max(currentBins, 0), budget));
    out.set(header.subarray(0, 4096));
    out.set(primary.subarray(4096, Math.min(primary.length, out.length)), 4096);
    let n = start;
    let last: LogEntry | null = null;
    while (pool.has(n)) {
      const { log, entry } = pool.get(n)!;
      if (4096 + entry.binsSize > out.length && out.length < budget) {
        const grown = new Uint8Array(Math.min(4096 + entry.binsSize, budget));
        grown.set(out);
        out = grown;
      }
      for (const page of entry.pages) setClipped(out, log.bytes.subarray(page.dataAt, page.dataAt + page.size), 4096 + page.offset);
      log.report.applied++;
      last = entry;
      n++;
    }
    const lastEntry = last!;
    withBaseBlockFixups(out, (dv) => {
      dv.setUint32(4, lastEntry.sequence, true);
      dv.setUint32(8, lastEntry.sequence, true);
      dv.setUint32(28, 0, true);
      dv.setUint32(40, lastEntry.binsSize, true);
      dv.setUint32(144, lastEntry.flags, true);
    });
    result.bytes = out.subarray(0, 4096 + lastEntry.binsSize);
    result.applied = true;
    result.appliedFrom = start;
    result.appliedTo = lastEntry.sequence;
    const beyond = [...pool.keys()].filter((s) => s > n);
    result.summary =
      `applied log entries ${start}–${lastEntry.sequence}` +
      (beyond.length > 0 ? `; entries ${Math.min(...beyond)}–${Math.max(...beyond)} follow a gap at ${n} and were not applied` : "");
    for (const l of newLogs) if (l.report.applied === 0) l.report.note ??= "no entry of this log was needed";
    return result;
  }

  // Old format.
  const oldLogs = logs.filter((l) => l.report.format === "old");
  const firstBinStamp =
    primary.length >= 4096 + 32 ? new DataView(primary.buffer, primary.byteOffset).getBigUint64(4096 + 20, true) : 0n;
  for (const l of oldLogs) {
    const lb = l.base!;
    if (!l.report.baseBlockOk) {
      l.report.note = "not applied: the log's base block checksum is bad";
      continue;
    }
    if (lb.sequence1 !== lb.sequence2) {
      l.report.note = `not applied: the log itself is incomplete (sequence numbers ${lb.sequence1} ≠ ${lb.sequence2})`;
      continue;
    }
    const stamp = primaryOk ? base!.lastWritten : firstBinStamp;
    if (lb.lastWritten !== stamp) {
      l.report.note = "not applied: its last-written time differs from the primary's (it belongs to another write)";
      continue;
    }
    const sector = 512 * Math.min(8, Math.max(1, lb.clustering));
    const vec = sigAt(l.bytes, 512, DIRT) ? 512 : sigAt(l.bytes, sector, DIRT) ? sector : -1;
    if (vec < 0) {
      l.report.note = "not applied: no DIRT dirty vector";
      continue;
    }
    if (lb.binsSize % 512 !== 0 || lb.binsSize === 0) {
      l.report.note = `not applied: bad hive bins data size ${lb.binsSize}`;
      continue;
    }
    const bits = lb.binsSize / 512;
    const bitmapAt = vec + 4;
    const bitmapBytes = Math.ceil(bits / 8);
    if (bitmapAt + bitmapBytes > l.bytes.length) {
      l.report.note = "not applied: the dirty vector is truncated";
      continue;
    }
    let pagesAt = Math.ceil((bitmapAt + bitmapBytes) / 512) * 512;
    const out = new Uint8Array(Math.min(4096 + lb.binsSize, replayBudget(primary, logs)));
    out.set(primary.subarray(0, Math.min(primary.length, out.length)));
    out.set(l.bytes.subarray(0, 512), 0);
    let pages = 0;
    let truncated = false;
    for (let i = 0; i < bits; i++) {
      if (!(l.bytes[bitmapAt + (i >> 3)] & (1 << (i & 7)))) continue;
      if (pagesAt + 512 > l.bytes.length) {
        truncated = true;
        break;
      }
      setClipped(out, l.bytes.subarray(pagesAt, pagesAt + 512), 4096 + 512 * i);
      pagesAt += 512;
      pages++;
    }
    if (truncated) {
      l.report.note = "not applied: the log ends before its last dirty page";
      continue;
    }
    withBaseBlockFixups(out, (dv) => dv.setUint32(28, 0, true));
    l.report.entries = pages;
    l.report.applied = 1;
    result.bytes = out;
    result.applied = true;
    result.baseBlockRestored = !primaryOk;
    result.summary = `applied ${pages} dirty pages from ${l.name} (old format)`;
    return result;
  }
  result.summary =
    logs.length === 0
      ? "no transaction logs were given"
      : oldLogs.length > 0
        ? "no old-format log is applicable"
        : "no log is in a known format";
  return result;
}

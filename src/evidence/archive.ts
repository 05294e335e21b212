// A small, synchronous ZIP reader for evidence archives (Azure's CaseLogs zip, Disk Inspect output,
// an engineer's own zip of dumps), and a safe extractor.
//
// Why our own: the archives come from broken machines and from strangers, so every entry is
// distrusted. The reader takes names from the central directory, checks each one before a byte is
// written (zip-slip, absolute paths, drive letters, symlinks, encryption, declared and actual sizes,
// compression ratio, duplicates, control characters), inflates with a hard output cap
// (zlib.inflateRawSync + maxOutputLength) and verifies CRC-32. A damaged archive (no or broken
// central directory, truncated copy) is recovered from its local file headers as far as they go.
// Every refusal is a Problem row; extraction carries on with the next entry.
//
// Formats: PKWARE APPNOTE 6.3.x (local header 4.3.7, data descriptor 4.3.9, central directory
// 4.3.12, end of central directory 4.3.16, ZIP64 4.3.14/4.3.15/4.5.3, Info-ZIP Unicode path extra
// field 0x7075). Windows PowerShell 5.1's Compress-Archive writes '\' as the separator; it is read
// as a separator (and then checked like '/').

import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import buffer from "node:buffer";
import path from "node:path";
import zlib from "node:zlib";
import { decodeLegacy } from "../parsers/codepages.js";
import type { Problem } from "../parsers/types.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

// ---------------------------------------------------------------------------------------------
// Limits. The numbers are sized for what the evidence really is: a CaseLogs zip of a whole
// winevt\Logs folder plus hives is 0.1–2 GB; one Security.evtx is rarely above 1 GB.

/**
 * Largest single entry, declared or actual (uncompressed). 2 GiB is also what the ingest pipeline
 * can read whole (readFileSync refuses files of 2 GiB and more), and what one inflateRawSync can
 * hold in memory without surprises.
 */
export const ZIP_MAX_ENTRY_BYTES = 2 * GiB - 1;
/** Total bytes written by one extraction, nested archive included. */
export const ZIP_MAX_TOTAL_BYTES = 8 * GiB;
/** Entries read from one extraction (files and folders, nested archive included). */
export const ZIP_MAX_ENTRIES = 100_000;
/**
 * Zip-bomb threshold: an entry whose uncompressed size is above ZIP_RATIO_MIN_BYTES and more than
 * this many times its compressed size is refused. Real EVTX and hives compress 3:1 to 30:1; deflate
 * cannot exceed ~1032:1. Trade-off: a multi-MiB file of zeros (an unused hive .LOG2) is refused too;
 * the problem row says so, and the hive parser treats a missing log like any other missing log.
 */
export const ZIP_MAX_RATIO = 200;
/** Entries at or below this uncompressed size are never refused for their ratio. */
export const ZIP_RATIO_MIN_BYTES = 1 * MiB;
/**
 * How deep archives inside the archive are opened. 1 = a zip inside the zip is opened once: its
 * entries are extracted under `<entry>.unzipped/` (the inner zip itself is not written). A zip at a
 * deeper level is written as a plain file with an `archive.nested-too-deep` problem.
 */
export const ZIP_MAX_NESTING = 1;
/** Longest relative path (characters) and path segment (UTF-8 bytes) accepted. */
export const ZIP_MAX_PATH_CHARS = 1024;
export const ZIP_MAX_SEGMENT_BYTES = 255;
/** Suffix of the folder a nested archive is extracted into. */
export const NESTED_ARCHIVE_SUFFIX = ".unzipped";

export interface ZipLimits {
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxEntries: number;
  maxRatio: number;
  ratioMinBytes: number;
  maxNesting: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntryBytes: ZIP_MAX_ENTRY_BYTES,
  maxTotalBytes: ZIP_MAX_TOTAL_BYTES,
  maxEntries: ZIP_MAX_ENTRIES,
  maxRatio: ZIP_MAX_RATIO,
  ratioMinBytes: ZIP_RATIO_MIN_BYTES,
  maxNesting: ZIP_MAX_NESTING,
});

// ---------------------------------------------------------------------------------------------
// Public types

export interface ZipEntryInfo {
  /** Name as stored (decoded: UTF-8 when flagged or valid, Info-ZIP Unicode path, else CP437). */
  name: string;
  /** Safe relative path ('/'-separated) the entry extracts to, or null when the name is refused. */
  path: string | null;
  isDirectory: boolean;
  /** 0 stored, 8 deflate; anything else is refused. */
  method: number;
  /** General purpose bit flags (bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8). */
  flags: number;
  crc32: number;
  compressedSize: number;
  /** Declared uncompressed size; -1 when unknown (recovered entry without a data descriptor). */
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Unix mode from the external attributes (high 16 bits), or null. */
  unixMode: number | null;
  /** Where the entry was found: the central directory, or a scan of local headers (damaged archive). */
  source: "central-directory" | "local-header";
  /** Why the entry will not be extracted (the first reason found), or null. */
  refused: Problem | null;
}

export interface ZipListing {
  entries: ZipEntryInfo[];
  /** Structural problems and one row per refused entry. */
  problems: Problem[];
}

export interface ExtractedFile {
  /** Where the file came from: entry path, with `!/` between an outer and a nested archive. */
  archivePath: string;
  /** Relative to destDir, '/'-separated: the name ingest and the report use. */
  relative: string;
  absolute: string;
  size: number;
}

export interface ExtractResult {
  files: ExtractedFile[];
  problems: Problem[];
}

// ---------------------------------------------------------------------------------------------
// Byte sources: a buffer (openZip, nested archives) or a file read by offset (extractZipSafely)

interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `offset`; shorter at the end of the source. */
  read(offset: number, length: number): Uint8Array;
}

function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(Math.min(offset, bytes.length), Math.min(bytes.length, offset + length)),
  };
}

/** Largest single readSync (Node refuses reads above 2 GiB - 1). */
const READ_CHUNK = 1 * GiB;

function fileSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.allocUnsafe(n);
      let done = 0;
      while (done < n) {
        const got = readSync(fd, buf, done, Math.min(READ_CHUNK, n - done), offset + done);
        if (got <= 0) break;
        done += got;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Little-endian readers

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
function u64(b: Uint8Array, o: number): number {
  const v = u32(b, o) + u32(b, o + 4) * 0x100000000;
  return Number.isSafeInteger(v) ? v : Number.MAX_SAFE_INTEGER;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const EOCD_BYTES = 22;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const DOS_DIRECTORY = 0x10;
const DOS_REPARSE_POINT = 0x400;

// ---------------------------------------------------------------------------------------------
// Raw listing (structure only; safety checks come after)

interface RawEntry {
  nameBytes: Uint8Array;
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  hostSystem: number;
  externalAttributes: number;
  /** Known for recovered entries; computed from the local header otherwise. */
  dataOffset: number | null;
  source: "central-directory" | "local-header";
  /** The compressed data runs to the end of what could be found (recovered, no descriptor). */
  sizeUnknown: boolean;
}

interface RawListing {
  entries: RawEntry[];
  problems: Problem[];
}

function listRaw(src: ByteSource, label: string): RawListing {
  const problems: Problem[] = [];
  if (src.size === 0) {
    return { entries: [], problems: [{ code: "archive.not-a-zip", message: `${label} is empty`, location: label }] };
  }
  const central = readCentralDirectory(src, label);
  problems.push(...central.problems);
  if (!central.damaged) return { entries: central.entries, problems };

  const known = new Set(central.entries.map((e) => e.localHeaderOffset));
  const recovered = scanLocalHeaders(src, known);
  const entries = [...central.entries, ...recovered].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  if (entries.length === 0) {
    return {
      entries,
      problems: [
        {
          code: "archive.not-a-zip",
          message: `${label} is not a readable zip archive: no central directory and no local file header`,
          location: label,
        },
      ],
    };
  }
  problems.push({
    code: "archive.recovered",
    message:
      `${label}: ${central.entries.length} entr${central.entries.length === 1 ? "y" : "ies"} read from the central directory, ` +
      `${recovered.length} recovered by scanning local file headers; entries may be missing or truncated`,
    location: label,
  });
  return { entries, problems };
}

interface CentralResult {
  entries: RawEntry[];
  damaged: boolean;
  problems: Problem[];
}

function readCentralDirectory(src: ByteSource, label: string): CentralResult {
  const damaged = (message: string, entries: RawEntry[] = []): CentralResult => ({
    entries,
    damaged: true,
    problems: [{ code: "archive.damaged", message: `${label}: ${message}`, location: label }],
  });

  const eocd = findEocd(src);
  if (!eocd) return damaged("no end-of-central-directory record (the archive is truncated, or not a zip)");
  const tail = src.read(eocd, EOCD_BYTES);
  const disk = u16(tail, 4);
  const cdDisk = u16(tail, 6);
  let count = u16(tail, 10);
  let cdSize = u32(tail, 12);
  let cdOffset = u32(tail, 16);
  let cdEnd = eocd;
  if (disk !== 0 || cdDisk !== 0) return damaged("multi-volume (split) archives are not supported");

  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = eocd - 20;
    const locator = locatorAt >= 0 ? src.read(locatorAt, 20) : new Uint8Array(0);
    if (locator.length === 20 && u32(locator, 0) === SIG_ZIP64_LOCATOR) {
      const z64At = u64(locator, 8);
      const z64 = src.read(z64At, 56);
      if (z64.length === 56 && u32(z64, 0) === SIG_ZIP64_EOCD) {
        count = u64(z64, 32);
        cdSize = u64(z64, 40);
        cdOffset = u64(z64, 48);
        cdEnd = z64At;
      } else {
        return damaged("the ZIP64 end-of-central-directory record is missing or damaged");
      }
    }
  }

  // Data prepended to the archive (a self-extractor stub) shifts every offset by the same amount.
  let shift = 0;
  if (cdOffset + cdSize < cdEnd) {
    const candidate = cdEnd - cdSize - cdOffset;
    const probe = src.read(cdOffset + candidate, 4);
    if (probe.length === 4 && u32(probe, 0) === SIG_CENTRAL) shift = candidate;
  }
  if (cdOffset + shift + cdSize > cdEnd) {
    return damaged("the central directory lies beyond the end of the archive (truncated or damaged)");
  }

  const cd = src.read(cdOffset + shift, cdSize);
  const entries: RawEntry[] = [];
  let at = 0;
  while (entries.length < count) {
    if (at + CENTRAL_HEADER_BYTES > cd.length || u32(cd, at) !== SIG_CENTRAL) {
      return damaged(`the central directory is damaged after ${entries.length} of ${count} entries`, entries);
    }
    const nameLen = u16(cd, at + 28);
    const extraLen = u16(cd, at + 30);
    const commentLen = u16(cd, at + 32);
    const end = at + CENTRAL_HEADER_BYTES + nameLen + extraLen + commentLen;
    if (end > cd.length) {
      return damaged(`the central directory is damaged after ${entries.length} of ${count} entries`, entries);
    }
    const nameBytes = cd.slice(at + CENTRAL_HEADER_BYTES, at + CENTRAL_HEADER_BYTES + nameLen);
    const extra = cd.subarray(at + CENTRAL_HEADER_BYTES + nameLen, at + CENTRAL_HEADER_BYTES + nameLen + extraLen);
    const flags = u16(cd, at + 8);
    let compressedSize = u32(cd, at + 20);
    let uncompressedSize = u32(cd, at + 24);
    let localHeaderOffset = u32(cd, at + 42);
    const z64 = findExtra(extra, 0x0001);
    if (z64) {
      let p = 0;
      if (uncompressedSize === 0xffffffff && p + 8 <= z64.length) (uncompressedSize = u64(z64, p)), (p += 8);
      if (compressedSize === 0xffffffff && p + 8 <= z64.length) (compressedSize = u64(z64, p)), (p += 8);
      if (localHeaderOffset === 0xffffffff && p + 8 <= z64.length) (localHeaderOffset = u64(z64, p)), (p += 8);
    }
    entries.push({
      nameBytes,
      name: decodeName(nameBytes, flags, extra),
      flags,
      method: u16(cd, at + 10),
      crc32: u32(cd, at + 16),
      compressedSize,
      uncompressedSize,
      localHeaderOffset: localHeaderOffset + shift,
      hostSystem: cd[at + 5],
      externalAttributes: u32(cd, at + 38),
      dataOffset: null,
      source: "central-directory",
      sizeUnknown: false,
    });
    at = end;
  }
  return { entries, damaged: false, problems: [] };
}

function findEocd(src: ByteSource): number | null {
  const span = Math.min(src.size, EOCD_BYTES + 0xffff);
  const start = src.size - span;
  const buf = src.read(start, span);
  let fallback: number | null = null;
  for (let i = buf.length - EOCD_BYTES; i >= 0; i--) {
    if (buf[i] !== 0x50 || u32(buf, i) !== SIG_EOCD) continue;
    if (i + EOCD_BYTES + u16(buf, i + 20) === buf.length) return start + i; // comment length fits exactly
    fallback ??= start + i;
  }
  return fallback;
}

function findExtra(extra: Uint8Array, id: number): Uint8Array | null {
  let p = 0;
  while (p + 4 <= extra.length) {
    const tag = u16(extra, p);
    const len = u16(extra, p + 2);
    if (p + 4 + len > extra.length) return null;
    if (tag === id) return extra.subarray(p + 4, p + 4 + len);
    p += 4 + len;
  }
  return null;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

function decodeName(bytes: Uint8Array, flags: number, extra: Uint8Array): string {
  if (flags & FLAG_UTF8) return lenientUtf8.decode(bytes);
  const unicode = findExtra(extra, 0x7075);
  if (unicode && unicode.length > 5 && unicode[0] === 1 && u32(unicode, 1) === zlib.crc32(bytes)) {
    return lenientUtf8.decode(unicode.subarray(5));
  }
  try {
    return strictUtf8.decode(bytes); // pure ASCII, or UTF-8 written without the flag (Info-ZIP on Linux)
  } catch {
    return decodeLegacy(bytes, "cp437"); // the APPNOTE default
  }
}

// ---------------------------------------------------------------------------------------------
// Recovery: scan for local file headers

const SCAN_CHUNK = 8 * MiB;

/** Offsets of a 4-byte little-endian signature in [from, to). */
function* findSignature(src: ByteSource, signature: number, from: number, to = src.size): Generator<number> {
  const b0 = signature & 0xff;
  for (let base = from; base < to; base += SCAN_CHUNK) {
    const buf = src.read(base, Math.min(SCAN_CHUNK + 3, to - base));
    const limit = Math.min(buf.length - 3, SCAN_CHUNK);
    for (let i = 0; i < limit; i++) {
      if (buf[i] === b0 && u32(buf, i) === signature) yield base + i;
    }
  }
}

function firstSignature(src: ByteSource, signatures: number[], from: number): number | null {
  let best: number | null = null;
  for (const sig of signatures) {
    for (const at of findSignature(src, sig, from, best ?? src.size)) {
      if (best === null || at < best) best = at;
      break;
    }
  }
  return best;
}

function scanLocalHeaders(src: ByteSource, knownOffsets: Set<number>): RawEntry[] {
  const found: RawEntry[] = [];
  let resumeAt = 0;
  for (const at of findSignature(src, SIG_LOCAL, 0)) {
    if (at < resumeAt) continue;
    const header = src.read(at, LOCAL_HEADER_BYTES);
    if (header.length < LOCAL_HEADER_BYTES) break;
    const flags = u16(header, 6);
    const method = u16(header, 8);
    const nameLen = u16(header, 26);
    const extraLen = u16(header, 28);
    const dataOffset = at + LOCAL_HEADER_BYTES + nameLen + extraLen;
    // Plausibility: a random "PK\3\4" inside compressed data rarely passes these.
    if (nameLen === 0 || nameLen > 4096 || (header[4] | 0) > 100 || method > 99 || dataOffset > src.size) continue;
    const nameBytes = src.read(at + LOCAL_HEADER_BYTES, nameLen).slice();
    const extra = src.read(at + LOCAL_HEADER_BYTES + nameLen, extraLen);
    let compressedSize = u32(header, 18);
    let uncompressedSize = u32(header, 22);
    let crc = u32(header, 14);
    const z64 = findExtra(extra, 0x0001);
    if (z64 && z64.length >= 16) {
      uncompressedSize = u64(z64, 0);
      compressedSize = u64(z64, 8);
    }
    let sizeUnknown = false;
    if (flags & FLAG_DESCRIPTOR) {
      const descriptor = findDataDescriptor(src, dataOffset, z64 !== null);
      if (descriptor) {
        ({ compressedSize, uncompressedSize, crc } = descriptor);
      } else {
        const next = firstSignature(src, [SIG_LOCAL, SIG_CENTRAL], dataOffset);
        compressedSize = (next ?? src.size) - dataOffset;
        uncompressedSize = -1;
        sizeUnknown = true;
      }
    }
    if (!knownOffsets.has(at)) {
      found.push({
        nameBytes,
        name: decodeName(nameBytes, flags, extra),
        flags,
        method,
        crc32: crc,
        compressedSize,
        uncompressedSize,
        localHeaderOffset: at,
        hostSystem: 0,
        externalAttributes: 0,
        dataOffset,
        source: "local-header",
        sizeUnknown,
      });
    }
    if (!sizeUnknown && dataOffset + compressedSize <= src.size) resumeAt = dataOffset + compressedSize;
  }
  return found;
}

/**
 * A data descriptor right after the data: its compressed size must equal the distance walked.
 * Entries with a ZIP64 extra field carry 8-byte sizes in the descriptor, others 4-byte ones.
 */
function findDataDescriptor(
  src: ByteSource,
  dataOffset: number,
  zip64: boolean,
): { compressedSize: number; uncompressedSize: number; crc: number } | null {
  for (const at of findSignature(src, SIG_DESCRIPTOR, dataOffset)) {
    const d = src.read(at, 24);
    if (zip64 && d.length >= 24 && u64(d, 8) === at - dataOffset) return { crc: u32(d, 4), compressedSize: u64(d, 8), uncompressedSize: u64(d, 16) };
    if (!zip64 && d.length >= 16 && u32(d, 8) === at - dataOffset) return { crc: u32(d, 4), compressedSize: u32(d, 8), uncompressedSize: u32(d, 12) };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Names

export type EntryPathCheck = { ok: true; path: string; directory: boolean } | { ok: false; code: string; reason: string };

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)(\..*)?$/i;
// C0/C1 controls (NUL included) and the bidirectional overrides that make a name display as another.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * The relative path an entry name may be extracted to, or why not. `\` counts as a separator
 * (Compress-Archive on Windows PowerShell 5.1 writes it), so `a\..\..\x` is caught like `a/../../x`.
 * Names must also be valid on Windows, where engineers run rdp-triage: no `:` (alternate data
 * streams, drive-relative paths), no `<>"|?*`, no device names, no trailing dot or space (Windows
 * strips them, which can turn `.. ` into `..`).
 */
export function checkEntryPath(name: string): EntryPathCheck {
  if (name.length === 0) return { ok: false, code: "archive.entry.bad-name", reason: "the name is empty" };
  if (CONTROL_CHARS.test(name)) {
    return { ok: false, code: "archive.entry.bad-name", reason: "the name contains NUL or a control character" };
  }
  const n = name.replace(/\\/g, "/");
  if (/^[A-Za-z]:/.test(n)) return { ok: false, code: "archive.entry.unsafe-path", reason: "the name starts with a drive letter" };
  if (n.startsWith("/")) return { ok: false, code: "archive.entry.unsafe-path", reason: "the name is an absolute path" };
  const directory = n.endsWith("/");
  const segments = n.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.length === 0) return { ok: false, code: "archive.entry.bad-name", reason: "the name has no file name" };
  for (const seg of segments) {
    if (seg === "..") return { ok: false, code: "archive.entry.unsafe-path", reason: "the name climbs out of the folder with '..' (zip-slip)" };
    if (/[<>:"|?*]/.test(seg)) {
      return { ok: false, code: "archive.entry.bad-name", reason: `'${seg}' contains a character Windows does not allow in file names` };
    }
    if (/[. ]$/.test(seg)) return { ok: false, code: "archive.entry.bad-name", reason: `'${seg}' ends with a dot or a space` };
    if (WINDOWS_RESERVED.test(seg)) return { ok: false, code: "archive.entry.bad-name", reason: `'${seg}' is a Windows device name` };
    if (Buffer.byteLength(seg, "utf8") > ZIP_MAX_SEGMENT_BYTES) {
      return { ok: false, code: "archive.entry.bad-name", reason: `a path segment is longer than ${ZIP_MAX_SEGMENT_BYTES} bytes` };
    }
  }
  const joined = segments.join("/");
  if (joined.length > ZIP_MAX_PATH_CHARS) {
    return { ok: false, code: "archive.entry.bad-name", reason: `the path is longer than ${ZIP_MAX_PATH_CHARS} characters` };
  }
  return { ok: true, path: joined, directory };
}

/** Entry name as shown in messages: control characters escaped. */
function shown(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// ---------------------------------------------------------------------------------------------
// Static checks (before any byte is inflated)

/** State shared by an extraction and the archives nested in it. */
interface Budget {
  limits: ZipLimits;
  entries: number;
  /** Declared bytes of the entries accepted so far (static check) / bytes written (extraction). */
  bytes: number;
  /** Lower-cased NFC file paths, and every folder that holds one. */
  files: Set<string>;
  folders: Set<string>;
  overflowReported: boolean;
}

function newBudget(limits?: Partial<ZipLimits>): Budget {
  return {
    limits: { ...DEFAULT_ZIP_LIMITS, ...(limits ?? {}) },
    entries: 0,
    bytes: 0,
    files: new Set(),
    folders: new Set(),
    overflowReported: false,
  };
}

function entryInfo(raw: RawEntry, label: string, prefix: string, budget: Budget, overlaps: Set<RawEntry>): ZipEntryInfo {
  const limits = budget.limits;
  const unixMode = raw.externalAttributes >>> 16 || null;
  const checked = checkEntryPath(raw.name);
  const isDirectory =
    (checked.ok && checked.directory) ||
    (unixMode !== null && (unixMode & S_IFMT) === S_IFDIR) ||
    (unixMode === null && (raw.externalAttributes & DOS_DIRECTORY) !== 0 && raw.uncompressedSize === 0);
  const location = `${label}!/${shown(raw.name)}`;
  const refuse = (code: string, message: string): Problem => ({ code, message: `${shown(raw.name)}: ${message}`, location });

  let refused: Problem | null = null;
  const relPath = checked.ok ? prefix + checked.path : null;
  if (!checked.ok) refused = refuse(checked.code, `${checked.reason}; not extracted`);
  else if (unixMode !== null && (unixMode & S_IFMT) === S_IFLNK) refused = refuse("archive.entry.symlink", "a symbolic link entry; not extracted");
  else if (unixMode === null && (raw.externalAttributes & DOS_REPARSE_POINT) !== 0) {
    refused = refuse("archive.entry.symlink", "a Windows reparse point (link) entry; not extracted");
  } else if (raw.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) || raw.method === 99) {
    refused = refuse("archive.entry.encrypted", "the entry is encrypted; rdp-triage does not decrypt archives");
  } else if (!isDirectory && raw.method !== 0 && raw.method !== 8) {
    refused = refuse("archive.entry.unsupported-method", `compression method ${raw.method} is not supported (only stored and deflate)`);
  } else if (!isDirectory && (raw.uncompressedSize > limits.maxEntryBytes || (raw.method === 0 && raw.compressedSize > limits.maxEntryBytes))) {
    refused = refuse(
      "archive.entry.too-large",
      `declares ${Math.max(raw.uncompressedSize, raw.compressedSize)} bytes, above the limit of ${limits.maxEntryBytes} bytes per entry`,
    );
  } else if (
    !isDirectory &&
    raw.uncompressedSize > limits.ratioMinBytes &&
    raw.uncompressedSize > Math.max(raw.compressedSize, 1) * limits.maxRatio
  ) {
    refused = refuse(
      "archive.entry.ratio",
      `declares ${raw.uncompressedSize} bytes from ${raw.compressedSize} compressed (more than ${limits.maxRatio}:1): refused as a zip bomb`,
    );
  } else if (overlaps.has(raw)) {
    refused = refuse("archive.entry.overlap", "its data overlaps another entry's (a zip-bomb construction); not extracted");
  } else if (relPath !== null) {
    const key = relPath.normalize("NFC").toLowerCase();
    const conflict = isDirectory ? budget.files.has(key) : budget.files.has(key) || budget.folders.has(key) || ancestors(key).some((a) => budget.files.has(a));
    if (conflict) {
      refused = refuse("archive.entry.duplicate", "another entry already has this name (names compare case-insensitively); not extracted");
    } else if (!isDirectory && budget.bytes + Math.max(raw.uncompressedSize, 0) > limits.maxTotalBytes) {
      refused = refuse("archive.total-too-large", `extracting it would exceed the total limit of ${limits.maxTotalBytes} bytes`);
    } else {
      if (isDirectory) budget.folders.add(key);
      else {
        budget.files.add(key);
        budget.bytes += Math.max(raw.uncompressedSize, 0);
      }
      for (const a of ancestors(key)) budget.folders.add(a);
    }
  }
  return {
    name: raw.name,
    path: relPath,
    isDirectory,
    method: raw.method,
    flags: raw.flags,
    crc32: raw.crc32,
    compressedSize: raw.compressedSize,
    uncompressedSize: raw.uncompressedSize,
    localHeaderOffset: raw.localHeaderOffset,
    unixMode,
    source: raw.source,
    refused,
  };
}

function ancestors(key: string): string[] {
  const parts = key.split("/");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

/** Central-directory entries whose [header, data end) ranges overlap an earlier one's. */
function overlappingEntries(entries: RawEntry[]): Set<RawEntry> {
  const out = new Set<RawEntry>();
  const sorted = entries.filter((e) => e.source === "central-directory").sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let end = -1;
  for (const e of sorted) {
    if (e.localHeaderOffset < end) out.add(e);
    // The local name and extra lengths are not known here; the header itself is the minimum.
    end = Math.max(end, e.localHeaderOffset + LOCAL_HEADER_BYTES + e.nameBytes.length + e.compressedSize);
  }
  return out;
}

/** Applies the static checks in archive order; entries past the entry limit are dropped with one problem. */
function analyze(listing: RawListing, label: string, prefix: string, budget: Budget): { infos: { raw: RawEntry; info: ZipEntryInfo }[]; problems: Problem[] } {
  const problems: Problem[] = [...listing.problems];
  const overlaps = overlappingEntries(listing.entries);
  const infos: { raw: RawEntry; info: ZipEntryInfo }[] = [];
  for (const raw of listing.entries) {
    if (budget.entries >= budget.limits.maxEntries) {
      if (!budget.overflowReported) {
        budget.overflowReported = true;
        problems.push({
          code: "archive.too-many-entries",
          message: `${label}: more than ${budget.limits.maxEntries} entries; the rest were not read`,
          location: label,
        });
      }
      break;
    }
    budget.entries++;
    const info = entryInfo(raw, label, prefix, budget, overlaps);
    if (info.refused) problems.push(info.refused);
    infos.push({ raw, info });
  }
  return { infos, problems };
}

// ---------------------------------------------------------------------------------------------
// Reading one entry's data

export interface ZipEntryData {
  data: Uint8Array | null;
  problems: Problem[];
}

function readEntryData(src: ByteSource, raw: RawEntry, label: string, remainingTotal: number, limits: ZipLimits): ZipEntryData {
  const location = `${label}!/${shown(raw.name)}`;
  const fail = (code: string, message: string): ZipEntryData => ({ data: null, problems: [{ code, message: `${shown(raw.name)}: ${message}`, location }] });

  let dataOffset = raw.dataOffset;
  if (dataOffset === null) {
    const header = src.read(raw.localHeaderOffset, LOCAL_HEADER_BYTES);
    if (header.length < LOCAL_HEADER_BYTES) return fail("archive.entry.truncated", "the archive ends before this entry's data; not extracted");
    if (u32(header, 0) !== SIG_LOCAL) return fail("archive.entry.bad-header", "no local file header where the central directory points; not extracted");
    const nameLen = u16(header, 26);
    const extraLen = u16(header, 28);
    const localName = src.read(raw.localHeaderOffset + LOCAL_HEADER_BYTES, nameLen);
    if (!sameBytes(localName, raw.nameBytes)) {
      return fail("archive.entry.name-mismatch", "the local header names a different file than the central directory; not extracted");
    }
    if (u16(header, 6) & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
      return fail("archive.entry.encrypted", "the local header marks the entry encrypted; not extracted");
    }
    dataOffset = raw.localHeaderOffset + LOCAL_HEADER_BYTES + nameLen + extraLen;
  }

  const compressed = src.read(dataOffset, raw.compressedSize);
  const problems: Problem[] = [];
  const truncatedInput = compressed.length < raw.compressedSize;

  // The cap on what we accept from this entry: the declared size (a larger output is a lie), the
  // per-entry limit, what is left of the total, and the ratio bound for entries of unknown size.
  const declared = raw.uncompressedSize >= 0 ? raw.uncompressedSize : Number.POSITIVE_INFINITY;
  const ratioCap = Math.max(limits.ratioMinBytes, compressed.length * limits.maxRatio);
  const cap = Math.min(declared, limits.maxEntryBytes, remainingTotal, ratioCap);

  let data: Uint8Array;
  if (raw.method === 0) {
    data = compressed;
    if (data.length > cap) {
      return fail(capCode(cap, declared, limits, remainingTotal, ratioCap), `holds more bytes than allowed (${capReason(cap, declared, limits, remainingTotal)}); not extracted`);
    }
  } else {
    try {
      // One byte over the declared size is allowed through so that a lie is seen, not silently cut.
      const maxOutputLength = Math.min(buffer.constants.MAX_LENGTH, Math.max(1, cap + (cap === declared ? 1 : 0)));
      data = zlib.inflateRawSync(compressed, { maxOutputLength, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
        return fail(capCode(cap, declared, limits, remainingTotal, ratioCap), `inflates to more than allowed (${capReason(cap, declared, limits, remainingTotal)}); not extracted`);
      }
      return fail("archive.entry.corrupt", `the compressed data is damaged (${e.message}); not extracted`);
    }
    if (data.length > declared) {
      return fail("archive.entry.size-mismatch", `inflates to more than its declared ${declared} bytes; not extracted`);
    }
  }

  if (raw.sizeUnknown || raw.uncompressedSize < 0) {
    problems.push({
      code: "archive.entry.unverified",
      message: `${shown(raw.name)}: recovered without its size and CRC; ${data.length} bytes extracted, completeness unknown`,
      location,
    });
  } else if (data.length < raw.uncompressedSize) {
    problems.push({
      code: "archive.entry.truncated",
      message: `${shown(raw.name)}: only ${data.length} of ${raw.uncompressedSize} bytes could be read${truncatedInput ? " (the archive ends early)" : ""}; the partial file was extracted`,
      location,
    });
  } else if (zlib.crc32(data) !== raw.crc32) {
    problems.push({
      code: "archive.entry.crc-mismatch",
      message: `${shown(raw.name)}: CRC-32 mismatch (the data is damaged); extracted as found`,
      location,
    });
  }
  return { data, problems };
}

function capCode(cap: number, declared: number, limits: ZipLimits, remainingTotal: number, ratioCap: number): string {
  if (cap === declared) return "archive.entry.size-mismatch";
  if (cap === limits.maxEntryBytes) return "archive.entry.too-large";
  if (cap === remainingTotal) return "archive.total-too-large";
  if (cap === ratioCap) return "archive.entry.ratio";
  return "archive.entry.too-large";
}

function capReason(cap: number, declared: number, limits: ZipLimits, remainingTotal: number): string {
  if (cap === declared) return `declared ${declared} bytes`;
  if (cap === limits.maxEntryBytes) return `limit ${limits.maxEntryBytes} bytes per entry`;
  if (cap === remainingTotal) return `${remainingTotal} bytes left of the total limit`;
  return `ratio above ${limits.maxRatio}:1`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Public API: listing

/**
 * Lists a zip held in memory: structure, decoded names, the safe path of each entry and the first
 * reason it would be refused (with the default or given limits). Never throws on bad input.
 */
export function openZip(bytes: Uint8Array, limits?: Partial<ZipLimits>): ZipListing {
  const label = "archive";
  const listing = listRaw(memorySource(bytes), label);
  const { infos, problems } = analyze(listing, label, "", newBudget(limits));
  return { entries: infos.map((i) => i.info), problems };
}

/**
 * Reads one entry of an in-memory zip listed by openZip (refused entries give null data and their
 * problem). Size caps, ratio and CRC are checked as in extraction.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntryInfo, limits?: Partial<ZipLimits>): ZipEntryData {
  if (entry.refused) return { data: null, problems: [entry.refused] };
  const src = memorySource(bytes);
  const lim = { ...DEFAULT_ZIP_LIMITS, ...(limits ?? {}) };
  const raw = listRaw(src, "archive").entries.find((r) => r.localHeaderOffset === entry.localHeaderOffset);
  if (!raw) return { data: null, problems: [{ code: "archive.entry.missing", message: `${entry.name}: not found in the archive` }] };
  return readEntryData(src, raw, "archive", lim.maxTotalBytes, lim);
}

// ---------------------------------------------------------------------------------------------
// Public API: extraction

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
/** Zip-based document and package formats: never treated as nested evidence archives. */
const PACKAGE_EXTENSIONS = /\.(docx|docm|xlsx|xlsm|pptx|pptm|odt|ods|odp|jar|war|ear|apk|nupkg|appx|appxbundle|msix|msixbundle|vsix|epub|whl|xpi|crx)$/i;

function isNestedArchive(name: string, data: Uint8Array): boolean {
  if (PACKAGE_EXTENSIONS.test(name)) return false;
  const starts = (m: number[]) => data.length >= 4 && m.every((b, i) => data[i] === b);
  return starts(ZIP_MAGIC) || starts(EMPTY_ZIP_MAGIC);
}

/**
 * Extracts a zip file into destDir without ever writing outside it: every entry name is checked
 * (checkEntryPath), every folder on the way is created by us (a pre-existing symlink on the path is
 * refused), the final path is resolved and verified to lie under destDir, and files are created with
 * 'wx' (never overwriting, never following a link). Bad entries are refused with a problem and the
 * extraction carries on; a damaged archive yields what its local headers allow. destDir is created
 * when missing; use a fresh folder (mkdtemp) so nothing else lives there.
 */
export function extractZipSafely(zipPath: string, destDir: string, limits?: Partial<ZipLimits>, label = path.basename(zipPath)): ExtractResult {
  const problems: Problem[] = [];
  const files: ExtractedFile[] = [];
  let fd: number;
  let size: number;
  try {
    fd = openSync(zipPath, "r");
    size = fstatSync(fd).size;
  } catch (error) {
    return { files, problems: [{ code: "archive.unreadable", message: `cannot read ${zipPath}: ${(error as Error).message}`, location: label }] };
  }
  try {
    let destReal: string;
    try {
      mkdirSync(destDir, { recursive: true });
      destReal = realpathSync(destDir);
    } catch (error) {
      return { files, problems: [{ code: "archive.destination", message: `cannot create ${destDir}: ${(error as Error).message}`, location: label }] };
    }
    const budget = newBudget(limits);
    extractInto(fileSource(fd, size), label, "", "", 0, { destReal, budget, files, problems, written: { bytes: 0 } });
  } finally {
    closeSync(fd);
  }
  return { files, problems };
}

interface ExtractState {
  destReal: string;
  budget: Budget;
  files: ExtractedFile[];
  problems: Problem[];
  /** Bytes actually written (the static budget counts declared sizes). */
  written: { bytes: number };
}

function extractInto(src: ByteSource, label: string, prefix: string, archivePrefix: string, depth: number, state: ExtractState): void {
  const { budget } = state;
  const listing = listRaw(src, label);
  const { infos, problems } = analyze(listing, label, prefix, budget);
  state.problems.push(...problems);
  for (const { raw, info } of infos) {
    if (info.refused || info.path === null) continue;
    const location = `${label}!/${shown(raw.name)}`;
    if (info.isDirectory) {
      const made = makeFolders(state.destReal, info.path.split("/"));
      if (!made.ok) state.problems.push({ code: "archive.entry.write-failed", message: `${shown(raw.name)}: ${made.reason}`, location });
      continue;
    }
    const remaining = budget.limits.maxTotalBytes - state.written.bytes;
    const read = readEntryData(src, raw, label, remaining, budget.limits);
    state.problems.push(...read.problems);
    if (!read.data) continue;
    const data = read.data;
    const inArchive = info.path.slice(prefix.length); // the entry's own path inside its archive

    if (isNestedArchive(raw.name, data)) {
      if (depth < budget.limits.maxNesting) {
        const nestedLabel = `${label}!/${shown(raw.name)}`;
        const nestedPrefix = `${info.path}${NESTED_ARCHIVE_SUFFIX}/`;
        budget.folders.add(nestedPrefix.slice(0, -1).normalize("NFC").toLowerCase());
        const before = state.files.length;
        extractInto(memorySource(data), nestedLabel, nestedPrefix, `${archivePrefix}${inArchive}!/`, depth + 1, state);
        if (state.files.length > before) {
          budget.bytes -= Math.max(raw.uncompressedSize, 0); // the inner zip itself is not written
          continue;
        }
        // Nothing usable inside: keep the bytes as they are, so nothing is lost.
      } else {
        state.problems.push({
          code: "archive.nested-too-deep",
          message: `${shown(raw.name)}: an archive nested more than ${budget.limits.maxNesting} level(s) deep is not opened; extracted as a file`,
          location,
        });
      }
    }

    const written = writeNewFile(state.destReal, info.path, data);
    if (!written.ok) {
      state.problems.push({ code: "archive.entry.write-failed", message: `${shown(raw.name)}: ${written.reason}`, location });
      continue;
    }
    state.written.bytes += data.length;
    state.files.push({ archivePath: `${archivePrefix}${inArchive}`, relative: info.path, absolute: written.absolute, size: data.length });
  }
}

type Made = { ok: true; dir: string } | { ok: false; reason: string };

/** Creates (or walks) folders under destReal one segment at a time; refuses links and non-folders. */
function makeFolders(destReal: string, segments: string[]): Made {
  let dir = destReal;
  for (const seg of segments) {
    const next = path.join(dir, seg);
    if (!isInside(destReal, next)) return { ok: false, reason: "the path leaves the destination folder; not extracted" };
    let st = lstatOrNull(next);
    if (!st) {
      try {
        mkdirSync(next);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") return { ok: false, reason: `cannot create folder: ${(error as Error).message}` };
      }
      st = lstatOrNull(next);
    }
    if (!st || st.isSymbolicLink() || !st.isDirectory()) {
      return { ok: false, reason: `'${path.relative(destReal, next)}' exists and is not a folder; not extracted` };
    }
    dir = next;
  }
  return { ok: true, dir };
}

type Written = { ok: true; absolute: string } | { ok: false; reason: string };

function writeNewFile(destReal: string, relPath: string, data: Uint8Array): Written {
  const segments = relPath.split("/");
  const parent = makeFolders(destReal, segments.slice(0, -1));
  if (!parent.ok) return parent;
  const target = path.join(parent.dir, segments[segments.length - 1]);
  if (!isInside(destReal, target)) return { ok: false, reason: "the path leaves the destination folder; not extracted" };
  let fd: number;
  try {
    fd = openSync(target, "wx", 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === "EEXIST" ? "a file of that name already exists; not overwritten" : `cannot create: ${(error as Error).message}` };
  }
  try {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, Math.min(READ_CHUNK, data.length - done));
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(target);
    } catch {
      /* the partial file stays; the problem row says so */
    }
    return { ok: false, reason: `write failed: ${(error as Error).message}` };
  }
  closeSync(fd);
  return { ok: true, absolute: target };
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, path.resolve(candidate));
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function lstatOrNull(p: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Ingest helper: archives among the discovered files, replaced by their contents

/** What discoverEvidence lists (src/evidence/discover.ts DiscoveredFile). */
export interface EvidenceFileRef {
  absolute: string;
  relative: string;
  size: number;
  /** Passed through for files that are not archives; unpacked entries have none (so they are hashed). */
  mtimeMs?: number;
}

/** Separator between an archive's relative path and a path inside it, as in `case.zip!/F/Windows/...`. */
export const ARCHIVE_PATH_SEPARATOR = "!/";

const EXPANSION_FORMAT = 1;

interface ExpansionRecord {
  format: number;
  files: { archivePath: string; relative: string; size: number }[];
  problems: Problem[];
}

/** Whether a file starts like a zip archive (the same magic classifyEvidence looks for). */
export function isZipFile(file: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return n === 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Replaces every zip among `files` by its safely extracted entries, named
 * `<zip's relative path>!/<entry path>` (nested: `a.zip!/b.zip!/x`), so the index, the layout and
 * the report keep saying where each file came from. Extraction goes to
 * `<workDir>/<key>/`, keyed by the zip's path, size and mtime, and is reused on the next run while
 * the zip is unchanged (a `<key>.json` beside the folder records the result). Problems carry the
 * zip's relative path in their location. `archives` are the zips found among `files` (for the chain of
 * custody), so no caller has to sniff every file again.
 */
export function expandArchives(
  files: EvidenceFileRef[],
  workDir: string,
  limits?: Partial<ZipLimits>,
): { files: EvidenceFileRef[]; problems: Problem[]; archives: EvidenceFileRef[] } {
  const out: EvidenceFileRef[] = [];
  const problems: Problem[] = [];
  const archives: EvidenceFileRef[] = [];
  for (const f of files) {
    if (!isZipFile(f.absolute)) {
      out.push(f);
      continue;
    }
    archives.push(f);
    const { record, dir } = expandOne(f, workDir, limits);
    problems.push(...record.problems);
    for (const x of record.files) {
      out.push({ absolute: path.join(dir, ...x.relative.split("/")), relative: `${f.relative}${ARCHIVE_PATH_SEPARATOR}${x.archivePath}`, size: x.size });
    }
  }
  return { files: out, problems, archives };
}

function expandOne(f: EvidenceFileRef, workDir: string, limits?: Partial<ZipLimits>): { record: ExpansionRecord; dir: string } {
  let mtime = 0;
  try {
    mtime = statSync(f.absolute).mtimeMs;
  } catch {
    /* unreadable: extraction reports it */
  }
  const key = createHash("sha256").update(`${f.relative}\0${f.size}\0${mtime}\0${JSON.stringify(limits ?? {})}`).digest("hex").slice(0, 24);
  mkdirSync(workDir, { recursive: true });
  const dir = path.join(workDir, key);
  const recordFile = `${dir}.json`;
  if (existsSync(recordFile)) {
    try {
      const record = JSON.parse(readFileSync(recordFile, "utf8")) as ExpansionRecord;
      const intact =
        record.format === EXPANSION_FORMAT &&
        record.files.every((x) => {
          try {
            return lstatSync(path.join(dir, ...x.relative.split("/"))).size === x.size;
          } catch {
            return false;
          }
        });
      if (intact) return { record, dir };
    } catch {
      /* re-extract */
    }
  }
  rmSync(recordFile, { force: true });
  rmSync(dir, { recursive: true, force: true });
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = extractZipSafely(f.absolute, staging, limits, f.relative);
  renameSync(staging, dir);
  const record: ExpansionRecord = {
    format: EXPANSION_FORMAT,
    files: result.files.map((x) => ({ archivePath: x.archivePath, relative: x.relative, size: x.size })),
    problems: result.problems,
  };
  writeFileSync(recordFile, JSON.stringify(record));
  return { record, dir };
}

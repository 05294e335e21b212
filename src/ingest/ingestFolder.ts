import { createHash } from "node:crypto";
import path from "node:path";
import { closeSync, openSync, readSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Classification } from "../evidence/classify.js";
import { makeTempFolder } from "../evidence/tempFolders.js";
import { discoverEvidence, EvidenceFolderError, type Discovery } from "../evidence/discover.js";
import { ARCHIVE_PATH_SEPARATOR, expandArchives, isZipFile } from "../evidence/archive.js";
import { describeDrive, detectLayout, driveOf, textReaderFor, type EvidenceLayout } from "../evidence/layout.js";
import { dropEventIndexes, restoreEventIndexes, type Db } from "../store/db.js";
import { IndexWriter, type SourceKind } from "../store/writer.js";
import { relinkControlSets } from "../store/relinkControlSets.js";
// Only the file-name helpers here: the parsers themselves are loaded on first need (parseEvidence.ts).
import { transactionLogNames } from "../parsers/hive/fileNames.js";
import type { DiscoveredFile } from "../evidence/discover.js";
import type { Problem } from "../parsers/types.js";
import { MAX_TEXT_DUMP_BYTES, MAX_WHOLE_READ_BYTES } from "./limits.js";

export { MAX_TEXT_DUMP_BYTES, MAX_WHOLE_READ_BYTES } from "./limits.js";

export interface IngestProgress {
  done: number;
  total: number;
  file: string;
  records: number;
}

export interface IngestOptions {
  /** Called after each file, and every few thousand events within a large log. */
  onProgress?: (progress: IngestProgress) => void;
  /**
   * Re-hash every file. By default a file whose size and modification time equal what the index
   * recorded is taken as unchanged without reading it (as make and git do), which keeps re-runs cheap.
   */
  rehash?: boolean;
}

export interface IngestSummary {
  files: number;
  indexed: number;
  unchanged: number;
  removed: string[];
  byKind: Record<string, number>;
  records: number;
  problems: number;
  seconds: number;
}

/**
 * Indexes an evidence folder, or a .zip of one (Azure's CaseLogs, Disk Inspect, an engineer's own),
 * into `db`: discover → unpack archives safely → recognise the layout → classify → parse → store,
 * one transaction per file. Archives are unpacked into a private temporary folder removed afterwards;
 * their files keep their archive path (`case.zip!/F/Windows/...`).
 */
export async function ingestFolder(input: string, db: Db, options: IngestOptions = {}): Promise<IngestSummary> {
  const workDir = makeTempFolder("archives");
  try {
    return await ingestExpanded(input, discoverInput(input), workDir, db, options);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function discoverInput(input: string): Discovery {
  let st;
  try {
    st = statSync(input);
  } catch (error) {
    throw new EvidenceFolderError(`cannot read the evidence ${input}: ${(error as Error).message}`);
  }
  if (st.isDirectory()) return discoverEvidence(input);
  if (st.isFile() && isZipFile(input)) {
    return { files: [{ absolute: path.resolve(input), relative: path.basename(input), size: st.size }], problems: [] };
  }
  throw new EvidenceFolderError(`${input} is neither a folder nor a .zip archive`);
}

async function ingestExpanded(input: string, discovered: Discovery, workDir: string, db: Db, options: IngestOptions): Promise<IngestSummary> {
  const started = process.hrtime.bigint();
  const expanded = expandArchives(discovered.files, workDir);
  const files = expanded.files;
  const layout = detectLayout(
    files.map((f) => f.relative),
    textReaderFor(files),
  );
  const folderProblems = [...discovered.problems, ...expanded.problems, ...collectorProblems(layout)];
  const archives = archiveCustody(expanded.archives, files);
  const writer = new IndexWriter(db);
  db.transaction(() => {
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('evidence_root', ?)").run(path.resolve(input));
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('evidence_layout', ?)").run(JSON.stringify(layout));
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('evidence_archives', ?)").run(JSON.stringify(archives));
    writer.clearFolderProblems();
    for (const p of folderProblems) writer.folderProblem(p);
  })();
  const summary: IngestSummary = {
    files: files.length,
    indexed: 0,
    unchanged: 0,
    removed: writer.removeSourcesNotIn(new Set(files.map((f) => f.relative))),
    byKind: {},
    records: 0,
    problems: folderProblems.length,
    seconds: 0,
  };
  let done = 0;
  const byLowerPath = new Map(files.map((f) => [f.relative.toLowerCase(), f]));
  let eventIndexesDropped = false;
  let parsers: typeof import("./parseEvidence.js") | undefined;
  for (const file of files) {
    const previous = writer.storedSource(file.relative);
    if (
      !options.rehash &&
      previous &&
      file.mtimeMs !== undefined &&
      previous.mtimeMs === file.mtimeMs &&
      previous.size === file.size &&
      !previous.sha256.includes("+") // hives with logs: a log may have changed on its own
    ) {
      summary.unchanged++;
      done++;
      options.onProgress?.({ done, total: files.length, file: file.relative, records: summary.records });
      continue;
    }
    // Classifying and parsing load every parser: done when the first file has to be read, so a re-run
    // over an unchanged folder loads (and compiles) none of them.
    const { classifyEvidence, SNIFF_BYTES, parseInto } = (parsers ??= await import("./parseEvidence.js"));
    let bytes: Buffer | null = null;
    let sha256: string;
    let classification: Classification;
    try {
      if (file.size > MAX_TEXT_DUMP_BYTES) {
        classification = classifyEvidence(readHead(file.absolute, SNIFF_BYTES));
        if (classification === "hive" && file.size <= MAX_WHOLE_READ_BYTES) {
          // A hive is parsed from one whole buffer (cells point anywhere): read once, hash that buffer.
          bytes = readFileSync(file.absolute);
          sha256 = createHash("sha256").update(bytes).digest("hex");
        } else {
          // Everything else this large is hashed in a stream and never loaded whole; a large event log
          // is then read chunk by chunk (readEvtxFile keeps a few 64 KiB chunks in memory).
          sha256 = hashFileStreaming(file.absolute);
        }
      } else {
        bytes = readFileSync(file.absolute);
        sha256 = createHash("sha256").update(bytes).digest("hex");
        classification = classifyEvidence(bytes.subarray(0, SNIFF_BYTES));
      }
    } catch (error) {
      writer.folderProblem({
        code: "evidence.unreadable",
        message: `cannot read ${file.relative}: ${(error as Error).message}`,
        location: file.relative,
      });
      summary.problems++;
      done++;
      continue;
    }
    const stored = previous;
    const kind: SourceKind = classification === "archive" ? "unknown" : classification;
    // A hive is re-read when one of its transaction logs changed, even if the primary did not.
    const hiveLogs = classification === "hive" ? siblingLogs(file, byLowerPath) : [];
    if (hiveLogs.length) sha256 = combinedHash(sha256, hiveLogs);
    summary.byKind[classification] = (summary.byKind[classification] ?? 0) + 1;
    if (stored && stored.sha256 === sha256) {
      summary.unchanged++;
      done++;
      options.onProgress?.({ done, total: files.length, file: file.relative, records: summary.records });
      continue;
    }
    const absolute = file.absolute;
    // Only into an empty index: replacing a source deletes its old events by source_id, which needs the index.
    if (classification === "evtx" && !eventIndexesDropped && db.prepare("SELECT 1 FROM events LIMIT 1").get() === undefined) {
      dropEventIndexes(db);
      eventIndexesDropped = true;
    }
    const result = writer.storeSource(
      { path: file.relative, kind, sha256, size: file.size, mtimeMs: file.mtimeMs, encoding: null, info: originOf(file.relative, layout) },
      (sink) => {
        // A zero-byte file is listed like any other, with a row saying there was nothing in it.
        if (bytes !== null && bytes.length === 0) sink.problem(emptyFileProblem(file.relative, byLowerPath));
        parseInto(classification, absolute, bytes, file.size, sink, { relative: file.relative, logs: hiveLogs });
      },
      options.onProgress &&
        ((n) => options.onProgress?.({ done, total: files.length, file: file.relative, records: summary.records + n })),
    );
    summary.indexed++;
    summary.records += result.records;
    summary.problems += result.problems;
    done++;
    options.onProgress?.({ done, total: files.length, file: file.relative, records: summary.records });
  }
  if (eventIndexesDropped) restoreEventIndexes(db);
  relinkControlSets(db);
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summary;
}

/**
 * The problem row of a zero-byte file. An empty `.LOG1`/`.LOG2` next to its hive is the normal state of
 * a cleanly flushed hive and is worded so; any other empty file most often means an interrupted copy.
 */
function emptyFileProblem(relative: string, byLowerPath: Map<string, DiscoveredFile>): Problem {
  const log = /^(.+)\.LOG[12]?$/i.exec(relative);
  const primary = log ? byLowerPath.get(log[1].toLowerCase()) : undefined;
  if (primary) {
    return {
      code: "evidence.empty",
      message: `${relative}: empty file (0 bytes): a transaction log of ${primary.relative} with nothing to replay (normal when the hive was flushed cleanly)`,
    };
  }
  return { code: "evidence.empty", message: `${relative}: empty file (0 bytes): nothing to read — was the copy interrupted?` };
}

/** Which disk a file came from, when the layout says (CaseLogs drive folders, Disk Inspect devices). */
function originOf(relative: string, layout: EvidenceLayout): { drive: string } | undefined {
  if (layout.kind === "plain" && layout.drives.length <= 1) return undefined;
  const drive = driveOf(relative, layout);
  return drive ? { drive: describeDrive(drive) } : undefined;
}

/** What Azure's collector says it could not get: shown in every report as a problem of the folder. */
function collectorProblems(layout: EvidenceLayout): Problem[] {
  return (layout.collectorReport?.failed ?? []).map((f) => ({
    code: f.reason === "not-found" ? "collector.not-found" : "collector.failed",
    message: `the collector reports it could not get ${f.path} (${f.reason === "not-found" ? "not found on the disk" : "copy failed"})`,
    location: `${f.file} line ${f.line}`,
  }));
}

/** SYSTEM.LOG1 / SYSTEM.LOG2 / SYSTEM.LOG next to a primary hive, when present. */
function siblingLogs(file: DiscoveredFile, byLowerPath: Map<string, DiscoveredFile>): DiscoveredFile[] {
  return transactionLogNames(file.relative)
    .map((name) => byLowerPath.get(name.toLowerCase()))
    .filter((f): f is DiscoveredFile => f !== undefined);
}

function combinedHash(primarySha: string, logs: DiscoveredFile[]): string {
  const hash = createHash("sha256").update(primarySha);
  for (const log of logs) hash.update(readFileSync(log.absolute));
  return primarySha + "+" + hash.digest("hex").slice(0, 16);
}

type FileRef = { absolute: string; relative: string; size: number };

/** The archives read in place, for the chain of custody: their own path, size, SHA-256, and files taken from them. */
function archiveCustody(archives: readonly FileRef[], files: readonly FileRef[]): { path: string; size: number; sha256: string; entries: number }[] {
  return archives.map((f) => {
    let sha256 = "";
    try {
      sha256 = hashFileStreaming(f.absolute);
    } catch {
      /* unreadable: expandArchives has already reported it */
    }
    const prefix = f.relative + ARCHIVE_PATH_SEPARATOR;
    return { path: f.relative, size: f.size, sha256, entries: files.filter((x) => x.relative.startsWith(prefix)).length };
  });
}

function hashFileStreaming(file: string): string {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

function readHead(file: string, length: number): Uint8Array {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

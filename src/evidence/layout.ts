// Recognises how an evidence folder was produced, from its relative paths (and a few small text
// files), so the report can say which disk each piece of evidence came from.
//
// - "caselogs": `az vm repair run --run-id win-collect-attached-disk-logs` (Azure/repair-script-library
//   win-collect-attached-disk-logs.ps1). On the rescue VM it writes
//   `CaseLogs\<UTC time>_UTC\<drive letter>\<disk-relative path>` for every partition of the attached
//   disk, the boot partition's BCD as `<letter>\bcd\BCD`, and beside the drive folders
//   `collectedLogFiles.csv` ("sep=," line, then "Source Log File","Type","Destination Log File",
//   "Number of Destination Files","Size of Destination File(s) [Bytes]"; bare `E:\boot\bcd` lines for
//   the BCD), `failedLogFiles.log` ("NOT FOUND: F:\...", "FAILED <path>: <message>", "EXCEPTION
//   (...)", "WARNING (...)") and `collectedLogFilesTree.log`. Written by Out-File in Windows
//   PowerShell 5.1, so UTF-16LE with BOM: readText must decode (decodeText).
// - "disk-inspect": Azure Disk Inspect (Azure/azure-diskinspect-service). Its zip holds `results.txt`
//   (the operation log: "Using manifest: diagnostic  [windows]", "Copying Step [n.m] File: /Windows/…
//   SUCCEEDED.", "Copying /Windows/… FAILED as no files were located."), `diskinfo.txt`, and one
//   `device_<n>/` folder per inspected OS device with the disk-relative tree below it.
// - "plain": anything else: hand-made dumps, rdp-triage's own collector output (`<letter>\Windows\…`
//   beside `acl\`, `reg\`, `manifest.csv`), a bare copy of a Windows tree.
//
// Paths compare case-insensitively (NTFS), with '/' or '\' separators.

import { readFileSync } from "node:fs";
import { decodeText } from "./decodeText.js";

export type LayoutKind = "caselogs" | "disk-inspect" | "plain";
export type DriveRole = "os" | "boot" | "data";

export interface EvidenceDrive {
  /** Folder holding the drive's tree, relative, '/'-separated, no trailing slash ("" = the evidence root). */
  folder: string;
  /** Drive letter on the machine that collected (the rescue VM for CaseLogs), or null when unknown. */
  letter: string | null;
  /** os: holds Windows\System32 (config hives, winevt\Logs, winload.exe); boot: holds the BCD store. */
  role: DriveRole;
}

export interface CollectedLogFile {
  /** The report file this row comes from (relative path). */
  file: string;
  line: number;
  /** Path on the rescue VM, e.g. F:\Windows\System32\config\SYSTEM (Disk Inspect: /Windows/...). */
  source: string;
  /** "File", "Directory", or "" when the row gives none. */
  type: string;
  destination: string;
  count: number | null;
  bytes: number | null;
  /** The evidence file it became (relative path, as in relativePaths), when found. */
  relative: string | null;
}

export interface FailedLogFile {
  file: string;
  line: number;
  /** The path the collector could not collect, as it printed it. */
  path: string;
  reason: "not-found" | "failed";
  message: string;
}

export interface CollectorNote {
  file: string;
  line: number;
  text: string;
}

export interface CollectorReport {
  collected: CollectedLogFile[];
  failed: FailedLogFile[];
  /** Other lines of the failure log (EXCEPTION / WARNING lines without a path). */
  notes: CollectorNote[];
}

export interface CollectionRoot {
  /** Folder where one collection starts (the `<time>_UTC` folder, the folder of results.txt, or ""). */
  folder: string;
  kind: LayoutKind;
  /** From a CaseLogs folder name `yyyy-MM-dd_HH.mm.ss_UTC`, as ISO-8601; null otherwise. */
  collectedAt: string | null;
  /** Disk Inspect manifest name (e.g. "diagnostic"), when results.txt says. */
  manifest?: string;
}

export interface EvidenceLayout {
  kind: LayoutKind;
  roots: CollectionRoot[];
  /** Every drive folder found, each kept apart (two CaseLogs runs give two F drives). */
  drives: EvidenceDrive[];
  collectorReport?: CollectorReport;
}

/** Reads a small text file of the evidence (relative path) already decoded, or null when unreadable. */
export type ReadText = (relativePath: string) => string | null;

/** The collectors' report files are small; anything larger is not one of them and is not read. */
export const LAYOUT_TEXT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * A ReadText over discovered files ({ relative, absolute, size }, as discoverEvidence and
 * expandArchives list them), decoding with the project's one text decoder (the Azure script's
 * Out-File writes UTF-16LE with BOM). Files above maxBytes read as null.
 */
export function textReaderFor(files: { relative: string; absolute: string; size: number }[], maxBytes = LAYOUT_TEXT_MAX_BYTES): ReadText {
  const byPath = new Map(files.map((f) => [split(f.relative).join("/").toLowerCase(), f]));
  return (relativePath) => {
    const f = byPath.get(split(relativePath).join("/").toLowerCase());
    if (!f || f.size > maxBytes) return null;
    try {
      return decodeText(readFileSync(f.absolute)).text;
    } catch {
      return null;
    }
  };
}

// ---------------------------------------------------------------------------------------------

interface Marked {
  folder: string;
  role: "os" | "boot";
}

const CONFIG_HIVES = new Set(["system", "software", "sam", "security", "default"]);

/** The drive folder and role a path proves, if any: the segments before Windows\System32 or the BCD. */
function markerOf(segs: string[]): Marked | null {
  const lower = segs.map((s) => s.toLowerCase());
  for (let i = 0; i + 2 < lower.length; i++) {
    if (lower[i] !== "windows" || lower[i + 1] !== "system32") continue;
    const rest = lower.slice(i + 2);
    const os =
      (rest[0] === "config" && rest.length >= 2) ||
      (rest[0] === "winevt" && rest[1] === "logs" && rest.length >= 3) ||
      (rest[0] === "winload.exe" && rest.length === 1) ||
      (rest[0] === "winload.efi" && rest.length === 1);
    if (os) return { folder: segs.slice(0, i).join("/"), role: "os" };
  }
  if (lower.includes("windows")) return null; // Windows\Boot\...\BCD templates are not a boot partition
  const n = lower.length;
  const endsWith = (...tail: string[]) => n >= tail.length && tail.every((t, k) => lower[n - tail.length + k] === t);
  if (endsWith("efi", "microsoft", "boot", "bcd")) return { folder: segs.slice(0, n - 4).join("/"), role: "boot" };
  if (endsWith("boot", "bcd")) return { folder: segs.slice(0, n - 2).join("/"), role: "boot" };
  if (endsWith("bcd", "bcd")) return { folder: segs.slice(0, n - 2).join("/"), role: "boot" }; // CaseLogs: <letter>\bcd\BCD
  return null;
}

function split(p: string): string[] {
  return p.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".");
}

const join = (...parts: string[]): string => parts.filter((p) => p !== "").join("/");
const isLetter = (s: string): boolean => /^[A-Za-z]$/.test(s);
const parentOf = (segs: string[]): string => segs.slice(0, -1).join("/");

const CASELOGS_FILES = new Set(["collectedlogfiles.csv", "failedlogfiles.log", "collectedlogfilestree.log"]);
const CASELOGS_FOLDER = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})\.(\d{2})\.(\d{2})_UTC$/i;
const ANY_UTC_FOLDER = /_UTC$/i;
const DEVICE_FOLDER = /^device_\d+$/i;

/**
 * Works out the layout of an evidence folder from its relative paths ('/' or '\'), reading only the
 * collectors' small report files through readText.
 */
export function detectLayout(relativePaths: string[], readText: ReadText): EvidenceLayout {
  const paths = relativePaths.map((p) => split(p));
  const byLower = new Map<string, string>();
  for (const segs of paths) byLower.set(segs.join("/").toLowerCase(), segs.join("/"));

  // 1. Collection roots.
  const roots = new Map<string, CollectionRoot>(); // key: lower-cased folder
  const addRoot = (folder: string, kind: LayoutKind) => {
    const key = folder.toLowerCase();
    const existing = roots.get(key);
    if (existing && existing.kind !== "plain") return existing;
    const name = folder.split("/").pop() ?? "";
    const root: CollectionRoot = { folder, kind, collectedAt: kind === "caselogs" ? caseLogsTime(name) : null };
    roots.set(key, root);
    return root;
  };
  const diskInspectResults: string[] = [];
  for (const segs of paths) {
    const base = segs[segs.length - 1]?.toLowerCase() ?? "";
    if (CASELOGS_FILES.has(base)) addRoot(parentOf(segs), "caselogs");
    for (let i = 0; i < segs.length - 1; i++) {
      // <time>_UTC\<letter>\... : the folder the Azure script names after the UTC time.
      if (ANY_UTC_FOLDER.test(segs[i]) && isLetter(segs[i + 1]) && i + 2 < segs.length) addRoot(segs.slice(0, i + 1).join("/"), "caselogs");
    }
    if (base === "results.txt") diskInspectResults.push(segs.join("/"));
  }
  for (const rel of diskInspectResults) {
    const text = readText(rel);
    const segs = split(rel);
    const hasDevices = paths.some((p) => p.length > segs.length && DEVICE_FOLDER.test(p[segs.length - 1]) && sameStart(p, segs.slice(0, -1)));
    const saysDiskInspect = text !== null && /Using manifest:|Manifest requested:|Executing Operation \[|Copying Step \[/.test(text);
    if (!saysDiskInspect && !hasDevices) continue;
    const root = addRoot(parentOf(segs), "disk-inspect");
    const manifest = text ? /Using manifest:\s*([^\s\[]+)/.exec(text)?.[1] ?? /Manifest requested:\s*(\S+)/.exec(text)?.[1] : undefined;
    if (manifest) root.manifest = manifest;
  }

  // 2. Drive folders proven by their content.
  const drives = new Map<string, EvidenceDrive>(); // key: lower-cased folder
  const rank: Record<DriveRole, number> = { os: 3, boot: 2, data: 1 };
  const addDrive = (folder: string, role: DriveRole) => {
    const key = folder.toLowerCase();
    const existing = drives.get(key);
    if (existing) {
      if (rank[role] > rank[existing.role]) existing.role = role;
      return;
    }
    const last = folder.split("/").pop() ?? "";
    drives.set(key, { folder, letter: isLetter(last) ? last.toUpperCase() : null, role });
  };
  for (const segs of paths) {
    const m = markerOf(segs);
    if (m) addDrive(m.folder, m.role);
  }
  // CaseLogs: every letter folder directly under the time folder is a partition of the disk.
  for (const root of roots.values()) {
    if (root.kind !== "caselogs") continue;
    const depth = root.folder === "" ? 0 : split(root.folder).length;
    for (const segs of paths) {
      if (segs.length > depth + 1 && isLetter(segs[depth]) && sameStart(segs, split(root.folder))) addDrive(segs.slice(0, depth + 1).join("/"), "data");
    }
  }

  // 3. The collectors' own reports.
  const report: CollectorReport = { collected: [], failed: [], notes: [] };
  for (const segs of paths) {
    const base = segs[segs.length - 1]?.toLowerCase() ?? "";
    const rel = segs.join("/");
    const folder = parentOf(segs);
    if (base === "collectedlogfiles.csv") {
      const text = readText(rel);
      if (text !== null) report.collected.push(...parseCollectedCsv(text, rel, folder, byLower));
    } else if (base === "failedlogfiles.log") {
      const text = readText(rel);
      if (text !== null) parseFailedLog(text, rel, report);
    }
  }
  for (const rel of diskInspectResults) {
    const root = roots.get(parentOf(split(rel)).toLowerCase());
    if (root?.kind !== "disk-inspect") continue;
    const text = readText(rel);
    if (text !== null) parseDiskInspectResults(text, rel, root.folder, [...drives.values()], byLower, report);
  }

  const rootList = [...roots.values()].sort((a, b) => a.folder.localeCompare(b.folder));
  const kinds = new Set(rootList.map((r) => r.kind));
  const kind: LayoutKind = kinds.has("caselogs") ? "caselogs" : kinds.has("disk-inspect") ? "disk-inspect" : "plain";
  const layout: EvidenceLayout = {
    kind,
    roots: rootList,
    drives: [...drives.values()].sort((a, b) => a.folder.localeCompare(b.folder)),
  };
  if (report.collected.length || report.failed.length || report.notes.length) layout.collectorReport = report;
  return layout;
}

/** The drive folder a relative path lies in (the deepest one that holds it), or null. */
export function driveOf(relativePath: string, layout: EvidenceLayout): EvidenceDrive | null {
  const segs = split(relativePath).map((s) => s.toLowerCase());
  let best: EvidenceDrive | null = null;
  let bestDepth = -1;
  for (const d of layout.drives) {
    const folder = split(d.folder).map((s) => s.toLowerCase());
    if (folder.length >= segs.length || folder.length <= bestDepth) continue;
    if (folder.every((s, i) => segs[i] === s)) {
      best = d;
      bestDepth = folder.length;
    }
  }
  return best;
}

/** One line for the report: "F: (OS disk, CaseLogs 2024-03-05_10.22.41_UTC/F)". */
export function describeDrive(drive: EvidenceDrive): string {
  const role = drive.role === "os" ? "OS volume" : drive.role === "boot" ? "boot partition" : "data volume";
  const where = drive.folder === "" ? "the evidence root" : drive.folder;
  return `${drive.letter ? `${drive.letter}: ` : ""}${role} (${where})`;
}

// ---------------------------------------------------------------------------------------------

function sameStart(segs: string[], prefix: string[]): boolean {
  return prefix.every((p, i) => segs[i]?.toLowerCase() === p.toLowerCase());
}

function caseLogsTime(name: string): string | null {
  const m = CASELOGS_FOLDER.exec(name);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** Splits one CSV line (RFC 4180 quoting, "" inside quotes). */
export function splitCsvLine(line: string, sep = ","): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) out.push(field), (field = "");
    else field += c;
  }
  out.push(field);
  return out;
}

function toCount(s: string | undefined): number | null {
  if (s === undefined || !/^\s*\d+\s*$/.test(s)) return null;
  return Number(s.trim());
}

function parseCollectedCsv(text: string, file: string, folder: string, byLower: Map<string, string>): CollectedLogFile[] {
  const rows: CollectedLogFile[] = [];
  let sep = ",";
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const sepLine = /^sep=(.)$/i.exec(line);
    if (sepLine) {
      sep = sepLine[1];
      return;
    }
    const fields = splitCsvLine(line, sep);
    if (/^source log file$/i.test(fields[0] ?? "")) return; // header
    if (fields.length === 1) {
      // The BCD store is logged as a bare path.
      rows.push({ file, line: i + 1, source: fields[0], type: "", destination: "", count: null, bytes: null, relative: null });
      return;
    }
    const [source, type = "", destination = "", count, bytes] = fields;
    rows.push({
      file,
      line: i + 1,
      source,
      type,
      destination,
      count: toCount(count),
      bytes: toCount(bytes),
      relative: locate(destination, folder, byLower),
    });
  });
  return rows;
}

/**
 * The evidence path an absolute rescue-VM path became: the longest tail of its segments that
 * exists under `folder` (the collection root), matched case-insensitively.
 */
function locate(absolute: string, folder: string, byLower: Map<string, string>): string | null {
  const segs = split(absolute.replace(/^[A-Za-z]:/, ""));
  for (let k = 0; k < segs.length; k++) {
    const hit = byLower.get(join(folder, segs.slice(k).join("/")).toLowerCase());
    if (hit) return hit;
  }
  return null;
}

function parseFailedLog(text: string, file: string, report: CollectorReport): void {
  text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === "") return;
      const notFound = /^NOT FOUND:\s*(.+)$/i.exec(line);
      if (notFound) {
        report.failed.push({ file, line: i + 1, path: notFound[1].trim(), reason: "not-found", message: line });
        return;
      }
      const failed = /^FAILED\s+(.+?):\s(.*)$/i.exec(line);
      if (failed) {
        report.failed.push({ file, line: i + 1, path: failed[1].trim(), reason: "failed", message: failed[2].trim() });
        return;
      }
      report.notes.push({ file, line: i + 1, text: line });
    });
}

function parseDiskInspectResults(
  text: string,
  file: string,
  rootFolder: string,
  drives: EvidenceDrive[],
  byLower: Map<string, string>,
  report: CollectorReport,
): void {
  const prefix = rootFolder === "" ? "" : `${rootFolder.toLowerCase()}/`;
  const under = drives.filter((d) => d.folder.toLowerCase().startsWith(prefix));
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const copied = /Copying Step \[[^\]]*\] File: (.+?) (SUCCEEDED|FAILED)\./.exec(line);
    if (copied) {
      const source = copied[1];
      if (copied[2] === "FAILED") {
        report.failed.push({ file, line: i + 1, path: source, reason: "failed", message: line });
        return;
      }
      let relative: string | null = null;
      for (const d of under) relative ??= byLower.get(join(d.folder, split(source).join("/")).toLowerCase()) ?? null;
      report.collected.push({ file, line: i + 1, source, type: "File", destination: "", count: 1, bytes: null, relative });
      return;
    }
    const missing = /^Copying (.+?) FAILED as no files were located\.$/.exec(line);
    if (missing) report.failed.push({ file, line: i + 1, path: missing[1], reason: "not-found", message: line });
  });
}

// The verdict, memoized in the index. A report is a pure function of the stored evidence, the options
// and the code that judged it, so a re-run over an unchanged folder with the same --db reuses it: only
// the run's own fields (generatedAt, the case header) are fresh. This module is what a re-run loads;
// the scenarios and the report assembly are imported only when the verdict must be computed again.
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../store/db.js";
import type { Report } from "../report/findings.js";
import type { ReportOptions } from "./buildReport.js";
import { TOOL_VERSION } from "../version.js";

const CACHE_KEY = "report_cache";

/**
 * buildReport, reusing the stored verdict when nothing it depends on changed: any source (path,
 * hash, when indexed), a folder problem, the evidence root, layout or archives, an option, the scenario
 * set, or rdp-triage's own code and templates (see codeFingerprint) computes it again.
 */
export async function buildReportCached(db: Db, options: ReportOptions = {}): Promise<Report> {
  const key = reportCacheKey(db, options);
  const cached = readCachedReport(db, key);
  if (cached) {
    return {
      ...cached,
      generatedAt: options.generatedAt ?? new Date().toISOString(),
      case: { ...(options.case ?? {}), ...(options.command ? { command: options.command } : {}) },
    };
  }
  const { buildReport } = await import("./buildReport.js");
  const report = buildReport(db, options);
  db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)").run(CACHE_KEY, JSON.stringify({ key, report }));
  return report;
}

function readCachedReport(db: Db, key: string): Report | null {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(CACHE_KEY) as { value: string } | undefined;
  if (!row) return null;
  try {
    const cached = JSON.parse(row.value) as { key?: unknown; report?: Report };
    return cached.key === key && cached.report ? cached.report : null;
  } catch {
    return null; // a damaged cache is just recomputed
  }
}

export function reportCacheKey(db: Db, options: ReportOptions): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([TOOL_VERSION, codeFingerprint(), options.lang ?? "en", options.asOf ?? null, options.drive ?? null]));
  hash.update(JSON.stringify(options.scenarios ? options.scenarios.map((s) => s.id) : "all scenarios"));
  for (const r of db.prepare("SELECT path, sha256, indexed_at FROM sources ORDER BY path").iterate()) hash.update(JSON.stringify(r));
  for (const r of db.prepare("SELECT code, message, location FROM problems WHERE source_id IS NULL ORDER BY id").iterate()) hash.update(JSON.stringify(r));
  // What the report says about the evidence as a whole: where it was read from, its layout, the archives.
  for (const r of db.prepare("SELECT key, value FROM meta WHERE key LIKE 'evidence!_%' ESCAPE '!' ORDER BY key").iterate()) hash.update(JSON.stringify(r));
  return hash.digest("hex");
}

let fingerprint: string | undefined;

/**
 * Which code and templates judged a report: path, size and modification time of every file of the
 * running rdp-triage (dist/src when built, src/ in development) and of templates/. The version alone
 * would keep a stale verdict across a rebuild or an edited template; a few hundred stats cost ~2 ms.
 */
export function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = path.dirname(fileURLToPath(import.meta.url)); // <root>/src/pipeline or <root>/dist/src/pipeline
  const codeDir = path.resolve(here, "..");
  const root = path.basename(path.dirname(codeDir)) === "dist" ? path.resolve(codeDir, "..", "..") : path.resolve(codeDir, "..");
  const hash = createHash("sha256");
  for (const dir of [codeDir, path.join(root, "templates")]) {
    let names: string[];
    try {
      names = (readdirSync(dir, { recursive: true }) as string[]).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const st = statSync(path.join(dir, name));
        if (st.isFile()) hash.update(`${path.relative(root, path.join(dir, name))}\0${st.size}\0${st.mtimeMs}\n`);
      } catch {
        // a file that vanished between readdir and stat changes nothing we could judge with
      }
    }
  }
  fingerprint = hash.digest("hex");
  return fingerprint;
}

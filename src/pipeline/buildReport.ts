import type { Db } from "../store/db.js";
import { EvidenceIndex } from "../store/evidence.js";
import { buildContext, runScenarios } from "../scenarios/engine.js";
import { SCENARIOS } from "../scenarios/index.js";
import type { Lang, Scenario } from "../scenarios/types.js";
import { folderSourceRow, type ArchiveSummary, type CaseInfo, type Report, type SourceSummary, type TimelineEntry } from "../report/findings.js";
import { TOOL_VERSION } from "../version.js";

export interface ReportOptions {
  lang?: Lang;
  asOf?: string;
  drive?: string;
  case?: CaseInfo;
  /** The command line, for the chain of custody. */
  command?: string;
  scenarios?: Scenario[];
  /** Fixed analysis time (tests, golden files); defaults to now. */
  generatedAt?: string;
}

/** Runs the scenarios over an index and assembles the one findings model every renderer reads. */
export function buildReport(db: Db, options: ReportOptions = {}): Report {
  const evidence = new EvidenceIndex(db);
  const ctx = buildContext(evidence, { lang: options.lang, asOf: options.asOf, drive: options.drive });
  const { findings, checked } = runScenarios(ctx, options.scenarios ?? SCENARIOS);
  const problems = evidence.problems();
  const sources: SourceSummary[] = evidence.sources().map((s) => ({
    path: s.path,
    kind: s.kind,
    encoding: s.encoding,
    size: s.size,
    sha256: s.sha256,
    records: s.recordCount,
    firstEvent: s.firstTime,
    lastEvent: s.lastTime,
    drive: typeof (s.info as { drive?: unknown } | null)?.drive === "string" ? (s.info as { drive: string }).drive : null,
    problems: problems
      .filter((p) => p.source === s.path)
      .map((p) => ({ code: p.code, message: p.message, location: p.location })),
  }));
  const folderProblems = problems.filter((p) => p.source === null);
  if (folderProblems.length) {
    sources.push(folderSourceRow(folderProblems.map((p) => ({ code: p.code, message: p.message, location: p.location }))));
  }
  const timeline: TimelineEntry[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    for (const e of finding.evidence) {
      if (e.kind !== "event") continue;
      const id = `${finding.scenario}|${e.source}|${e.recordId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      timeline.push({
        time: e.time,
        source: e.source,
        recordId: e.recordId,
        eventId: e.eventId,
        provider: e.provider,
        computer: e.computer,
        scenario: finding.scenario,
        summary: e.note ?? "",
      });
    }
  }
  timeline.sort((a, b) => a.time.localeCompare(b.time) || a.source.localeCompare(b.source) || a.recordId - b.recordId);
  const meta = db.prepare("SELECT value FROM meta WHERE key = 'evidence_root'").get() as { value: string } | undefined;
  const archives = storedArchives(db);
  return {
    tool: { name: "rdp-triage", version: TOOL_VERSION },
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    asOf: ctx.asOf,
    evidenceRoot: meta?.value ?? "",
    lang: ctx.lang,
    case: { ...(options.case ?? {}), ...(options.command ? { command: options.command } : {}) },
    findings,
    checked,
    timeline,
    sources,
    ...(archives.length ? { archives } : {}),
  };
}

/** The archives ingest read in place (meta 'evidence_archives'), by path; [] for an index without any. */
function storedArchives(db: Db): ArchiveSummary[] {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'evidence_archives'").get() as { value: string } | undefined;
  if (!row) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter(
      (a): a is ArchiveSummary =>
        typeof a === "object" && a !== null && typeof a.path === "string" && typeof a.size === "number" && typeof a.sha256 === "string" && typeof a.entries === "number",
    )
    .map((a) => ({ path: a.path, size: a.size, sha256: a.sha256, entries: a.entries }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// The public JSON contract (README "JSON findings"). Keys are written in the order of the model in
// findings.ts, whatever order the producer built its objects in, and only the model's fields are
// written: the same report always gives byte-identical output. Evidence text is data here and is
// kept exactly as found (JSON.stringify escapes control characters and lone surrogates).

import type {
  ArchiveSummary,
  CaseInfo,
  CheckedScenario,
  Evidence,
  Finding,
  Remediation,
  Report,
  SourceSummary,
  TimelineEntry,
} from "./findings.js";
import { caseCommand, orderFindings } from "./text.js";

/**
 * Renders the report as JSON: 2-space indent, trailing newline. Findings are ordered strongest
 * first (stable within a confidence level), so `findings[0]` is what the HTML verdict shows first.
 */
export function renderJson(report: Report): string {
  return escapeInvisible(JSON.stringify(toContract(report), null, 2)) + "\n";
}

/**
 * JSON.stringify escapes C0 controls and lone surrogates but writes DEL, C1 controls, bidi overrides,
 * zero-width characters and U+2028/2029 raw, so a hostile value could reorder what someone reads in a
 * terminal or editor. Outside strings JSON is pure ASCII, so escaping these everywhere only changes
 * string literals, and JSON.parse gives back the same data.
 */
function escapeInvisible(json: string): string {
  return json.replace(/[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu, (ch) =>
    // Astral format characters (Unicode tags) become a surrogate pair of escapes.
    Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  );
}

/** The report as a plain object with the contract's key order (exported for tests and other writers). */
export function toContract(report: Report): Record<string, unknown> {
  return {
    tool: { name: report.tool.name, version: report.tool.version },
    generatedAt: report.generatedAt,
    asOf: report.asOf ?? null,
    evidenceRoot: report.evidenceRoot,
    lang: report.lang,
    case: caseInfo(report),
    findings: orderFindings(report.findings ?? []).map(finding),
    checked: (report.checked ?? []).map(checked),
    timeline: (report.timeline ?? []).map(timelineEntry),
    sources: (report.sources ?? []).map(source),
    // Additive and optional: written only when the evidence was read from an archive, so reports of
    // plain folders are byte-identical to those of earlier versions.
    ...(report.archives?.length ? { archives: report.archives.map(archive) } : {}),
  };
}

function caseInfo(report: Report): CaseInfo & { command?: string } {
  const c = report.case ?? {};
  const out: CaseInfo & { command?: string } = {};
  if (c.caseId !== undefined) out.caseId = c.caseId;
  if (c.analyst !== undefined) out.analyst = c.analyst;
  if (c.vm !== undefined) out.vm = c.vm;
  if (c.note !== undefined) out.note = c.note;
  // In the README contract and set by the pipeline, but not declared in CaseInfo.
  const command = caseCommand(report);
  if (command !== undefined) out.command = command;
  return out;
}

function finding(f: Finding): Finding {
  return {
    scenario: f.scenario,
    confidence: f.confidence,
    subCause: f.subCause ?? null,
    title: f.title,
    cause: f.cause,
    explanation: f.explanation,
    evidence: (f.evidence ?? []).map(evidence),
    remediation: (f.remediation ?? []).map(remediation),
  };
}

function withNote<T extends object>(item: T, note: string | undefined): T {
  return note === undefined ? item : { ...item, note };
}

function evidence(e: Evidence): Evidence {
  switch (e.kind) {
    case "event":
      return withNote(
        {
          kind: e.kind,
          source: e.source,
          recordId: e.recordId,
          time: e.time,
          eventId: e.eventId,
          provider: e.provider ?? null,
          channel: e.channel ?? null,
          computer: e.computer ?? null,
          level: e.level ?? null,
          fields: (e.fields ?? []).map((field) => ({ name: field.name, value: field.value ?? null })),
        },
        e.note,
      );
    case "acl":
      return withNote(
        {
          kind: e.kind,
          source: e.source,
          line: e.line,
          path: e.path,
          principal: e.principal,
          sid: e.sid ?? null,
          access: e.access,
          rights: e.rights,
          inherited: e.inherited,
        },
        e.note,
      );
    case "registry":
      return withNote(
        {
          kind: e.kind,
          source: e.source,
          line: e.line,
          key: e.key,
          rawKey: e.rawKey,
          name: e.name,
          type: e.type,
          value: e.value ?? null,
        },
        e.note,
      );
    case "observation":
      return { kind: e.kind, source: e.source, text: e.text };
    default: {
      // Not in the model: a producer bug. Keep the data rather than drop evidence silently.
      return sortKeysDeep(e) as Evidence;
    }
  }
}

function remediation(r: Remediation): Remediation {
  return { title: r.title, shell: r.shell, variant: r.variant, where: r.where, script: r.script };
}

function checked(c: CheckedScenario): CheckedScenario {
  return { scenario: c.scenario, title: c.title, status: c.status, detail: c.detail };
}

function timelineEntry(e: TimelineEntry): TimelineEntry {
  return {
    time: e.time,
    source: e.source,
    recordId: e.recordId,
    eventId: e.eventId,
    provider: e.provider ?? null,
    computer: e.computer ?? null,
    scenario: e.scenario,
    summary: e.summary,
  };
}

function source(s: SourceSummary): SourceSummary {
  return {
    path: s.path,
    kind: s.kind,
    encoding: s.encoding ?? null,
    size: s.size,
    sha256: s.sha256,
    records: s.records,
    firstEvent: s.firstEvent ?? null,
    lastEvent: s.lastEvent ?? null,
    drive: s.drive ?? null,
    problems: (s.problems ?? []).map((p) => ({ code: p.code, message: p.message, location: p.location ?? null })),
  };
}

function archive(a: ArchiveSummary): ArchiveSummary {
  return { path: a.path, size: a.size, sha256: a.sha256, entries: a.entries };
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(object).sort().map((k) => [k, sortKeysDeep(object[k])]));
}

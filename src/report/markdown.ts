// The ticket-ready case summary (GitHub-flavoured Markdown): case header, verdict, the decisive
// evidence lines, remediation scripts in fenced blocks, what was checked, chain of custody.
//
// Evidence is hostile here too. Prose taken from the report is backslash-escaped (no emphasis, links,
// raw HTML or entities can come from evidence); technical values go in code spans whose backtick
// fence is longer than any backtick run inside; table cells also escape `|`; control and bidi
// characters are shown as ⟨U+XXXX⟩. A script fence is longer than any backtick run in the script, so
// nothing in a script can close it. Output is deterministic for a given report.

import type { CheckedScenario, Evidence, Finding, Remediation, Report, SourceSummary } from "./findings.js";
import { labels, langOf, t } from "./i18n.js";
import type { Lang, MessageKey } from "./i18n.js";
import {
  caseCommand,
  displayScript,
  displayTime,
  evidenceRef,
  formatSize,
  groupDigits,
  isFolderRow,
  longestRun,
  orderFindings,
  primaryFinding,
  splitDetail,
  visible,
} from "./text.js";

/** Evidence lines per finding in the summary; the rest are in the HTML/JSON report. */
export const MAX_EVIDENCE_LINES = 5;
const MAX_INLINE_CHARS = 200;
const MAX_FIELD_CHARS = 80;
const MAX_FIELDS = 3;
/** Problems named per source in the custody table; the rest are in the HTML/JSON report. */
const MAX_PROBLEMS = 5;

type Labels = Readonly<Record<MessageKey, string>>;

export function renderMarkdown(report: Report): string {
  const lang = langOf(report.lang);
  const L = labels(lang);
  const ordered = orderFindings(report.findings ?? []);
  const out: string[] = [];

  const caseId = report.case?.caseId;
  out.push(`# ${caseId ? t(lang, "mdTitleCase", { caseId: mdText(caseId) }) : mdText(L.mdTitle)}`, "");
  out.push(...caseTable(report, lang, L), "");

  out.push(`## ${mdText(L.verdictHeading)}`, "");
  const primary = primaryFinding(ordered);
  if (primary) {
    out.push(`**${mdText(primary.title)}** · ${mdText(badge(primary.confidence, lang))}`, "");
    out.push(`**${mdText(L.rootCause)}:** ${mdText(primary.cause)}`, "");
  } else {
    out.push(`**${mdText(L.noCauseFound)}**`, "");
    out.push(mdText(ordered.length > 0 ? L.lowOnlyDetail : L.noCauseFoundDetail), "");
  }
  const others = ordered.filter((f) => f !== primary);
  if (others.length > 0) {
    out.push(`${mdText(L.alsoFound)}:`, "");
    for (const f of others) out.push(`- ${mdText(f.title)} · ${mdText(badge(f.confidence, lang))}`);
    out.push("");
  }

  ordered.forEach((f, i) => out.push(...findingSection(f, i, lang, L)));

  out.push(...checkedSection(report.checked ?? [], "healthy", L.checkedHealthy, L.checkedHealthyEmpty));
  out.push(...checkedSection(report.checked ?? [], "not-checked", L.notChecked, L.notCheckedEmpty, L.collectHint));
  out.push(...custodySection(report, lang, L));

  out.push("---", "");
  out.push(
    mdText(
      t(lang, "footer", {
        tool: report.tool?.name ?? "rdp-triage",
        version: report.tool?.version ?? "",
        generatedAt: displayTime(report.generatedAt, lang),
        asOf: report.asOf ? displayTime(report.asOf, lang) : L.asOfUnset,
      }),
    ),
  );
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

// ---------------------------------------------------------------------------------------------
// Escaping

/**
 * Prose from the report as inline Markdown: one line, control characters visible, every character
 * that Markdown or GFM could interpret backslash-escaped (CommonMark allows escaping any ASCII
 * punctuation), and nothing at the start that could open a block (list, heading, quote, setext).
 */
export function mdText(value: string | number | null | undefined, max = Infinity): string {
  if (value === null || value === undefined) return "";
  let s = oneLine(String(value));
  if (Number.isFinite(max)) s = truncateChars(s, max);
  // Inline syntax: emphasis, code, links/images ("[" suffices), raw HTML and autolinks ("<"), entities
  // ("&"), GFM tables, strikethrough and math. "(", ")", ".", ":", "-", "+" stay readable.
  s = s.replace(/[\\`*_{}[\]<>#!|~&$]/g, (ch) => `\\${ch}`);
  // Block starts at the beginning of a line: "-"/"+" (list, thematic break), "=" (setext), "1." / "1)".
  s = s.replace(/^([-+=])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
  return s;
}

/**
 * A technical value (path, key, provider, hash) as a code span. `inTable` escapes `|`, which GFM
 * requires even inside code spans in a table cell.
 */
export function mdCode(value: string | number | null | undefined, options: { inTable?: boolean; max?: number } = {}): string {
  if (value === null || value === undefined) return "";
  let s = visible(String(value));
  if (options.max !== undefined) s = truncateChars(s, options.max);
  if (s === "") return "";
  if (options.inTable) s = s.replace(/\|/g, "\\|");
  const fence = "`".repeat(longestRun(s, "`") + 1);
  // A span that starts or ends with a backtick or space needs one padding space on each side
  // (CommonMark strips exactly one from each side when both are present).
  const pad = /^[` ]|[` ]$/.test(s) ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Prose for a table cell: as mdText (which already escapes `|`). */
function cellText(value: string | number | null | undefined): string {
  return mdText(value, MAX_INLINE_CHARS);
}

/** A fenced block that nothing inside can close: the fence is longer than any backtick run in the text. */
export function mdFence(text: string, info: string): string[] {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return [`${fence}${info}`, ...body.split("\n"), fence];
}

function oneLine(s: string): string {
  return visible(s, { newlines: true, tabs: true }).replace(/\s*\n\s*/g, " ").replace(/\t/g, " ").trim();
}

function truncateChars(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max).join("") + "…";
}

function badge(confidence: string, lang: Lang): string {
  if (confidence === "high" || confidence === "medium" || confidence === "low") return t(lang, `confidenceBadge_${confidence}`);
  return t(lang, "confidenceBadge_unknown", { value: visible(String(confidence)) });
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map((c) => c || " ").join(" | ")} |`)];
}

// ---------------------------------------------------------------------------------------------
// Sections

function caseTable(report: Report, lang: Lang, L: Labels): string[] {
  const rows: string[][] = [];
  const c = report.case ?? {};
  const prose = (label: string, value: string | undefined) => {
    if (value) rows.push([mdText(label), cellText(value)]);
  };
  prose(L.caseId, c.caseId);
  prose(L.analyst, c.analyst);
  prose(L.vm, c.vm);
  prose(L.note, c.note);
  const command = caseCommand(report);
  if (command) rows.push([mdText(L.command), mdCode(command, { inTable: true, max: MAX_INLINE_CHARS })]);
  rows.push([mdText(L.tool), mdText(`${report.tool?.name ?? "rdp-triage"} ${report.tool?.version ?? ""}`.trim())]);
  rows.push([mdText(L.generatedAt), mdText(displayTime(report.generatedAt, lang))]);
  rows.push([mdText(L.asOf), mdText(report.asOf ? displayTime(report.asOf, lang) : L.asOfUnset)]);
  if (report.evidenceRoot) rows.push([mdText(L.evidenceRoot), mdCode(report.evidenceRoot, { inTable: true })]);
  return table([mdText(L.field), mdText(L.value)], rows);
}

function findingSection(f: Finding, index: number, lang: Lang, L: Labels): string[] {
  const out: string[] = [];
  out.push(`## ${mdText(t(lang, "findingNumber", { n: index + 1 }))}: ${mdText(f.title)} (${mdText(badge(f.confidence, lang))})`, "");
  const ids = [`${mdText(L.scenarioId)}: ${mdCode(f.scenario)}`];
  if (f.subCause) ids.push(`${mdText(L.subCause)}: ${mdCode(f.subCause)}`);
  out.push(ids.join(" · "), "");
  const because = [f.cause, f.explanation].filter((s) => s && String(s).trim() !== "").map((s) => mdText(s));
  out.push(`**${mdText(L.rootCause)}:** ${because.join(" ")}`, "");

  const evidence = f.evidence ?? [];
  out.push(`### ${mdText(L.decisiveEvidence)}`, "");
  if (evidence.length === 0) {
    out.push(mdText(L.noEvidence), "");
  } else {
    const chosen = decisiveEvidence(evidence, MAX_EVIDENCE_LINES);
    for (const e of chosen) out.push(`- ${evidenceLine(e, lang, L)}`);
    out.push("");
    if (evidence.length > chosen.length) out.push(`_${mdText(t(lang, "moreEvidence", { n: evidence.length - chosen.length }))}_`, "");
  }

  out.push(`### ${mdText(L.remediation)}`, "");
  const remediation = f.remediation ?? [];
  if (remediation.length === 0) out.push(mdText(L.noRemediation), "");
  remediation.forEach((r, i) => out.push(...remediationBlock(r, i, lang, L)));
  return out;
}

/**
 * Up to `max` items, taken in turn from each kind of evidence (events, ACL lines, registry values,
 * observations, in order of first appearance), so that the corroborating offline evidence is not
 * crowded out by events; printed in the scenario's original order.
 */
export function decisiveEvidence(evidence: readonly Evidence[], max: number): Evidence[] {
  const byKind = new Map<string, number[]>();
  evidence.forEach((e, i) => {
    const list = byKind.get(e.kind) ?? [];
    list.push(i);
    byKind.set(e.kind, list);
  });
  const queues = [...byKind.values()];
  const picked: number[] = [];
  for (let round = 0; picked.length < max && queues.some((q) => q.length > round); round++) {
    for (const q of queues) {
      if (picked.length >= max) break;
      if (round < q.length) picked.push(q[round]);
    }
  }
  return picked.sort((a, b) => a - b).map((i) => evidence[i]);
}

function evidenceLine(e: Evidence, lang: Lang, L: Labels): string {
  const ref = mdCode(evidenceRef(e, lang));
  const note = "note" in e && e.note ? ` — ${mdText(e.note, MAX_INLINE_CHARS)}` : "";
  switch (e.kind) {
    case "event": {
      const parts = [
        mdText(displayTime(e.time, lang)),
        `${mdText(L.col_eventId)} ${mdText(e.eventId)}`,
        e.provider ? mdCode(e.provider) : mdText(L.nullValue),
        e.computer ? mdCode(e.computer, { max: MAX_INLINE_CHARS }) : mdText(L.nullValue),
      ];
      const fields = e.fields ?? [];
      if (fields.length > 0) {
        const shown = fields
          .slice(0, MAX_FIELDS)
          .map((field) => mdCode(`${field.name}=${field.value === null ? L.nullValue : field.value}`, { max: MAX_FIELD_CHARS }));
        if (fields.length > MAX_FIELDS) shown.push(mdText(t(lang, "fieldsOmitted", { n: fields.length - MAX_FIELDS })));
        parts.push(shown.join(" "));
      }
      return `${parts.join(" · ")}${note} (${ref})`;
    }
    case "acl": {
      const principal = mdCode(e.principal, { max: MAX_INLINE_CHARS }) + (e.sid ? ` (${mdCode(e.sid)})` : "");
      const access = e.access === "deny" ? `**${mdText(L.access_deny)}**` : e.access === "allow" ? mdText(L.access_allow) : mdCode(e.access);
      const inherited = `${mdText(L.col_inherited)}: ${mdText(e.inherited ? L.yes : L.no)}`;
      return `${mdText(L.evidenceKind_acl)} · ${mdCode(e.path, { max: MAX_INLINE_CHARS })} · ${principal} · ${access} ${mdCode(e.rights)} · ${inherited}${note} (${ref})`;
    }
    case "registry": {
      const name = e.name === "" ? mdText(L.defaultValueName) : mdCode(e.name, { max: MAX_INLINE_CHARS });
      const value = e.value === null ? mdText(L.nullValue) : e.value === "" ? mdText(L.emptyValue) : mdCode(e.value, { max: MAX_INLINE_CHARS });
      return `${mdText(L.evidenceKind_registry)} · ${mdCode(e.key, { max: MAX_INLINE_CHARS })} · ${name} (${mdCode(e.type)}) = ${value}${note} (${ref})`;
    }
    case "observation":
      return `${mdText(e.text, MAX_INLINE_CHARS * 2)} (${ref})`;
    default:
      return mdText(L.evidence);
  }
}

function remediationBlock(r: Remediation, index: number, lang: Lang, L: Labels): string[] {
  const variant = r.variant === "offline" || r.variant === "online" ? L[`variant_${r.variant}`] : visible(String(r.variant));
  const shell = r.shell === "powershell" || r.shell === "cmd" ? L[`shell_${r.shell}`] : visible(String(r.shell));
  const info = r.shell === "powershell" ? "powershell" : r.shell === "cmd" ? "bat" : "text";
  const script = displayScript(String(r.script ?? ""));
  const out = [`#### ${mdText(t(lang, "remediationNumber", { n: index + 1 }))}: ${mdText(r.title)}`, ""];
  out.push(`**${mdText(variant)}** · ${mdText(shell)}`, "");
  if (r.where) out.push(`${mdText(L.whereToRun)}: ${mdText(r.where)}`, "");
  if (script.hasControls) out.push(`> **${mdText(L.scriptHasControls)}**`, "");
  out.push(...mdFence(script.text, info), "");
  return out;
}

function checkedSection(
  checked: readonly CheckedScenario[],
  status: CheckedScenario["status"],
  heading: string,
  empty: string,
  hint?: string,
): string[] {
  const items = checked.filter((c) => c.status === status);
  const out = [`## ${mdText(heading)}`, ""];
  if (items.length === 0) return [...out, `_${mdText(empty)}_`, ""];
  for (const c of items) {
    // Scenario details mix prose and the rescue-VM commands that collect what was missing, sometimes on
    // one line ("X was not collected: reg export … /y The System log has …"): prose stays prose, each run
    // of commands gets its own fenced block inside the list item.
    const parts = splitDetail(visible(String(c.detail ?? ""), { newlines: true, tabs: true }));
    const head = parts[0]?.kind === "prose" ? parts.shift()!.text : "";
    out.push(`- **${mdText(c.title)}** (${mdCode(c.scenario)})${head ? `: ${mdText(head)}` : ""}`);
    for (const part of parts) {
      if (part.kind === "commands") out.push("", ...mdFence(part.text, "bat").map((line) => (line ? `  ${line}` : line)), "");
      else out.push("", `  ${mdText(part.text)}`, "");
    }
  }
  if (hint) out.push("", mdText(hint));
  out.push("");
  return out;
}

function custodySection(report: Report, lang: Lang, L: Labels): string[] {
  const sources = report.sources ?? [];
  const archives = report.archives ?? [];
  const out = [`## ${mdText(L.chainOfCustody)}`, ""];
  if (archives.length > 0) {
    out.push(`### ${mdText(L.archivesHeading)}`, "");
    const header = [L.col_path, L.col_size, L.col_sha256, L.col_entries].map((h) => mdText(h));
    const rows = archives.map((a) => [
      mdCode(a.path, { inTable: true, max: MAX_INLINE_CHARS }),
      mdText(formatSize(a.size, lang)),
      a.sha256 ? mdCode(a.sha256, { inTable: true }) : "—",
      mdText(groupDigits(a.entries)),
    ]);
    out.push(...table(header, rows), "", mdText(L.archivesNote), "", `### ${mdText(L.sources)}`, "");
  }
  if (sources.length === 0) return [...out, `_${mdText(L.sourcesEmpty)}_`, ""];
  const header = [L.col_path, L.col_size, L.col_sha256, L.col_kind, L.col_encoding, L.col_records, L.col_timeRange, L.col_problems].map((h) => mdText(h));
  const rows = sources.map((s) => {
    const from = s.firstEvent ? displayTime(s.firstEvent, lang) : "";
    const to = s.lastEvent ? displayTime(s.lastEvent, lang) : "";
    const problems = s.problems ?? [];
    return [
      (isFolderRow(s) ? mdText(L.evidenceFolderRow) : mdCode(s.path, { inTable: true, max: MAX_INLINE_CHARS })) + (s.drive ? ` (${mdText(s.drive)})` : ""),
      mdText(formatSize(s.size, lang)),
      s.sha256 ? mdCode(s.sha256, { inTable: true }) : "—",
      mdCode(s.kind, { inTable: true }),
      s.encoding ? mdCode(s.encoding, { inTable: true }) : "—",
      mdText(groupDigits(s.records)),
      from || to ? mdText(t(lang, "timeRange", { from: from || "—", to: to || "—" })) : "—",
      problems.length === 0 ? mdText(L.noProblems) : problemsCell(problems, lang),
    ];
  });
  return [...out, ...table(header, rows), ""];
}

/**
 * A source's problems in one table cell: code, where, and what (the message names the file a
 * collector could not get, the chunk that failed, …), the first few only; all are in the HTML/JSON.
 */
function problemsCell(problems: SourceSummary["problems"], lang: Lang): string {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => {
    const code = mdCode(p.code, { inTable: true });
    const message = mdText(p.message, MAX_INLINE_CHARS);
    return p.location
      ? t(lang, "problemAt", { code, location: mdText(p.location, MAX_INLINE_CHARS), message })
      : t(lang, "problemNoLocation", { code, message });
  });
  if (problems.length > MAX_PROBLEMS) shown.push(mdText(t(lang, "fieldsOmitted", { n: problems.length - MAX_PROBLEMS })));
  return shown.join("; ");
}

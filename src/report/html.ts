// The HTML report: one self-contained page (inline CSS and copy script, no external resources) that
// works offline and prints well. Templates live in templates/ at the package root.
//
// Security model (evidence is hostile):
// - html.ts builds a view model of plain strings. Every evidence-derived string goes through
//   `visible()` (controls, bidi overrides, zero-width characters shown as ⟨U+XXXX⟩) and templates
//   print it with {{ }}, so Handlebars HTML-escapes it. No custom helpers are registered at all;
//   `lookup` and `log` are removed and templates compile with knownHelpersOnly.
// - Evidence is only ever template *data*: it is never compiled, never a partial name.
// - The only unescaped values are the stylesheet, the script and the CSP string, passed as
//   SafeStrings built from files in templates/ and their hashes.
// - A Content-Security-Policy meta tag admits exactly the inline <style> and <script> by SHA-256,
//   computed here from the bytes that are inserted; anything else (an injected script, a style
//   attribute, an inline handler, a remote image) would be refused by the browser.

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// The runtime only: templates are precompiled at build time (scripts/precompileTemplates.ts); the
// compiler (twice the load time, and 20-40 ms to compile the report) is loaded only when the
// precompiled file is missing or stale.
import type HandlebarsApi from "handlebars";
import handlebarsRuntime from "handlebars/runtime.js";
// handlebars/runtime's own typings declare nothing; it is the same API as the full package, minus compile.
const Handlebars = handlebarsRuntime as unknown as typeof HandlebarsApi;

import type {
  AclEvidence,
  ArchiveSummary,
  CheckedScenario,
  Evidence,
  EventEvidence,
  Finding,
  ObservationEvidence,
  RegistryEvidence,
  Remediation,
  Report,
  SourceSummary,
  TimelineEntry,
} from "./findings.js";
import { labels, langOf, t } from "./i18n.js";
import type { Lang, MessageKey } from "./i18n.js";
import {
  caseCommand,
  displayScript,
  displayTime,
  evidenceRef,
  formatSize,
  formatTime,
  isFolderRow,
  groupDigits,
  orderFindings,
  primaryFinding,
  splitDetail,
  truncate,
  visible,
} from "./text.js";

/** Longest evidence text shown in one cell; the full value is in the JSON and the source file. */
const MAX_CELL_CHARS = 8000;

export interface HtmlOptions {
  /** Folder holding report.hbs, partials/, report.css and copy.js. Default: the package's templates/. */
  templatesDir?: string;
}

/** Renders the report as one self-contained HTML page. Deterministic for a given report. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const assets = loadAssets(options.templatesDir ?? findTemplatesDir());
  const context = {
    ...buildView(report),
    css: new Handlebars.SafeString(assets.css),
    js: new Handlebars.SafeString(assets.js),
    csp: new Handlebars.SafeString(assets.csp),
  };
  return assets.render(context);
}

/** `sha256-…` source expression for an inline element whose text content is exactly `text`. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The policy for a page whose only inline style and script are `css` and `js`. */
export function contentSecurityPolicy(css: string, js: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspHash(css)}`,
    `script-src ${cspHash(js)}`,
    "img-src data:",
    // Not covered by default-src; nothing on the page needs them.
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

// ---------------------------------------------------------------------------------------------
// Templates

interface Assets {
  render: (context: unknown) => string;
  css: string;
  js: string;
  csp: string;
}

const cache = new Map<string, Assets>();

/**
 * Finds templates/ from this module's location: src/report/ in development (two levels up),
 * dist/src/report/ when built (three levels up). Walks up a few levels rather than hard-coding either.
 */
export function findTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, "templates");
    if (existsSync(join(candidate, "report.hbs"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`rdp-triage: templates/report.hbs not found above ${fileURLToPath(import.meta.url)}`);
}

function loadAssets(templatesDir: string): Assets {
  const root = resolve(templatesDir);
  const cached = cache.get(root);
  if (cached) return cached;

  const sources = readReportTemplates(root);
  const { css, js } = sources;
  if (/<\/style/i.test(css)) throw new Error("report.css must not contain </style");
  if (/<\/script|<!--/i.test(js)) throw new Error("copy.js must not contain </script or <!--");

  const precompiled = loadPrecompiled(root, sources.hash);
  // Same options either way: a stale or missing precompiled file gives the same page, only slower.
  const hb = (precompiled ? Handlebars : loadCompiler()).create();
  hb.unregisterHelper("lookup");
  hb.unregisterHelper("log");
  let template: HandlebarsApi.TemplateDelegate;
  if (precompiled) {
    for (const [name, spec] of Object.entries(precompiled.partials)) hb.registerPartial(name, hb.template(spec));
    template = hb.template(precompiled.main);
  } else {
    for (const [name, source] of sources.partials) hb.registerPartial(name, hb.compile(source, REPORT_COMPILE_OPTIONS));
    template = hb.compile(sources.main, REPORT_COMPILE_OPTIONS);
  }
  const assets: Assets = {
    render: (context: unknown) => template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false }),
    css,
    js,
    csp: contentSecurityPolicy(css, js),
  };
  cache.set(root, assets);
  return assets;
}

/** Compile options of the report templates, shared by the build step and the runtime fallback. */
export const REPORT_COMPILE_OPTIONS = {
  strict: false,
  noEscape: false,
  knownHelpersOnly: true,
  knownHelpers: { lookup: false, log: false },
  // Handlebars indents every output line of an indented partial, which would alter <pre> content.
  preventIndent: true,
} as const;

export interface ReportTemplateSources {
  main: string;
  /** Partial name → source, sorted by name. */
  partials: [string, string][];
  css: string;
  js: string;
  /** SHA-256 over every template source and the compile options: what a precompiled file was made from. */
  hash: string;
}

/** Reads report.hbs, partials/*.hbs, report.css and copy.js from a templates folder. */
export function readReportTemplates(templatesDir: string): ReportTemplateSources {
  const root = resolve(templatesDir);
  const read = (name: string) => readFileSync(join(root, name), "utf8").replace(/\r\n/g, "\n");
  const partials: [string, string][] = readdirSync(join(root, "partials"))
    .filter((file) => file.endsWith(".hbs"))
    .sort()
    .map((file) => [file.slice(0, -".hbs".length), read(join("partials", file))]);
  const main = read("report.hbs");
  const hash = createHash("sha256")
    .update(JSON.stringify([REPORT_COMPILE_OPTIONS, main, partials]))
    .digest("hex");
  return { main, partials, css: read("report.css"), js: read("copy.js"), hash };
}

/** Where the build step writes the precompiled report templates: dist/templates/ beside templates/. */
export function precompiledTemplatesFile(templatesDir: string): string {
  return join(resolve(templatesDir), "..", "dist", "templates", "report.precompiled.cjs");
}

interface PrecompiledReport {
  hash: string;
  main: TemplateSpecification;
  partials: Record<string, TemplateSpecification>;
}

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

const requireHere = createRequire(import.meta.url);

/** The precompiled templates when they were built from exactly these sources; otherwise null. */
function loadPrecompiled(templatesDir: string, hash: string): PrecompiledReport | null {
  const file = precompiledTemplatesFile(templatesDir);
  if (!existsSync(file)) return null;
  try {
    const loaded = requireHere(file) as PrecompiledReport;
    return loaded.hash === hash ? loaded : null;
  } catch {
    return null;
  }
}

function loadCompiler(): typeof import("handlebars") {
  return requireHere("handlebars") as typeof import("handlebars");
}


// ---------------------------------------------------------------------------------------------
// View model: plain strings only, evidence made visible. Class names come from fixed tables.

const CONFIDENCE_CLASS: Record<string, string> = { high: "conf-high", medium: "conf-medium", low: "conf-low" };
const VARIANT_CLASS: Record<string, string> = { offline: "variant-offline", online: "variant-online" };
const CODE_CLASS: Record<string, string> = { powershell: "language-powershell", cmd: "language-bat" };

/** Evidence text for a single-line cell. */
function cell(value: string | number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return "";
  return visible(truncate(String(value), MAX_CELL_CHARS, lang));
}

/** Evidence text where line breaks are meaningful (explanations, details, field values). */
function block(value: string | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return "";
  return visible(truncate(String(value), MAX_CELL_CHARS, lang), { newlines: true, tabs: true });
}

function nullable(value: string | null | undefined, lang: Lang, L: Record<MessageKey, string>) {
  if (value === null || value === undefined) return { value: L.nullValue, valueClass: "null" };
  if (value === "") return { value: L.emptyValue, valueClass: "empty-value" };
  return { value: block(value, lang), valueClass: "" };
}

function badge(confidence: string, lang: Lang): { badge: string; confClass: string } {
  const known = CONFIDENCE_CLASS[confidence];
  if (!known) return { badge: t(lang, "confidenceBadge_unknown", { value: visible(String(confidence)) }), confClass: "conf-unknown" };
  return { badge: t(lang, `confidenceBadge_${confidence}` as MessageKey), confClass: known };
}

function timeCell(iso: string | null | undefined, lang: Lang) {
  const formatted = typeof iso === "string" ? formatTime(iso, lang) : null;
  return {
    time: displayTime(iso, lang),
    // Only a validated ISO time reaches the attribute.
    datetime: formatted !== null ? String(iso).trim() : "",
  };
}

export function buildView(report: Report) {
  const lang = langOf(report.lang);
  const L = { ...labels(lang) };
  const ordered = orderFindings(report.findings ?? []);
  const primary = primaryFinding(ordered);
  const anchors = new Map<Finding, string>(ordered.map((f, i) => [f, `finding-${i + 1}`]));

  const findings = ordered.map((f, i) => findingView(f, i, anchors.get(f)!, lang, L));
  const others = ordered
    .filter((f) => f !== primary)
    .map((f) => ({ anchor: anchors.get(f)!, title: cell(f.title, lang), ...badge(f.confidence, lang) }));

  const caseId = report.case?.caseId;
  const title = caseId ? t(lang, "docTitleCase", { caseId: cell(caseId, lang) }) : L.docTitle;

  return {
    lang,
    L,
    title,
    generator: `${cell(report.tool?.name ?? "rdp-triage", lang)} ${cell(report.tool?.version ?? "", lang)}`.trim(),
    verdict: {
      stateClass: primary ? "has-cause" : "no-cause",
      primary: primary
        ? {
            anchor: anchors.get(primary)!,
            title: cell(primary.title, lang),
            cause: block(primary.cause, lang),
            ...badge(primary.confidence, lang),
          }
        : null,
      emptyText: ordered.length > 0 ? L.lowOnlyDetail : L.noCauseFoundDetail,
      others,
    },
    caseRows: caseRows(report, lang, L),
    findings,
    healthy: checkedItems(report.checked ?? [], "healthy", lang),
    notChecked: checkedItems(report.checked ?? [], "not-checked", lang),
    timeline: (report.timeline ?? []).map((e) => timelineView(e, lang)),
    sources: (report.sources ?? []).map((s) => sourceView(s, lang)),
    archives: (report.archives ?? []).map((a) => archiveView(a, lang)),
  };
}

function caseRows(report: Report, lang: Lang, L: Record<MessageKey, string>) {
  const rows: { label: string; value: string; valueClass: string }[] = [];
  const add = (label: string, value: string | null | undefined, multiline = false) => {
    if (value === undefined || value === null || value === "") return;
    rows.push({ label, value: multiline ? block(value, lang) : cell(value, lang), valueClass: multiline ? "detail" : "" });
  };
  const c = report.case ?? {};
  add(L.caseId, c.caseId);
  add(L.analyst, c.analyst);
  add(L.vm, c.vm);
  add(L.note, c.note, true);
  add(L.command, caseCommand(report));
  add(L.tool, `${report.tool?.name ?? "rdp-triage"} ${report.tool?.version ?? ""}`.trim());
  add(L.generatedAt, displayTime(report.generatedAt, lang));
  rows.push({ label: L.asOf, value: report.asOf ? displayTime(report.asOf, lang) : L.asOfUnset, valueClass: report.asOf ? "" : "null" });
  add(L.evidenceRoot, report.evidenceRoot);
  return rows;
}

function findingView(f: Finding, index: number, anchor: string, lang: Lang, L: Record<MessageKey, string>) {
  const evidence = f.evidence ?? [];
  const of = <K extends Evidence["kind"]>(kind: K) => evidence.filter((e): e is Extract<Evidence, { kind: K }> => e.kind === kind);
  const events = of("event").map((e) => eventView(e, lang, L));
  const acls = of("acl").map((e) => aclView(e, lang, L));
  const registry = of("registry").map((e) => registryView(e, lang, L));
  const observations = of("observation").map((e) => observationView(e, lang));
  return {
    anchor,
    number: t(lang, "findingNumber", { n: index + 1 }),
    title: cell(f.title, lang),
    scenario: cell(f.scenario, lang),
    subCause: f.subCause ? cell(f.subCause, lang) : "",
    ...badge(f.confidence, lang),
    cause: block(f.cause, lang),
    explanation: block(f.explanation, lang),
    hasEvidence: evidence.length > 0,
    events,
    acls,
    registry,
    observations,
    remediation: (f.remediation ?? []).map((r, i) => remediationView(r, i, lang, L)),
  };
}

function eventView(e: EventEvidence, lang: Lang, L: Record<MessageKey, string>) {
  return {
    ...timeCell(e.time, lang),
    eventId: cell(e.eventId, lang),
    provider: e.provider == null ? L.nullValue : cell(e.provider, lang),
    channel: cell(e.channel, lang),
    computer: e.computer == null ? L.nullValue : cell(e.computer, lang),
    fields: (e.fields ?? []).map((field) => ({ name: cell(field.name, lang), ...nullable(field.value, lang, L) })),
    note: block(e.note, lang),
    ref: cell(evidenceRef(e, lang), lang),
  };
}

function aclView(e: AclEvidence, lang: Lang, L: Record<MessageKey, string>) {
  const deny = e.access === "deny";
  return {
    path: cell(e.path, lang),
    principal: cell(e.principal, lang),
    sid: cell(e.sid, lang),
    access: e.access === "allow" ? L.access_allow : deny ? L.access_deny : cell(e.access, lang),
    accessClass: deny ? "access-deny" : "access-allow",
    rights: cell(e.rights, lang),
    inherited: e.inherited ? L.yes : L.no,
    note: block(e.note, lang),
    ref: cell(evidenceRef(e, lang), lang),
  };
}

function registryView(e: RegistryEvidence, lang: Lang, L: Record<MessageKey, string>) {
  return {
    key: cell(e.key, lang),
    rawKey: e.rawKey && e.rawKey !== e.key ? cell(e.rawKey, lang) : "",
    name: e.name === "" ? L.defaultValueName : cell(e.name, lang),
    type: cell(e.type, lang),
    ...nullable(e.value, lang, L),
    note: block(e.note, lang),
    ref: cell(evidenceRef(e, lang), lang),
  };
}

function observationView(e: ObservationEvidence, lang: Lang) {
  return { text: block(e.text, lang), ref: cell(evidenceRef(e, lang), lang) };
}

function remediationView(r: Remediation, index: number, lang: Lang, L: Record<MessageKey, string>) {
  const script = displayScript(String(r.script ?? ""));
  const variantKnown = r.variant === "offline" || r.variant === "online";
  const shellKnown = r.shell === "powershell" || r.shell === "cmd";
  return {
    number: t(lang, "remediationNumber", { n: index + 1 }),
    title: cell(r.title, lang),
    variantLabel: variantKnown ? L[`variant_${r.variant}`] : cell(r.variant, lang),
    variantClass: VARIANT_CLASS[r.variant] ?? "variant-unknown",
    shellLabel: shellKnown ? L[`shell_${r.shell}`] : cell(r.shell, lang),
    codeClass: CODE_CLASS[r.shell] ?? "language-text",
    where: block(r.where, lang),
    // Never truncated: a script must be shown whole or not at all.
    script: script.text,
    hasControls: script.hasControls,
  };
}

function checkedItems(checked: readonly CheckedScenario[], status: CheckedScenario["status"], lang: Lang) {
  return checked
    .filter((c) => c.status === status)
    .map((c) => ({
      title: cell(c.title, lang),
      scenario: cell(c.scenario, lang),
      // Prose as text, collection commands as a preformatted block an engineer can copy whole.
      detail: splitDetail(c.detail ?? "").map((part) =>
        part.kind === "commands" ? { commands: block(part.text, lang) } : { prose: block(part.text, lang) },
      ),
    }));
}

function timelineView(e: TimelineEntry, lang: Lang) {
  return {
    ...timeCell(e.time, lang),
    eventId: cell(e.eventId, lang),
    provider: cell(e.provider, lang),
    computer: cell(e.computer, lang),
    scenario: cell(e.scenario, lang),
    summary: block(e.summary, lang),
    ref: cell(t(lang, "recordRef", { source: e.source, id: e.recordId }), lang),
  };
}

function sourceView(s: SourceSummary, lang: Lang) {
  const from = s.firstEvent ? displayTime(s.firstEvent, lang) : "";
  const to = s.lastEvent ? displayTime(s.lastEvent, lang) : "";
  return {
    path: isFolderRow(s) ? t(lang, "evidenceFolderRow") : cell(s.path, lang),
    drive: s.drive ? cell(s.drive, lang) : "",
    kind: cell(s.kind, lang),
    encoding: s.encoding == null ? "—" : cell(s.encoding, lang),
    size: formatSize(s.size, lang),
    sha256: cell(s.sha256, lang),
    records: groupDigits(s.records),
    timeRange: from || to ? t(lang, "timeRange", { from: from || "—", to: to || "—" }) : "—",
    problems: (s.problems ?? []).map((p) =>
      block(
        p.location
          ? t(lang, "problemAt", { code: p.code, location: p.location, message: p.message })
          : t(lang, "problemNoLocation", { code: p.code, message: p.message }),
        lang,
      ),
    ),
  };
}

function archiveView(a: ArchiveSummary, lang: Lang) {
  return {
    path: cell(a.path, lang),
    size: formatSize(a.size, lang),
    sha256: a.sha256 ? cell(a.sha256, lang) : "—",
    entries: groupDigits(a.entries),
  };
}

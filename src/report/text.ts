// Formatting shared by the renderers: making hostile text visible, dates, sizes, ordering.
// Everything here returns plain text; each renderer escapes it for its own format.

import { CONFIDENCE_ORDER } from "./findings.js";
import type { Confidence, Evidence, Finding, Report } from "./findings.js";
import { t } from "./i18n.js";
import type { Lang } from "./i18n.js";

/**
 * Characters that change how text is displayed without being visible: C0/C1 controls (ANSI escape
 * sequences start with U+001B), format characters (bidi overrides and isolates, zero-width
 * characters, soft hyphen, BOM, Unicode tag characters), lone surrogates, line/paragraph separators.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

export interface VisibleOptions {
  /** Keep line breaks (CRLF and lone CR become LF). Otherwise they are shown as ⟨U+000A⟩. */
  newlines?: boolean;
  /** Keep horizontal tabs. Otherwise they are shown as ⟨U+0009⟩. */
  tabs?: boolean;
}

/** Shows a code point as ⟨U+202E⟩. */
export function codePointLabel(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `⟨U+${cp.toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

/**
 * Evidence is hostile: replace every invisible or control character by a visible ⟨U+XXXX⟩ marker,
 * so a bidi override cannot reorder what an engineer reads and an ANSI sequence cannot restyle it.
 */
export function visible(text: string, options: VisibleOptions = {}): string {
  let s = String(text);
  if (options.newlines) s = s.replace(/\r\n?/g, "\n");
  return s.replace(INVISIBLE, (ch) => {
    if (ch === "\n" && options.newlines) return ch;
    if (ch === "\t" && options.tabs) return ch;
    return codePointLabel(ch);
  });
}

/** True when `visible()` would change the text (beyond normalizing line breaks when kept). */
export function hasInvisible(text: string, options: VisibleOptions = {}): boolean {
  let s = String(text);
  if (options.newlines) s = s.replace(/\r\n?/g, "\n");
  return visible(s, options) !== s;
}

/** A remediation script as displayed and copied: line breaks and tabs kept, anything else invisible made visible. */
export function displayScript(script: string): { text: string; hasControls: boolean } {
  const options = { newlines: true, tabs: true };
  return { text: visible(script, options), hasControls: hasInvisible(script, options) };
}

/** Cuts very long evidence text for display; the full value stays in the JSON and the source file. */
export function truncate(text: string, max: number, lang: Lang): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, max).join("") + " " + t(lang, "truncated", { n: chars.length - max });
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/**
 * en → `2026-11-28 04:32:10 UTC`, ja → `2026年11月28日 04:32:10 (UTC)`. Times without a zone are
 * taken as UTC (the model stores UTC); fractional seconds are dropped for display. Returns null
 * when the text is not an ISO-8601 time.
 */
export function formatTime(iso: string | null | undefined, lang: Lang): string | null {
  if (typeof iso !== "string") return null;
  const m = ISO_TIME.exec(iso.trim());
  if (!m) return null;
  let [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const zone = (m[7] ?? "Z").toUpperCase();
  if (zone !== "Z" && zone !== "UTC") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000);
    if (Number.isNaN(utc.getTime())) return null;
    [year, month, day, hour, minute, second] = [
      utc.getUTCFullYear(),
      utc.getUTCMonth() + 1,
      utc.getUTCDate(),
      utc.getUTCHours(),
      utc.getUTCMinutes(),
      utc.getUTCSeconds(),
    ];
  }
  const p2 = (n: number) => String(n).padStart(2, "0");
  const clock = `${p2(hour)}:${p2(minute)}:${p2(second)}`;
  if (lang === "ja") return `${year}年${p2(month)}月${p2(day)}日 ${clock} (UTC)`;
  return `${String(year).padStart(4, "0")}-${p2(month)}-${p2(day)} ${clock} UTC`;
}

/** formatTime, or the raw text made visible when it is not a time; `fallback` for null. */
export function displayTime(iso: string | null | undefined, lang: Lang, fallback = "—"): string {
  if (iso === null || iso === undefined || iso === "") return fallback;
  return formatTime(iso, lang) ?? visible(String(iso));
}

/** 1234567 → "1,234,567" (no locale data involved, so output never depends on the machine). */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const negative = n < 0;
  const digits = String(Math.trunc(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return negative ? `-${grouped}` : grouped;
}

/** Exact byte count for the chain of custody, with a binary-unit hint: "1,234,567 bytes (1.2 MiB)". */
export function formatSize(bytes: number, lang: Lang): string {
  const exact = t(lang, "bytes", { n: groupDigits(bytes) });
  if (!Number.isFinite(bytes) || bytes < 1024) return exact;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${exact} (${value.toFixed(1)} ${units[unit]})`;
}

/** Findings strongest first; the scenarios' order is kept within one confidence level. */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  const rank = (c: Confidence) => {
    const i = CONFIDENCE_ORDER.indexOf(c);
    return i < 0 ? CONFIDENCE_ORDER.length : i;
  };
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank(a.finding.confidence) - rank(b.finding.confidence) || a.index - b.index)
    .map((x) => x.finding);
}

/**
 * The finding the verdict names. A low-confidence finding is reported but never as the primary
 * cause (scenarios.md §0.3), so this is null when every finding is low.
 */
export function primaryFinding(ordered: readonly Finding[]): Finding | null {
  return ordered.find((f) => f.confidence === "high" || f.confidence === "medium") ?? null;
}

/** Where an evidence item came from: "System.evtx · record 1234" / "icacls.txt · line 17" (raw, not made visible). */
export function evidenceRef(e: Evidence, lang: Lang): string {
  switch (e.kind) {
    case "event":
      return t(lang, "recordRef", { source: e.source, id: e.recordId });
    case "acl":
    case "registry":
      return t(lang, "lineRef", { source: e.source, line: e.line });
    default:
      return e.source;
  }
}

/** The longest run of `ch` in `text` (to choose a code fence nothing inside can close). */
export function longestRun(text: string, ch: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === ch ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/**
 * The command line of the run, for the chain of custody. The pipeline and the README contract put it in
 * `case.command`, which CaseInfo in findings.ts does not declare (yet); read it defensively.
 */
export function caseCommand(report: Report): string | undefined {
  const command = (report.case as { command?: unknown } | undefined)?.command;
  return typeof command === "string" && command !== "" ? command : undefined;
}

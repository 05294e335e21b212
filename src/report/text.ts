// Formatting shared by the renderers: making hostile text visible, dates, sizes, ordering.
// Everything here returns plain text; each renderer escapes it for its own format.

import { CONFIDENCE_ORDER, FOLDER_ROW_PATH } from "./findings.js";
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
      // A raw hive has no lines (its rows carry line 0): the source and the key shown beside it are the reference.
      return e.line > 0 ? t(lang, "lineRef", { source: e.source, line: e.line }) : e.source;
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

/** The row buildReport adds for problems of the evidence folder as a whole (kind "folder"), not a file. */
export function isFolderRow(s: { path: string; kind: string }): boolean {
  return s.kind === "folder" && s.path === FOLDER_ROW_PATH;
}

/** A piece of a checked scenario's `detail`: prose, or rescue-VM cmd lines (one command per line). */
export interface DetailPart {
  kind: "prose" | "commands";
  text: string;
}

// cmd verbs whose arguments have a shape (quoted paths, bare words up to the first switch, switches,
// redirections), so prose run on after the command on the same line can be told apart.
const SHAPED_VERBS = "reg|robocopy|icacls|wevtutil|mkdir|md|copy|xcopy|del|rmdir|rd";
// Verbs with no or a fixed argument: anything after them is prose.
const FIXED_VERBS = "endlocal|setlocal|@echo|echo|goto|exit|popd";
// Free-form verbs: the whole line is the command.
const FREE_VERBS = "rem|set|if|for|call|cd|pushd|findstr|powershell|netsh|sc|bcdedit|certutil|takeown|attrib";
const SHAPED = new RegExp(`^(?:${SHAPED_VERBS})$`);
const FIXED = new RegExp(`^(?:${FIXED_VERBS})$`);
const FREE = new RegExp(`^(?:${FREE_VERBS})$`);
/** Shaped verbs whose first argument is a sub-command word. */
const SUBCOMMAND_VERBS = /^(?:reg|wevtutil)$/;
/** A command at the start of a line: lower-case verbs only (scripts write them so; sentences start upper-case or in Japanese). */
const LINE_COMMAND = new RegExp(`^[ \\t]*(?:(${SHAPED_VERBS}|${FIXED_VERBS}|${FREE_VERBS})(?=[ \\t]|$|[^\\x00-\\x7f])|(:[A-Za-z_][\\w-]*)[ \\t]*$)`);
/** A command run into a sentence after a colon ("X was not collected: reg export …"): shaped verbs only. */
const INLINE_COMMAND = new RegExp(`:[ \\t]+(${SHAPED_VERBS})[ \\t]`);
const TOKEN = {
  quoted: /^"[^"\n]*"/,
  switch: /^\/[A-Za-z0-9:?]+/,
  redirect: /^(?:[12]?>>?(?:&[12])?|<)/,
  // `a || b`, `a && b`, `a & b`, `a | b`: the next command starts.
  chain: /^(?:\|\||&&|&|\|)/,
  // ASCII only: Japanese prose joined without a space ends a command at its first character.
  bare: /^[!#-~]+/,
};
const FIXED_ARGS: Record<string, RegExp> = {
  setlocal: /^(?:En|Dis)able(?:Extensions|DelayedExpansion)$/i,
  "@echo": /^(?:on|off)$/i,
  echo: /^(?:on|off)$/i,
  goto: /^:?[A-Za-z_][\w-]*$/,
  exit: /^(?:\/b|\d+)$/i,
};

/**
 * Splits a checked scenario's `detail` into prose and the cmd lines embedded in it, so a renderer can
 * fence the commands. Scenarios write "<what> was not collected: <command>", or a sentence ending in ":"
 * followed by one command (or script line) per line, and may run the next sentence on after the last
 * command ("… /y The System log has …", "endlocalシステム ログ…"). A line is a command when it starts with
 * a lower-case cmd verb; after a shaped verb (reg, robocopy, icacls, …) the arguments are read as bare
 * words up to the first switch or redirection, then only switches, redirections, quoted arguments and
 * a redirection's target: the first other word starts prose again. Consecutive command lines form one
 * part; the parts, in order, hold all of the detail's text.
 */
export function splitDetail(detail: string): DetailPart[] {
  const parts: DetailPart[] = [];
  const push = (kind: DetailPart["kind"], text: string) => {
    const body = kind === "prose" ? text.trim() : text.replace(/\s+$/, "");
    if (!body.trim()) return;
    const last = parts.at(-1);
    if (!last || last.kind !== kind) parts.push({ kind, text: body });
    else if (kind === "commands") last.text += "\n" + body;
    else last.text += (/[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]$/.test(last.text) ? "" : " ") + body;
  };
  for (const line of String(detail).replace(/\r\n?/g, "\n").split("\n")) {
    let rest = line;
    let atLineStart = true;
    while (rest.trim()) {
      const found = findCommand(rest, atLineStart);
      if (!found) {
        push("prose", rest);
        break;
      }
      push("prose", rest.slice(0, found.start));
      push("commands", rest.slice(found.start, found.end));
      rest = rest.slice(found.end);
      atLineStart = false;
    }
  }
  return parts;
}

/** The first command in `text`: at its start (a whole script line), else run into a sentence after a colon. */
function findCommand(text: string, atLineStart: boolean): { start: number; end: number } | null {
  const whole = atLineStart ? LINE_COMMAND.exec(text) : null;
  if (whole) {
    if (whole[2]) return { start: 0, end: whole[0].length };
    const args = argumentsLength(whole[1], text.slice(whole[0].length));
    // A shaped verb with nothing it could take as arguments is a word of a sentence ("icacls dump of …").
    if (args > 0 || !SHAPED.test(whole[1])) return { start: 0, end: whole[0].length + args };
  }
  const inline = new RegExp(INLINE_COMMAND.source, "g");
  for (let m = inline.exec(text); m; m = inline.exec(text)) {
    const start = m.index + m[0].indexOf(m[1], 1);
    const verbEnd = start + m[1].length;
    const args = argumentsLength(m[1], text.slice(verbEnd));
    if (args > 0) return { start, end: verbEnd + args };
    inline.lastIndex = m.index + 1;
  }
  return null;
}

/** How much of `text` (what follows `verb` on its line) are the command's arguments; the rest is prose. */
function argumentsLength(verb: string, text: string): number {
  if (FREE.test(verb)) return text.length;
  let current = verb;
  let fixed = FIXED.test(verb);
  let pos = 0;
  let end = 0;
  let args = 0;
  let optionsSeen = false;
  let afterRedirect = false;
  let expectVerb = false;
  for (;;) {
    const at = pos + /^[ \t]*/.exec(text.slice(pos))![0].length;
    const rest = text.slice(at);
    if (!rest) return end;
    let m: RegExpExecArray | null = null;
    if ((m = TOKEN.chain.exec(rest))) {
      // `a || b`: the next command is read from its verb on.
      expectVerb = true;
      afterRedirect = false;
    } else if (expectVerb) {
      m = /^[a-z]+(?=[ \t]|$)/.exec(rest);
      if (!m || !SHAPED.test(m[0])) return end === 0 ? 0 : text.length;
      current = m[0];
      fixed = false;
      expectVerb = false;
      optionsSeen = false;
      args = -1; // the verb itself: its first argument is number 0
    } else if (fixed) {
      // A fixed verb takes its known arguments (and a redirection) only: `echo off`, not `echo Evidence is …`.
      const word = TOKEN.bare.exec(rest);
      if (current.endsWith("echo") && end === 0 && word && !FIXED_ARGS[current].test(word[0])) return text.length;
      if (word && FIXED_ARGS[current]?.test(word[0])) m = word;
      else if ((m = TOKEN.redirect.exec(rest))) afterRedirect = !/&[12]$/.test(m[0]);
      else if (afterRedirect && (m = TOKEN.bare.exec(rest))) afterRedirect = false;
      else return end;
    } else if ((m = TOKEN.quoted.exec(rest))) afterRedirect = false;
    else if ((m = TOKEN.redirect.exec(rest))) {
      optionsSeen = true;
      afterRedirect = !/&[12]$/.test(m[0]);
    } else if ((m = TOKEN.switch.exec(rest))) {
      optionsSeen = true;
      afterRedirect = false;
    } else if ((m = TOKEN.bare.exec(rest)) && (afterRedirect || (!optionsSeen && bareArgument(current, m[0], args)))) afterRedirect = false;
    else return end;
    args++;
    pos = at + m[0].length;
    end = pos;
  }
}

/**
 * A bare (unquoted) argument before the first switch: a sub-command (`reg export`, `wevtutil epl`) or
 * something path- or value-like. Plain words ("dump", "of") are prose: "icacls dump of the folder".
 */
function bareArgument(verb: string, word: string, index: number): boolean {
  if (index === 0 && SUBCOMMAND_VERBS.test(verb) && /^[a-z][a-z-]*$/i.test(word)) return true;
  return /[\\/%:.=*?$~]/.test(word);
}

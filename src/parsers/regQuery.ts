// `reg query` output → RegistryValue / RegistryKey records (formats.md §3.2).
//
//     HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server
//         fDenyTSConnections    REG_DWORD    0x1
//
// Value lines are anchored on the REG_* type token, never on columns or on the localized default
// label. Data: DWORD/QWORD → number, BINARY → uppercase hex, MULTI_SZ (items joined by the two
// characters `\0`) → list, SZ/EXPAND_SZ → text as printed; the default value's name is "" and its
// "(value not set)" data (any language) is null.

import type { RegistryKey, RegistryValue } from "./types.js";
import { createProblemLog, finishRegistryDump, type ProblemLog, type RegistryDumpResult, type RegistryRowSink } from "./registryPath.js";

export type { RegistryDumpResult } from "./registryPath.js";

export interface RegistryParseOptions {
  /** `Select\Current` when known from elsewhere (e.g. a separate select.reg); else found in the dump or assumed. */
  currentControlSet?: number | null;
}

const KEY_LINE = /^(?:HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_USERS|HKEY_CLASSES_ROOT|HKEY_CURRENT_CONFIG|HKLM|HKCU|HKU|HKCR|HKCC)(?:\\|$)/i;

/** reg.exe's label for the default value, per display language (regedit's labels marked [U]). */
const DEFAULT_LABELS = new Set(
  [
    "(Default)", "(Standard)", "(par défaut)", "(既定)", "(默认)",
    "(預設)", "(기본값)", "(Predeterminado)", "(Predefinito)", "(Padrão)", "(По умолчанию)", // [U]
  ].map((l) => l.normalize("NFC").toLowerCase()),
);

/** Error line prefixes: English, German, French, Spanish, Japanese, Chinese. */
const ERROR_PREFIX = /^(?:ERROR|FEHLER|ERREUR|ERRORE|エラー|错误|錯誤)\s*[:：]/i;

const KNOWN_TYPES = new Set([
  "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN", "REG_LINK",
  "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD",
]);

export function isDefaultValueLabel(name: string): boolean {
  return DEFAULT_LABELS.has(name.trim().normalize("NFC").toLowerCase());
}

/** Whether text looks like `reg query` output: a key line followed by an indented REG_* value line or key lines. */
export function sniffRegQuery(text: string): boolean {
  const lines = text.slice(0, 65536).replace(/^\uFEFF/, "").split(/\r\n|\r|\n/).slice(0, 400);
  let keyLines = 0;
  for (const line of lines) {
    if (KEY_LINE.test(line)) keyLines++;
    else if (keyLines > 0 && /^\s/.test(line) && findTypeToken(line)) return true;
  }
  return keyLines > 0 && lines.every((l) => l.trim() === "" || KEY_LINE.test(l) || ERROR_PREFIX.test(l.trim()));
}

/**
 * Finds the type token of a value line: `REG_xxx` preceded by whitespace and followed by
 * whitespace or the end of the line. Linear scan (no backtracking regex on arbitrary input).
 */
function findTypeToken(line: string): { start: number; end: number; type: string } | null {
  let from = 0;
  let fallback: { start: number; end: number; type: string } | null = null;
  for (;;) {
    const at = line.indexOf("REG_", from);
    if (at < 0) return fallback;
    from = at + 4;
    if (at === 0 || !/\s/.test(line[at - 1])) continue;
    let end = at + 4;
    while (end < line.length && /[A-Z0-9_]/.test(line[end])) end++;
    if (end < line.length && !/\s/.test(line[end])) continue;
    const type = line.slice(at, end);
    if (KNOWN_TYPES.has(type)) return { start: at, end, type };
    fallback ??= { start: at, end, type };
  }
}

/**
 * Reads `reg query` output one line at a time: the one implementation behind parseRegQuery (a whole
 * text) and the ingest of a dump too large to hold (read in pieces, see ingest/largeText.ts).
 */
export class RegQueryLineReader {
  readonly problems: RegistryDumpResult["problems"] = [];
  private readonly log: ProblemLog;
  private currentKey: string | null = null;

  constructor(private readonly sink: RegistryRowSink) {
    this.log = createProblemLog(this.problems, "regquery");
  }

  /** The next line (without its line break), numbered from 1. */
  line(line: string, lineNo: number): void {
    const log = this.log;
    const trimmed = line.trim();
    if (trimmed === "") return;

    if (!/^\s/.test(line)) {
      if (KEY_LINE.test(trimmed)) {
        this.currentKey = trimmed.replace(/\\+$/, "");
        this.sink.key({ rawKey: this.currentKey, key: "", line: lineNo });
      } else if (ERROR_PREFIX.test(trimmed)) {
        log.add("regquery.error", `reg.exe reported: ${clip(trimmed)}`, lineNo);
      } else if (/^End of search\b/i.test(trimmed) || isSearchTrailer(trimmed)) {
        // `End of search: N match(es) found.` closes /f and /s /v searches: nothing to record.
      } else {
        log.add("regquery.unparsed-line", `Unrecognized line: ${clip(trimmed)}`, lineNo);
      }
      return;
    }

    const token = findTypeToken(line);
    if (!token) {
      log.add("regquery.unparsed-line", `Indented line without a REG_* type: ${clip(trimmed)}`, lineNo);
      return;
    }
    const currentKey = this.currentKey;
    if (currentKey === null) {
      log.add("regquery.value-without-key", `Value line before any key line: ${clip(trimmed)}`, lineNo);
      return;
    }
    const printedName = line.slice(0, token.start).trim();
    const rest = line.slice(token.end);
    // Data follows the type after four spaces; keep it as printed (strings may end in spaces).
    const data = rest.startsWith("    ") ? rest.slice(4) : rest.replace(/^\s+/, "");
    const isDefault = isDefaultValueLabel(printedName);
    const name = isDefault ? "" : printedName;
    if (!KNOWN_TYPES.has(token.type)) {
      log.add("regquery.unknown-type", `Unknown value type ${token.type} for ${printedName}; data kept as printed.`, lineNo);
    }
    const value = isDefault && /^\(.*\)$/.test(data.trim()) ? null : convertData(token.type, data, printedName, lineNo, log);
    this.sink.value({ rawKey: currentKey, key: "", name, type: token.type, value, line: lineNo });
  }

  end(): void {
    this.log.finish();
  }
}

export function parseRegQuery(text: string, options: RegistryParseOptions = {}): RegistryDumpResult {
  const values: RegistryValue[] = [];
  const keys: RegistryKey[] = [];
  const reader = new RegQueryLineReader({ key: (k) => keys.push(k), value: (v) => values.push(v) });
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) reader.line(lines[i], i + 1);
  reader.end();
  return finishRegistryDump(values, keys, reader.problems, options.currentControlSet);
}

/** Localized search trailers (`Suche beendet: 2 Übereinstimmung(en) gefunden.`): a label, a colon, one count. */
function isSearchTrailer(line: string): boolean {
  const colon = line.search(/[:：]/);
  return colon > 0 && colon < 40 && !line.includes("\\") && (line.match(/\d+/g) ?? []).length === 1;
}

function convertData(type: string, data: string, name: string, lineNo: number, log: ProblemLog): RegistryValue["value"] {
  switch (type) {
    case "REG_DWORD":
    case "REG_DWORD_BIG_ENDIAN":
    case "REG_QWORD": {
      const number = parseRegNumber(data.trim());
      if (number === null) {
        log.add("regquery.bad-number", `${type} data "${clip(data)}" of ${name} is not a number; kept as text.`, lineNo);
        return data;
      }
      return number;
    }
    case "REG_MULTI_SZ": {
      if (data === "") return [];
      const items = data.split("\\0");
      if (items.length > 1 && items[items.length - 1] === "") items.pop();
      return items;
    }
    case "REG_SZ":
    case "REG_EXPAND_SZ":
    case "REG_LINK":
      return data;
    default: {
      // BINARY, NONE, resource lists: hex without separators.
      const hex = data.trim();
      if (/^[0-9a-f]*$/i.test(hex)) return hex.toUpperCase();
      return data;
    }
  }
}

/** `0x12a33` → 76339; QWORDs beyond 2^53 as a decimal string. */
export function parseRegNumber(text: string): number | string | null {
  let big: bigint;
  if (/^0x[0-9a-f]{1,16}$/i.test(text)) big = BigInt(text);
  else if (/^\d{1,20}$/.test(text)) big = BigInt(text);
  else return null;
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

function clip(text: string, max = 120): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

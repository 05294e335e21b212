// `.reg` files (regedit / `reg export`) → RegistryValue / RegistryKey records (formats.md §3.3).
//
// Version 5.00 files store hex(1)/hex(2)/hex(7) payloads as UTF-16LE bytes, REGEDIT4 files as ANSI
// bytes. Deletions (`[-key]`, `"name"=-`) are instructions, not evidence that something exists:
// they go to `deletions`, never to `keys` or `values`.

import type { RegistryKey, RegistryValue } from "./types.js";
import { decodeLegacy, type LegacyEncoding } from "./codepages.js";
import { createProblemLog, finishRegistryDump, logicalRegistryKey, type ProblemLog, type RegistryDumpResult, type RegistryRowSink } from "./registryPath.js";
import { parseRegNumber, type RegistryParseOptions } from "./regQuery.js";

export interface RegFileOptions extends RegistryParseOptions {
  /**
   * Code page of a REGEDIT4 file's hex(1)/(2)/(7) bytes: pass the encoding decodeText found for
   * the file. Without it: cp932 when the text holds Japanese, else windows-1252.
   */
  ansiEncoding?: LegacyEncoding;
}

export interface RegDeletion {
  kind: "key" | "value";
  rawKey: string;
  key: string;
  /** Value name for value deletions ("" = default value). */
  name?: string;
  line: number;
}

export interface RegFileResult extends RegistryDumpResult {
  /** `Windows Registry Editor Version 5.00` → "5.00", `REGEDIT4` → "4", null when the header is missing. */
  version: "5.00" | "4" | null;
  deletions: RegDeletion[];
}

const HEADER_V5 = /^Windows Registry Editor Version 5\.00$/i;
const HEADER_V4 = /^REGEDIT4$/i;

/** `hex(N)` type codes (N in hex). */
const TYPE_CODES: Record<number, string> = {
  0x0: "REG_NONE", 0x1: "REG_SZ", 0x2: "REG_EXPAND_SZ", 0x3: "REG_BINARY", 0x4: "REG_DWORD",
  0x5: "REG_DWORD_BIG_ENDIAN", 0x6: "REG_LINK", 0x7: "REG_MULTI_SZ", 0x8: "REG_RESOURCE_LIST",
  0x9: "REG_FULL_RESOURCE_DESCRIPTOR", 0xa: "REG_RESOURCE_REQUIREMENTS_LIST", 0xb: "REG_QWORD",
};

/** Whether text is a .reg file: its first non-empty line is one of the two headers. */
export function sniffRegFile(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "");
  const first = head.split(/\r\n|\r|\n/).find((l) => l.trim() !== "");
  return first !== undefined && (HEADER_V5.test(first.trim()) || HEADER_V4.test(first.trim()));
}

/** Keys and values as every registry dump reader sends them, and the deletions only a .reg file has. */
export interface RegFileSink extends RegistryRowSink {
  deletion(d: RegDeletion): void;
}

/** A value line whose hex data goes on to the next line: it ends with a backslash. */
const CONTINUED = /\\\s*$/;

/**
 * Reads a .reg file one physical line at a time: the one implementation behind parseRegFile (a
 * whole text) and the ingest of a file too large to hold (read in pieces, see ingest/largeText.ts).
 * Hex data wrapped over several lines with a trailing `\` (continuations are indented) is joined first.
 */
export class RegFileLineReader {
  version: RegFileResult["version"] = null;
  readonly problems: RegistryDumpResult["problems"] = [];
  private readonly log: ProblemLog;
  private currentKey: string | null = null;
  private keyDeleted = false;
  private sawHeader = false;
  /** A hex value continued on the next line: its parts so far (backslash removed), its last line, its line number. */
  private pending: { parts: string[]; last: string; line: number } | null = null;

  constructor(
    private readonly sink: RegFileSink,
    private readonly ansi: LegacyEncoding,
  ) {
    this.log = createProblemLog(this.problems, "regfile");
  }

  /** The next physical line (without its line break), numbered from 1. */
  line(text: string, line: number): void {
    const pending = this.pending;
    if (pending) {
      pending.parts.push(pending.last.replace(CONTINUED, ""));
      pending.last = text.trimStart();
      if (CONTINUED.test(pending.last)) return;
      this.pending = null;
      this.logical(pending.parts.join("") + pending.last, pending.line);
      return;
    }
    if (CONTINUED.test(text) && /^hex/i.test(splitAssignment(text.trim())?.data ?? "")) {
      this.pending = { parts: [], last: text, line };
      return;
    }
    this.logical(text, line);
  }

  /** After the last line: a continuation still open at the end of the file is read as it stands. */
  end(): void {
    const pending = this.pending;
    if (pending) {
      this.pending = null;
      this.logical(pending.parts.join("") + pending.last, pending.line);
    }
    this.log.finish();
  }

  private logical(raw: string, line: number): void {
    const log = this.log;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith(";")) return;
    if (!this.sawHeader) {
      this.sawHeader = true;
      if (HEADER_V5.test(trimmed)) this.version = "5.00";
      else if (HEADER_V4.test(trimmed)) this.version = "4";
      if (this.version) return;
      log.add("regfile.missing-header", "No `Windows Registry Editor Version 5.00` / `REGEDIT4` header; read as version 5.00.", line);
    }

    if (trimmed.startsWith("[")) {
      const close = trimmed.lastIndexOf("]");
      if (close < 0) {
        log.add("regfile.bad-key-line", `Key line without a closing bracket: ${clip(trimmed)}`, line);
        this.currentKey = null;
        return;
      }
      const inner = trimmed.slice(1, close).trim();
      if (inner.startsWith("-")) {
        const rawKey = inner.slice(1).trim().replace(/\\+$/, "");
        this.sink.deletion({ kind: "key", rawKey, key: "", line });
        this.currentKey = rawKey;
        this.keyDeleted = true;
      } else {
        this.currentKey = inner.replace(/\\+$/, "");
        this.keyDeleted = false;
        this.sink.key({ rawKey: this.currentKey, key: "", line });
      }
      return;
    }

    const assignment = splitAssignment(trimmed);
    if (!assignment) {
      log.add("regfile.unparsed-line", `Unrecognized line: ${clip(trimmed)}`, line);
      return;
    }
    const currentKey = this.currentKey;
    if (currentKey === null) {
      log.add("regfile.value-without-key", `Value line before any [key] line: ${clip(trimmed)}`, line);
      return;
    }
    if (this.keyDeleted) {
      log.add("regfile.value-under-deleted-key", `Value ${assignment.name} follows a [-key] deletion line; ignored.`, line);
      return;
    }
    if (assignment.data.trim() === "-") {
      this.sink.deletion({ kind: "value", rawKey: currentKey, key: "", name: assignment.name, line });
      return;
    }
    const parsed = parseData(assignment.data, this.version !== "4", this.ansi, assignment.name, line, log);
    if (parsed) this.sink.value({ rawKey: currentKey, key: "", name: assignment.name, type: parsed.type, value: parsed.value, line });
  }
}

export function parseRegFile(text: string, options: RegFileOptions = {}): RegFileResult {
  const values: RegistryValue[] = [];
  const keys: RegistryKey[] = [];
  const deletions: RegDeletion[] = [];
  const reader = new RegFileLineReader(
    { key: (k) => keys.push(k), value: (v) => values.push(v), deletion: (d) => deletions.push(d) },
    options.ansiEncoding ?? guessAnsiEncoding(text),
  );
  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) reader.line(physical[i], i + 1);
  reader.end();
  const dump = finishRegistryDump(values, keys, reader.problems, options.currentControlSet);
  return {
    ...dump,
    version: reader.version,
    deletions: deletions.map((d) => ({ ...d, key: logicalRegistryKey(d.rawKey, dump.currentControlSet).key })),
  };
}

/** The ANSI code page a REGEDIT4 file was most likely written in, judged from (the start of) its decoded text. */
export function guessAnsiEncoding(text: string): LegacyEncoding {
  return /[\u3040-\u30ff\u4e00-\u9fff]/.test(text.slice(0, 65536)) ? "cp932" : "windows-1252";
}

/** `"name"=data` or `@=data`; the name's `\\` and `\"` escapes undone. */
function splitAssignment(line: string): { name: string; data: string } | null {
  if (line.startsWith("@")) {
    const rest = line.slice(1).trimStart();
    return rest.startsWith("=") ? { name: "", data: rest.slice(1).trimStart() } : null;
  }
  if (!line.startsWith('"')) return null;
  const name = readQuoted(line, 0);
  if (!name) return null;
  const rest = line.slice(name.end).trimStart();
  return rest.startsWith("=") ? { name: name.value, data: rest.slice(1).trimStart() } : null;
}

/** Reads a quoted string starting at `start` (a `"`); `\\` and `\"` are the only escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } | null {
  let value = "";
  let from = start + 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && (text[i + 1] === "\\" || text[i + 1] === '"')) {
      value += text.slice(from, i);
      from = i + 1; // the escaped character starts the next run
      i++;
    } else if (c === '"') {
      return { value: value + text.slice(from, i), end: i + 1 };
    }
  }
  return null;
}

function parseData(
  data: string,
  unicode: boolean,
  ansi: LegacyEncoding,
  name: string,
  line: number,
  log: ProblemLog,
): { type: string; value: RegistryValue["value"] } | null {
  if (data.startsWith('"')) {
    const quoted = readQuoted(data, 0);
    if (!quoted) {
      log.add("regfile.unterminated-string", `String data of ${name} has no closing quote; kept up to the line end.`, line);
      return { type: "REG_SZ", value: data.slice(1).replace(/\\(["\\])/g, "$1") };
    }
    const trailing = data.slice(quoted.end).trim();
    if (trailing !== "" && !trailing.startsWith(";")) {
      log.add("regfile.trailing-data", `Unexpected text after the string data of ${name}: ${clip(trailing)}`, line);
    }
    return { type: "REG_SZ", value: quoted.value };
  }

  const dword = /^dword:([0-9a-f]{1,8})\s*$/i.exec(data);
  if (dword) return { type: "REG_DWORD", value: Number.parseInt(dword[1], 16) };

  const hex = /^hex(?:\(([0-9a-f]{1,8})\))?:(.*)$/i.exec(data);
  if (!hex) {
    log.add("regfile.bad-data", `Unrecognized data for ${name}: ${clip(data)}`, line);
    return null;
  }
  const code = hex[1] === undefined ? 3 : Number.parseInt(hex[1], 16);
  const bytes = parseHexBytes(hex[2]);
  if (!bytes) {
    log.add("regfile.bad-hex", `Malformed hex bytes for ${name}: ${clip(hex[2])}`, line);
    return null;
  }
  const type = TYPE_CODES[code] ?? `REG_UNKNOWN_0x${code.toString(16)}`;
  return { type, value: decodePayload(code, bytes, unicode, ansi, name, line, log) };
}

function parseHexBytes(list: string): Uint8Array | null {
  const tokens = list.split(",").map((t) => t.trim());
  if (tokens.length > 0 && tokens[tokens.length - 1] === "") tokens.pop();
  const bytes = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    if (!/^[0-9a-f]{1,2}$/i.test(tokens[i])) return null;
    bytes[i] = Number.parseInt(tokens[i], 16);
  }
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase();
}

function decodeString(bytes: Uint8Array, unicode: boolean, ansi: LegacyEncoding): string {
  if (!unicode) return decodeLegacy(bytes, ansi);
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
  return new TextDecoder("utf-16le", { ignoreBOM: true }).decode(even);
}

function decodePayload(
  code: number,
  bytes: Uint8Array,
  unicode: boolean,
  ansi: LegacyEncoding,
  name: string,
  line: number,
  log: ProblemLog,
): RegistryValue["value"] {
  switch (code) {
    case 0x1:
    case 0x2:
    case 0x6: {
      if (unicode && bytes.length % 2 !== 0) log.add("regfile.odd-utf16", `Odd number of UTF-16 bytes in ${name}.`, line);
      // Cut at the first terminator, as Windows reads the string.
      const text = decodeString(bytes, unicode, ansi);
      const nul = text.indexOf("\u0000");
      return nul >= 0 ? text.slice(0, nul) : text;
    }
    case 0x7: {
      if (unicode && bytes.length % 2 !== 0) log.add("regfile.odd-utf16", `Odd number of UTF-16 bytes in ${name}.`, line);
      const text = decodeString(bytes, unicode, ansi);
      const items = text.split("\u0000");
      // Each item is NUL-terminated and the list ends with an empty item: drop the trailing empties.
      while (items.length > 0 && items[items.length - 1] === "") items.pop();
      return items;
    }
    case 0x4:
    case 0x5: {
      if (bytes.length !== 4) {
        log.add("regfile.bad-dword", `${TYPE_CODES[code]} ${name} has ${bytes.length} bytes instead of 4; kept as hex.`, line);
        return toHex(bytes);
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
      return view.getUint32(0, code === 0x4);
    }
    case 0xb: {
      if (bytes.length !== 8) {
        log.add("regfile.bad-qword", `REG_QWORD ${name} has ${bytes.length} bytes instead of 8; kept as hex.`, line);
        return toHex(bytes);
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
      return parseRegNumber(view.getBigUint64(0, true).toString());
    }
    default:
      return toHex(bytes);
  }
}

function clip(text: string, max = 120): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

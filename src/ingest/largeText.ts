// A registry dump too large to hold whole (a whole-hive `reg export`, or `reg query /s` redirected by
// PowerShell: UTF-16LE with a BOM), read twice in pieces, never loaded. The first pass decides what
// CurrentControlSet means (`Select\Current` sorts after `ControlSet001`, so it comes late in a dump);
// the second stores every key and value with that decision, exactly as parseRegFile / parseRegQuery
// would have stored them from the whole text.

import { forEachTextLine, MAX_LINE_CHARS, type BomEncoding } from "../evidence/textLines.js";
import type { LegacyEncoding } from "../parsers/codepages.js";
import { guessAnsiEncoding, RegFileLineReader } from "../parsers/regFile.js";
import { RegQueryLineReader } from "../parsers/regQuery.js";
import { ControlSetChoice, CONTROLSET_ASSUMED, logicalRegistryKey, type RegistryRowSink } from "../parsers/registryPath.js";
import type { Problem } from "../parsers/types.js";
import type { SourceSink } from "../store/writer.js";

/** How much of the start of the text judges a REGEDIT4 file's code page (as parseRegFile does). */
const ANSI_SAMPLE_CHARS = 65536;

interface LineReader {
  line(text: string, line: number): void;
  end(): void;
  readonly problems: Problem[];
}

function readerFor(kind: "reg-file" | "reg-query", rows: RegistryRowSink, ansi: LegacyEncoding): LineReader {
  // Deletions (`[-key]`, `"name"=-`) are instructions, not evidence: the whole-text path stores none either.
  return kind === "reg-file" ? new RegFileLineReader({ ...rows, deletion: () => {} }, ansi) : new RegQueryLineReader(rows);
}

/**
 * Streams the registry dump at `path` into `sink`. Returns its encoding, or null (nothing stored) when
 * the file has no byte-order mark: its encoding cannot be judged from a piece, and the caller refuses it.
 */
export function streamRegistryDump(
  kind: "reg-file" | "reg-query",
  path: string,
  sink: SourceSink,
  pieceBytes?: number,
): { encoding: BomEncoding; lines: number } | null {
  const choice = new ControlSetChoice();
  let sample = "";
  const scan = readerFor(kind, { key: (k) => choice.key(k.rawKey), value: (v) => choice.value(v) }, "windows-1252");
  const first = forEachTextLine(
    path,
    (text, line) => {
      if (sample.length < ANSI_SAMPLE_CHARS) sample += (line > 1 ? "\n" : "") + text.slice(0, ANSI_SAMPLE_CHARS);
      scan.line(text, line);
    },
    pieceBytes,
  );
  if (!first) return null;
  scan.end();
  const { current, assumption } = choice.decide();

  const reader = readerFor(
    kind,
    {
      key: (k) => sink.registryKey({ ...k, key: logicalRegistryKey(k.rawKey, current).key }),
      value: (v) => sink.registryValue({ ...v, key: logicalRegistryKey(v.rawKey, current).key }),
    },
    guessAnsiEncoding(sample),
  );
  const second = forEachTextLine(path, (text, line) => reader.line(text, line), pieceBytes);
  reader.end();
  for (const p of reader.problems) sink.problem(p);
  if (assumption) sink.problem({ code: CONTROLSET_ASSUMED, message: assumption + "." });
  const read = second ?? first;
  if (read.cutLines > 0) {
    sink.problem({
      code: "text.line-cut",
      message: `${read.cutLines} line(s) longer than ${MAX_LINE_CHARS} characters were cut into pieces of that length (no real dump writes such lines)`,
    });
  }
  const reason = `${read.reason}; ${read.lines} lines read in pieces (the file is too large to hold whole)`;
  sink.setInfo({ encoding: read.encoding, encodingReason: reason });
  sink.setEncoding(read.encoding);
  return { encoding: read.encoding, lines: read.lines };
}

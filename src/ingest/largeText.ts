// A `.reg` file too large to hold whole (a whole-hive `reg export`, UTF-16LE with a BOM): read twice in
// pieces, never loaded. The first pass decides what CurrentControlSet means (`Select\Current` sorts
// after `ControlSet001`, so it comes late in an export); the second stores every key and value with
// that decision, exactly as parseRegFile would have stored them from the whole text.

import { forEachTextLine, MAX_LINE_CHARS, type BomEncoding } from "../evidence/textLines.js";
import { guessAnsiEncoding, RegFileLineReader } from "../parsers/regFile.js";
import { ControlSetChoice, CONTROLSET_ASSUMED, logicalRegistryKey } from "../parsers/registryPath.js";
import type { SourceSink } from "../store/writer.js";

/** How much of the start of the text judges a REGEDIT4 file's code page (as parseRegFile does). */
const ANSI_SAMPLE_CHARS = 65536;

/**
 * Streams the .reg file at `path` into `sink`. Returns its encoding, or null (nothing stored) when the
 * file has no byte-order mark: its encoding cannot be judged from a piece, and the caller refuses it.
 */
export function streamRegFile(path: string, sink: SourceSink, pieceBytes?: number): { encoding: BomEncoding; lines: number } | null {
  const choice = new ControlSetChoice();
  let sample = "";
  const scan = new RegFileLineReader({ key: (k) => choice.key(k.rawKey), value: (v) => choice.value(v), deletion: () => {} }, "windows-1252");
  const first = forEachTextLine(path, (text, line) => {
    if (sample.length < ANSI_SAMPLE_CHARS) sample += (line > 1 ? "\n" : "") + text.slice(0, ANSI_SAMPLE_CHARS);
    scan.line(text, line);
  }, pieceBytes);
  if (!first) return null;
  scan.end();
  const { current, assumption } = choice.decide();

  const reader = new RegFileLineReader(
    {
      key: (k) => sink.registryKey({ ...k, key: logicalRegistryKey(k.rawKey, current).key }),
      value: (v) => sink.registryValue({ ...v, key: logicalRegistryKey(v.rawKey, current).key }),
      deletion: () => {}, // instructions, not evidence: parseRegFile's callers do not store them either
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
      message: `${read.cutLines} line(s) longer than ${MAX_LINE_CHARS} characters were cut into pieces of that length (no real export writes such lines)`,
    });
  }
  const reason = `${read.reason}; ${read.lines} lines read in pieces (the file is too large to hold whole)`;
  sink.setInfo({ encoding: read.encoding, encodingReason: reason });
  sink.setEncoding(read.encoding);
  return { encoding: read.encoding, lines: read.lines };
}

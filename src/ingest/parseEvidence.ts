// One evidence file's content into its source's sink: the format's parser, chosen by classification.
// Loaded by ingestFolder only when a file has to be read, so that a re-run over an unchanged folder
// does not load (and compile) any parser; classification comes with it, as it sniffs with the parsers.
import type { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import type { Classification } from "../evidence/classify.js";
export { classifyEvidence, SNIFF_BYTES } from "../evidence/classify.js";
import { decodeText } from "../evidence/decodeText.js";
import type { DiscoveredFile } from "../evidence/discover.js";
import { readEvtx, readEvtxFile } from "../parsers/evtx/index.js";
import { guessHiveName, hiveNameFromFileName, readHive } from "../parsers/hive/index.js";
import { parseIcaclsDump } from "../parsers/icacls.js";
import { parseRegFile } from "../parsers/regFile.js";
import { parseRegQuery } from "../parsers/regQuery.js";
import type { EventRecord } from "../parsers/types.js";
import type { SourceSink } from "../store/writer.js";
import { MAX_TEXT_DUMP_BYTES, MAX_WHOLE_READ_BYTES } from "./limits.js";
import { streamRegistryDump } from "./largeText.js";

export function parseInto(
  kind: Classification,
  absolute: string,
  bytes: Buffer | null,
  size: number,
  sink: SourceSink,
  context: { relative: string; logs: DiscoveredFile[] },
): void {
  switch (kind) {
    case "evtx": {
      // Decoding and inserting cost about the same; a worker-thread pipeline was measured here and
      // gained nothing on two cores (the decode alone is the longer half), so it stays in this thread.
      const onRecord = (r: EventRecord) => sink.event(r);
      const { info, problems } = bytes ? readEvtx(bytes, onRecord) : readEvtxFile(absolute, onRecord);
      for (const p of problems) sink.problem(p);
      sink.setInfo(info);
      return;
    }
    case "icacls":
    case "reg-query":
    case "reg-file": {
      if (!bytes) {
        // A whole-hive `reg export` or `reg query /s` with a BOM is read in pieces; other large dumps are refused.
        if (kind !== "icacls" && streamRegistryDump(kind, absolute, sink)) return;
        sink.problem({
          code: "text.too-large",
          message:
            `text dump of ${size} bytes refused: the limit is ${MAX_TEXT_DUMP_BYTES} bytes (a .reg file or reg query output with a byte-order mark, as reg export and PowerShell write them, is read whatever its size). ` +
            `Collect only the keys and folders rdp-triage reads ` +
            `(rdp-triage explain <scenario> lists them); instead of exporting a whole hive, give rdp-triage the hive file itself ` +
            `(Windows\\System32\\config\\SYSTEM or SOFTWARE with its .LOG1/.LOG2), which it reads directly`,
        });
        return;
      }
      const decoded = decodeText(bytes);
      sink.setInfo({ encoding: decoded.encoding, encodingReason: decoded.reason });
      sink.setEncoding(decoded.encoding);
      if (kind === "icacls") {
        const parsed = parseIcaclsDump(decoded.text);
        for (const e of parsed.entries) sink.acl(e);
        for (const p of parsed.problems) sink.problem(p);
        for (const e of parsed.errors) {
          sink.problem({ code: "icacls.path-error", message: `${e.path}: ${e.message}`, location: `line ${e.line}` });
        }
        sink.setInfo({
          encoding: decoded.encoding,
          encodingReason: decoded.reason,
          form: parsed.form,
          summary: parsed.summary,
        });
      } else {
        const ansiEncoding = decoded.encoding === "cp932" || decoded.encoding === "windows-1252" ? decoded.encoding : undefined;
        const parsed = kind === "reg-query" ? parseRegQuery(decoded.text) : parseRegFile(decoded.text, { ansiEncoding });
        for (const k of parsed.keys) sink.registryKey(k);
        for (const v of parsed.values) sink.registryValue(v);
        for (const p of parsed.problems) sink.problem(p);
      }
      return;
    }
    case "hive": {
      if (!bytes && size > MAX_WHOLE_READ_BYTES) {
        sink.problem({
          code: "hive.too-large",
          message: `hive of ${size} bytes not read: rdp-triage reads a hive whole, at most ${MAX_WHOLE_READ_BYTES} bytes (Windows keeps hives far smaller: is this really a hive?)`,
        });
        return;
      }
      const data = bytes ?? readFileSync(absolute);
      const hiveName = hiveNameFromFileName(context.relative) ?? guessHiveName(data) ?? "UNKNOWN";
      const logs = context.logs.map((l) => ({ name: l.relative, bytes: readFileSync(l.absolute) }));
      const result = readHive(data, {
        hiveName,
        logs,
        onKey: (k) => sink.registryKey(k),
        onValue: (v) => sink.registryValue(v),
      });
      for (const a of result.acls) sink.acl(a);
      for (const p of result.problems) sink.problem(p);
      sink.setInfo({ hiveName, ...result.info });
      return;
    }
    case "hive-log":
      // Read together with its primary hive (SYSTEM + SYSTEM.LOG1/.LOG2); listed here for the chain of custody.
      return;
    case "archive":
      sink.problem({
        code: "archive.not-supported",
        message: "an archive nested more than one level deep inside another archive is not opened; unpack it first",
      });
      return;
    default:
      return;
  }
}

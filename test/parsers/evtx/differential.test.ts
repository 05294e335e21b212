// Differential test: rdp-triage's EVTX reader against libevtx (evtxexport 20181227) on the shared
// corpus. For every golden record (by EventRecordID) we compare EventID, Qualifiers, provider name
// and GUID, TimeCreated, Level, Channel, Computer, UserID and every EventData/UserData field
// (position, name, value), after normalising what is only spelling:
//
//   * hex: libevtx pads (0x%08x / 0x%016x) and prints SizeT in decimal; ours is 0x + unpadded
//     lowercase → compared as numbers;
//   * time: libevtx prints 9 fractional digits (the last two always 00), ours 7 → ours a prefix of
//     libevtx's, the rest zeros (test/parsers/evtx/sameEvtxValue.ts holds these rules);
//   * GUID: case-insensitive (libevtx keeps a literal GUID's manifest case);
//   * line ends: the goldens were extracted with an XML parser, which turns CR LF into LF (XML 1.0
//     §2.11); our values keep the CR LF actually stored (e.g. Security 4672 PrivilegeList);
//   * null (a normal substitution holding NULL) vs libevtx's empty element text "".
//
// Every remaining disagreement must belong to a known class (formats.md §1.7); the test fails on any
// other. Known classes, each checked against the bytes:
//
//   libevtx-invalid-xml   libevtx printed XML that does not parse (raw control characters such as
//                         U+0003 in LiveId strings, and the like), so the golden holds only the
//                         record id: 247 LiveId records and record 55 of security.evtx and
//                         security_bad_string_cache.evtx. We decode these records; only presence is
//                         checked.
//   capi2-whitespace      CAPI2 UserData children that are containers (<AdditionalInfo>,
//                         <CertificateChain>, <Certificate> …) carry no text of their own; the golden
//                         holds libevtx's pretty-print indentation ("\n        ") as their text.
//                         Our documented choice: the value of such a field is the text content of
//                         its descendants concatenated (XPath string value), e.g. the HTTP header
//                         lines of AdditionalInfo, "" when the descendants only carry attributes.
//   lone-newline          a string value that is exactly "\n" (Application_no_crc32 record 441,
//                         ExtraInfo): libevtx prints it as an empty element.
//
// Known differences that do not show up as disagreements:
//
//   * two templates in one BinXml value (Shell-Core record 161: EventData then RenderingInfo):
//     libevtx renders only the first; we walk both but RenderingInfo is not part of the record
//     model, so the fields agree.
//   * libevtx finds fewer records: it aborts part-way through the CAPI2 files (89 / 24 of 459 /
//     340), finds nothing in the two WEC files (bare pre-rendered elements, no template), stops at
//     a zero-size record (sample-with-zero-data-size-event: 114 more behind it), and does not scan
//     past chain breaks or into chunks without a signature (RdpCoreTS, sample_with_a_bad_chunk_magic:
//     records recovered, some with a template definition borrowed from another chunk).
//   * EventRecordID: we report the System EventRecordID like libevtx; exported/filtered logs
//     (Security_short_selected, new-user-security) renumber the record headers.

import { describe, expect, it } from "vitest";
import type { EventRecord } from "../../../src/parsers/types.js";
import { corpusFiles, decodeCorpusFile, golden, type GoldenRecord, haveCorpus, noCorpusReason } from "./corpus.js";
import { sameEvtxValue } from "./sameEvtxValue.js";

/** Measured per file: records we emit and golden records we agree with (pinned: regressions fail). */
const EXPECTED: Record<string, { ours: number; golden: number; agree: number }> = {
  "2-system-Microsoft-Windows-LiveId%4Operational.evtx": { ours: 399, golden: 399, agree: 152 },
  "2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx": { ours: 1973, golden: 1910, agree: 1910 },
  "2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx": { ours: 1795, golden: 1774, agree: 1774 },
  "2-vss_7-System.evtx": { ours: 1160, golden: 1160, agree: 1160 },
  "Application_no_crc32.evtx": { ours: 17, golden: 17, agree: 16 },
  "E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx": { ours: 459, golden: 89, agree: 53 },
  "E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx": { ours: 340, golden: 24, agree: 14 },
  "E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx": { ours: 1146, golden: 1146, agree: 1146 },
  "MSExchange_Management_wec.evtx": { ours: 1, golden: 0, agree: 0 },
  "Microsoft-Windows-HelloForBusiness%4Operational.evtx": { ours: 5, golden: 5, agree: 5 },
  "Microsoft-Windows-LanguagePackSetup%4Operational.evtx": { ours: 16, golden: 16, agree: 16 },
  "Security_short_selected.evtx": { ours: 7, golden: 7, agree: 7 },
  "Security_with_size_t.evtx": { ours: 636, golden: 636, agree: 636 },
  "issue_201.evtx": { ours: 1, golden: 0, agree: 0 },
  "new-user-security.evtx": { ours: 4, golden: 4, agree: 4 },
  "post-Security.evtx": { ours: 126, golden: 126, agree: 126 },
  "sample-with-irregular-bool-values.evtx": { ours: 3028, golden: 3028, agree: 3028 },
  "sample-with-zero-data-size-event.evtx": { ours: 449, golden: 335, agree: 335 },
  "sample_with_a_bad_chunk_magic.evtx": { ours: 380, golden: 267, agree: 267 },
  "security.evtx": { ours: 2261, golden: 2261, agree: 2260 },
  "security_bad_string_cache.evtx": { ours: 2261, golden: 2261, agree: 2260 },
  "sysmon.evtx": { ours: 358, golden: 358, agree: 358 },
  "system.evtx": { ours: 1881, golden: 1881, agree: 1881 },
};

/** Known disagreement classes per file (records, not fields). */
const EXPECTED_CLASSES: Record<string, Record<string, number>> = {
  "2-system-Microsoft-Windows-LiveId%4Operational.evtx": { "libevtx-invalid-xml": 247 },
  "Application_no_crc32.evtx": { "lone-newline": 1 },
  "E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx": { "capi2-whitespace": 36 },
  "E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx": { "capi2-whitespace": 10 },
  "security.evtx": { "libevtx-invalid-xml": 1 },
  "security_bad_string_cache.evtx": { "libevtx-invalid-xml": 1 },
};

/** Why one field value differs, when the reason is a known libevtx behaviour. */
function fieldClass(ours: string | null, gold: string): string {
  if (/^\n\s*$/.test(gold) && gold.length > 1) return "capi2-whitespace";
  if (ours === "\n" && gold === "") return "lone-newline";
  return "unexplained";
}

interface Comparison {
  agree: number;
  classes: Record<string, number>;
  unexplained: string[];
}

function compare(records: EventRecord[], gold: GoldenRecord[]): Comparison {
  const byId = new Map<number, EventRecord>();
  for (const r of records) byId.set(r.recordId, r);
  const out: Comparison = { agree: 0, classes: {}, unexplained: [] };
  const count = (cls: string): void => {
    out.classes[cls] = (out.classes[cls] ?? 0) + 1;
  };
  for (const g of gold) {
    const r = byId.get(g.record_id);
    if (r === undefined) {
      count("missing");
      out.unexplained.push(`${g.record_id}: not decoded`);
      continue;
    }
    if (g.libevtx_xml_invalid) {
      count("libevtx-invalid-xml");
      continue;
    }
    const diffs: string[] = [];
    const check = (what: string, ours: string | number | null, theirs: string | number | null | undefined): void => {
      if (!sameEvtxValue(ours, theirs, { xmlLineEnds: true })) diffs.push(`${what}: ours ${JSON.stringify(ours)}, libevtx ${JSON.stringify(theirs)}`);
    };
    check("EventID", r.eventId, g.event_id);
    check("Qualifiers", r.qualifiers, g.qualifiers);
    check("Provider", r.provider, g.provider);
    check("ProviderGuid", r.providerGuid, g.provider_guid);
    check("TimeCreated", r.timeCreated, g.time_created);
    check("Level", r.level, g.level);
    check("Channel", r.channel, g.channel);
    check("Computer", r.computer, g.computer);
    check("UserID", r.userSid, g.user_sid);
    const fields = g.fields ?? [];
    const classes = new Set<string>();
    if (r.fields.length !== fields.length) {
      diffs.push(`field count: ours ${r.fields.length}, libevtx ${fields.length}`);
    } else {
      fields.forEach(([position, name, value], i) => {
        const f = r.fields[i];
        if (f.position !== position || f.name !== name) {
          diffs.push(`field ${i}: ours ${f.position}/${f.name}, libevtx ${position}/${name}`);
        } else if (!sameEvtxValue(f.value, value, { xmlLineEnds: true })) {
          const cls = fieldClass(f.value, value);
          classes.add(cls);
          if (cls === "unexplained") diffs.push(`field ${name}: ours ${JSON.stringify(f.value)}, libevtx ${JSON.stringify(value)}`);
        }
      });
    }
    if (diffs.length > 0) {
      count("unexplained");
      out.unexplained.push(`${g.record_id}: ${diffs.join("; ")}`);
    } else if (classes.size > 0) {
      for (const c of classes) count(c);
    } else {
      out.agree++;
    }
  }
  return out;
}

describe.skipIf(!haveCorpus)(`EVTX reader vs libevtx goldens (${haveCorpus ? "corpus found" : noCorpusReason})`, () => {
  const files = corpusFiles();
  const totals = { files: 0, ours: 0, golden: 0, agree: 0 };

  it("covers every corpus file with pinned expectations", () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    it(`agrees with libevtx on ${file}`, () => {
      const { records, info } = decodeCorpusFile(file);
      const gold = golden(file);
      const cmp = compare(records, gold);
      const pct = gold.length > 0 ? ((100 * cmp.agree) / gold.length).toFixed(1) : "100.0";
      const classes = Object.entries(cmp.classes).map(([k, v]) => `${k} ${v}`).join(", ");
      console.log(`${file}: ours ${records.length}, golden ${gold.length}, agree ${cmp.agree} (${pct}%)${classes ? ` [${classes}]` : ""}`);
      totals.files++;
      totals.ours += records.length;
      totals.golden += gold.length;
      totals.agree += cmp.agree;

      const exp = EXPECTED[file];
      expect(gold.length).toBe(exp.golden);
      expect(records.length).toBeGreaterThanOrEqual(gold.length);
      expect(records.length).toBeGreaterThanOrEqual(exp.ours);
      expect(info.records).toBe(records.length);
      expect(cmp.agree).toBeGreaterThanOrEqual(exp.agree);
      expect(cmp.unexplained.slice(0, 5)).toEqual([]);
      expect(cmp.classes).toEqual(EXPECTED_CLASSES[file] ?? {});
      // Each record id is emitted at most once.
      expect(new Set(records.map((r) => r.recordId)).size).toBe(records.length);
    });
  }

  it("agrees overall", () => {
    if (totals.files !== files.length) return; // some file tests were filtered out
    const pct = ((100 * totals.agree) / totals.golden).toFixed(2);
    console.log(`TOTAL: ours ${totals.ours}, golden ${totals.golden}, agree ${totals.agree} (${pct}%)`);
    expect(totals.agree).toBeGreaterThanOrEqual(17408);
    expect(totals.ours).toBeGreaterThanOrEqual(18703);
  });
});

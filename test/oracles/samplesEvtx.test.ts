// Oracle over the committed samples: every EVTX file under samples/ (loose, and inside the sample .zip
// files, read with the project's own zip reader) is exported with libevtx's `evtxexport -f xml -m all`
// and every record compared with what readEvtx (src/parsers/evtx) decodes: record id, TimeCreated,
// provider name and GUID, EventID, Qualifiers, Version, Level, Task, Opcode, Keywords, ProcessID,
// ThreadID, ActivityID, Channel, Computer, UserID and every EventData/UserData field (name, value, order).
// Running evtxexport and parsing its XML reuse test/evtxWriter/libevtxOracle.ts.
//
// Normalized because they are only spelling (test/parsers/evtx/sameEvtxValue.ts, shared with differential.test.ts):
//   * hex: libevtx pads Keywords/HexInt32/HexInt64 (0x%016x, 0x%08x); ours is 0x + unpadded lowercase →
//     compared as numbers;
//   * time: libevtx prints 9 fractional digits (the last two always 00), ours 7 → ours a prefix, the rest zeros;
//   * GUID: case-insensitive;
//   * a NULL value (ours null) vs libevtx's empty element text "".
// Not compared: EventSourceName and RelatedActivityID (not part of readEvtx's EventRecord model).
//
// Disagreements: none. The one sample where they could differ, damaged-chunk/System.evtx (slot 1 overwritten
// with garbage by corruptChunk, seed 7), agrees too: neither reader finds any of the 100 records of that
// chunk, both emit the same 208 records of the intact chunks, and `-m all` recovers nothing more. Any
// difference (a record only one side emits, or any compared value) fails the test.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openZip, readZipEntry } from "../../src/evidence/archive.js";
import { readEvtx } from "../../src/parsers/evtx/index.js";
import type { EventRecord } from "../../src/parsers/types.js";
import { evtxexportVersion, parseEvtxexportXml, runEvtxexport, type Rendered } from "../evtxWriter/libevtxOracle.js";
import { sameEvtxValue } from "../parsers/evtx/sameEvtxValue.js";

const samplesDir = path.resolve(__dirname, "..", "..", "samples");
const libevtx = evtxexportVersion();
if (!libevtx) {
  console.warn(
    "oracles/samplesEvtx: `evtxexport` (Debian libevtx-utils) not found — the libevtx oracle over samples/ is SKIPPED. " +
      "Install it with `apt-get install -y libevtx-utils` (CI does).",
  );
}

interface EvtxInput {
  /** samples-relative label; `archive.zip!/entry` for zip members. */
  label: string;
  bytes: Uint8Array;
}

function walk(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).sort();
}

/** Every .evtx in samples/, loose or inside a sample zip (read with src/evidence/archive.ts). */
function sampleEvtxFiles(): EvtxInput[] {
  const out: EvtxInput[] = [];
  for (const file of walk(samplesDir)) {
    const rel = path.relative(samplesDir, file).split(path.sep).join("/");
    if (/\.evtx$/i.test(file)) out.push({ label: rel, bytes: readFileSync(file) });
    if (/\.zip$/i.test(file)) {
      const zip = readFileSync(file);
      const listing = openZip(zip);
      expect(listing.problems, rel).toEqual([]);
      for (const entry of listing.entries) {
        if (!/\.evtx$/i.test(entry.name)) continue;
        const { data, problems } = readZipEntry(zip, entry);
        expect(problems, `${rel}!/${entry.name}`).toEqual([]);
        out.push({ label: `${rel}!/${entry.name}`, bytes: data! });
      }
    }
  }
  return out;
}

interface FileComparison {
  ours: number;
  libevtx: number;
  compared: number;
  fieldsCompared: number;
  onlyOurs: number[];
  onlyLibevtx: string[];
  mismatches: string[];
}

function compareFile(records: EventRecord[], rendered: Rendered[]): FileComparison {
  const out: FileComparison = { ours: records.length, libevtx: rendered.length, compared: 0, fieldsCompared: 0, onlyOurs: [], onlyLibevtx: [], mismatches: [] };
  const ours = new Map(records.map((r) => [String(r.recordId), r]));
  const seen = new Set<string>();
  for (const t of rendered) {
    const r = ours.get(t.recordId);
    if (!r) {
      out.onlyLibevtx.push(t.recordId);
      continue;
    }
    if (seen.has(t.recordId)) {
      out.mismatches.push(`${t.recordId}: libevtx printed the record twice`);
      continue;
    }
    seen.add(t.recordId);
    out.compared++;
    const diffs: string[] = [];
    const check = (what: string, a: string | number | null, b: string | null): void => {
      out.fieldsCompared++;
      if (!sameEvtxValue(a, b)) diffs.push(`${what}: ours ${JSON.stringify(a)}, libevtx ${JSON.stringify(b)}`);
    };
    check("TimeCreated", r.timeCreated, t.time);
    check("Provider", r.provider, t.provider);
    check("ProviderGuid", r.providerGuid, t.providerGuid);
    check("EventID", r.eventId, t.eventId);
    check("Qualifiers", r.qualifiers, t.qualifiers);
    check("Version", r.version, t.version);
    check("Level", r.level, t.level);
    check("Task", r.task, t.task);
    check("Opcode", r.opcode, t.opcode);
    check("Keywords", r.keywords, t.keywords);
    check("ProcessID", r.processId, t.processId);
    check("ThreadID", r.threadId, t.threadId);
    check("ActivityID", r.activityId, t.activityId);
    check("Channel", r.channel, t.channel);
    check("Computer", r.computer, t.computer);
    check("UserID", r.userSid, t.userSid);
    if (r.fields.length !== t.fields.length) {
      diffs.push(`field count: ours ${r.fields.length} ${JSON.stringify(r.fields.map((f) => f.name))}, libevtx ${t.fields.length} ${JSON.stringify(t.fields.map((f) => f[0]))}`);
    } else {
      r.fields.forEach((f, i) => {
        const [name, value] = t.fields[i];
        out.fieldsCompared++;
        if (f.position !== i) diffs.push(`field ${i}: position ${f.position}`);
        if (f.name !== name) diffs.push(`field ${i}: name ours ${JSON.stringify(f.name)}, libevtx ${JSON.stringify(name)}`);
        else if (!sameEvtxValue(f.value, value)) diffs.push(`field ${i} ${name}: ours ${JSON.stringify(f.value)}, libevtx ${JSON.stringify(value)}`);
      });
    }
    if (diffs.length) out.mismatches.push(`record ${t.recordId}: ${diffs.join("; ")}`);
  }
  for (const r of records) if (!seen.has(String(r.recordId))) out.onlyOurs.push(r.recordId);
  return out;
}

describe.skipIf(!libevtx)(`samples/**/*.evtx: readEvtx vs libevtx (evtxexport ${libevtx ?? "missing"})`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "samples-evtx-oracle-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = sampleEvtxFiles();
  const totals = { files: 0, records: 0, fields: 0, mismatches: 0, onlyOurs: 0, onlyLibevtx: 0 };

  it("finds the sample logs, including those inside the zips", () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.filter((f) => f.label.includes(".zip!/")).length).toBe(2);
  });

  files.forEach((f, i) => {
    it(`agrees on every record of ${f.label}`, () => {
      const file = path.join(dir, `${i}.evtx`);
      writeFileSync(file, f.bytes);
      const { xml, status, stderr } = runEvtxexport(file, ["-m", "all"]);
      expect(status, stderr).toBe(0);
      const rendered = parseEvtxexportXml(xml);
      // Every record libevtx printed was parsed (none silently dropped by the XML extraction).
      expect(rendered.length).toBe((xml.match(/<Event xmlns=/g) ?? []).length);
      const records: EventRecord[] = [];
      readEvtx(f.bytes, (r) => records.push(r));
      const cmp = compareFile(records, rendered);
      totals.files++;
      totals.records += cmp.compared;
      totals.fields += cmp.fieldsCompared;
      totals.mismatches += cmp.mismatches.length;
      totals.onlyOurs += cmp.onlyOurs.length;
      totals.onlyLibevtx += cmp.onlyLibevtx.length;
      expect(cmp.mismatches).toEqual([]);
      expect(cmp.onlyOurs, "records only readEvtx emits").toEqual([]);
      expect(cmp.onlyLibevtx, "records only libevtx emits").toEqual([]);
      expect(cmp.compared).toBeGreaterThan(0);
    });
  });

  it("the comparison catches a changed value, a changed field name and a missing record", () => {
    const f = files.find((x) => x.label.startsWith("rdp-brute-force/") && x.label.endsWith("Security.evtx"))!;
    const file = path.join(dir, "meta.evtx");
    writeFileSync(file, f.bytes);
    const rendered = parseEvtxexportXml(runEvtxexport(file).xml);
    const records: EventRecord[] = [];
    readEvtx(f.bytes, (r) => records.push(r));
    expect(compareFile(records, rendered).mismatches).toEqual([]);
    const changed = records.map((r, i) =>
      i === 3 ? { ...r, keywords: "0x8010000000000001", fields: r.fields.map((x, j) => (j === 7 ? { ...x, value: "0xc000006e" } : j === 9 ? { ...x, name: "Other" } : x)) } : r,
    );
    const cmp = compareFile(changed.slice(0, -1), rendered);
    expect(cmp.mismatches).toHaveLength(1);
    expect(cmp.mismatches[0]).toMatch(/Keywords.*field 7 \w+: ours "0xc000006e".*field 9: name ours "Other"/);
    expect(cmp.onlyLibevtx).toHaveLength(1);
  });

  afterAll(() => {
    console.log(
      `[oracle] samples evtx: ${totals.files} files, ${totals.records} records and ${totals.fields} System/payload values compared with libevtx, ` +
        `${totals.mismatches} mismatching records, ${totals.onlyOurs} only in readEvtx, ${totals.onlyLibevtx} only in libevtx`,
    );
  });
});

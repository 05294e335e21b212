// Oracle over the raw hives shipped in the zipped samples (samples/caselogs-zip, samples/disk-inspect-zip):
// every key, every value (name, type, data) and every key's DACL that our hive reader (src/parsers/hive
// readHive) reads must equal what reglookup and libregf's regfexport read from the same bytes. The zips
// are opened with the project's own reader (src/evidence/archive.ts openZip/readZipEntry); running and
// parsing the oracles reuses test/parsers/hive/oracle.ts.
//
// Known limits of the oracles, applied as in test/parsers/hive/readHive.test.ts: reglookup converts names
// and text to US-ASCII (non-ASCII ones are skipped; these hives have none), regfexport misreads 1–3-byte
// resident data (none here). Disagreements found: none.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openZip, readZipEntry } from "../../src/evidence/archive.js";
import { hiveNameFromFileName, isRegf, readHive } from "../../src/parsers/hive/index.js";
import { belowRoot, compareWithOracle, hasTool, parseReglookupDacl, reglookupCanRender, runReglookup, runRegfexport } from "../parsers/hive/oracle.js";

const samplesDir = path.resolve(__dirname, "..", "..", "samples");
const ZIPPED_SAMPLES = ["caselogs-zip", "disk-inspect-zip"];
const haveReglookup = hasTool("reglookup");
const haveRegfexport = hasTool("regfexport");
if (!haveReglookup || !haveRegfexport) {
  console.warn(
    `oracles/sampleHives: ${[!haveReglookup && "reglookup", !haveRegfexport && "regfexport (libregf-utils)"].filter(Boolean).join(" and ")} not found — ` +
      "those hive oracle tests over the zipped samples are SKIPPED. Install with `apt-get install -y reglookup libregf-utils`.",
  );
}

interface SampleHive {
  label: string;
  hiveName: string;
  bytes: Uint8Array;
}

/** Every regf file inside the zipped samples. */
function sampleHives(): SampleHive[] {
  const out: SampleHive[] = [];
  for (const sample of ZIPPED_SAMPLES) {
    const dir = path.join(samplesDir, sample);
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".zip")).sort()) {
      const zip = readFileSync(path.join(dir, f));
      const listing = openZip(zip);
      expect(listing.problems).toEqual([]);
      for (const entry of listing.entries) {
        const hiveName = hiveNameFromFileName(entry.name);
        if (!hiveName) continue;
        const { data, problems } = readZipEntry(zip, entry);
        expect(problems).toEqual([]);
        expect(isRegf(data!)).toBe(true);
        out.push({ label: `${sample}/${f}!/${entry.name}`, hiveName, bytes: data! });
      }
    }
  }
  return out;
}

const hives = sampleHives();
const totals = { reglookupValues: 0, regfexportValues: 0, keys: 0, dacls: 0, aces: 0, mismatches: 0 };

describe("raw hives inside the zipped samples", () => {
  it("are found: SYSTEM and SOFTWARE in each of the two zips, read without problems", () => {
    expect(hives.map((h) => h.label.replace(/!.*\//, "!/"))).toEqual([
      "caselogs-zip/CaseLogs_2026-11-21_04.02.17_UTC.zip!/SYSTEM",
      "caselogs-zip/CaseLogs_2026-11-21_04.02.17_UTC.zip!/SOFTWARE",
      "disk-inspect-zip/diskinspect-diagnostic.zip!/SYSTEM",
      "disk-inspect-zip/diskinspect-diagnostic.zip!/SOFTWARE",
    ]);
    for (const h of hives) expect(readHive(h.bytes, { hiveName: h.hiveName }).problems, h.label).toEqual([]);
  });
});

const dir = mkdtempSync(path.join(tmpdir(), "sample-hives-oracle-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `[oracle] sample hives: ${hives.length} hives; values compared: reglookup ${totals.reglookupValues}, regfexport ${totals.regfexportValues}; ` +
      `keys compared ${totals.keys}; DACLs compared ${totals.dacls} (${totals.aces} ACEs); mismatches ${totals.mismatches}`,
  );
});

function save(h: SampleHive, i: number): string {
  const file = path.join(dir, `${i}-${h.hiveName}`);
  writeFileSync(file, h.bytes);
  return file;
}

describe.skipIf(!haveReglookup)("oracle: reglookup over the sample hives", () => {
  hives.forEach((h, i) => {
    it(`agrees on every key, value and DACL of ${h.label}`, () => {
      const file = save(h, i);
      const rl = runReglookup(file, true);
      expect(rl.warnings).toBe("");
      const keyPaths = rl.keys.map((k) => k.path);
      // Every key's DACL as our reader decodes it: ask readHive for all of them.
      const ours = readHive(h.bytes, { hiveName: h.hiveName, aclKeys: keyPaths });
      expect(ours.problems).toEqual([]);

      const values = compareWithOracle(ours.values, h.hiveName, rl.values, "reglookup", reglookupCanRender);
      console.log(`[oracle] reglookup ${h.label}: ${values.compared} values compared, ${values.skipped.length} skipped, ${values.mismatches.length} mismatches`);
      totals.reglookupValues += values.compared;
      totals.mismatches += values.mismatches.length;
      expect(values.mismatches).toEqual([]);
      expect(values.skipped).toEqual([]);
      expect(values.compared).toBe(ours.values.length);

      const ourKeys = ours.keys.map((k) => belowRoot(k.rawKey, h.hiveName));
      expect([...ourKeys].sort()).toEqual([...keyPaths].sort());
      totals.keys += ourKeys.length;

      for (const k of rl.keys) {
        const theirs = parseReglookupDacl(k.dacl ?? "");
        const logical = (p: string) => p.toUpperCase();
        const mine = ours.acls
          .filter((a) => logical(belowRoot(rawOf(a.path, h.hiveName, ours), h.hiveName)) === logical(k.path))
          .map((a) => ({ sid: a.sid, access: a.access, mask: a.mask, flags: [...a.flags].sort(), inherited: a.inherited }));
        expect(mine, `DACL of ${k.path}`).toEqual(theirs);
        totals.dacls++;
        totals.aces += theirs.length;
      }
      // What disk-inspect-zip's finding rests on is among the compared ACEs: the Deny for SYSTEM on the store key.
      if (h.label.startsWith("disk-inspect-zip/") && h.hiveName === "SOFTWARE") {
        const store = parseReglookupDacl(rl.keys.find((k) => k.path === "Microsoft\\SystemCertificates\\Remote Desktop")!.dacl ?? "");
        expect(store[0]).toMatchObject({ sid: "S-1-5-18", access: "deny" });
      }
    });
  });
});

/** AclEntry rows name the logical key (HKLM\SYSTEM\CurrentControlSet\…); map it back to the raw key. */
function rawOf(logicalPath: string, hive: string, r: ReturnType<typeof readHive>): string {
  const k = r.keys.find((x) => x.key.toUpperCase() === logicalPath.toUpperCase());
  if (!k) throw new Error(`ACL row for ${logicalPath}, a key readHive did not list`);
  return k.rawKey;
}

describe.skipIf(!haveRegfexport)("oracle: regfexport (libregf) over the sample hives", () => {
  hives.forEach((h, i) => {
    it(`agrees on every key (in order) and value of ${h.label}`, () => {
      const file = save(h, i);
      const rx = runRegfexport(file);
      expect(rx.stderr).toBe("");
      const ours = readHive(h.bytes, { hiveName: h.hiveName });
      const values = compareWithOracle(ours.values, h.hiveName, rx.values, "regfexport");
      console.log(`[oracle] regfexport ${h.label}: ${values.compared} values compared, ${values.skipped.length} skipped, ${values.mismatches.length} mismatches`);
      totals.regfexportValues += values.compared;
      totals.mismatches += values.mismatches.length;
      expect(values.mismatches).toEqual([]);
      expect(values.skipped).toEqual([]);
      expect(values.compared).toBe(ours.values.length);
      expect(rx.keys.map((k) => k.path)).toEqual(ours.keys.map((k) => belowRoot(k.rawKey, h.hiveName)));
    });
  });
});

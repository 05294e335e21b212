import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { extractZipSafely } from "../../src/evidence/archive.js";
import { openIndex } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import type { Report } from "../../src/report/findings.js";

const samples = path.resolve(__dirname, "..", "..", "samples");
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

async function analyze(input: string): Promise<Report> {
  const db = openIndex(":memory:");
  try {
    await ingestFolder(input, db);
    return buildReport(db, { generatedAt: "2000-01-01T00:00:00.000Z" });
  } finally {
    db.close();
  }
}

/** What a finding says, without where its evidence files sit (`x.zip!/a/b` vs `a/b`). */
function verdicts(report: Report) {
  return report.findings.map((f) => ({
    scenario: f.scenario,
    confidence: f.confidence,
    subCause: f.subCause,
    cause: f.cause,
    evidence: f.evidence.map((e) => ({ ...e, source: e.source.replace(/^.*\.zip!\//, "") })),
    scripts: f.remediation.map((r) => r.script),
  }));
}

describe("zipped samples", () => {
  for (const name of ["caselogs-zip", "disk-inspect-zip"]) {
    it(`${name}: the zip read in place gives the same findings as its unpacked folder`, async () => {
      const zip = readdirSync(path.join(samples, name)).find((f) => f.endsWith(".zip"))!;
      const zipPath = path.join(samples, name, zip);
      const unpacked = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-unzipped-"));
      temps.push(unpacked);
      const { problems } = extractZipSafely(zipPath, unpacked);
      expect(problems).toEqual([]);
      const fromZip = await analyze(zipPath);
      const fromFolder = await analyze(unpacked);
      expect(fromZip.findings.length).toBeGreaterThan(0);
      expect(verdicts(fromZip)).toEqual(verdicts(fromFolder));
      expect(fromZip.sources.every((s) => s.path.startsWith(zip) || s.path === "(evidence folder)")).toBe(true);
    });
  }

  it("leaves no unpacked files behind in the temporary folder", async () => {
    const before = readdirSync(os.tmpdir()).filter((n) => n.startsWith("rdp-triage-archives-"));
    await analyze(path.join(samples, "caselogs-zip"));
    const after = readdirSync(os.tmpdir()).filter((n) => n.startsWith("rdp-triage-archives-"));
    expect(after).toEqual(before);
  });
});

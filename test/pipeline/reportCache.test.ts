import { afterEach, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openIndex, type Db } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import { buildReportCached, codeFingerprint, reportCacheKey } from "../../src/pipeline/reportCache.js";
import type { Report } from "../../src/report/findings.js";

const sample = path.resolve(__dirname, "..", "..", "samples", "rdp-cert-access-denied");
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function copyOfSample(): { folder: string; dbFile: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-cache-"));
  temps.push(dir);
  const folder = path.join(dir, "evidence");
  cpSync(sample, folder, { recursive: true });
  return { folder, dbFile: path.join(dir, "index.sqlite") };
}

/** Marks the stored verdict so that a reuse is visible: a recomputed report never carries the mark. */
function markStoredVerdict(db: Db): void {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'report_cache'").get() as { value: string };
  const cached = JSON.parse(row.value) as { key: string; report: Report };
  cached.report.evidenceRoot = "REUSED";
  db.prepare("UPDATE meta SET value = ? WHERE key = 'report_cache'").run(JSON.stringify(cached));
}

describe("the verdict memoized in the index (analyze --db re-runs)", () => {
  it("computes the same report as buildReport, then reuses it while nothing changed, with a fresh time and case header", async () => {
    const { folder, dbFile } = copyOfSample();
    const db = openIndex(dbFile);
    try {
      await ingestFolder(folder, db);
      const first = await buildReportCached(db, { generatedAt: "2026-11-28T00:00:00.000Z" });
      expect(first).toEqual(buildReport(db, { generatedAt: "2026-11-28T00:00:00.000Z" }));
      expect(first.findings.map((f) => f.scenario)).toEqual(["rdp-cert-machinekeys"]);
      markStoredVerdict(db);
      await ingestFolder(folder, db);
      const again = await buildReportCached(db, { generatedAt: "2026-11-29T00:00:00.000Z", case: { caseId: "SR-2" } });
      expect(again.evidenceRoot).toBe("REUSED");
      expect(again.generatedAt).toBe("2026-11-29T00:00:00.000Z");
      expect(again.case).toEqual({ caseId: "SR-2" });
      expect(again.findings).toEqual(first.findings);
    } finally {
      db.close();
    }
  });

  it("judges again when a source changes, when an option changes, or when the stored verdict is damaged", async () => {
    const { folder, dbFile } = copyOfSample();
    const db = openIndex(dbFile);
    try {
      await ingestFolder(folder, db);
      await buildReportCached(db);
      markStoredVerdict(db);
      // Another language or as-of time is another verdict.
      expect((await buildReportCached(db, { lang: "ja" })).evidenceRoot).not.toBe("REUSED");
      markStoredVerdict(db);
      expect((await buildReportCached(db, { asOf: "2026-12-01T00:00:00Z" })).evidenceRoot).not.toBe("REUSED");
      // A changed file (new hash) is another verdict: here the ACL dump disappears from the evidence.
      await buildReportCached(db);
      markStoredVerdict(db);
      writeFileSync(path.join(folder, "acl", "machinekeys.txt"), "not an icacls dump any more\r\n");
      await ingestFolder(folder, db);
      const changed = await buildReportCached(db);
      expect(changed.evidenceRoot).not.toBe("REUSED");
      expect(changed.sources.find((s) => s.path === "acl/machinekeys.txt")?.kind).toBe("unknown");
      // A damaged cache row is recomputed, not an error.
      db.prepare("UPDATE meta SET value = '{not json' WHERE key = 'report_cache'").run();
      expect((await buildReportCached(db)).findings.length).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it("keys on the code that judged it: the running modules and templates, not only the version", () => {
    const db = openIndex(":memory:");
    try {
      expect(codeFingerprint()).toMatch(/^[0-9a-f]{64}$/);
      expect(reportCacheKey(db, {})).toBe(reportCacheKey(db, {}));
      expect(reportCacheKey(db, {})).not.toBe(reportCacheKey(db, { drive: "F:" }));
      // The same files read from another place or another archive are another report (custody differs).
      const before = reportCacheKey(db, {});
      db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('evidence_archives', ?)").run(JSON.stringify([{ path: "a.zip", size: 1, sha256: "00", entries: 1 }]));
      expect(reportCacheKey(db, {})).not.toBe(before);
    } finally {
      db.close();
    }
  });
});

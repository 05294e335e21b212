import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeEvtx } from "../../src/evtxWriter/index.js";
import { writeHive } from "../../src/hiveWriter/index.js";
import { ingestFolder, type IngestProgress } from "../../src/ingest/ingestFolder.js";
import { openIndex } from "../../src/store/db.js";
import { RECORDS_PER_PROGRESS } from "../../src/store/writer.js";
import { at, systemBackground } from "../../scripts/samples/events.js";

// A Security log of hundreds of MB, or a SOFTWARE hive, is a single file for minutes: the progress a
// terminal shows must move inside it (rows so far), not only when a file is done.

const root = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-progress-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RECORDS = 3 * RECORDS_PER_PROGRESS + 100;

describe("ingest progress", () => {
  it("reports records within one large log, rising, before the file is done, then once per file", async () => {
    const background = systemBackground("2026-01-01T00:00:00Z", "vm-progress01", 50);
    const events = Array.from({ length: RECORDS }, (_, i) => ({
      ...background[i % background.length],
      timeCreated: at("2026-01-01T00:00:00Z", i, i),
      recordId: i + 1,
    }));
    writeFileSync(path.join(root, "System.evtx"), writeEvtx(events));
    writeFileSync(path.join(root, "Application.evtx"), writeEvtx(events.slice(0, 10)));
    const calls: IngestProgress[] = [];
    const db = openIndex(":memory:");
    try {
      const summary = await ingestFolder(root, db, { onProgress: (p) => calls.push({ ...p }) });
      expect(summary.records).toBe(RECORDS + 10);
    } finally {
      db.close();
    }
    const system = calls.filter((c) => c.file === "System.evtx");
    const finished = system.at(-1)!;
    const during = system.slice(0, -1);
    // Every RECORDS_PER_PROGRESS events while the file is still being read: three here.
    expect(during).toHaveLength(Math.floor(RECORDS / RECORDS_PER_PROGRESS));
    for (const [i, c] of during.entries()) {
      expect(c.done).toBe(finished.done - 1);
      expect(c.records - (during[0].records - RECORDS_PER_PROGRESS)).toBe((i + 1) * RECORDS_PER_PROGRESS);
    }
    const recordsSeen = calls.map((c) => c.records);
    expect([...recordsSeen].sort((a, b) => a - b)).toEqual(recordsSeen); // never goes backwards
    expect(calls.at(-1)).toMatchObject({ done: 2, total: 2, records: RECORDS + 10 });
  });
});

describe("ingest progress in a hive", () => {
  it("reports registry values within one large hive the same way", async () => {
    const dir = path.join(root, "hive");
    mkdirSync(path.join(dir, "config"), { recursive: true });
    const VALUES = 2 * RECORDS_PER_PROGRESS + 10;
    const keys = Array.from({ length: 20 }, (_, k) => ({
      name: `Vendor${k}`,
      values: Array.from({ length: Math.ceil(VALUES / 20) }, (_, v) => ({ name: `Setting${v}`, type: "REG_DWORD" as const, data: v })),
    }));
    writeFileSync(path.join(dir, "config", "SOFTWARE"), writeHive({ name: "ROOT", keys: [{ name: "Contoso", subkeys: keys }] }));
    const calls: IngestProgress[] = [];
    const db = openIndex(":memory:");
    try {
      await ingestFolder(dir, db, { onProgress: (p) => calls.push({ ...p }) });
      const stored = (db.prepare("SELECT count(*) AS n FROM registry_values").get() as { n: number }).n;
      expect(stored).toBeGreaterThanOrEqual(VALUES);
      expect(calls.filter((c) => c.done === 0)).toHaveLength(Math.floor(stored / RECORDS_PER_PROGRESS));
      expect(calls.at(-1)).toMatchObject({ done: 1, total: 1, records: stored });
    } finally {
      db.close();
    }
  });
});

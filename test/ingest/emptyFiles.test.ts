import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openIndex, type Db } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";

// A zero-byte file is evidence that something went wrong (most often an interrupted copy): it is
// listed as a source like any file and carries a problem row saying so, never silently "unknown".

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-empty-"));
  made.push(d);
  return d;
}

function rows(db: Db) {
  const sources = db.prepare("SELECT path, kind, size FROM sources ORDER BY path").all();
  const problems = db
    .prepare("SELECT s.path, p.code, p.message FROM problems p JOIN sources s ON s.id = p.source_id ORDER BY s.path, p.id")
    .all() as { path: string; code: string; message: string }[];
  return { sources, problems };
}

describe("zero-byte files", () => {
  it("are listed as sources, each with an evidence.empty problem naming it", async () => {
    const root = tempDir();
    mkdirSync(path.join(root, "Logs"));
    writeFileSync(path.join(root, "Logs", "System.evtx"), "");
    writeFileSync(path.join(root, "acl.txt"), "");
    writeFileSync(path.join(root, "notes.txt"), "not empty\r\n");
    const db = openIndex(":memory:");
    const summary = await ingestFolder(root, db);
    expect(summary.files).toBe(3);
    expect(summary.problems).toBe(2);
    const { sources, problems } = rows(db);
    expect(sources).toEqual([
      { path: "Logs/System.evtx", kind: "unknown", size: 0 },
      { path: "acl.txt", kind: "unknown", size: 0 },
      { path: "notes.txt", kind: "unknown", size: 11 },
    ]);
    expect(problems).toEqual([
      { path: "Logs/System.evtx", code: "evidence.empty", message: "Logs/System.evtx: empty file (0 bytes): nothing to read — was the copy interrupted?" },
      { path: "acl.txt", code: "evidence.empty", message: "acl.txt: empty file (0 bytes): nothing to read — was the copy interrupted?" },
    ]);
    db.close();
  });

  it("keep their one row across re-runs, and lose it once the file has content", async () => {
    const root = tempDir();
    const file = path.join(root, "System.evtx");
    writeFileSync(file, "");
    const db = openIndex(":memory:");
    await ingestFolder(root, db);
    await ingestFolder(root, db, { rehash: true });
    expect(rows(db).problems.map((p) => p.code)).toEqual(["evidence.empty"]);
    writeFileSync(file, "some text now\r\n");
    await ingestFolder(root, db, { rehash: true });
    expect(rows(db).problems).toEqual([]);
    db.close();
  });

  it("an empty transaction log next to its hive is worded as the normal state it is", async () => {
    const root = tempDir();
    // The wording only needs the primary's file next to the log (its content is not looked at for this).
    writeFileSync(path.join(root, "SYSTEM"), "stands for a primary hive\r\n");
    writeFileSync(path.join(root, "SYSTEM.LOG1"), "");
    const db = openIndex(":memory:");
    await ingestFolder(root, db);
    const log = rows(db).problems.find((p) => p.path === "SYSTEM.LOG1")!;
    expect(log.code).toBe("evidence.empty");
    expect(log.message).toBe(
      "SYSTEM.LOG1: empty file (0 bytes): a transaction log of SYSTEM with nothing to replay (normal when the hive was flushed cleanly)",
    );
    db.close();
  });
});

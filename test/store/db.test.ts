import { afterAll, describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openIndex } from "../../src/store/db.js";

// The index is the customer's evidence in one file: a new one is private to its owner, like the
// temporary folders rdp-triage unpacks into. File modes mean nothing on Windows: checked elsewhere only.

const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-db-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (file: string) => statSync(file).mode & 0o777;

describe.skipIf(process.platform === "win32")("openIndex file modes (skipped on Windows)", () => {
  it("creates a new index, and the WAL files SQLite adds, readable and writable by the owner only", () => {
    const file = path.join(dir, "new.sqlite");
    const db = openIndex(file);
    try {
      db.prepare("INSERT INTO meta(key, value) VALUES ('probe', 'x')").run();
      expect(mode(file)).toBe(0o600);
      for (const extra of ["-wal", "-shm"]) if (existsSync(file + extra)) expect(mode(file + extra)).toBe(0o600);
      expect(existsSync(file + "-wal")).toBe(true);
    } finally {
      db.close();
    }
  });

  it("leaves the mode of an existing index as its owner set it", () => {
    const file = path.join(dir, "shared.sqlite");
    openIndex(file).close();
    chmodSync(file, 0o640);
    openIndex(file).close();
    expect(mode(file)).toBe(0o640);
  });

  it("opens an empty file given as --db as a new index, keeping its mode", () => {
    const file = path.join(dir, "empty.sqlite");
    writeFileSync(file, "", { mode: 0o644 });
    chmodSync(file, 0o644);
    const db = openIndex(file);
    expect((db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value).toMatch(/^\d+$/);
    db.close();
    expect(mode(file)).toBe(0o644);
  });
});

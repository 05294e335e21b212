import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

// What a user's own paths can get wrong (an output under a file, a folder given as a file, a --db that
// is not an index, a damaged index) is a usage error: exit 2, one line naming the file and what to do,
// never "internal error" with a stack trace (exit 3), and the file given by mistake is left untouched.
const cli = path.resolve(__dirname, "..", "..", "dist", "src", "cli", "bin.js");
const evidence = path.resolve(__dirname, "..", "..", "samples", "offline-mount-name");
let dir: string;
let notes: string; // a text file, as README.md is
let notesBytes: Buffer;

function run(...args: string[]) {
  const r = spawnSync("node", [cli, ...args], { encoding: "utf8", timeout: 120_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, no stack trace, and exactly one `rdp-triage:` line on stderr (the indexing summary may precede it). */
function expectUsageError(r: ReturnType<typeof run>, message: RegExp): void {
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("rdp-triage:"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-outerr-"));
  notes = path.join(dir, "notes.md");
  notesBytes = Buffer.from("# Case notes\n\nNot an SQLite database.\n");
  writeFileSync(notes, notesBytes);
  mkdirSync(path.join(dir, "out"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("output files the user cannot write", () => {
  it("analyze --out under a file: exit 2 before reading the evidence, naming the file", () => {
    const r = run("analyze", evidence, "--out", "notes.md/report.html");
    expectUsageError(r, /cannot write --out notes\.md\/report\.html: .*notes\.md is a file, not a folder/);
    expect(r.stderr).not.toMatch(/Indexed/); // refused before any work
    expect(readFileSync(notes)).toEqual(notesBytes);
  });

  it("analyze --json and --case-md under a file, and --out naming a folder", () => {
    expectUsageError(run("analyze", evidence, "--out", "out/r.html", "--json", "notes.md/f.json"), /cannot write --json notes\.md\/f\.json/);
    expectUsageError(run("analyze", evidence, "--out", "out/r.html", "--case-md", "notes.md/c.md"), /cannot write --case-md notes\.md\/c\.md/);
    expectUsageError(run("analyze", evidence, "--out", "out"), /cannot write --out out: it is a folder, not a file/);
    expect(existsSync(path.join(dir, "out", "r.html"))).toBe(false);
  });

  it("analyze --out in a folder that does not exist yet still works (the folder is created)", () => {
    const r = run("analyze", evidence, "--out", "new/sub/report.html");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, "new", "sub", "report.html"))).toBe(true);
  });

  it("report --out, check --junit and collect --out under a file", () => {
    const db = path.join(dir, "good.sqlite");
    expect(run("index", evidence, "--db", db).code).toBe(0);
    expectUsageError(run("report", "--db", db, "--format", "json", "--out", "notes.md/f.json"), /cannot write --out notes\.md\/f\.json/);
    expectUsageError(run("check", evidence, "--junit", "notes.md/results.xml"), /cannot write --junit notes\.md\/results\.xml/);
    expectUsageError(run("collect", "--out", "notes.md/c.ps1"), /cannot write --out notes\.md\/c\.ps1/);
    expect(readFileSync(notes)).toEqual(notesBytes);
  });

  it("an output folder without write permission (skipped as root, who may write anywhere)", () => {
    if (process.getuid?.() === 0) return;
    const locked = path.join(dir, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      expectUsageError(run("analyze", evidence, "--out", path.join(locked, "r.html")), /cannot write --out .*locked\/r\.html: no permission to write in/);
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});

describe("--db files that are not an rdp-triage index", () => {
  it("analyze, index and report with --db naming a text file: exit 2, and the file is not touched", () => {
    const message = /notes\.md is not an rdp-triage index \(not an SQLite database\): give --db a new file name/;
    expectUsageError(run("analyze", evidence, "--db", "notes.md", "--out", "out/r.html"), message);
    expectUsageError(run("index", evidence, "--db", "notes.md"), message);
    expectUsageError(run("report", "--db", "notes.md"), message);
    expect(readFileSync(notes)).toEqual(notesBytes);
    expect(readdirSync(dir).filter((f) => f.startsWith("notes.md"))).toEqual(["notes.md"]); // no -wal/-shm left
  });

  it("--db naming a folder, or a path under a file", () => {
    expectUsageError(run("index", evidence, "--db", "out"), /--db out is a folder: give the index file name/);
    expectUsageError(run("analyze", evidence, "--db", "notes.md/idx.sqlite", "--out", "out/r.html"), /cannot open the index notes\.md\/idx\.sqlite: .*ENOTDIR/);
  });

  it("another program's SQLite database is refused, not written into", () => {
    const foreign = path.join(dir, "app.db");
    const d = new Database(foreign);
    d.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers(name) VALUES ('x');");
    d.close();
    const before = readFileSync(foreign);
    expectUsageError(run("index", evidence, "--db", foreign), /app\.db is an SQLite database of another program, not an rdp-triage index/);
    expect(readFileSync(foreign)).toEqual(before);
  });

  it("a damaged index: exit 2 saying to delete it or use a new file", () => {
    const db = path.join(dir, "damaged.sqlite");
    expect(run("index", evidence, "--db", db).code).toBe(0);
    const bytes = readFileSync(db);
    // Keep the header (page 1) and overwrite every page after it with garbage.
    bytes.fill(0xff, 32768);
    writeFileSync(db, bytes);
    rmSync(db + "-wal", { force: true });
    rmSync(db + "-shm", { force: true });
    expectUsageError(run("report", "--db", db, "--format", "json"), /the index .*damaged\.sqlite is damaged .*delete it or give --db a new file name/);
  });

  it("report --db naming a file that does not exist", () => {
    expectUsageError(run("report", "--db", "nope.sqlite"), /index nope\.sqlite not found/);
    expect(existsSync(path.join(dir, "nope.sqlite"))).toBe(false);
  });
});

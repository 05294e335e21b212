import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { writeEvtx } from "../../src/evtxWriter/index.js";
import { seededRandom } from "../../src/evtxWriter/index.js";

// The CLI as an engineer runs it, on a folder of everything that goes wrong with evidence:
// clear messages, problems recorded in the index, exit 0, never a stack trace.
const cli = path.resolve(__dirname, "..", "..", "dist", "src", "cli", "bin.js");
let dir: string;

function run(...args: string[]) {
  const r = spawnSync("node", [cli, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-badinput-"));
  const ev = path.join(dir, "evidence");
  mkdirSync(path.join(ev, "loop", "inner"), { recursive: true });
  const good = writeEvtx(
    Array.from({ length: 400 }, (_, i) => ({
      provider: "Schannel",
      eventId: 36871,
      level: 2,
      timeCreated: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
      channel: "System",
      computer: "vm01",
      data: [
        { name: "Type", value: "server" },
        { name: "ErrorState", value: 10013, type: "uint32" as const },
      ],
    })),
  );
  writeFileSync(path.join(ev, "truncated.evtx"), good.subarray(0, 4096 + 65536 + 20000));
  writeFileSync(path.join(ev, "empty.evtx"), new Uint8Array(0));
  const rnd = seededRandom(42);
  const noise = Uint8Array.from({ length: 300_000 }, () => Math.floor(rnd() * 256));
  noise.set(Buffer.from("ElfFile\0", "latin1"), 0);
  writeFileSync(path.join(ev, "random-with-magic.evtx"), noise);
  const garbage = Buffer.alloc(50 * 1024 * 1024);
  for (let i = 0; i < garbage.length; i++) garbage[i] = 0x41 + ((i * 7919) % 26);
  writeFileSync(path.join(ev, "garbage.txt"), garbage);
  symlinkSync(path.join(ev, "loop"), path.join(ev, "loop", "inner", "back"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rdp-triage index on hostile input", () => {
  it("exits 0 without a stack trace and records what it could not read", () => {
    const db = path.join(dir, "idx.sqlite");
    const r = run("index", path.join(dir, "evidence"), "--db", db);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Indexed 4 files/);
    const d = new Database(db, { readonly: true });
    const sources = d.prepare("SELECT path, kind, record_count FROM sources ORDER BY path").all() as { path: string; kind: string; record_count: number }[];
    expect(sources.map((s) => [s.path, s.kind])).toEqual([
      ["empty.evtx", "unknown"],
      ["garbage.txt", "unknown"],
      ["random-with-magic.evtx", "evtx"],
      ["truncated.evtx", "evtx"],
    ]);
    // The truncated file keeps every record of its intact first chunk and what the cut chunk still holds.
    expect(sources.find((s) => s.path === "truncated.evtx")!.record_count).toBeGreaterThan(100);
    const problems = d.prepare("SELECT s.path, p.code FROM problems p JOIN sources s ON s.id = p.source_id").all() as { path: string; code: string }[];
    expect(problems.some((p) => p.path === "random-with-magic.evtx")).toBe(true);
    expect(problems.some((p) => p.path === "truncated.evtx")).toBe(true);
    // The zero-byte file is listed and says it was empty; the link loop is a folder problem, not silence.
    const empty = d
      .prepare("SELECT p.code, p.message FROM problems p JOIN sources s ON s.id = p.source_id WHERE s.path = 'empty.evtx'")
      .all() as { code: string; message: string }[];
    expect(empty).toEqual([{ code: "evidence.empty", message: "empty.evtx: empty file (0 bytes): nothing to read — was the copy interrupted?" }]);
    const folder = d.prepare("SELECT code, location FROM problems WHERE source_id IS NULL").all();
    expect(folder).toEqual([{ code: "evidence.symlink-skipped", location: "loop/inner/back" }]);
    d.close();
  });

  it("refuses a folder that does not exist with exit 2 and one clear line", () => {
    const r = run("index", path.join(dir, "nope"), "--db", path.join(dir, "x.sqlite"));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read the evidence/);
  });

  it("answers a usage error with exit 2", () => {
    expect(run("analyze").code).toBe(2);
    expect(run("analyze", dir, "--fail-on", "sometimes").code).toBe(2);
    expect(run("no-such-command").code).toBe(2);
  });
});

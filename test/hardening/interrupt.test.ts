// Interrupt safety: `rdp-triage index` killed with SIGKILL at arbitrary points (a timer, or when the
// write-ahead log grows) leaves a valid SQLite index in which every file is either at its previous
// complete state or absent, never half-stored; the next run completes the work.
//
// Four EVTX files of 20,000 records each (written with writeEvtx) are indexed by the built CLI as a
// child process. After every kill: PRAGMA integrity_check = ok, no source with fewer events than its
// record_count, every source's record_count equal to its file's full count (for the sha256 it records),
// no orphan events, and after reopening, the event indexes are there (ingest drops them for a bulk load).
// Then the files are rewritten (other content, other counts) and the same is done again: each source is
// either the complete old version or the complete new one.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { writeEvtx } from "../../src/evtxWriter/index.js";
import { openIndex } from "../../src/store/db.js";
import { systemBackground } from "../../scripts/samples/events.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(repoRoot, "dist", "src", "cli", "bin.js");
const FILES = 4;

interface Version {
  sha256: string;
  records: number;
}

interface KillResult {
  how: string;
  killedAt: number;
  exited: "killed" | "completed";
  sources: number;
  events: number;
}

describe.skipIf(!existsSync(cli))(`SIGKILL during index (${existsSync(cli) ? "built CLI" : "skipped: dist not built, run npx tsc -p tsconfig.json"})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-interrupt-"));
  const evidence = path.join(dir, "evidence");
  const db = path.join(dir, "index.sqlite");
  const tmp = path.join(dir, "tmp");
  mkdirSync(tmp);
  /** Every complete version of every file seen so far, by path: sha256 → record count. */
  const versions = new Map<string, Map<string, number>>();
  const log: KillResult[] = [];

  function writeFiles(generation: number): void {
    mkdirSync(evidence, { recursive: true });
    for (let i = 0; i < FILES; i++) {
      const records = 20_000 - generation * 1_000 - i * 250;
      const bytes = writeEvtx(systemBackground(`2026-0${1 + generation}-01T00:00:00Z`, `vm-${generation}-${i}`, records), { dirty: true });
      const rel = `Logs/System-${i}.evtx`;
      mkdirSync(path.join(evidence, "Logs"), { recursive: true });
      writeFileSync(path.join(evidence, rel), bytes);
      const sha = createHash("sha256").update(bytes).digest("hex");
      if (!versions.has(rel)) versions.set(rel, new Map());
      versions.get(rel)!.set(sha, records);
    }
  }

  /** Runs the CLI; kills it with SIGKILL after `ms` or once the WAL exceeds `walBytes`, whichever comes first. */
  function runIndex(kill: { ms?: number; walBytes?: number }): Promise<{ exited: "killed" | "completed"; killedAt: number; code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      // A private TMPDIR: a killed run cannot remove its rdp-triage-archives-* work folder (empty for a plain folder,
      // unpacked evidence for a zip); the next run removes it (evidence/tempFolders), checked after each test.
      const child = spawn(process.execPath, [cli, "index", evidence, "--db", db], {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, TMPDIR: tmp },
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      let killedAt = -1;
      const killNow = () => {
        if (killedAt < 0 && child.exitCode === null) {
          killedAt = performance.now() - started;
          child.kill("SIGKILL");
        }
      };
      const timer = kill.ms !== undefined ? setTimeout(killNow, kill.ms) : null;
      const poll =
        kill.walBytes !== undefined
          ? setInterval(() => {
              try {
                if (statSync(`${db}-wal`).size > kill.walBytes!) killNow();
              } catch {
                /* no WAL yet */
              }
            }, 2)
          : null;
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (poll) clearInterval(poll);
        resolve({ exited: signal === "SIGKILL" ? "killed" : "completed", killedAt, code, stderr });
      });
    });
  }

  /** The invariants, read with a plain SQLite connection (no rdp-triage code in between). */
  function check(): { sources: number; events: number } {
    if (!existsSync(db)) return { sources: 0, events: 0 }; // killed before the index was created: nothing, validly
    const conn = new Database(db);
    try {
      expect(conn.pragma("integrity_check", { simple: true })).toBe("ok");
      // Killed while the schema was being created: the next run creates the rest (CREATE … IF NOT EXISTS).
      if (!conn.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sources'").get() || !conn.prepare("SELECT 1 FROM sqlite_master WHERE name = 'events'").get()) {
        return { sources: 0, events: 0 };
      }
      const rows = conn
        .prepare("SELECT s.id, s.path, s.sha256, s.record_count, (SELECT count(*) FROM events e WHERE e.source_id = s.id) AS n FROM sources s")
        .all() as { id: number; path: string; sha256: string; record_count: number; n: number }[];
      for (const r of rows) {
        if (!r.path.endsWith(".evtx") || !versions.has(r.path)) continue;
        // Stored events = what the source row says = the full count of the file version it names.
        expect(r.n, `${r.path}: events stored vs record_count`).toBe(r.record_count);
        expect(versions.get(r.path)!.get(r.sha256), `${r.path}: record_count of the version with sha256 ${r.sha256.slice(0, 12)}`).toBe(r.record_count);
      }
      const orphans = conn.prepare("SELECT count(*) AS n FROM events WHERE source_id NOT IN (SELECT id FROM sources)").get() as { n: number };
      expect(orphans.n).toBe(0);
      const events = conn.prepare("SELECT count(*) AS n FROM events").get() as { n: number };
      return { sources: rows.filter((r) => versions.has(r.path)).length, events: events.n };
    } finally {
      conn.close();
    }
  }

  async function killAndCheck(how: string, kill: { ms?: number; walBytes?: number }): Promise<void> {
    const r = await runIndex(kill);
    if (r.exited === "completed") expect(r.code, r.stderr).toBe(0);
    const state = check();
    log.push({ how, killedAt: Math.round(r.killedAt), exited: r.exited, ...state });
  }

  beforeAll(() => writeFiles(0), 120_000);
  afterAll(() => {
    console.log(
      "interrupt runs:\n" +
        log.map((l) => `  ${l.how.padEnd(28)} ${l.exited === "killed" ? `SIGKILL at ${String(l.killedAt).padStart(4)} ms` : "ran to completion  "}  → ${l.sources}/${FILES} files, ${l.events} events, integrity ok`).join("\n"),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  // Each run keeps what earlier runs committed (unchanged files are skipped), so later kill points land
  // further into the work: before the index exists, inside the first file, between files, inside later ones.
  const points: [string, { ms?: number; walBytes?: number }][] = [
    ["after 50 ms", { ms: 50 }],
    ["after 150 ms", { ms: 150 }],
    ["after 300 ms", { ms: 300 }],
    ["WAL > 1 MB", { walBytes: 1 << 20 }],
    ["after 400 ms", { ms: 400 }],
    ["WAL > 6 MB", { walBytes: 6 << 20 }],
    ["after 500 ms", { ms: 500 }],
    ["after 600 ms", { ms: 600 }],
    ["after 700 ms", { ms: 700 }],
  ];

  it("first index: every kill leaves a valid index with whole files only; the next run completes it", async () => {
    for (const [how, kill] of points) await killAndCheck(`new: ${how}`, kill);
    await killAndCheck("new: no kill", {});
    // The run that completed removed the work folders the killed ones left, and its own.
    expect(readdirSync(tmp)).toEqual([]);
    const final = check();
    expect(final.sources).toBe(FILES);
    expect(final.events).toBe([...versions.values()].reduce((s, v) => s + [...v.values()][0], 0));
    // The event indexes the bulk load drops are back once the index is opened again.
    const reopened = openIndex(db);
    const names = (reopened.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all() as { name: string }[]).map((r) => r.name);
    reopened.close();
    expect(names.length).toBeGreaterThan(0);
  }, 120_000);

  it("re-index of changed files: every kill leaves each file at its complete old or complete new version", async () => {
    // New content (and counts) for every file; mtimes change, so nothing is skipped as unchanged.
    await new Promise((r) => setTimeout(r, 20));
    writeFiles(1);
    const killed: KillResult[] = [];
    for (const [how, kill] of points) {
      await killAndCheck(`changed: ${how}`, kill);
      killed.push(log[log.length - 1]);
    }
    await killAndCheck("changed: no kill", {});
    expect(readdirSync(tmp)).toEqual([]);
    const conn = new Database(db, { readonly: true });
    const rows = conn.prepare("SELECT path, sha256, record_count FROM sources WHERE path LIKE 'Logs/%.evtx'").all() as { path: string; sha256: string; record_count: number }[];
    conn.close();
    expect(rows.length).toBe(FILES);
    for (const r of rows) {
      const current = createHash("sha256").update(readFileSync(path.join(evidence, r.path))).digest("hex");
      expect(r.sha256).toBe(current);
      expect(r.record_count).toBe(versions.get(r.path)!.get(current));
    }
    expect(killed.some((k) => k.exited === "killed")).toBe(true);
  }, 120_000);
});

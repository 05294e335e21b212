import { afterAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempFolder, processAlive, sweepStaleTempFolders } from "../../src/evidence/tempFolders.js";
import { writeEvtx } from "../../src/evtxWriter/index.js";
import { at, systemBackground } from "../../scripts/samples/events.js";

// Unpacked archives and temporary indexes are customer evidence. A run stopped by Ctrl-C or a kill
// never reaches its cleanup, so the next run removes what such runs left: only folders of this host
// whose process is gone, never a live run's, another host's, a link, or anything not named by us.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(repoRoot, "dist", "src", "cli", "bin.js");
const scratch = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-sweep-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function freshTmp(name: string): string {
  const d = path.join(scratch, name);
  mkdirSync(d);
  return d;
}

/** The id of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const pid = Number(r.stdout);
  expect(processAlive(pid)).toBe(false);
  return pid;
}

describe("temporary folders", () => {
  it("are named by purpose, host and process, and are private to this run", () => {
    const tmp = freshTmp("naming");
    const folder = makeTempFolder("archives", tmp);
    const host = os.hostname().replace(/[^A-Za-z0-9]/g, "").slice(0, 32);
    expect(path.basename(folder)).toMatch(new RegExp(`^rdp-triage-archives-${host}-${process.pid}-[A-Za-z0-9]{6}$`));
    expect(makeTempFolder("archives", tmp)).not.toBe(folder);
  });

  it("left by a process that is gone are removed; a live process's, another host's, a link and other names are kept", () => {
    const tmp = freshTmp("sweep");
    const host = os.hostname().replace(/[^A-Za-z0-9]/g, "").slice(0, 32);
    const dead = deadPid();
    const stale = path.join(tmp, `rdp-triage-index-${host}-${dead}-abc123`);
    mkdirSync(stale);
    writeFileSync(path.join(stale, "index.sqlite"), "customer evidence");
    const live = makeTempFolder("archives", tmp); // this process: alive
    const otherHost = path.join(tmp, `rdp-triage-archives-elsewhere${host}-${dead}-abc123`);
    mkdirSync(otherHost);
    const link = path.join(tmp, `rdp-triage-check-${host}-${dead}-lnk123`);
    symlinkSync(otherHost, link);
    const foreign = path.join(tmp, `rdp-triage-archives-${dead}-abc123`); // not our naming
    mkdirSync(foreign);
    const file = path.join(tmp, `rdp-triage-index-${host}-${dead}-file12`);
    writeFileSync(file, "a file, not a folder");

    expect(sweepStaleTempFolders({ tmpdir: tmp })).toEqual([stale]);
    expect(readdirSync(tmp).sort()).toEqual([otherHost, link, foreign, file, live].map((p) => path.basename(p)).sort());
  });

  it("never throws: a missing temp directory sweeps nothing", () => {
    expect(sweepStaleTempFolders({ tmpdir: path.join(scratch, "does-not-exist") })).toEqual([]);
  });

  describe.skipIf(!existsSync(cli))(`after a killed run (${existsSync(cli) ? "built CLI in child processes" : "skipped: dist not built"})`, () => {
    it("the next analyze removes the killed run's temporary index and unpacking folder, and says so", async () => {
      const tmp = freshTmp("killed");
      const evidence = freshTmp("evidence");
      const background = systemBackground("2026-01-01T00:00:00Z", "vm-sweep01", 50);
      const events = Array.from({ length: 60_000 }, (_, i) => ({ ...background[i % background.length], timeCreated: at("2026-01-01T00:00:00Z", i, i), recordId: i + 1 }));
      writeFileSync(path.join(evidence, "System.evtx"), writeEvtx(events));
      const env = { ...process.env, TMPDIR: tmp };
      const out = path.join(scratch, "killed.html");

      const child = spawn(process.execPath, [cli, "analyze", evidence, "--out", out], { env, stdio: "ignore" });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      let left: string[] = [];
      // Killed once ingest has begun: the temporary index and the folder archives would unpack into both exist.
      for (let i = 0; i < 1000 && left.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 5));
        left = readdirSync(tmp).filter((n) => /^rdp-triage-(index|archives)-/.test(n) && n.includes(`-${child.pid}-`));
      }
      expect(left, "the run's temporary folders appear").toHaveLength(2);
      expect(child.kill("SIGKILL")).toBe(true);
      await exited;
      for (const name of left) expect(existsSync(path.join(tmp, name)), "a killed run leaves its folders").toBe(true);

      const next = spawnSync(process.execPath, [cli, "analyze", path.join(repoRoot, "samples", "rdp-cert-access-denied"), "--out", out], {
        env,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(next.status, next.stderr).toBe(0);
      expect(next.stderr).toContain("removed 2 temporary folders left by interrupted runs");
      expect(readdirSync(tmp)).toEqual([]);
    }, 60_000);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { discoverEvidence, EvidenceFolderError } from "../../src/evidence/discover.js";

const made: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-discover-"));
  made.push(d);
  return d;
}
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("discoverEvidence", () => {
  it("lists files recursively with '/'-separated paths relative to the folder", () => {
    const root = tempDir();
    mkdirSync(path.join(root, "F", "Windows", "System32", "winevt", "Logs"), { recursive: true });
    writeFileSync(path.join(root, "F", "Windows", "System32", "winevt", "Logs", "System.evtx"), "x");
    writeFileSync(path.join(root, "acl.txt"), "y");
    const { files, problems } = discoverEvidence(root);
    expect(files.map((f) => f.relative)).toEqual(["F/Windows/System32/winevt/Logs/System.evtx", "acl.txt"]);
    expect(problems).toEqual([]);
  });

  it("survives a directory symlink loop and never follows links out of the folder", () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(path.join(outside, "secret.txt"), "not evidence");
    mkdirSync(path.join(root, "a", "b"), { recursive: true });
    writeFileSync(path.join(root, "a", "b", "f.txt"), "z");
    symlinkSync(path.join(root, "a"), path.join(root, "a", "b", "loop"));
    symlinkSync(path.join(outside, "secret.txt"), path.join(root, "leak.txt"));
    symlinkSync(path.join(root, "a", "b", "f.txt"), path.join(root, "inside-link.txt"));
    const { files, problems } = discoverEvidence(root);
    expect(files.map((f) => f.relative)).toEqual(["a/b/f.txt", "inside-link.txt"]);
    // Nothing skipped silently: the loop and the link out of the folder are both problem rows.
    expect(problems.map((p) => [p.code, p.location])).toEqual([
      ["evidence.symlink-skipped", "a/b/loop"],
      ["evidence.link-outside", "leak.txt"],
    ]);
    expect(problems[0].message).toMatch(/a\/b\/loop is a symbolic link to the folder a, which contains the link \(a link loop\)/);
  });

  it("records a linked folder inside the evidence, a link cycle, a broken link and a FIFO, never silently", () => {
    const root = tempDir();
    mkdirSync(path.join(root, "logs"));
    writeFileSync(path.join(root, "logs", "System.evtx"), "x");
    symlinkSync(path.join(root, "logs"), path.join(root, "logs-link"));
    symlinkSync(path.join(root, "cycle-b"), path.join(root, "cycle-a"));
    symlinkSync(path.join(root, "cycle-a"), path.join(root, "cycle-b"));
    symlinkSync(path.join(root, "gone.txt"), path.join(root, "dangling"));
    const fifo = spawnSync("mkfifo", [path.join(root, "pipe")]).status === 0;
    const { files, problems } = discoverEvidence(root);
    expect(files.map((f) => f.relative)).toEqual(["logs/System.evtx"]);
    const byLocation = Object.fromEntries(problems.map((p) => [p.location, p]));
    expect(byLocation["logs-link"].code).toBe("evidence.symlink-skipped");
    expect(byLocation["logs-link"].message).toMatch(/symbolic link to the folder logs: not followed; the files of logs are read under their own paths/);
    expect(byLocation["cycle-a"].code).toBe("evidence.symlink-skipped");
    expect(byLocation["cycle-a"].message).toMatch(/symbolic link loop/);
    expect(byLocation["cycle-b"].code).toBe("evidence.symlink-skipped");
    expect(byLocation["dangling"].code).toBe("evidence.broken-link");
    if (fifo) {
      expect(byLocation["pipe"].code).toBe("evidence.not-a-file");
      expect(byLocation["pipe"].message).toMatch(/named pipe/);
    }
    expect(problems).toHaveLength(fifo ? 5 : 4);
  });

  it("records a link to a FIFO inside the folder instead of opening it", () => {
    const root = tempDir();
    if (spawnSync("mkfifo", [path.join(root, "pipe")]).status !== 0) return; // no mkfifo here
    symlinkSync(path.join(root, "pipe"), path.join(root, "pipe-link"));
    const { files, problems } = discoverEvidence(root);
    expect(files).toEqual([]);
    expect(problems.map((p) => [p.code, p.location])).toEqual([
      ["evidence.not-a-file", "pipe"],
      ["evidence.not-a-file", "pipe-link"],
    ]);
  });

  it("refuses a folder that does not exist with a clear error", () => {
    expect(() => discoverEvidence("/nonexistent/rdp-triage")).toThrow(EvidenceFolderError);
  });
});

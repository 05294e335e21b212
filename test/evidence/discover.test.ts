import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
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
    expect(problems.map((p) => p.code)).toEqual(["evidence.link-outside"]);
  });

  it("refuses a folder that does not exist with a clear error", () => {
    expect(() => discoverEvidence("/nonexistent/rdp-triage")).toThrow(EvidenceFolderError);
  });
});

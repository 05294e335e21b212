import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openIndex, type Db } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";

// Select\Current and the ControlSet00N keys dumped into separate files (as engineers do): once the
// Select of another file decides the current control set, the parsers' "assumed the lowest" rows must
// not stay in the report; they become one accurate note per dump, and come back if that Select goes.

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `reg query` output as Windows writes it with `> file`: UTF-16LE with BOM, CRLF. */
function regQuery(blocks: { key: string; values: [string, string, string][] }[]): Buffer {
  const lines = [""];
  for (const b of blocks) {
    lines.push(b.key);
    for (const [name, type, value] of b.values) lines.push(`    ${name}    ${type}    ${value}`);
    lines.push("");
  }
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join("\r\n"), "utf16le")]);
}

const TLS = "Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server";

function caseFolder(selectRoot = "HKEY_LOCAL_MACHINE"): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-relink-"));
  made.push(root);
  mkdirSync(path.join(root, "reg"));
  writeFileSync(
    path.join(root, "reg", "select.txt"),
    regQuery([{ key: `${selectRoot}\\OFFLINE_SYS\\Select`, values: [["Current", "REG_DWORD", "0x2"], ["LastKnownGood", "REG_DWORD", "0x1"]] }]),
  );
  writeFileSync(
    path.join(root, "reg", "current.txt"),
    regQuery([{ key: `HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\ControlSet002\\${TLS}`, values: [["Enabled", "REG_DWORD", "0x0"]] }]),
  );
  writeFileSync(
    path.join(root, "reg", "old.txt"),
    regQuery([{ key: `HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\ControlSet001\\${TLS}`, values: [["Enabled", "REG_DWORD", "0x1"]] }]),
  );
  return root;
}

function problems(db: Db): { path: string; code: string; message: string }[] {
  return db
    .prepare("SELECT s.path, p.code, p.message FROM problems p JOIN sources s ON s.id = p.source_id ORDER BY s.path")
    .all() as { path: string; code: string; message: string }[];
}

function keys(db: Db): Record<string, string> {
  const rows = db
    .prepare("SELECT s.path, v.key FROM registry_values v JOIN sources s ON s.id = v.source_id WHERE v.name = 'Enabled'")
    .all() as { path: string; key: string }[];
  return Object.fromEntries(rows.map((r) => [r.path, r.key]));
}

describe("relinkControlSets", () => {
  it("replaces the assumption rows by a note naming the Select\\Current used and its file", async () => {
    const db = openIndex(":memory:");
    await ingestFolder(caseFolder(), db);
    expect(keys(db)).toEqual({
      "reg/current.txt": `HKLM\\SYSTEM\\CurrentControlSet\\${TLS}`,
      "reg/old.txt": `HKLM\\SYSTEM\\ControlSet001\\${TLS}`,
    });
    expect(problems(db)).toEqual([
      {
        path: "reg/current.txt",
        code: "registry.controlset-from-select",
        message: "ControlSet002 taken as the current control set (CurrentControlSet) from Select\\Current = 2 in reg/select.txt.",
      },
      {
        path: "reg/old.txt",
        code: "registry.controlset-from-select",
        message:
          "ControlSet002 taken as the current control set (CurrentControlSet) from Select\\Current = 2 in reg/select.txt; " +
          "ControlSet001 in this dump is not the current control set and keeps its name.",
      },
    ]);
    expect(problems(db).some((p) => p.code === "registry.controlset-assumed")).toBe(false);
    db.close();
  });

  it("matches the mount whatever spelling of HKLM the Select dump used", async () => {
    const db = openIndex(":memory:");
    await ingestFolder(caseFolder("HKLM"), db);
    expect(keys(db)["reg/old.txt"]).toBe(`HKLM\\SYSTEM\\ControlSet001\\${TLS}`);
    expect(problems(db).map((p) => p.code)).toEqual(["registry.controlset-from-select", "registry.controlset-from-select"]);
    db.close();
  });

  it("keeps the assumption when no file has a Select\\Current for the mount", async () => {
    const root = caseFolder();
    rmSync(path.join(root, "reg", "select.txt"));
    const db = openIndex(":memory:");
    await ingestFolder(root, db);
    expect(problems(db).map((p) => [p.path, p.code, p.message])).toEqual([
      ["reg/current.txt", "registry.controlset-assumed", "Select\\Current not found; assumed the lowest control set present, ControlSet002, is the current one."],
      ["reg/old.txt", "registry.controlset-assumed", "Select\\Current not found; assumed the lowest control set present, ControlSet001, is the current one."],
    ]);
    db.close();
  });

  it("undoes the note and the keys when the Select file is gone on a re-run, and redoes them when it is back", async () => {
    const root = caseFolder();
    const dbDir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-relink-db-"));
    made.push(dbDir);
    const file = path.join(dbDir, "idx.sqlite");
    let db = openIndex(file);
    await ingestFolder(root, db);
    expect(keys(db)["reg/old.txt"]).toBe(`HKLM\\SYSTEM\\ControlSet001\\${TLS}`);

    renameSync(path.join(root, "reg", "select.txt"), path.join(dbDir, "select.txt"));
    const second = await ingestFolder(root, db);
    expect(second.indexed).toBe(0); // the dumps themselves are unchanged and not re-read
    // Back to what the parser assumed alone: old.txt's lowest set, ControlSet001, read as current.
    expect(keys(db)["reg/old.txt"]).toBe(`HKLM\\SYSTEM\\CurrentControlSet\\${TLS}`);
    expect(problems(db).map((p) => p.code)).toEqual(["registry.controlset-assumed", "registry.controlset-assumed"]);
    db.close();

    renameSync(path.join(dbDir, "select.txt"), path.join(root, "reg", "select.txt"));
    db = openIndex(file);
    await ingestFolder(root, db);
    expect(keys(db)["reg/old.txt"]).toBe(`HKLM\\SYSTEM\\ControlSet001\\${TLS}`);
    expect(problems(db).map((p) => p.code)).toEqual(["registry.controlset-from-select", "registry.controlset-from-select"]);
    db.close();
  });
});

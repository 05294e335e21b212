import { afterAll, describe, expect, it } from "vitest";
import fg from "fast-glob";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodeText } from "../../src/evidence/decodeText.js";
import { streamRegistryDump } from "../../src/ingest/largeText.js";
import { parseRegFile } from "../../src/parsers/regFile.js";
import { parseRegQuery } from "../../src/parsers/regQuery.js";
import type { Problem, RegistryKey, RegistryValue } from "../../src/parsers/types.js";
import type { SourceSink } from "../../src/store/writer.js";

// A .reg file too large to hold is read twice in pieces. What it stores must be what parseRegFile
// stores from the whole text: the same keys and values, with the same logical keys (CurrentControlSet
// decided by a Select\Current that may come last), and the same problems.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-largetext-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function streamed(file: string, pieceBytes: number, kind: "reg-file" | "reg-query" = "reg-file") {
  const keys: RegistryKey[] = [];
  const values: RegistryValue[] = [];
  const problems: Problem[] = [];
  let info: unknown;
  const sink = {
    registryKey: (k) => keys.push(k),
    registryValue: (v) => values.push(v),
    problem: (p) => problems.push(p),
    setInfo: (i) => (info = i),
    setEncoding: () => {},
    event: () => {},
    acl: () => {},
  } satisfies SourceSink;
  const r = streamRegistryDump(kind, file, sink, pieceBytes);
  return { r, keys, values, problems, info };
}

function whole(file: string, kind: "reg-file" | "reg-query") {
  const decoded = decodeText(readFileSync(file));
  const ansiEncoding = decoded.encoding === "cp932" || decoded.encoding === "windows-1252" ? decoded.encoding : undefined;
  return kind === "reg-file" ? parseRegFile(decoded.text, { ansiEncoding }) : parseRegQuery(decoded.text);
}

function expectSame(file: string, pieceBytes: number, kind: "reg-file" | "reg-query" = "reg-file"): void {
  const s = streamed(file, pieceBytes, kind);
  const w = whole(file, kind);
  expect(s.r, file).not.toBeNull();
  expect(s.keys).toEqual(w.keys);
  expect(s.values).toEqual(w.values);
  expect(s.problems).toEqual(w.problems);
}

const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);

describe("streamRegistryDump", () => {
  const samples = fg.sync("samples/**/*.reg", { cwd: repoRoot, absolute: true });

  it(`stores what parseRegFile finds in every sample .reg file (${samples.length}), in pieces of any size`, () => {
    expect(samples.length).toBeGreaterThan(10);
    for (const file of samples) for (const piece of [7, 64, 1 << 20]) expectSame(file, piece);
  });

  const queries = fg.sync("samples/**/reg/*.txt", { cwd: repoRoot, absolute: true }).filter((f) => readFileSync(f).subarray(0, 2).equals(Buffer.from([0xff, 0xfe])));

  it(`stores what parseRegQuery finds in every sample reg query dump with a BOM (${queries.length}), in pieces of any size`, () => {
    expect(queries.length).toBeGreaterThan(3);
    for (const file of queries) for (const piece of [7, 64, 1 << 20]) expectSame(file, piece, "reg-query");
  });

  it("decides CurrentControlSet from a Select\\Current that comes after the control sets, as the whole text does", () => {
    const text = [
      "Windows Registry Editor Version 5.00",
      "",
      "[HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\Terminal Server]",
      '"fDenyTSConnections"=dword:00000000',
      "",
      "[HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Control\\Terminal Server]",
      '"fDenyTSConnections"=dword:00000001',
      '"Blob"=hex:01,02,03,\\',
      "  04,05,\\",
      "  06",
      "[-HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Gone]",
      '"orphan"="under a deleted key"',
      "not a registry line",
      "",
      "[HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\Select]",
      '"Current"=dword:00000002',
      "",
    ].join("\r\n");
    const file = path.join(dir, "select-last.reg");
    writeFileSync(file, utf16(text));
    for (const piece of [5, 33, 4096]) expectSame(file, piece);
    const s = streamed(file, 9);
    const deny = s.values.filter((v) => v.name === "fDenyTSConnections").map((v) => [v.key, v.value]);
    expect(deny).toEqual([
      ["HKLM\\SYSTEM\\ControlSet001\\Control\\Terminal Server", 0],
      ["HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server", 1],
    ]);
    expect(s.problems.map((p) => p.code)).toEqual(["regfile.value-under-deleted-key", "regfile.unparsed-line"]);
    expect(s.info).toMatchObject({ encoding: "utf-16le-bom" });
  });

  it("without Select\\Current, assumes the lowest control set with the same note as the whole text", () => {
    const file = path.join(dir, "no-select.reg");
    writeFileSync(file, utf16("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYS\\ControlSet003\\Services\\TermService]\r\n\"Start\"=dword:00000004\r\n"));
    expectSame(file, 11);
    expect(streamed(file, 11).problems.map((p) => p.code)).toEqual(["registry.controlset-assumed"]);
  });

  it("stores nothing and returns null for a file without a byte-order mark (the caller refuses it)", () => {
    const file = path.join(dir, "ansi.reg");
    writeFileSync(file, "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n\"a\"=\"b\"\r\n");
    const s = streamed(file, 64);
    expect(s.r).toBeNull();
    expect([s.keys.length, s.values.length, s.problems.length]).toEqual([0, 0, 0]);
  });
});

import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expandArchives } from "../../src/evidence/archive.js";
import { decodeText } from "../../src/evidence/decodeText.js";
import { discoverEvidence } from "../../src/evidence/discover.js";
import { describeDrive, detectLayout, driveOf, splitCsvLine, textReaderFor } from "../../src/evidence/layout.js";
import { buildZip } from "../../scripts/samples/zipWriter.js";

/** readText over an in-memory folder whose files are bytes, decoded by the project's one decoder. */
function reader(files: Record<string, Uint8Array | string>) {
  const read: string[] = [];
  const fn = (rel: string): string | null => {
    read.push(rel);
    const v = files[rel];
    if (v === undefined) return null;
    return typeof v === "string" ? v : decodeText(v).text;
  };
  return { fn, read };
}

/** Out-File in Windows PowerShell 5.1: UTF-16LE with BOM, CRLF. */
const outFile = (lines: string[]): Uint8Array =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.map((l) => `${l}\r\n`).join(""), "utf16le")]);

const TS = "2024-03-05_10.22.41_UTC";
const DEST = `C:\\Users\\Public\\Desktop\\CaseLogs\\${TS}`;

function caseLogs(prefix = "") {
  const p = (s: string) => `${prefix}${s}`;
  const files: Record<string, Uint8Array | string> = {
    [p(`${TS}/collectedLogFiles.csv`)]: outFile([
      "sep=,",
      '"Source Log File","Type","Destination Log File","Number of Destination Files","Size of Destination File(s) [Bytes]"',
      "E:\\boot\\bcd",
      `"F:\\Windows\\System32\\winevt\\Logs\\System.evtx","File","${DEST}\\F\\Windows\\System32\\winevt\\Logs\\System.evtx","1","1052672"`,
      `"F:\\Windows\\System32\\config\\SYSTEM","File","${DEST}\\F\\Windows\\System32\\config\\SYSTEM","1","12582912"`,
      `"F:\\Windows\\Panther","Directory","${DEST}\\F\\Windows\\Panther","4",""`,
    ]),
    [p(`${TS}/failedLogFiles.log`)]: outFile([
      "NOT FOUND: F:\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-TerminalServices-SessionBroker%4Operational.evtx",
      "EXCEPTION (thrown during Copy operation to destination): Access to the path is denied.",
      "FAILED F:\\Windows\\System32\\config\\SOFTWARE: The process cannot access the file",
    ]),
    [p(`${TS}/collectedLogFilesTree.log`)]: outFile(["Folder PATH listing"]),
  };
  const paths = [
    `${TS}/collectedLogFiles.csv`,
    `${TS}/failedLogFiles.log`,
    `${TS}/collectedLogFilesTree.log`,
    `${TS}/E/bcd/BCD`,
    `${TS}/F/Windows/System32/winevt/Logs/System.evtx`,
    `${TS}/F/Windows/System32/config/SYSTEM`,
    `${TS}/F/Windows/System32/config/SYSTEM.LOG1`,
    `${TS}/F/Windows/Panther/setupact.log`,
    `${TS}/G/WindowsAzure/Logs/WaAppAgent.log`,
  ].map(p);
  return { files, paths };
}

describe("detectLayout: CaseLogs (win-collect-attached-disk-logs)", () => {
  it("finds the OS, boot and data drive folders and parses the collector's csv and failure log", () => {
    const { files, paths } = caseLogs();
    const { fn } = reader(files);
    const layout = detectLayout(paths, fn);
    expect(layout.kind).toBe("caselogs");
    expect(layout.roots).toEqual([{ folder: TS, kind: "caselogs", collectedAt: "2024-03-05T10:22:41Z" }]);
    expect(layout.drives).toEqual([
      { folder: `${TS}/E`, letter: "E", role: "boot" },
      { folder: `${TS}/F`, letter: "F", role: "os" },
      { folder: `${TS}/G`, letter: "G", role: "data" },
    ]);
    const report = layout.collectorReport!;
    expect(report.collected.map((c) => [c.source, c.type, c.count, c.bytes, c.relative, c.line])).toEqual([
      ["E:\\boot\\bcd", "", null, null, null, 3],
      ["F:\\Windows\\System32\\winevt\\Logs\\System.evtx", "File", 1, 1052672, `${TS}/F/Windows/System32/winevt/Logs/System.evtx`, 4],
      ["F:\\Windows\\System32\\config\\SYSTEM", "File", 1, 12582912, `${TS}/F/Windows/System32/config/SYSTEM`, 5],
      ["F:\\Windows\\Panther", "Directory", 4, null, null, 6],
    ]);
    expect(report.failed).toEqual([
      {
        file: `${TS}/failedLogFiles.log`,
        line: 1,
        path: "F:\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-TerminalServices-SessionBroker%4Operational.evtx",
        reason: "not-found",
        message: "NOT FOUND: F:\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-TerminalServices-SessionBroker%4Operational.evtx",
      },
      { file: `${TS}/failedLogFiles.log`, line: 3, path: "F:\\Windows\\System32\\config\\SOFTWARE", reason: "failed", message: "The process cannot access the file" },
    ]);
    expect(report.notes.map((n) => n.line)).toEqual([2]);
  });

  it("says which drive each piece of evidence came from", () => {
    const { files, paths } = caseLogs();
    const layout = detectLayout(paths, reader(files).fn);
    expect(driveOf(`${TS}/F/Windows/System32/winevt/Logs/System.evtx`, layout)).toMatchObject({ letter: "F", role: "os" });
    expect(driveOf(`${TS}\\e\\bcd\\BCD`, layout)).toMatchObject({ letter: "E", role: "boot" });
    expect(driveOf(`${TS}/collectedLogFiles.csv`, layout)).toBeNull();
    expect(describeDrive(driveOf(`${TS}/F/Windows/System32/config/SYSTEM`, layout)!)).toBe(`F: OS volume (${TS}/F)`);
  });

  it("keeps the drive folders of two collections apart, below any prefix (a nested zip's folder)", () => {
    const first = caseLogs("case.zip.unzipped/");
    const second = {
      paths: ["later/2024-04-01_08.00.00_UTC/F/Windows/System32/winevt/Logs/System.evtx"],
    };
    const layout = detectLayout([...first.paths, ...second.paths], reader(first.files).fn);
    const fs = layout.drives.filter((d) => d.letter === "F");
    expect(fs.map((d) => d.folder)).toEqual([`case.zip.unzipped/${TS}/F`, "later/2024-04-01_08.00.00_UTC/F"]);
    expect(layout.roots.map((r) => r.collectedAt)).toEqual(["2024-03-05T10:22:41Z", "2024-04-01T08:00:00Z"]);
    expect(driveOf("later/2024-04-01_08.00.00_UTC/F/Windows/System32/winevt/Logs/System.evtx", layout)?.folder).toBe(
      "later/2024-04-01_08.00.00_UTC/F",
    );
    expect(layout.collectorReport!.collected[1].relative).toBe(`case.zip.unzipped/${TS}/F/Windows/System32/winevt/Logs/System.evtx`);
  });

  it("matches paths case-insensitively and accepts backslashes (PS 5.1 Compress-Archive names)", () => {
    const layout = detectLayout([`x_UTC\\f\\WINDOWS\\system32\\CONFIG\\system`], () => null);
    expect(layout.kind).toBe("caselogs");
    expect(layout.drives).toEqual([{ folder: "x_UTC/f", letter: "F", role: "os" }]);
    expect(layout.roots[0].collectedAt).toBeNull();
  });
});

describe("detectLayout: Azure Disk Inspect", () => {
  const results = [
    "Execution start time: 10:01:02.",
    "========== Request Info ==========",
    "Manifest requested: diagnostic",
    "Using manifest: diagnostic  [windows]",
    "10:01:05  Executing Operation [3/60]: copy,/Windows/System32/config/SYSTEM",
    "10:01:06  Copying Step [3.1] File: /Windows/System32/config/SYSTEM SUCCEEDED.  [Operation duration: 0 seconds]",
    "10:01:07  Executing Operation [4/60]: copy,/Windows/System32/winevt/Logs/Windows Azure.evtx",
    "Copying /Windows/System32/winevt/Logs/Windows Azure.evtx FAILED as no files were located.",
  ].join("\r\n");
  const paths = [
    "results.txt",
    "diskinfo.txt",
    "device_0/Windows/System32/config/SYSTEM",
    "device_0/Windows/System32/winevt/Logs/System.evtx",
    "device_0/Windows/Panther/setupact.log",
  ];

  it("recognises the results.txt manifest and the device_<n> folders", () => {
    const layout = detectLayout(paths, reader({ "results.txt": results }).fn);
    expect(layout.kind).toBe("disk-inspect");
    expect(layout.roots).toEqual([{ folder: "", kind: "disk-inspect", collectedAt: null, manifest: "diagnostic" }]);
    expect(layout.drives).toEqual([{ folder: "device_0", letter: null, role: "os" }]);
    expect(layout.collectorReport!.collected.map((c) => [c.source, c.relative])).toEqual([
      ["/Windows/System32/config/SYSTEM", "device_0/Windows/System32/config/SYSTEM"],
    ]);
    expect(layout.collectorReport!.failed.map((f) => [f.path, f.reason, f.line])).toEqual([
      ["/Windows/System32/winevt/Logs/Windows Azure.evtx", "not-found", 8],
    ]);
    expect(driveOf("device_0/Windows/Panther/setupact.log", layout)?.role).toBe("os");
  });

  it("still recognises the shape when results.txt cannot be read", () => {
    const layout = detectLayout(paths, () => null);
    expect(layout.kind).toBe("disk-inspect");
    expect(layout.roots[0].manifest).toBeUndefined();
  });
});

describe("detectLayout: plain folders", () => {
  it("hand-made dumps have no drive folders; only the small report files are read", () => {
    const { fn, read } = reader({});
    const layout = detectLayout(["acl/machinekeys.txt", "reg/terminal-server.reg", "logs/System.evtx", "hives/SYSTEM"], fn);
    expect(layout).toEqual({ kind: "plain", roots: [], drives: [] });
    expect(read).toEqual([]);
  });

  it("rdp-triage's own collector output: the drive letter folder is the OS volume", () => {
    const layout = detectLayout(["F/Windows/System32/config/SOFTWARE", "acl/machinekeys.txt", "manifest.csv"], () => null);
    expect(layout.kind).toBe("plain");
    expect(layout.drives).toEqual([{ folder: "F", letter: "F", role: "os" }]);
    expect(driveOf("acl/machinekeys.txt", layout)).toBeNull();
  });

  it("a Windows tree at the root is one OS drive without a letter; BCD templates under Windows are not a boot partition", () => {
    const layout = detectLayout(["Windows/System32/winload.exe", "Windows/Boot/DVD/EFI/BCD", "EFI/Microsoft/Boot/BCD"], () => null);
    expect(layout.drives).toEqual([{ folder: "", letter: null, role: "os" }]);
    expect(driveOf("Windows/System32/winload.exe", layout)).toEqual({ folder: "", letter: null, role: "os" });
  });
});

describe("splitCsvLine", () => {
  it("handles quotes, doubled quotes and empty fields", () => {
    expect(splitCsvLine('"a,b","say ""hi""",,x')).toEqual(["a,b", 'say "hi"', "", "x"]);
  });
});

describe("wiring: discover → expandArchives → detectLayout (what ingest does)", () => {
  it("names extracted files <zip>!/<entry>, reuses the extraction while the zip is unchanged, and finds the CaseLogs drives", () => {
    const box = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-layout-"));
    try {
      const evidence = path.join(box, "evidence");
      mkdirSync(evidence);
      const { files: caseFiles } = caseLogs();
      const zip = buildZip([
        ...Object.entries(caseFiles).map(([name, data]) => ({ name: name.replace(/\//g, "\\"), data: data as Uint8Array })),
        { name: `${TS}\\F\\Windows\\System32\\winevt\\Logs\\System.evtx`, data: "ElfFile\0" },
        { name: `${TS}\\E\\bcd\\BCD`, data: "bcd", method: 0 },
        { name: "..\\escape.txt", data: "x" },
      ]);
      writeFileSync(path.join(evidence, "case.zip"), zip);
      writeFileSync(path.join(evidence, "acl.txt"), "icacls listing");
      const work = path.join(box, "work");

      const discovered = discoverEvidence(evidence);
      const expanded = expandArchives(discovered.files, work);
      expect(expanded.files.map((f) => f.relative)).toEqual([
        "acl.txt",
        `case.zip!/${TS}/collectedLogFiles.csv`,
        `case.zip!/${TS}/failedLogFiles.log`,
        `case.zip!/${TS}/collectedLogFilesTree.log`,
        `case.zip!/${TS}/F/Windows/System32/winevt/Logs/System.evtx`,
        `case.zip!/${TS}/E/bcd/BCD`,
      ]);
      expect(expanded.problems.map((p) => [p.code, p.location])).toEqual([["archive.entry.unsafe-path", "case.zip!/..\\escape.txt"]]);
      for (const f of expanded.files) expect(statSync(f.absolute).size).toBe(f.size);
      expect(existsSync(path.join(box, "escape.txt"))).toBe(false);

      const again = expandArchives(discoverEvidence(evidence).files, work);
      expect(again).toEqual(expanded);
      expect(readdirSync(work).length).toBe(2); // one folder and its record

      const layout = detectLayout(expanded.files.map((f) => f.relative), textReaderFor(expanded.files));
      expect(layout.kind).toBe("caselogs");
      expect(layout.drives.map((d) => [d.folder, d.letter, d.role])).toEqual([
        [`case.zip!/${TS}/E`, "E", "boot"],
        [`case.zip!/${TS}/F`, "F", "os"],
      ]);
      expect(layout.collectorReport!.failed.map((f) => f.reason)).toEqual(["not-found", "failed"]);
      expect(layout.collectorReport!.collected[1].relative).toBe(`case.zip!/${TS}/F/Windows/System32/winevt/Logs/System.evtx`);
      expect(driveOf(`case.zip!/${TS}/F/Windows/System32/winevt/Logs/System.evtx`, layout)?.letter).toBe("F");
      expect(driveOf("acl.txt", layout)).toBeNull();
    } finally {
      rmSync(box, { recursive: true, force: true });
    }
  });

  it("textReaderFor reads only small files, decoding UTF-16LE", () => {
    const box = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-layout-"));
    try {
      const small = path.join(box, "small.log");
      writeFileSync(small, outFile(["NOT FOUND: F:\\x"]));
      const read = textReaderFor([
        { relative: "a/small.log", absolute: small, size: statSync(small).size },
        { relative: "big.log", absolute: small, size: 10 ** 9 },
      ]);
      expect(read("A\\small.log")).toBe("NOT FOUND: F:\\x\r\n");
      expect(read("big.log")).toBeNull();
      expect(read("missing.log")).toBeNull();
    } finally {
      rmSync(box, { recursive: true, force: true });
    }
  });
});

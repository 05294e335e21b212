import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import {
  checkEntryPath,
  extractZipSafely,
  NESTED_ARCHIVE_SUFFIX,
  openZip,
  readZipEntry,
  ZIP_MAX_ENTRY_BYTES,
} from "../../src/evidence/archive.js";
import { buildZip, S_IFLNK, S_IFREG, unixMode, type TestZipEntry } from "../../scripts/samples/zipWriter.js";

const made: string[] = [];
function sandbox(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-archive-"));
  made.push(d);
  return d;
}
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Every path under dir (files and folders), relative, sorted: the "before and after" listing. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const r = rel ? `${rel}/${name}` : name;
      out.push(r);
      const st = lstatSync(path.join(d, name));
      if (st.isDirectory() && !st.isSymbolicLink()) walk(path.join(d, name), r);
    }
  };
  walk(dir, "");
  return out.sort();
}

/**
 * Writes the zip into <sandbox>/in/, extracts into <sandbox>/out/, and checks that nothing
 * appeared in the sandbox outside out/ (nor in the system temp folder's top level).
 */
function extractInSandbox(zip: Uint8Array, limits?: Parameters<typeof extractZipSafely>[2]) {
  const box = sandbox();
  mkdirSync(path.join(box, "in"));
  const zipPath = path.join(box, "in", "evidence.zip");
  writeFileSync(zipPath, zip);
  const tmpBefore = new Set(readdirSync(os.tmpdir()));
  const before = listTree(box);
  const result = extractZipSafely(zipPath, path.join(box, "out"), limits);
  const after = listTree(box).filter((p) => p !== "out" && !p.startsWith("out/"));
  expect(after).toEqual(before);
  const tmpNew = readdirSync(os.tmpdir()).filter((n) => !tmpBefore.has(n) && !n.startsWith("rdp-triage-") && !n.startsWith("vitest"));
  expect(tmpNew).toEqual([]);
  for (const f of result.files) expect(f.absolute.startsWith(path.join(box, "out") + path.sep)).toBe(true);
  return { ...result, box, out: path.join(box, "out"), tree: listTree(path.join(box, "out")) };
}

const utf16 = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

/** What `az vm repair run --run-id win-collect-attached-disk-logs` leaves, zipped by Compress-Archive on PS 5.1 (backslashes). */
function caseLogsEntries(): TestZipEntry[] {
  const ts = "2024-03-05_10.22.41_UTC";
  const evtx = Buffer.alloc(70_000, 0);
  evtx.write("ElfFile\0", 0, "latin1");
  const hive = Buffer.alloc(40_000, 0x11);
  hive.write("regf", 0, "latin1");
  return [
    { name: `${ts}\\collectedLogFiles.csv`, data: utf16('sep=,\r\n"Source Log File","Type","Destination Log File","Number of Destination Files","Size of Destination File(s) [Bytes]"\r\n') },
    { name: `${ts}\\failedLogFiles.log`, data: utf16("NOT FOUND: F:\\Windows\\System32\\winevt\\Logs\\Setup.evtx\r\n") },
    { name: `${ts}\\E\\bcd\\BCD`, data: Buffer.alloc(3000, 7), method: 0 },
    { name: `${ts}\\F\\Windows\\System32\\winevt\\Logs\\System.evtx`, data: evtx },
    { name: `${ts}\\F\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx`, data: evtx },
    { name: `${ts}\\F\\Windows\\System32\\config\\SYSTEM`, data: hive },
    { name: `${ts}/F/Windows/System32/config/SYSTEM.LOG1`, data: Buffer.alloc(512, 3), method: 0 },
  ];
}

describe("extractZipSafely: a CaseLogs-shaped zip", () => {
  it("extracts every entry under the destination with '/' paths, identical bytes and no problems", () => {
    const entries = caseLogsEntries();
    const r = extractInSandbox(buildZip(entries));
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.relative)).toEqual(entries.map((e) => (e.name as string).replace(/\\/g, "/")));
    for (const [i, f] of r.files.entries()) {
      const want = entries[i].data as Uint8Array;
      expect(readFileSync(f.absolute).equals(Buffer.from(want))).toBe(true);
      expect(f.size).toBe(want.length);
      expect(f.archivePath).toBe(f.relative);
    }
    expect(r.tree).toContain("2024-03-05_10.22.41_UTC/F/Windows/System32/config/SYSTEM");
  });

  it("lists the same entries in memory (openZip) and reads one back (readZipEntry)", () => {
    const zip = buildZip(caseLogsEntries());
    const { entries, problems } = openZip(zip);
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.method)).toEqual([8, 8, 0, 8, 8, 8, 0]);
    const system = entries.find((e) => e.path?.endsWith("config/SYSTEM"))!;
    expect(system.source).toBe("central-directory");
    const { data } = readZipEntry(zip, system);
    expect(Buffer.from(data!).subarray(0, 4).toString("latin1")).toBe("regf");
  });
});

describe("extractZipSafely: zip-slip and hostile names", () => {
  const slips = ["../x", "..\\x", "/abs-rdp-triage-test", "\\abs-rdp-triage-test", "C:\\x", "C:x", "c:/x", "a\\..\\..\\x", "a/../../x", "//server/share/x", "a/b/../../../x"];
  for (const name of slips) {
    it(`refuses ${JSON.stringify(name)} and writes nothing outside the destination`, () => {
      const r = extractInSandbox(buildZip([{ name, data: "escaped" }, { name: "ok.txt", data: "fine" }]));
      expect(codes(r.problems)).toEqual(["archive.entry.unsafe-path"]);
      expect(r.problems[0].location).toContain("evidence.zip!/");
      expect(r.files.map((f) => f.relative)).toEqual(["ok.txt"]);
      expect(existsSync("/abs-rdp-triage-test")).toBe(false);
      expect(r.tree).toEqual(["ok.txt"]);
    });
  }

  it("refuses names with NUL, control or bidi-override characters, Windows device names and ADS colons", () => {
    const bad = ["a\u0000b.txt", "tab\there.txt", "line\nbreak", "evil\u202Etxt.exe", "CON", "logs/nul.txt", "file.txt:stream", "trailing.", "space ", "what?.txt"];
    const r = extractInSandbox(buildZip([...bad.map((name) => ({ name, data: "x" })), { name: "good.txt", data: "y" }]));
    expect(codes(r.problems)).toEqual(bad.map(() => "archive.entry.bad-name"));
    expect(r.problems[0].message).not.toContain("\u0000");
    expect(r.tree).toEqual(["good.txt"]);
  });

  it("refuses symbolic-link entries (unix mode S_IFLNK) and Windows reparse points", () => {
    const r = extractInSandbox(
      buildZip([
        { name: "link", data: "/etc/passwd", method: 0, host: 3, externalAttributes: unixMode(S_IFLNK | 0o777) },
        { name: "junction", data: "C:\\", method: 0, host: 10, externalAttributes: 0x400 | 0x10 },
        { name: "regular", data: "text", host: 3, externalAttributes: unixMode(S_IFREG | 0o644) },
      ]),
    );
    expect(codes(r.problems)).toEqual(["archive.entry.symlink", "archive.entry.symlink"]);
    expect(r.tree).toEqual(["regular"]);
  });

  it("refuses duplicate names, comparing case-insensitively and across separators", () => {
    const r = extractInSandbox(
      buildZip([
        { name: "F/Windows/System32/config/SYSTEM", data: "first" },
        { name: "f\\windows\\system32\\CONFIG\\system", data: "second" },
        { name: "F/Windows/System32/config/SYSTEM/inner", data: "file under a file" },
      ]),
    );
    expect(codes(r.problems)).toEqual(["archive.entry.duplicate", "archive.entry.duplicate"]);
    expect(readFileSync(path.join(r.out, "F/Windows/System32/config/SYSTEM"), "utf8")).toBe("first");
  });

  it("refuses an entry whose local header names another file than the central directory", () => {
    const r = extractInSandbox(buildZip([{ name: "harmless.txt", localName: "../../evil.txt", data: "x" }]));
    expect(codes(r.problems)).toEqual(["archive.entry.name-mismatch"]);
    expect(r.tree).toEqual([]);
  });

  it("never follows a link already present in the destination, nor overwrites an existing file", () => {
    const box = sandbox();
    const outside = path.join(box, "outside");
    const out = path.join(box, "out");
    mkdirSync(outside);
    mkdirSync(out);
    symlinkSync(outside, path.join(out, "logs"));
    writeFileSync(path.join(out, "exists.txt"), "original");
    const zipPath = path.join(box, "e.zip");
    writeFileSync(zipPath, buildZip([{ name: "logs/System.evtx", data: "x" }, { name: "exists.txt", data: "new" }]));
    const r = extractZipSafely(zipPath, out);
    expect(codes(r.problems)).toEqual(["archive.entry.write-failed", "archive.entry.write-failed"]);
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(path.join(out, "exists.txt"), "utf8")).toBe("original");
    expect(r.files).toEqual([]);
  });

  it("never writes outside the destination, whatever the entry names (property)", () => {
    const segment = fc.oneof(
      fc.constantFrom("..", ".", "", "C:", "c:", "~", "con", "a", "F", "Windows", " ", ".. ", "..."),
      fc.string({ minLength: 1, maxLength: 6 }),
    );
    const name = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.constantFrom("/", "\\"), fc.boolean()).map(
      ([segs, sep, lead]) => (lead ? sep : "") + segs.join(sep),
    );
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 6 }), (names) => {
        const r = extractInSandbox(buildZip(names.map((n) => ({ name: n, data: "x", method: 0 }))));
        for (const f of r.files) expect(path.relative(r.out, f.absolute).startsWith("..")).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe("extractZipSafely: encryption, sizes and bombs", () => {
  it("refuses encrypted entries (flag bit 0)", () => {
    const r = extractInSandbox(buildZip([{ name: "secret.evtx", data: "ciphertext", method: 0, flags: 0x1 }, { name: "plain.txt", data: "p" }]));
    expect(codes(r.problems)).toEqual(["archive.entry.encrypted"]);
    expect(r.tree).toEqual(["plain.txt"]);
  });

  it("refuses an entry that declares more than the per-entry limit, before inflating it", () => {
    const r = extractInSandbox(buildZip([{ name: "huge.evtx", data: "tiny", declaredUncompressed: 0xfffffff0 }]));
    expect(ZIP_MAX_ENTRY_BYTES).toBeLessThan(0xfffffff0);
    expect(codes(r.problems)).toEqual(["archive.entry.too-large"]);
    expect(r.tree).toEqual([]);
  });

  it("refuses a highly compressible big entry as a zip bomb (declared ratio)", () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const r = extractInSandbox(buildZip([{ name: "bomb.bin", data: zeros }]));
    expect(codes(r.problems)).toEqual(["archive.entry.ratio"]);
    expect(r.tree).toEqual([]);
  });

  it("refuses a bomb that lies about its size, without inflating past the declared size", () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const r = extractInSandbox(buildZip([{ name: "liar.bin", data: zeros, declaredUncompressed: 1000 }]));
    expect(codes(r.problems)).toEqual(["archive.entry.size-mismatch"]);
    expect(r.tree).toEqual([]);
  });

  it("applies the total-bytes and entry-count limits", () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.alloc(1000, i) }));
    const total = extractInSandbox(buildZip(entries), { maxTotalBytes: 3500 });
    expect(total.files.map((f) => f.relative)).toEqual(["f0.txt", "f1.txt", "f2.txt"]);
    expect(codes(total.problems)).toEqual(["archive.total-too-large", "archive.total-too-large", "archive.total-too-large"]);
    const many = extractInSandbox(buildZip(entries), { maxEntries: 4 });
    expect(many.files).toHaveLength(4);
    expect(codes(many.problems)).toEqual(["archive.too-many-entries"]);
  });

  it("refuses compression methods other than stored and deflate", () => {
    const r = extractInSandbox(buildZip([{ name: "a.bz2data", data: "x", method: 12 }]));
    expect(codes(r.problems)).toEqual(["archive.entry.unsupported-method"]);
  });

  it("extracts an entry whose CRC does not match, with a problem row (evidence is kept as found)", () => {
    const r = extractInSandbox(buildZip([{ name: "System.evtx", data: "damaged bytes", crc: 0x12345678 }]));
    expect(codes(r.problems)).toEqual(["archive.entry.crc-mismatch"]);
    expect(r.files).toHaveLength(1);
  });

  it("refuses central-directory entries that share their data (overlapping-entry bomb)", () => {
    const one = buildZip([{ name: "a.txt", data: "shared data", method: 0 }]);
    // Rebuild the central directory with two records pointing at the same local header.
    const cdAt = one.readUInt32LE(one.length - 22 + 16);
    const cdLen = one.readUInt32LE(one.length - 22 + 12);
    const record = Buffer.from(one.subarray(cdAt, cdAt + cdLen));
    const second = Buffer.from(record);
    second.write("b", 46, "latin1");
    const eocd = Buffer.from(one.subarray(one.length - 22));
    eocd.writeUInt16LE(2, 8);
    eocd.writeUInt16LE(2, 10);
    eocd.writeUInt32LE(cdLen * 2, 12);
    const zip = Buffer.concat([one.subarray(0, cdAt), record, second, eocd]);
    const r = extractInSandbox(zip);
    expect(codes(r.problems)).toEqual(["archive.entry.overlap"]);
    expect(r.tree).toEqual(["a.txt"]);
  });
});

describe("extractZipSafely: archive variants", () => {
  it("reads ZIP64 archives (end records and extra field 0x0001), as .NET writes for big collections", () => {
    const entries = caseLogsEntries();
    const r = extractInSandbox(buildZip(entries, { zip64: true }));
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.size)).toEqual(entries.map((e) => (e.data as Uint8Array).length));
    expect(readFileSync(r.files[3].absolute).subarray(0, 7).toString("latin1")).toBe("ElfFile");
  });

  it("reads an archive behind a prefix its offsets do not count (self-extractor stub), and one with a comment", () => {
    const r = extractInSandbox(buildZip([{ name: "a.txt", data: "alpha" }], { prefix: Buffer.alloc(1000, 0x4d), comment: "PK\u0005\u0006 not an end record" }));
    expect(r.problems).toEqual([]);
    expect(readFileSync(r.files[0].absolute, "utf8")).toBe("alpha");
  });
});

describe("extractZipSafely: damaged archives", () => {
  it("recovers a truncated archive from its local headers and keeps the partial last entry", () => {
    const entries = caseLogsEntries();
    const zip = buildZip(entries);
    const cut = zip.subarray(0, Math.floor(zip.length * 0.6));
    const r = extractInSandbox(cut);
    expect(codes(r.problems)).toContain("archive.damaged");
    expect(codes(r.problems)).toContain("archive.recovered");
    expect(codes(r.problems)).toContain("archive.entry.truncated");
    const got = r.files.map((f) => f.relative);
    expect(got.slice(0, 3)).toEqual(entries.slice(0, 3).map((e) => (e.name as string).replace(/\\/g, "/")));
    // Complete entries are byte-identical.
    expect(readFileSync(r.files[0].absolute).equals(Buffer.from(entries[0].data as Uint8Array))).toBe(true);
  });

  it("recovers when the central directory is damaged", () => {
    const zip = Buffer.from(buildZip([{ name: "a.txt", data: "alpha" }, { name: "b.txt", data: "bravo", method: 0 }]));
    const cdAt = zip.readUInt32LE(zip.length - 22 + 16);
    zip.writeUInt32LE(0xdeadbeef, cdAt); // break the first central header's signature
    const r = extractInSandbox(zip);
    expect(codes(r.problems)).toEqual(["archive.damaged", "archive.recovered"]);
    expect(r.files.map((f) => f.relative)).toEqual(["a.txt", "b.txt"]);
    expect(readFileSync(r.files[1].absolute, "utf8")).toBe("bravo");
  });

  it("still refuses hostile names in recovered entries", () => {
    const zip = buildZip([{ name: "../escape.txt", data: "x" }, { name: "fine.txt", data: "y" }]);
    const r = extractInSandbox(zip.subarray(0, zip.length - 30)); // end-of-central-directory gone
    expect(codes(r.problems)).toContain("archive.entry.unsafe-path");
    expect(r.tree).toEqual(["fine.txt"]);
  });

  it("reports a file that is not a zip at all", () => {
    const r = extractInSandbox(Buffer.from("this is not an archive, just text"));
    expect(codes(r.problems)).toEqual(["archive.not-a-zip"]);
    expect(r.tree).toEqual([]);
    expect(codes(openZip(new Uint8Array(0)).problems)).toEqual(["archive.not-a-zip"]);
  });
});

describe("extractZipSafely: nested archives", () => {
  it("opens a zip inside the zip once, under <entry>.unzipped/, and keeps a deeper zip as a file", () => {
    const deepest = buildZip([{ name: "never-opened.txt", data: "deep" }]);
    const inner = buildZip([
      { name: "2024-03-05_10.22.41_UTC\\F\\Windows\\System32\\winevt\\Logs\\System.evtx", data: "evtx" },
      { name: "deeper.zip", data: deepest },
    ]);
    const r = extractInSandbox(buildZip([{ name: "case/collected.zip", data: inner, method: 0 }, { name: "notes.txt", data: "n" }]));
    expect(codes(r.problems)).toEqual(["archive.nested-too-deep"]);
    const prefix = `case/collected.zip${NESTED_ARCHIVE_SUFFIX}`;
    expect(r.files.map((f) => f.relative)).toEqual([
      `${prefix}/2024-03-05_10.22.41_UTC/F/Windows/System32/winevt/Logs/System.evtx`,
      `${prefix}/deeper.zip`,
      "notes.txt",
    ]);
    expect(r.files[0].archivePath).toBe("case/collected.zip!/2024-03-05_10.22.41_UTC/F/Windows/System32/winevt/Logs/System.evtx");
    expect(r.problems[0].location).toBe("evidence.zip!/case/collected.zip!/deeper.zip");
    expect(existsSync(path.join(r.out, "case/collected.zip"))).toBe(false);
  });

  it("nested entries obey the same name checks", () => {
    const inner = buildZip([{ name: "..\\..\\..\\escape.txt", data: "x" }, { name: "ok.txt", data: "ok" }]);
    const r = extractInSandbox(buildZip([{ name: "inner.zip", data: inner }]));
    expect(codes(r.problems)).toEqual(["archive.entry.unsafe-path"]);
    expect(r.tree).toEqual([`inner.zip${NESTED_ARCHIVE_SUFFIX}`, `inner.zip${NESTED_ARCHIVE_SUFFIX}/ok.txt`]);
  });
});

describe("checkEntryPath", () => {
  it("normalizes separators and drops '.' segments", () => {
    expect(checkEntryPath("a\\.\\b//c.txt")).toEqual({ ok: true, path: "a/b/c.txt", directory: false });
    expect(checkEntryPath("F\\Windows\\")).toEqual({ ok: true, path: "F/Windows", directory: true });
  });

  it("decodes CP437 names and UTF-8-flagged names", () => {
    const cp437 = buildZip([{ name: Uint8Array.from([0x81, 0x62, 0x65, 0x72, 0x2e, 0x74, 0x78, 0x74]), data: "x" }]); // "über.txt" in CP437
    expect(openZip(cp437).entries[0].name).toBe("\u00fcber.txt");
    const utf8 = buildZip([{ name: "ログ/System.evtx", data: "x", flags: 0x800 }]);
    expect(openZip(utf8).entries[0].path).toBe("ログ/System.evtx");
  });

  it("inflates deflate data written by zlib with a data-descriptor-free header", () => {
    const data = Buffer.from("x".repeat(5000));
    const zip = buildZip([{ name: "r.txt", rawCompressed: zlib.deflateRawSync(data), data }]);
    const listing = openZip(zip);
    expect(Buffer.from(readZipEntry(zip, listing.entries[0]).data!).equals(data)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BIG_DATA_SEGMENT,
  diffPages,
  withSequence,
  writeHive,
  writeNewFormatLog,
  writeOldFormatLog,
} from "../../src/hiveWriter/index.js";
import { lhHash } from "../../src/hiveWriter/encode.js";
import { computeChecksum, openHive, parseBaseBlock, parseLog, readHive } from "../../src/parsers/hive/index.js";
import { pattern, softwareTree, systemTree } from "../parsers/hive/fixtures.js";
import { hasTool } from "../parsers/hive/oracle.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hivewriter-test-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const dvOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Walks every cell of every bin; returns cells by signature and checks bins are filled exactly. */
function cells(bytes: Uint8Array): { sig: string; off: number; size: number; allocated: boolean }[] {
  const dv = dvOf(bytes);
  const binsSize = dv.getUint32(40, true);
  const out: { sig: string; off: number; size: number; allocated: boolean }[] = [];
  let bin = 0;
  while (bin < binsSize) {
    expect(String.fromCharCode(...bytes.subarray(4096 + bin, 4096 + bin + 4))).toBe("hbin");
    expect(dv.getUint32(4096 + bin + 4, true)).toBe(bin);
    const size = dv.getUint32(4096 + bin + 8, true);
    expect(size % 4096).toBe(0);
    let off = bin + 32;
    while (off < bin + size) {
      const raw = dv.getInt32(4096 + off, true);
      const abs = Math.abs(raw);
      expect(abs % 8).toBe(0);
      expect(abs).toBeGreaterThanOrEqual(8);
      out.push({ sig: String.fromCharCode(bytes[4096 + off + 4], bytes[4096 + off + 5]), off, size: abs, allocated: raw < 0 });
      off += abs;
    }
    expect(off).toBe(bin + size); // cells fill the bin without gaps
    bin += size;
  }
  expect(bytes.length).toBe(4096 + binsSize);
  return out;
}

describe("writeHive", () => {
  it("is deterministic: the same input gives the same bytes", () => {
    const a = writeHive(softwareTree());
    const b = writeHive(softwareTree());
    expect(sha(a)).toBe(sha(b));
    expect(sha(writeHive(systemTree(), { dirty: true }))).toBe(sha(writeHive(systemTree(), { dirty: true })));
    expect(sha(writeHive(systemTree()))).not.toBe(sha(writeHive(systemTree(), { dirty: true })));
  });

  it("writes a valid base block", () => {
    const bytes = writeHive(systemTree(5), { sequence: 7, fileName: "\\REGISTRY\\MACHINE\\SYSTEM" });
    const base = parseBaseBlock(bytes);
    expect(base).toMatchObject({
      signatureOk: true,
      sequence1: 7,
      sequence2: 7,
      major: 1,
      minor: 5,
      fileType: 0,
      fileFormat: 1,
      clustering: 1,
      fileName: "\\REGISTRY\\MACHINE\\SYSTEM",
      checksumOk: true,
      lastWritten: 133485408000000000n,
    });
    expect(base.binsSize).toBe(bytes.length - 4096);
    expect(dvOf(bytes).getUint32(508, true)).toBe(computeChecksum(bytes));
    const dirty = parseBaseBlock(writeHive(systemTree(5), { sequence: 7, dirty: true }));
    expect([dirty.sequence1, dirty.sequence2, dirty.checksumOk]).toEqual([8, 7, true]);
  });

  it("lays out cells: bins filled exactly, root nk first, sk list circular with correct reference counts", () => {
    const bytes = writeHive(softwareTree(50));
    const all = cells(bytes);
    const dv = dvOf(bytes);
    expect(dv.getUint32(36, true)).toBe(32); // root is the first cell
    const nks = all.filter((c) => c.allocated && c.sig === "nk");
    const sks = all.filter((c) => c.allocated && c.sig === "sk");
    expect(sks.length).toBe(3); // default root security + Remote Desktop + Certificates
    let refs = 0;
    for (const [i, sk] of sks.entries()) {
      const rec = 4096 + sk.off + 4;
      expect(dv.getUint32(rec + 4, true)).toBe(sks[(i + 1) % sks.length].off);
      expect(dv.getUint32(rec + 8, true)).toBe(sks[(i + sks.length - 1) % sks.length].off);
      refs += dv.getUint32(rec + 12, true);
    }
    expect(refs).toBe(nks.length);
    for (const nk of nks) expect(sks.map((s) => s.off)).toContain(dv.getUint32(4096 + nk.off + 4 + 44, true));
  });

  it("stores data resident (≤ 4 bytes), in one cell (≤ 16344), or as big data segments", () => {
    const sizes = [0, 1, 3, 4, 5, BIG_DATA_SEGMENT, BIG_DATA_SEGMENT + 1, 40000];
    const bytes = writeHive({
      name: "R",
      keys: [{ name: "K", values: sizes.map((n) => ({ name: `v${n}`, type: "REG_BINARY", data: pattern(n, n + 1) })) }],
    });
    const hive = openHive(bytes, { hiveName: "SOFTWARE" });
    const key = hive.key("K")!;
    const dv = dvOf(bytes);
    const all = cells(bytes);
    const vks = all.filter((c) => c.sig === "vk");
    expect(vks).toHaveLength(sizes.length);
    vks.forEach((vk, i) => {
      const rec = 4096 + vk.off + 4;
      const raw = dv.getUint32(rec + 4, true);
      const n = sizes[i];
      expect(raw & 0x7fffffff).toBe(n);
      expect((raw & 0x80000000) !== 0).toBe(n <= 4);
      if (n > BIG_DATA_SEGMENT) {
        const db = 4096 + dv.getUint32(rec + 8, true) + 4;
        expect(String.fromCharCode(bytes[db], bytes[db + 1])).toBe("db");
        expect(dv.getUint16(db + 2, true)).toBe(Math.ceil(n / BIG_DATA_SEGMENT));
      }
    });
    const values = hive.values(key);
    expect(values.map((v) => v.data.length)).toEqual(sizes);
    values.forEach((v, i) => expect(Buffer.from(v.data).equals(Buffer.from(pattern(sizes[i], sizes[i] + 1)))).toBe(true));
    // minor version 3: no big data, one large cell in a large bin
    const old = writeHive({ name: "R", keys: [{ name: "K", values: [{ name: "big", type: "REG_BINARY", data: pattern(40000) }] }] }, { minorVersion: 3 });
    expect(cells(old).some((c) => c.sig === "db")).toBe(false);
    expect(readHive(old, { hiveName: "SOFTWARE" }).values[0].value).toBe(Buffer.from(pattern(40000)).toString("hex").toUpperCase());
  });

  it("compresses Latin-1 names and keeps others UTF-16LE", () => {
    const bytes = writeHive({
      name: "R",
      keys: [{ name: "Café", values: [{ name: "Größe", type: "REG_DWORD", data: 1 }, { name: "名前", type: "REG_DWORD", data: 2 }] }, { name: "Ключ" }],
    });
    const dv = dvOf(bytes);
    const nk = cells(bytes).filter((c) => c.sig === "nk");
    const nkFlags = nk.map((c) => dv.getUint16(4096 + c.off + 6, true));
    expect(nkFlags.map((f) => (f & 0x20) !== 0)).toEqual([true, true, false]); // root, Café, Ключ
    expect(nkFlags[0] & 0x04).toBe(0x04); // root flag
    const vk = cells(bytes).filter((c) => c.sig === "vk");
    expect(vk.map((c) => dv.getUint16(4096 + c.off + 4 + 16, true))).toEqual([1, 0]);
    expect(vk.map((c) => dv.getUint16(4096 + c.off + 4 + 2, true))).toEqual([5, 4]); // name length in bytes
  });

  it("writes sorted lh/lf/li leaves with hashes or hints, and an ri above leafSize", () => {
    const keys = ["b", "A", "c", "Ä", "_x", "a1"].map((name) => ({ name }));
    for (const kind of ["lh", "lf", "li"] as const) {
      const bytes = writeHive({ name: "R", keys }, { subkeyList: kind });
      const hive = openHive(bytes, { hiveName: "SOFTWARE" });
      expect(hive.subkeys(hive.rootKey()!).map((k) => k.name)).toEqual(["A", "a1", "b", "c", "_x", "Ä"]);
      const list = cells(bytes).find((c) => c.sig === kind)!;
      expect(list).toBeDefined();
      const rec = 4096 + list.off + 4;
      if (kind === "lh") expect(dvOf(bytes).getUint32(rec + 8, true)).toBe(lhHash("A"));
      if (kind === "lf") expect(String.fromCharCode(...bytes.subarray(rec + 16, rec + 20))).toBe("a1\0\0");
    }
    expect(lhHash("Class")).toBe(0x07b82c9a);
    expect(lhHash("lParam")).toBe(0x4343bfdd);
    const many = writeHive({ name: "R", keys: Array.from({ length: 25 }, (_, i) => ({ name: `k${String(i).padStart(2, "0")}` })) }, { leafSize: 10 });
    const all = cells(many);
    expect(all.filter((c) => c.sig === "ri")).toHaveLength(1);
    expect(all.filter((c) => c.sig === "lh")).toHaveLength(3);
    expect(readHive(many, { hiveName: "SOFTWARE" }).keys).toHaveLength(26);
  });

  it("refuses ambiguous input", () => {
    expect(() => writeHive({ name: "R", keys: [{ name: "a" }, { name: "A" }] })).toThrow(/duplicate subkey/);
    expect(() => writeHive({ name: "R", keys: [{ name: "a\\b" }] })).toThrow(/backslash/);
    expect(() => writeHive({ name: "R", keys: [{ name: "k", values: [{ name: "v", type: "REG_NOPE", data: 1 }] }] })).toThrow(/unknown value type/);
    expect(() => writeHive({ name: "R", keys: [{ name: "k", values: [{ name: "v", type: "REG_BINARY", data: "XYZ" }] }] })).toThrow(/hex/);
    expect(() => writeHive({ name: "R", keys: [{ name: "k", values: [{ name: "v", type: "REG_SZ", data: 5 }] }] })).toThrow(/string/);
  });

  it("encodes value data per type", () => {
    const bytes = writeHive({
      name: "R",
      keys: [
        {
          name: "k",
          values: [
            { name: "dw", type: "REG_DWORD", data: "0x10" },
            { name: "be", type: 5, data: 0x0a0b0c0d },
            { name: "q", type: "REG_QWORD", data: 5 },
            { name: "m1", type: "REG_MULTI_SZ", data: "single" },
            { name: "raw", type: "REG_DWORD", data: new Uint8Array([1, 2, 3]) },
          ],
        },
      ],
    });
    const hive = openHive(bytes, { hiveName: "SOFTWARE" });
    const v = hive.values(hive.key("k")!);
    expect(v.map((x) => Buffer.from(x.data).toString("hex"))).toEqual(["10000000", "0a0b0c0d", "0500000000000000", "730069006e0067006c00650000000000", "010203"]);
    expect(v.map((x) => x.value)).toEqual([16, 0x0a0b0c0d, 5, ["single"], "010203"]);
  });

  it.skipIf(!hasTool("regfinfo") || !hasTool("reglookup"))("produces hives both oracles open without complaint", () => {
    for (const [label, bytes] of [
      ["system", writeHive(systemTree())],
      ["software", writeHive(softwareTree(), { subkeyList: "lf" })],
    ] as const) {
      const file = join(dir, label);
      writeFileSync(file, bytes);
      const info = spawnSync("regfinfo", [file], { encoding: "utf8" });
      expect(info.status).toBe(0);
      expect(info.stdout).toMatch(/Windows NT Registry File information/);
      const rl = spawnSync("reglookup", ["-H", file], { encoding: "latin1", maxBuffer: 1 << 28 });
      expect(rl.status).toBe(0);
      // reglookup only warns about names/text it cannot convert to US-ASCII
      expect(rl.stderr.split("\n").filter((l) => l && !/US-ASCII|Data could not be interpreted/.test(l))).toEqual([]);
    }
  });
});

describe("log writers", () => {
  const before = writeHive(systemTree(5), { sequence: 4 });
  const tree = systemTree(5);
  tree.keys[0].values![0] = { name: "Current", type: "REG_DWORD", data: 1 };
  const after = writeHive(tree, { sequence: 4 });

  it("diffPages finds exactly the changed page", () => {
    expect(diffPages(before, after).length).toBe(1);
    expect(diffPages(before, after, 512).length).toBe(1);
    expect(diffPages(before, before)).toEqual([]);
  });

  it("writes HvLE entries whose hashes verify, and a DIRT log the reader applies", () => {
    const pages = diffPages(before, after);
    const log = writeNewFormatLog(after, [{ sequence: 4, binsSize: after.length - 4096, pages }]);
    const parsed = parseLog("LOG1", log);
    expect(parsed.report).toMatchObject({ format: "new", fileType: 6, baseBlockOk: true, entries: 1, firstSequence: 4 });
    expect(parsed.report.stop).toBeUndefined();
    expect(log.length % 512).toBe(0);
    const r = readHive(withSequence(before, 5, 4), { hiveName: "SYSTEM", logs: [log] });
    expect(r.info.currentControlSet).toBe(1);
    const old = writeOldFormatLog(before, after);
    expect(parseLog("LOG", old).report.format).toBe("old");
    expect(readHive(withSequence(before, 5, 4), { hiveName: "SYSTEM", logs: [old] }).info.currentControlSet).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { writeHive } from "../../../src/hiveWriter/index.js";
import { computeChecksum, openHive, readHive } from "../../../src/parsers/hive/index.js";
import { systemTree } from "./fixtures.js";

const clean = () => writeHive(systemTree(40));
const codes = (r: { problems: { code: string }[] }) => [...new Set(r.problems.map((p) => p.code))].sort();
const dvOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** File offset of the record of a key's nk cell. */
function nkRecord(bytes: Uint8Array, path: string): number {
  const key = openHive(bytes, { hiveName: "SYSTEM" }).key(path);
  if (!key) throw new Error(`no key ${path}`);
  return 4096 + key.offset + 4;
}

function valueCellSizeAt(bytes: Uint8Array, name: string): number {
  const needle = Buffer.from(name, "latin1");
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle);
  // vk record starts 20 bytes before its name; its cell size field 4 bytes before that.
  if (at < 0 || bytes[at - 20] !== 0x76 || bytes[at - 19] !== 0x6b) throw new Error(`no vk for ${name}`);
  return at - 24;
}

describe("damaged hives: problems, never a throw or a hang", () => {
  const baseline = readHive(clean(), { hiveName: "SYSTEM" });

  it("truncated file: reads what is there and reports the truncation", () => {
    const bytes = clean();
    const cut = bytes.subarray(0, 4096 + 3 * 4096 + 100);
    const r = readHive(cut, { hiveName: "SYSTEM" });
    expect(codes(r)).toContain("hive.truncated");
    expect(r.values.length).toBeGreaterThan(0);
    expect(r.values.length).toBeLessThan(baseline.values.length);
  });

  it("truncated into the base block or before it", () => {
    const bytes = clean();
    expect(codes(readHive(bytes.subarray(0, 100), { hiveName: "SYSTEM" }))).toEqual(["hive.not-regf"]);
    const r = readHive(bytes.subarray(0, 3000), { hiveName: "SYSTEM" });
    expect(codes(r)).toEqual(["hive.root.unreadable", "hive.truncated", "hive.cell.bad-offset"].sort());
    expect(r.values).toEqual([]);
    expect(codes(readHive(new Uint8Array(0), { hiveName: "SYSTEM" }))).toEqual(["hive.not-regf"]);
    expect(codes(readHive(new TextEncoder().encode("not a hive at all"), { hiveName: "SYSTEM" }))).toEqual(["hive.not-regf"]);
  });

  it("a value cell size overwritten: that value is reported, the rest is read", () => {
    const bytes = clean();
    dvOf(bytes).setInt32(valueCellSizeAt(bytes, "PortNumber"), 0x7ffffff0, true);
    const r = readHive(bytes, { hiveName: "SYSTEM" });
    expect(codes(r)).toContain("hive.cell.bad-size");
    const ports = r.values.filter((v) => v.name === "PortNumber");
    expect(ports.length).toBe(1); // ControlSet001's and 002's vk share the name; the first in the file is gone
    expect(r.values.length).toBe(baseline.values.length - 1);
  });

  it("a cell size shrunk below its record: the record is refused", () => {
    const bytes = clean();
    dvOf(bytes).setInt32(valueCellSizeAt(bytes, "SecurityLayer"), -8, true);
    const r = readHive(bytes, { hiveName: "SYSTEM" });
    expect(codes(r)).toContain("hive.value.bad-signature");
    expect(r.values.length).toBe(baseline.values.length - 1);
  });

  it("a subkey list pointing back to an ancestor (loop) is cut", () => {
    const bytes = clean();
    const nk = nkRecord(bytes, "ControlSet002\\Control\\Terminal Server\\WinStations");
    const dv = dvOf(bytes);
    const list = 4096 + dv.getUint32(nk + 28, true) + 4;
    dv.setUint32(list + 4, dv.getUint32(36, true), true); // element 0 → root
    const r = readHive(bytes, { hiveName: "SYSTEM" });
    expect(codes(r)).toContain("hive.key.loop");
    expect(r.keys.length).toBe(baseline.keys.length - 1); // RDP-Tcp is no longer reachable
  });

  it("an index root pointing to itself, and huge declared counts: reported, and the read terminates", () => {
    const bytes = writeHive(systemTree(1100));
    const dv = dvOf(bytes);
    const nk = nkRecord(bytes, "ControlSet002\\Services");
    const ri = dv.getUint32(nk + 28, true);
    expect(String.fromCharCode(bytes[4096 + ri + 4], bytes[4096 + ri + 5])).toBe("ri");
    dv.setUint32(4096 + ri + 8, ri, true); // ri element 0 → the ri itself
    dv.setUint16(4096 + ri + 6, 0xffff, true); // and an absurd element count
    dv.setUint32(nk + 20, 0xffffffff, true); // absurd subkey count
    const tsNk = nkRecord(bytes, "ControlSet002\\Control\\Terminal Server");
    dv.setUint32(tsNk + 36, 0x7fffffff, true); // absurd value count
    const r = readHive(bytes, { hiveName: "SYSTEM" });
    expect(codes(r)).toEqual(expect.arrayContaining(["hive.list.nested-ri", "hive.list.count", "hive.key.subkey-count", "hive.values.count"]));
    expect(r.keys.length).toBeGreaterThan(100);
  }, 60_000); // Hang guard, not a speed target (speed is measured by `npm run bench`): following the self-referencing ri or the absurd counts would not finish.

  it("keys nested deeper than 512 levels stop at the limit", () => {
    let leaf: { name: string; subkeys?: unknown[] } = { name: "k600" };
    for (let i = 599; i >= 0; i--) leaf = { name: `k${i}`, subkeys: [leaf] };
    const r = readHive(writeHive({ name: "R", keys: [leaf as never] }), { hiveName: "SOFTWARE" });
    expect(codes(r)).toEqual(["hive.key.too-deep"]);
    expect(r.keys.length).toBe(1 + 512); // the root (depth 0) and 512 levels below it
  });

  it("a bad base block checksum is reported (and makes the hive dirty)", () => {
    const bytes = clean();
    bytes[100] ^= 0xff;
    const r = readHive(bytes, { hiveName: "SYSTEM" });
    expect(codes(r)).toEqual(["hive.base-block.checksum", "hive.dirty"]);
    expect(r.info.checksumOk).toBe(false);
    expect(r.info.dirty).toBe(true);
    expect(r.values.length).toBe(baseline.values.length);
    expect(computeChecksum(clean())).toBe(dvOf(clean()).getUint32(508, true));
  });

  it("a broken hbin header: the bin is skipped, later bins still read", () => {
    const bytes = clean();
    bytes.set([0, 0, 0, 0], 4096 + 4096); // second bin's signature
    const r = readHive(bytes, { hiveName: "SYSTEM" });
    expect(codes(r)).toContain("hive.bin.bad-header");
    expect(r.values.length).toBeGreaterThan(0);
  });

  it("random corruption never throws and always terminates (fuzz, 300 cases)", () => {
    const bytes = clean();
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 0x100000000;
    };
    for (let n = 0; n < 300; n++) {
      const copy = new Uint8Array(bytes);
      const flips = 1 + Math.floor(rand() * 40);
      for (let i = 0; i < flips; i++) {
        const at = 4096 + Math.floor(rand() * (copy.length - 4096));
        copy[at] = Math.floor(rand() * 256);
      }
      if (n % 3 === 0) {
        // also scramble a few u32 fields to absurd values
        const dv = dvOf(copy);
        for (let i = 0; i < 5; i++) dv.setUint32(4096 + 4 * Math.floor((rand() * (copy.length - 4100)) / 4), Math.floor(rand() * 0xffffffff), true);
      }
      const cut = n % 7 === 0 ? copy.subarray(0, Math.floor(rand() * copy.length)) : copy;
      expect(() => readHive(cut, { hiveName: "SYSTEM", aclKeys: ["ControlSet002\\Control"] })).not.toThrow();
    }
  }, 120_000); // Hang guard, not a speed target (speed is measured by `npm run bench`): a corrupted structure that loops would not finish.
});

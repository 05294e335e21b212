import { describe, expect, it } from "vitest";
import {
  logEntriesFromStates,
  withSequence,
  writeHive,
  writeNewFormatLog,
  writeOldFormatLog,
} from "../../../src/hiveWriter/index.js";
import { parseLog, readHive } from "../../../src/parsers/hive/index.js";
import type { KeySpec } from "../../../src/hiveWriter/index.js";
import { systemTree } from "./fixtures.js";

/** SYSTEM tree with ControlSet002's fDenyTSConnections set to `deny`, optionally an extra policy key. */
function state(deny: number, extra = false) {
  const tree = systemTree(30);
  const cs2 = tree.keys.find((k) => k.name === "ControlSet002")!;
  const control = cs2.subkeys!.find((k) => k.name === "Control")!;
  const ts = control.subkeys!.find((k) => k.name === "Terminal Server")!;
  ts.values = ts.values!.map((v) => (v.name === "fDenyTSConnections" ? { ...v, data: deny } : v));
  if (extra) {
    const big: KeySpec[] = Array.from({ length: 200 }, (_, i) => ({
      name: `Added${i}`,
      values: [{ name: "Data", type: "REG_SZ", data: `added value ${i} `.repeat(10) }],
    }));
    control.subkeys!.push({ name: "AddedLater", subkeys: big });
  }
  return writeHive(tree, { sequence: 10 });
}

const before = state(0);
const after1 = state(1);
const after2 = state(1, true);
const entries = logEntriesFromStates([before, after1, after2], 10);
const dirtyPrimary = withSequence(before, 12, 10);
const log1 = writeNewFormatLog(after1, [entries[0]]);
const log2 = writeNewFormatLog(after2, [entries[1]]);
const deny = (r: ReturnType<typeof readHive>) =>
  r.values.find((v) => v.key === "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server" && v.name === "fDenyTSConnections")?.value;
const strip = (r: ReturnType<typeof readHive>) => ({ values: r.values, keys: r.keys });

describe("transaction logs", () => {
  it("the test states differ as intended (same layout for entry 10, growth for entry 11)", () => {
    expect(entries[0].pages.length).toBe(1);
    expect(entries[1].binsSize).toBeGreaterThan(entries[0].binsSize);
    expect(deny(readHive(dirtyPrimary, { hiveName: "SYSTEM", logs: [] }))).toBe(0);
  });

  it("dirty hive without logs: reported as possibly stale", () => {
    const r = readHive(writeHive(systemTree(3), { dirty: true }), { hiveName: "SYSTEM" });
    expect(r.info).toMatchObject({ dirty: true, checksumOk: true, logApplied: false, sequence1: 2, sequence2: 1 });
    expect(r.problems.map((p) => p.code)).toEqual(["hive.dirty"]);
    expect(r.problems[0].message).toMatch(/no transaction logs.*stale/);
    expect(r.values.length).toBeGreaterThan(0);
  });

  it("new format: entries from LOG1 and LOG2 are verified and replayed in sequence", () => {
    const r = readHive(dirtyPrimary, { hiveName: "SYSTEM", logs: [{ name: "SYSTEM.LOG1", bytes: log1 }, { name: "SYSTEM.LOG2", bytes: log2 }] });
    expect(r.info.logApplied).toBe(true);
    expect(r.info.logSummary).toBe("applied log entries 10–11");
    expect(r.problems.map((p) => p.code)).toEqual(["hive.dirty"]);
    expect(r.problems[0].message).toMatch(/was dirty.*applied log entries 10–11/);
    expect(deny(r)).toBe(1);
    expect(strip(r)).toEqual(strip(readHive(after2, { hiveName: "SYSTEM" })));
    expect(r.info.logs.map((l) => [l.name, l.format, l.entries, l.applied])).toEqual([
      ["SYSTEM.LOG1", "new", 1, 1],
      ["SYSTEM.LOG2", "new", 1, 1],
    ]);
    // log order does not matter: entries are pooled by sequence number
    const swapped = readHive(dirtyPrimary, { hiveName: "SYSTEM", logs: [log2, log1] });
    expect(strip(swapped)).toEqual(strip(r));
  });

  it("new format: a bad hash stops replay before the bogus entry", () => {
    const bad = new Uint8Array(log2);
    bad[512 + 40 + 8 * entries[1].pages.length + 100] ^= 0x55; // page data of entry 11 → Hash-1 mismatch
    expect(parseLog("x", bad).report.stop).toMatch(/Hash-1 mismatch/);
    const r = readHive(dirtyPrimary, { hiveName: "SYSTEM", logs: [log1, bad] });
    expect(r.info.logSummary).toBe("applied log entries 10–10");
    expect(r.problems.map((p) => p.code)).toEqual(["hive.dirty", "hive.log.entry-invalid"]);
    expect(strip(r)).toEqual(strip(readHive(after1, { hiveName: "SYSTEM" })));
    const h2 = new Uint8Array(log1);
    h2[520] ^= 1; // flags field → Hash-2 mismatch
    expect(parseLog("x", h2).report.stop).toMatch(/Hash-2 mismatch/);
  });

  it("new format: a missing first entry means nothing is applied, and the report says which logs and why", () => {
    const r = readHive(dirtyPrimary, { hiveName: "SYSTEM", logs: [{ name: "SYSTEM.LOG2", bytes: log2 }] });
    expect(r.info.logApplied).toBe(false);
    expect(deny(r)).toBe(0);
    expect(r.problems.map((p) => p.code)).toEqual(["hive.dirty", "hive.log.not-applied"]);
    expect(r.problems[0].message).toMatch(/NOT applied.*stale/);
    expect(r.problems[1].message).toMatch(/SYSTEM\.LOG2: new \(type 6\), entries 11–11/);
    expect(r.problems[1].message).toMatch(/expected sequence number 10/);
  });

  it("new format: old entries (already in the primary) are ignored", () => {
    const clean10 = withSequence(after2, 13, 12);
    const r = readHive(clean10, { hiveName: "SYSTEM", logs: [log1, log2] });
    expect(r.info.logApplied).toBe(false);
    expect(r.info.logSummary).toMatch(/older than the primary's sequence number 12/);
  });

  it("clean hive: logs are ignored", () => {
    const r = readHive(before, { hiveName: "SYSTEM", logs: [log1, log2] });
    expect(r.problems).toEqual([]);
    expect(r.info.logApplied).toBe(false);
    expect(r.info.logSummary).toMatch(/clean/);
    expect(deny(r)).toBe(0);
  });

  it("bad primary base block: restored from the log's, then entries applied", () => {
    const broken = new Uint8Array(dirtyPrimary);
    broken[200] ^= 0xff; // checksum no longer matches
    const donor = writeNewFormatLog(withSequence(after1, 10, 10), [entries[0], entries[1]]);
    const r = readHive(broken, { hiveName: "SYSTEM", logs: [donor] });
    expect(r.problems.map((p) => p.code)).toEqual(["hive.base-block.checksum", "hive.dirty"]);
    expect(r.problems[1].message).toMatch(/restored from the log/);
    expect(strip(r)).toEqual(strip(readHive(after2, { hiveName: "SYSTEM" })));
  });

  it("old format (DIRT): applied when the log's base block is valid and matches the primary", () => {
    const old = writeOldFormatLog(before, after1);
    const r = readHive(withSequence(before, 11, 10), { hiveName: "SYSTEM", logs: [{ name: "SYSTEM.LOG", bytes: old }] });
    expect(r.info.logApplied).toBe(true);
    expect(r.info.logSummary).toMatch(/applied 1 dirty pages from SYSTEM\.LOG/);
    expect(strip(r)).toEqual(strip(readHive(after1, { hiveName: "SYSTEM" })));
    // a log from another write (different last-written time) is refused
    const other = writeOldFormatLog(before, writeHive(systemTree(30), { sequence: 10, timestamp: 133000000000000000n }));
    const r2 = readHive(withSequence(before, 11, 10), { hiveName: "SYSTEM", logs: [other] });
    expect(r2.info.logApplied).toBe(false);
    expect(r2.problems.map((p) => p.code)).toEqual(["hive.dirty", "hive.log.not-applied"]);
    expect(r2.problems[1].message).toMatch(/last-written time differs/);
  });

  it("empty and garbage logs are reported, never thrown on", () => {
    const r = readHive(dirtyPrimary, { hiveName: "SYSTEM", logs: [new Uint8Array(0), new Uint8Array(4096), new Uint8Array(1000).fill(7)] });
    expect(r.info.logApplied).toBe(false);
    expect(r.info.logs.map((l) => l.format)).toEqual(["empty", "empty", "unknown"]);
  });
});

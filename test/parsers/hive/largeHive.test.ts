import { describe, expect, it } from "vitest";
import { writeHive, type KeySpec, type ValueSpec } from "../../../src/hiveWriter/index.js";
import { readHive } from "../../../src/parsers/hive/index.js";
import type { RegistryKey, RegistryValue } from "../../../src/parsers/types.js";

// A large hive read end to end. How fast it is read is a benchmark figure (`npm run bench`), never asserted here.

/** ≥ 100k values: 2500 keys under 50 parents, 44 values each (DWORD, SZ, BINARY, MULTI_SZ, QWORD). */
function bigTree(): { name: string; keys: KeySpec[] } {
  const parents: KeySpec[] = [];
  for (let p = 0; p < 50; p++) {
    const children: KeySpec[] = [];
    for (let c = 0; c < 50; c++) {
      const values: ValueSpec[] = [];
      for (let v = 0; v < 44; v++) {
        const kind = v % 5;
        const name = `Value ${v}`;
        if (kind === 0) values.push({ name, type: "REG_DWORD", data: p * 1000 + c * 10 + v });
        else if (kind === 1) values.push({ name, type: "REG_SZ", data: `C:\\Windows\\System32\\file${p}_${c}_${v}.dll` });
        else if (kind === 2) values.push({ name, type: "REG_BINARY", data: "00112233445566778899AABBCCDDEEFF" });
        else if (kind === 3) values.push({ name, type: "REG_MULTI_SZ", data: ["alpha", "beta", `gamma${v}`] });
        else values.push({ name, type: "REG_QWORD", data: BigInt(p) * 0x100000000n + BigInt(v) });
      }
      children.push({ name: `Child${String(c).padStart(3, "0")}`, values });
    }
    parents.push({ name: `Parent${String(p).padStart(3, "0")}`, subkeys: children });
  }
  return { name: "ROOT", keys: [{ name: "Bench", subkeys: parents }] };
}

describe("a large hive", () => {
  // 1 root + Bench + 50 parents + 2,500 children = 2,552 keys; 2,500 × 44 = 110,000 values.
  it("reads all 110,000 values and 2,552 keys; the streaming read agrees with the full read", () => {
    const bytes = writeHive(bigTree());
    const r = readHive(bytes, { hiveName: "SOFTWARE" });
    const streamedValues: RegistryValue[] = [];
    const streamedKeys: RegistryKey[] = [];
    const s = readHive(bytes, { hiveName: "SOFTWARE", onValue: (v) => void streamedValues.push(v), onKey: (k) => void streamedKeys.push(k) });
    console.log(`hive ${(bytes.length / 1048576).toFixed(1)} MiB, ${r.values.length} values, ${r.keys.length} keys`);
    expect(r.problems).toEqual([]);
    expect(r.values.length).toBe(110_000);
    expect(r.keys.length).toBe(2_552);
    expect(r.info).toMatchObject({ keyCount: 2_552, valueCount: 110_000 });
    // Streaming: nothing collected, the same keys and values handed out in the same order.
    expect(s.problems).toEqual([]);
    expect(s.values).toEqual([]);
    expect(s.keys).toEqual([]);
    expect(s.info).toMatchObject({ keyCount: 2_552, valueCount: 110_000 });
    expect(streamedKeys).toEqual(r.keys);
    expect(streamedValues).toEqual(r.values);
    // Every value of every child key is there, decoded (one spot check per type).
    const perKey = new Map<string, number>();
    for (const v of r.values) perKey.set(v.rawKey, (perKey.get(v.rawKey) ?? 0) + 1);
    expect(perKey.size).toBe(2_500);
    expect([...perKey.values()].every((n) => n === 44)).toBe(true);
    const at = (child: string, name: string) => r.values.find((v) => v.rawKey.endsWith(child) && v.name === name);
    expect(at("\\Bench\\Parent049\\Child049", "Value 0")).toMatchObject({ type: "REG_DWORD", value: 49 * 1000 + 49 * 10 });
    expect(at("\\Bench\\Parent000\\Child001", "Value 1")).toMatchObject({ type: "REG_SZ", value: "C:\\Windows\\System32\\file0_1_1.dll" });
    expect(at("\\Bench\\Parent000\\Child000", "Value 2")).toMatchObject({ type: "REG_BINARY", value: "00112233445566778899AABBCCDDEEFF" });
    expect(at("\\Bench\\Parent000\\Child000", "Value 3")).toMatchObject({ type: "REG_MULTI_SZ", value: ["alpha", "beta", "gamma3"] });
    expect(at("\\Bench\\Parent002\\Child000", "Value 4")).toMatchObject({ type: "REG_QWORD", value: 2 * 0x100000000 + 4 });
  }, 120_000); // Hang guard, not a speed target: read speed is measured by `npm run bench`.
});

import { describe, expect, it } from "vitest";
import { writeHive, type KeySpec, type ValueSpec } from "../../../src/hiveWriter/index.js";
import { readHive } from "../../../src/parsers/hive/index.js";

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

describe("speed", () => {
  it("reads a hive of 110,000 values quickly (full index)", () => {
    let t = performance.now();
    const bytes = writeHive(bigTree());
    const writeMs = performance.now() - t;
    readHive(bytes, { hiveName: "SOFTWARE" }); // warm-up (JIT)
    t = performance.now();
    const r = readHive(bytes, { hiveName: "SOFTWARE" });
    const readMs = performance.now() - t;
    let streamed = 0;
    t = performance.now();
    readHive(bytes, { hiveName: "SOFTWARE", onValue: () => streamed++, onKey: () => undefined });
    const streamMs = performance.now() - t;
    const rate = Math.round(r.values.length / (readMs / 1000));
    console.log(
      `[speed] hive ${(bytes.length / 1048576).toFixed(1)} MiB, ${r.values.length} values, ${r.keys.length} keys: ` +
        `write ${writeMs.toFixed(0)} ms, readHive ${readMs.toFixed(0)} ms (${rate} values/s), streaming ${streamMs.toFixed(0)} ms`,
    );
    expect(r.values.length).toBe(110_000);
    expect(streamed).toBe(110_000);
    expect(r.problems).toEqual([]);
    expect(readMs).toBeLessThan(20_000); // generous for slow CI; typically well under a second
  });
});

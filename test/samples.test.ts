import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sampleCases, sampleFiles } from "../scripts/samples/cases.js";
import { checkCase } from "../src/pipeline/check.js";

const samplesDir = path.resolve(__dirname, "..", "samples");

describe("bundled samples", () => {
  it("are exactly what `npm run samples` writes (deterministic, committed up to date)", () => {
    const first = sampleFiles();
    const second = sampleFiles();
    for (const [rel, bytes] of first) {
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(second.get(rel)!)), `${rel} differs between two runs`).toBe(0);
      const committed = readFileSync(path.join(samplesDir, rel));
      expect(Buffer.compare(committed, Buffer.from(bytes)), `${rel}: committed file is not what the script writes; run npm run samples`).toBe(0);
    }
  });

  it("keep every case folder well under 1 MB", () => {
    for (const c of sampleCases()) {
      const dir = path.join(samplesDir, c.name);
      const size = (readdirSync(dir, { recursive: true }) as string[])
        .map((f) => path.join(dir, f))
        .filter((f) => statSync(f).isFile())
        .reduce((s, f) => s + statSync(f).size, 0);
      expect(size, c.name).toBeLessThan(512 * 1024);
    }
  });
});

describe("rdp-triage check over samples/", () => {
  for (const c of sampleCases()) {
    it(`${c.name}: ${c.expected.description}`, async () => {
      const result = await checkCase(path.join(samplesDir, c.name));
      expect(result.failures).toEqual([]);
      expect(result.passed).toBe(true);
    });
  }
});

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../../src/scenarios/index.js";
import { checkCase, readExpected } from "../../src/pipeline/check.js";

// Each scenario names the sample folders that prove it; this runs them end to end (ingest → index →
// scenarios) and compares with their expected.json, the same way `rdp-triage check samples` does.

const samplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../samples");

describe("the samples each scenario claims", () => {
  const samples = [...new Set(SCENARIOS.flatMap((s) => s.samples))].sort();

  for (const s of SCENARIOS) {
    it(`${s.id}: its samples exist and their expected.json speak about it`, () => {
      for (const name of s.samples) {
        expect(existsSync(path.join(samplesDir, name, "expected.json")), name).toBe(true);
        const expected = readExpected(path.join(samplesDir, name));
        const mentioned = [...(expected.expect ?? []).map((e) => e.scenario), ...(expected.absent ?? [])];
        expect(mentioned, name).toContain(s.id);
      }
    });
  }

  for (const name of samples) {
    it(`samples/${name} passes`, async () => {
      const result = await checkCase(path.join(samplesDir, name));
      expect(result.failures).toEqual([]);
    });
  }
});

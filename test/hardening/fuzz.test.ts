// Seeded fuzzing in the normal test run: the same targets and properties as `npm run fuzz`
// (scripts/fuzz.ts: never throws, terminates within PER_CASE_MS, well-typed output that stores into the
// index unchanged in number), a few hundred cases each with a fixed seed so a run is reproducible.
// FUZZ_RUNS / FUZZ_SEED override both (e.g. FUZZ_SEED=$RANDOM to explore).

import { describe, expect, it } from "vitest";
import { DEFAULT_SEED, fuzzTargets, runTarget, seeds } from "../../scripts/fuzz.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

describe(`fuzz targets (${RUNS} cases each, seed ${SEED})`, () => {
  it("have real seed inputs: sample dumps of every kind, sample logs, a multi-chunk log", () => {
    const s = seeds();
    expect(s.icaclsLines.length).toBeGreaterThan(10);
    expect(s.regQueryLines.length).toBeGreaterThan(10);
    expect(s.regFileLines.length).toBeGreaterThan(10);
    expect(s.dumpFiles.length).toBeGreaterThan(10);
    expect(s.evtxFiles.length).toBeGreaterThan(10);
  });

  for (const target of fuzzTargets()) {
    it(`${target.name}: never throws, terminates, well-typed output`, () => {
      const r = runTarget(target, RUNS, SEED);
      const report = r.failed
        ? `seed ${r.seed}, path ${r.path}\ninput: ${r.counterexample}\n${r.error}\n(reproduce: node dist/scripts/fuzz.js --target ${r.target} --seed ${r.seed} --runs ${RUNS})`
        : "";
      expect(report).toBe("");
      expect(r.numRuns).toBe(RUNS);
    });
  }
});

// `npm run samples`: writes every bundled sample case under samples/ from scripts/samples/cases.ts.
// Deterministic (no clock, no randomness beyond seeded damage); test/samples.test.ts proves the
// committed files are exactly what this writes.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sampleCases, sampleFiles } from "./samples/cases.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes("dist") ? "../.." : "..");
const samplesDir = path.join(repoRoot, "samples");

const files = sampleFiles();
for (const c of sampleCases()) rmSync(path.join(samplesDir, c.name), { recursive: true, force: true });
for (const [rel, bytes] of files) {
  const target = path.join(samplesDir, rel);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, bytes);
}
for (const c of sampleCases()) {
  const dir = path.join(samplesDir, c.name);
  const size = readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .reduce((sum, f) => sum + statSync(f).size, 0);
  process.stdout.write(`${c.name.padEnd(30)} ${String(size).padStart(8)} bytes\n`);
}

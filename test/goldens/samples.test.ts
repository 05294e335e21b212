import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openIndex } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import { listCases, readExpected } from "../../src/pipeline/check.js";
import { renderJson } from "../../src/report/json.js";

// One golden findings JSON per sample case: the whole analyze output (findings, evidence, scripts,
// checked list, timeline, sources) pinned, so any change in what a report says shows up as a diff.
// Regenerate on purpose with: UPDATE_GOLDENS=1 npx vitest run test/goldens
const samplesDir = path.resolve(__dirname, "..", "..", "samples");
const goldenDir = path.join(__dirname, "samples");
const update = process.env.UPDATE_GOLDENS === "1";

async function findingsJson(caseName: string): Promise<string> {
  const db = openIndex(":memory:");
  try {
    await ingestFolder(path.join(samplesDir, caseName), db);
    const report = buildReport(db, { generatedAt: "2000-01-01T00:00:00.000Z", asOf: readExpected(path.join(samplesDir, caseName)).asOf });
    return renderJson({ ...report, evidenceRoot: `samples/${caseName}` });
  } finally {
    db.close();
  }
}

describe("golden findings JSON per sample", () => {
  for (const name of listCases(samplesDir)) {
    it(name, async () => {
      const actual = await findingsJson(name);
      const file = path.join(goldenDir, `${name}.json`);
      if (update) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(file, actual);
      }
      expect(existsSync(file), `no golden for ${name}: run UPDATE_GOLDENS=1 npx vitest run test/goldens`).toBe(true);
      expect(actual).toBe(readFileSync(file, "utf8"));
    });
  }
});

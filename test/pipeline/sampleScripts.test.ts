import { beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { openIndex } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import { listCases } from "../../src/pipeline/check.js";
import { initPowerShellSyntax, parsePowerShell } from "../../src/collect/powershellSyntax.js";
import { checkCmdScript } from "../../src/collect/index.js";
import type { Remediation } from "../../src/report/findings.js";

// Every remediation script that any sample's report contains must be well-formed for its shell:
// PowerShell parsed with the tree-sitter-powershell grammar (no ERROR or MISSING node), cmd checked
// for balanced quotes and line length; and none may wait for an answer nobody can give under Run Command.
const samplesDir = path.resolve(__dirname, "..", "..", "samples");

function scriptsOf(caseName: string): { caseName: string; r: Remediation }[] {
  const db = openIndex(":memory:");
  try {
    ingestFolder(path.join(samplesDir, caseName), db);
    // Scripts are identical in both languages; only their titles differ.
    const report = buildReport(db, { generatedAt: "2000-01-01T00:00:00.000Z" });
    return report.findings.flatMap((f) => f.remediation.map((r) => ({ caseName, r })));
  } finally {
    db.close();
  }
}

const all = listCases(samplesDir).flatMap(scriptsOf);

beforeAll(async () => {
  await initPowerShellSyntax();
});

describe("remediation scripts in the sample reports", () => {
  it("there are scripts of both shells to check", () => {
    expect(all.filter((s) => s.r.shell === "powershell").length).toBeGreaterThan(10);
    expect(all.filter((s) => s.r.shell === "cmd").length).toBeGreaterThan(10);
  });

  for (const { caseName, r } of all) {
    it(`${caseName}: ${r.variant} ${r.shell} "${r.title}" parses and never prompts`, () => {
      if (r.shell === "powershell") expect(parsePowerShell(r.script).errors).toEqual([]);
      else expect(checkCmdScript(r.script)).toEqual([]);
      expect(r.script).not.toMatch(/\bRead-Host\b|^\s*pause\b|set \/p /im);
      const commands = r.script.split("\n").filter((l) => !/^\s*(rem\b|::|#)/i.test(l)).join("\n");
      expect(commands).not.toMatch(/\btakeown\b(?![^\n]*\/d [yYjJ])/);
    });
  }
});

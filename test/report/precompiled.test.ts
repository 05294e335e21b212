import { afterAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { findTemplatesDir, precompiledTemplatesFile, readReportTemplates, renderHtml } from "../../src/report/html.js";
import { caseReport, hostileReport } from "./fixtures.js";

// `npm test` builds first (tsc + scripts/precompileTemplates.ts), so the precompiled file exists here.
const templatesDir = findTemplatesDir();
const precompiled = precompiledTemplatesFile(templatesDir);
const work = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-templates-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of templates/ with no dist/ beside it: rendering compiles at run time. */
function compiledAtRunTime(name: string): string {
  const dir = path.join(work, name, "templates");
  cpSync(templatesDir, dir, { recursive: true });
  return dir;
}

describe("precompiled report templates (build step)", () => {
  it("exist after the build and were made from the current templates", () => {
    expect(existsSync(precompiled), `${precompiled} missing: run npm run build`).toBe(true);
    const text = readFileSync(precompiled, "utf8");
    expect(text).toContain(JSON.stringify(readReportTemplates(templatesDir).hash));
    // It loads (a file that failed to load would silently fall back to compiling at run time).
    const loaded = createRequire(import.meta.url)(precompiled) as { hash: string; main: object; partials: object };
    expect(loaded.hash).toBe(readReportTemplates(templatesDir).hash);
    expect(Object.keys(loaded.partials).length).toBeGreaterThan(5);
  });

  it("render exactly the page the run-time compiler renders, for a normal and a hostile report", () => {
    const dir = compiledAtRunTime("runtime");
    for (const report of [caseReport(), hostileReport(), caseReport({ lang: "ja" })]) {
      expect(renderHtml(report)).toBe(renderHtml(report, { templatesDir: dir }));
    }
  });

  it("are ignored once a template changed after the build: the page shows the edited template", () => {
    const dir = compiledAtRunTime("stale");
    mkdirSync(path.dirname(precompiledTemplatesFile(dir)), { recursive: true });
    writeFileSync(precompiledTemplatesFile(dir), readFileSync(precompiled));
    const file = path.join(dir, "report.hbs");
    writeFileSync(file, readFileSync(file, "utf8").replace("<main>", "<main><p>edited after the build</p>"));
    expect(renderHtml(caseReport(), { templatesDir: dir })).toContain("<p>edited after the build</p>");
  });
});

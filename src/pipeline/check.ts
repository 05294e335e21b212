import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { makeTempFolder } from "../evidence/tempFolders.js";
import { openIndex } from "../store/db.js";
import { ingestFolder } from "../ingest/ingestFolder.js";
import { buildReport } from "./buildReport.js";
import type { Finding, Report } from "../report/findings.js";

/**
 * A case folder's `expected.json`: what the analyzer must and must not report for that evidence.
 *
 *   { "description": "...", "asOf": "2026-...Z" (optional),
 *     "expect": [{ "scenario": "rdp-cert-machinekeys", "confidence": "high", "subCause": "access-denied" }],
 *     "absent": ["tls-protocol-disabled"],  "exclusive": true }
 *
 * `confidence` and `subCause` are optional; `exclusive` means no finding beyond `expect` may appear.
 */
export interface ExpectedFindings {
  description?: string;
  asOf?: string;
  expect?: { scenario: string; confidence?: string; subCause?: string | null }[];
  absent?: string[];
  exclusive?: boolean;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  failures: string[];
  found: string[];
  seconds: number;
}

export function isCaseFolder(folder: string): boolean {
  return existsSync(path.join(folder, "expected.json"));
}

export function listCases(samplesDir: string): string[] {
  return readdirSync(samplesDir)
    .filter((name) => statSync(path.join(samplesDir, name)).isDirectory() && isCaseFolder(path.join(samplesDir, name)))
    .sort();
}

/** Compares a report with a case's expectations; returns the list of failures (empty = passed). */
export function compareWithExpected(report: Report, expected: ExpectedFindings): string[] {
  const failures: string[] = [];
  const describe = (f: Finding) => `${f.scenario} (${f.confidence}${f.subCause ? ", " + f.subCause : ""})`;
  for (const want of expected.expect ?? []) {
    const candidates = report.findings.filter((f) => f.scenario === want.scenario);
    if (candidates.length === 0) {
      failures.push(`expected ${want.scenario}, not reported`);
      continue;
    }
    const match = candidates.find(
      (f) =>
        (want.confidence === undefined || f.confidence === want.confidence) &&
        (want.subCause === undefined || f.subCause === want.subCause),
    );
    if (!match) {
      failures.push(
        `expected ${want.scenario}` +
          (want.confidence ? ` confidence ${want.confidence}` : "") +
          (want.subCause !== undefined ? ` sub-cause ${want.subCause}` : "") +
          `, got ${candidates.map(describe).join("; ")}`,
      );
    }
  }
  for (const id of expected.absent ?? []) {
    const hit = report.findings.filter((f) => f.scenario === id);
    if (hit.length) failures.push(`expected no ${id}, got ${hit.map(describe).join("; ")}`);
  }
  if (expected.exclusive) {
    const allowed = new Set((expected.expect ?? []).map((e) => e.scenario));
    for (const f of report.findings) {
      if (!allowed.has(f.scenario)) failures.push(`unexpected finding ${describe(f)}`);
    }
  }
  return failures;
}

export function readExpected(caseDir: string): ExpectedFindings {
  return JSON.parse(readFileSync(path.join(caseDir, "expected.json"), "utf8")) as ExpectedFindings;
}

/** Analyzes one case folder in a private temporary index and compares the result with expected.json. */
export async function checkCase(caseDir: string): Promise<CaseResult> {
  const started = process.hrtime.bigint();
  const name = path.basename(caseDir);
  const tmp = makeTempFolder("check");
  try {
    const expected = readExpected(caseDir);
    const db = openIndex(path.join(tmp, "index.sqlite"));
    try {
      await ingestFolder(caseDir, db);
      const report = buildReport(db, { asOf: expected.asOf });
      const failures = compareWithExpected(report, expected);
      return {
        name,
        passed: failures.length === 0,
        failures,
        found: report.findings.map((f) => `${f.scenario}:${f.confidence}${f.subCause ? ":" + f.subCause : ""}`),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      };
    } finally {
      db.close();
    }
  } catch (error) {
    return {
      name,
      passed: false,
      failures: [`could not analyze: ${error instanceof Error ? error.message : String(error)}`],
      found: [],
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function junitXml(results: CaseResult[], suiteName = "rdp-triage check"): string {
  const esc = (s: string) =>
    s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!)
      // XML 1.0 forbids most control characters even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
  const failed = results.filter((r) => !r.passed).length;
  const total = results.reduce((s, r) => s + r.seconds, 0);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites tests="${results.length}" failures="${failed}" time="${total.toFixed(3)}">`,
    `  <testsuite name="${esc(suiteName)}" tests="${results.length}" failures="${failed}" time="${total.toFixed(3)}">`,
  ];
  for (const r of results) {
    lines.push(`    <testcase classname="samples" name="${esc(r.name)}" time="${r.seconds.toFixed(3)}">`);
    if (!r.passed) lines.push(`      <failure message="${esc(r.failures[0] ?? "failed")}">${esc(r.failures.join("\n"))}</failure>`);
    lines.push(`      <system-out>${esc("found: " + (r.found.join(", ") || "nothing"))}</system-out>`);
    lines.push(`    </testcase>`);
  }
  lines.push(`  </testsuite>`, `</testsuites>`, "");
  return lines.join("\n");
}

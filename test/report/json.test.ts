import { describe, expect, it } from "vitest";

import type { Report } from "../../src/report/findings.js";
import { renderJson } from "../../src/report/json.js";
import { caseReport, emptyReport, HOSTILE, hostileReport } from "./fixtures.js";

/** The same data with every object's keys inserted in reverse order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reverseKeys(v)])) as T;
}

describe("renderJson (public JSON contract)", () => {
  it("writes byte-identical output for the same report", () => {
    expect(renderJson(caseReport())).toBe(renderJson(caseReport()));
  });

  it("does not depend on the order in which the producer built its objects", () => {
    expect(renderJson(reverseKeys(caseReport()))).toBe(renderJson(caseReport()));
  });

  it("uses a 2-space indent and ends with exactly one newline", () => {
    const json = renderJson(caseReport());
    expect(json.split("\n")[1]).toMatch(/^ {2}"tool": \{$/);
    expect(json.endsWith("}\n")).toBe(true);
    expect(json.endsWith("\n\n")).toBe(false);
  });

  it("writes exactly the model's top-level fields, in the model's order", () => {
    const parsed = JSON.parse(renderJson(caseReport()));
    expect(Object.keys(parsed)).toEqual([
      "tool",
      "generatedAt",
      "asOf",
      "evidenceRoot",
      "lang",
      "case",
      "findings",
      "checked",
      "timeline",
      "sources",
    ]);
    expect(parsed.asOf).toBe("2026-11-28T04:37:11.000Z");
    expect(parsed.tool).toEqual({ name: "rdp-triage", version: "0.1.0" });
  });

  it("gives each finding scenario, confidence, title, cause, evidence (kind, source) and remediation (title, shell, variant, script)", () => {
    const { findings } = JSON.parse(renderJson(caseReport()));
    expect(findings.length).toBe(2);
    for (const f of findings) {
      expect(Object.keys(f)).toEqual(["scenario", "confidence", "subCause", "title", "cause", "explanation", "evidence", "remediation"]);
      for (const e of f.evidence) {
        expect(typeof e.kind).toBe("string");
        expect(typeof e.source).toBe("string");
      }
      for (const r of f.remediation) {
        expect(Object.keys(r)).toEqual(["title", "shell", "variant", "where", "script"]);
      }
    }
    const event = findings[0].evidence[0];
    expect(Object.keys(event)).toEqual([
      "kind", "source", "recordId", "time", "eventId", "provider", "channel", "computer", "level", "fields", "note",
    ]);
    const acl = findings[0].evidence.find((e: { kind: string }) => e.kind === "acl");
    expect(Object.keys(acl)).toEqual(["kind", "source", "line", "path", "principal", "sid", "access", "rights", "inherited", "note"]);
    const registry = findings[0].evidence.find((e: { kind: string }) => e.kind === "registry");
    expect(Object.keys(registry)).toEqual(["kind", "source", "line", "key", "rawKey", "name", "type", "value", "note"]);
  });

  it("orders findings strongest first, keeping the scenarios' order within a level", () => {
    const { findings } = JSON.parse(renderJson(caseReport()));
    expect(findings.map((f: { confidence: string }) => f.confidence)).toEqual(["high", "low"]);
  });

  it("drops properties that are not part of the model", () => {
    const report = caseReport() as Report & { debug?: unknown };
    report.debug = { secret: 1 };
    (report.findings[1].evidence[0] as unknown as Record<string, unknown>).rowid = 42;
    const json = renderJson(report);
    expect(json).not.toContain("debug");
    expect(json).not.toContain("rowid");
  });

  it("keeps case.command, which the README contract documents", () => {
    const report = caseReport();
    (report.case as Record<string, string>).command = "rdp-triage analyze ./evidence --json findings.json";
    expect(JSON.parse(renderJson(report)).case).toEqual({
      caseId: "2611280010001234",
      analyst: "K. Sato",
      vm: "vm-web01 (rg-prod)",
      note: "RDP fails after credentials since 11/28.",
      command: "rdp-triage analyze ./evidence --json findings.json",
    });
  });

  it("writes null, never omits, for absent nullable values", () => {
    const report = caseReport({ asOf: null });
    const { asOf, findings, sources } = JSON.parse(renderJson(report));
    expect(asOf).toBeNull();
    expect(findings[1].subCause).toBeNull();
    expect(sources[1].firstEvent).toBeNull();
    expect(findings[0].evidence[3].fields[0]).toEqual({ name: "Error", value: null });
  });

  it("keeps evidence text exactly as found: JSON is data, escaping is the reader's job", () => {
    const report = hostileReport();
    const parsed = JSON.parse(renderJson(report));
    expect(parsed.findings[0].evidence).toEqual(report.findings[0].evidence);
    expect(parsed.findings[0].remediation[0].script).toBe(report.findings[0].remediation[0].script);
    // Control and bidi characters are written as \uXXXX escapes, so the file reads as plain text.
    const json = renderJson(report);
    expect(json).not.toContain("\u001b");
    expect(json).toContain("\\u001b[31m");
    expect(json).not.toContain("\u202e");
    expect(json).toContain("invoice\\u202egpj.exe");
    expect(json).not.toContain("\u200b");
    expect(parsed.case.analyst).toBe(HOSTILE.bidi);
  });

  it("round-trips astral invisible characters (Unicode tag characters) through their escapes", () => {
    const smuggled = "ok\u{E0041}\u{E0042}";
    const report = caseReport({ case: { note: smuggled } });
    const json = renderJson(report);
    expect(json).toContain("ok\\udb40\\udc41\\udb40\\udc42");
    expect(JSON.parse(json).case.note).toBe(smuggled);
  });

  it("renders an empty report with empty findings and the checked list", () => {
    const parsed = JSON.parse(renderJson(emptyReport()));
    expect(parsed.findings).toEqual([]);
    expect(parsed.checked.map((c: { status: string }) => c.status)).toEqual(["healthy", "not-checked"]);
  });

  it("writes the archives read in place after sources, and only when there are any (additive, optional)", () => {
    const archives = [{ path: "CaseLogs.zip", size: 10, sha256: "ab".repeat(32), entries: 3, extra: "dropped" }];
    const parsed = JSON.parse(renderJson(caseReport({ archives } as Partial<Report>)));
    expect(Object.keys(parsed).slice(-2)).toEqual(["sources", "archives"]);
    expect(parsed.archives).toEqual([{ path: "CaseLogs.zip", size: 10, sha256: "ab".repeat(32), entries: 3 }]);
    expect(JSON.parse(renderJson(caseReport({ archives: [] }))).archives).toBeUndefined();
    expect(renderJson(caseReport({ archives: [] }))).toBe(renderJson(caseReport()));
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { openIndex } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import { renderJson } from "../../src/report/json.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderHtml } from "../../src/report/html.js";
import type { Report } from "../../src/report/findings.js";

const sample = path.resolve(__dirname, "..", "..", "samples", "rdp-cert-access-denied");
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

async function analyze(folder: string, db = ":memory:"): Promise<Report> {
  const index = openIndex(db);
  try {
    await ingestFolder(folder, index);
    return buildReport(index, { generatedAt: "2026-11-28T00:00:00.000Z", case: { caseId: "SR-1", analyst: "A. Engineer" } });
  } finally {
    index.close();
  }
}

describe("chain of custody", () => {
  it("records path, size, SHA-256, kind, encoding and event time range for every source", async () => {
    const report = await analyze(sample);
    const acl = report.sources.find((s) => s.path === "acl/machinekeys.txt")!;
    const bytes = readFileSync(path.join(sample, "acl/machinekeys.txt"));
    expect(acl).toMatchObject({ kind: "icacls", encoding: "utf-16le-bom", size: bytes.length });
    expect(acl.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const system = report.sources.find((s) => s.path.endsWith("System.evtx"))!;
    expect(system.firstEvent).toMatch(/^2026-11-10T06:00:00\.\d{7}Z$/);
    expect(system.lastEvent! > system.firstEvent!).toBe(true);
    expect(report.tool.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("changing one byte of an evidence file changes its recorded hash and nothing else", async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-custody-"));
    temps.push(copy);
    cpSync(sample, copy, { recursive: true });
    const before = await analyze(copy);
    const target = path.join(copy, "reg", "system.reg");
    const bytes = readFileSync(target);
    // The file ends with CRLF CRLF in UTF-16LE; turning the final LF (0A 00) into a space (20 00)
    // changes the bytes but no parsed key or value.
    bytes[bytes.length - 2] = 0x20;
    writeFileSync(target, bytes);
    const after = await analyze(copy);
    const changed = after.sources.filter((s, i) => JSON.stringify(s) !== JSON.stringify(before.sources[i]));
    expect(changed.map((s) => s.path)).toEqual(["reg/system.reg"]);
    expect(changed[0].sha256).not.toBe(before.sources.find((s) => s.path === "reg/system.reg")!.sha256);
    const strip = (r: Report) => ({ ...r, sources: r.sources.map((s) => ({ ...s, sha256: "" })) });
    expect(renderJson(strip(after))).toBe(renderJson(strip(before)));
  });

  it("re-rendering from the same index gives identical Markdown and JSON apart from the analysis time", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-rerender-"));
    temps.push(dir);
    const db = path.join(dir, "idx.sqlite");
    const first = await analyze(sample, db);
    const index = openIndex(db);
    try {
      const second = buildReport(index, { generatedAt: "2026-11-29T00:00:00.000Z", case: { caseId: "SR-1", analyst: "A. Engineer" } });
      const same = (r: Report) => ({ ...r, generatedAt: "" });
      expect(renderJson(same(second))).toBe(renderJson(same(first)));
      expect(renderMarkdown(same(second))).toBe(renderMarkdown(same(first)));
    } finally {
      index.close();
    }
  });

  describe("an archive read in place", () => {
    const zipFolder = path.resolve(__dirname, "..", "..", "samples", "caselogs-zip");
    const zipName = readdirSync(zipFolder).find((f) => f.endsWith(".zip"))!;
    const zipPath = path.join(zipFolder, zipName);
    const zipBytes = readFileSync(zipPath);
    const expected = { path: zipName, size: zipBytes.length, sha256: createHash("sha256").update(zipBytes).digest("hex") };

    it("records the archive's own path, size and SHA-256 next to the hashes of the files inside it", async () => {
      const report = await analyze(zipPath);
      const inside = report.sources.filter((s) => s.path.startsWith(`${zipName}!/`));
      expect(inside.length).toBeGreaterThan(0);
      expect(report.archives).toEqual([{ ...expected, entries: inside.length }]);
      expect(JSON.parse(renderJson(report)).archives).toEqual([{ ...expected, entries: inside.length }]);
      const md = renderMarkdown(report);
      const custody = md.slice(md.indexOf("## Chain of custody"));
      expect(custody).toContain(`| \`${zipName}\` | ${zipBytes.length.toLocaleString("en-US")} bytes`);
      expect(custody).toContain(`\`${expected.sha256}\``);
      const html = renderHtml(report);
      expect(html).toContain(`<td class="path">${zipName}</td>`);
      expect(html).toContain(`<code class="hash">${expected.sha256}</code>`);
    });

    it("does the same for a zip inside the evidence folder, and forgets it when the index is re-used for a folder without one", async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-archives-custody-"));
      temps.push(dir);
      const db = path.join(dir, "idx.sqlite");
      const withZip = await analyze(zipFolder, db);
      expect(withZip.archives?.map(({ path, size, sha256 }) => ({ path, size, sha256 }))).toEqual([expected]);
      const plain = await analyze(sample, db);
      expect(plain.archives).toBeUndefined();
      expect(JSON.parse(renderJson(plain))).not.toHaveProperty("archives");
    });
  });
});

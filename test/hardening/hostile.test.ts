// Hostile strings in evidence (scripts/samples/hostileCases.ts): the report still names the cause, the HTML,
// JSON and Markdown show every payload as inert text, the terminal output of analyze/check carries no
// control sequence, and a hostile MachineGuid never reaches a remediation script.
// The browser side (does anything run when the page is opened) is test/hardening/browser.test.ts.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { openIndex } from "../../src/store/db.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import { renderHtml } from "../../src/report/html.js";
import { renderJson } from "../../src/report/json.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { visible } from "../../src/report/text.js";
import { printable } from "../../src/cli/terminal.js";
import { progressReporter } from "../../src/cli/progress.js";
import { renderRemediation, safeScriptValue, UNSAFE_VALUE_MARKER } from "../../src/scenarios/engine.js";
import type { Report } from "../../src/report/findings.js";
import {
  HOSTILE,
  HOSTILE_ALL,
  HOSTILE_COMPUTER,
  HOSTILE_FILE_NAME,
  HOSTILE_MACHINE_GUID,
  HOSTILE_PRINCIPAL,
  hostileSampleCases,
} from "../../scripts/samples/hostileCases.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const samplesDir = path.join(repoRoot, "samples");
const cli = path.join(repoRoot, "dist", "src", "cli", "bin.js");

/** A file name only a POSIX file system takes: raw markup, an escape sequence, C1 CSI, a bidi override. */
const RAW_HOSTILE_NAME = `<img src=x onerror=alert(1)>${HOSTILE.ansiColor}${HOSTILE.c1Csi}\u202Etxt.exe {{x}}.txt`;

/** What a terminal or a renderer must never receive raw. */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Bidi_Control}]/u;

async function analyze(dir: string, lang: "en" | "ja" = "en"): Promise<Report> {
  const db = openIndex(":memory:");
  try {
    await ingestFolder(dir, db);
    return buildReport(db, { lang, generatedAt: "2000-01-01T00:00:00.000Z" });
  } finally {
    db.close();
  }
}

/** Undoes Handlebars' escaping (& < > " ' ` =) and numeric references. */
function unescapeHtml(html: string): string {
  return html
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

let work: string;
let strings: string; // hostile-strings, plus raw hostile file names
let guidCase: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-hostile-"));
  strings = path.join(work, "hostile-strings");
  guidCase = path.join(work, "hostile-machineguid");
  cpSync(path.join(samplesDir, "hostile-strings"), strings, { recursive: true });
  cpSync(path.join(samplesDir, "hostile-machineguid"), guidCase, { recursive: true });
  // The same MachineKeys dump once more under a name no Windows checkout could hold: it becomes evidence too.
  writeFileSync(path.join(strings, "acl", RAW_HOSTILE_NAME), readFileSync(path.join(strings, HOSTILE_FILE_NAME)));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("hostile samples", () => {
  it("are committed as the sample script writes them", () => {
    for (const c of hostileSampleCases()) {
      for (const [rel, bytes] of Object.entries(c.files)) {
        expect(Buffer.compare(readFileSync(path.join(samplesDir, c.name, rel)), Buffer.from(bytes)), `${c.name}/${rel}`).toBe(0);
      }
    }
  });

  it("keep file names a Windows checkout can hold (raw markup and controls are added at run time)", () => {
    for (const c of hostileSampleCases()) {
      for (const rel of Object.keys(c.files)) expect(rel).not.toMatch(/[<>:"|?*\u0000-\u001f]/);
    }
  });

  for (const [name, dir] of [["hostile-strings", () => strings], ["hostile-machineguid", () => guidCase]] as const) {
    it(`${name}: the cause is still found (RCM 1057 access denied + DENY on the RDP key file)`, async () => {
      const report = await analyze(dir());
      const f = report.findings.find((x) => x.scenario === "rdp-cert-machinekeys");
      expect(f).toMatchObject({ confidence: "high", subCause: "access-denied" });
    });
  }
});

describe("report HTML shows hostile text inert", () => {
  let html: string;
  let htmlJa: string;
  let report: Report;
  beforeAll(async () => {
    report = await analyze(strings);
    html = renderHtml(report);
    htmlJa = renderHtml(await analyze(strings, "ja"));
  });

  it("the evidence really carries the payloads (computer, event data, principal, file names)", () => {
    const f = report.findings[0];
    const events = f.evidence.filter((e) => e.kind === "event");
    expect(events.some((e) => e.kind === "event" && e.computer === HOSTILE_COMPUTER)).toBe(true);
    expect(events.some((e) => e.kind === "event" && e.fields.some((x) => x.value === HOSTILE_ALL))).toBe(true);
    const acl = f.evidence.filter((e) => e.kind === "acl");
    expect(acl.some((e) => e.kind === "acl" && e.principal === HOSTILE_PRINCIPAL)).toBe(true);
    expect(acl.some((e) => e.source === `acl/${RAW_HOSTILE_NAME}`)).toBe(true);
    expect(report.sources.map((s) => s.path)).toContain(HOSTILE_FILE_NAME);
  });

  for (const lang of ["en", "ja"] as const) {
    it(`${lang}: exactly one <script> (the copy script, admitted by hash), no element or handler from evidence`, () => {
      const page = lang === "en" ? html : htmlJa;
      expect(page.match(/<script/gi)?.length).toBe(1);
      expect(page).toMatch(/<script>\/\/ Copy buttons/);
      for (const tag of ["<img", "<svg", "<b>", "<iframe"]) expect(page.toLowerCase()).not.toContain(tag);
      // The closing-tags payload stays text: it cannot end the cell, table or code block it sits in.
      expect(page).toContain("&lt;/code&gt;&lt;/pre&gt;&lt;/td&gt;&lt;/table&gt;&lt;b&gt;bold&lt;/b&gt;&lt;!--");
      expect(page).not.toMatch(/\son(error|load|mouseover)\s*=/i);
      expect(page).not.toContain("<!--");
      expect(page).toContain(`http-equiv="Content-Security-Policy"`);
      expect(page).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    });

    it(`${lang}: no raw control, escape or bidi character; each shown as a visible ⟨U+XXXX⟩ marker`, () => {
      const page = lang === "en" ? html : htmlJa;
      expect(page.replace(/[\n\t]/g, "")).not.toMatch(CONTROLS);
      expect(page).toContain("⟨U+202E⟩");
      expect(page).toContain("⟨U+001B⟩");
      expect(page).toContain("⟨U+009B⟩");
      expect(page).toContain("⟨U+061C⟩");
      expect(page).toContain("⟨U+200B⟩");
    });
  }

  it("every payload reads back as its literal text (Handlebars syntax is printed, never evaluated)", () => {
    const text = unescapeHtml(html);
    for (const [key, payload] of Object.entries(HOSTILE)) {
      expect(text, key).toContain(visible(payload));
    }
    expect(text).toContain(visible(HOSTILE_PRINCIPAL));
    expect(text).toContain(visible(HOSTILE_COMPUTER));
    expect(html).toContain("{{constructor.constructor(&#x27;alert(1)&#x27;)()}}");
  });
});

describe("report JSON keeps hostile text exact and inert", () => {
  it("parses, round-trips every payload exactly, and holds no raw control or bidi character", async () => {
    const json = renderJson(await analyze(strings));
    expect(json.replace(/\n/g, "")).not.toMatch(CONTROLS);
    const parsed = JSON.parse(json) as Report;
    const f = parsed.findings[0];
    expect(f.evidence.some((e) => e.kind === "event" && e.computer === HOSTILE_COMPUTER)).toBe(true);
    expect(f.evidence.some((e) => e.kind === "event" && e.fields.some((x) => x.value === HOSTILE_ALL))).toBe(true);
    expect(f.evidence.some((e) => e.kind === "acl" && e.principal === HOSTILE_PRINCIPAL)).toBe(true);
    expect(parsed.sources.some((s) => s.path === `acl/${RAW_HOSTILE_NAME}`)).toBe(true);
  });
});

describe("case Markdown escapes hostile text", () => {
  it("outside code spans and fences: no raw HTML tag, and formula prefixes cannot start a table cell or line; no raw control anywhere", async () => {
    const md = renderMarkdown(await analyze(strings));
    expect(md.replace(/[\n\t]/g, "")).not.toMatch(CONTROLS);
    // CommonMark prints code spans and fenced blocks literally: evidence inside them is inert by construction.
    const prose = md.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "").replace(/(`+)[\s\S]*?\1/g, "");
    expect(prose).not.toMatch(/<(script|img|svg|b)\b/i);
    expect(prose).not.toMatch(/^[=+@]/m);
    expect(prose).not.toMatch(/\|\s*[=+@]/);
    expect(md).toContain("<script>window.__rdpTriagePwned"); // it is there, inside a code span
  });
});

describe("a hostile MachineGuid never reaches a remediation script", () => {
  const forbidden = ["calc", "Start-Process", "{{", "<script", "\u202E", HOSTILE_MACHINE_GUID];

  for (const lang of ["en", "ja"] as const) {
    it(`${lang}: evidence shows the value; every script carries ${UNSAFE_VALUE_MARKER} instead`, async () => {
      const report = await analyze(guidCase, lang);
      const f = report.findings.find((x) => x.scenario === "rdp-cert-machinekeys")!;
      expect(f.evidence.some((e) => e.kind === "registry" && e.value === HOSTILE_MACHINE_GUID)).toBe(true);
      expect(f.remediation.length).toBeGreaterThan(0);
      for (const r of f.remediation) {
        for (const bad of forbidden) expect(r.script, `${r.title}: ${JSON.stringify(bad)}`).not.toContain(bad);
        expect(r.script).toContain(UNSAFE_VALUE_MARKER);
      }
      // Nor in the rendered outputs' script blocks.
      const json = JSON.parse(renderJson(report)) as Report;
      for (const r of json.findings.flatMap((x) => x.remediation)) for (const bad of forbidden) expect(r.script).not.toContain(bad);
      const html = renderHtml(report);
      for (const code of html.match(/<pre><code[^>]*>[\s\S]*?<\/code><\/pre>/g) ?? []) {
        expect(unescapeHtml(code)).not.toContain("calc");
      }
    });
  }

  it("any value: a template only ever receives plain tokens (fast-check over every remediation template)", () => {
    const root = path.join(repoRoot, "templates", "remediation");
    const templates = readdirSync(root).flatMap((scenario) =>
      readdirSync(path.join(root, scenario)).map((file) => {
        const m = /^(.+)\.(offline|online)\.(cmd|ps1)\.hbs$/.exec(file)!;
        const vars = [...new Set([...readFileSync(path.join(root, scenario, file), "utf8").matchAll(/\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g)].map((x) => x[1]))];
        return { scenario, name: m[1], variant: m[2] as "offline" | "online", shell: m[3] === "cmd" ? ("cmd" as const) : ("powershell" as const), vars };
      }),
    );
    expect(templates.length).toBeGreaterThan(5);
    const hostileValue = fc.oneof(
      fc.constantFrom(...Object.values(HOSTILE), HOSTILE_MACHINE_GUID, "%PATH%", "a\nb", "$(calc)", "`calc`", "x'y", 'x"y', "a&b", "a|b", "a^b", "!x!"),
      fc.string({ maxLength: 40, unit: "binary" }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...templates), hostileValue, (t, value) => {
        const values = Object.fromEntries(t.vars.map((v) => [v, value]));
        const r = renderRemediation(t.scenario, t.name, t.variant, t.shell, "title", values);
        const safe = safeScriptValue(value);
        if (safe !== UNSAFE_VALUE_MARKER) expect(value).toMatch(/^[A-Za-z0-9 _.,:\\{}-]*$/);
        // No character that quotes, expands, chains, redirects or starts a new line comes from the value.
        if (safe === UNSAFE_VALUE_MARKER && value.length > 0) expect(r.script.includes(value)).toBe(false);
      }),
      { numRuns: 400, seed: 20261128 },
    );
  });
});

describe("terminal output strips control sequences", () => {
  it("printable: escape sequences removed, controls and every bidi control escaped, an unterminated OSC never eats the next line", () => {
    for (const payload of [...Object.values(HOSTILE), HOSTILE_ALL, HOSTILE_COMPUTER, HOSTILE_PRINCIPAL, RAW_HOSTILE_NAME]) {
      expect(printable(payload).replace(/[\n\t]/g, "")).not.toMatch(CONTROLS);
    }
    for (const ch of ["\u061C", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"]) {
      expect(printable(`a${ch}b`)).toBe(`a\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}b`);
    }
    expect(printable("a\u001b]0;title\nnext line")).toBe("a\nnext line");
    expect(printable(`${HOSTILE.ansiColor} ok`)).toBe("RED ok");
  });

  it("the progress line on a terminal shows a hostile file name made printable", () => {
    const written: string[] = [];
    // Wide enough for the whole name: narrower terminals cut it from the left (test/cli/progress.test.ts).
    const stream = { isTTY: true, columns: 400, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const report = progressReporter(stream)!;
    report({ done: 1, total: 1, file: `acl/${RAW_HOSTILE_NAME}`, records: 3 });
    const out = written.join("").replace(/^\r/, "").replace(/\n$/, "");
    expect(out).not.toMatch(CONTROLS);
    expect(out).toContain("\\u202e");
  });

  describe.skipIf(!existsSync(cli))(`CLI (${existsSync(cli) ? cli : "dist not built: run npx tsc -p tsconfig.json"})`, () => {
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000 });

    it("analyze: stdout and stderr carry no control or bidi character, for hostile evidence and a hostile --out name", () => {
      const out = path.join(work, `report${HOSTILE.ansiTitle}\u202E.html`);
      const r = run(["analyze", strings, "--out", out, "--json", path.join(work, "f.json"), "--vm", `vm${HOSTILE.ansiClear}`]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("[HIGH] rdp-cert-machinekeys");
      expect((r.stdout + r.stderr).replace(/[\n\t]/g, "")).not.toMatch(CONTROLS);
      expect(existsSync(out)).toBe(true);
    });

    it("check: hostile case folder names and a hostile expected.json print without control characters", () => {
      const dir = path.join(work, "check");
      mkdirSync(dir);
      cpSync(strings, path.join(dir, `case${HOSTILE.ansiColor}\u202E${HOSTILE.c1Csi}`), { recursive: true });
      const failing = path.join(dir, `fail${HOSTILE.ansiTitle}`);
      cpSync(strings, failing, { recursive: true });
      writeFileSync(
        path.join(failing, "expected.json"),
        JSON.stringify({ expect: [{ scenario: `x${HOSTILE.ansiClear}${HOSTILE.bidiOverride}` }], absent: ["rdp-cert-machinekeys"] }),
      );
      const r = run(["check", dir]);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/1 passed, 1 failed/);
      expect((r.stdout + r.stderr).replace(/[\n\t]/g, "")).not.toMatch(CONTROLS);
    });
  });
});

// Every sample's HTML report opened in a real browser (Debian's headless Chromium driven by
// playwright-core) from file://, as an analyst opens it:
//
// * no console error, no page error, no Content-Security-Policy violation, no request beyond the page;
// * nothing from the evidence runs: before load, an init script replaces alert/confirm/prompt/open and
//   traps the global flag the hostile payloads set (scripts/samples/hostileCases.ts); all stay untouched;
// * every copy button copies exactly the script shown: what the page hands to the clipboard (read back
//   with clipboard permissions, and recorded at navigator.clipboard.writeText / execCommand("copy")) equals
//   the <code> element's textContent and the script in the JSON findings;
// * the layout holds at 1280 px and at 390 px (no horizontal overflow of the page, verdict visible);
// * printing to PDF works (page.pdf gives a non-empty PDF).
//
// Screenshots go to artifacts/screenshots/ (git-ignored). Skipped with a message when /usr/bin/chromium
// is absent (CI installs it) or dist/ is not built.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { listCases } from "../../src/pipeline/check.js";
import { displayScript } from "../../src/report/text.js";
import type { Report } from "../../src/report/findings.js";
import { orderFindings } from "../../src/report/text.js";
import { HOSTILE, HOSTILE_FILE_NAME, PWNED_FLAG } from "../../scripts/samples/hostileCases.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(repoRoot, "dist", "src", "cli", "bin.js");
const samplesDir = path.join(repoRoot, "samples");
const shots = path.join(repoRoot, "artifacts", "screenshots");
const skipReason = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not found (apt-get install chromium; CI installs it)`
  : !existsSync(cli)
    ? `${cli} not built (npx tsc -p tsconfig.json)`
    : "";

const run = promisify(execFile);

/** Runs before any page script: traps everything a payload could use to show it ran. */
const INSTRUMENT = `(() => {
  const hits = [];
  const csp = [];
  const copies = [];
  Object.defineProperty(window, "__hits", { value: hits });
  Object.defineProperty(window, "__csp", { value: csp });
  Object.defineProperty(window, "__copies", { value: copies });
  for (const name of ["alert", "confirm", "prompt", "open"]) {
    Object.defineProperty(window, name, { configurable: false, writable: false, value: (...a) => { hits.push(name + "(" + a.join(",") + ")"); } });
  }
  Object.defineProperty(window, ${JSON.stringify(PWNED_FLAG)}, {
    configurable: false,
    get() { return undefined; },
    set(v) { hits.push("flag=" + String(v)); },
  });
  document.addEventListener("securitypolicyviolation", (e) => csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));
  if (navigator.clipboard) {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (text) => { copies.push({ via: "clipboard", text }); return write(text); };
  }
  const exec = document.execCommand.bind(document);
  document.execCommand = (command, ...rest) => {
    if (command === "copy") {
      const el = document.activeElement;
      copies.push({ via: "execCommand", text: el && "value" in el ? el.value : String(getSelection()) });
    }
    return exec(command, ...rest);
  };
})();`;

interface Rendered {
  name: string;
  html: string;
  report: Report;
}

describe.skipIf(skipReason !== "")(`HTML reports in headless Chromium${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  const cases = skipReason ? [] : listCases(samplesDir);
  const extra = "hostile-strings-raw-names";
  const names = [...cases, extra];
  const work = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-browser-"));
  const rendered = new Map<string, Rendered>();
  let browser: Browser;
  const summary: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    // hostile-strings once more with file names only a POSIX file system takes (raw markup, ESC, C1, bidi).
    const raw = path.join(work, "in", extra);
    cpSync(path.join(samplesDir, "hostile-strings"), raw, { recursive: true });
    writeFileSync(
      path.join(raw, "acl", `<img src=x onerror=alert(1)>${HOSTILE.ansiColor}${HOSTILE.c1Csi}\u202Etxt.exe {{x}}.txt`),
      readFileSync(path.join(raw, HOSTILE_FILE_NAME)),
    );
    // Analyze every case into the temp folder with the CLI, two at a time.
    const queue = [...names];
    const lane = async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const input = name === extra ? raw : path.join(samplesDir, name);
        const out = path.join(work, "out", name);
        mkdirSync(out, { recursive: true });
        await run(process.execPath, [cli, "analyze", input, "--out", path.join(out, "report.html"), "--json", path.join(out, "findings.json"), "--case", `case ${name}`]);
        rendered.set(name, {
          name,
          html: path.join(out, "report.html"),
          report: JSON.parse(readFileSync(path.join(out, "findings.json"), "utf8")) as Report,
        });
      }
    };
    await Promise.all([lane(), lane()]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
    if (summary.length) console.log(`browser: ${summary.length} reports opened\n${summary.join("\n")}`);
  });

  for (const name of names) {
    it(`${name}: no console error, nothing from the evidence runs, copy = shown = JSON, 1280/390 px layout, PDF`, async () => {
      const r = rendered.get(name)!;
      const url = pathToFileURL(r.html).href;
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.grantPermissions(["clipboard-read", "clipboard-write"]);
      await context.addInitScript(INSTRUMENT);
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("dialog", (d) => {
        errors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on("request", (req) => {
        if (req.url() !== url) requests.push(req.url());
      });
      try {
        await page.goto(url, { waitUntil: "load" });

        // Copy buttons, in page order, against the <code> shown and the JSON (findings in display order).
        const scripts = orderFindings(r.report.findings).flatMap((f) => f.remediation.map((x) => displayScript(x.script).text));
        const buttons = page.locator("button.copy");
        const count = await buttons.count();
        expect(count).toBe(scripts.length);
        for (let i = 0; i < count; i++) {
          const before = await page.evaluate(() => (window as unknown as { __copies: unknown[] }).__copies.length);
          await buttons.nth(i).click();
          await page.waitForFunction((n) => (window as unknown as { __copies: unknown[] }).__copies.length > n, before);
          const copied = await page.evaluate(() => {
            const c = (window as unknown as { __copies: { text: string }[] }).__copies;
            return c[c.length - 1].text;
          });
          const shown = await page.locator("pre > code").nth(i).textContent();
          const clipboard = await page.evaluate(() => navigator.clipboard.readText());
          expect(copied).toBe(shown);
          expect(clipboard).toBe(shown);
          expect(copied).toBe(scripts[i]);
          await expect.poll(() => buttons.nth(i).textContent()).toBe(await buttons.nth(i).getAttribute("data-label-copied"));
        }

        const state = await page.evaluate((flag) => {
          const w = window as unknown as { __hits: string[]; __csp: string[] } & Record<string, unknown>;
          return { hits: w.__hits, csp: w.__csp, flag: w[flag], scripts: document.scripts.length, jsClass: document.documentElement.className };
        }, PWNED_FLAG);
        expect(state.hits).toEqual([]);
        expect(state.flag).toBeUndefined();
        expect(state.csp).toEqual([]);
        expect(state.scripts).toBe(1);
        expect(state.jsClass).toContain("js"); // the one admitted script did run
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);

        // Layout at desktop and phone widths.
        const layout: string[] = [];
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
          await page.evaluate(() => window.scrollTo(0, 0));
          const m = await page.evaluate(() => ({
            doc: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
            inner: window.innerWidth,
          }));
          expect(m.doc, `page wider than the ${width} px viewport`).toBeLessThanOrEqual(m.inner);
          expect(m.body).toBeLessThanOrEqual(m.inner);
          const verdict = page.locator("#verdict");
          expect(await verdict.isVisible()).toBe(true);
          const box = (await verdict.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(width + 0.5);
          expect(box.y).toBeLessThan(width === 390 ? 844 : 900); // starts on the first screen
          await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: width === 390 && name.startsWith("hostile") });
          layout.push(`${width}px ok`);
        }

        const pdf = await page.pdf({ format: "A4", printBackground: true });
        expect(pdf.length).toBeGreaterThan(1000);
        expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
        if (name.startsWith("hostile")) writeFileSync(path.join(shots, `${name}.pdf`), pdf);
        expect(errors).toEqual([]);
        summary.push(`  ${name.padEnd(34)} ${count} copy button(s) ok, ${layout.join(", ")}, PDF ${pdf.length} bytes, 0 console errors`);
      } finally {
        await context.close();
      }
    });
  }
});

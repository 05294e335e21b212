import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import path from "node:path";
import { SCENARIOS } from "../../src/scenarios/index.js";
import { runScenarios } from "../../src/scenarios/engine.js";
import { collectionScriptFor } from "../../src/scenarios/lib/collect.js";
import { checkCmdScript } from "../../src/collect/cmdScript.js";
import { contextOf } from "./fixtures.js";

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/**
 * Why a collection script would not run as printed on a rescue VM (cmd, saved as a .cmd file): a variable
 * used before it is set, a hive read without being loaded (or left loaded), raw files copied after a hive
 * is loaded, a control set used without reading Select\Current.
 */
function selfContainedProblems(script: string): string[] {
  const out: string[] = [];
  const lines = script.split("\n");
  const set = new Set<string>();
  const index = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const last = (re: RegExp) => lines.map((l, i) => (re.test(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
  for (const line of lines) {
    if (/^\s*rem\b/i.test(line)) continue;
    const used = [...line.replace(/%%\w/g, "").matchAll(/%(\w+)(?::[^%]*)?%/g)].map((m) => m[1].toUpperCase());
    for (const v of used) if (!set.has(v)) out.push(`%${v}% used before it is set: ${line}`);
    for (const m of line.matchAll(/\bset (?:\/a )?"?(\w+)=/gi)) set.add(m[1].toUpperCase());
  }
  for (const mount of ["BROKENSYSTEM", "BROKENSOFTWARE"]) {
    const uses = index(new RegExp(`reg (export|query) "?HKLM\\\\${mount}\\\\(?!Select"? >nul|Microsoft"? >nul)`, "i"));
    if (uses < 0) continue;
    const load = index(new RegExp(`reg load "?HKLM\\\\${mount}"? "%D%:\\\\Windows\\\\System32\\\\config\\\\(SYSTEM|SOFTWARE)"`, "i"));
    const unload = last(new RegExp(`^reg unload "?HKLM\\\\${mount}"?$`, "i"));
    if (load < 0 || load > uses) out.push(`${mount} is read without reg load first`);
    if (unload < last(new RegExp(`HKLM\\\\${mount}\\\\`, "i"))) out.push(`${mount} is not unloaded at the end`);
  }
  const firstLoad = index(/\breg load\b/i);
  if (firstLoad >= 0 && last(/^(robocopy|icacls)\b/i) > firstLoad) out.push("raw files copied after a hive was loaded");
  if (/%CS%/.test(script) && !/reg query "HKLM\\BROKENSYSTEM\\Select" \/v Current/.test(script)) out.push("CS is not read from Select\\Current");
  for (const line of lines) if (!/^\s*rem\b/i.test(line) && /(?<!%)%\d/.test(line.replace(/%%/g, ""))) out.push(`%<digit> is a batch argument in a .cmd file (write %%): ${line}`);
  if (!/^set "D=[A-Z]"$/m.test(script) || !/^set "OUT=/m.test(script)) out.push("D or OUT is not set");
  return out;
}
// Every sample a scenario names must exist as a case folder under samples/.
const KNOWN_SAMPLES = readdirSync(path.resolve(__dirname, "..", "..", "samples"));

describe("the scenario catalog", () => {
  it("lists the scenarios in a stable order with unique ids", () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual([
      "rdp-cert-machinekeys",
      "rdp-cert-thumbprint-mismatch",
      "tls-protocol-disabled",
      "broker-hostname-changed",
      "rdp-disabled",
      "rdp-listener-off",
      "rdp-port-changed",
      "termservice-not-running",
      "nla-credssp-policy",
      "fips-encryption-mismatch",
      "guest-firewall-blocks-rdp",
      "rds-licensing",
      "dhcp-client-disabled",
      "rdp-brute-force",
    ]);
  });

  it("would catch a bare collect command (what every scenario printed before: %D%, %OUT%, %CS% undefined, no reg load)", () => {
    expect(selfContainedProblems('set "D=F"\nset "OUT=C:\\x"\nrobocopy "%D%:\\L" "%OUT%" "A%4Operational.evtx"')).toEqual([expect.stringMatching(/^%<digit> is a batch argument/)]);
    const problems = selfContainedProblems('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Lsa" "%OUT%\\reg\\lsa.reg" /y');
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^%CS% used before/), expect.stringMatching(/^%OUT% used before/), "BROKENSYSTEM is read without reg load first", "D or OUT is not set"]));
  });

  for (const s of SCENARIOS) {
    describe(s.id, () => {
      it("has English and Japanese text for every field", () => {
        for (const lang of ["en", "ja"] as const) {
          for (const field of ["title", "summary", "checks"] as const) expect(s.text[lang][field].trim()).not.toBe("");
        }
        expect(s.text.ja.title).toMatch(JAPANESE);
        expect(s.text.ja.checks).toMatch(JAPANESE);
        expect(s.text.en.title).not.toMatch(JAPANESE);
      });

      it("says what evidence it needs and the rescue-VM command that collects it", () => {
        expect(s.needs.length).toBeGreaterThan(0);
        for (const need of s.needs) {
          expect(need.id).toMatch(/^[a-z0-9-]+$/);
          expect(need.description.trim()).not.toBe("");
          expect(need.collect).toMatch(/%D%|%OUT%/);
          if (need.kind === "evtx") expect(need.path).toMatch(/\.evtx$/);
          if (need.kind === "registry") expect(need.collect).toMatch(/HKLM\\BROKEN(SYSTEM|SOFTWARE)/);
          if (need.kind === "registry") expect(need.path).toMatch(/^HKLM\\(SYSTEM|SOFTWARE)\\/);
        }
        expect(new Set(s.needs.map((n) => n.id)).size).toBe(s.needs.length);
      });

      it("collects each need with a self-contained cmd script: D, OUT, hives loaded and unloaded, CS from Select\\Current", () => {
        for (const need of s.needs) expect(selfContainedProblems(need.collect)).toEqual([]);
        const all = collectionScriptFor(s.needs);
        expect(selfContainedProblems(all)).toEqual([]);
        expect(all.match(/^set "D=/gm)).toHaveLength(1);
        // The same cmd check as every remediation script: balanced quotes, no line over cmd's limit.
        for (const need of s.needs) expect(checkCmdScript(need.collect), need.id).toEqual([]);
        expect(checkCmdScript(all)).toEqual([]);
      });

      it("names the sample folders that prove it", () => {
        expect(s.samples.length).toBeGreaterThan(0);
        for (const sample of s.samples) expect(KNOWN_SAMPLES).toContain(sample);
      });
    });
  }

  it("runs every scenario over empty evidence without an internal error", () => {
    for (const lang of ["en", "ja"] as const) {
      const run = runScenarios(contextOf({}, { lang, asOf: null }), SCENARIOS);
      expect(run.findings).toEqual([]);
      for (const c of run.checked) {
        expect(c.detail).not.toMatch(/internal error/);
        expect(["not-checked", "healthy"]).toContain(c.status);
      }
    }
  });
});

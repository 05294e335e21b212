import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import path from "node:path";
import { SCENARIOS } from "../../src/scenarios/index.js";
import { runScenarios } from "../../src/scenarios/engine.js";
import { contextOf } from "./fixtures.js";

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
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

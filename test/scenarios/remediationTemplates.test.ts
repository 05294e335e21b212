import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../../src/scenarios/index.js";
import { UNSAFE_VALUE_MARKER, renderRemediation } from "../../src/scenarios/engine.js";

// Every remediation template, read as the script an engineer will paste into an elevated shell.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../templates/remediation");
const OFFLINE_VALUES = { drive: "F", systemMount: "BROKENSYSTEM", softwareMount: "BROKENSOFTWARE", controlSet: "ControlSet002" };
const HOSTILE = 'x" & calc & "';

const templates = readdirSync(root).flatMap((scenario) =>
  readdirSync(path.join(root, scenario)).map((file) => ({ scenario, file, text: readFileSync(path.join(root, scenario, file), "utf8") })),
);

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map((m) => m[1]))];
}

function render(t: (typeof templates)[number], values: Record<string, string>) {
  const m = /^(.+)\.(offline|online)\.(ps1|cmd)\.hbs$/.exec(t.file)!;
  return renderRemediation(t.scenario, m[1], m[2] as "offline" | "online", m[3] === "ps1" ? "powershell" : "cmd", "test", values);
}

describe("remediation templates", () => {
  it("exist for every scenario that ships one, under its id, named <name>.<offline|online>.<ps1|cmd>.hbs", () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      expect(ids).toContain(t.scenario);
      expect(t.file).toMatch(/^[a-z0-9-]+\.(offline\.cmd|online\.ps1|offline\.ps1|online\.cmd)\.hbs$/);
    }
  });

  for (const t of templates) {
    describe(`${t.scenario}/${t.file}`, () => {
      const own = placeholders(t.text).filter((p) => !(p in OFFLINE_VALUES));
      const script = render(t, { ...OFFLINE_VALUES, ...Object.fromEntries(own.map((p) => [p, HOSTILE])) }).script;

      it("lets no hostile evidence value through", () => {
        expect(script).not.toContain(HOSTILE);
        expect(script).not.toContain("calc");
        if (own.length) expect(script).toContain(UNSAFE_VALUE_MARKER);
      });

      it("never waits for an answer", () => {
        expect(script).not.toMatch(/Read-Host|\bpause\b|set \/p|\bchoice\b|-Confirm\b(?!:\$false)/i);
        for (const line of script.split("\n").filter((l) => /\btakeown\b/i.test(l) && !/^\s*(rem|#)/i.test(l))) {
          expect(line).toMatch(/\/d y/i);
        }
      });

      it("never changes MachineKeys recursively, and names principals by SID", () => {
        for (const line of script.split("\n").filter((l) => /\bicacls\b/i.test(l) && !/^\s*(rem|#)/i.test(l))) {
          if (/\/(grant|remove|setowner|inheritance|reset|deny)/i.test(line)) expect(line).not.toMatch(/\s\/t\b/i);
          expect(line).not.toMatch(/NT AUTHORITY|BUILTIN\\|Everyone:/i);
        }
        expect(script).not.toMatch(/takeown[^\n]*\/r/i);
      });

      if (t.file.includes(".offline.cmd.")) {
        it("offline: forces every reg add/delete, writes only to the ControlSet and mounts it is given, unloads at the end", () => {
          for (const line of script.split("\n").filter((l) => /\breg (add|delete)\b/i.test(l))) expect(line).toMatch(/\s\/f\b/i);
          expect(script).not.toMatch(/CurrentControlSet/i);
          expect(script).not.toMatch(/ControlSet00[13]/);
          if (/\bHKLM\\%SYS%/.test(script)) expect(script).toContain('set "SYS=BROKENSYSTEM"');
          if (/%CS%/.test(script)) expect(script).toContain('set "CS=ControlSet002"');
          if (/\breg load\b/i.test(script)) {
            const lines = script.trimEnd().split("\n");
            const lastChange = Math.max(...lines.map((l, i) => (/\breg (add|delete|load)\b|\bicacls\b.*\/(grant|remove)|\bren\b/i.test(l) ? i : -1)));
            const lastUnload = Math.max(...lines.map((l, i) => (/\breg unload\b/i.test(l) ? i : -1)));
            expect(lastUnload).toBeGreaterThan(lastChange);
          }
          expect(script).toContain('set "D=F"');
        });
      }

      if (t.file.includes(".offline.ps1.")) {
        it("offline PowerShell: the mounts it is given, never the running OS, and the hive unloaded in finally", () => {
          expect(script).not.toMatch(/CurrentControlSet|HKLM:\\SOFTWARE\\Microsoft/);
          expect(script).toContain("$mount = 'BROKENSOFTWARE'");
          expect(script).toMatch(/finally \{[\s\S]*reg\.exe unload/);
          expect(script).toMatch(/\$ErrorActionPreference = 'Stop'/);
        });
      }

      if (t.file.includes(".ps1.")) {
        it("PowerShell: no \"$name:\" inside strings (a drive-qualified variable, a parse error)", () => {
          for (const line of script.split("\n").filter((l) => !/^\s*#/.test(l))) {
            for (const str of line.match(/"[^"]*"/g) ?? []) expect(str).not.toMatch(/\$(?!env:)[A-Za-z_]\w*:/);
          }
        });
      }

      if (t.file.includes(".online.ps1.")) {
        it("online: the running OS (CurrentControlSet), no rescue-VM mounts, stops on the first error", () => {
          expect(script).not.toMatch(/BROKEN(SYSTEM|SOFTWARE)|ControlSet00\d/);
          if (/HKLM:?\\SYSTEM\\/.test(script)) expect(script).toMatch(/CurrentControlSet/);
          expect(script).toMatch(/\$ErrorActionPreference = '(Stop|Continue)'/);
        });
      }
    });
  }
});

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { renderRemediation } from "../../src/scenarios/engine.js";
import { checkCmdScript } from "../../src/collect/cmdScript.js";
import { initPowerShellSyntax, parsePowerShell } from "../../src/collect/powershellSyntax.js";
import { CONFIG_SCENARIOS } from "../../scripts/samples/configCases.js";

// The remediation scripts of the configuration scenarios, rendered with realistic values: PowerShell
// must parse, cmd must pass the static checks, and every offline script backs up before it writes and
// writes only after checking Select\Current on the disk.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../templates/remediation");
const SCENARIOS = CONFIG_SCENARIOS;
const VALUES = {
  drive: "F",
  systemMount: "OFFLINE_SYS",
  softwareMount: "OFFLINE_SOFT",
  controlSet: "ControlSet002",
  port: "3390",
  blockRules: "{8C1F0E52-1B2A-4C3D-9E4F-5A6B7C8D9E0F},Block RDP",
  addresses: "185.224.128.17,45.141.84.126,2001:db8::7",
};

const templates = SCENARIOS.flatMap((scenario) =>
  readdirSync(path.join(root, scenario)).map((file) => {
    const m = /^(.+)\.(offline|online)\.(ps1|cmd)\.hbs$/.exec(file)!;
    const text = readFileSync(path.join(root, scenario, file), "utf8");
    const script = renderRemediation(scenario, m[1], m[2] as "offline" | "online", m[3] === "ps1" ? "powershell" : "cmd", "t", VALUES).script;
    return { scenario, file, variant: m[2], shell: m[3], text, script };
  }),
);

beforeAll(async () => {
  await initPowerShellSyntax();
});

describe("configuration scenarios' remediation scripts", () => {
  it("every configuration scenario ships at least one online script, and all but rdp-brute-force an offline one", () => {
    for (const s of SCENARIOS) {
      const mine = templates.filter((t) => t.scenario === s);
      expect(mine.some((t) => t.variant === "online"), s).toBe(true);
      if (s !== "rdp-brute-force") expect(mine.some((t) => t.variant === "offline"), s).toBe(true);
    }
  });

  for (const t of templates) {
    describe(`${t.scenario}/${t.file}`, () => {
      if (t.shell === "ps1") {
        it("parses as PowerShell", () => {
          expect(parsePowerShell(t.script).errors).toEqual([]);
        });
        it("backs up (reg export or netsh export) before it changes anything", () => {
          const code = t.script.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
          const firstChange = code.search(/Set-ItemProperty|sc\.exe config|Set-NetFirewall|Enable-NetFirewallRule|Invoke-CimMethod/);
          if (firstChange >= 0) expect(code.search(/reg\.exe export|netsh\.exe advfirewall export/)).toBeLessThan(firstChange);
        });
      } else {
        it("passes the static cmd checks", () => {
          expect(checkCmdScript(t.script)).toEqual([]);
        });
        it("checks Select\\Current and backs up before the first reg add, and names the mounts and control set found", () => {
          const firstAdd = t.script.search(/^(?!rem).*\breg add\b/m);
          expect(firstAdd).toBeGreaterThan(0);
          expect(t.script.search(/\breg export\b/)).toBeLessThan(firstAdd);
          if (t.script.includes("%SYS%")) {
            expect(t.script).toContain('set "SYS=OFFLINE_SYS"');
            expect(t.script).toContain('set "CS=ControlSet002"');
            expect(t.script.indexOf('if /i not "%CUR%"=="%CS%"')).toBeLessThan(firstAdd);
          }
          if (t.script.includes("%SOFT%")) expect(t.script).toContain('set "SOFT=OFFLINE_SOFT"');
        });
      }
    });
  }
});

import { beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { openIndex } from "../../src/store/db.js";
import { ingestFolder } from "../../src/ingest/ingestFolder.js";
import { buildReport } from "../../src/pipeline/buildReport.js";
import { listCases } from "../../src/pipeline/check.js";
import { renderRemediation } from "../../src/scenarios/engine.js";
import { initPowerShellSyntax, parsePowerShell } from "../../src/collect/powershellSyntax.js";
import { checkCmdScript } from "../../src/collect/index.js";
import type { Remediation } from "../../src/report/findings.js";

// Every remediation script that any sample's report contains must be well-formed for its shell:
// PowerShell parsed with the tree-sitter-powershell grammar (no ERROR or MISSING node), cmd checked
// for balanced quotes and line length; and none may wait for an answer nobody can give under Run Command
// or the Serial Console. The "never waits" check also runs over every template, rendered.
const samplesDir = path.resolve(__dirname, "..", "..", "samples");
const templatesDir = path.resolve(__dirname, "..", "..", "templates", "remediation");

async function scriptsOf(caseName: string): Promise<{ caseName: string; r: Remediation }[]> {
  const db = openIndex(":memory:");
  try {
    await ingestFolder(path.join(samplesDir, caseName), db);
    // Scripts are identical in both languages; only their titles differ.
    const report = buildReport(db, { generatedAt: "2000-01-01T00:00:00.000Z" });
    return report.findings.flatMap((f) => f.remediation.map((r) => ({ caseName, r })));
  } finally {
    db.close();
  }
}

const all: { caseName: string; r: Remediation }[] = [];
for (const name of listCases(samplesDir)) all.push(...(await scriptsOf(name)));

// ── Commands that wait for an answer ─────────────────────────────────────────────────────────────

/** A command name in command position (not `$choice`, `-Confirm`, `Get-Pause`), with or without .exe. */
const command = (name: string) => new RegExp(`(?:^|[\\s;&|({])${name}(?:\\.exe)?(?=$|[\\s;&|)])`, "i");
/** The option, case-insensitively (e.g. `/d y`, `-Force`). */
const has = (text: string, option: RegExp) => option.test(text);

/** Checks shared by cmd and by native commands called from PowerShell. */
function nativeProblems(code: string): string[] {
  const out: string[] = [];
  if (command("pause").test(code)) out.push("pause waits for a key");
  if (command("choice").test(code)) out.push("choice waits for an answer");
  if (command("runas").test(code)) out.push("runas asks for a password");
  if (/(?:^|[\s;&|(])set\s+\/p\b/i.test(code) && !/<\s*\S/.test(code)) out.push("set /p waits for input (unless read from a file with <)");
  if (command("takeown").test(code) && !has(code, /\/d\s+[yjn]\b/i)) out.push("takeown without /d prompts on every folder it cannot list");
  if (/(?:^|[\s;&|(])net(?:\.exe)?\s+use\b/i.test(code) && !has(code, /\/persistent:/i)) out.push("net use without /persistent: (and without credentials it asks for them)");
  if (/(?:^|[\s;&|(])reg(?:\.exe)?\s+(add|delete|copy|import)\b/i.test(code) && !/\breg(?:\.exe)?\s+import\b/i.test(code) && !has(code, /\s\/f\b/i)) out.push("reg add/delete/copy without /f asks before overwriting or deleting");
  if (/(?:^|[\s;&|(])reg(?:\.exe)?\s+export\b/i.test(code) && !has(code, /\s\/y\b/i)) out.push("reg export without /y asks before overwriting the file");
  if (/(?:^|[\s;&|(])(rd|rmdir)\s[^\n]*\/s\b/i.test(code) && !has(code, /\s\/q\b/i)) out.push("rd /s without /q asks for confirmation");
  if (/(?:^|[\s;&|(])(del|erase)\s[^\n]*\*/i.test(code) && !has(code, /\s\/q\b/i)) out.push("del of a wildcard without /q asks for confirmation");
  if (command("dism").test(code) && /\/(enable|disable)-feature|\/(add|remove)-package/i.test(code) && !has(code, /\/(norestart|quiet)\b/i)) {
    out.push("DISM without /NoRestart asks whether to restart");
  }
  return out;
}

/** cmd: each command of each line (quoted text blanked, rem and echo skipped). */
function cmdProblems(script: string): string[] {
  const out: string[] = [];
  for (const line of script.split("\n")) {
    if (/^\s*@?(rem\b|::)/i.test(line)) continue;
    const dequoted = line.replace(/"[^"]*"/g, '""');
    for (const part of dequoted.split(/&&|\|\||[&|()]/)) {
      const seg = part.trim().replace(/^@/, "");
      if (seg === "" || /^(echo|rem)\b/i.test(seg)) continue;
      out.push(...nativeProblems(seg).map((p) => `${p}: ${line.trim()}`));
    }
  }
  return out;
}

/** PowerShell statements (lines joined at a trailing | or backtick), with string literals blanked. */
function powershellStatements(script: string): { raw: string; code: string }[] {
  const lines = script.split("\n").filter((l) => !/^\s*#/.test(l));
  const statements: string[] = [];
  let current = "";
  for (const l of lines) {
    current += (current ? " " : "") + l.trim();
    if (/[|`]$/.test(l.trim())) continue;
    statements.push(current);
    current = "";
  }
  if (current) statements.push(current);
  return statements.map((raw) => ({
    raw,
    code: raw.replace(/'(?:[^']|'')*'|"(?:[^"`]|`.)*"/g, "''").replace(/(^|\s)#.*$/, "$1"),
  }));
}

/** Cmdlets that prompt (ConfirmImpact High, or their own question) or stop unless forced. */
const FORCED_CMDLETS: { cmdlet: RegExp; why: string }[] = [
  { cmdlet: /\bSet-ExecutionPolicy\b/i, why: "Set-ExecutionPolicy asks for confirmation" },
  { cmdlet: /\b(Restart|Stop)-Computer\b/i, why: "Restart-/Stop-Computer refuses (or waits) while users are logged on" },
  { cmdlet: /\b(Clear-Disk|Format-Volume|Remove-Partition|Disable-NetAdapter|Clear-RecycleBin)\b/i, why: "a ConfirmImpact=High cmdlet asks for confirmation" },
  { cmdlet: /\b(Stop|Restart)-Service\b/i, why: "Stop-/Restart-Service stops with an error when other services depend on it" },
];

function powershellProblems(script: string): string[] {
  const out: string[] = [];
  for (const { raw, code } of powershellStatements(script)) {
    const add = (why: string) => out.push(`${why}: ${raw}`);
    if (/\bRead-Host\b/i.test(code)) add("Read-Host waits for input");
    if (/\bGet-Credential\b/i.test(code)) add("Get-Credential asks for a credential");
    if (/PromptFor(Choice|Credential)\b|\[Console\]::Read(Key|Line)?\b/i.test(code)) add("a host prompt waits for input");
    if (/-Confirm\b(?!:\s*\$false)/i.test(code)) add("-Confirm asks for confirmation");
    const confirmOff = /-Confirm:\s*\$false/i.test(code);
    const force = /-Force\b/i.test(code);
    if (/\b(Remove-Item|ri|rm|del|erase|rd|rmdir)\b/i.test(code) && /\bCert:/i.test(raw) && !force) add("Remove-Item on a Cert: path without -Force can ask for confirmation");
    for (const { cmdlet, why } of FORCED_CMDLETS) if (cmdlet.test(code) && !force && !confirmOff) add(why);
    if (/\b(Enable|Disable)-WindowsOptionalFeature\b/i.test(code) && !/-NoRestart\b/i.test(code)) add("Enable-/Disable-WindowsOptionalFeature without -NoRestart asks whether to restart");
    out.push(...nativeProblems(code).map((p) => `${p}: ${raw}`));
  }
  return out;
}

/** Why a script would wait for an answer nobody can give (Run Command, Serial Console, a pasted .cmd). */
function interactiveProblems(script: string, shell: "powershell" | "cmd"): string[] {
  return shell === "powershell" ? powershellProblems(script) : cmdProblems(script);
}

// ── Every template, rendered ─────────────────────────────────────────────────────────────────────

const OFFLINE_VALUES = { drive: "F", systemMount: "BROKENSYSTEM", softwareMount: "BROKENSOFTWARE", controlSet: "ControlSet001" };
const templates = readdirSync(templatesDir).flatMap((scenario) =>
  readdirSync(path.join(templatesDir, scenario)).map((file) => {
    const text = readFileSync(path.join(templatesDir, scenario, file), "utf8");
    const m = /^(.+)\.(offline|online)\.(ps1|cmd)\.hbs$/.exec(file)!;
    const shell = m[3] === "ps1" ? ("powershell" as const) : ("cmd" as const);
    const own = [...new Set([...text.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map((x) => x[1]))];
    const values = { ...OFFLINE_VALUES, ...Object.fromEntries(own.filter((p) => !(p in OFFLINE_VALUES)).map((p) => [p, "X1"])) };
    return { name: `${scenario}/${file}`, shell, script: renderRemediation(scenario, m[1], m[2] as "offline" | "online", shell, "test", values).script };
  }),
);

beforeAll(async () => {
  await initPowerShellSyntax();
});

describe("the interactive-command check", () => {
  const flags = (script: string, shell: "powershell" | "cmd") => interactiveProblems(script, shell).length > 0;

  it("flags what waits for an answer", () => {
    expect(flags("Get-ChildItem -Path 'Cert:\\LocalMachine\\Remote Desktop' | Remove-Item", "powershell")).toBe(true);
    expect(flags("Get-ChildItem -Path 'Cert:\\LocalMachine\\My' |\n  Remove-Item -DeleteKey", "powershell")).toBe(true);
    expect(flags("Remove-Item -Path C:\\x -Confirm", "powershell")).toBe(true);
    expect(flags("Stop-Service -Name TermService", "powershell")).toBe(true);
    expect(flags("Restart-Computer", "powershell")).toBe(true);
    expect(flags("Set-ExecutionPolicy Bypass", "powershell")).toBe(true);
    expect(flags("$c = Get-Credential", "powershell")).toBe(true);
    expect(flags("$a = Read-Host 'Continue?'", "powershell")).toBe(true);
    expect(flags("Disable-WindowsOptionalFeature -Online -FeatureName X", "powershell")).toBe(true);
    expect(flags("& dism.exe /online /disable-feature /featurename:X", "powershell")).toBe(true);
    expect(flags("& reg.exe export 'HKLM\\SOFTWARE\\X' 'C:\\x.reg'", "powershell")).toBe(true);
    expect(flags("choice /c yn /m \"Go on\"", "cmd")).toBe(true);
    expect(flags("if errorlevel 1 pause", "cmd")).toBe(true);
    expect(flags("set /p GUID=MachineGuid: ", "cmd")).toBe(true);
    expect(flags("net use Z: \\\\server\\share", "cmd")).toBe(true);
    expect(flags("takeown /f \"%MK%\" /a /r", "cmd")).toBe(true);
    expect(flags("reg add \"HKLM\\X\" /v A /t REG_DWORD /d 1", "cmd")).toBe(true);
    expect(flags("reg delete \"HKLM\\X\" /v A", "cmd")).toBe(true);
    expect(flags("reg export \"HKLM\\X\" \"%OUT%\\x.reg\"", "cmd")).toBe(true);
    expect(flags("rd /s \"%OUT%\\old\"", "cmd")).toBe(true);
  });

  it("leaves alone what does not", () => {
    expect(flags("Get-ChildItem -Path 'Cert:\\LocalMachine\\Remote Desktop' | Remove-Item -Force -Confirm:$false", "powershell")).toBe(false);
    expect(flags("Restart-Service -Name TermService -Force", "powershell")).toBe(false);
    expect(flags("'Restart the VM (Restart-Computer) for LSA to read the new value.'", "powershell")).toBe(false);
    expect(flags("# Get-ChildItem Cert:\\ | Remove-Item", "powershell")).toBe(false);
    expect(flags("$choice = 1; Remove-ItemProperty -Path $k -Name A", "powershell")).toBe(false);
    expect(flags("& dism.exe /online /disable-feature /featurename:X /norestart", "powershell")).toBe(false);
    expect(flags("rem pause here, choice there", "cmd")).toBe(false);
    expect(flags("if exist \"%KEY%.bak\" (echo already exists: move it away, then pause & goto :unload)", "cmd")).toBe(false);
    expect(flags("takeown /f \"%KEY%\" /a /d y", "cmd")).toBe(false);
    expect(flags("reg add \"HKLM\\X\" /v A /t REG_DWORD /d 1 /f", "cmd")).toBe(false);
    expect(flags("for /f \"tokens=3\" %%a in ('reg query \"HKLM\\X\" /v Current 2^>nul ^| findstr /i \"REG_DWORD\"') do set /a N=%%a", "cmd")).toBe(false);
  });
});

describe("remediation scripts in the sample reports", () => {
  it("there are scripts of both shells to check", () => {
    expect(all.filter((s) => s.r.shell === "powershell").length).toBeGreaterThan(10);
    expect(all.filter((s) => s.r.shell === "cmd").length).toBeGreaterThan(10);
  });

  for (const { caseName, r } of all) {
    it(`${caseName}: ${r.variant} ${r.shell} "${r.title}" parses and never prompts`, () => {
      if (r.shell === "powershell") expect(parsePowerShell(r.script).errors).toEqual([]);
      else expect(checkCmdScript(r.script)).toEqual([]);
      expect(interactiveProblems(r.script, r.shell)).toEqual([]);
    });
  }
});

describe("every remediation template, rendered, never prompts", () => {
  it("covers every template file", () => {
    expect(templates.length).toBeGreaterThan(30);
  });

  for (const t of templates) {
    it(`${t.name} (${t.shell})`, () => {
      expect(interactiveProblems(t.script, t.shell)).toEqual([]);
    });
  }
});

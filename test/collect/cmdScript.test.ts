import { describe, expect, it } from "vitest";
import { checkCmdScript, CMD_MAX_LINE } from "../../src/collect/index.js";
import { SCENARIOS } from "../../src/scenarios/index.js";

describe("checkCmdScript", () => {
  it("accepts a sound unattended script (CRLF, comments, escaped quotes)", () => {
    const script = [
      "@echo off",
      "rem Don't \"pause\" here: comments are not run",
      ":: neither \"here",
      "set D=F",
      'reg load HKLM\\BROKENSYSTEM "%D%:\\Windows\\System32\\config\\SYSTEM"',
      'icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /t /c > "%OUT%\\acl\\machinekeys.txt" 2>&1',
      "echo ^\"quoted^\" text",
      'if errorlevel 1 (echo failed) else (echo "ok")',
      "reg unload HKLM\\BROKENSYSTEM",
    ].join("\r\n");
    expect(checkCmdScript(script)).toEqual([]);
  });

  it("finds lines cmd.exe cannot take, odd quotes, pause and set /p", () => {
    const long = `echo ${"x".repeat(CMD_MAX_LINE)}`;
    const script = ["@echo off", long, 'reg export "HKLM\\X "%OUT%\\x.reg" /y', "pause", "if exist x (pause)", "set /p ANSWER=Continue? ", "echo done & @pause", "if errorlevel 1 pause", "for %%f in (*) do pause"].join("\n");
    expect(checkCmdScript(script)).toEqual([
      `line 2 is ${long.length} characters long; cmd.exe stops at ${CMD_MAX_LINE}`,
      "line 3 has an odd number of double quotes (3)",
      "line 4 pauses for a key press (pause)",
      "line 5 pauses for a key press (pause)",
      "line 6 prompts for input (set /p)",
      "line 7 pauses for a key press (pause)",
      "line 8 pauses for a key press (pause)",
      "line 9 pauses for a key press (pause)",
    ]);
  });

  it("does not mistake words that merely contain 'pause' for the command", () => {
    expect(checkCmdScript("echo pauseless\r\nset PAUSED=1\r\nset /a N=1")).toEqual([]);
  });

  it("every scenario's cmd collection lines pass", () => {
    for (const s of SCENARIOS) for (const n of s.needs) expect(checkCmdScript(n.collect), `${s.id}/${n.id}`).toEqual([]);
  });
});

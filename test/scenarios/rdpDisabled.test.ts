import { describe, expect, it } from "vitest";
import { rdpDisabled } from "../../src/scenarios/rdpDisabled.js";
import { KEYS, contextOf, regValue, selectCurrent, type CaseEvidence, type Mounts } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => rdpDisabled.detect(contextOf(spec, options));
const mounts: Mounts = { systemMount: "RESCUE_SYS", softwareMount: "RESCUE_SOFT", current: 2 };
const local = (v: number, m?: Mounts) => regValue(KEYS.terminalServer, "fDenyTSConnections", "REG_DWORD", v, m);
const policy = (v: number, m?: Mounts) => regValue(KEYS.tsPolicy, "fDenyTSConnections", "REG_DWORD", v, m);
/** SOFTWARE\Policies exported, with an unrelated Terminal Services policy value. */
const policiesKey = (m?: Mounts) => [regValue(KEYS.tsPolicy, "fAllowToGetHelp", "REG_DWORD", 0, m)];

describe("rdp-disabled: policy first", () => {
  it("reports high denied-by-policy when the policy sets 1, whatever the local value", () => {
    const [f] = detect({ registry: [selectCurrent(), local(0), policy(1), ...policiesKey()] }).findings;
    expect(f).toMatchObject({ scenario: "rdp-disabled", confidence: "high", subCause: "denied-by-policy" });
    expect(f.evidence).toHaveLength(2);
    expect(f.evidence[0]).toMatchObject({ kind: "registry", key: KEYS.tsPolicy, name: "fDenyTSConnections", value: "1 (0x1)" });
    expect(f.explanation).toContain("Group Policy");
  });

  it("reports high denied for a local 1 without a policy value", () => {
    const [f] = detect({ registry: [selectCurrent(), local(1), ...policiesKey()] }).findings;
    expect(f).toMatchObject({ confidence: "high", subCause: "denied" });
    expect(f.cause).toContain("Don't allow remote connections");
  });

  it("is healthy when a policy 0 overrides a local 1, and says so", () => {
    const result = detect({ registry: [selectCurrent(), local(1), policy(0), ...policiesKey()] });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("overridden by the policy");
  });

  it("is not-checked, not healthy, on a local 0 while SOFTWARE\\Policies (which wins) was not collected", () => {
    const result = detect({ registry: [selectCurrent(), local(0)] });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("cannot be ruled out");
    expect(result.detail).toContain('reg export "HKLM\\BROKENSOFTWARE\\Policies"');
    expect(result.detail).toContain('reg load "HKLM\\BROKENSOFTWARE" "%D%:\\Windows\\System32\\config\\SOFTWARE"');
    expect(detect({ registry: [selectCurrent(), local(0), ...policiesKey()] }).status).toBe("healthy");
  });

  it("caps a local verdict at medium when Select\\Current was not collected", () => {
    const [f] = detect({ registry: [local(1), ...policiesKey()] }).findings;
    expect(f.confidence).toBe("medium");
    expect(f.explanation).toContain("Select\\Current was not collected");
  });

  it("keeps a policy verdict high without Select\\Current (SOFTWARE has no control sets)", () => {
    expect(detect({ registry: [policy(1), ...policiesKey()] }).findings[0].confidence).toBe("high");
  });

  it("is not-checked, with the collect command, when fDenyTSConnections is nowhere", () => {
    const result = detect({ registry: [selectCurrent(), regValue(KEYS.rdpTcp, "PortNumber", "REG_DWORD", 3389)] });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Terminal Server"');
  });

  it("fills the offline script with the mounts and control set found, and changes the policy only where it exists", () => {
    const [f] = detect({ registry: [selectCurrent(mounts), local(1, mounts), ...policiesKey(mounts)] }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!;
    expect(offline.script).toContain('set "SYS=RESCUE_SYS"');
    expect(offline.script).toContain('set "SOFT=RESCUE_SOFT"');
    expect(offline.script).toContain('set "CS=ControlSet002"');
    expect(offline.script).toContain('if "%V%"=="1" reg add "%TS%" /v fDenyTSConnections /t REG_DWORD /d 0 /f');
    expect(offline.script).toContain('if "%P%"=="1" reg add "%POL%"');
    expect(offline.script.indexOf("reg export")).toBeLessThan(offline.script.indexOf("reg add"));
    const online = f.remediation.find((r) => r.variant === "online")!;
    expect(online.script).toContain("CurrentControlSet");
    expect(online.script).toContain("Restart-Service -Name TermService");
  });

  it("speaks Japanese", () => {
    const [f] = detect({ registry: [selectCurrent(), policy(1), ...policiesKey()] }, { lang: "ja" }).findings;
    expect(f.title).toBe("グループ ポリシーでリモート デスクトップ接続が無効になっています");
    expect(f.explanation).toMatch(/確度「高」/);
  });
});

import { describe, expect, it } from "vitest";
import { fipsEncryptionMismatch } from "../../src/scenarios/fipsEncryptionMismatch.js";
import { CONFIG_KEYS, KEYS, contextOf, regKey, regValue, selectCurrent, type CaseEvidence } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => fipsEncryptionMismatch.detect(contextOf(spec, options));
const fips = (v: number) => regValue(CONFIG_KEYS.fips, "Enabled", "REG_DWORD", v);
const level = (v: number) => regValue(KEYS.rdpTcp, "MinEncryptionLevel", "REG_DWORD", v);

describe("fips-encryption-mismatch", () => {
  it("gives medium when both FIPS algorithms and the FIPS encryption level are set", () => {
    const [f] = detect({ registry: [selectCurrent(), fips(1), level(4)] }).findings;
    expect(f).toMatchObject({ scenario: "fips-encryption-mismatch", confidence: "medium", subCause: "fips-enforced" });
  });

  it("reads MinEncryptionLevel policy first", () => {
    const [f] = detect({ registry: [selectCurrent(), fips(1), level(2), regValue(KEYS.tsPolicy, "MinEncryptionLevel", "REG_DWORD", 4)] }).findings;
    expect(f.subCause).toBe("fips-enforced");
    expect(f.explanation).toContain("Group Policy");
    expect(detect({ registry: [selectCurrent(), fips(0), level(4), regValue(KEYS.tsPolicy, "MinEncryptionLevel", "REG_DWORD", 2)] }).status).toBe("healthy");
  });

  it("gives low for either setting alone", () => {
    expect(detect({ registry: [selectCurrent(), fips(0), level(4)] }).findings[0]).toMatchObject({ confidence: "low", subCause: "fips-encryption-level" });
    expect(detect({ registry: [selectCurrent(), fips(1), level(2)] }).findings[0]).toMatchObject({ confidence: "low", subCause: "fips-algorithms" });
  });

  it("reads the pre-Vista FIPSAlgorithmPolicy DWORD when Enabled is absent", () => {
    expect(detect({ registry: [selectCurrent(), regValue(CONFIG_KEYS.lsa, "FIPSAlgorithmPolicy", "REG_DWORD", 1), level(4)] }).findings[0].subCause).toBe("fips-enforced");
  });

  it("fixes with reg add, never with the article's reg query … /d", () => {
    const [f] = detect({ registry: [selectCurrent(), fips(1), level(4)] }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!.script;
    expect(offline).not.toMatch(/reg query[^\n]*\/d /);
    expect(offline).toContain('if "%V%"=="4" reg add "%RDPTCP%" /v MinEncryptionLevel /t REG_DWORD /d 2 /f');
    expect(offline).toContain('if "%V%"=="1" reg add "%FIPS%" /v Enabled /t REG_DWORD /d 0 /f');
  });

  it("is healthy with the values named, not-checked without Lsa, RDP-Tcp or the policy", () => {
    const policies = regKey("HKLM\\SOFTWARE\\Policies");
    const healthy = detect({ registry: [selectCurrent(), fips(0), level(2)], keys: [policies] });
    expect(healthy.status).toBe("healthy");
    expect(healthy.detail).toContain("FIPSAlgorithmPolicy\\Enabled = 0");
    expect(detect({}).status).toBe("not-checked");
    // What the audit found: Control\Lsa missing is not "healthy" (FIPS alone is a finding).
    const noLsa = detect({ registry: [selectCurrent(), level(2)], keys: [policies] });
    expect(noLsa.status).toBe("not-checked");
    expect(noLsa.detail).toContain("Control\\Lsa was not collected, so enforced FIPS algorithms cannot be ruled out");
    expect(noLsa.detail).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Lsa"');
    // A local level with no SOFTWARE\Policies to show that no policy sets 4.
    const noPolicy = detect({ registry: [selectCurrent(), fips(0), level(2)] });
    expect(noPolicy.status).toBe("not-checked");
    expect(noPolicy.detail).toContain("MinEncryptionLevel = 4 cannot be ruled out");
  });
});

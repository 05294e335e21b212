import { describe, expect, it } from "vitest";
import { nlaCredsspPolicy } from "../../src/scenarios/nlaCredsspPolicy.js";
import { CONFIG_KEYS, KEYS, contextOf, regValue, selectCurrent, type CaseEvidence } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => nlaCredsspPolicy.detect(contextOf(spec, options));
const nla = (v: number) => regValue(KEYS.rdpTcp, "UserAuthentication", "REG_DWORD", v);
const domainCreds = (v: number) => regValue(CONFIG_KEYS.lsa, "disabledomaincreds", "REG_DWORD", v);
const oracle = (v: number) => regValue(CONFIG_KEYS.credSsp, "AllowEncryptionOracle", "REG_DWORD", v);

describe("nla-credssp-policy", () => {
  it("reports high when NLA is required and domain credentials are refused", () => {
    const [f] = detect({ registry: [selectCurrent(), nla(1), domainCreds(1)] }).findings;
    expect(f).toMatchObject({ scenario: "nla-credssp-policy", confidence: "high", subCause: "domain-credentials-refused" });
    expect(f.cause).toContain("The Local Security Authority cannot be contacted");
    expect(f.remediation.find((r) => r.variant === "offline")!.script).toContain('reg add "%LSA%" /v disabledomaincreds /t REG_DWORD /d 0 /f');
  });

  it("reads NLA policy first: a policy that turns NLA off clears disabledomaincreds", () => {
    const result = detect({ registry: [selectCurrent(), nla(1), regValue(KEYS.tsPolicy, "UserAuthentication", "REG_DWORD", 0), domainCreds(1), oracle(1)] });
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("NLA: not required");
    expect(result.detail).toContain("does not block RDP");
    // NLA off only locally: a policy (not collected) could still require it.
    const localOnly = detect({ registry: [selectCurrent(), nla(0), domainCreds(1), oracle(1)] });
    expect(localOnly.status).toBe("not-checked");
    expect(localOnly.detail).toContain("NLA cannot be confirmed off");
  });

  it("is not-checked, not healthy, while AllowEncryptionOracle = 0 cannot be ruled out", () => {
    const result = detect({ registry: [selectCurrent(), nla(1), domainCreds(0)] });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("Policies\\System was not collected");
    expect(result.detail).toContain('reg export "HKLM\\BROKENSOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"');
  });

  it("gives medium when disabledomaincreds = 1 and NLA is not in the evidence", () => {
    expect(detect({ registry: [selectCurrent(), domainCreds(1)] }).findings[0]).toMatchObject({ confidence: "medium" });
  });

  it("gives medium for Force Updated Clients, and the fix never writes 2", () => {
    const [f] = detect({ registry: [selectCurrent(), nla(1), domainCreds(0), oracle(0)] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "force-updated-clients" });
    expect(f.explanation).toContain("never set 2");
    for (const r of f.remediation) {
      expect(r.script).not.toMatch(/\/d 2\b|-Value 2\b/);
      expect(r.script).toMatch(/AllowEncryptionOracle( \/t REG_DWORD \/d 1 \/f| -Value 1)/);
    }
  });

  it("lists both fixes when both settings are wrong", () => {
    const [f] = detect({ registry: [selectCurrent(), nla(1), domainCreds(1), oracle(0)] }).findings;
    expect(f.subCause).toBe("domain-credentials-refused");
    expect(f.remediation.map((r) => r.variant)).toEqual(["offline", "offline", "online", "online"]);
    expect(f.explanation).toContain("unpatched clients are refused too");
  });

  it("notes AllowEncryptionOracle = 2 as a risk, not a block", () => {
    const result = detect({ registry: [selectCurrent(), nla(1), domainCreds(0), oracle(2)] });
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("Vulnerable");
  });

  it("is not-checked without Lsa or Policies\\System", () => {
    const result = detect({ registry: [selectCurrent(), nla(1)] });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Lsa"');
  });
});

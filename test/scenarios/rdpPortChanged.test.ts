import { describe, expect, it } from "vitest";
import { rdpPortChanged } from "../../src/scenarios/rdpPortChanged.js";
import { CONFIG_KEYS, KEYS, contextOf, firewallStore, rdpFirewallRule, regValue, selectCurrent, type CaseEvidence } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => rdpPortChanged.detect(contextOf(spec, options));
const port = (n: number) => regValue(KEYS.rdpTcp, "PortNumber", "REG_DWORD", n);

describe("rdp-port-changed", () => {
  it("is healthy on 3389", () => {
    const result = detect({ registry: [selectCurrent(), port(3389)] });
    expect(result).toMatchObject({ status: "healthy", findings: [] });
  });

  it("reports high when the firewall admits the new port on no enabled profile, and says what the client must use", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3390), ...firewallStore()] }).findings;
    expect(f).toMatchObject({ scenario: "rdp-port-changed", confidence: "high", subCause: "port-changed-not-allowed" });
    expect(f.cause).toContain("mstsc /v:<address>:3390");
    expect(f.evidence[1]).toMatchObject({ kind: "observation", text: expect.stringContaining("Public: no active Allow rule covers the port") });
    expect(f.remediation.map((r) => `${r.variant}:${r.title}`)).toHaveLength(3);
    const open = f.remediation.find((r) => r.script.includes("Set-NetFirewallRule -Name 'RemoteDesktop-UserMode-In-TCP' -Action Allow -LocalPort $port"))!;
    expect(open.script).toContain("$port   = '3390'");
  });

  it("gives low when a rule follows the port: only the NSG and the client can still be wrong", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3390), ...firewallStore({ rules: { "RemoteDesktop-UserMode-In-TCP": rdpFirewallRule({ port: "3390" }) } })] }).findings;
    expect(f).toMatchObject({ confidence: "low", subCause: "port-changed" });
    expect(f.explanation).toContain("NSG");
  });

  it("gives low when the firewall is off on every profile", () => {
    expect(detect({ registry: [selectCurrent(), port(3390), ...firewallStore({ enabled: 0 })] }).findings[0].confidence).toBe("low");
  });

  it("gives medium when the firewall was not collected", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3390)] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "port-changed" });
    expect(f.explanation).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\SharedAccess"');
  });

  it("gives medium when only some enabled profiles refuse the port", () => {
    const rules = { "RDP-Custom": rdpFirewallRule({ port: "3390", extra: "Profile=Private|" }) };
    const [f] = detect({
      registry: [selectCurrent(), port(3390), ...firewallStore({ rules }), regValue(CONFIG_KEYS.firewallProfile("DomainProfile"), "EnableFirewall", "REG_DWORD", 0)],
    }).findings;
    expect(f.confidence).toBe("medium");
    expect(f.explanation).toContain("Public");
  });

  it("reports an impossible port as invalid", () => {
    expect(detect({ registry: [selectCurrent(), port(0)] }).findings[0]).toMatchObject({ confidence: "high", subCause: "invalid-port" });
  });

  it("is not-checked without PortNumber", () => {
    expect(detect({ registry: [selectCurrent()] }).status).toBe("not-checked");
  });

  it("offline reset checks the port on the disk and points a moved RDP rule back at 3389", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3390), ...firewallStore()] }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!.script;
    expect(offline).toContain('set "PORT=3390"');
    expect(offline).toContain('if not "%V%"=="%PORT%"');
    expect(offline).toContain("LPort=3389|App=%%SystemRoot%%");
  });
});

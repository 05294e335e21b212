import { describe, expect, it } from "vitest";
import { guestFirewallBlocksRdp } from "../../src/scenarios/guestFirewallBlocksRdp.js";
import { UNSAFE_VALUE_MARKER } from "../../src/scenarios/engine.js";
import { parseFirewallRuleText, portsCover, ruleMatchesRdp, type FirewallRule } from "../../src/scenarios/lib/firewall.js";
import { CONFIG_KEYS, KEYS, contextOf, firewallStore, rdpFirewallRule, regKey, regValue, selectCurrent, type CaseEvidence, type Mounts } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => guestFirewallBlocksRdp.detect(contextOf(spec, options));
const port = (n: number) => regValue(KEYS.rdpTcp, "PortNumber", "REG_DWORD", n);
const gpo = (p: "DomainProfile" | "PrivateProfile" | "PublicProfile", name: string, v: number) => regValue(CONFIG_KEYS.firewallGpoProfile(p), name, "REG_DWORD", v);
/** The local store and SOFTWARE\Policies exported whole, so absent settings and policies are really absent. */
const wholeKeys = () => [regKey(CONFIG_KEYS.firewall), regKey("HKLM\\SOFTWARE\\Policies")];

describe("firewall rule strings", () => {
  const rule = (text: string): FirewallRule => ({ id: "x", fromPolicy: false, fields: parseFirewallRuleText(text), stored: {} as FirewallRule["stored"] });

  it("parses pairs, repeated keys and the version token", () => {
    expect(parseFirewallRuleText("v2.33|Action=Allow|Profile=Domain|Profile=Private|LPort=3389|")).toEqual([
      ["version", "v2.33"],
      ["action", "Allow"],
      ["profile", "Domain"],
      ["profile", "Private"],
      ["lport", "3389"],
    ]);
  });

  it("covers numbers, ranges and any port, never keywords", () => {
    expect(portsCover([], 3389)).toBe(true);
    expect(portsCover(["3380-3399"], 3389)).toBe(true);
    expect(portsCover(["3390"], 3389)).toBe(false);
    expect(portsCover(["RPC"], 3389)).toBe(false);
  });

  it("matches inbound TCP for svchost/TermService on the profiles the rule names", () => {
    expect(ruleMatchesRdp(rule(rdpFirewallRule()), 3389, "Public")).toBe(true);
    expect(ruleMatchesRdp(rule(rdpFirewallRule({ extra: "Profile=Domain|" })), 3389, "Public")).toBe(false);
    expect(ruleMatchesRdp(rule("v2.28|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=3389|"), 3389, "Public")).toBe(false);
    expect(ruleMatchesRdp(rule("v2.28|Action=Allow|Active=TRUE|Dir=In|Protocol=6|App=C:\\app\\srv.exe|"), 3389, "Public")).toBe(false);
    expect(ruleMatchesRdp(rule("v2.28|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"), 3389, "Public")).toBe(true);
  });
});

describe("guest-firewall-blocks-rdp", () => {
  it("is healthy with the default rules on, naming what admits RDP per profile", () => {
    const result = detect({ registry: [selectCurrent(), port(3389), ...firewallStore()], keys: wholeKeys() });
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("Domain: an active Allow rule covers the port");
  });

  it("is not-checked, not healthy, when what could still block RDP was not collected", () => {
    const noPolicy = detect({ registry: [selectCurrent(), port(3389), ...firewallStore()], keys: [regKey(CONFIG_KEYS.firewall)] });
    expect(noPolicy.status).toBe("not-checked");
    expect(noPolicy.detail).toContain("Group Policy (it wins over the local settings) was not collected");
    expect(noPolicy.detail).toContain('reg export "HKLM\\BROKENSOFTWARE\\Policies"');
    const noPort = detect({ registry: [selectCurrent(), ...firewallStore()], keys: wholeKeys() });
    expect(noPort.status).toBe("not-checked");
    expect(noPort.detail).toContain("RDP-Tcp\\PortNumber was not collected");
    const offByPolicy = detect({ registry: [selectCurrent(), ...(["DomainProfile", "PrivateProfile", "PublicProfile"] as const).map((p) => gpo(p, "EnableFirewall", 0))], keys: [regKey("HKLM\\SOFTWARE\\Policies")] });
    expect(offByPolicy.status).toBe("healthy");
  });

  it("reports high rdp-rule-disabled when the built-in rule is Active=FALSE on every profile", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3389), ...firewallStore({ rules: { "RemoteDesktop-UserMode-In-TCP": rdpFirewallRule({ active: false }) } })] }).findings;
    expect(f).toMatchObject({ scenario: "guest-firewall-blocks-rdp", confidence: "high", subCause: "rdp-rule-disabled" });
    expect(f.evidence.some((e) => e.kind === "registry" && e.name === "RemoteDesktop-UserMode-In-TCP" && e.note?.includes("disabled"))).toBe(true);
    const offline = f.remediation.find((r) => r.variant === "offline")!.script;
    expect(offline).toContain('set "PORT=3389"');
    expect(offline).toContain('/d "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=%PORT%|App=%%SystemRoot%%\\system32\\svchost.exe|Svc=termservice|');
    expect(offline).not.toMatch(/EnableFirewall \/t REG_DWORD \/d 0/);
  });

  it("reports block-all-inbound (DoNotAllowExceptions) over the rules", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3389), ...firewallStore({ shielded: 1 })] }).findings;
    expect(f).toMatchObject({ confidence: "high", subCause: "block-all-inbound" });
  });

  it("reads the policy first: a GPO blocking all inbound on Public only is medium and names the profile", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3389), ...firewallStore(), gpo("PublicProfile", "DoNotAllowExceptions", 1)] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "block-all-inbound" });
    expect(f.explanation).toContain("Public");
    expect(f.explanation).toContain("Group Policy");
  });

  it("keeps a policy verdict high without Select\\Current", () => {
    const registry = [port(3389), ...firewallStore(), ...(["DomainProfile", "PrivateProfile", "PublicProfile"] as const).map((p) => gpo(p, "DoNotAllowExceptions", 1))];
    expect(detect({ registry }).findings[0].confidence).toBe("high");
  });

  it("reports an active unscoped Block rule, and the online script disables it by name", () => {
    const rules = { "RemoteDesktop-UserMode-In-TCP": rdpFirewallRule(), "{8C1F0E52-1B2A-4C3D-9E4F-5A6B7C8D9E0F}": "v2.28|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=3389|Name=Block RDP|" };
    const [f] = detect({ registry: [selectCurrent(), port(3389), ...firewallStore({ rules })] }).findings;
    expect(f).toMatchObject({ confidence: "high", subCause: "block-rule" });
    const online = f.remediation.find((r) => r.variant === "online")!.script;
    expect(online).toContain("$block = '{8C1F0E52-1B2A-4C3D-9E4F-5A6B7C8D9E0F}'");
  });

  it("ignores a Block rule scoped to some remote addresses", () => {
    const rules = { "RemoteDesktop-UserMode-In-TCP": rdpFirewallRule(), "{1}": "v2.28|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=3389|RA4=203.0.113.9|" };
    expect(detect({ registry: [selectCurrent(), port(3389), ...firewallStore({ rules })], keys: wholeKeys() }).status).toBe("healthy");
  });

  it("drops the local rules where the policy says AllowLocalPolicyMerge = 0", () => {
    const registry = [selectCurrent(), port(3389), ...firewallStore(), ...(["DomainProfile", "PrivateProfile", "PublicProfile"] as const).map((p) => gpo(p, "AllowLocalPolicyMerge", 0))];
    expect(detect({ registry }).findings[0]).toMatchObject({ confidence: "high", subCause: "no-allow-rule" });
  });

  it("admits RDP with the firewall off, or with DefaultInboundAction = 0", () => {
    expect(detect({ registry: [selectCurrent(), port(3389), ...firewallStore({ enabled: 0, rules: {} })], keys: wholeKeys() }).status).toBe("healthy");
    const registry = [
      selectCurrent(),
      port(3389),
      ...firewallStore({ rules: { x: "v2.28|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|" } }),
      ...(["DomainProfile", "StandardProfile", "PublicProfile"] as const).map((p) => regValue(CONFIG_KEYS.firewallProfile(p), "DefaultInboundAction", "REG_DWORD", 0)),
    ];
    expect(detect({ registry, keys: wholeKeys() }).status).toBe("healthy");
  });

  it("leaves a moved port that the rules admit at 3389 to rdp-port-changed", () => {
    const result = detect({ registry: [selectCurrent(), port(3390), ...firewallStore()] });
    expect(result.findings).toEqual([]);
    expect(result.detail).toContain("rdp-port-changed");
  });

  it("still reports a moved port when 3389 is blocked too", () => {
    const [f] = detect({ registry: [selectCurrent(), port(3390), ...firewallStore({ rules: { "RemoteDesktop-UserMode-In-TCP": rdpFirewallRule({ active: false }) } })] }).findings;
    expect(f.subCause).toBe("rdp-rule-disabled");
    expect(f.remediation.find((r) => r.variant === "offline")!.script).toContain('set "PORT=3390"');
  });

  it("is not-checked when the profiles are on but the rules were not collected", () => {
    const registry = [selectCurrent(), port(3389), regValue(CONFIG_KEYS.firewallProfile("PublicProfile"), "EnableFirewall", "REG_DWORD", 1)];
    const result = detect({ registry });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("FirewallRules was not collected");
  });

  it("is not-checked without any firewall evidence", () => {
    expect(detect({ registry: [selectCurrent(), port(3389)] }).status).toBe("not-checked");
  });

  it("names the mounts and control set found in the offline script, and vets rule names", () => {
    const m: Mounts = { systemMount: "RESCUE_SYS", softwareMount: "RESCUE_SOFT", current: 2 };
    const rules = { "RemoteDesktop-UserMode-In-TCP": rdpFirewallRule(), "Block RDP \"now\"": "v2.28|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=3389|" };
    const [f] = detect({ registry: [selectCurrent(m), regValue(KEYS.rdpTcp, "PortNumber", "REG_DWORD", 3389, m), ...firewallStore({ rules, mounts: m })] }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!.script;
    expect(offline).toContain('set "SYS=RESCUE_SYS"');
    expect(offline).toContain('set "CS=ControlSet002"');
    expect(f.remediation.find((r) => r.variant === "online")!.script).toContain(UNSAFE_VALUE_MARKER);
  });
});

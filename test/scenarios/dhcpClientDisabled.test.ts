import { describe, expect, it } from "vitest";
import { dhcpClientDisabled } from "../../src/scenarios/dhcpClientDisabled.js";
import { CONFIG_KEYS, KEYS, contextOf, daysAgo, eventLogStarted, regValue, scmEvent, selectCurrent, type CaseEvidence } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => dhcpClientDisabled.detect(contextOf(spec, options));
const dhcp = (start = 2, objectName = "NT Authority\\LocalService") => [
  regValue(KEYS.service("Dhcp"), "Start", "REG_DWORD", start),
  regValue(KEYS.service("Dhcp"), "ObjectName", "REG_SZ", objectName),
];
const nic = (guid: string, enableDhcp: number) => regValue(CONFIG_KEYS.tcpipInterface(guid), "EnableDHCP", "REG_DWORD", enableDhcp);

describe("dhcp-client-disabled", () => {
  it("reports high when the DHCP Client is disabled and the NIC uses DHCP", () => {
    const [f] = detect({ events: [scmEvent(7000, daysAgo(1), ["DHCP Client", "%%1058"], "Dhcp")], registry: [selectCurrent(), ...dhcp(4), nic("{A}", 1)] }).findings;
    expect(f).toMatchObject({ scenario: "dhcp-client-disabled", confidence: "high", subCause: "disabled" });
    expect(f.explanation).toContain("Run Command needs the network");
    expect(f.remediation.find((r) => r.variant === "online")!.script).toContain("Serial Console PowerShell only");
    expect(f.remediation.find((r) => r.variant === "offline")!.script).toContain('if "%V%"=="4" reg add "%DHCP%" /v Start /t REG_DWORD /d 2 /f');
  });

  it("is high too when the interfaces were not collected (Azure NICs use DHCP)", () => {
    expect(detect({ registry: [selectCurrent(), ...dhcp(4)] }).findings[0].confidence).toBe("high");
  });

  it("gives low when every interface has a static address", () => {
    expect(detect({ registry: [selectCurrent(), ...dhcp(4), nic("{A}", 0)] }).findings[0]).toMatchObject({ confidence: "low", subCause: "disabled-static-address" });
  });

  it("reports the DHCP Client hanging on start (7022, matched by display name) at medium", () => {
    expect(detect({ events: [scmEvent(7022, daysAgo(1), ["DHCP Client"])], registry: [selectCurrent(), ...dhcp()] }).findings[0]).toMatchObject({ confidence: "medium", subCause: "start-failure" });
  });

  it("reports a wrong logon account at medium, high with failures in the window", () => {
    expect(detect({ registry: [selectCurrent(), ...dhcp(2, "LocalSystem")] }).findings[0]).toMatchObject({ confidence: "medium", subCause: "wrong-account" });
    expect(detect({ events: [scmEvent(7000, daysAgo(1), ["DHCP Client", "%%1069"], "Dhcp")], registry: [selectCurrent(), ...dhcp(2, "LocalSystem")] }).findings[0].confidence).toBe("high");
  });

  it("is healthy at the defaults and not-checked without evidence", () => {
    const healthy = detect({ events: [eventLogStarted(daysAgo(3))], registry: [selectCurrent(), ...dhcp(), nic("{A}", 1)] });
    expect(healthy.status).toBe("healthy");
    expect(healthy.detail).toContain("Start = 2 (automatic)");
    expect(detect({}).status).toBe("not-checked");
  });

  it("is not-checked, not healthy, without Services\\Dhcp (a disabled service logs nothing) or without the System log", () => {
    const noKey = detect({ events: [eventLogStarted(daysAgo(3))] });
    expect(noKey.status).toBe("not-checked");
    expect(noKey.detail).toContain("Services\\Dhcp was not collected");
    expect(noKey.detail).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\Dhcp"');
    const noLog = detect({ registry: [selectCurrent(), ...dhcp(), nic("{A}", 1)] });
    expect(noLog.status).toBe("not-checked");
    expect(noLog.detail).toContain("Start = 2 (automatic)");
  });
});

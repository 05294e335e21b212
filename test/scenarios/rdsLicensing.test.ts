import { describe, expect, it } from "vitest";
import { rdsLicensing } from "../../src/scenarios/rdsLicensing.js";
import { CONFIG_KEYS, KEYS, contextOf, daysAgo, eventLogStarted, rcmLicensingEvent, regKey, regValue, selectCurrent, type CaseEvidence } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => rdsLicensing.detect(contextOf(spec, options));
const role = (state: number) => regValue(KEYS.component("RDS-RD-Server"), "InstallState", "REG_DWORD", state);
const mode = (v: number) => regValue(CONFIG_KEYS.licensingCore, "LicensingMode", "REG_DWORD", v);
const servers = (names: string[]) => regValue(CONFIG_KEYS.licenseServers, "SpecifiedLicenseServers", "REG_MULTI_SZ", names);
const tsKey = () => regValue(KEYS.terminalServer, "fDenyTSConnections", "REG_DWORD", 0);
/** Services\TermService exported: an absent SpecifiedLicenseServers then means "no license server". */
const termService = () => regValue(KEYS.service("TermService"), "Start", "REG_DWORD", 3);

describe("rds-licensing", () => {
  it("reports high once RCM says the grace period has ended on an unconfigured session host", () => {
    const [f] = detect({ events: [rcmLicensingEvent(1069, daysAgo(1)), rcmLicensingEvent(1128, daysAgo(1, 1))], registry: [selectCurrent(), role(1), tsKey(), mode(5)] }).findings;
    expect(f).toMatchObject({ scenario: "rds-licensing", confidence: "high", subCause: "grace-period-ended" });
    expect(f.cause).toContain("120-day licensing grace period has ended");
    expect(f.explanation).toContain("the 180 days in Microsoft's Azure article is wrong");
    expect(f.explanation).toContain("mstsc /admin");
  });

  it("gives medium for an unconfigured session host whose grace period may still run", () => {
    const [f] = detect({ registry: [selectCurrent(), role(1), tsKey(), termService(), mode(4)] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "not-configured" });
    expect(f.cause).toContain("no license server");
    expect(f.cause).toContain("when the 120-day licensing grace period ends");
  });

  it("is healthy when mode and server are set, locally or by policy", () => {
    const systemLog = [eventLogStarted(daysAgo(3))];
    const local = detect({ events: systemLog, registry: [selectCurrent(), role(1), tsKey(), mode(4), servers(["lic01.contoso.local"])] });
    expect(local.status).toBe("healthy");
    expect(local.detail).toContain("lic01.contoso.local");
    const policy = [regValue(KEYS.tsPolicy, "LicensingMode", "REG_DWORD", 2), regValue(KEYS.tsPolicy, "LicenseServers", "REG_SZ", "lic01,lic02")];
    expect(detect({ events: systemLog, registry: [selectCurrent(), role(1), tsKey(), mode(5), ...policy] }).status).toBe("healthy");
    // Configured, but without the System log an ended grace period (RCM 1069/1128) cannot be ruled out.
    const noLog = detect({ registry: [selectCurrent(), role(1), tsKey(), mode(4), servers(["lic01.contoso.local"])] });
    expect(noLog.status).toBe("not-checked");
    expect(noLog.detail).toContain("System.evtx");
  });

  it("is healthy without the role: two administrative sessions need no CALs", () => {
    const result = detect({ events: [rcmLicensingEvent(1128, daysAgo(1))], registry: [selectCurrent(), role(0), tsKey()] });
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("two administrative sessions");
  });

  it("gives medium for grace-period events when the role was not collected", () => {
    expect(detect({ events: [rcmLicensingEvent(1128, daysAgo(2))], registry: [selectCurrent(), tsKey()] }).findings[0]).toMatchObject({ confidence: "medium", subCause: "grace-period-ended" });
  });

  it("gives low, without scripts, when a configured server issues no licenses", () => {
    const [f] = detect({ events: [rcmLicensingEvent(1128, daysAgo(2))], registry: [selectCurrent(), role(1), tsKey(), mode(4), servers(["lic01"])] }).findings;
    expect(f).toMatchObject({ confidence: "low", subCause: "license-server-unusable", remediation: [] });
  });

  it("is not-checked when the role is installed but the licensing configuration was not collected", () => {
    expect(detect({ registry: [selectCurrent(), role(1)], keys: [regKey(KEYS.component("RDS-RD-Server"))] }).status).toBe("not-checked");
    // The mode is set; where the license servers live (Services\TermService) was not exported.
    const result = detect({ registry: [selectCurrent(), role(1), tsKey(), mode(4)] });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\TermService"');
  });

  it("offers scripts that wait for the engineer's license server instead of inventing one", () => {
    const [f] = detect({ registry: [selectCurrent(), role(1), tsKey(), mode(5)] }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!.script;
    expect(offline).toContain('set "LICENSE_SERVER="');
    expect(offline).toContain('if "%LICENSE_SERVER%"=="" (echo Fill in LICENSE_SERVER');
    expect(offline).toContain('reg add "%PARAMS%\\LicenseServers" /v SpecifiedLicenseServers /t REG_MULTI_SZ /d "%LICENSE_SERVER%" /f');
    expect(f.remediation.some((r) => r.script.includes("/featurename:Remote-Desktop-Services"))).toBe(true);
  });
});

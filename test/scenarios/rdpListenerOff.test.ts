import { describe, expect, it } from "vitest";
import { rdpListenerOff } from "../../src/scenarios/rdpListenerOff.js";
import { CONFIG_KEYS, KEYS, contextOf, regKey, regValue, selectCurrent, type CaseEvidence, type Mounts } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => rdpListenerOff.detect(contextOf(spec, options));
const dword = (key: string, name: string, v: number, m?: Mounts) => regValue(key, name, "REG_DWORD", v, m);
/** A healthy Terminal Server export (the key, RDP-Tcp and Console listeners), with `changes` replacing values by name. */
const healthy = (m?: Mounts, changes: Record<string, number> = {}) =>
  [
    [KEYS.terminalServer, "fDenyTSConnections", 0],
    [KEYS.terminalServer, "TSUserEnabled", 0],
    [KEYS.rdpTcp, "fEnableWinStation", 1],
    [KEYS.rdpTcp, "PortNumber", 3389],
    [`${CONFIG_KEYS.winStations}\\Console`, "fEnableWinStation", 1],
  ].map(([key, name, v]) => dword(key as string, name as string, (key === KEYS.rdpTcp || key === KEYS.terminalServer) && (name as string) in changes ? changes[name as string] : (v as number), m));

describe("rdp-listener-off", () => {
  it("reports high listener-disabled for fEnableWinStation = 0", () => {
    const [f] = detect({ registry: [selectCurrent(), ...healthy(undefined, { fEnableWinStation: 0 })] }).findings;
    expect(f).toMatchObject({ scenario: "rdp-listener-off", confidence: "high", subCause: "listener-disabled" });
    expect(f.evidence[0]).toMatchObject({ kind: "registry", name: "fEnableWinStation", value: "0 (0x0)" });
  });

  it("counts any non-zero TSServerDrainMode as drain mode", () => {
    for (const v of [1, 2]) {
      const [f] = detect({ registry: [selectCurrent(), ...healthy(), dword(KEYS.terminalServer, "TSServerDrainMode", v)] }).findings;
      expect(f).toMatchObject({ confidence: "high", subCause: "drain-mode" });
      expect(f.explanation).toContain("farm");
    }
  });

  it("names every switch that is off, the first in order deciding the sub-cause", () => {
    const [f] = detect({
      registry: [selectCurrent(), ...healthy(undefined, { TSUserEnabled: 1 }), dword(KEYS.rdpTcp, "fLogonDisabled", 1), dword(KEYS.terminalServer, "TSEnabled", 0)],
    }).findings;
    expect(f.subCause).toBe("terminal-server-disabled");
    expect(f.cause).toContain("fLogonDisabled = 1");
    expect(f.cause).toContain("TSUserEnabled = 1");
    expect(f.cause).toContain("TSEnabled = 0");
  });

  it("reports Winlogon\\WinStationsDisabled = 1 (REG_SZ) at medium: single-source meaning", () => {
    const [f] = detect({ registry: [selectCurrent(), ...healthy(), regValue(CONFIG_KEYS.winlogon, "WinStationsDisabled", "REG_SZ", "1")] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "winstations-disabled" });
  });

  it("reports a WinStations export without RDP-Tcp as a damaged installation, with no script", () => {
    const [f] = detect({
      registry: [selectCurrent(), dword(KEYS.terminalServer, "fDenyTSConnections", 0), dword(`${CONFIG_KEYS.winStations}\\Console`, "fEnableWinStation", 1)],
      keys: [regKey(CONFIG_KEYS.winStations)],
    }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "listener-missing", remediation: [] });
    expect(f.explanation).toContain("healthy VM");
  });

  it("caps at medium without Select\\Current", () => {
    expect(detect({ registry: [...healthy(undefined, { fEnableWinStation: 0 })] }).findings[0].confidence).toBe("medium");
  });

  it("is healthy on Windows' defaults, naming the values read", () => {
    const result = detect({ registry: [selectCurrent(), ...healthy()], keys: [regKey(CONFIG_KEYS.winlogon)] });
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("RDP-Tcp\\fEnableWinStation = 1");
  });

  it("is not-checked, not healthy, when only RDP-Tcp or no Winlogon was collected", () => {
    const rdpTcpOnly = detect({ registry: [selectCurrent(), dword(KEYS.rdpTcp, "fEnableWinStation", 1)], keys: [regKey(CONFIG_KEYS.winlogon)] });
    expect(rdpTcpOnly.status).toBe("not-checked");
    expect(rdpTcpOnly.detail).toContain("The switches read are on: RDP-Tcp\\fEnableWinStation = 1");
    expect(rdpTcpOnly.detail).toContain("Control\\Terminal Server was not collected whole");
    const noWinlogon = detect({ registry: [selectCurrent(), ...healthy()] });
    expect(noWinlogon.status).toBe("not-checked");
    expect(noWinlogon.detail).toContain('reg export "HKLM\\BROKENSOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"');
  });

  it("is not-checked without any Terminal Server evidence", () => {
    const result = detect({});
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("Terminal Server");
  });

  it("offline script: the mounts and control set found, each switch read from the disk before it changes", () => {
    const m: Mounts = { systemMount: "OFFLINE_SYS", softwareMount: "OFFLINE_SOFT", current: 3 };
    const [f] = detect({ registry: [selectCurrent(m), ...healthy(m), dword(KEYS.terminalServer, "TSServerDrainMode", 1, m)] }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!.script;
    expect(offline).toContain('set "SYS=OFFLINE_SYS"');
    expect(offline).toContain('set "CS=ControlSet003"');
    expect(offline).toContain('if defined V if not "%V%"=="0" reg add "%TS%" /v TSServerDrainMode /t REG_DWORD /d 0 /f');
    expect(offline).toContain('if "%V%"=="0" reg add "%RDPTCP%" /v fEnableWinStation /t REG_DWORD /d 1 /f');
  });
});

import { describe, expect, it } from "vitest";
import { termServiceNotRunning } from "../../src/scenarios/termserviceNotRunning.js";
import { KEYS, contextOf, daysAgo, eventLogStarted, regValue, scmEvent, selectCurrent, type CaseEvidence } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => termServiceNotRunning.detect(contextOf(spec, options));
const ts = (start = 3, objectName = "NT Authority\\NetworkService") => [
  regValue(KEYS.service("TermService"), "Start", "REG_DWORD", start),
  regValue(KEYS.service("TermService"), "ObjectName", "REG_SZ", objectName),
  regValue(KEYS.service("TermService"), "Type", "REG_DWORD", 0x20),
];
/** SessionEnv and UmRdpService exported at Windows' default (healthy needs all three service keys). */
const siblings = () => ["SessionEnv", "UmRdpService"].map((s) => regValue(KEYS.service(s), "Start", "REG_DWORD", 3));
/** A System log with nothing about TermService in it. */
const quietLog = () => [eventLogStarted(daysAgo(3))];
const failed = (time: string, error = "%%1058", key: string | null = "TermService", name = "Remote Desktop Services") => scmEvent(7000, time, [name, error], key);
const crashed = (time: string) => scmEvent(7031, time, ["Remote Desktop Services", "1", "60000", "1", "Restart the service"], "TermService");

describe("termservice-not-running", () => {
  it("reports high when TermService is disabled, with SCM 7000 (%%1058) as corroboration", () => {
    const [f] = detect({ events: [failed(daysAgo(1)), failed(daysAgo(1, 20))], registry: [selectCurrent(), ...ts(4)] }).findings;
    expect(f).toMatchObject({ scenario: "termservice-not-running", confidence: "high", subCause: "disabled" });
    expect(f.evidence.some((e) => e.kind === "event" && e.note === "7000: failed to start (1058, the service is disabled)")).toBe(true);
    expect(f.remediation.map((r) => r.variant)).toEqual(["offline", "online"]);
  });

  it("is high for the wrong account when SCM confirms failures in the window, medium without them", () => {
    const wrong = ts(3, ".\\rdpsvc");
    expect(detect({ events: [failed(daysAgo(2), "%%1069")], registry: [selectCurrent(), ...wrong] }).findings[0]).toMatchObject({ confidence: "high", subCause: "wrong-account" });
    expect(detect({ registry: [selectCurrent(), ...wrong] }).findings[0]).toMatchObject({ confidence: "medium", subCause: "wrong-account" });
  });

  it("accepts the spellings SCM uses for NETWORK SERVICE", () => {
    expect(detect({ events: quietLog(), registry: [selectCurrent(), ...ts(3, "NT AUTHORITY\\NETWORK SERVICE"), ...siblings()] }).status).toBe("healthy");
  });

  it("gives medium for start failures with a default configuration, and offers the isolation script only", () => {
    const [f] = detect({ events: [failed(daysAgo(1), "%%2147942414")], registry: [selectCurrent(), ...ts()] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "start-failure" });
    expect(f.cause).toContain("%%2147942414");
    expect(f.remediation).toHaveLength(1);
    expect(f.remediation[0].script).toContain("sc.exe config TermService type= own");
  });

  it("tells repeated crashes (medium) from a single one (low)", () => {
    expect(detect({ events: [crashed(daysAgo(1)), crashed(daysAgo(2))], registry: [selectCurrent(), ...ts()] }).findings[0]).toMatchObject({ confidence: "medium", subCause: "crashing" });
    expect(detect({ events: [crashed(daysAgo(1))], registry: [selectCurrent(), ...ts()] }).findings[0]).toMatchObject({ confidence: "low", subCause: "crashing" });
  });

  it("matches on the key name in Binary, and on localized display names only without one", () => {
    // Another service's event that happens to carry the display name is not TermService's.
    expect(detect({ events: [failed(daysAgo(1), "%%1058", "CldFlt")], registry: [selectCurrent(), ...ts(), ...siblings()] }).status).toBe("healthy");
    const [f] = detect({ events: [failed(daysAgo(1), "%%1058", null, "リモート デスクトップ サービス")], registry: [selectCurrent(), ...ts()] }).findings;
    expect(f.subCause).toBe("start-failure");
  });

  it("reports SessionEnv or UmRdpService disabled at medium", () => {
    const [f] = detect({ registry: [selectCurrent(), ...ts(), regValue(KEYS.service("UmRdpService"), "Start", "REG_DWORD", 4)] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "dependent-service-disabled" });
    expect(f.cause).toContain("UmRdpService");
  });

  it("gives low for failures only outside the window", () => {
    expect(detect({ events: [failed(daysAgo(45))], registry: [selectCurrent(), ...ts()] }).findings[0].confidence).toBe("low");
  });

  it("quotes the last start-type change (7040)", () => {
    const [f] = detect({
      events: [scmEvent(7040, daysAgo(3), ["Remote Desktop Services", "demand start", "disabled", "TermService"]), failed(daysAgo(1))],
      registry: [selectCurrent(), ...ts(4)],
    }).findings;
    expect(f.explanation).toContain("SCM 7040 recorded a start-type change");
    expect(f.evidence.some((e) => e.kind === "event" && e.eventId === 7040)).toBe(true);
  });

  it("is healthy at Windows' defaults and not-checked without registry or System log", () => {
    const healthy = detect({ events: [scmEvent(7036, daysAgo(1), ["Remote Desktop Services", "running"])], registry: [selectCurrent(), ...ts(), ...siblings()] });
    expect(healthy.status).toBe("healthy");
    expect(healthy.detail).toContain("Start = 3 (manual)");
    expect(detect({}).status).toBe("not-checked");
  });

  it("is not-checked, not healthy, when the service keys or the System log are missing", () => {
    // What the audit found: "Services\TermService was not collected" reported as healthy.
    const noKeys = detect({ events: quietLog() });
    expect(noKeys.status).toBe("not-checked");
    expect(noKeys.detail).toContain("Services\\TermService, Services\\SessionEnv, Services\\UmRdpService were not collected");
    expect(noKeys.detail).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\TermService"');
    const noLog = detect({ registry: [selectCurrent(), ...ts(), ...siblings()] });
    expect(noLog.status).toBe("not-checked");
    expect(noLog.detail).toContain("start failures and crashes cannot be ruled out");
    expect(noLog.detail).toContain('"System.evtx"');
  });

  it("offline script writes Select\\Current's control set and fixes only what differs from the default", () => {
    const [f] = detect({ registry: [selectCurrent({ systemMount: "SYS2", softwareMount: "SOFT2", current: 2 }), ...ts(4)] }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!.script;
    expect(offline).toContain('set "SYS=SYS2"');
    expect(offline).toContain('set "CS=ControlSet002"');
    expect(offline).toContain('if "%V%"=="4" reg add "%SVC%\\TermService" /v Start /t REG_DWORD /d 3 /f');
  });

  it("speaks Japanese", () => {
    const [f] = detect({ registry: [selectCurrent(), ...ts(4)] }, { lang: "ja" }).findings;
    expect(f.title).toBe("Remote Desktop Services (TermService) が無効になっています");
  });
});

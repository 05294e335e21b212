import { describe, expect, it } from "vitest";
import { brokerHostnameChanged } from "../../src/scenarios/brokerHostnameChanged.js";
import {
  KEYS,
  contextOf,
  daysAgo,
  eventLogStarted,
  regKey,
  regValue,
  sessionBroker2056,
  sessionBrokerClient1296,
  type CaseEvidence,
} from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => brokerHostnameChanged.detect(contextOf(spec, options));

const OLD = "RDCB01.contoso.local";
const NEW = "RDCB-NEW.contoso.local";

/** The RD Connection Broker role as a services export shows it. */
const brokerRole = () => [
  regValue(KEYS.service("Tssdis"), "Start", "REG_DWORD", 2),
  regValue(KEYS.service("Tssdis"), "ObjectName", "REG_SZ", "NT AUTHORITY\\NetworkService"),
  regValue(KEYS.component("RDS-Connection-Broker"), "InstallState", "REG_DWORD", 1),
];
const otherServices = () => [regValue(KEYS.service("TermService"), "Start", "REG_DWORD", 3)];
/** System records under the old name, then under the new one after the rename and reboot. */
const renamedInLogs = () => [eventLogStarted(daysAgo(20), OLD), eventLogStarted(daysAgo(10), OLD), eventLogStarted(daysAgo(5), NEW), eventLogStarted(daysAgo(2), NEW)];

describe("broker-hostname-changed", () => {
  it("reports high when the broker role is installed, the logs show a rename, and 2056/1296 follow it", () => {
    const result = detect({
      events: [...renamedInLogs(), sessionBroker2056(daysAgo(4), NEW), sessionBrokerClient1296(daysAgo(4, 1), NEW)],
      registry: brokerRole(),
    });
    const [f] = result.findings;
    expect(f).toMatchObject({ scenario: "broker-hostname-changed", confidence: "high", subCause: "renamed" });
    expect(f.cause).toContain(OLD);
    expect(f.cause).toContain(NEW);
    expect(f.evidence[0]).toMatchObject({ kind: "observation", text: expect.stringContaining(`${OLD} (`) });
    expect(f.evidence.some((e) => e.kind === "event" && e.note?.includes("message text present"))).toBe(true);
  });

  it("offers online remediation only, with no offline fix", () => {
    const [f] = detect({ events: [...renamedInLogs(), sessionBroker2056(daysAgo(4), NEW)], registry: brokerRole() }).findings;
    expect(f.remediation.map((r) => `${r.variant}/${r.shell}`)).toEqual(["online/powershell", "online/powershell"]);
    const rebuild = f.remediation[1].script;
    expect(rebuild).toContain("$Step = 'check'");
    expect(rebuild).toContain("UpdateServices-WidDB");
    expect(rebuild).toContain("'RDCB01.contoso.local'");
    expect(rebuild).not.toMatch(/Read-Host|pause/i);
  });

  it("treats a suffix-only change (a domain join) as no rename", () => {
    const [f] = detect({
      events: [eventLogStarted(daysAgo(20), "RDCB01"), eventLogStarted(daysAgo(5), OLD), sessionBroker2056(daysAgo(3), OLD)],
      registry: brokerRole(),
    }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "database-or-rpc-failure" });
  });

  it("gives medium for 2056/1296 without rename evidence", () => {
    const [f] = detect({ events: [eventLogStarted(daysAgo(9), OLD), sessionBrokerClient1296(daysAgo(1), OLD)] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "database-or-rpc-failure" });
    expect(f.remediation).toHaveLength(1);
  });

  it("sees a rename in the registry: NV Hostname differs from Hostname", () => {
    const [f] = detect({
      events: [eventLogStarted(daysAgo(3), OLD), sessionBroker2056(daysAgo(1), OLD)],
      registry: [
        ...brokerRole(),
        regValue(KEYS.computerName, "ComputerName", "REG_SZ", "RDCB-NEW"),
        regValue(KEYS.tcpip, "Hostname", "REG_SZ", "RDCB01"),
        regValue(KEYS.tcpip, "NV Hostname", "REG_SZ", "RDCB-NEW"),
      ],
    }).findings;
    expect(f).toMatchObject({ confidence: "high", subCause: "renamed" });
    expect(f.evidence.some((e) => e.kind === "registry" && e.name === "NV Hostname")).toBe(true);
  });

  it("matches a 15-character NetBIOS name to the longer DNS host name it was cut from", () => {
    const result = detect({
      events: [eventLogStarted(daysAgo(3), "rdcb-production-01.contoso.local"), sessionBroker2056(daysAgo(1), "rdcb-production-01.contoso.local")],
      registry: [...brokerRole(), regValue(KEYS.computerName, "ComputerName", "REG_SZ", "RDCB-PRODUCTION")],
    });
    expect(result.findings[0].subCause).toBe("database-or-rpc-failure");
  });

  it("does not take interleaved names (forwarded events) for a rename", () => {
    const result = detect({
      events: [eventLogStarted(daysAgo(9), OLD), eventLogStarted(daysAgo(8), "WEB01"), eventLogStarted(daysAgo(7), OLD), eventLogStarted(daysAgo(6), "WEB01")],
      registry: [...brokerRole()],
    });
    expect(result.findings).toEqual([]);
  });

  it("gives medium for a renamed broker whose SessionBroker logs were not collected", () => {
    const [f] = detect({ events: renamedInLogs(), registry: brokerRole() }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "renamed" });
  });

  it("gives low when 2056/1296 are only outside the window", () => {
    const [f] = detect({ events: [eventLogStarted(daysAgo(90), OLD), sessionBroker2056(daysAgo(60), OLD)] }).findings;
    expect(f.confidence).toBe("low");
  });

  it("notes a rename without the broker role, but reports nothing", () => {
    const result = detect({ events: renamedInLogs(), registry: otherServices(), keys: [regKey(KEYS.services)] });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("role is not installed");
    expect(result.detail).toContain(`renamed from ${OLD} to ${NEW}`);
    expect(result.detail).toContain("certificate");
  });

  it("is not-checked, not healthy, when neither the role nor the broker's logs were collected", () => {
    // A dump of one service says nothing of Tssdis; the System log has no 2056/1296 to look for.
    const result = detect({ events: renamedInLogs(), registry: otherServices() });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("Neither the RD Connection Broker role");
    expect(result.detail).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\Tssdis"');
    const roleOnly = detect({ registry: brokerRole() });
    expect(roleOnly.status).toBe("not-checked");
    expect(roleOnly.detail).toContain("its SessionBroker logs were not collected");
  });

  it("is not-checked, with the collect commands, when there is no evidence at all", () => {
    const result = detect({}, { asOf: null });
    expect(result.status).toBe("not-checked");
    // %4 doubled: the script is run as a .cmd file, where %4 would be its 4th argument.
    expect(result.detail).toContain('"Microsoft-Windows-TerminalServices-SessionBroker%%4Operational.evtx"');
  });

  it("speaks Japanese when asked", () => {
    const [f] = detect({ events: [...renamedInLogs(), sessionBroker2056(daysAgo(4), NEW)], registry: brokerRole() }, { lang: "ja" }).findings;
    expect(f.title).toBe("RD 接続ブローカーのコンピューター名が変更されています");
    expect(f.explanation).toMatch(/オンラインでのみ/);
  });
});

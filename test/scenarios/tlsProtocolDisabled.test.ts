import { describe, expect, it } from "vitest";
import { tlsProtocolDisabled } from "../../src/scenarios/tlsProtocolDisabled.js";
import {
  KEYS,
  contextOf,
  currentBuild,
  daysAgo,
  regKey,
  regValue,
  schannel36871,
  selectCurrent,
  tlsProtocol,
  type CaseEvidence,
  type Mounts,
} from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => tlsProtocolDisabled.detect(contextOf(spec, options));

/** A .reg export of SCHANNEL as Azure images have it: the key and SSL 2.0\Client, nothing for TLS. */
const schannelKey = (m?: Mounts) => [regKey(KEYS.schannel, m), regKey(`${KEYS.schannel}\\Protocols\\SSL 2.0\\Client`, m)];
/** A hardening baseline that switched TLS 1.0 and 1.1 off on both sides. */
const legacyOff = (m?: Mounts) => [
  ...tlsProtocol("TLS 1.0", "Server", 0, 1, m),
  ...tlsProtocol("TLS 1.1", "Server", 0, 1, m),
  ...tlsProtocol("TLS 1.0", "Client", 0, 1, m),
  ...tlsProtocol("TLS 1.1", "Client", 0, 1, m),
];

describe("tls-protocol-disabled: the server set E", () => {
  it("reports high when no TLS version is left for the server role, even without events", () => {
    const result = detect({
      registry: [currentBuild(17763), ...legacyOff(), ...tlsProtocol("TLS 1.2", "Server", 0, 1)],
      keys: schannelKey(),
    });
    const [f] = result.findings;
    expect(f).toMatchObject({ scenario: "tls-protocol-disabled", confidence: "high", subCause: "no-server-protocol" });
    expect(f.evidence[0]).toMatchObject({ kind: "observation", text: expect.stringContaining("TLS 1.2: disabled") });
  });

  it("reports high when only TLS 1.0/1.1 remain and server-side 36871 repeat in the window", () => {
    const [f] = detect({
      events: [schannel36871("server", daysAgo(1)), schannel36871("server", daysAgo(1, 3))],
      registry: [currentBuild(17763), ...tlsProtocol("TLS 1.2", "Server", 0, 1)],
      keys: schannelKey(),
    }).findings;
    expect(f.confidence).toBe("high");
    expect(f.subCause).toBe("legacy-only");
    expect(f.cause).toContain("TLS 1.0, TLS 1.1");
  });

  it("reads absent values as the OS default of CurrentBuild: Server 2008 R2 has only TLS 1.0", () => {
    const [f] = detect({
      events: [schannel36871("server", daysAgo(1)), schannel36871("server", daysAgo(2))],
      registry: [currentBuild(7601)],
      keys: schannelKey(),
    }).findings;
    expect(f.subCause).toBe("legacy-only");
    expect(f.evidence[0]).toMatchObject({ kind: "observation", text: expect.stringContaining("TLS 1.2: disabled (OS default)") });
  });

  it("gives medium when TLS 1.2 is off and only TLS 1.3 remains for modern clients (Server 2022)", () => {
    const [f] = detect({ registry: [currentBuild(20348), ...legacyOff(), ...tlsProtocol("TLS 1.2", "Server", 0, 1)], keys: schannelKey() }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "tls13-only" });
  });

  it("caps at medium when CurrentBuild is unknown and the verdict rests on OS defaults", () => {
    const [f] = detect({
      events: [schannel36871("server", daysAgo(1)), schannel36871("server", daysAgo(2))],
      registry: [...tlsProtocol("TLS 1.2", "Server", 0, 1)],
      keys: schannelKey(),
    }).findings;
    expect(f.confidence).toBe("medium");
    expect(f.explanation).toContain("CurrentBuild is not in the evidence");
  });

  it("lowers to low when RDP does not use TLS at all (SecurityLayer=0, UserAuthentication=0)", () => {
    const [f] = detect({
      registry: [
        currentBuild(17763),
        ...legacyOff(),
        ...tlsProtocol("TLS 1.2", "Server", 0, 1),
        regValue(KEYS.rdpTcp, "SecurityLayer", "REG_DWORD", 0),
        regValue(KEYS.rdpTcp, "UserAuthentication", "REG_DWORD", 0),
      ],
      keys: schannelKey(),
    }).findings;
    expect(f.confidence).toBe("low");
  });

  it("reads the policy before RDP-Tcp for SecurityLayer", () => {
    const [f] = detect({
      registry: [
        currentBuild(17763),
        ...legacyOff(),
        ...tlsProtocol("TLS 1.2", "Server", 0, 1),
        regValue(KEYS.rdpTcp, "SecurityLayer", "REG_DWORD", 0),
        regValue(KEYS.rdpTcp, "UserAuthentication", "REG_DWORD", 0),
        regValue(KEYS.tsPolicy, "SecurityLayer", "REG_DWORD", 2),
      ],
      keys: schannelKey(),
    }).findings;
    expect(f.confidence).toBe("high");
  });
});

describe("tls-protocol-disabled: client side is never this scenario", () => {
  it("stays quiet on client-side 36871 alone, and says it is noise", () => {
    const result = detect({
      events: [schannel36871("client", daysAgo(1)), schannel36871("client", daysAgo(1, 1)), schannel36871("client", daysAgo(2))],
      registry: [currentBuild(17763), ...legacyOff()],
      keys: schannelKey(),
    });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("3 client-side Schannel 36871 (Type=client)");
    expect(result.detail).toContain("TLS 1.2");
  });

  it("never flags disabled Client subkeys", () => {
    const result = detect({ registry: [currentBuild(17763), ...tlsProtocol("TLS 1.2", "Client", 0, 1), ...legacyOff()], keys: schannelKey() });
    expect(result.findings).toEqual([]);
  });
});

describe("tls-protocol-disabled: weaker evidence", () => {
  it("gives medium for repeated server-side 36871 when SCHANNEL was not collected, and asks for it", () => {
    const [f] = detect({ events: [schannel36871("server", daysAgo(1)), schannel36871("server", daysAgo(3))] }).findings;
    expect(f.confidence).toBe("medium");
    expect(f.explanation).toContain('reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\SecurityProviders\\SCHANNEL"');
  });

  it("gives low for server-side 36871 only outside the window", () => {
    const [f] = detect({ events: [schannel36871("server", daysAgo(50)), schannel36871("server", daysAgo(49))] }).findings;
    expect(f.confidence).toBe("low");
  });

  it("reports repeated server-side 36871 with TLS 1.2 enabled as low, pointing away from the protocol versions", () => {
    const [f] = detect({
      events: [schannel36871("server", daysAgo(1)), schannel36871("server", daysAgo(2))],
      registry: [currentBuild(17763), ...tlsProtocol("TLS 1.2", "Server", 1, 0)],
      keys: schannelKey(),
    }).findings;
    expect(f).toMatchObject({ confidence: "low", subCause: "server-credential-errors" });
    expect(f.remediation).toEqual([]);
  });

  it("is not-checked, not healthy, on a quiet System log alone, or without CurrentBuild for an absent TLS 1.2 value", () => {
    const logOnly = detect({ events: [schannel36871("client", daysAgo(1))] });
    expect(logOnly.status).toBe("not-checked");
    expect(logOnly.detail).toContain("The SCHANNEL key (Protocols\\TLS 1.2\\Server) was not collected");
    const noBuild = detect({ registry: [...legacyOff()], keys: schannelKey() });
    expect(noBuild.status).toBe("not-checked");
    expect(noBuild.detail).toContain("CurrentBuild was not collected");
    expect(detect({ registry: [...tlsProtocol("TLS 1.2", "Server", 1, 0)], keys: schannelKey() }).status).toBe("healthy");
  });

  it("is not-checked, with the collect commands, when neither SCHANNEL nor the System log was collected", () => {
    const result = detect({}, { asOf: null });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("SCHANNEL");
    expect(result.detail).toContain("System.evtx");
  });
});

describe("tls-protocol-disabled: remediation", () => {
  const mounts: Mounts = { systemMount: "RESCUE_SYS", softwareMount: "RESCUE_SOFT", current: 3 };
  const [f] = detect({
    registry: [selectCurrent(mounts), currentBuild(17763, mounts), ...legacyOff(mounts), ...tlsProtocol("TLS 1.2", "Server", 0, 1, mounts)],
    keys: schannelKey(mounts),
  }).findings;
  const offline = f.remediation.find((r) => r.variant === "offline")!;
  const online = f.remediation.find((r) => r.variant === "online")!;

  it("writes TLS 1.2\\Server in the control set and hive mount found in the evidence", () => {
    expect(offline.script).toContain('set "CS=ControlSet003"');
    expect(offline.script).toContain('set "SYS=RESCUE_SYS"');
    expect(offline.script).toContain('set "K=HKLM\\%SYS%\\%CS%\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server"');
    expect(offline.script).toContain('reg add "%K%" /v Enabled /t REG_DWORD /d 1 /f');
    expect(offline.script).toContain('reg add "%K%" /v DisabledByDefault /t REG_DWORD /d 0 /f');
    expect(offline.script.trimEnd().split("\n").slice(-2)[0]).toBe('reg unload "HKLM\\%SYS%"');
  });

  it("never re-enables TLS 1.0/1.1 and never touches the Client subkeys", () => {
    for (const r of [offline, online]) {
      expect(r.script).not.toMatch(/TLS 1\.[01]\\/);
      expect(r.script).not.toMatch(/\\Client/);
    }
  });

  it("says so when the control set had to be assumed, since the script will check it on the disk", () => {
    const [g] = detect({ registry: [currentBuild(17763), ...legacyOff(), ...tlsProtocol("TLS 1.2", "Server", 0, 1)], keys: schannelKey() }).findings;
    expect(g.explanation).toContain("assumes ControlSet001");
    expect(g.remediation[0].script).toContain('set "CS=ControlSet001"');
    expect(f.explanation).not.toContain("assumes");
  });

  it("online: CurrentControlSet, then a TermService restart", () => {
    expect(online.script).toContain("HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server");
    expect(online.script).toContain("Restart-Service -Name TermService -Force");
  });
});

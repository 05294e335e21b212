import { describe, expect, it } from "vitest";
import { rdpCertThumbprintMismatch } from "../../src/scenarios/rdpCertThumbprintMismatch.js";
import { normalizeThumbprint } from "../../src/scenarios/lib/certificateStore.js";
import { UNSAFE_VALUE_MARKER } from "../../src/scenarios/engine.js";
import {
  KEYS,
  RDP_CERT_THUMBPRINT,
  certificateBlob,
  contextOf,
  daysAgo,
  eventLogStarted,
  rcmEvent,
  regValue,
  remoteDesktopCertificate,
  selectCurrent,
  type CaseEvidence,
  type Mounts,
} from "./fixtures.js";

const PINNED = "0563B8630D62D75ABBC8AB1E4BDFB5A899B24D43";
const mounts: Mounts = { systemMount: "RESCUE_SYS", softwareMount: "RESCUE_SOFT", current: 2 };

const pin = (thumb: string, m?: Mounts) => regValue(KEYS.rdpTcp, "SSLCertificateSHA1Hash", "REG_BINARY", thumb, m);
const rdpTcpBasics = (m?: Mounts) => [regValue(KEYS.rdpTcp, "PortNumber", "REG_DWORD", 3389, m), regValue(KEYS.rdpTcp, "SecurityLayer", "REG_DWORD", 2, m)];
const myCertificate = (thumb: string, m?: Mounts) =>
  regValue(KEYS.myCertificate(thumb), "Blob", "REG_BINARY", certificateBlob("le-rdp-2024", "Microsoft Software Key Storage Provider"), m);
/** A collected SystemCertificates export with one unrelated MY certificate and the self-signed RDP certificate. */
const stores = (m?: Mounts) => [myCertificate("A1".repeat(20), m), remoteDesktopCertificate(RDP_CERT_THUMBPRINT, m)];

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => rdpCertThumbprintMismatch.detect(contextOf(spec, options));

describe("rdp-cert-thumbprint-mismatch", () => {
  it("is healthy when nothing is pinned: the self-signed certificate is in use", () => {
    const result = detect({ registry: [...rdpTcpBasics(), ...stores()] });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("not set");
  });

  it("reports pinned-certificate-missing at medium when 1051/1059 in the window confirm a pin that MY lacks", () => {
    const result = detect({
      events: [rcmEvent(1051, daysAgo(2)), rcmEvent(1059, daysAgo(2, 1))],
      registry: [selectCurrent(mounts), ...rdpTcpBasics(mounts), pin(PINNED, mounts), ...stores(mounts)],
    });
    const [f] = result.findings;
    expect(f).toMatchObject({ scenario: "rdp-cert-thumbprint-mismatch", confidence: "medium", subCause: "pinned-certificate-missing" });
    expect(f.cause).toContain(PINNED);
    expect(f.evidence[0]).toMatchObject({ kind: "registry", name: "SSLCertificateSHA1Hash", value: PINNED });
  });

  it("fills the offline script with the thumbprint, the control set and the mount names found in the evidence", () => {
    const [f] = detect({
      events: [rcmEvent(1051, daysAgo(2))],
      registry: [selectCurrent(mounts), ...rdpTcpBasics(mounts), pin(PINNED, mounts), ...stores(mounts)],
    }).findings;
    const offline = f.remediation.find((r) => r.variant === "offline")!;
    expect(offline.shell).toBe("cmd");
    expect(offline.script).toContain('set "CS=ControlSet002"');
    expect(offline.script).toContain('set "SYS=RESCUE_SYS"');
    expect(offline.script).toContain('set "SOFT=RESCUE_SOFT"');
    expect(offline.script).toContain(`set "THUMB=${PINNED}"`);
    expect(offline.script).toContain('reg delete "%RDPTCP%" /v SSLCertificateSHA1Hash /f');
    // It checks MY on the disk before deleting anything.
    expect(offline.script.indexOf("MY\\Certificates")).toBeLessThan(offline.script.indexOf("reg delete"));
    const online = f.remediation.find((r) => r.variant === "online")!;
    expect(online.script).toContain("CurrentControlSet");
    expect(online.script).not.toContain("RESCUE_SYS");
  });

  it("gives low when the pin is missing but no event in the window shows it", () => {
    const [f] = detect({ events: [rcmEvent(1051, daysAgo(60))], registry: [pin(PINNED), ...stores()] }).findings;
    expect(f.confidence).toBe("low");
    expect(f.subCause).toBe("pinned-certificate-missing");
  });

  it("is healthy when the pinned certificate is in MY, or is the Remote Desktop store's own", () => {
    const systemLog = [eventLogStarted(daysAgo(3))];
    expect(detect({ events: systemLog, registry: [pin(PINNED), myCertificate(PINNED), ...stores()] }).status).toBe("healthy");
    expect(detect({ events: systemLog, registry: [pin(RDP_CERT_THUMBPRINT), ...stores()] }).status).toBe("healthy");
  });

  it("is not-checked, not healthy, when the System log that would show RCM 1055 was not collected", () => {
    const result = detect({ registry: [pin(PINNED), myCertificate(PINNED), ...stores()] });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("unreadable private key (RCM 1055) cannot be ruled out");
    expect(result.detail).toContain('robocopy "%D%:\\Windows\\System32\\winevt\\Logs" "%OUT%\\logs" "System.evtx"');
  });

  it("reports pinned-key-inaccessible when 1055 says the key of a present certificate cannot be read", () => {
    const [f] = detect({ events: [rcmEvent(1055, daysAgo(1), PINNED)], registry: [pin(PINNED), myCertificate(PINNED)] }).findings;
    expect(f).toMatchObject({ confidence: "medium", subCause: "pinned-key-inaccessible" });
    expect(f.remediation).toHaveLength(1);
    expect(f.remediation[0]).toMatchObject({ variant: "online", shell: "powershell" });
    expect(f.remediation[0].script).toContain(`$thumb = '${PINNED}'`);
    expect(f.remediation[0].script).toContain("'*S-1-5-20:(R)'");
  });

  it("reports a pin that is not a thumbprint at all, even without the certificate stores", () => {
    const [f] = detect({ registry: [pin("4249")] }).findings;
    expect(f.subCause).toBe("pinned-certificate-missing");
    expect(f.cause).toContain("40-digit");
  });

  it("is not-checked, with the collect command, when the pin is set but the certificate stores were not collected", () => {
    const result = detect({ registry: [pin(PINNED)] });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain('reg export "HKLM\\BROKENSOFTWARE\\Microsoft\\SystemCertificates"');
  });

  it("is not-checked when the Terminal Server key was not collected", () => {
    const result = detect({ registry: stores() });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain("Terminal Server");
  });

  it("never lets a hostile value through to a script", () => {
    const [f] = detect({ registry: [regValue(KEYS.rdpTcp, "SSLCertificateSHA1Hash", "REG_SZ", "x' ; Remove-Item C:\\ -Recurse ; '")] }).findings;
    for (const r of f.remediation) {
      expect(r.script).not.toContain("Remove-Item C:\\");
      expect(r.script).toContain(UNSAFE_VALUE_MARKER);
    }
  });

  it("speaks Japanese when asked", () => {
    const [f] = detect({ events: [rcmEvent(1051, daysAgo(2))], registry: [pin(PINNED), ...stores()] }, { lang: "ja" }).findings;
    expect(f.title).toBe("RDP に固定された証明書がインストールされていません");
    expect(f.explanation).toMatch(/確度「中」/);
  });
});

describe("thumbprints", () => {
  it("drops the spaces and the invisible mark the certificate dialog copies, and upper-cases", () => {
    expect(normalizeThumbprint("\u200e05 63 b8 63 0d 62 d7 5a bb c8 ab 1e 4b df b5 a8 99 b2 4d 43")).toBe(PINNED);
    expect(normalizeThumbprint("05:63:B8")).toBeNull();
    expect(normalizeThumbprint("zz".repeat(20))).toBeNull();
  });
});

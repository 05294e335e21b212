import { describe, expect, it } from "vitest";
import { rdpCertMachineKeys } from "../../src/scenarios/rdpCertMachineKeys.js";
import { UNSAFE_VALUE_MARKER } from "../../src/scenarios/engine.js";
import {
  ACE,
  DEFAULT_FOLDER_ACL,
  DEFAULT_KEY_ACL,
  MACHINE_GUID,
  RDP_KEY,
  RDP_KEY_PREFIX,
  contextOf,
  daysAgo,
  machineGuidValue,
  machineKeysAcl,
  rcm261,
  rcmEvent,
  rdpCoreTs131,
  regValue,
  remoteDesktopCertificate,
  schannel36870,
  schannel36872,
  type CaseEvidence,
  KEYS,
  certificateBlob,
  registryKeyAcl,
} from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => rdpCertMachineKeys.detect(contextOf(spec, options));
const finding = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => {
  const result = detect(spec, options);
  expect(result.findings).toHaveLength(1);
  return result.findings[0];
};

/** The live key file denies NETWORK SERVICE, as after a hardening script ran over MachineKeys. */
const deniedKeyAcl = () =>
  machineKeysAcl({ files: { [RDP_KEY]: [ACE.denyNetworkServiceRead, ACE.systemFull, ACE.networkServiceRead] } });
const healthyAcl = () => machineKeysAcl({ files: { [RDP_KEY]: DEFAULT_KEY_ACL } });

describe("rdp-cert-machinekeys: access denied", () => {
  it("reports high confidence when 1057 in the window meets a Deny for NETWORK SERVICE on the live container", () => {
    const f = finding({
      events: [rcmEvent(1057, daysAgo(2), "Access is denied."), rcmEvent(1057, daysAgo(1), "Access is denied.")],
      acl: deniedKeyAcl(),
      registry: [machineGuidValue()],
    });
    expect(f.scenario).toBe("rdp-cert-machinekeys");
    expect(f.confidence).toBe("high");
    expect(f.subCause).toBe("access-denied");
    expect(f.cause).toContain("0x80070005 E_ACCESSDENIED");
    const deny = f.evidence.find((e) => e.kind === "acl" && e.access === "deny");
    expect(deny).toMatchObject({ sid: "S-1-5-20", path: expect.stringContaining(RDP_KEY) });
    expect(f.evidence.filter((e) => e.kind === "event").map((e) => (e.kind === "event" ? e.eventId : 0))).toEqual([1057, 1057]);
  });

  it("fills the ACL repair, offline for the rescue VM and online for Serial Console", () => {
    const f = finding({ events: [rcmEvent(1058, daysAgo(1), "0x80070005")], acl: deniedKeyAcl(), registry: [machineGuidValue()] });
    expect(f.remediation.map((r) => `${r.variant}/${r.shell}`)).toEqual(["offline/cmd", "online/powershell"]);
    const [offline, online] = f.remediation;
    expect(offline.script).toContain(`set "EXPECTED_GUID=${MACHINE_GUID}"`);
    expect(offline.script).toContain('icacls "%KEY%" /grant *S-1-5-18:(F) *S-1-5-20:(R)');
    expect(offline.script).toContain('set "D=F"');
    expect(offline.where).toContain("F:");
    expect(online.script).toContain(`$expectedGuid = '${MACHINE_GUID}'`);
    expect(online.script).toContain("Restart-Service -Name TermService -Force");
  });

  it("reads the Japanese rendering of the status, and speaks Japanese when asked", () => {
    const f = finding(
      { events: [rcmEvent(1058, daysAgo(3), "アクセスが拒否されました")], acl: deniedKeyAcl(), registry: [machineGuidValue()] },
      { lang: "ja" },
    );
    expect(f.subCause).toBe("access-denied");
    expect(f.title).toBe("RDP 証明書のキーへのアクセスが拒否されています");
    expect(f.cause).toMatch(/SYSTEM または NETWORK SERVICE/);
    expect(f.explanation).toMatch(/確度「高」/);
    expect(f.remediation[0].title).toMatch(/オフライン/);
  });

  it("takes the status from a 4-byte little-endian Binary when there is no text", () => {
    const f = finding({ events: [rcmEvent(1057, daysAgo(1), { binary: "05000780" })], acl: deniedKeyAcl(), registry: [machineGuidValue()] });
    expect(f.subCause).toBe("access-denied");
  });

  it("counts a missing NETWORK SERVICE read, or a missing SYSTEM Full Control, as a fault", () => {
    const noRead = finding({
      events: [rcmEvent(1057, daysAgo(1), "%%2147942405")],
      acl: machineKeysAcl({ files: { [RDP_KEY]: [ACE.systemFull, ACE.administratorsRead] } }),
      registry: [machineGuidValue()],
    });
    expect(noRead.confidence).toBe("high");
    expect(noRead.evidence.some((e) => e.kind === "acl" && e.note?.includes("NETWORK SERVICE (TermService) has no read access"))).toBe(true);

    const noFull = finding({
      events: [rcmEvent(1057, daysAgo(1), "-2147024891")],
      acl: machineKeysAcl({ files: { [RDP_KEY]: [ACE.networkServiceRead, ACE.everyoneRead] } }),
      registry: [machineGuidValue()],
    });
    expect(noFull.confidence).toBe("high");
    expect(noFull.evidence.some((e) => e.kind === "acl" && e.note?.includes("SYSTEM has no Full Control"))).toBe(true);
  });
});

describe("rdp-cert-machinekeys: the Remote Desktop store's registry key", () => {
  const storeKey = "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop";
  const storeAcl = (aces: typeof DEFAULT_KEY_ACL) =>
    registryKeyAcl(storeKey, aces).map((a) => ({ ...a, rights: a.access === "deny" ? "KEY_ALL_ACCESS" : "KEY_READ", mask: a.access === "deny" ? 0xf003f : 0x20019 }));

  it("counts an explicit Deny for SYSTEM on the store key as a fault, and fills the store repair first", () => {
    const f = finding({
      events: [rcmEvent(1057, daysAgo(1), "Access is denied.")],
      acl: [...healthyAcl(), ...storeAcl([ACE.denySystemFull, ACE.administratorsFull])],
      registry: [machineGuidValue()],
    });
    expect(f.confidence).toBe("high");
    expect(f.subCause).toBe("access-denied");
    expect(f.evidence.some((e) => e.kind === "acl" && e.path === storeKey && e.access === "deny")).toBe(true);
    expect(f.remediation.map((r) => `${r.variant}/${r.shell}`)).toEqual(["offline/powershell", "offline/cmd", "online/powershell", "online/powershell"]);
    expect(f.remediation[0].script).toContain("$mount = 'BROKENSOFTWARE'");
    expect(f.remediation[0].script).toContain("RemoveAccessRuleSpecific");
  });

  it("leaves an allow-only store key alone", () => {
    expect(detect({ acl: [...healthyAcl(), ...storeAcl([ACE.systemFull, ACE.administratorsFull])], registry: [machineGuidValue()] }).findings).toEqual([]);
  });
});

describe("rdp-cert-machinekeys: object exists and keyset missing", () => {
  it("names NTE_EXISTS as object-exists and fills the container reset, ACL repair first", () => {
    const f = finding({
      events: [rcmEvent(1057, daysAgo(1), "Object already exists.")],
      acl: deniedKeyAcl(),
      registry: [machineGuidValue()],
    });
    expect(f.subCause).toBe("object-exists");
    expect(f.confidence).toBe("high");
    const offline = f.remediation.find((r) => r.variant === "offline")!;
    expect(offline.title).toMatch(/set the stale key container/);
    const script = offline.script;
    expect(script.indexOf("/grant *S-1-5-18:(F) *S-1-5-20:(R)")).toBeLessThan(script.indexOf("reg delete"));
    expect(script).toContain(`ren "%KEY%" "${RDP_KEY_PREFIX}_%GUID%.rdp-triage.bak"`);
    expect(script).toContain('reg export "%STORE%"');
  });

  it("names NTE_BAD_KEYSET as keyset-missing when the listing lacks the live container", () => {
    const f = finding({
      events: [rcmEvent(1058, daysAgo(4), "キー セットがありません。")],
      acl: machineKeysAcl({ files: { [`${RDP_KEY_PREFIX}_0a1b2c3d-0000-4000-8000-000000000001`]: DEFAULT_KEY_ACL } }),
      registry: [machineGuidValue(), remoteDesktopCertificate()],
    });
    expect(f.subCause).toBe("keyset-missing");
    expect(f.confidence).toBe("high");
    expect(f.evidence.some((e) => e.kind === "observation" && e.text.includes(RDP_KEY))).toBe(true);
    expect(f.remediation[0].script).toContain('ren "%KEY%"');
  });

  it("does not call a missing container a fault when the Remote Desktop store holds no TSSecKeySet1 certificate", () => {
    const leftover = `${RDP_KEY_PREFIX}_11111111-2222-4333-8444-555555555555`;
    const collected = {
      acl: machineKeysAcl({ files: { [leftover]: DEFAULT_KEY_ACL } }),
      registry: [
        machineGuidValue(),
        regValue(KEYS.myCertificate("AB".repeat(20)), "Blob", "REG_BINARY", certificateBlob("web", "Microsoft Software Key Storage Provider")),
      ],
    };
    expect(detect(collected).findings).toEqual([]);
    // The same listing with a TSSecKeySet1 certificate in the Remote Desktop store: an orphan.
    const orphan = finding({ ...collected, registry: [...collected.registry, remoteDesktopCertificate()] });
    expect(orphan.subCause).toBe("keyset-missing");
    expect(orphan.confidence).toBe("medium");
  });
});

describe("rdp-cert-machinekeys: confidence", () => {
  it("gives medium and asks for the icacls dump when the events have no ACL evidence", () => {
    const f = finding({ events: [rcmEvent(1057, daysAgo(1), "0x80070005")] });
    expect(f.confidence).toBe("medium");
    expect(f.explanation).toContain('icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /t /c');
  });

  it("gives medium for a fault on the live container when the logs have rolled over", () => {
    const f = finding({ acl: deniedKeyAcl(), registry: [machineGuidValue()] }, { asOf: "2024-05-20T12:00:00Z" });
    expect(f.confidence).toBe("medium");
    expect(f.subCause).toBe("access-denied");
  });

  it("gives only low for an ACL fault on TSSecKeySet1 when a custom certificate in MY is pinned (the listener does not use that key)", () => {
    const thumb = "0563B8630D62D75ABBC8AB1E4BDFB5A899B24D43";
    const f = finding({
      acl: deniedKeyAcl(),
      registry: [
        machineGuidValue(),
        regValue(KEYS.rdpTcp, "SSLCertificateSHA1Hash", "REG_BINARY", thumb),
        regValue(KEYS.myCertificate(thumb), "Blob", "REG_BINARY", certificateBlob("le-rdp", "Microsoft Software Key Storage Provider")),
      ],
    });
    expect(f.confidence).toBe("low");
  });

  it("lowers events outside the 30-day window to low", () => {
    const f = finding({ events: [rcmEvent(1057, daysAgo(45), "Access is denied."), rcmEvent(1057, daysAgo(40), "Access is denied.")] });
    expect(f.confidence).toBe("low");
    expect(f.evidence.filter((e) => e.kind === "event").every((e) => e.kind === "event" && e.note?.includes("outside the window"))).toBe(true);
  });

  it("gives high for server-side 36870 at connection times with an ACL fault", () => {
    const f = finding({
      events: [schannel36870("server", daysAgo(1)), rdpCoreTs131(daysAgo(1)), rcm261(daysAgo(1))],
      acl: deniedKeyAcl(),
      registry: [machineGuidValue()],
    });
    expect(f.confidence).toBe("high");
  });

  it("gives only low for a lone server-side 36870 or 36872 with nothing else", () => {
    expect(finding({ events: [schannel36870("server", daysAgo(1))] }).confidence).toBe("low");
    expect(finding({ events: [schannel36872(daysAgo(1))] }).confidence).toBe("low");
  });

  it("ignores a 36870 raised by lsass (LDAPS on a domain controller)", () => {
    const result = detect({
      events: [
        schannel36870("server", daysAgo(1), [{ name: "CallerProcessImageName", value: "C:\\Windows\\System32\\lsass.exe" }]),
        schannel36870("server", daysAgo(1, 5), [{ name: "CallerProcessImageName", value: "C:\\Windows\\System32\\lsass.exe" }]),
      ],
    });
    expect(result.findings).toEqual([]);
  });
});

describe("rdp-cert-machinekeys: stays quiet", () => {
  it("on Windows' default MachineKeys folder ACL and a healthy key file", () => {
    const result = detect({ events: [rcmEvent(1056, daysAgo(1), "VM-RDP01")], acl: healthyAcl(), registry: [machineGuidValue()] });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe("healthy");
    expect(result.detail).toContain("default ACL");
  });

  it("on the default folder ACL even when the dump lists no files", () => {
    const result = detect({ acl: machineKeysAcl({ folder: DEFAULT_FOLDER_ACL }), registry: [machineGuidValue()] });
    expect(result.findings).toEqual([]);
  });

  it("on leftover f686 containers of other GUIDs, whatever their ACL", () => {
    const result = detect({
      acl: machineKeysAcl({
        files: {
          [RDP_KEY]: DEFAULT_KEY_ACL,
          [`${RDP_KEY_PREFIX}_11111111-2222-4333-8444-555555555555`]: [ACE.denyNetworkServiceRead, ACE.denySystemFull],
          [`${RDP_KEY}.rdp-triage.bak`]: [ACE.denySystemFull],
        },
      }),
      registry: [machineGuidValue()],
    });
    expect(result.findings).toEqual([]);
    expect(result.detail).toContain("2 leftover container(s)");
  });

  it("on client-side Schannel 36870, and says it is noise", () => {
    const result = detect({ events: [schannel36870("client", daysAgo(1)), schannel36870("client", daysAgo(2))] });
    expect(result.findings).toEqual([]);
    expect(result.detail).toMatch(/Type=client.*not the listener/);
  });

  it("is not-checked, not healthy, when the ACL dump, the System log or the MachineGuid is missing", () => {
    const logOnly = detect({ events: [rcmEvent(1056, daysAgo(1), "VM-RDP01")], registry: [machineGuidValue()] });
    expect(logOnly.status).toBe("not-checked");
    expect(logOnly.detail).toContain("No MachineKeys ACL dump was collected");
    expect(logOnly.detail).toContain('icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /t /c');
    const aclOnly = detect({ acl: healthyAcl(), registry: [machineGuidValue()] });
    expect(aclOnly.status).toBe("not-checked");
    expect(aclOnly.detail).toContain('"System.evtx"');
    const noGuid = detect({ events: [rcmEvent(1056, daysAgo(1), "VM-RDP01")], acl: healthyAcl() });
    expect(noGuid.status).toBe("not-checked");
    expect(noGuid.detail).toContain("Without the MachineGuid");
  });

  it("reports not-checked with the collect commands when neither the System log nor the ACL dump is there", () => {
    const result = detect({ registry: [machineGuidValue()] }, { asOf: null });
    expect(result.status).toBe("not-checked");
    expect(result.detail).toContain('robocopy "%D%:\\Windows\\System32\\winevt\\Logs" "%OUT%\\logs" "System.evtx"');
    expect(result.detail).toContain("icacls");
  });
});

describe("rdp-cert-machinekeys: remediation values", () => {
  it("uses the drive letter of the ACL dump and the software mount name from the evidence", () => {
    const mounts = { systemMount: "RESCUE_SYS", softwareMount: "RESCUE_SOFT", current: 2 };
    const f = finding({
      events: [rcmEvent(1057, daysAgo(1), "Access is denied.")],
      acl: machineKeysAcl({ drive: "G", files: { [RDP_KEY]: [ACE.denySystemFull, ACE.networkServiceRead] } }),
      registry: [machineGuidValue(MACHINE_GUID, mounts)],
    });
    const offline = f.remediation.find((r) => r.variant === "offline")!;
    expect(offline.script).toContain('set "D=G"');
    expect(offline.script).toContain('set "SOFT=RESCUE_SOFT"');
    expect(offline.script).toContain('reg unload "HKLM\\%SOFT%"');
  });

  it("never lets a hostile MachineGuid into a script", () => {
    const hostile = 'x" & calc & "';
    const f = finding({ events: [rcmEvent(1057, daysAgo(1), "Access is denied.")], acl: machineKeysAcl({}), registry: [machineGuidValue(hostile)] });
    for (const r of f.remediation) {
      expect(r.script).not.toContain(hostile);
      expect(r.script).not.toContain("calc");
      expect(r.script).toContain(UNSAFE_VALUE_MARKER);
    }
  });

  it("without a MachineGuid in the evidence, still gives scripts that read it from the disk", () => {
    const f = finding({ events: [rcmEvent(1057, daysAgo(1), "Access is denied.")] });
    const [offline, online] = f.remediation;
    expect(offline.script).toContain('set "EXPECTED_GUID="');
    expect(offline.script).toMatch(/for \/f "tokens=3" %%g in \('reg query "HKLM\\%SOFT%\\Microsoft\\Cryptography" \/v MachineGuid/);
    expect(online.script).toContain("$expectedGuid = ''");
    expect(online.script).toContain("(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Cryptography').MachineGuid");
  });
});

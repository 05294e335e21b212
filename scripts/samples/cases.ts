// The bundled sample cases: evidence folders laid out the way engineers copy them off a rescue VM
// (scenarios.md §6), each with what rdp-triage must and must not report. Everything here is
// deterministic: `npm run samples` writes the same bytes every time, and a test holds it to that.
import { corruptChunk, writeEvtx, type EventSpec } from "../../src/evtxWriter/index.js";
import { cp932, utf16le, utf16leBom, utf8 } from "./encode.js";
import {
  DEFAULT_FOLDER_ACES,
  DEFAULT_KEY_ACES,
  icaclsListing,
  machineKeysFolder,
  otherMachineKeys,
  RDP_KEY_PREFIX,
  regExport,
  regQuery,
  type IcaclsObject,
  type RegKey,
} from "./dumps.js";
import { archiveSampleCases } from "./archiveCases.js";
import { configSampleCases } from "./configCases.js";
import { hostileSampleCases } from "./hostileCases.js";
import { at, brokerEvent, rcmCertificateEvent, rcmLogon, rcmPinnedKeyEvent, schannelEvent, systemBackground } from "./events.js";

export interface SampleCase {
  name: string;
  /** One line for the folder's README. */
  description: string;
  files: Record<string, Uint8Array>;
  expected: {
    description: string;
    asOf?: string;
    expect: { scenario: string; confidence?: string; subCause?: string | null }[];
    absent?: string[];
    exclusive?: boolean;
  };
}

const LOGS = "Windows/System32/winevt/Logs";
const SYSTEM_LOG = `${LOGS}/System.evtx`;
const RCM_OPERATIONAL = `${LOGS}/Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx`;
const BASE = "2026-11-10T06:00:00Z";
const INCIDENT = "2026-11-19T22:40:00Z";
const GUID = "4c1d9f0e-7a2b-4e53-9b8d-2f6a1c3e5d7b";
const COMPUTER = "vm-web01";

const ALL = [
  "rdp-cert-machinekeys",
  "rdp-cert-thumbprint-mismatch",
  "tls-protocol-disabled",
  "broker-hostname-changed",
];

function evtx(events: EventSpec[], options: { dirty?: boolean; recordsPerChunk?: number } = {}): Uint8Array {
  // Dirty is the normal state of a log copied off a disk that was running.
  return writeEvtx(events, { dirty: options.dirty ?? true, recordsPerChunk: options.recordsPerChunk });
}

function sortByTime(events: EventSpec[]): EventSpec[] {
  return [...events].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
}

function systemLog(extra: EventSpec[], computer = COMPUTER): Uint8Array {
  return evtx(sortByTime([...systemBackground(BASE, computer, 120), ...extra]));
}

function rcmOperationalLog(computer = COMPUTER): Uint8Array {
  return evtx([
    rcmLogon(at(BASE, 30), computer, "azureuser", "203.0.113.24"),
    rcmLogon(at(BASE, 600), computer, "azureuser", "203.0.113.24"),
  ]);
}

function repeat(count: number, everyMinutes: number, start: string, make: (time: string, i: number) => EventSpec): EventSpec[] {
  return Array.from({ length: count }, (_, i) => make(at(start, i * everyMinutes, i * 113), i));
}

const cryptographyKey = (guid = GUID): RegKey => ({
  key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography",
  values: [["MachineGuid", { sz: guid }]],
});

const currentVersionKey = (build = "17763"): RegKey => ({
  key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
  values: [
    ["CurrentBuild", { sz: build }],
    ["ProductName", { sz: "Windows Server 2019 Datacenter" }],
  ],
});

const selectKey = (current = 1): RegKey => ({
  key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\Select",
  values: [
    ["Current", { dword: current }],
    ["Default", { dword: current }],
    ["Failed", { dword: 0 }],
    ["LastKnownGood", { dword: current }],
  ],
});

const rdpTcpKey = (cs = "ControlSet001", extra: RegKey["values"] = []): RegKey => ({
  key: `HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\${cs}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`,
  values: [
    ["PortNumber", { dword: 3389 }],
    ["SecurityLayer", { dword: 2 }],
    ["UserAuthentication", { dword: 1 }],
    ["MinEncryptionLevel", { dword: 2 }],
    ["fEnableWinStation", { dword: 1 }],
    ...(extra ?? []),
  ],
});

function schannelKeys(cs: string, protocols: Record<string, { enabled: number; disabledByDefault: number }>): RegKey[] {
  const keys: RegKey[] = [
    { key: `HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\${cs}\\Control\\SecurityProviders\\SCHANNEL`, values: [["EventLogging", { dword: 1 }]] },
    { key: `HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\${cs}\\Control\\SecurityProviders\\SCHANNEL\\Protocols` },
  ];
  for (const [name, v] of Object.entries(protocols)) {
    const [proto, role] = name.split("/");
    keys.push({ key: `HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\${cs}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${proto}` });
    keys.push({
      key: `HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\${cs}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${proto}\\${role}`,
      values: [
        ["Enabled", { dword: v.enabled }],
        ["DisabledByDefault", { dword: v.disabledByDefault }],
      ],
    });
  }
  return keys;
}

function machineKeysDump(keyAces: string[] | null, options: { drive?: string; folderAces?: string[]; guid?: string } = {}): IcaclsObject[] {
  const drive = options.drive ?? "F";
  const guid = options.guid ?? GUID;
  const objects: IcaclsObject[] = [{ path: machineKeysFolder(drive), aces: options.folderAces ?? DEFAULT_FOLDER_ACES }];
  if (keyAces) objects.push({ path: `${machineKeysFolder(drive)}\\${RDP_KEY_PREFIX}_${guid}`, aces: keyAces });
  objects.push(...otherMachineKeys(drive, guid));
  return objects;
}

const regCommon = (): RegKey[] => [selectKey(1), cryptographyKey(), currentVersionKey(), rdpTcpKey()];

export function sampleCases(): SampleCase[] {
  const incidentCert = (status: { text?: string; binary?: string }, id: 1057 | 1058 = 1057) =>
    repeat(6, 20, INCIDENT, (t) => rcmCertificateEvent(id, t, COMPUTER, status));
  const schannel36870 = repeat(4, 31, INCIDENT, (t) => schannelEvent(36870, "server", t, COMPUTER));

  return [
    {
      name: "rdp-cert-access-denied",
      description:
        "RCM 1057 'Access is denied.' with Schannel 36870, and the RDP key file in MachineKeys denies NETWORK SERVICE (icacls listing, UTF-16LE as PowerShell 5.1 writes it).",
      files: {
        [SYSTEM_LOG]: systemLog([...incidentCert({ text: "Access is denied." }), ...schannel36870]),
        [RCM_OPERATIONAL]: rcmOperationalLog(),
        "acl/machinekeys.txt": utf16leBom(
          icaclsListing(
            machineKeysDump(["NT AUTHORITY\\NETWORK SERVICE:(DENY)(R)", "NT AUTHORITY\\SYSTEM:(F)", "NT SERVICE\\SessionEnv:(F)"]),
          ),
        ),
        "reg/software.reg": utf16leBom(regExport([cryptographyKey(), currentVersionKey()])),
        "reg/system.reg": utf16leBom(regExport([selectKey(1), rdpTcpKey()])),
      },
      expected: {
        description: "access denied on the RDP key: high confidence, ACL fix",
        expect: [{ scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "access-denied" }],
        absent: ALL.filter((s) => s !== "rdp-cert-machinekeys"),
        exclusive: true,
      },
    },
    {
      name: "rdp-cert-object-exists",
      description:
        "RCM 1057 with status 0x8009000F (object already exists): a stale TSSecKeySet1 container whose ACL lacks NETWORK SERVICE read blocks re-creation.",
      files: {
        [SYSTEM_LOG]: systemLog(incidentCert({ text: "0x8009000f" })),
        "acl/machinekeys.txt": utf16leBom(icaclsListing(machineKeysDump(["NT AUTHORITY\\SYSTEM:(F)", "BUILTIN\\Administrators:(F)"]))),
        "reg/software.reg": utf16leBom(regExport([cryptographyKey(), currentVersionKey()])),
      },
      expected: {
        description: "object exists: stale container to rename",
        expect: [{ scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "object-exists" }],
        absent: ALL.filter((s) => s !== "rdp-cert-machinekeys"),
        exclusive: true,
      },
    },
    {
      name: "rdp-cert-keyset-missing",
      description:
        "RCM 1058 (renewal failed) with the status as a 4-byte Binary 0x80090016 (keyset does not exist), and no RDP key file for the current MachineGuid in MachineKeys.",
      files: {
        [SYSTEM_LOG]: systemLog(incidentCert({ text: "", binary: "16000980" }, 1058)),
        "acl/machinekeys.txt": utf8(icaclsListing(machineKeysDump(null))),
        "reg/software.reg": utf16leBom(regExport([cryptographyKey(), currentVersionKey()])),
      },
      expected: {
        description: "keyset missing: store entry to remove so the pair is regenerated",
        expect: [{ scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "keyset-missing" }],
        absent: ALL.filter((s) => s !== "rdp-cert-machinekeys"),
        exclusive: true,
      },
    },
    {
      name: "rdp-cert-default-acl-quiet",
      description: "Windows' default MachineKeys ACLs (folder Everyone:(R,W) + Administrators:(F); key file SYSTEM, SessionEnv, NETWORK SERVICE read) and no certificate errors: nothing to report.",
      files: {
        [SYSTEM_LOG]: systemLog([]),
        [RCM_OPERATIONAL]: rcmOperationalLog(),
        "acl/machinekeys.txt": utf16leBom(icaclsListing(machineKeysDump(DEFAULT_KEY_ACES))),
        "reg/software.reg": utf16leBom(regExport([cryptographyKey(), currentVersionKey()])),
        "reg/system.reg": utf16leBom(regExport([selectKey(1), rdpTcpKey()])),
      },
      expected: { description: "default ACLs are healthy", expect: [], absent: ALL, exclusive: true },
    },
    {
      name: "rdp-cert-thumbprint-mismatch",
      description: "SSLCertificateSHA1Hash pins a certificate that is not in the machine's MY store (only another certificate is there).",
      files: {
        [SYSTEM_LOG]: systemLog([]),
        "reg/system.reg": utf16leBom(
          regExport([selectKey(1), rdpTcpKey("ControlSet001", [["SSLCertificateSHA1Hash", { hex: "4249c3f1d2b9a0e85c7d6e1f2a3b4c5d6e7f8091" }]])]),
        ),
        "reg/software.reg": utf16leBom(
          regExport([
            cryptographyKey(),
            currentVersionKey(),
            { key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\SystemCertificates\\MY\\Certificates" },
            {
              key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\SystemCertificates\\MY\\Certificates\\9A0B1C2D3E4F5061728394A5B6C7D8E9F0A1B2C3",
              values: [["Blob", { hex: "0300000001000000140000009a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3" }]],
            },
          ]),
        ),
      },
      expected: {
        description: "pinned certificate missing from MY",
        expect: [{ scenario: "rdp-cert-thumbprint-mismatch" }],
        absent: ["tls-protocol-disabled", "broker-hostname-changed"],
      },
    },
    {
      name: "tls-server-disabled",
      description: "A hardening baseline disabled TLS 1.0, 1.1 and 1.2 for the Schannel server role; Schannel 36871 Type=server at every connection attempt.",
      files: {
        [SYSTEM_LOG]: systemLog(repeat(8, 9, INCIDENT, (t) => schannelEvent(36871, "server", t, COMPUTER))),
        "reg/system.reg": utf16leBom(
          regExport([
            selectKey(1),
            rdpTcpKey(),
            ...schannelKeys("ControlSet001", {
              "TLS 1.0/Server": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.1/Server": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.2/Server": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.2/Client": { enabled: 1, disabledByDefault: 0 },
            }),
          ]),
        ),
        "reg/software.reg": utf16leBom(regExport([cryptographyKey(), currentVersionKey("17763")])),
      },
      expected: {
        description: "no TLS version left for the server role",
        expect: [{ scenario: "tls-protocol-disabled", confidence: "high" }],
        absent: ALL.filter((s) => s !== "tls-protocol-disabled"),
        exclusive: true,
      },
    },
    {
      name: "tls-client-noise-quiet",
      description: "Schannel 36871 Type=client only (an outbound .NET agent hitting a client-side hardening); server protocols at the OS default: noise, nothing to report.",
      files: {
        [SYSTEM_LOG]: systemLog(repeat(12, 45, BASE, (t) => schannelEvent(36871, "client", t, COMPUTER))),
        "reg/system.reg": utf16leBom(
          regExport([
            selectKey(1),
            rdpTcpKey(),
            ...schannelKeys("ControlSet001", {
              "TLS 1.0/Client": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.1/Client": { enabled: 0, disabledByDefault: 1 },
            }),
          ]),
        ),
        "reg/software.reg": utf16leBom(regExport([cryptographyKey(), currentVersionKey("17763")])),
      },
      expected: { description: "client-side 36871 is noise", expect: [], absent: ALL, exclusive: true },
    },
    {
      name: "broker-renamed",
      description: "RD Connection Broker renamed from rdcb01 to rdcb-prod01: SessionBroker 2056 and SessionBroker-Client 1296 after the Computer field changes.",
      files: {
        [SYSTEM_LOG]: evtx(
          sortByTime([
            ...systemBackground(BASE, "rdcb01.contoso.local", 60),
            ...systemBackground(at(INCIDENT, -600), "rdcb-prod01.contoso.local", 40),
          ]),
        ),
        [`${LOGS}/Microsoft-Windows-TerminalServices-SessionBroker%4Operational.evtx`]: evtx(
          repeat(5, 15, INCIDENT, (t) => brokerEvent(2056, t, "rdcb-prod01.contoso.local")),
        ),
        [`${LOGS}/Microsoft-Windows-TerminalServices-SessionBroker-Client%4Operational.evtx`]: evtx(
          repeat(5, 15, at(INCIDENT, 1), (t) => brokerEvent(1296, t, "rdcb-prod01.contoso.local")),
        ),
        "reg/system.reg": utf16leBom(
          regExport([
            selectKey(1),
            { key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\ComputerName\\ComputerName", values: [["ComputerName", { sz: "RDCB-PROD01" }]] },
            {
              key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters",
              values: [
                ["Hostname", { sz: "rdcb-prod01" }],
                ["NV Hostname", { sz: "rdcb-prod01" }],
                ["Domain", { sz: "contoso.local" }],
              ],
            },
            { key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Services\\Tssdis", values: [["Start", { dword: 2 }]] },
          ]),
        ),
      },
      expected: {
        description: "broker after a rename",
        expect: [{ scenario: "broker-hostname-changed", confidence: "high" }],
        absent: ["rdp-cert-machinekeys", "tls-protocol-disabled"],
      },
    },
    {
      name: "healthy-quiet",
      description: "A healthy VM: RDP logons succeed (RCM 1149), default ACLs, TLS at the OS defaults, no certificate or broker errors.",
      files: {
        [SYSTEM_LOG]: systemLog([rcmCertificateEvent(1056, at(BASE, 5), COMPUTER, { text: COMPUTER, binary: "9a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3" })]),
        [RCM_OPERATIONAL]: rcmOperationalLog(),
        "acl/machinekeys.txt": utf16leBom(icaclsListing(machineKeysDump(DEFAULT_KEY_ACES))),
        "reg/software.reg": utf16leBom(regExport([cryptographyKey(), currentVersionKey()])),
        "reg/system.reg": utf16leBom(regExport([selectKey(1), rdpTcpKey(), ...schannelKeys("ControlSet001", {})])),
      },
      expected: { description: "nothing wrong", expect: [], absent: ALL, exclusive: true },
    },
    {
      name: "two-scenarios",
      description: "Both at once: RCM 1057 access denied with a DENY on the RDP key file, and TLS 1.2 disabled for the server with 36871 Type=server.",
      files: {
        [SYSTEM_LOG]: systemLog([
          ...incidentCert({ text: "Access is denied." }),
          ...repeat(6, 13, INCIDENT, (t) => schannelEvent(36871, "server", t, COMPUTER)),
        ]),
        "acl/machinekeys.txt": utf16leBom(
          icaclsListing(machineKeysDump(["NT AUTHORITY\\NETWORK SERVICE:(DENY)(R)", "NT AUTHORITY\\SYSTEM:(F)"])),
        ),
        "reg/all.reg": utf16leBom(
          regExport([
            ...regCommon(),
            ...schannelKeys("ControlSet001", {
              "TLS 1.0/Server": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.1/Server": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.2/Server": { enabled: 0, disabledByDefault: 1 },
            }),
          ]),
        ),
      },
      expected: {
        description: "two causes, both reported",
        expect: [
          { scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "access-denied" },
          { scenario: "tls-protocol-disabled", confidence: "high" },
        ],
        absent: ["broker-hostname-changed", "rdp-cert-thumbprint-mismatch"],
        exclusive: true,
      },
    },
    {
      name: "damaged-chunk",
      description: "The System log has a chunk overwritten with garbage between intact chunks; the Schannel 36871 Type=server events in the intact chunk after it are still found.",
      files: {
        [SYSTEM_LOG]: corruptChunk(
          writeEvtx(
            sortByTime([
              ...systemBackground(BASE, COMPUTER, 300),
              ...repeat(8, 9, "2026-11-30T10:00:00Z", (t) => schannelEvent(36871, "server", t, COMPUTER)),
            ]),
            { dirty: true, recordsPerChunk: 100 },
          ),
          1,
          "garbage",
          { seed: 7 },
        ),
        "reg/system.reg": utf16leBom(
          regExport([
            selectKey(1),
            rdpTcpKey(),
            ...schannelKeys("ControlSet001", {
              "TLS 1.0/Server": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.1/Server": { enabled: 0, disabledByDefault: 1 },
              "TLS 1.2/Server": { enabled: 0, disabledByDefault: 1 },
            }),
          ]),
        ),
        "reg/software.reg": utf16leBom(regExport([currentVersionKey("17763")])),
      },
      expected: {
        description: "recovered from the intact chunks",
        expect: [{ scenario: "tls-protocol-disabled", confidence: "high" }],
        absent: ["rdp-cert-machinekeys", "broker-hostname-changed"],
      },
    },
    {
      name: "offline-mount-name",
      description:
        "reg query dumps taken under the non-standard mount name OFFLINE_SYS with Select\\Current = 2 (ControlSet002 in effect, ControlSet001 stale and healthy): every server TLS version (1.0 to 1.3 on build 20348) disabled only in the current set.",
      files: {
        [SYSTEM_LOG]: systemLog(repeat(5, 11, INCIDENT, (t) => schannelEvent(36871, "server", t, COMPUTER))),
        "reg/select.txt": utf16leBom(
          regQuery([{ key: "HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\Select", values: [["Current", "REG_DWORD", "0x2"], ["Default", "REG_DWORD", "0x2"], ["Failed", "REG_DWORD", "0x0"], ["LastKnownGood", "REG_DWORD", "0x1"]] }]),
        ),
        "reg/schannel-current.txt": utf16leBom(
          regQuery(
            ["TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"].map((p) => ({
              key: `HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\ControlSet002\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${p}\\Server`,
              values: [["Enabled", "REG_DWORD", "0x0"], ["DisabledByDefault", "REG_DWORD", "0x1"]],
            })),
          ),
        ),
        "reg/schannel-old.txt": utf16leBom(
          regQuery([
            {
              key: "HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server",
              values: [["Enabled", "REG_DWORD", "0x1"], ["DisabledByDefault", "REG_DWORD", "0x0"]],
            },
          ]),
        ),
        "reg/currentversion.txt": utf16leBom(
          regQuery([{ key: "HKEY_LOCAL_MACHINE\\OFFLINE_SOFT\\Microsoft\\Windows NT\\CurrentVersion", values: [["CurrentBuild", "REG_SZ", "20348"]] }]),
        ),
      },
      expected: {
        description: "mount name and control set carried into the offline script",
        expect: [{ scenario: "tls-protocol-disabled", confidence: "high" }],
        absent: ["rdp-cert-machinekeys", "broker-hostname-changed"],
      },
    },
    {
      name: "japanese-rescue-vm",
      description:
        "Evidence from a Japanese rescue VM: icacls and reg query redirected in cmd.exe, so CP932 (Shift-JIS) with the Japanese summary line and (既定); RCM 1057 with the Japanese status text アクセスが拒否されました。",
      files: {
        [SYSTEM_LOG]: systemLog(repeat(4, 25, INCIDENT, (t) => rcmCertificateEvent(1057, t, COMPUTER, { text: "アクセスが拒否されました。" }))),
        "acl/machinekeys.txt": cp932(
          icaclsListing(machineKeysDump(["NT AUTHORITY\\NETWORK SERVICE:(DENY)(R)", "NT AUTHORITY\\SYSTEM:(F)"], { drive: "E" }), "ja"),
        ),
        "reg/cryptography.txt": cp932(
          regQuery([
            {
              key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography",
              values: [["(既定)", "REG_SZ", "(値の設定なし)"], ["MachineGuid", "REG_SZ", GUID]],
            },
          ]),
        ),
        "acl/machinekeys.sddl": utf16le(
          [
            "MachineKeys",
            "D:PAI(A;;0x12019f;;;WD)(A;;FA;;;BA)",
            `MachineKeys\\${RDP_KEY_PREFIX}_${GUID}`,
            "D:P(D;;FR;;;NS)(A;;FA;;;SY)",
            "",
          ].join("\r\n"),
        ),
      },
      expected: {
        description: "Japanese dumps decoded, Japanese status text understood",
        expect: [{ scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "access-denied" }],
        absent: ["tls-protocol-disabled", "broker-hostname-changed"],
      },
    },
    ...subCauseSampleCases(),
    ...archiveSampleCases(),
    ...configSampleCases(),
    ...hostileSampleCases(),
  ];
}

// ── Sub-causes that had unit tests but no sample ─────────────────────────────────────────────────

const WS2022_BUILD = "20348";

const currentVersion2022Key = (): RegKey => ({
  key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
  values: [
    ["CurrentBuild", { sz: WS2022_BUILD }],
    ["ProductName", { sz: "Windows Server 2022 Datacenter" }],
  ],
});

const utf16z = (s: string) => Buffer.from(s + "\0", "utf16le");
const le32 = (n: number) => Buffer.from(Uint32Array.of(n >>> 0).buffer);

/**
 * A SystemCertificates `Blob` (serialized certificate properties: id, 1, size, data): the SHA-1 hash
 * (3) and CERT_KEY_PROV_INFO (2, a CRYPT_KEY_PROV_INFO with its strings after the 28-byte header),
 * naming a CNG machine key. The certificate itself (property 0x20) is left out: nothing reads it.
 */
function certificateStoreBlob(thumbprint: string, container: string): string {
  const prop = (id: number, data: Buffer) => Buffer.concat([le32(id), le32(1), le32(data.length), data]);
  const name = utf16z(container);
  const provider = utf16z("Microsoft Software Key Storage Provider");
  const provInfo = Buffer.concat([
    le32(28), // pwszContainerName
    le32(28 + name.length), // pwszProvName
    le32(0), // dwProvType: CNG
    le32(0x20), // dwFlags: CRYPT_MACHINE_KEYSET
    le32(0), // cProvParam
    le32(0), // rgProvParam
    le32(0xffffffff), // dwKeySpec: CERT_NCRYPT_KEY_SPEC
    name,
    provider,
  ]);
  return Buffer.concat([prop(3, Buffer.from(thumbprint, "hex")), prop(2, provInfo)]).toString("hex");
}

const PINNED_THUMBPRINT = "7D3C6E0A9B1F42C85E6D0A3B9C2F1E4D5A6B7C80";
const SELF_SIGNED_THUMBPRINT = "59EFF2E3B509C83137E81085E02A1AC63A7E61AA";

/** A tls-protocol-disabled sample: a System log, the SCHANNEL protocol keys given, and CurrentVersion. */
function tlsSubCauseCase(c: {
  name: string;
  description: string;
  events: EventSpec[];
  protocols: Record<string, { enabled: number; disabledByDefault: number }>;
  currentVersion: RegKey;
  expected: { description: string; confidence: "high" | "medium" | "low"; subCause: string };
}): SampleCase {
  return {
    name: c.name,
    description: c.description,
    files: {
      [SYSTEM_LOG]: systemLog(c.events),
      "reg/system.reg": utf16leBom(regExport([selectKey(1), rdpTcpKey(), ...schannelKeys("ControlSet001", c.protocols)])),
      "reg/software.reg": utf16leBom(regExport([cryptographyKey(), c.currentVersion])),
    },
    expected: {
      description: c.expected.description,
      expect: [{ scenario: "tls-protocol-disabled", confidence: c.expected.confidence, subCause: c.expected.subCause }],
      absent: ALL.filter((s) => s !== "tls-protocol-disabled"),
      exclusive: true,
    },
  };
}

function subCauseSampleCases(): SampleCase[] {
  const BROKER = "rdcb01.contoso.local";
  const server36871 = (count: number, every: number) => repeat(count, every, INCIDENT, (t) => schannelEvent(36871, "server", t, COMPUTER));
  return [
    tlsSubCauseCase({
      name: "tls-legacy-only",
      description:
        "A baseline meant to switch off TLS 1.0/1.1 disabled TLS 1.2\\Server instead; TLS 1.0 and 1.1 stay at the Server 2019 defaults (enabled), so only deprecated versions are left, and Schannel 36871 Type=server repeats at the connection attempts.",
      events: server36871(7, 13),
      protocols: {
        "TLS 1.2/Server": { enabled: 0, disabledByDefault: 1 },
        "TLS 1.2/Client": { enabled: 1, disabledByDefault: 0 },
      },
      currentVersion: currentVersionKey("17763"),
      expected: { description: "only TLS 1.0/1.1 left for the server, with server-side 36871 in the window", confidence: "high", subCause: "legacy-only" },
    }),
    tlsSubCauseCase({
      name: "tls13-only",
      description:
        "Windows Server 2022 (build 20348) with TLS 1.0, 1.1 and 1.2 disabled for the Schannel server role: only TLS 1.3 (the OS default) is left, and older clients fail with Schannel 36871 Type=server.",
      events: server36871(4, 23),
      protocols: {
        "TLS 1.0/Server": { enabled: 0, disabledByDefault: 1 },
        "TLS 1.1/Server": { enabled: 0, disabledByDefault: 1 },
        "TLS 1.2/Server": { enabled: 0, disabledByDefault: 1 },
      },
      currentVersion: currentVersion2022Key(),
      expected: { description: "TLS 1.2 off, only TLS 1.3 left: medium", confidence: "medium", subCause: "tls13-only" },
    }),
    tlsSubCauseCase({
      name: "tls-server-credential-errors",
      description:
        "A sound baseline (TLS 1.0/1.1 off, TLS 1.2 explicitly enabled for the server role), yet Schannel 36871 Type=server repeats: the protocol versions are not the cause (cipher suites, FIPS or the certificate are).",
      events: server36871(6, 17),
      protocols: {
        "TLS 1.0/Server": { enabled: 0, disabledByDefault: 1 },
        "TLS 1.1/Server": { enabled: 0, disabledByDefault: 1 },
        "TLS 1.2/Server": { enabled: 1, disabledByDefault: 0 },
      },
      currentVersion: currentVersionKey("17763"),
      expected: { description: "server-side 36871 with TLS 1.2 enabled: low, no protocol fix", confidence: "low", subCause: "server-credential-errors" },
    }),
    {
      name: "broker-database-failure",
      description:
        "An RD Connection Broker (Tssdis and the Windows Internal Database installed) that was never renamed: the Computer field stays rdcb01.contoso.local in every log and ComputerName / Hostname / NV Hostname agree, yet SessionBroker 2056 and SessionBroker-Client 1296 repeat.",
      files: {
        [SYSTEM_LOG]: evtx(sortByTime(systemBackground(BASE, BROKER, 120))),
        [`${LOGS}/Microsoft-Windows-TerminalServices-SessionBroker%4Operational.evtx`]: evtx(
          repeat(5, 15, INCIDENT, (t) => brokerEvent(2056, t, BROKER)),
        ),
        [`${LOGS}/Microsoft-Windows-TerminalServices-SessionBroker-Client%4Operational.evtx`]: evtx(
          repeat(5, 15, at(INCIDENT, 1), (t) => brokerEvent(1296, t, BROKER)),
        ),
        "reg/system.reg": utf16leBom(
          regExport([
            selectKey(1),
            { key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\ComputerName\\ComputerName", values: [["ComputerName", { sz: "RDCB01" }]] },
            {
              key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters",
              values: [
                ["Hostname", { sz: "rdcb01" }],
                ["NV Hostname", { sz: "rdcb01" }],
                ["Domain", { sz: "contoso.local" }],
              ],
            },
            {
              key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Services\\MSSQL$MICROSOFT##WID",
              values: [
                ["Start", { dword: 2 }],
                ["ObjectName", { sz: "NT SERVICE\\MSSQL$MICROSOFT##WID" }],
              ],
            },
            {
              key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Services\\Tssdis",
              values: [
                ["Start", { dword: 2 }],
                ["ObjectName", { sz: "NT AUTHORITY\\NetworkService" }],
              ],
            },
          ]),
        ),
      },
      expected: {
        description: "broker errors without a rename: database or WID failure, medium",
        expect: [{ scenario: "broker-hostname-changed", confidence: "medium", subCause: "database-or-rpc-failure" }],
        absent: ALL.filter((s) => s !== "broker-hostname-changed"),
        exclusive: true,
      },
    },
    {
      name: "rdp-cert-pinned-key-inaccessible",
      description:
        "SSLCertificateSHA1Hash pins a CA-issued certificate that is in the machine's MY store (CNG key), but RCM 1055 repeats with its thumbprint: NETWORK SERVICE cannot read the certificate's private key.",
      files: {
        [SYSTEM_LOG]: systemLog(repeat(5, 20, INCIDENT, (t) => rcmPinnedKeyEvent(t, COMPUTER, PINNED_THUMBPRINT))),
        "reg/system.reg": utf16leBom(
          regExport([selectKey(1), rdpTcpKey("ControlSet001", [["SSLCertificateSHA1Hash", { hex: PINNED_THUMBPRINT.toLowerCase() }]])]),
        ),
        "reg/software.reg": utf16leBom(
          regExport([
            cryptographyKey(),
            currentVersionKey(),
            { key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\SystemCertificates\\MY\\Certificates" },
            {
              key: `HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\SystemCertificates\\MY\\Certificates\\${PINNED_THUMBPRINT}`,
              values: [["Blob", { hex: certificateStoreBlob(PINNED_THUMBPRINT, "le-rdp-2026-vm-web01") }]],
            },
            { key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop\\Certificates" },
            {
              key: `HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop\\Certificates\\${SELF_SIGNED_THUMBPRINT}`,
              values: [["Blob", { hex: "03000000010000001400000059eff2e3b509c83137e81085e02a1ac63a7e61aa" }]],
            },
          ]),
        ),
      },
      expected: {
        description: "pinned certificate present, its key unreadable: medium, online ACL fix",
        expect: [{ scenario: "rdp-cert-thumbprint-mismatch", confidence: "medium", subCause: "pinned-key-inaccessible" }],
        absent: ALL.filter((s) => s !== "rdp-cert-thumbprint-mismatch"),
        exclusive: true,
      },
    },
  ];
}

/** Every file of every case, relative to samples/, including expected.json and README.md. */
export function sampleFiles(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const c of sampleCases()) {
    for (const [rel, bytes] of Object.entries(c.files)) out.set(`${c.name}/${rel}`, bytes);
    out.set(`${c.name}/expected.json`, utf8(JSON.stringify(c.expected, null, 2) + "\n"));
    out.set(`${c.name}/README.md`, utf8(`# ${c.name}\n\n${c.description}\n`));
  }
  return out;
}

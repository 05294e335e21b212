// Sample cases for the configuration scenarios (scenarios.md §5): RDP turned off, the listener off, a
// moved port, TermService and the DHCP Client disabled or crashing, NLA/CredSSP and FIPS settings, the
// guest firewall, RDS licensing and password guessing. Each scenario has a case where it is the only
// finding, and quiet cases hold the healthy values. Deterministic like cases.ts: no clock, no
// randomness (a fixed linear congruential sequence picks the attackers' addresses and names).
import { writeEvtx, type EventSpec } from "../../src/evtxWriter/index.js";
import type { SampleCase } from "./cases.js";
import { regExport, regQuery, type RegData, type RegKey } from "./dumps.js";
import { utf16leBom, utf8 } from "./encode.js";
import { rcmSystemEvent, SCM, at, systemBackground } from "./events.js";

const LOGS = "Windows/System32/winevt/Logs";
const SYSTEM_LOG = `${LOGS}/System.evtx`;
const SECURITY_LOG = `${LOGS}/Security.evtx`;
const RDPCORETS_LOG = `${LOGS}/Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx`;
const BASE = "2026-11-10T06:00:00Z";
const INCIDENT = "2026-11-19T22:40:00Z";
const COMPUTER = "vm-app02";

/** Every scenario id, old and new: the quiet cases must not raise any. */
export const CONFIG_SCENARIOS = [
  "rdp-disabled",
  "rdp-listener-off",
  "rdp-port-changed",
  "termservice-not-running",
  "nla-credssp-policy",
  "fips-encryption-mismatch",
  "guest-firewall-blocks-rdp",
  "rds-licensing",
  "dhcp-client-disabled",
  "rdp-brute-force",
];
const ALL = ["rdp-cert-machinekeys", "rdp-cert-thumbprint-mismatch", "tls-protocol-disabled", "broker-hostname-changed", ...CONFIG_SCENARIOS];
const allBut = (...ids: string[]) => ALL.filter((s) => !ids.includes(s));

// ── Registry (reg export of the keys scenarios.md §6 collects) ───────────────────────────────────

const SYS = (cs = "ControlSet001", mount = "BROKENSYSTEM") => `HKEY_LOCAL_MACHINE\\${mount}\\${cs}`;
const SOFT = "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE";

const selectKey = (current = 1, mount = "BROKENSYSTEM"): RegKey => ({
  key: `HKEY_LOCAL_MACHINE\\${mount}\\Select`,
  values: [
    ["Current", { dword: current }],
    ["Default", { dword: current }],
    ["Failed", { dword: 0 }],
    ["LastKnownGood", { dword: current }],
  ],
});

type Values = [string, RegData][];

/** Replaces or adds values by name (case-insensitive), keeping the order of the defaults. */
function withValues(defaults: Values, changes: Values = []): Values {
  const out = defaults.map(([n, d]): [string, RegData] => [n, changes.find(([c]) => c.toLowerCase() === n.toLowerCase())?.[1] ?? d]);
  for (const c of changes) if (!defaults.some(([n]) => n.toLowerCase() === c[0].toLowerCase())) out.push(c);
  return out;
}

/** Control\Terminal Server as an Azure Windows Server 2019 image has it, with RDP-Tcp and RCM\Licensing Core. */
function terminalServerKeys(options: { ts?: Values; rdpTcp?: Values; licensingMode?: number; cs?: string } = {}): RegKey[] {
  const ts = `${SYS(options.cs)}\\Control\\Terminal Server`;
  const keys: RegKey[] = [
    {
      key: ts,
      values: withValues(
        [
          ["AllowRemoteRPC", { dword: 0 }],
          ["DelayConMgrTimeout", { dword: 0 }],
          ["fDenyTSConnections", { dword: 0 }],
          ["fSingleSessionPerUser", { dword: 1 }],
          ["ProductVersion", { sz: "5.1" }],
          ["TSUserEnabled", { dword: 0 }],
        ],
        options.ts,
      ),
    },
    { key: `${ts}\\RCM` },
  ];
  if (options.licensingMode !== undefined) keys.push({ key: `${ts}\\RCM\\Licensing Core`, values: [["LicensingMode", { dword: options.licensingMode }]] });
  keys.push({ key: `${ts}\\WinStations`, values: [["IdleWinStationPoolCount", { dword: 0 }]] });
  keys.push({ key: `${ts}\\WinStations\\Console`, values: [["fEnableWinStation", { dword: 1 }]] });
  keys.push({
    key: `${ts}\\WinStations\\RDP-Tcp`,
    values: withValues(
      [
        ["PortNumber", { dword: 3389 }],
        ["SecurityLayer", { dword: 2 }],
        ["UserAuthentication", { dword: 1 }],
        ["MinEncryptionLevel", { dword: 2 }],
        ["fEnableWinStation", { dword: 1 }],
        ["fLogonDisabled", { dword: 0 }],
        ["MaxInstanceCount", { dword: 0xffffffff }],
      ],
      options.rdpTcp,
    ),
  });
  return keys;
}

function serviceKey(name: string, values: Values, cs?: string): RegKey {
  return { key: `${SYS(cs)}\\Services\\${name}`, values };
}

const termServiceKeys = (changes: Values = [], cs?: string): RegKey[] => [
  serviceKey(
    "TermService",
    withValues(
      [
        ["DisplayName", { sz: "@%SystemRoot%\\System32\\termsrv.dll,-268" }],
        ["ImagePath", { expand: "%SystemRoot%\\System32\\svchost.exe -k NetworkService" }],
        ["ObjectName", { sz: "NT Authority\\NetworkService" }],
        ["Start", { dword: 3 }],
        ["Type", { dword: 0x20 }],
      ],
      changes,
    ),
    cs,
  ),
  { key: `${SYS(cs)}\\Services\\TermService\\Parameters`, values: [["ServiceDll", { expand: "%SystemRoot%\\System32\\termsrv.dll" }]] },
];

const rdpServiceKeys = (): RegKey[] => [
  serviceKey("SessionEnv", [
    ["ObjectName", { sz: "localSystem" }],
    ["Start", { dword: 3 }],
    ["Type", { dword: 0x20 }],
  ]),
  serviceKey("UmRdpService", [
    ["ObjectName", { sz: "localSystem" }],
    ["Start", { dword: 3 }],
    ["Type", { dword: 0x20 }],
  ]),
];

const NIC = "{6B2F3A1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C}";
const dhcpKeys = (changes: Values = []): RegKey[] => [
  serviceKey(
    "Dhcp",
    withValues(
      [
        ["DisplayName", { sz: "@%SystemRoot%\\system32\\dhcpcore.dll,-100" }],
        ["ObjectName", { sz: "NT Authority\\LocalService" }],
        ["Start", { dword: 2 }],
        ["Type", { dword: 0x20 }],
      ],
      changes,
    ),
  ),
  serviceKey("Tcpip\\Parameters", [
    ["Hostname", { sz: COMPUTER }],
    ["NV Hostname", { sz: COMPUTER }],
  ]),
  serviceKey(`Tcpip\\Parameters\\Interfaces\\${NIC}`, [
    ["EnableDHCP", { dword: 1 }],
    ["DhcpIPAddress", { sz: "10.0.0.4" }],
  ]),
];

const lsaKeys = (changes: Values = [], fips = 0): RegKey[] => [
  {
    key: `${SYS()}\\Control\\Lsa`,
    values: withValues(
      [
        ["LimitBlankPasswordUse", { dword: 1 }],
        ["NoLmHash", { dword: 1 }],
        ["disabledomaincreds", { dword: 0 }],
        ["everyoneincludesanonymous", { dword: 0 }],
      ],
      changes,
    ),
  },
  { key: `${SYS()}\\Control\\Lsa\\FIPSAlgorithmPolicy`, values: [["Enabled", { dword: fips }]] },
];

// The Windows Firewall's local store: three profiles on, and the built-in rules an RDP check touches.
const RULE = {
  rdpTcp: (port = 3389, active = "TRUE") =>
    `v2.28|Action=Allow|Active=${active}|Dir=In|Protocol=6|LPort=${port}|App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|Name=@FirewallAPI.dll,-28775|Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|`,
  rdpUdp: (port = 3389, active = "TRUE") =>
    `v2.28|Action=Allow|Active=${active}|Dir=In|Protocol=17|LPort=${port}|App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|Name=@FirewallAPI.dll,-28776|Desc=@FirewallAPI.dll,-28777|EmbedCtxt=@FirewallAPI.dll,-28752|`,
  rdpShadow: "v2.28|Action=Allow|Active=TRUE|Dir=In|Protocol=6|App=%SystemRoot%\\system32\\RdpSa.exe|Name=@FirewallAPI.dll,-28778|Desc=@FirewallAPI.dll,-28779|EmbedCtxt=@FirewallAPI.dll,-28752|Edge=TRUE|Defer=App|",
  dhcpIn: "v2.28|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=68|RPort=67|App=%SystemRoot%\\system32\\svchost.exe|Svc=dhcp|Name=@FirewallAPI.dll,-25301|Desc=@FirewallAPI.dll,-25303|EmbedCtxt=@FirewallAPI.dll,-25000|",
  winrm: "v2.28|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|Profile=Private|LPort=5985|App=System|Name=@FirewallAPI.dll,-35001|Desc=@FirewallAPI.dll,-35002|EmbedCtxt=@FirewallAPI.dll,-35002|",
  icmp: "v2.28|Action=Allow|Active=FALSE|Dir=In|Protocol=1|Profile=Domain|ICMP4=8:*|App=System|Name=@FirewallAPI.dll,-28543|Desc=@FirewallAPI.dll,-28547|EmbedCtxt=@FirewallAPI.dll,-28502|",
};

function firewallKeys(options: { rdpPort?: number; rdpActive?: "TRUE" | "FALSE"; profiles?: Values; extraRules?: Values } = {}): RegKey[] {
  const fw = `${SYS()}\\Services\\SharedAccess\\Parameters\\FirewallPolicy`;
  const profile = (name: string): RegKey => ({
    key: `${fw}\\${name}`,
    values: withValues(
      [
        ["EnableFirewall", { dword: 1 }],
        ["DisableNotifications", { dword: 1 }],
        ["DoNotAllowExceptions", { dword: 0 }],
      ],
      options.profiles,
    ),
  });
  return [
    serviceKey("SharedAccess", [["Start", { dword: 3 }]]),
    { key: `${SYS()}\\Services\\SharedAccess\\Parameters` },
    { key: fw },
    profile("DomainProfile"),
    profile("StandardProfile"),
    profile("PublicProfile"),
    {
      key: `${fw}\\FirewallRules`,
      values: [
        ["RemoteDesktop-UserMode-In-TCP", { sz: RULE.rdpTcp(options.rdpPort, options.rdpActive) }],
        ["RemoteDesktop-UserMode-In-UDP", { sz: RULE.rdpUdp(options.rdpPort, options.rdpActive) }],
        ["RemoteDesktop-Shadow-In-TCP", { sz: RULE.rdpShadow }],
        ["CoreNet-DHCP-In", { sz: RULE.dhcpIn }],
        ["WINRM-HTTP-In-TCP", { sz: RULE.winrm }],
        ["FPS-ICMP4-ERQ-In", { sz: RULE.icmp }],
        ...(options.extraRules ?? []),
      ],
    },
  ];
}

const currentVersionKey = (): RegKey => ({
  key: `${SOFT}\\Microsoft\\Windows NT\\CurrentVersion`,
  values: [
    ["CurrentBuild", { sz: "17763" }],
    ["ProductName", { sz: "Windows Server 2019 Datacenter" }],
  ],
});

const policiesKeys = (tsPolicy: Values = [], extra: RegKey[] = []): RegKey[] => [
  { key: `${SOFT}\\Policies` },
  { key: `${SOFT}\\Policies\\Microsoft\\Windows NT\\Terminal Services`, values: tsPolicy },
  ...extra,
];

const componentsKeys = (rdsh: number): RegKey[] => [
  { key: `${SOFT}\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache` },
  { key: `${SOFT}\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache\\RDS-RD-Server`, values: [["InstallState", { dword: rdsh }]] },
  { key: `${SOFT}\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache\\Web-Server`, values: [["InstallState", { dword: 0 }]] },
];

const reg = (keys: RegKey[]) => utf16leBom(regExport(keys));

// ── Events ───────────────────────────────────────────────────────────────────────────────────────

function evtx(events: EventSpec[]): Uint8Array {
  return writeEvtx([...events].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated)), { dirty: true });
}

function systemLog(extra: EventSpec[] = []): Uint8Array {
  return evtx([...systemBackground(BASE, COMPUTER, 100), ...extra]);
}

function repeat(count: number, everyMinutes: number, start: string, make: (time: string, i: number) => EventSpec): EventSpec[] {
  return Array.from({ length: count }, (_, i) => make(at(start, i * everyMinutes, i * 113), i));
}

const utf16Hex = (s: string) => Buffer.from(s + "\0", "utf16le").toString("hex").toUpperCase();

/** Service Control Manager event: param1..N, then Binary = the service key name (UTF-16LE, NUL-terminated). */
function scmEvent(eventId: number, time: string, params: string[], keyName: string | null): EventSpec {
  const error = eventId !== 7040 && eventId !== 7036;
  const data: NonNullable<EventSpec["data"]> = params.map((value, i) => ({ name: `param${i + 1}`, value, type: "string" as const }));
  if (keyName) data.push({ name: null, value: utf16Hex(keyName), type: "binary", element: "Binary" });
  return {
    ...SCM,
    eventId,
    qualifiers: error ? 49152 : 16384,
    version: 0,
    level: error ? 2 : 4,
    task: 0,
    opcode: 0,
    keywords: 0x8080000000000000n,
    timeCreated: time,
    processId: 676,
    threadId: 4312,
    channel: "System",
    computer: COMPUTER,
    ...(eventId === 7040 ? { userSid: "S-1-5-18" } : {}),
    data,
  };
}

/** RemoteConnectionManager licensing events in System (classic, no insertion strings). */
function rcmLicensingEvent(eventId: 1069 | 1128 | 1130, time: string): EventSpec {
  return rcmSystemEvent(eventId, time, COMPUTER, [], eventId === 1130 ? "warning" : "error");
}

const SECURITY = { provider: "Microsoft-Windows-Security-Auditing", providerGuid: "{54849625-5478-4994-A5BA-3E3B0328C30D}" };

/** Security 4625 as NLA's pre-authentication logs it (logon type 3, NTLM), field layout of real records [corpus]. */
function logonFailed(time: string, user: string, ip: string, subStatus = "0xc000006a", status = "0xc000006d"): EventSpec {
  return {
    ...SECURITY,
    eventId: 4625,
    version: 0,
    level: 0,
    task: 12544,
    opcode: 0,
    keywords: 0x8010000000000000n,
    timeCreated: time,
    processId: 668,
    threadId: 3020,
    channel: "Security",
    computer: COMPUTER,
    data: [
      { name: "SubjectUserSid", value: "S-1-0-0", type: "sid" },
      { name: "SubjectUserName", value: "-", type: "string" },
      { name: "SubjectDomainName", value: "-", type: "string" },
      { name: "SubjectLogonId", value: "0x0", type: "hex64" },
      { name: "TargetUserSid", value: "S-1-0-0", type: "sid" },
      { name: "TargetUserName", value: user, type: "string" },
      { name: "TargetDomainName", value: "", type: "string" },
      { name: "Status", value: status, type: "hex32" },
      { name: "FailureReason", value: "%%2313", type: "string" },
      { name: "SubStatus", value: subStatus, type: "hex32" },
      { name: "LogonType", value: 3, type: "uint32" },
      { name: "LogonProcessName", value: "NtLmSsp ", type: "string" },
      { name: "AuthenticationPackageName", value: "NTLM", type: "string" },
      { name: "WorkstationName", value: "-", type: "string" },
      { name: "TransmittedServices", value: "-", type: "string" },
      { name: "LmPackageName", value: "-", type: "string" },
      { name: "KeyLength", value: 0, type: "uint32" },
      { name: "ProcessId", value: "0x0", type: "hex64" },
      { name: "ProcessName", value: "-", type: "string" },
      { name: "IpAddress", value: ip, type: "string" },
      { name: "IpPort", value: "0", type: "string" },
    ],
  };
}

/** Security 4624, logon type 10 (RemoteInteractive): the legitimate user over RDP. */
function logonSucceeded(time: string, user: string, ip: string): EventSpec {
  return {
    ...SECURITY,
    eventId: 4624,
    version: 2,
    level: 0,
    task: 12544,
    opcode: 0,
    keywords: 0x8020000000000000n,
    timeCreated: time,
    processId: 668,
    threadId: 3020,
    channel: "Security",
    computer: COMPUTER,
    data: [
      { name: "SubjectUserSid", value: "S-1-5-18", type: "sid" },
      { name: "SubjectUserName", value: `${COMPUTER.toUpperCase()}$`, type: "string" },
      { name: "SubjectDomainName", value: "WORKGROUP", type: "string" },
      { name: "SubjectLogonId", value: "0x3e7", type: "hex64" },
      { name: "TargetUserSid", value: "S-1-5-21-3623811015-3361044348-30300820-500", type: "sid" },
      { name: "TargetUserName", value: user, type: "string" },
      { name: "TargetDomainName", value: COMPUTER.toUpperCase(), type: "string" },
      { name: "TargetLogonId", value: "0x5f3a21", type: "hex64" },
      { name: "LogonType", value: 10, type: "uint32" },
      { name: "LogonProcessName", value: "User32 ", type: "string" },
      { name: "AuthenticationPackageName", value: "Negotiate", type: "string" },
      { name: "WorkstationName", value: COMPUTER.toUpperCase(), type: "string" },
      { name: "LogonGuid", value: "{00000000-0000-0000-0000-000000000000}", type: "guid" },
      { name: "TransmittedServices", value: "-", type: "string" },
      { name: "LmPackageName", value: "-", type: "string" },
      { name: "KeyLength", value: 0, type: "uint32" },
      { name: "ProcessId", value: "0x2a8", type: "hex64" },
      { name: "ProcessName", value: "C:\\Windows\\System32\\svchost.exe", type: "string" },
      { name: "IpAddress", value: ip, type: "string" },
      { name: "IpPort", value: "0", type: "string" },
    ],
  };
}

/** RdpCoreTS 140: a connection failed because the user name or password is not correct [corpus]. */
function rdpCoreTs140(time: string, ip: string): EventSpec {
  return {
    provider: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS",
    providerGuid: "{1139C61B-B549-4251-8ED3-27250A1EDEC8}",
    eventId: 140,
    version: 0,
    level: 3,
    task: 4,
    opcode: 14,
    keywords: 0x4000000000000000n,
    timeCreated: time,
    processId: 1116,
    threadId: 4080,
    channel: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational",
    computer: COMPUTER,
    userSid: "S-1-5-20",
    data: [{ name: "IPString", value: ip, type: "string" }],
  };
}

/** A fixed pseudo-random sequence (Numerical Recipes LCG): the same "attack" every run. */
function sequence(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 0x1_0000_0000;
  };
}

const ATTACKERS = ["185.224.128.17", "45.141.84.126", "193.32.162.70", "80.94.95.81", "141.98.11.29", "92.63.197.153", "194.165.16.72", "5.188.206.18"];
const GUESSED = [
  "administrator", "admin", "user", "test", "guest", "scanner", "backup", "support", "sql", "server", "user1", "administrador",
  "azureuser", "adm", "operator", "demo", "remote", "rdp", "root", "manager", "office", "sales", "reception", "temp",
  "oracle", "ftp", "it", "helpdesk", "accounting", "student",
];
const LEGIT_USER = "azureuser";
const LEGIT_IP = "198.51.100.20";

function bruteForceSecurityLog(): Uint8Array {
  const next = sequence(20261119);
  const attack = repeat(120, 0.3, INCIDENT, (t) => logonFailed(t, GUESSED[Math.floor(next() * GUESSED.length)], ATTACKERS[Math.floor(next() * ATTACKERS.length)]));
  const earlier = [0, 1, 2, 3].map((d) => logonSucceeded(at(BASE, d * 1440 + 95), LEGIT_USER, LEGIT_IP));
  return evtx([...earlier, ...attack]);
}

// ── The cases ────────────────────────────────────────────────────────────────────────────────────

/** A complete healthy collection: every key the configuration scenarios read, at Windows' defaults. */
function healthyRegistry(): { system: RegKey[]; software: RegKey[] } {
  return {
    system: [selectKey(1), ...terminalServerKeys(), ...termServiceKeys(), ...rdpServiceKeys(), ...dhcpKeys(), ...lsaKeys(), ...firewallKeys()],
    software: [
      currentVersionKey(),
      ...policiesKeys([["fAllowToGetHelp", { dword: 0 }]]),
      { key: `${SOFT}\\Microsoft\\Windows\\CurrentVersion\\Policies\\System`, values: [["EnableLUA", { dword: 1 }]] },
      ...componentsKeys(0),
    ],
  };
}

export function configSampleCases(): SampleCase[] {
  const healthy = healthyRegistry();
  return [
    {
      name: "rdp-disabled-policy",
      description:
        "A Group Policy sets fDenyTSConnections = 1 under SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services; the local Terminal Server value is 0 and is overridden.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/select.reg": reg([selectKey(1)]),
        "reg/terminal-server.reg": reg(terminalServerKeys()),
        "reg/policies.reg": reg(policiesKeys([["fDenyTSConnections", { dword: 1 }], ["fAllowToGetHelp", { dword: 0 }]])),
      },
      expected: {
        description: "policy denies RDP (wins over the local 0)",
        expect: [{ scenario: "rdp-disabled", confidence: "high", subCause: "denied-by-policy" }],
        absent: allBut("rdp-disabled"),
        exclusive: true,
      },
    },
    {
      name: "rdp-disabled-local",
      description:
        "fDenyTSConnections = 1 under Control\\Terminal Server (reg query /s dump redirected in an English cmd.exe), no Terminal Services policy: Remote Desktop turned off in System Properties.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/select.reg": reg([selectKey(1)]),
        "reg/terminal-server.txt": utf8(
          regQuery([
            {
              key: `${SYS()}\\Control\\Terminal Server`,
              values: [
                ["AllowRemoteRPC", "REG_DWORD", "0x0"],
                ["fDenyTSConnections", "REG_DWORD", "0x1"],
                ["fSingleSessionPerUser", "REG_DWORD", "0x1"],
                ["TSUserEnabled", "REG_DWORD", "0x0"],
              ],
            },
            {
              key: `${SYS()}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`,
              values: [
                ["fEnableWinStation", "REG_DWORD", "0x1"],
                ["PortNumber", "REG_DWORD", "0xd3d"],
                ["SecurityLayer", "REG_DWORD", "0x2"],
                ["UserAuthentication", "REG_DWORD", "0x1"],
              ],
            },
          ]),
        ),
        "reg/policies.reg": reg(policiesKeys([["fAllowToGetHelp", { dword: 0 }]])),
      },
      expected: {
        description: "RDP denied locally, no policy overrides it",
        expect: [{ scenario: "rdp-disabled", confidence: "high", subCause: "denied" }],
        absent: allBut("rdp-disabled"),
        exclusive: true,
      },
    },
    {
      name: "rdp-listener-disabled",
      description: "RDP is allowed (fDenyTSConnections = 0) but the RDP-Tcp listener is disabled: fEnableWinStation = 0.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys({ rdpTcp: [["fEnableWinStation", { dword: 0 }]] })]),
      },
      expected: {
        description: "listener disabled",
        expect: [{ scenario: "rdp-listener-off", confidence: "high", subCause: "listener-disabled" }],
        absent: allBut("rdp-listener-off"),
        exclusive: true,
      },
    },
    {
      name: "rdp-drain-mode",
      description:
        "A reg query dump (Select, then Terminal Server of both control sets) under the mount name OFFLINE_SYS with Select\\Current = 2: TSServerDrainMode = 1 in ControlSet002 (in effect), 0 in the stale ControlSet001.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        // Select and both control sets in one file (`reg query … >>` appending), the way the engineer ran it.
        "reg/terminal-server.txt": utf16leBom(
          regQuery([
            {
              key: "HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\Select",
              values: [["Current", "REG_DWORD", "0x2"], ["Default", "REG_DWORD", "0x2"], ["Failed", "REG_DWORD", "0x0"], ["LastKnownGood", "REG_DWORD", "0x1"]],
            },
            ...["ControlSet001", "ControlSet002"].flatMap((cs) => [
              {
                key: `HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\${cs}\\Control\\Terminal Server`,
                values: [
                  ["fDenyTSConnections", "REG_DWORD", "0x0"],
                  ["TSServerDrainMode", "REG_DWORD", cs === "ControlSet002" ? "0x1" : "0x0"],
                  ["TSUserEnabled", "REG_DWORD", "0x0"],
                ] as [string, string, string][],
              },
              {
                key: `HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\${cs}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`,
                values: [
                  ["fEnableWinStation", "REG_DWORD", "0x1"],
                  ["PortNumber", "REG_DWORD", "0xd3d"],
                ] as [string, string, string][],
              },
            ]),
          ]),
        ),
      },
      expected: {
        description: "drain mode in the control set in effect; the offline script names OFFLINE_SYS and ControlSet002",
        expect: [{ scenario: "rdp-listener-off", confidence: "high", subCause: "drain-mode" }],
        absent: allBut("rdp-listener-off"),
        exclusive: true,
      },
    },
    {
      name: "rdp-port-changed",
      description:
        "RDP-Tcp PortNumber = 3390 while the guest firewall's built-in Remote Desktop rules still admit only 3389 (all three profiles on).",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys({ rdpTcp: [["PortNumber", { dword: 3390 }]] }), ...firewallKeys()]),
        "reg/policies.reg": reg(policiesKeys()),
      },
      expected: {
        description: "moved port that no firewall rule admits (the firewall scenario leaves it to rdp-port-changed)",
        expect: [{ scenario: "rdp-port-changed", confidence: "high", subCause: "port-changed-not-allowed" }],
        absent: allBut("rdp-port-changed"),
        exclusive: true,
      },
    },
    {
      name: "rdp-port-changed-rule-follows",
      description: "RDP-Tcp PortNumber = 3390 and the Remote Desktop firewall rules were moved to 3390 as well: only the NSG and the client can still be wrong.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys({ rdpTcp: [["PortNumber", { dword: 3390 }]] }), ...firewallKeys({ rdpPort: 3390 })]),
        "reg/policies.reg": reg(policiesKeys()),
      },
      expected: {
        description: "moved port the guest firewall admits: low",
        expect: [{ scenario: "rdp-port-changed", confidence: "low", subCause: "port-changed" }],
        absent: allBut("rdp-port-changed"),
        exclusive: true,
      },
    },
    {
      name: "termservice-disabled",
      description:
        "TermService Start = 4 (disabled); SCM 7040 records the change to disabled and 7000 'failed to start' with %%1058 follows at every attempt.",
      files: {
        [SYSTEM_LOG]: systemLog([
          scmEvent(7040, at(INCIDENT, -90), ["Remote Desktop Services", "demand start", "disabled", "TermService"], null),
          ...repeat(4, 17, INCIDENT, (t) => scmEvent(7000, t, ["Remote Desktop Services", "%%1058"], "TermService")),
        ]),
        "reg/system.reg": reg([selectKey(1), ...termServiceKeys([["Start", { dword: 4 }]]), ...rdpServiceKeys()]),
      },
      expected: {
        description: "TermService disabled, confirmed by SCM",
        expect: [{ scenario: "termservice-not-running", confidence: "high", subCause: "disabled" }],
        absent: allBut("termservice-not-running"),
        exclusive: true,
      },
    },
    {
      name: "termservice-crashing",
      description: "TermService at its defaults, but SCM 7031 (terminated unexpectedly, restarting) three times in the last hours before the copy.",
      files: {
        [SYSTEM_LOG]: systemLog(
          repeat(3, 43, INCIDENT, (t, i) => scmEvent(7031, t, ["Remote Desktop Services", String(i + 1), "60000", "1", "Restart the service"], "TermService")),
        ),
        "reg/system.reg": reg([selectKey(1), ...termServiceKeys(), ...rdpServiceKeys()]),
      },
      expected: {
        description: "repeated crashes: medium",
        expect: [{ scenario: "termservice-not-running", confidence: "medium", subCause: "crashing" }],
        absent: allBut("termservice-not-running"),
        exclusive: true,
      },
    },
    {
      name: "termservice-default-quiet",
      description:
        "TermService Start = 3 as NT Authority\\NetworkService (Windows' default); the System log has SCM 7000/7023 only for other services (CldFlt, iphlpsvc): noise.",
      files: {
        [SYSTEM_LOG]: systemLog([
          scmEvent(7000, at(INCIDENT, 0), ["CldFlt", "%%50"], "CldFlt"),
          scmEvent(7023, at(INCIDENT, 5), ["IP Helper", "%%1058"], "iphlpsvc"),
        ]),
        "reg/system.reg": reg([selectKey(1), ...termServiceKeys(), ...rdpServiceKeys(), ...dhcpKeys()]),
      },
      expected: { description: "default TermService, other services' SCM errors are noise", expect: [], absent: ALL, exclusive: true },
    },
    {
      name: "nla-domain-creds-disabled",
      description: "NLA is required (UserAuthentication = 1) and Control\\Lsa\\disabledomaincreds = 1: domain credentials are refused.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys(), ...lsaKeys([["disabledomaincreds", { dword: 1 }]])]),
      },
      expected: {
        description: "NLA with domain credentials refused",
        expect: [{ scenario: "nla-credssp-policy", confidence: "high", subCause: "domain-credentials-refused" }],
        absent: allBut("nla-credssp-policy"),
        exclusive: true,
      },
    },
    {
      name: "credssp-force-updated-clients",
      description: "The CredSSP Encryption Oracle Remediation policy is Force Updated Clients (AllowEncryptionOracle = 0): unpatched clients are refused.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys(), ...lsaKeys()]),
        "reg/policies-system.reg": reg([
          { key: `${SOFT}\\Microsoft\\Windows\\CurrentVersion\\Policies\\System`, values: [["EnableLUA", { dword: 1 }]] },
          { key: `${SOFT}\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP` },
          { key: `${SOFT}\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters`, values: [["AllowEncryptionOracle", { dword: 0 }]] },
        ]),
      },
      expected: {
        description: "CredSSP forces updated clients: medium",
        expect: [{ scenario: "nla-credssp-policy", confidence: "medium", subCause: "force-updated-clients" }],
        absent: allBut("nla-credssp-policy"),
        exclusive: true,
      },
    },
    {
      name: "fips-min-encryption",
      description: "FIPS-compliant algorithms enforced (Lsa\\FIPSAlgorithmPolicy\\Enabled = 1) and RDP-Tcp MinEncryptionLevel = 4 (FIPS).",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys({ rdpTcp: [["MinEncryptionLevel", { dword: 4 }]] }), ...lsaKeys([], 1)]),
      },
      expected: {
        description: "both FIPS settings: medium",
        expect: [{ scenario: "fips-encryption-mismatch", confidence: "medium", subCause: "fips-enforced" }],
        absent: allBut("fips-encryption-mismatch"),
        exclusive: true,
      },
    },
    {
      name: "guest-firewall-rdp-rule-off",
      description: "All three firewall profiles on, and the built-in Remote Desktop rules (TCP and UDP) left at Active=FALSE: nothing admits TCP 3389.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys(), ...firewallKeys({ rdpActive: "FALSE" })]),
        "reg/policies.reg": reg(policiesKeys()),
      },
      expected: {
        description: "RDP rule disabled on every profile",
        expect: [{ scenario: "guest-firewall-blocks-rdp", confidence: "high", subCause: "rdp-rule-disabled" }],
        absent: allBut("guest-firewall-blocks-rdp"),
        exclusive: true,
      },
    },
    {
      name: "guest-firewall-policy-block-all",
      description:
        "A WindowsFirewall Group Policy turns on 'Block all incoming connections' (DoNotAllowExceptions = 1) for the Domain, Private and Public profiles; the local rules are intact.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        "reg/system.reg": reg([selectKey(1), ...terminalServerKeys(), ...firewallKeys()]),
        "reg/policies.reg": reg(
          policiesKeys(
            [],
            ["DomainProfile", "PrivateProfile", "PublicProfile"].map((p) => ({
              key: `${SOFT}\\Policies\\Microsoft\\WindowsFirewall\\${p}`,
              values: [
                ["EnableFirewall", { dword: 1 }],
                ["DoNotAllowExceptions", { dword: 1 }],
              ] as Values,
            })),
          ),
        ),
      },
      expected: {
        description: "policy blocks all inbound on every profile",
        expect: [{ scenario: "guest-firewall-blocks-rdp", confidence: "high", subCause: "block-all-inbound" }],
        absent: allBut("guest-firewall-blocks-rdp"),
        exclusive: true,
      },
    },
    {
      name: "rds-licensing-grace-ended",
      description:
        "RD Session Host role installed (RDS-RD-Server InstallState = 1), LicensingMode 5 (not configured), no SpecifiedLicenseServers; RCM 1069 and 1128 say the grace period has ended.",
      files: {
        [SYSTEM_LOG]: systemLog([
          ...repeat(3, 240, at(INCIDENT, -600), (t) => rcmLicensingEvent(1069, t)),
          ...repeat(3, 240, at(INCIDENT, -599), (t) => rcmLicensingEvent(1128, t)),
        ]),
        "reg/system.reg": reg([
          selectKey(1),
          ...terminalServerKeys({ licensingMode: 5 }),
          ...termServiceKeys(),
          { key: `${SYS()}\\Services\\TermService\\Parameters\\LicenseServers` },
        ]),
        "reg/components.reg": reg(componentsKeys(1)),
        "reg/policies.reg": reg(policiesKeys()),
      },
      expected: {
        description: "unlicensed session host past its grace period",
        expect: [{ scenario: "rds-licensing", confidence: "high", subCause: "grace-period-ended" }],
        absent: allBut("rds-licensing"),
        exclusive: true,
      },
    },
    {
      name: "dhcp-client-disabled",
      description: "Services\\Dhcp Start = 4 while the NIC uses DHCP (EnableDHCP = 1); SCM 7000 'failed to start' with %%1058 for Dhcp at boot.",
      files: {
        [SYSTEM_LOG]: systemLog(repeat(3, 31, INCIDENT, (t) => scmEvent(7000, t, ["DHCP Client", "%%1058"], "Dhcp"))),
        "reg/system.reg": reg([selectKey(1), ...dhcpKeys([["Start", { dword: 4 }]])]),
      },
      expected: {
        description: "DHCP Client disabled: no address",
        expect: [{ scenario: "dhcp-client-disabled", confidence: "high", subCause: "disabled" }],
        absent: allBut("dhcp-client-disabled"),
        exclusive: true,
      },
    },
    {
      name: "rdp-brute-force",
      description:
        "Security.evtx: 120 failed NLA logons (4625, type 3) in 36 minutes from 8 public addresses against up to 30 account names, and RdpCoreTS 140 for some of them; the legitimate user logged on over RDP (4624 type 10) on earlier days.",
      files: {
        [SECURITY_LOG]: bruteForceSecurityLog(),
        [RDPCORETS_LOG]: evtx(repeat(12, 3, INCIDENT, (t, i) => rdpCoreTs140(t, ATTACKERS[i % ATTACKERS.length]))),
      },
      expected: {
        description: "password guessing at an attack rate: medium, contributing",
        expect: [{ scenario: "rdp-brute-force", confidence: "medium", subCause: "brute-force" }],
        absent: allBut("rdp-brute-force"),
        exclusive: true,
      },
    },
    {
      name: "failed-logons-human-quiet",
      description: "Security.evtx: six failed logons by the legitimate user (mistyped password) spread over a morning, each followed by a successful RDP logon: a human rate.",
      files: {
        [SECURITY_LOG]: evtx(
          [0, 1, 2, 3, 4, 5].flatMap((i) => [
            logonFailed(at(INCIDENT, i * 47), LEGIT_USER, LEGIT_IP),
            logonSucceeded(at(INCIDENT, i * 47 + 1), LEGIT_USER, LEGIT_IP),
          ]),
        ),
      },
      expected: { description: "failed logons at a human rate are not an attack", expect: [], absent: ALL, exclusive: true },
    },
    {
      name: "config-healthy-quiet",
      description:
        "A complete healthy collection: Terminal Server, RDP-Tcp on 3389, TermService/SessionEnv/UmRdpService/Dhcp at their defaults, Lsa without FIPS or disabledomaincreds, the default firewall with the Remote Desktop rules on, no RDS role, and a Security log at a human rate.",
      files: {
        [SYSTEM_LOG]: systemLog(),
        [SECURITY_LOG]: evtx([logonFailed(at(INCIDENT, -30), LEGIT_USER, LEGIT_IP), logonSucceeded(at(INCIDENT, -29), LEGIT_USER, LEGIT_IP)]),
        "reg/system.reg": reg(healthy.system),
        "reg/software.reg": reg(healthy.software),
      },
      expected: { description: "every configuration scenario checked and healthy", expect: [], absent: ALL, exclusive: true },
    },
  ];
}

// Real-looking evidence for scenario tests, stored in a real in-memory index through the real writer.
// Records look like what the parsers produce from a rescue VM's dumps: classic RCM events with unnamed
// <Data>, Schannel with named fields, icacls entries with SIDs filled for well-known principals, and
// registry values whose raw keys carry the engineer's mount names and ControlSet00N.

import { openIndex } from "../../src/store/db.js";
import { IndexWriter } from "../../src/store/writer.js";
import { EvidenceIndex } from "../../src/store/evidence.js";
import { buildContext } from "../../src/scenarios/engine.js";
import type { Lang, ScenarioContext } from "../../src/scenarios/types.js";
import type { AclEntry, EventRecord, RegistryKey, RegistryValue } from "../../src/parsers/types.js";

// ── Time ─────────────────────────────────────────────────────────────────────────────────────────

export const AS_OF = "2024-05-20T12:00:00.000Z";

/** An EVTX-style timestamp (7 fractional digits) `days` before AS_OF, plus `minutes`. */
export function daysAgo(days: number, minutes = 0): string {
  const ms = Date.parse(AS_OF) - days * 86_400_000 + minutes * 60_000;
  return new Date(ms).toISOString().replace(/Z$/, "0000Z");
}

// ── Events ───────────────────────────────────────────────────────────────────────────────────────

export const COMPUTER = "VM-RDP01.contoso.local";
let recordId = 1000;

interface EventSpec {
  provider: string;
  providerGuid: string | null;
  eventId: number;
  time: string;
  channel: string;
  level?: number;
  qualifiers?: number | null;
  computer?: string;
  userSid?: string | null;
  fields: { name: string; value: string | null }[];
}

export function event(spec: EventSpec): EventRecord {
  return {
    recordId: recordId++,
    timeCreated: spec.time,
    provider: spec.provider,
    providerGuid: spec.providerGuid,
    eventId: spec.eventId,
    qualifiers: spec.qualifiers ?? null,
    version: 0,
    level: spec.level ?? 2,
    task: 0,
    opcode: 0,
    keywords: "0x80000000000000",
    channel: spec.channel,
    computer: spec.computer ?? COMPUTER,
    userSid: spec.userSid ?? null,
    processId: 812,
    threadId: 1404,
    activityId: null,
    fields: spec.fields.map((f, position) => ({ position, ...f })),
    chunk: 0,
    offset: 0,
    status: "chain",
  };
}

const RCM = "Microsoft-Windows-TerminalServices-RemoteConnectionManager";
const RCM_GUID = "{C76BAA63-AE81-421C-B425-340B4B24157F}";
const SCHANNEL_GUID = "{1F678132-5938-4686-9FDC-C8FF68F15C85}";

/** How a status may sit in a classic RCM event: the unnamed Data text, or a 4-byte LE Binary. */
export type RcmStatus = string | { binary: string } | null;

/** RemoteConnectionManager 1051/1055/1057/1058/1059 in System (classic: unnamed Data, Qualifiers 49152). */
export function rcmEvent(id: number, time: string, status: RcmStatus = null, computer?: string): EventRecord {
  const fields =
    status === null ? [] : typeof status === "string" ? [{ name: "Data", value: status }] : [{ name: "Binary", value: status.binary }];
  return event({ provider: RCM, providerGuid: RCM_GUID, eventId: id, time, channel: "System", qualifiers: 49152, computer, fields });
}

/** RCM 261 in its Operational log: the listener received a connection. */
export function rcm261(time: string): EventRecord {
  return event({
    provider: RCM,
    providerGuid: RCM_GUID,
    eventId: 261,
    time,
    level: 4,
    channel: "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
    userSid: "S-1-5-20",
    fields: [{ name: "listenerName", value: "RDP-Tcp" }],
  });
}

/** RdpCoreTS 131: a client connected. */
export function rdpCoreTs131(time: string, clientIp = "203.0.113.7:50112"): EventRecord {
  return event({
    provider: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS",
    providerGuid: "{1139C61B-B549-4251-8ED3-27250A1EDEC8}",
    eventId: 131,
    time,
    level: 4,
    channel: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational",
    userSid: "S-1-5-20",
    fields: [
      { name: "ConnType", value: "TCP" },
      { name: "ClientIP", value: clientIp },
    ],
  });
}

export function schannel36870(type: "server" | "client", time: string, extra: { name: string; value: string }[] = []): EventRecord {
  return event({
    provider: "Schannel",
    providerGuid: SCHANNEL_GUID,
    eventId: 36870,
    time,
    channel: "System",
    userSid: "S-1-5-18",
    fields: [
      { name: "Type", value: type },
      { name: "ErrorCode", value: "0x8009030d" },
      { name: "ErrorStatus", value: "10001" },
      ...extra,
    ],
  });
}

export function schannel36871(type: "server" | "client", time: string, errorState = "10013"): EventRecord {
  return event({
    provider: "Schannel",
    providerGuid: SCHANNEL_GUID,
    eventId: 36871,
    time,
    channel: "System",
    userSid: "S-1-5-18",
    fields: [
      { name: "Type", value: type },
      { name: "ErrorState", value: errorState },
    ],
  });
}

export function schannel36872(time: string): EventRecord {
  return event({ provider: "Schannel", providerGuid: SCHANNEL_GUID, eventId: 36872, time, channel: "System", userSid: "S-1-5-18", fields: [] });
}

/** SessionBroker 2056 in its Operational channel (insertion strings as the article renders them). */
export function sessionBroker2056(time: string, computer = COMPUTER): EventRecord {
  return event({
    provider: "Microsoft-Windows-TerminalServices-SessionBroker",
    providerGuid: "{E5BB4B31-5F1B-4A5C-9E84-1E9E3E4E1A0B}",
    eventId: 2056,
    time,
    channel: "Microsoft-Windows-TerminalServices-SessionBroker/Operational",
    userSid: "S-1-5-20",
    computer,
    fields: [
      { name: "Data", value: null },
      { name: "Data", value: null },
      { name: "Data", value: "Logon to the database failed." },
    ],
  });
}

export function sessionBrokerClient1296(time: string, computer = COMPUTER): EventRecord {
  return event({
    provider: "Microsoft-Windows-TerminalServices-SessionBroker-Client",
    providerGuid: "{3A5D4B8C-2E1F-4C6D-8B7A-9F0E1D2C3B4A}",
    eventId: 1296,
    time,
    channel: "Microsoft-Windows-TerminalServices-SessionBroker-Client/Operational",
    userSid: "S-1-5-20",
    computer,
    fields: [
      { name: "Data", value: "RDS-CB" },
      { name: "Data", value: "0x800706BA" },
      { name: "Data", value: "Remote Desktop Connection Broker is not ready for RPC communication." },
    ],
  });
}

/** EventLog 6005 ("The Event log service was started"): a harmless System record that carries a Computer name. */
export function eventLogStarted(time: string, computer = COMPUTER): EventRecord {
  return event({
    provider: "EventLog",
    providerGuid: null,
    eventId: 6005,
    time,
    level: 4,
    channel: "System",
    qualifiers: 32768,
    computer,
    fields: [{ name: "Binary", value: "E40705000100140009000A0011000000" }],
  });
}

// ── icacls ───────────────────────────────────────────────────────────────────────────────────────

export const MACHINE_GUID = "3f1e9c2a-7b4d-4e8f-9a61-0c2d5e7f8a90";
export const RDP_KEY_PREFIX = "f686aace6942fb7f7ceb231212eef4a4";
export const RDP_KEY = `${RDP_KEY_PREFIX}_${MACHINE_GUID}`;
export const machineKeysFolder = (drive = "F") => `${drive}:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys`;

export interface Ace {
  principal: string;
  sid: string | null;
  access: "allow" | "deny";
  rights: string;
  mask: number | null;
  flags?: string[];
  inherited?: boolean;
}

const allow = (principal: string, sid: string | null, rights: string, mask: number | null): Ace => ({ principal, sid, access: "allow", rights, mask });
const deny = (principal: string, sid: string | null, rights: string, mask: number | null): Ace => ({ principal, sid, access: "deny", rights, mask });

/** ACEs as icacls prints them (English rescue VM). */
export const ACE = {
  everyoneReadWrite: allow("Everyone", "S-1-1-0", "R,W", 0x12019f),
  administratorsFull: allow("BUILTIN\\Administrators", "S-1-5-32-544", "F", 0x1f01ff),
  administratorsRead: allow("BUILTIN\\Administrators", "S-1-5-32-544", "R", 0x120089),
  systemFull: allow("NT AUTHORITY\\SYSTEM", "S-1-5-18", "F", 0x1f01ff),
  networkServiceRead: allow("NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", "R", 0x120089),
  sessionEnvFull: allow("NT SERVICE\\SessionEnv", "S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833", "F", 0x1f01ff),
  denyNetworkServiceRead: deny("NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", "R", 0x120089),
  denySystemFull: deny("NT AUTHORITY\\SYSTEM", "S-1-5-18", "F", 0x1f01ff),
  everyoneRead: allow("Everyone", "S-1-1-0", "R", 0x120089),
} as const;

/** Windows' MachineKeys folder ACL: Everyone (R,W) + Administrators (F), this folder only. */
export const DEFAULT_FOLDER_ACL: Ace[] = [ACE.everyoneReadWrite, ACE.administratorsFull];
/** The RDP key file as Windows creates it on 2016 (owner SYSTEM). */
export const DEFAULT_KEY_ACL: Ace[] = [ACE.systemFull, ACE.networkServiceRead, ACE.administratorsRead];

/**
 * An `icacls MachineKeys /t /c` listing: the folder, then each file. `files` maps file names to ACEs.
 */
export function machineKeysAcl(spec: { folder?: Ace[]; files?: Record<string, Ace[]>; drive?: string }): AclEntry[] {
  const folder = machineKeysFolder(spec.drive);
  const out: AclEntry[] = [];
  let line = 1;
  const add = (path: string, aces: Ace[]) => {
    for (const a of aces) {
      out.push({
        path,
        principal: a.principal,
        sid: a.sid,
        access: a.access,
        rights: a.rights,
        mask: a.mask,
        flags: a.flags ?? [],
        inherited: a.inherited ?? false,
        line: line++,
      });
    }
    line++; // blank line between objects
  };
  add(folder, spec.folder ?? DEFAULT_FOLDER_ACL);
  for (const [name, aces] of Object.entries(spec.files ?? {})) add(`${folder}\\${name}`, aces);
  return out;
}

/** ACL rows of a registry key, as the raw-hive reader stores them (path = logical key, no line). */
export function registryKeyAcl(key: string, aces: Ace[]): AclEntry[] {
  return aces.map((a) => ({
    path: key,
    principal: a.principal,
    sid: a.sid,
    access: a.access,
    rights: a.rights,
    mask: a.mask,
    flags: a.flags ?? [],
    inherited: a.inherited ?? false,
    line: 0,
  }));
}

// ── Registry ─────────────────────────────────────────────────────────────────────────────────────

export interface Mounts {
  systemMount: string;
  softwareMount: string;
  /** Select\Current. */
  current: number;
}

export const DEFAULT_MOUNTS: Mounts = { systemMount: "BROKENSYSTEM", softwareMount: "BROKENSOFTWARE", current: 1 };

/** The raw key a `reg export` on the rescue VM prints for a logical key. */
export function rawKeyOf(logical: string, mounts: Mounts = DEFAULT_MOUNTS): string {
  const cs = `ControlSet${String(mounts.current).padStart(3, "0")}`;
  return logical
    .replace(/^HKLM\\SYSTEM\\CurrentControlSet\\/i, `HKEY_LOCAL_MACHINE\\${mounts.systemMount}\\${cs}\\`)
    .replace(/^HKLM\\SYSTEM\\/i, `HKEY_LOCAL_MACHINE\\${mounts.systemMount}\\`)
    .replace(/^HKLM\\SOFTWARE\\/i, `HKEY_LOCAL_MACHINE\\${mounts.softwareMount}\\`);
}

let regLine = 1;

export function regValue(key: string, name: string, type: string, value: RegistryValue["value"], mounts?: Mounts): RegistryValue {
  return { key, rawKey: rawKeyOf(key, mounts), name, type, value, line: regLine++ };
}

export function regKey(key: string, mounts?: Mounts): RegistryKey {
  return { key, rawKey: rawKeyOf(key, mounts), line: regLine++ };
}

export const KEYS = {
  select: "HKLM\\SYSTEM\\Select",
  rdpTcp: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp",
  terminalServer: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server",
  tsPolicy: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services",
  schannel: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
  protocol: (version: string, side: "Server" | "Client") =>
    `HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${version}\\${side}`,
  cryptography: "HKLM\\SOFTWARE\\Microsoft\\Cryptography",
  currentVersion: "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
  myCertificate: (thumb: string) => `HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\MY\\Certificates\\${thumb}`,
  remoteDesktopCertificate: (thumb: string) => `HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop\\Certificates\\${thumb}`,
  systemCertificates: "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates",
  computerName: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName",
  tcpip: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters",
  services: "HKLM\\SYSTEM\\CurrentControlSet\\Services",
  service: (name: string) => `HKLM\\SYSTEM\\CurrentControlSet\\Services\\${name}`,
  component: (name: string) => `HKLM\\SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache\\${name}`,
};

export function selectCurrent(mounts: Mounts = DEFAULT_MOUNTS): RegistryValue {
  return regValue(KEYS.select, "Current", "REG_DWORD", mounts.current, mounts);
}

export function machineGuidValue(guid = MACHINE_GUID, mounts?: Mounts): RegistryValue {
  return regValue(KEYS.cryptography, "MachineGuid", "REG_SZ", guid, mounts);
}

export function currentBuild(build: number, mounts?: Mounts): RegistryValue {
  return regValue(KEYS.currentVersion, "CurrentBuild", "REG_SZ", String(build), mounts);
}

/** A Protocols\<version>\<side> key as a .reg export has it. */
export function tlsProtocol(version: string, side: "Server" | "Client", enabled: number, disabledByDefault: number, mounts?: Mounts): RegistryValue[] {
  return [
    regValue(KEYS.protocol(version, side), "Enabled", "REG_DWORD", enabled, mounts),
    regValue(KEYS.protocol(version, side), "DisabledByDefault", "REG_DWORD", disabledByDefault, mounts),
  ];
}

/** UTF-16LE text as upper-case hex (how blobs carry names). */
function utf16Hex(text: string): string {
  return Buffer.from(text, "utf16le").toString("hex").toUpperCase();
}

/**
 * A certificate `Blob`: a KEY_PROV_INFO property naming the container and provider, then the
 * certificate element (a stub DER here: the scenarios only read the key provider).
 */
export function certificateBlob(container: string, provider: string): string {
  const provInfo = utf16Hex(container + "\0") + utf16Hex(provider + "\0");
  const len = (n: number) => Buffer.from(Uint32Array.of(n).buffer).toString("hex").toUpperCase();
  const der = "3082010A0282010100";
  return "02000000" + "01000000" + len(provInfo.length / 2) + provInfo + "20000000" + "01000000" + len(der.length / 2) + der;
}

export const RDP_CERT_THUMBPRINT = "59EFF2E3B509C83137E81085E02A1AC63A7E61AA";

/** The self-signed RDP certificate in the Remote Desktop store, keyed by TSSecKeySet1 (CAPI). */
export function remoteDesktopCertificate(thumb = RDP_CERT_THUMBPRINT, mounts?: Mounts): RegistryValue {
  return regValue(KEYS.remoteDesktopCertificate(thumb), "Blob", "REG_BINARY", certificateBlob("TSSecKeySet1", "Microsoft Enhanced Cryptographic Provider v1.0"), mounts);
}

// ── The index ────────────────────────────────────────────────────────────────────────────────────

export interface CaseEvidence {
  events?: EventRecord[];
  acl?: AclEntry[];
  registry?: RegistryValue[];
  keys?: RegistryKey[];
}

function logFileOf(channel: string | null): string {
  return `logs/${(channel ?? "Unknown").replace(/\//g, "%4")}.evtx`;
}

/** Stores the evidence as the ingest would: one source per event log, one for the ACL dump, one per registry hive. */
export function evidenceOf(spec: CaseEvidence): EvidenceIndex {
  const db = openIndex(":memory:");
  const writer = new IndexWriter(db);
  const byLog = new Map<string, EventRecord[]>();
  for (const e of spec.events ?? []) {
    const file = logFileOf(e.channel);
    byLog.set(file, [...(byLog.get(file) ?? []), e]);
  }
  const hash = (s: string) => s.padEnd(64, "0").slice(0, 64);
  for (const [file, events] of byLog) {
    writer.storeSource({ path: file, kind: "evtx", sha256: hash("ab"), size: 69632, encoding: null }, (sink) => {
      for (const e of [...events].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated))) sink.event(e);
    });
  }
  if (spec.acl?.length) {
    writer.storeSource({ path: "acl/machinekeys.txt", kind: "icacls", sha256: hash("cd"), size: 4096, encoding: "cp437" }, (sink) => {
      for (const a of spec.acl!) sink.acl(a);
    });
  }
  const values = spec.registry ?? [];
  const keys = spec.keys ?? [];
  for (const hive of ["SYSTEM", "SOFTWARE"]) {
    const inHive = (k: string) => k.toUpperCase().startsWith(`HKLM\\${hive}\\`);
    const v = values.filter((x) => inHive(x.key));
    const k = keys.filter((x) => inHive(x.key));
    if (!v.length && !k.length) continue;
    writer.storeSource({ path: `reg/${hive.toLowerCase()}.reg`, kind: "reg-file", sha256: hash("ef"), size: 2048, encoding: "utf-16le-bom" }, (sink) => {
      for (const key of k) sink.registryKey(key);
      for (const value of v) sink.registryValue(value);
    });
  }
  return new EvidenceIndex(db);
}

export function contextOf(spec: CaseEvidence, options: { lang?: Lang; asOf?: string | null; drive?: string } = {}): ScenarioContext {
  const asOf = options.asOf === null ? undefined : options.asOf ?? AS_OF;
  return buildContext(evidenceOf(spec), { lang: options.lang, asOf, drive: options.drive });
}

// ── Configuration scenarios (scenarios.md §5) ────────────────────────────────────────────────────

export const CONFIG_KEYS = {
  lsa: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa",
  fips: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FIPSAlgorithmPolicy",
  credSsp: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters",
  policiesSystem: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
  winlogon: "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon",
  winStations: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations",
  licensingCore: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core",
  licenseServers: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers",
  firewall: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy",
  firewallProfile: (p: "DomainProfile" | "StandardProfile" | "PublicProfile") =>
    `HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\${p}`,
  firewallRules: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules",
  firewallGpoProfile: (p: "DomainProfile" | "PrivateProfile" | "StandardProfile" | "PublicProfile") => `HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\${p}`,
  firewallGpoRules: "HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules",
  tcpipInterface: (guid: string) => `HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces\\${guid}`,
};

/** The built-in RDP rule string as a Windows Server 2019 local store has it. */
export function rdpFirewallRule(options: { port?: string; active?: boolean; action?: "Allow" | "Block"; extra?: string } = {}): string {
  return `v2.28|Action=${options.action ?? "Allow"}|Active=${options.active === false ? "FALSE" : "TRUE"}|Dir=In|Protocol=6|LPort=${options.port ?? "3389"}|App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|Name=@FirewallAPI.dll,-28775|Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|${options.extra ?? ""}`;
}

/** The firewall's three local profiles (on unless told) and its rules, as a SharedAccess export has them. */
export function firewallStore(options: { enabled?: number; shielded?: number; rules?: Record<string, string>; mounts?: Mounts } = {}): RegistryValue[] {
  const out: RegistryValue[] = [];
  for (const p of ["DomainProfile", "StandardProfile", "PublicProfile"] as const) {
    out.push(regValue(CONFIG_KEYS.firewallProfile(p), "EnableFirewall", "REG_DWORD", options.enabled ?? 1, options.mounts));
    out.push(regValue(CONFIG_KEYS.firewallProfile(p), "DoNotAllowExceptions", "REG_DWORD", options.shielded ?? 0, options.mounts));
  }
  const rules = options.rules ?? { "RemoteDesktop-UserMode-In-TCP": rdpFirewallRule() };
  for (const [name, rule] of Object.entries(rules)) out.push(regValue(CONFIG_KEYS.firewallRules, name, "REG_SZ", rule, options.mounts));
  return out;
}

const utf16z = (s: string) => Buffer.from(s + "\0", "utf16le").toString("hex").toUpperCase();

/** Service Control Manager event (System): param1..N, then Binary = the service key name, UTF-16LE [corpus]. */
export function scmEvent(id: number, time: string, params: string[], keyName: string | null = null): EventRecord {
  const fields = params.map((value, i) => ({ name: `param${i + 1}`, value }));
  if (keyName) fields.push({ name: "Binary", value: utf16z(keyName) });
  return event({
    provider: "Service Control Manager",
    providerGuid: "{555908D1-A6D7-4695-8E1E-26931D2012F4}",
    eventId: id,
    time,
    channel: "System",
    level: id === 7040 ? 4 : 2,
    qualifiers: id === 7040 ? 16384 : 49152,
    fields,
  });
}

/** Security 4625 with the field layout of real records [corpus]. */
export function security4625(
  time: string,
  user: string,
  ip: string,
  options: { logonType?: string; status?: string; subStatus?: string } = {},
): EventRecord {
  return event({
    provider: "Microsoft-Windows-Security-Auditing",
    providerGuid: "{54849625-5478-4994-A5BA-3E3B0328C30D}",
    eventId: 4625,
    time,
    channel: "Security",
    level: 0,
    fields: [
      { name: "SubjectUserSid", value: "S-1-0-0" },
      { name: "SubjectUserName", value: "-" },
      { name: "TargetUserSid", value: "S-1-0-0" },
      { name: "TargetUserName", value: user },
      { name: "Status", value: options.status ?? "0xc000006d" },
      { name: "FailureReason", value: "%%2313" },
      { name: "SubStatus", value: options.subStatus ?? "0xc000006a" },
      { name: "LogonType", value: options.logonType ?? "3" },
      { name: "LogonProcessName", value: "NtLmSsp " },
      { name: "AuthenticationPackageName", value: "NTLM" },
      { name: "IpAddress", value: ip },
      { name: "IpPort", value: "0" },
    ],
  });
}

export function security4624(time: string, user: string, ip: string, logonType = "10"): EventRecord {
  return event({
    provider: "Microsoft-Windows-Security-Auditing",
    providerGuid: "{54849625-5478-4994-A5BA-3E3B0328C30D}",
    eventId: 4624,
    time,
    channel: "Security",
    level: 0,
    fields: [
      { name: "TargetUserName", value: user },
      { name: "LogonType", value: logonType },
      { name: "IpAddress", value: ip },
    ],
  });
}

/** RdpCoreTS 140: failed credentials from IPString [corpus]. */
export function rdpCoreTs140(time: string, ip: string): EventRecord {
  return event({
    provider: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS",
    providerGuid: "{1139C61B-B549-4251-8ED3-27250A1EDEC8}",
    eventId: 140,
    time,
    level: 3,
    channel: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational",
    userSid: "S-1-5-20",
    fields: [{ name: "IPString", value: ip }],
  });
}

/** RemoteConnectionManager licensing events (1069/1128/1130) in System, no insertion strings. */
export function rcmLicensingEvent(id: number, time: string): EventRecord {
  return rcmEvent(id, time);
}

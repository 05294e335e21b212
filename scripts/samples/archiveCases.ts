// Samples as engineers actually receive evidence: zipped by Azure's own collectors, with raw hive
// files instead of reg dumps and no ACL dump at all (scenarios.md §6; the CaseLogs layout of
// `az vm repair run --run-id win-collect-attached-disk-logs`, and Azure Disk Inspect's device_<n> tree).
import { writeEvtx } from "../../src/evtxWriter/index.js";
import { writeHive, type KeySpec, type SecuritySpec, type ValueSpec } from "../../src/hiveWriter/index.js";
import { at, rcmCertificateEvent, schannelEvent, systemBackground } from "./events.js";
import { buildZip } from "./zipWriter.js";
import { crlf, utf16leBom, utf8 } from "./encode.js";
import type { SampleCase } from "./cases.js";

const COMPUTER = "vm-sql02";
const GUID = "9b2e4d61-0c3f-4a8e-b7d5-61e2f0a9c348";
const INCIDENT = "2026-11-21T03:10:00Z";

/** Nested hive keys from `path → values` (and optional security), in the order given. */
function tree(entries: { path: string; values?: ValueSpec[]; security?: SecuritySpec }[]): KeySpec[] {
  const roots: KeySpec[] = [];
  for (const e of entries) {
    let level = roots;
    let node: KeySpec | undefined;
    for (const name of e.path.split("\\")) {
      node = level.find((k) => k.name.toLowerCase() === name.toLowerCase());
      if (!node) {
        node = { name, subkeys: [] };
        level.push(node);
      }
      level = node.subkeys!;
    }
    if (e.values) node!.values = [...(node!.values ?? []), ...e.values];
    if (e.security) node!.security = e.security;
  }
  return roots;
}

const dword = (name: string, data: number): ValueSpec => ({ name, type: "REG_DWORD", data });
const sz = (name: string, data: string): ValueSpec => ({ name, type: "REG_SZ", data });

function systemHive(schannelServerOff: boolean): Uint8Array {
  const cs = "ControlSet001";
  const entries: { path: string; values?: ValueSpec[] }[] = [
    { path: "Select", values: [dword("Current", 1), dword("Default", 1), dword("Failed", 0), dword("LastKnownGood", 1)] },
    { path: `${cs}\\Control\\ComputerName\\ComputerName`, values: [sz("ComputerName", COMPUTER.toUpperCase())] },
    { path: `${cs}\\Control\\Terminal Server`, values: [dword("fDenyTSConnections", 0), dword("fSingleSessionPerUser", 1)] },
    {
      path: `${cs}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`,
      values: [dword("PortNumber", 3389), dword("SecurityLayer", 2), dword("UserAuthentication", 1), dword("MinEncryptionLevel", 2), dword("fEnableWinStation", 1)],
    },
    { path: `${cs}\\Control\\SecurityProviders\\SCHANNEL`, values: [dword("EventLogging", 1)] },
    { path: `${cs}\\Services\\TermService`, values: [dword("Start", 3), sz("ObjectName", "NT Authority\\NetworkService")] },
    { path: `${cs}\\Services\\Dhcp`, values: [dword("Start", 2)] },
  ];
  if (schannelServerOff) {
    for (const p of ["TLS 1.0", "TLS 1.1", "TLS 1.2"]) {
      entries.push({
        path: `${cs}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${p}\\Server`,
        values: [dword("Enabled", 0), dword("DisabledByDefault", 1)],
      });
    }
  }
  return writeHive({ name: "ROOT", keys: tree(entries) });
}

function softwareHive(denySystemOnRdpStore: boolean): Uint8Array {
  const storeSecurity: SecuritySpec = {
    aces: [
      ...(denySystemOnRdpStore ? [{ sid: "S-1-5-18", access: "deny" as const, mask: 0xf003f, flags: 0x02 }] : []),
      { sid: "S-1-5-18", access: "allow", mask: 0xf003f, flags: 0x02 },
      { sid: "S-1-5-32-544", access: "allow", mask: 0xf003f, flags: 0x02 },
      { sid: "S-1-5-20", access: "allow", mask: 0x20019, flags: 0x02 },
    ],
  };
  return writeHive({
    name: "ROOT",
    keys: tree([
      { path: "Microsoft\\Cryptography", values: [sz("MachineGuid", GUID)] },
      {
        path: "Microsoft\\Windows NT\\CurrentVersion",
        values: [sz("CurrentBuild", "17763"), sz("ProductName", "Windows Server 2019 Datacenter"), sz("EditionID", "ServerDatacenter")],
      },
      { path: "Microsoft\\SystemCertificates\\MY\\Certificates" },
      { path: "Microsoft\\SystemCertificates\\Remote Desktop", security: storeSecurity },
      { path: "Microsoft\\SystemCertificates\\Remote Desktop\\Certificates", security: storeSecurity },
      { path: "Policies\\Microsoft\\Windows NT\\Terminal Services" },
    ]),
  });
}

function systemLog(extra: ReturnType<typeof schannelEvent>[]): Uint8Array {
  const events = [...systemBackground("2026-11-12T00:00:00Z", COMPUTER, 120), ...extra].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
  return writeEvtx(events, { dirty: true });
}

const TS = "2026-11-21_04.02.17_UTC";
const DEST = `C:\\Users\\Public\\Desktop\\CaseLogs\\${TS}`;

/** Azure's collector writes its reports with Out-File: UTF-16LE with BOM, CRLF. */
function collectorReports(collected: [string, number][], notFound: string[]): Record<string, Uint8Array> {
  return {
    [`${TS}/collectedLogFiles.csv`]: utf16leBom(
      crlf([
        "sep=,",
        '"Source Log File","Type","Destination Log File","Number of Destination Files","Size of Destination File(s) [Bytes]"',
        ...collected.map(([p, size]) => `"F:\\${p.replace(/\//g, "\\")}","File","${DEST}\\F\\${p.replace(/\//g, "\\")}","1","${size}"`),
      ]),
    ),
    [`${TS}/failedLogFiles.log`]: utf16leBom(crlf(notFound.map((p) => `NOT FOUND: F:\\${p.replace(/\//g, "\\")}`))),
  };
}

export function archiveSampleCases(): SampleCase[] {
  // CaseLogs: TLS disabled for the server role, read from the raw SYSTEM hive; no ACL dump exists.
  const caseLogsFiles: Record<string, Uint8Array> = {
    [`${TS}/F/Windows/System32/config/SYSTEM`]: systemHive(true),
    [`${TS}/F/Windows/System32/config/SOFTWARE`]: softwareHive(false),
    [`${TS}/F/Windows/System32/winevt/Logs/System.evtx`]: systemLog(
      Array.from({ length: 6 }, (_, i) => schannelEvent(36871, "server", at(INCIDENT, i * 12, i), COMPUTER)),
    ),
  };
  const caseLogsZip = buildZip(
    Object.entries({
      ...caseLogsFiles,
      ...collectorReports(
        Object.entries(caseLogsFiles).map(([p, b]) => [p.slice(TS.length + 3), b.length] as [string, number]),
        ["Windows/System32/winevt/Logs/Microsoft-Windows-TerminalServices-SessionBroker%4Operational.evtx"],
      ),
    }).map(([name, data]) => ({ name: `CaseLogs/${name}`, data, method: 8 })),
  );

  // Disk Inspect: RCM 1057 access denied, and the Remote Desktop certificate store key denies SYSTEM
  // (a hardening script), seen in the raw SOFTWARE hive's security descriptor.
  const diskInspect: Record<string, Uint8Array> = {
    "results.txt": utf8(
      crlf([
        "Manifest requested: diagnostic",
        "Using manifest: diagnostic  [windows]",
        "04:10:05  Executing Operation [3/60]: copy,/Windows/System32/config/SYSTEM",
        "04:10:06  Copying Step [3.1] File: /Windows/System32/config/SYSTEM SUCCEEDED.  [Operation duration: 0 seconds]",
        "04:10:07  Executing Operation [4/60]: copy,/Windows/System32/config/SOFTWARE",
        "04:10:07  Copying Step [4.1] File: /Windows/System32/config/SOFTWARE SUCCEEDED.  [Operation duration: 0 seconds]",
      ]),
    ),
    "device_0/Windows/System32/config/SYSTEM": systemHive(false),
    "device_0/Windows/System32/config/SOFTWARE": softwareHive(true),
    "device_0/Windows/System32/winevt/Logs/System.evtx": systemLog(
      Array.from({ length: 5 }, (_, i) => rcmCertificateEvent(1057, at(INCIDENT, i * 30, i), COMPUTER, { text: "Access is denied." })),
    ),
  };
  const diskInspectZip = buildZip(Object.entries(diskInspect).map(([name, data]) => ({ name, data, method: 8 })));

  return [
    {
      name: "caselogs-zip",
      description:
        "Azure's win-collect-attached-disk-logs output as handed over: one zip, CaseLogs\\<time>_UTC\\F\\... with raw SYSTEM/SOFTWARE hives and System.evtx, collectedLogFiles.csv and a failedLogFiles.log miss. TLS 1.0-1.2 disabled for the server role in the raw SYSTEM hive.",
      files: { [`CaseLogs_${TS}.zip`]: caseLogsZip },
      expected: {
        description: "read from the zip and the raw hive",
        expect: [{ scenario: "tls-protocol-disabled", confidence: "high" }],
        absent: ["rdp-cert-machinekeys", "broker-hostname-changed"],
      },
    },
    {
      name: "disk-inspect-zip",
      description:
        "An Azure Disk Inspect (diagnostic manifest) zip: results.txt and device_0\\Windows\\... with raw hives. RCM 1057 access denied; the raw SOFTWARE hive shows a Deny for SYSTEM on the Remote Desktop certificate store key.",
      files: { "diskinspect-diagnostic.zip": diskInspectZip },
      expected: {
        description: "store-key Deny read from the hive's security descriptor",
        expect: [{ scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "access-denied" }],
        absent: ["tls-protocol-disabled", "broker-hostname-changed"],
      },
    },
  ];
}

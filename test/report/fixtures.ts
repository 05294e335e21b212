// Hand-made reports for the renderer tests. `caseReport()` is what an engineer sees for the demo case
// (rdp-cert-machinekeys, access denied: RCM 1057 + Schannel 36870 + a MachineKeys key file that
// denies NETWORK SERVICE), with a weaker second finding, healthy and not-checked scenarios, and a
// chain of custody. `hostileReport()` puts attacker-controlled strings into every evidence field.

import type { EventEvidence, Finding, Remediation, Report } from "../../src/report/findings.js";

export const MACHINE_GUID = "3f1c2a9e-7b4d-4e2a-9c61-0d8e5b7a4f12";
export const KEY_FILE = `F:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\f686aace6942fb7f7ceb231212eef4a4_${MACHINE_GUID}`;

export const OFFLINE_CMD = [
  "set D=F",
  "set MK=%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys",
  "set OUT=C:\\rdp-triage-backup",
  'mkdir "%OUT%" 2>nul',
  'icacls "%MK%" /save "%OUT%\\machinekeys.acl" /t /c',
  `set KEY=%MK%\\f686aace6942fb7f7ceb231212eef4a4_${MACHINE_GUID}`,
  'icacls "%KEY%" /remove:d *S-1-5-18 *S-1-5-20',
  'icacls "%KEY%" /grant *S-1-5-18:(F) *S-1-5-20:(R)',
  "rem folder back to the Windows default (this folder only, protected):",
  'icacls "%MK%" /inheritance:r /grant:r *S-1-1-0:(R,W) *S-1-5-32-544:(F)',
  "",
].join("\n");

export const ONLINE_PS = [
  "Remove-Module PSReadLine -ErrorAction SilentlyContinue",
  '$mk   = "$env:ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys"',
  "$guid = (Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Cryptography').MachineGuid",
  '$key  = Join-Path $mk "f686aace6942fb7f7ceb231212eef4a4_$guid"',
  "New-Item -ItemType Directory -Force C:\\rdp-triage | Out-Null",
  "icacls $mk /save C:\\rdp-triage\\machinekeys.acl /t /c",
  "icacls $key /remove:d '*S-1-5-18' '*S-1-5-20'",
  "icacls $key /grant '*S-1-5-18:(F)' '*S-1-5-20:(R)'",
  "Restart-Service TermService -Force      # also stops UmRdpService",
  "Start-Service UmRdpService, SessionEnv",
  "",
].join("\n");

const SYSTEM_EVTX = "Windows/System32/winevt/Logs/System.evtx";
const LSM_EVTX = "Windows/System32/winevt/Logs/Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx";

function rcm1057(recordId: number, time: string): EventEvidence {
  return {
    kind: "event",
    source: SYSTEM_EVTX,
    recordId,
    time,
    eventId: 1057,
    provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
    channel: "System",
    computer: "vm-web01",
    level: 2,
    fields: [
      { name: "Data", value: "Access is denied." },
      { name: "Binary", value: "05000780" },
    ],
    note: "failed to create the self-signed RDP certificate: access denied",
  };
}

export function certFinding(): Finding {
  return {
    scenario: "rdp-cert-machinekeys",
    confidence: "high",
    subCause: "access-denied",
    title: "RDP listener cannot use its TLS key (MachineKeys)",
    cause: "The RDP key container TSSecKeySet1 denies NETWORK SERVICE, so the listener cannot use its certificate.",
    explanation:
      "Remote Desktop Services logged 1057 (access denied) while creating its self-signed certificate. " +
      "The icacls dump shows an explicit Deny for NETWORK SERVICE on the live key file. " +
      "Restoring the default ACL on that one file lets the service load or regenerate the key.",
    evidence: [
      rcm1057(812, "2026-11-28T04:32:10.1234567Z"),
      rcm1057(815, "2026-11-28T04:37:11.0000000Z"),
      {
        kind: "event",
        source: SYSTEM_EVTX,
        recordId: 813,
        time: "2026-11-28T04:32:11.5000000Z",
        eventId: 36870,
        provider: "Schannel",
        channel: "System",
        computer: "vm-web01",
        level: 2,
        fields: [
          { name: "Type", value: "server" },
          { name: "ErrorCode", value: "0x8009030d" },
          { name: "ErrorStatus", value: "10001" },
        ],
        note: "TLS server credential private key not accessible",
      },
      {
        kind: "event",
        source: LSM_EVTX,
        recordId: 77,
        time: "2026-11-28T04:32:12.0000000Z",
        eventId: 17,
        provider: "Microsoft-Windows-TerminalServices-LocalSessionManager",
        channel: "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
        computer: "vm-web01",
        level: 2,
        fields: [{ name: "Error", value: null }],
      },
      {
        kind: "acl",
        source: "acl/machinekeys.txt",
        line: 4,
        path: KEY_FILE,
        principal: "NT AUTHORITY\\NETWORK SERVICE",
        sid: "S-1-5-20",
        access: "deny",
        rights: "R",
        inherited: false,
        note: "explicit Deny on the live container",
      },
      {
        kind: "acl",
        source: "acl/machinekeys.txt",
        line: 5,
        path: KEY_FILE,
        principal: "NT AUTHORITY\\SYSTEM",
        sid: "S-1-5-18",
        access: "allow",
        rights: "F",
        inherited: false,
      },
      {
        kind: "registry",
        source: "reg/cryptography.reg",
        line: 3,
        key: "HKLM\\SOFTWARE\\Microsoft\\Cryptography",
        rawKey: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography",
        name: "MachineGuid",
        type: "REG_SZ",
        value: MACHINE_GUID,
        note: "names the live key file",
      },
      {
        kind: "observation",
        source: "acl/machinekeys.txt",
        text: `The live key file is f686aace6942fb7f7ceb231212eef4a4_${MACHINE_GUID}.`,
      },
    ],
    remediation: [
      {
        title: "Restore the ACL of the RDP key file",
        shell: "cmd",
        variant: "offline",
        where: "Rescue VM, elevated Command Prompt, broken OS disk attached as F:",
        script: OFFLINE_CMD,
      },
      {
        title: "Restore the ACL of the RDP key file and restart Remote Desktop Services",
        shell: "powershell",
        variant: "online",
        where: "The broken VM itself: Serial Console (PowerShell, run Remove-Module PSReadLine first) or Run Command",
        script: ONLINE_PS,
      },
    ],
  };
}

export function tlsLowFinding(): Finding {
  return {
    scenario: "tls-protocol-disabled",
    confidence: "low",
    subCause: null,
    title: "TLS credential errors from outbound clients",
    cause: "Schannel 36871 events are client-side only; TLS 1.2 is enabled for the server role.",
    explanation: "These events come from outbound TLS clients and do not block the RDP listener.",
    evidence: [
      {
        kind: "registry",
        source: "reg/schannel.reg",
        line: 9,
        key: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server",
        rawKey: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server",
        name: "Enabled",
        type: "REG_DWORD",
        value: "1 (0x1)",
      },
    ],
    remediation: [],
  };
}

export function caseReport(overrides: Partial<Report> = {}): Report {
  return {
    tool: { name: "rdp-triage", version: "0.1.0" },
    generatedAt: "2026-11-28T05:00:00.000Z",
    asOf: "2026-11-28T04:37:11.000Z",
    evidenceRoot: "/cases/1234/evidence",
    lang: "en",
    case: { caseId: "2611280010001234", analyst: "K. Sato", vm: "vm-web01 (rg-prod)", note: "RDP fails after credentials since 11/28." },
    findings: [tlsLowFinding(), certFinding()],
    checked: [
      { scenario: "rdp-cert-machinekeys", title: "RDP certificate key in MachineKeys", status: "finding", detail: "1057 + Deny on the key file" },
      {
        scenario: "tls-protocol-disabled",
        title: "Server-side TLS versions",
        status: "healthy",
        detail: "TLS 1.2 is enabled for the server role (SCHANNEL\\Protocols\\TLS 1.2\\Server Enabled=1).",
      },
      {
        scenario: "broker-hostname-changed",
        title: "RD Connection Broker after a rename",
        status: "not-checked",
        detail:
          "The SessionBroker logs were not collected. Collect them with:\n" +
          'robocopy "%D%:\\Windows\\System32\\winevt\\Logs" "%OUT%\\logs" Microsoft-Windows-TerminalServices-SessionBroker*.evtx /B /R:0 /W:0 /NP',
      },
    ],
    timeline: [
      {
        time: "2026-11-28T04:32:10.1234567Z",
        source: SYSTEM_EVTX,
        recordId: 812,
        eventId: 1057,
        provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
        computer: "vm-web01",
        scenario: "rdp-cert-machinekeys",
        summary: "failed to create the self-signed RDP certificate: access denied",
      },
      {
        time: "2026-11-28T04:32:11.5000000Z",
        source: SYSTEM_EVTX,
        recordId: 813,
        eventId: 36870,
        provider: "Schannel",
        computer: "vm-web01",
        scenario: "rdp-cert-machinekeys",
        summary: "TLS server credential private key not accessible",
      },
    ],
    sources: [
      {
        path: SYSTEM_EVTX,
        kind: "evtx",
        encoding: null,
        size: 1_118_208,
        sha256: "9f2c4e1a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
        records: 2314,
        firstEvent: "2026-10-01T00:00:03.0000000Z",
        lastEvent: "2026-11-28T04:37:11.0000000Z",
        problems: [{ code: "evtx.chunk.bad-records-crc", message: "Chunk 7 failed its records CRC; 12 records recovered.", location: "chunk 7 @0x71000" }],
      },
      {
        path: "acl/machinekeys.txt",
        kind: "icacls",
        encoding: "utf-16le",
        size: 4096,
        sha256: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        records: 41,
        firstEvent: null,
        lastEvent: null,
        problems: [],
      },
    ],
    ...overrides,
  };
}

/** Nothing found: two scenarios healthy, one could not be checked. */
export function emptyReport(overrides: Partial<Report> = {}): Report {
  return caseReport({ findings: [], timeline: [], checked: caseReport().checked.filter((c) => c.status !== "finding"), ...overrides });
}

export const HOSTILE = {
  script: "<script>alert(1)</script>",
  handlebars: "{{constructor}}",
  attribute: '" onmouseover="alert(2)',
  csv: "=cmd|' /C calc'!A0",
  ansi: "\u001b[31mRED\u001b[0m",
  bidi: "invoice\u202Egpj.exe",
  zeroWidth: "adm\u200Bin",
  image: '<img src=x onerror="alert(3)">',
  markdownLink: "[click](javascript:alert(4)) **bold** <b>raw</b> &amp; `tick`",
  fence: "```\n# heading\n```",
} as const;

const ALL_HOSTILE = Object.values(HOSTILE).join(" ");

/** Attacker-controlled text in every field that comes from the evidence (and in case metadata). */
export function hostileReport(lang: Report["lang"] = "en"): Report {
  const base = caseReport({ lang });
  const poisoned: Finding = {
    ...certFinding(),
    title: `Title ${HOSTILE.script}`,
    cause: `Cause ${HOSTILE.attribute}`,
    explanation: `Explanation ${HOSTILE.image} ${HOSTILE.bidi}`,
    subCause: HOSTILE.handlebars,
    evidence: [
      {
        kind: "event",
        source: `logs/${HOSTILE.script}.evtx`,
        recordId: 1,
        time: `2026-11-28T04:32:10Z${HOSTILE.attribute}`,
        eventId: 1057,
        provider: HOSTILE.handlebars,
        channel: HOSTILE.ansi,
        computer: HOSTILE.bidi,
        level: 2,
        fields: [
          { name: HOSTILE.attribute, value: ALL_HOSTILE },
          { name: "Data", value: HOSTILE.csv },
        ],
        note: HOSTILE.image,
      },
      {
        kind: "acl",
        source: HOSTILE.csv,
        line: 1,
        path: `F:\\${HOSTILE.script}|pipe`,
        principal: HOSTILE.bidi,
        sid: HOSTILE.attribute,
        access: "deny",
        rights: HOSTILE.ansi,
        inherited: true,
        note: HOSTILE.zeroWidth,
      },
      {
        kind: "registry",
        source: "reg/x.reg",
        line: 2,
        key: `HKLM\\${HOSTILE.handlebars}`,
        rawKey: `HKLM\\${HOSTILE.attribute}`,
        name: HOSTILE.image,
        type: HOSTILE.csv,
        value: `${HOSTILE.markdownLink} | ${HOSTILE.fence}`,
      },
      { kind: "observation", source: HOSTILE.image, text: ALL_HOSTILE },
    ],
    remediation: [hostileRemediation()],
  };
  return {
    ...base,
    case: { caseId: HOSTILE.script, analyst: HOSTILE.bidi, vm: HOSTILE.attribute, note: HOSTILE.markdownLink },
    evidenceRoot: HOSTILE.csv,
    findings: [poisoned],
    checked: [
      { scenario: HOSTILE.handlebars, title: HOSTILE.script, status: "healthy", detail: HOSTILE.attribute },
      { scenario: "x", title: HOSTILE.bidi, status: "not-checked", detail: `${HOSTILE.ansi}\n${HOSTILE.fence}` },
    ],
    timeline: [
      {
        time: "2026-11-28T04:32:10Z",
        source: HOSTILE.script,
        recordId: 1,
        eventId: 1057,
        provider: HOSTILE.attribute,
        computer: HOSTILE.bidi,
        scenario: HOSTILE.handlebars,
        summary: ALL_HOSTILE,
      },
    ],
    sources: [
      {
        path: `${HOSTILE.script}|${HOSTILE.csv}`,
        kind: HOSTILE.handlebars,
        encoding: HOSTILE.ansi,
        size: 10,
        sha256: HOSTILE.attribute,
        records: 1,
        firstEvent: HOSTILE.image,
        lastEvent: null,
        problems: [{ code: HOSTILE.script, message: HOSTILE.bidi, location: HOSTILE.attribute }],
      },
    ],
  };
}

/** A script built from hostile values: it must still be shown whole and copied as shown. */
export function hostileRemediation(): Remediation {
  return {
    title: `Fix ${HOSTILE.script}`,
    shell: "powershell",
    variant: "offline",
    where: HOSTILE.attribute,
    script: `Write-Host "</code></pre><script>alert(5)</script>"\n# ${HOSTILE.handlebars} ${HOSTILE.csv}\n\`\`\`\`\nWrite-Host 'done'\n`,
  };
}

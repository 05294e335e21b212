// Samples whose evidence is hostile text, as evidence from strangers can be: HTML and <script>,
// Handlebars syntax, spreadsheet formula prefixes, ANSI escape sequences and bidi controls in event
// data, computer names, ACL principals, file names and registry data. They still hold a real cause
// (RCM 1057 access denied + a DENY on the RDP key file), so the report must name it while showing every
// hostile string as inert text (test/hardening/hostile.test.ts, browser.test.ts).
//
// File names stay valid on Windows (no < > : " | ? * or control characters) so the repository can be
// checked out anywhere; the tests add file names with raw HTML and escape sequences at run time.
import { writeEvtx, type EventSpec } from "../../src/evtxWriter/index.js";
import { utf16leBom } from "./encode.js";
import { DEFAULT_FOLDER_ACES, icaclsListing, machineKeysFolder, otherMachineKeys, RDP_KEY_PREFIX, regExport, type RegKey } from "./dumps.js";
import { at, rcmSystemEvent, schannelEvent, systemBackground } from "./events.js";
import type { SampleCase } from "./cases.js";

/** A flag the payloads set if they ever run; the browser test asserts it stays undefined. */
export const PWNED_FLAG = "__rdpTriagePwned";

/** The payloads, each alone, so tests can look for every one of them in every output. */
export const HOSTILE = {
  script: `<script>window.${PWNED_FLAG}='script'</script>`,
  img: `<img src=x onerror="window.${PWNED_FLAG}='img'">`,
  svg: `<svg onload=window.${PWNED_FLAG}='svg'>`,
  attribute: `" onmouseover="window.${PWNED_FLAG}='attr'" x="`,
  closeTags: `</code></pre></td></table><b>bold</b><!--`,
  handlebars: `{{constructor.constructor('alert(1)')()}}`,
  handlebarsRaw: `{{{constructor.constructor('window.${PWNED_FLAG}=1')()}}}`,
  partial: `{{> evil}}{{#each this}}{{/each}}`,
  csvFormula: `=cmd|' /C calc'!A0`,
  csvPlus: `+SUM(1+1)*cmd|' /C calc'!A0`,
  csvMinus: `-2+3+cmd|' /C calc'!A0`,
  csvAt: `@SUM(1+1)*cmd|' /C calc'!A0`,
  ansiColor: "\u001b[31;1mRED\u001b[0m",
  ansiTitle: "\u001b]0;pwned-title\u0007",
  ansiClear: "\u001b[2J\u001b[H",
  c1Csi: "\u009b31m",
  bidiOverride: "\u202Etxt.exe",
  bidiIsolate: "\u2067evil\u2069",
  bidiMarks: "\u200F\u061C\u200E",
  zeroWidth: "a\u200Bb\uFEFFc",
} as const;

/** Everything at once, for one field. */
export const HOSTILE_ALL = Object.values(HOSTILE).join(" ");

const LOGS = "Windows/System32/winevt/Logs";
const BASE = "2026-11-10T06:00:00Z";
const INCIDENT = "2026-11-19T22:40:00Z";
const GUID = "7e3f1a9c-2b4d-4c8e-a1f0-5d6c7b8a9e01";

/** A computer name carrying markup, template syntax, a formula prefix, a bidi override and an escape sequence. */
export const HOSTILE_COMPUTER = `vm-web01${HOSTILE.script}${HOSTILE.handlebars}${HOSTILE.bidiOverride}${HOSTILE.ansiColor}${HOSTILE.csvFormula}`;

/** An extra principal on the RDP key file: a DENY that reaches no service account, listed as evidence with the rest. */
export const HOSTILE_PRINCIPAL = `CONTOSO\\${HOSTILE.img}${HOSTILE.handlebars}${HOSTILE.bidiIsolate}${HOSTILE.ansiTitle}${HOSTILE.csvAt}`;

/** An MachineGuid that would break out of a cmd `set "…"` or a PowerShell '…' string if pasted into a script. */
export const HOSTILE_MACHINE_GUID = `${GUID}" & calc.exe & rem '; Start-Process calc; '${HOSTILE.handlebars}${HOSTILE.script}${HOSTILE.bidiOverride}`;

/** Windows-valid hostile file name (tests add raw `<script>` / ESC names at run time). */
export const HOSTILE_FILE_NAME = `acl/machinekeys ${HOSTILE.handlebars} ${HOSTILE.csvFormula.replace(/\|/g, "!")} \u202Etxt.exe &lt;b&gt;.txt`;

/** RCM 1057 with two unnamed Data items: the hostile text, then the real status ("Access is denied."). */
function rcm1057(time: string, computer: string, hostileData: string): EventSpec {
  return rcmSystemEvent(1057, time, computer, [
    { name: null, value: hostileData, type: "string" },
    { name: null, value: "Access is denied.", type: "string" },
  ]);
}

function systemLog(computer: string, hostileData: string): Uint8Array {
  const events = [
    ...systemBackground(BASE, computer, 40),
    ...Array.from({ length: 5 }, (_, i) => rcm1057(at(INCIDENT, i * 20, i * 113), computer, hostileData)),
    ...Array.from({ length: 3 }, (_, i) => schannelEvent(36870, "server", at(INCIDENT, i * 31 + 1, i * 7), computer)),
  ].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
  return writeEvtx(events, { dirty: true });
}

function machineKeysListing(guid: string, extraKeyAces: string[]): string {
  const mk = machineKeysFolder("F");
  return icaclsListing([
    { path: mk, aces: DEFAULT_FOLDER_ACES },
    { path: `${mk}\\${RDP_KEY_PREFIX}_${guid}`, aces: ["NT AUTHORITY\\NETWORK SERVICE:(DENY)(R)", "NT AUTHORITY\\SYSTEM:(F)", ...extraKeyAces] },
    ...otherMachineKeys("F", GUID),
  ]);
}

const cryptography = (guid: string): RegKey => ({
  key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography",
  values: [["MachineGuid", { sz: guid }]],
});

const currentVersion = (productName: string): RegKey => ({
  key: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
  values: [
    ["CurrentBuild", { sz: "17763" }],
    ["ProductName", { sz: productName }],
  ],
});

const systemKeys = (): RegKey[] => [
  {
    key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\Select",
    values: [["Current", { dword: 1 }], ["Default", { dword: 1 }], ["Failed", { dword: 0 }], ["LastKnownGood", { dword: 1 }]],
  },
  {
    key: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\Terminal Server\\WinStations\\RDP-Tcp",
    values: [["PortNumber", { dword: 3389 }], ["SecurityLayer", { dword: 2 }], ["UserAuthentication", { dword: 1 }], ["fEnableWinStation", { dword: 1 }]],
  },
];

const NOT_THIS = ["rdp-cert-thumbprint-mismatch", "tls-protocol-disabled", "broker-hostname-changed"];

export function hostileSampleCases(): SampleCase[] {
  return [
    {
      name: "hostile-strings",
      description:
        "Hostile text everywhere (HTML, <script>, Handlebars syntax, formula prefixes, ANSI escapes, bidi controls) in the computer name, " +
        "RCM 1057 data, an extra ACL principal, a file name and registry data, over a real cause: RCM 1057 access denied and a DENY " +
        "for NETWORK SERVICE on the RDP key file. The report must name the cause and show every hostile string as inert text.",
      files: {
        [`${LOGS}/System.evtx`]: systemLog(HOSTILE_COMPUTER, HOSTILE_ALL),
        [HOSTILE_FILE_NAME]: utf16leBom(machineKeysListing(GUID, [`${HOSTILE_PRINCIPAL}:(DENY)(W)`])),
        "reg/software.reg": utf16leBom(regExport([cryptography(GUID), currentVersion(`Windows Server 2019 ${HOSTILE_ALL}`)])),
        "reg/system.reg": utf16leBom(regExport(systemKeys())),
      },
      expected: {
        description: "hostile strings are shown, never run; the access-denied cause is still found",
        expect: [{ scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "access-denied" }],
        absent: NOT_THIS,
      },
    },
    {
      name: "hostile-machineguid",
      description:
        "The MachineGuid in the SOFTWARE dump carries shell metacharacters and markup; the icacls dump names the key file after it and " +
        "denies NETWORK SERVICE. The finding stands, its evidence shows the value as text, and no remediation script contains it.",
      files: {
        [`${LOGS}/System.evtx`]: systemLog("vm-web02", "Access is denied."),
        "acl/machinekeys.txt": utf16leBom(machineKeysListing(HOSTILE_MACHINE_GUID, [])),
        "reg/software.reg": utf16leBom(regExport([cryptography(HOSTILE_MACHINE_GUID), currentVersion("Windows Server 2019 Datacenter")])),
        "reg/system.reg": utf16leBom(regExport(systemKeys())),
      },
      expected: {
        description: "a hostile MachineGuid never reaches a script; the access-denied cause is still found",
        expect: [{ scenario: "rdp-cert-machinekeys", confidence: "high", subCause: "access-denied" }],
        absent: NOT_THIS,
      },
    },
  ];
}

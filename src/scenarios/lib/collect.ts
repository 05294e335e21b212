import type { EvidenceNeed, Lang, ScenarioContext } from "../types.js";

// The rescue-VM commands that collect each piece of evidence (scenarios.md §6). They run in an elevated
// cmd with D = drive letter of the attached disk, OUT = output folder, the hives loaded as
// HKLM\BROKENSYSTEM and HKLM\BROKENSOFTWARE, and CS = the ControlSet00N that Select\Current names.
// Raw files are copied before any hive is loaded.

const robocopyLog = (file: string) =>
  `robocopy "%D%:\\Windows\\System32\\winevt\\Logs" "%OUT%\\logs" "${file}" /B /R:0 /W:0 /NP`;
/** `reg export` of a key under the loaded SYSTEM hive's control set in use. */
export const exportSystem = (subkey: string, file: string) =>
  `reg export "HKLM\\BROKENSYSTEM\\%CS%\\${subkey}" "%OUT%\\reg\\${file}" /y`;
/** `reg export` of a key under the loaded SOFTWARE hive. */
export const exportSoftware = (subkey: string, file: string) =>
  `reg export "HKLM\\BROKENSOFTWARE\\${subkey}" "%OUT%\\reg\\${file}" /y`;

export const COLLECT = {
  systemLog: robocopyLog("System.evtx"),
  eventLog: robocopyLog,
  selectKey: `reg export HKLM\\BROKENSYSTEM\\Select "%OUT%\\reg\\select.reg" /y`,
  machineKeysAcl: [
    `icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /t /c > "%OUT%\\acl\\machinekeys.txt" 2>&1`,
    `icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /save "%OUT%\\acl\\machinekeys.sddl" /t /c`,
  ].join("\n"),
  terminalServer: [
    exportSystem("Control\\Terminal Server", "terminal-server.reg"),
    `reg query "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Terminal Server" /s > "%OUT%\\reg\\terminal-server.txt"`,
  ].join("\n"),
  schannel: exportSystem("Control\\SecurityProviders\\SCHANNEL", "schannel.reg"),
  computerName: exportSystem("Control\\ComputerName", "computername.reg"),
  service: (name: string) => exportSystem(`Services\\${name}`, `svc-${name}.reg`),
  cryptography: exportSoftware("Microsoft\\Cryptography", "cryptography.reg"),
  systemCertificates: exportSoftware("Microsoft\\SystemCertificates", "systemcertificates.reg"),
  policies: exportSoftware("Policies", "policies.reg"),
  currentVersion: exportSoftware("Microsoft\\Windows NT\\CurrentVersion", "currentversion.reg"),
  serverComponents: exportSoftware(
    "Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache",
    "components.reg",
  ),
} as const;

/** "not checked" text: what is missing and the exact commands that collect it. */
export function missingEvidenceText(lang: Lang, needs: EvidenceNeed[]): string {
  const what = needs.map((n) => n.description).join(lang === "ja" ? "、" : "; ");
  const commands = needs.map((n) => n.collect).join("\n");
  return lang === "ja"
    ? `判定に必要な証拠がありません: ${what}。レスキュー VM で収集してください (D = ディスクのドライブ文字、ハイブは HKLM\\BROKENSYSTEM / HKLM\\BROKENSOFTWARE にロード、CS = Select\\Current の ControlSet00N):\n${commands}`
    : `Not enough evidence to decide: ${what} missing. Collect it on the rescue VM (D = drive letter, hives loaded as HKLM\\BROKENSYSTEM / HKLM\\BROKENSOFTWARE, CS = the ControlSet00N of Select\\Current):\n${commands}`;
}

/** Said when an offline script must assume the control set because Select\Current was not collected. */
export function controlSetAssumedText(lang: Lang, controlSet: string): string {
  return lang === "ja"
    ? `Select\\Current が収集されていないため、オフライン スクリプトは ${controlSet} を仮定しています。スクリプトはディスク上の Select\\Current を読み、異なる場合は何も変更せずに停止します。`
    : `Select\\Current was not collected, so the offline script assumes ${controlSet}; it reads Select\\Current on the disk and stops if they differ.`;
}

/** controlSetAssumedText when the context had to assume the control set, else null (for sentences()). */
export function controlSetNote(ctx: Pick<ScenarioContext, "lang" | "offline">): string | null {
  return ctx.offline.controlSetAssumed ? controlSetAssumedText(ctx.lang, ctx.offline.controlSet) : null;
}

/** "<what> was not collected: <the command that collects it>", for healthy details that lack a key. */
export function notCollectedText(lang: Lang, what: string, need: EvidenceNeed): string {
  return lang === "ja" ? `${what} は収集されていません: ${need.collect}` : `${what} was not collected: ${need.collect}`;
}

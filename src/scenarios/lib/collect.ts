import type { EvidenceNeed, Lang, ScenarioContext } from "../types.js";

// The rescue-VM commands that collect each piece of evidence (scenarios.md §6), and the cmd session
// around them that makes them runnable as they are: D = drive letter of the attached OS disk, OUT =
// output folder, the hives loaded as HKLM\BROKENSYSTEM and HKLM\BROKENSOFTWARE (and unloaded at the end),
// and CS = the ControlSet00N that Select\Current names. Raw files (event logs, ACL dumps) are copied
// before any hive is loaded. The bare commands below use %D%, %OUT% and %CS%; collectionScript() wraps
// them in that session. An EvidenceNeed's `collect` is always such a self-contained script.

/** Default output folder of the collection scripts (scenarios.md §6). */
export const COLLECT_OUT = "C:\\rdp-evidence";
/** Default drive letter in the collection scripts; the engineer sets the real one (first line to edit). */
export const COLLECT_DRIVE = "F";
const SYSTEM_MOUNT = "BROKENSYSTEM";
const SOFTWARE_MOUNT = "BROKENSOFTWARE";

/** Channel files have %4 for "/" in their names: doubled, since %4 in a .cmd file is its 4th argument. */
const robocopyLog = (file: string) =>
  `robocopy "%D%:\\Windows\\System32\\winevt\\Logs" "%OUT%\\logs" "${file.replace(/%/g, "%%")}" /B /R:0 /W:0 /NP`;
/** `reg export` of a key under the loaded SYSTEM hive's control set in use. */
export const exportSystem = (subkey: string, file: string) =>
  `reg export "HKLM\\${SYSTEM_MOUNT}\\%CS%\\${subkey}" "%OUT%\\reg\\${file}" /y`;
/** `reg export` of a key under the loaded SOFTWARE hive. */
export const exportSoftware = (subkey: string, file: string) =>
  `reg export "HKLM\\${SOFTWARE_MOUNT}\\${subkey}" "%OUT%\\reg\\${file}" /y`;

/** Bare commands (one or more lines), to be run inside collectionScript()'s session. */
export const COLLECT = {
  systemLog: robocopyLog("System.evtx"),
  eventLog: robocopyLog,
  selectKey: `reg export "HKLM\\${SYSTEM_MOUNT}\\Select" "%OUT%\\reg\\select.reg" /y`,
  machineKeysAcl: [
    `icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /t /c > "%OUT%\\acl\\machinekeys.txt" 2>&1`,
    `icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /save "%OUT%\\acl\\machinekeys.sddl" /t /c`,
  ].join("\n"),
  terminalServer: [
    exportSystem("Control\\Terminal Server", "terminal-server.reg"),
    `reg query "HKLM\\${SYSTEM_MOUNT}\\%CS%\\Control\\Terminal Server" /s > "%OUT%\\reg\\terminal-server.txt"`,
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

const usesSystem = (line: string) => line.toUpperCase().includes(`HKLM\\${SYSTEM_MOUNT}\\`);
const usesSoftware = (line: string) => line.toUpperCase().includes(`HKLM\\${SOFTWARE_MOUNT}\\`);

/**
 * A self-contained cmd script around bare collect commands (lines of COLLECT): sets D and OUT, creates
 * the output folders, copies the raw files first, loads only the hives the commands read (unless already
 * loaded under the same name), reads CS from Select\Current when a command needs it, runs the exports,
 * and unloads the hives. Written for a .cmd file (`%%a`), like the remediation scripts.
 */
export function collectionScript(commands: string | string[]): string {
  const lines = [...new Set((Array.isArray(commands) ? commands : [commands]).flatMap((c) => c.split("\n")).map((l) => l.trim()).filter(Boolean))];
  const raw = lines.filter((l) => !usesSystem(l) && !usesSoftware(l));
  const reg = lines.filter((l) => usesSystem(l) || usesSoftware(l));
  const system = reg.some(usesSystem);
  const software = reg.some(usesSoftware);
  const needsCs = reg.some((l) => l.includes("%CS%"));
  const folders = ["logs", "acl", "reg"].filter((f) => lines.some((l) => l.includes(`%OUT%\\${f}`)));
  const out: string[] = [
    "@echo off",
    "rem rdp-triage evidence collection: save as a .cmd file, run it on the rescue VM in an elevated Command Prompt.",
    "rem D = drive letter of the broken VM's OS disk as attached to the rescue VM; OUT = output folder.",
    "setlocal EnableExtensions",
    `set "D=${COLLECT_DRIVE}"`,
    `set "OUT=${COLLECT_OUT}"`,
    `if not exist "%D%:\\Windows\\System32\\config\\SYSTEM" (echo %D%: holds no Windows installation: set D to the attached OS disk. & exit /b 1)`,
    ...(folders.length ? [`mkdir ${folders.map((f) => `"%OUT%\\${f}"`).join(" ")} 2>nul`] : []),
  ];
  if (raw.length) out.push(...(reg.length ? ["rem Raw files first, before any hive is loaded."] : []), ...raw);
  if (reg.length) {
    out.push("rem Load the hives (unless already loaded under these names); unloaded at the end.");
    if (system) out.push(`reg query "HKLM\\${SYSTEM_MOUNT}\\Select" >nul 2>&1 || reg load "HKLM\\${SYSTEM_MOUNT}" "%D%:\\Windows\\System32\\config\\SYSTEM"`);
    if (software) out.push(`reg query "HKLM\\${SOFTWARE_MOUNT}\\Microsoft" >nul 2>&1 || reg load "HKLM\\${SOFTWARE_MOUNT}" "%D%:\\Windows\\System32\\config\\SOFTWARE"`);
    if (needsCs) {
      out.push(
        "rem CS = the control set Windows boots with: ControlSet00N, N = Select\\Current.",
        `set "N="`,
        `for /f "tokens=3" %%a in ('reg query "HKLM\\${SYSTEM_MOUNT}\\Select" /v Current 2^>nul ^| findstr /i "REG_DWORD"') do set /a N=%%a`,
        `if not defined N (echo Could not read Select\\Current from %D%:\\Windows\\System32\\config\\SYSTEM. & goto :unload)`,
        `set "CS=00%N%"`,
        `set "CS=ControlSet%CS:~-3%"`,
        "echo Control set in use: %CS%",
      );
    }
    out.push(...reg);
    out.push(...(needsCs ? [":unload"] : []));
    if (system) out.push(`reg unload "HKLM\\${SYSTEM_MOUNT}"`);
    if (software) out.push(`reg unload "HKLM\\${SOFTWARE_MOUNT}"`);
  }
  out.push(`echo Evidence is in %OUT%: hand the folder to rdp-triage analyze.`, "endlocal");
  return out.join("\n");
}

/** The bare commands of needs (their `commands`, else their `collect`), in order, without repeats. */
function commandsOf(needs: EvidenceNeed[]): string[] {
  return needs.flatMap((n) => n.commands ?? [n.collect]);
}

/** One self-contained script that collects every one of these needs (what `explain` and "not checked" show). */
export function collectionScriptFor(needs: EvidenceNeed[]): string {
  return collectionScript(commandsOf(needs));
}

/** "not checked" text: what is missing and the script that collects it. */
export function missingEvidenceText(lang: Lang, needs: EvidenceNeed[]): string {
  const what = needs.map((n) => n.description).join(lang === "ja" ? "、" : "; ");
  const script = collectionScriptFor(needs);
  return lang === "ja"
    ? `判定に必要な証拠がありません: ${what}。レスキュー VM で次のスクリプトを .cmd ファイルとして保存し、管理者のコマンド プロンプトで実行して収集してください (D を接続した OS ディスクのドライブ文字に変更):\n${script}`
    : `Not enough evidence to decide: ${what} missing. Collect it on the rescue VM: save this as a .cmd file and run it from an elevated Command Prompt (set D to the drive letter of the attached OS disk first):\n${script}`;
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

/** "<what> was not collected; this collects it: <script>", for details that lack a key. */
export function notCollectedText(lang: Lang, what: string, need: EvidenceNeed): string {
  return lang === "ja" ? `${what} は収集されていません。収集スクリプト:\n${need.collect}` : `${what} was not collected; this script collects it:\n${need.collect}`;
}

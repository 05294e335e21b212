import Handlebars from "handlebars";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { EvidenceIndex } from "../store/evidence.js";
import type { CheckedScenario, Finding, Remediation } from "../report/findings.js";
import { CONFIDENCE_ORDER } from "../report/findings.js";
import type { Lang, OfflineTarget, Scenario, ScenarioContext } from "./types.js";

export const DEFAULT_RECENCY_DAYS = 30;

export interface ContextOptions {
  lang?: Lang;
  asOf?: string;
  drive?: string;
  recencyDays?: number;
}

/** Builds what every scenario needs to know besides the evidence: "now", the window, the offline target. */
export function buildContext(evidence: EvidenceIndex, options: ContextOptions = {}): ScenarioContext {
  const asOf = options.asOf ? new Date(options.asOf).toISOString() : toIsoOrNull(evidence.newestEventTime());
  const recencyDays = options.recencyDays ?? DEFAULT_RECENCY_DAYS;
  const recentSince = asOf ? new Date(Date.parse(asOf) - recencyDays * 86_400_000).toISOString() : null;
  const offline = offlineTarget(evidence, options.drive);
  return {
    evidence,
    lang: options.lang ?? "en",
    asOf,
    recentSince,
    recencyDays,
    offline,
    remediation: (scenario, name, variant, shell, title, values = {}) =>
      renderRemediation(scenario, name, variant, shell, title, { ...offlineValues(offline), ...values }, options.lang ?? "en"),
  };
}

function toIsoOrNull(t: string | null): string | null {
  if (!t) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * Fills the offline script parameters from the evidence: the `reg load` names the engineer used (seen
 * in the raw keys of the dumps), the control set from `Select\Current`, and the drive letter from ACL
 * dump paths (`F:\ProgramData\...`) unless --drive says otherwise.
 */
function offlineTarget(evidence: EvidenceIndex, drive?: string): OfflineTarget {
  let systemMount = "BROKENSYSTEM";
  let softwareMount = "BROKENSOFTWARE";
  for (const { rawRoot, logicalRoot } of evidence.registryMountRoots()) {
    const mount = rawRoot.split("\\")[1];
    if (!mount || /^(SYSTEM|SOFTWARE)$/i.test(mount)) continue; // a live machine's own hives
    if (/^HKLM\\SYSTEM$/i.test(logicalRoot)) systemMount = mount;
    if (/^HKLM\\SOFTWARE$/i.test(logicalRoot)) softwareMount = mount;
  }
  const current = evidence.registryValue("HKLM\\SYSTEM\\Select", "Current");
  const n = typeof current?.value === "number" && current.value > 0 && current.value < 1000 ? current.value : null;
  let letter = drive?.replace(/:$/, "").toUpperCase();
  if (!letter) {
    const fromAcl = evidence
      .aclPaths()
      .map((p) => /^([A-Za-z]):\\/.exec(p)?.[1]?.toUpperCase())
      .find((l) => l && l !== "C");
    letter = fromAcl ?? "F";
  }
  return {
    drive: /^[A-Z]$/.test(letter) ? letter : "F",
    systemMount: safeMountName(systemMount, "BROKENSYSTEM"),
    softwareMount: safeMountName(softwareMount, "BROKENSOFTWARE"),
    controlSet: `ControlSet${String(n ?? 1).padStart(3, "0")}`,
    controlSetAssumed: n === null,
  };
}

function safeMountName(name: string, fallback: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : fallback;
}

function offlineValues(t: OfflineTarget): Record<string, string> {
  return { drive: t.drive, systemMount: t.systemMount, softwareMount: t.softwareMount, controlSet: t.controlSet };
}

const templateCache = new Map<string, Handlebars.TemplateDelegate>();

function templatesRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ["../..", "../../.."]) {
    const candidate = path.resolve(here, up, "templates");
    if (existsSync(path.join(candidate, "remediation"))) return candidate;
  }
  throw new Error("templates/remediation not found next to rdp-triage");
}

/**
 * Script values come from evidence, and an engineer will paste the script into an elevated shell:
 * only plain tokens (GUIDs, thumbprints, names, numbers, paths without quotes or metacharacters) are
 * allowed through. Anything else is replaced by a marker the engineer must fill in by hand.
 */
export const UNSAFE_VALUE_MARKER = "<CHECK-THIS-VALUE>";
const SAFE_SCRIPT_VALUE = /^[A-Za-z0-9 _.,:\\{}\-]{0,260}$/;

export function safeScriptValue(value: string): string {
  return SAFE_SCRIPT_VALUE.test(value) ? value : UNSAFE_VALUE_MARKER;
}

export function renderRemediation(
  scenario: string,
  name: string,
  variant: "offline" | "online",
  shell: "powershell" | "cmd",
  title: string,
  values: Record<string, string>,
  lang: Lang = "en",
): Remediation {
  const ext = shell === "powershell" ? "ps1" : "cmd";
  const file = path.join(templatesRoot(), "remediation", scenario, `${name}.${variant}.${ext}.hbs`);
  let template = templateCache.get(file);
  if (!template) {
    // Scripts are not HTML: no HTML escaping here (the renderers escape); values are vetted above.
    template = Handlebars.compile(readFileSync(file, "utf8"), { noEscape: true, strict: true });
    templateCache.set(file, template);
  }
  const safe: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) safe[k] = safeScriptValue(v);
  const where = whereToRun(variant, shell, safe.drive ?? "F", lang);
  return { title, shell, variant, where, script: template(safe).replace(/\r\n/g, "\n") };
}

/** One sentence on where a script runs, in the report's language. */
function whereToRun(variant: "offline" | "online", shell: "powershell" | "cmd", drive: string, lang: Lang): string {
  if (lang === "ja") {
    return variant === "offline"
      ? `レスキュー VM の管理者${shell === "cmd" ? "コマンド プロンプト" : " PowerShell"}で実行 (障害 VM の OS ディスクを ${drive}: として接続済み)`
      : `障害 VM 上で実行: シリアル コンソール (${shell === "cmd" ? "CMD チャネル" : "PowerShell。先に Remove-Module PSReadLine を実行"}) または実行コマンド (Run Command)`;
  }
  return variant === "offline"
    ? `Rescue VM, elevated ${shell === "cmd" ? "Command Prompt" : "PowerShell"}, broken OS disk attached as ${drive}:`
    : `The broken VM itself: Serial Console (${shell === "cmd" ? "CMD channel" : "PowerShell, run Remove-Module PSReadLine first"}) or Run Command`;
}

export interface ScenarioRun {
  findings: Finding[];
  checked: CheckedScenario[];
}

/** Runs every scenario. A scenario that throws is a bug: it is reported as not checked, the rest still run. */
export function runScenarios(ctx: ScenarioContext, scenarios: Scenario[]): ScenarioRun {
  const findings: Finding[] = [];
  const checked: CheckedScenario[] = [];
  for (const scenario of scenarios) {
    const title = scenario.text[ctx.lang].title;
    try {
      const result = scenario.detect(ctx);
      findings.push(...result.findings);
      checked.push({ scenario: scenario.id, title, status: result.findings.length ? "finding" : result.status, detail: result.detail });
    } catch (error) {
      checked.push({
        scenario: scenario.id,
        title,
        status: "not-checked",
        detail: `internal error in rdp-triage (please report): ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  findings.sort(
    (a, b) => CONFIDENCE_ORDER.indexOf(a.confidence) - CONFIDENCE_ORDER.indexOf(b.confidence) || a.scenario.localeCompare(b.scenario),
  );
  return { findings, checked };
}

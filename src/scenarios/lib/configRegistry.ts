import type { EvidenceIndex, StoredRegistryValue } from "../../store/evidence.js";
import type { Confidence, Evidence } from "../../report/findings.js";
import type { EvidenceNeed, Lang, ScenarioContext } from "../types.js";
import { notCollectedText } from "./collect.js";
import { KEY, dwordValue, keyCollected, registryEvidence, stringValue } from "./registry.js";
import type { Bilingual } from "./text.js";

// Configuration values the "RDP is switched off somewhere" scenarios read (scenarios.md §5), and the
// two rules they share: a value under SOFTWARE\Policies wins over its SYSTEM twin (policy first), and a
// SYSTEM value is "the configuration in effect" only when Select\Current said which ControlSet00N it
// came from (§0.1, §0.3).

const CCS = "HKLM\\SYSTEM\\CurrentControlSet";

/** Logical keys (the index maps mount names and ControlSet00N onto these). */
export const CONFIG_KEY = {
  terminalServer: KEY.terminalServer,
  winStations: `${KEY.terminalServer}\\WinStations`,
  rdpTcp: KEY.rdpTcp,
  tsPolicy: KEY.tsPolicy,
  policies: "HKLM\\SOFTWARE\\Policies",
  licensingCore: `${KEY.terminalServer}\\RCM\\Licensing Core`,
  termServiceParameters: `${KEY.services}\\TermService\\Parameters`,
  licenseServers: `${KEY.services}\\TermService\\Parameters\\LicenseServers`,
  lsa: `${CCS}\\Control\\Lsa`,
  fipsAlgorithmPolicy: `${CCS}\\Control\\Lsa\\FIPSAlgorithmPolicy`,
  policiesSystem: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
  credSspParameters: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters",
  winlogon: `${KEY.currentVersion}\\Winlogon`,
  firewallPolicy: `${KEY.services}\\SharedAccess\\Parameters\\FirewallPolicy`,
  firewallPolicyRules: `${KEY.services}\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules`,
  firewallGpo: "HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall",
  firewallGpoRules: "HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules",
  tcpipInterfaces: `${KEY.tcpipParameters}\\Interfaces`,
  services: KEY.services,
  service: (name: string) => `${KEY.services}\\${name}`,
  serverComponent: (name: string) => `${KEY.serverComponentCache}\\${name}`,
  serverComponentCache: KEY.serverComponentCache,
} as const;

/** The default RDP port (RDP-Tcp\PortNumber, 0xD3D). */
export const DEFAULT_RDP_PORT = 3389;

// ── Policy first ─────────────────────────────────────────────────────────────────────────────────

export interface PolicyFirstDword {
  /** The value in effect: the policy's when it sets one, else the local one; null when neither is in the evidence. */
  value: number | null;
  /** The stored value the verdict rests on. */
  stored: StoredRegistryValue | undefined;
  fromPolicy: boolean;
  policy: StoredRegistryValue | undefined;
  local: StoredRegistryValue | undefined;
  /** A local value that a policy value overrides with a different number (worth saying in a report). */
  overridden: boolean;
}

/** A DWORD read policy first: `policyKey\name` (SOFTWARE\Policies\…) wins over `localKey\name` [S4][S10]. */
export function policyFirstDword(evidence: EvidenceIndex, name: string, localKey: string, policyKey: string | null): PolicyFirstDword {
  const policy = policyKey ? evidence.registryValue(policyKey, name) : undefined;
  const local = evidence.registryValue(localKey, name);
  const p = dwordValue(policy);
  const l = dwordValue(local);
  if (p !== null) return { value: p, stored: policy, fromPolicy: true, policy, local, overridden: l !== null && l !== p };
  return { value: l, stored: l !== null ? local : undefined, fromPolicy: false, policy, local, overridden: false };
}

/** A DWORD of one key; null when absent or not a number. */
export function dwordAt(evidence: EvidenceIndex, key: string, name: string): { value: number | null; stored: StoredRegistryValue | undefined } {
  const stored = evidence.registryValue(key, name);
  const value = dwordValue(stored);
  return { value, stored: value === null ? undefined : stored };
}

/**
 * Whether the policy key was collected whole (it or SOFTWARE\Policies above it), so that an absent policy
 * value means "no policy". A dump of another key under Policies says nothing about this one.
 */
export function policyKeyCollected(evidence: EvidenceIndex, policyKey: string = CONFIG_KEY.tsPolicy): boolean {
  return keyCollected(evidence, policyKey);
}

// ── The configuration in effect ──────────────────────────────────────────────────────────────────

const ORDER: Confidence[] = ["low", "medium", "high"];

/** The lower of two confidences. */
export function lowerConfidence(a: Confidence, b: Confidence): Confidence {
  return ORDER.indexOf(a) < ORDER.indexOf(b) ? a : b;
}

/**
 * A SYSTEM value read without Select\Current may come from a control set Windows does not boot with
 * (the index then maps the lowest ControlSet00N onto CurrentControlSet). §0.3 asks for the configuration
 * in effect before saying "high", so such a verdict is capped at medium, with this reason.
 */
export function controlSetCap(ctx: ScenarioContext, restsOnSystemValue: boolean): { cap: Confidence; why: Bilingual } | null {
  if (!restsOnSystemValue || !ctx.offline.controlSetAssumed) return null;
  return {
    cap: "medium",
    why: {
      en: `Select\\Current was not collected, so ${ctx.offline.controlSet} may not be the control set Windows boots with`,
      ja: `Select\\Current が収集されていないため、${ctx.offline.controlSet} が Windows の起動に使われるコントロール セットとは限りません`,
    },
  };
}

/** "<key>\<name> = <value>", for healthy details and causes; "(policy)" marks a value from SOFTWARE\Policies. */
export function describeValue(lang: Lang, stored: StoredRegistryValue, fromPolicy = false): string {
  const value = Array.isArray(stored.value) ? stored.value.join("; ") : String(stored.value);
  const tail = stored.key.split("\\").slice(-1)[0];
  const where = fromPolicy ? (lang === "ja" ? " (ポリシー)" : " (policy)") : "";
  return `${tail}\\${stored.name} = ${value}${where}`;
}

/** describeValue as a sentence of a healthy detail. */
export function valueSentence(lang: Lang, stored: StoredRegistryValue, fromPolicy = false): string {
  return `${describeValue(lang, stored, fromPolicy)}${lang === "ja" ? "。" : "."}`;
}

/**
 * One sentence of a healthy detail about a value: the value when it is in the evidence, `unset` when the
 * key it lives under was collected without it, else what was not collected and how to collect it.
 */
export function valueDetail(
  lang: Lang,
  stored: StoredRegistryValue | undefined,
  collected: boolean,
  unset: Bilingual,
  missing: { what: string; need: EvidenceNeed },
): string {
  if (stored) return valueSentence(lang, stored);
  if (collected) return unset[lang];
  return notCollectedText(lang, missing.what, missing.need);
}

/**
 * Evidence for a value read policy first: the policy's value (it wins over the local setting, then
 * `policyDetail`) and the local one, marked as overridden when the policy sets it, else with `localNote`.
 */
export function policyFirstEvidence(lang: Lang, v: PolicyFirstDword, localNote: Bilingual, policyDetail = ""): Evidence[] {
  const ja = lang === "ja";
  const out: Evidence[] = [];
  if (v.policy) out.push(registryEvidence(v.policy, `${ja ? "ポリシー: ローカル設定より優先" : "policy: wins over the local setting"}${policyDetail}`));
  if (v.local) out.push(registryEvidence(v.local, v.fromPolicy ? (ja ? "ローカル設定 (ポリシーで上書き)" : "local setting (overridden by the policy)") : localNote[lang]));
  return out;
}

// ── Services ─────────────────────────────────────────────────────────────────────────────────────

/** Service Start values (SCM): 0 boot, 1 system, 2 automatic, 3 manual (demand), 4 disabled. */
export const START_TEXT: Record<number, Bilingual> = {
  0: { en: "boot", ja: "ブート" },
  1: { en: "system", ja: "システム" },
  2: { en: "automatic", ja: "自動" },
  3: { en: "manual", ja: "手動" },
  4: { en: "disabled", ja: "無効" },
};
export const START_DISABLED = 4;

export interface ServiceConfig {
  name: string;
  key: string;
  /** Anything of the service key was collected. */
  collected: boolean;
  start: StoredRegistryValue | undefined;
  startValue: number | null;
  objectName: StoredRegistryValue | undefined;
  objectNameValue: string | null;
}

export function serviceConfig(evidence: EvidenceIndex, name: string): ServiceConfig {
  const key = CONFIG_KEY.service(name);
  const start = evidence.registryValue(key, "Start");
  const objectName = evidence.registryValue(key, "ObjectName");
  return {
    name,
    key,
    collected: evidence.registryKeyExists(key) || evidence.registryValues(key).length > 0,
    start,
    startValue: dwordValue(start),
    objectName,
    objectNameValue: stringValue(objectName),
  };
}

/** Built-in service accounts as SCM stores them in ObjectName (`NT Authority\NetworkService`), case and spacing aside. */
const ACCOUNT_PATTERN: Record<"NetworkService" | "LocalService" | "LocalSystem", RegExp> = {
  NetworkService: /^(nt authority\\)?network ?service$/i,
  LocalService: /^(nt authority\\)?local ?service$/i,
  LocalSystem: /^(localsystem|nt authority\\system|\.\\localsystem)$/i,
};

export function isServiceAccount(objectName: string | null, account: keyof typeof ACCOUNT_PATTERN): boolean {
  return objectName !== null && ACCOUNT_PATTERN[account].test(objectName.trim());
}

/** "<label>: Start = 3 (manual), ObjectName = …." for a healthy detail, or how to collect the service key. */
export function serviceDetail(lang: Lang, label: string, service: ServiceConfig, need: EvidenceNeed): string {
  const ja = lang === "ja";
  if (!service.collected) return notCollectedText(lang, `Services\\${service.name}`, need);
  const start = service.startValue !== null ? `${service.startValue} (${START_TEXT[service.startValue]?.[lang] ?? "?"})` : ja ? "なし" : "absent";
  return ja
    ? `${label}: Start = ${start}、ObjectName = ${service.objectNameValue ?? "なし"}。`
    : `${label}: Start = ${start}, ObjectName = ${service.objectNameValue ?? "absent"}.`;
}

// ── Text ─────────────────────────────────────────────────────────────────────────────────────────

/** "Confidence high: <why>." for verdicts that rest on configuration, where no event window applies. */
export function configConfidenceSentence(lang: Lang, confidence: Confidence, why: string): string {
  if (lang === "ja") return `確度「${{ high: "高", medium: "中", low: "低" }[confidence]}」: ${why}。`;
  return `Confidence ${confidence}: ${why}.`;
}

/** Joins sentences the way each report language does. */
export function sentences(lang: Lang, parts: (string | null | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(lang === "ja" ? "" : " ");
}

/** Said of any value that Group Policy (domain or local Registry.pol) sets: an offline edit does not stick. */
export function groupPolicyNote(lang: Lang): string {
  return lang === "ja"
    ? "この値はグループ ポリシー (ドメインの GPO またはローカルの Registry.pol) で設定されています。オフラインで変更しても次回のポリシー適用で元に戻るため、ポリシー自体を修正してください。"
    : "This value comes from Group Policy (a domain GPO or the local Registry.pol): an offline edit lasts only until the next policy refresh, so fix the policy itself.";
}

/**
 * A decision's confidence and reason after the control-set cap: the rule's own when the verdict rests on
 * SOFTWARE or Select\Current was collected, else at most medium with the reason appended.
 */
export function cappedVerdict(
  ctx: ScenarioContext,
  confidence: Confidence,
  why: string,
  restsOnSystemValue: boolean,
): { confidence: Confidence; why: string } {
  const cap = controlSetCap(ctx, restsOnSystemValue);
  if (!cap) return { confidence, why };
  return { confidence: lowerConfidence(confidence, cap.cap), why: [why, cap.why[ctx.lang]].join(ctx.lang === "ja" ? "。" : "; ") };
}

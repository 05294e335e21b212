import type { EvidenceIndex, StoredRegistryValue } from "../../store/evidence.js";
import { CONFIG_KEY, DEFAULT_RDP_PORT } from "./configRegistry.js";
import { collectedUnder, dwordValue, stringValue } from "./registry.js";
import type { Lang } from "../types.js";
import type { Bilingual } from "./text.js";

// The guest's Windows Firewall as the registry holds it (scenarios.md §5.7), and whether it admits
// inbound TCP to the RDP port.
//
// Profiles: the local store keeps DomainProfile, StandardProfile (= Private) and PublicProfile under
// Services\SharedAccess\Parameters\FirewallPolicy; Group Policy writes DomainProfile, PrivateProfile
// (older tools: StandardProfile) and PublicProfile under SOFTWARE\Policies\Microsoft\WindowsFirewall,
// and a policy value wins [S9]. Per profile: EnableFirewall (absent = on), DoNotAllowExceptions
// ("block all incoming connections, including those in the list of allowed apps": 1 = rules are
// ignored), DefaultInboundAction (absent = block), and in the policy AllowLocalPolicyMerge (0 = the
// local rules do not apply).
//
// Rules are REG_SZ values of FirewallRules in either store: `v2.28|Action=Allow|Active=TRUE|Dir=In|
// Protocol=6|LPort=3389|App=…\svchost.exe|Svc=termservice|Name=…|`. Keys may repeat (Profile=Domain|
// Profile=Private); no Profile key means every profile; the version prefix varies [S36].

export type FirewallProfile = "Domain" | "Private" | "Public";
export const FIREWALL_PROFILES: FirewallProfile[] = ["Domain", "Private", "Public"];

const LOCAL_PROFILE_KEY: Record<FirewallProfile, string> = { Domain: "DomainProfile", Private: "StandardProfile", Public: "PublicProfile" };
const POLICY_PROFILE_KEYS: Record<FirewallProfile, string[]> = {
  Domain: ["DomainProfile"],
  Private: ["PrivateProfile", "StandardProfile"],
  Public: ["PublicProfile"],
};

/** The built-in rule for RDP over TCP ("Remote Desktop - User Mode (TCP-In)"). */
export const RDP_RULE_NAME = "RemoteDesktop-UserMode-In-TCP";

// ── Rules ────────────────────────────────────────────────────────────────────────────────────────

export interface FirewallRule {
  /** The registry value name (the rule id, e.g. RemoteDesktop-UserMode-In-TCP). */
  id: string;
  stored: StoredRegistryValue;
  fromPolicy: boolean;
  /** `key=value` pairs, keys lower-cased, in order (keys may repeat). */
  fields: [string, string][];
}

/** Parses `v2.28|Action=Allow|Active=TRUE|…|` into its pairs; the version token is kept as `version`. */
export function parseFirewallRuleText(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of text.split("|")) {
    const token = part.trim();
    if (!token) continue;
    const eq = token.indexOf("=");
    if (eq < 0) {
      if (/^v\d+\.\d+$/i.test(token)) out.push(["version", token]);
      continue;
    }
    out.push([token.slice(0, eq).trim().toLowerCase(), token.slice(eq + 1).trim()]);
  }
  return out;
}

const all = (r: FirewallRule, key: string) => r.fields.filter(([k]) => k === key).map(([, v]) => v);
const first = (r: FirewallRule, key: string) => all(r, key)[0] ?? null;

export function ruleAction(r: FirewallRule): string | null {
  return first(r, "action")?.toLowerCase() ?? null;
}
export function ruleActive(r: FirewallRule): boolean {
  return first(r, "active")?.toUpperCase() === "TRUE";
}
/** The local-port specs: every `LPort…` key (LPort, LPort2_10, …); empty means any port. */
export function rulePorts(r: FirewallRule): string[] {
  return r.fields.filter(([k]) => k.startsWith("lport")).map(([, v]) => v);
}
export function ruleProfiles(r: FirewallRule): FirewallProfile[] {
  const named = all(r, "profile")
    .map((p) => FIREWALL_PROFILES.find((f) => f.toLowerCase() === p.toLowerCase()))
    .filter((p): p is FirewallProfile => p !== undefined);
  return all(r, "profile").length === 0 ? [...FIREWALL_PROFILES] : named;
}
/** Remote-address scope (RA4/RA6…), empty when the rule applies to any address. */
export function ruleRemoteScope(r: FirewallRule): string[] {
  return r.fields.filter(([k, v]) => /^ra[46]/.test(k) && v !== "*" && v.toLowerCase() !== "any").map(([, v]) => v);
}

/** Whether a port spec list covers `port`: numbers, ranges "a-b", and "*"/"Any"; keywords (RPC, …) never match. */
export function portsCover(specs: string[], port: number): boolean {
  if (specs.length === 0) return true;
  return specs.some((spec) =>
    spec.split(",").some((s) => {
      const t = s.trim();
      if (t === "*" || /^any$/i.test(t)) return true;
      if (/^\d+$/.test(t)) return Number(t) === port;
      const range = /^(\d+)\s*-\s*(\d+)$/.exec(t);
      return range ? Number(range[1]) <= port && port <= Number(range[2]) : false;
    }),
  );
}

/**
 * Whether a rule applies to inbound TCP to `port` of the RDP listener on `profile`: direction In,
 * protocol TCP or any, the port covered, the program (if any) svchost.exe, the service (if any)
 * TermService. Whether it is active and what it does is asked separately.
 */
export function ruleMatchesRdp(r: FirewallRule, port: number, profile: FirewallProfile): boolean {
  if ((first(r, "dir") ?? "").toLowerCase() !== "in") return false;
  const protocol = first(r, "protocol");
  if (protocol !== null && protocol !== "6" && protocol.toLowerCase() !== "tcp") return false;
  if (!portsCover(rulePorts(r), port)) return false;
  if (!ruleProfiles(r).includes(profile)) return false;
  const app = first(r, "app");
  if (app !== null && !/(^|\\)svchost\.exe$/i.test(app) && app !== "*") return false;
  const svc = first(r, "svc");
  if (svc !== null && svc !== "*" && svc.toLowerCase() !== "termservice") return false;
  return true;
}

function rulesUnder(evidence: EvidenceIndex, key: string, fromPolicy: boolean): FirewallRule[] {
  return evidence
    .registryValues(key)
    .map((stored) => ({ stored, text: stringValue(stored) }))
    .filter((x): x is { stored: StoredRegistryValue; text: string } => x.text !== null)
    .map(({ stored, text }) => ({ id: stored.name, stored, fromPolicy, fields: parseFirewallRuleText(text) }));
}

// ── Profiles ─────────────────────────────────────────────────────────────────────────────────────

interface Setting {
  value: number | null;
  stored: StoredRegistryValue | undefined;
  fromPolicy: boolean;
}

function profileSetting(evidence: EvidenceIndex, profile: FirewallProfile, name: string): Setting {
  for (const sub of POLICY_PROFILE_KEYS[profile]) {
    const stored = evidence.registryValue(`${CONFIG_KEY.firewallGpo}\\${sub}`, name);
    const value = dwordValue(stored);
    if (value !== null) return { value, stored, fromPolicy: true };
  }
  const stored = evidence.registryValue(`${CONFIG_KEY.firewallPolicy}\\${LOCAL_PROFILE_KEY[profile]}`, name);
  const value = dwordValue(stored);
  return { value, stored: value === null ? undefined : stored, fromPolicy: false };
}

export type Admission =
  /** The profile's firewall is off. */
  | "firewall-off"
  /** An active Allow rule covers the port (and no Block rule does). */
  | "allowed"
  /** DefaultInboundAction = 0: inbound allowed unless a rule blocks it. */
  | "default-allow"
  /** DoNotAllowExceptions = 1: every inbound connection is dropped, rules or not. */
  | "block-all-inbound"
  /** An active Block rule without a remote-address scope covers the port. */
  | "block-rule"
  /** The rules were collected and no active Allow rule covers the port. */
  | "no-allow-rule"
  /** The rules were not collected: cannot tell. */
  | "unknown";

export interface ProfileVerdict {
  profile: FirewallProfile;
  enabled: boolean;
  admission: Admission;
  /** The settings the verdict rests on (only those present in the evidence). */
  settings: StoredRegistryValue[];
  /** Allow rules that cover the port, Block rules that cover it. */
  allowRules: FirewallRule[];
  blockRules: FirewallRule[];
  /** The profile's local rules are ignored (policy AllowLocalPolicyMerge = 0). */
  localRulesIgnored: boolean;
}

export interface FirewallAnalysis {
  /** Any firewall configuration was collected (local store or policy). */
  collected: boolean;
  /** FirewallRules (local or policy) was collected. */
  rulesCollected: boolean;
  port: number;
  profiles: ProfileVerdict[];
  /** The built-in RDP rule as the local store holds it (and its policy twin, if any). */
  rdpRules: FirewallRule[];
}

export const ADMITS = (a: Admission) => a === "firewall-off" || a === "allowed" || a === "default-allow";
export const BLOCKS = (a: Admission) => a === "block-all-inbound" || a === "block-rule" || a === "no-allow-rule";

/** The firewall's verdict on inbound TCP to `port` (the RDP listener), per profile. */
export function analyzeFirewall(evidence: EvidenceIndex, port: number = DEFAULT_RDP_PORT): FirewallAnalysis {
  const collected = collectedUnder(evidence, CONFIG_KEY.firewallPolicy) || collectedUnder(evidence, CONFIG_KEY.firewallGpo);
  const localRules = rulesUnder(evidence, CONFIG_KEY.firewallPolicyRules, false);
  const policyRules = rulesUnder(evidence, CONFIG_KEY.firewallGpoRules, true);
  const rulesCollected = collectedUnder(evidence, CONFIG_KEY.firewallPolicyRules) || policyRules.length > 0;
  const profiles = FIREWALL_PROFILES.map((profile): ProfileVerdict => {
    const enable = profileSetting(evidence, profile, "EnableFirewall");
    const shield = profileSetting(evidence, profile, "DoNotAllowExceptions");
    const inbound = profileSetting(evidence, profile, "DefaultInboundAction");
    const merge = profileSetting(evidence, profile, "AllowLocalPolicyMerge");
    const settings = [enable, shield, inbound, merge].map((s) => s.stored).filter((s): s is StoredRegistryValue => s !== undefined);
    const localRulesIgnored = merge.fromPolicy && merge.value === 0;
    const rules = [...policyRules, ...(localRulesIgnored ? [] : localRules)].filter((r) => ruleActive(r) && ruleMatchesRdp(r, port, profile));
    const allowRules = rules.filter((r) => ruleAction(r) === "allow");
    const blockRules = rules.filter((r) => ruleAction(r) === "block" && ruleRemoteScope(r).length === 0);
    const enabled = enable.value !== 0; // absent = on (Windows' default)
    const admission: Admission = !enabled
      ? "firewall-off"
      : shield.value === 1
        ? "block-all-inbound"
        : blockRules.length
          ? "block-rule"
          : allowRules.length
            ? "allowed"
            : inbound.value === 0
              ? "default-allow"
              : rulesCollected
                ? "no-allow-rule"
                : "unknown";
    return { profile, enabled, admission, settings, allowRules, blockRules, localRulesIgnored };
  });
  const rdpRules = [...policyRules, ...localRules].filter((r) => r.id.toLowerCase() === RDP_RULE_NAME.toLowerCase());
  return { collected, rulesCollected, port, profiles, rdpRules };
}

/** What is wrong with the built-in RDP rule for `port`, if anything. */
export function rdpRuleProblem(rule: FirewallRule, port: number): "disabled" | "blocks" | "port-mismatch" | null {
  if (!ruleActive(rule)) return "disabled";
  if (ruleAction(rule) === "block") return "blocks";
  if (!portsCover(rulePorts(rule), port)) return "port-mismatch";
  return null;
}

const ADMISSION_TEXT: Record<ProfileVerdict["admission"], Bilingual> = {
  "firewall-off": { en: "firewall off", ja: "ファイアウォール無効" },
  allowed: { en: "an active Allow rule covers the port", ja: "有効な許可規則がポートを含む" },
  "default-allow": { en: "inbound allowed by default", ja: "既定で受信を許可" },
  "block-all-inbound": { en: "all inbound connections blocked (DoNotAllowExceptions = 1)", ja: "すべての受信接続をブロック (DoNotAllowExceptions = 1)" },
  "block-rule": { en: "an active Block rule covers the port", ja: "有効なブロック規則がポートを含む" },
  "no-allow-rule": { en: "no active Allow rule covers the port", ja: "ポートを含む有効な許可規則なし" },
  unknown: { en: "rules not collected", ja: "規則は未収集" },
};

/** One observation line per profile: "Public: no active Allow rule covers the port". */
export function profileObservations(lang: Lang, firewall: FirewallAnalysis): string {
  return firewall.profiles.map((p) => `${p.profile}: ${ADMISSION_TEXT[p.admission][lang]}`).join(lang === "ja" ? "、" : "; ");
}


// guest-firewall-blocks-rdp — the Windows Firewall inside the VM drops inbound RDP.
//
// Per profile (Domain, Private = StandardProfile, Public), policy first: EnableFirewall (absent = on),
// DoNotAllowExceptions = 1 ("block all incoming connections", rules ignored), DefaultInboundAction
// (absent = block), and the rules in FirewallRules of the local store and of the policy (the policy's
// AllowLocalPolicyMerge = 0 drops the local ones). RDP gets in when an active Allow rule covers inbound
// TCP to RDP-Tcp\PortNumber for svchost/TermService and no active unscoped Block rule does [S9][S36].
// The usual culprits: the built-in RemoteDesktop-UserMode-In-TCP rule left at Active=FALSE (turning
// Remote Desktop off in System Properties does that), Block rules from a hardening baseline, and
// DoNotAllowExceptions. A profile admitting 3389 but not a moved PortNumber is rdp-port-changed's
// finding, not this one. Microsoft's offline fix switches the firewall off [S9]; the fix here turns the
// RDP rule back on instead and leaves the firewall running.
// Reference: scenarios.md §5.7 (and §4: the firewall article builds 'ControlSet00'+$n, wrong for n ≥ 10).

import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, DEFAULT_RDP_PORT, configConfidenceSentence, dwordAt, groupPolicyNote, sentences } from "./lib/configRegistry.js";
import {
  ADMITS,
  BLOCKS,
  RDP_RULE_NAME,
  analyzeFirewall,
  profileObservations,
  rdpRuleProblem,
  type Admission,
  type FirewallAnalysis,
  type FirewallRule,
  type ProfileVerdict,
} from "./lib/firewall.js";
import { NEED_SELECT_CURRENT, firewallNeed, firewallPolicyNeed, terminalServerNeed } from "./lib/needs.js";
import { keyCollected, registryEvidence, registrySourceOf } from "./lib/registry.js";
import { offlineAndOnline } from "./lib/remediation.js";
import { configFinding, healthy, notChecked } from "./lib/results.js";
import { list, type Bilingual } from "./lib/text.js";

export const GUEST_FIREWALL_BLOCKS_RDP = "guest-firewall-blocks-rdp";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "The guest's Windows Firewall blocks RDP",
    summary: "A firewall profile blocks all inbound, a Block rule covers the RDP port, or no active Allow rule does (RemoteDesktop-UserMode-In-TCP off)",
    checks:
      "Evaluates the Windows Firewall per profile (Domain, Private, Public), policy first: whether it is on, whether it " +
      "blocks all inbound connections (DoNotAllowExceptions), and whether an active Allow rule and no active Block rule " +
      "covers inbound TCP to RDP-Tcp\\PortNumber, reading the rules of the local store and of Group Policy. Reports the " +
      "built-in RemoteDesktop-UserMode-In-TCP rule when it is disabled, blocks, or names another port.",
  },
  ja: {
    title: "ゲストの Windows ファイアウォールが RDP をブロックしている",
    summary: "プロファイルがすべての受信をブロック、ブロック規則が RDP ポートを含む、または有効な許可規則がない (RemoteDesktop-UserMode-In-TCP が無効)",
    checks:
      "Windows ファイアウォールをプロファイル (ドメイン、プライベート、パブリック) ごとにポリシー優先で評価します。ファイアウォールが" +
      "有効か、すべての受信接続をブロックするか (DoNotAllowExceptions)、RDP-Tcp\\PortNumber への受信 TCP を含む有効な許可規則があり" +
      "ブロック規則がないかを、ローカル ストアとグループ ポリシーの規則から判断します。既定の RemoteDesktop-UserMode-In-TCP 規則が" +
      "無効、ブロック、または別のポートを指している場合も報告します。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_FIREWALL = firewallNeed("Windows Firewall profiles and rules of the control set in use (SharedAccess\\Parameters\\FirewallPolicy)");
const NEED_FIREWALL_POLICY = firewallPolicyNeed("Windows Firewall Group Policy (SOFTWARE\\Policies\\Microsoft\\WindowsFirewall), which wins");
const NEED_RDP_TCP = terminalServerNeed("Terminal Server key (RDP-Tcp\\PortNumber, the port the rules must admit)", CONFIG_KEY.rdpTcp);
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_FIREWALL, NEED_FIREWALL_POLICY, NEED_RDP_TCP, NEED_SELECT];

const samples = ["guest-firewall-rdp-rule-off", "guest-firewall-policy-block-all", "config-healthy-quiet", "rdp-port-changed"];

// ── How it decides ───────────────────────────────────────────────────────────────────────────────
//
//   every enabled profile blocks inbound TCP to PortNumber          → high
//   some enabled profiles block it (which one the NIC is on is not on the disk) → medium
//   PortNumber ≠ 3389 and every blocking profile admits 3389        → not this scenario (rdp-port-changed)
//   an enabled profile whose rules were not collected               → not checked
//   no firewall configuration collected                             → not checked
// The sub-cause is the strongest block found: block-all-inbound > block-rule > the RDP rule disabled /
// pointed at another port > no-allow-rule. Capped at medium when the verdict rests on the local store
// and Select\Current was not collected (§0.3).

type SubCause = "block-all-inbound" | "block-rule" | "rdp-rule-disabled" | "rdp-rule-port-mismatch" | "no-allow-rule";

interface Facts {
  port: number;
  firewall: FirewallAnalysis;
  enabled: ProfileVerdict[];
  blocking: ProfileVerdict[];
}

function subCauseOf(f: Facts): SubCause {
  const admissions = new Set<Admission>(f.blocking.map((p) => p.admission));
  if (admissions.has("block-all-inbound")) return "block-all-inbound";
  if (admissions.has("block-rule")) return "block-rule";
  const problems = f.firewall.rdpRules.map((r) => rdpRuleProblem(r, f.port));
  if (problems.includes("disabled")) return "rdp-rule-disabled";
  if (problems.includes("port-mismatch")) return "rdp-rule-port-mismatch";
  return "no-allow-rule";
}

/** Whether the verdict rests on the policy store only (then no control-set cap applies). */
function restsOnPolicy(f: Facts): boolean {
  return f.blocking.every((p) => p.settings.some((s) => s.key.toUpperCase().startsWith("HKLM\\SOFTWARE\\") && /^DoNotAllowExceptions$/i.test(s.name)));
}

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const ja = lang === "ja";
  const portValue = dwordAt(evidence, CONFIG_KEY.rdpTcp, "PortNumber").value;
  const port = portValue ?? DEFAULT_RDP_PORT;
  const firewall = analyzeFirewall(evidence, port);
  if (!firewall.collected) return notChecked(missingEvidenceText(lang, [NEED_FIREWALL, NEED_FIREWALL_POLICY]));
  const enabled = firewall.profiles.filter((p) => p.enabled);
  const blocking = enabled.filter((p) => BLOCKS(p.admission));
  const facts: Facts = { port, firewall, enabled, blocking };

  if (blocking.length && port !== DEFAULT_RDP_PORT) {
    const at3389 = analyzeFirewall(evidence, DEFAULT_RDP_PORT);
    const consequence = blocking.every((b) => ADMITS(at3389.profiles.find((p) => p.profile === b.profile)!.admission));
    if (consequence) {
      return healthy(
        ja
          ? `ファイアウォールは 3389 を許可していますが、RDP が待ち受けるポート ${port} は許可していません。これはポート変更の結果で、rdp-port-changed が報告します。`
          : `The firewall admits 3389 but not port ${port}, where RDP listens: a consequence of the port change, which rdp-port-changed reports.`,
      );
    }
  }
  if (!blocking.length) return quiet(ctx, facts, portValue !== null);

  const subCause = subCauseOf(facts);
  const all = blocking.length === enabled.length;
  const base: Confidence = all ? "high" : "medium";
  const baseWhy = all
    ? ja
      ? `有効なすべてのプロファイル (${list(lang, enabled.map((p) => p.profile))}) でポート ${port} への受信 TCP がブロックされます`
      : `inbound TCP to port ${port} is blocked on every enabled profile (${list(lang, enabled.map((p) => p.profile))})`
    : ja
      ? `${list(lang, blocking.map((p) => p.profile))} プロファイルでポート ${port} への受信 TCP がブロックされます (NIC がどのプロファイルかは証拠にありません)`
      : `inbound TCP to port ${port} is blocked on the ${list(lang, blocking.map((p) => p.profile))} profile(s) (which profile the NIC is on is not in the evidence)`;
  const blockRules = uniqueRules(blocking.flatMap((p) => p.blockRules));
  return configFinding(ctx, GUEST_FIREWALL_BLOCKS_RDP, { confidence: base, subCause, why: baseWhy }, {
    onSystemValue: !restsOnPolicy(facts),
    title: TITLE,
    cause: causeText(lang, subCause, facts),
    explanation: (confidence, why) => explanationText(ctx, confidence, why, facts, blockRules),
    evidence: collectEvidence(ctx, facts, blockRules),
    remediation: remediationFor(ctx, port, blockRules),
  });
}

/**
 * Healthy needs what could block RDP read on every profile: the firewall policy (it wins) collected, the
 * local store collected unless the policy turns the firewall off everywhere, the rules when a profile is
 * on, and RDP-Tcp\PortNumber when a port-specific Allow rule is what admits RDP.
 */
function quiet(ctx: ScenarioContext, f: Facts, portKnown: boolean): ScenarioResult {
  const { lang, evidence } = ctx;
  const ja = lang === "ja";
  const observed = ja ? `ポート ${f.port} に対するゲストのファイアウォール: ${profileObservations(lang, f.firewall)}。` : `Guest firewall for port ${f.port}: ${profileObservations(lang, f.firewall)}.`;
  const unknown = f.enabled.filter((p) => p.admission === "unknown");
  if (unknown.length) {
    return notChecked(
      (ja
        ? `${list(lang, unknown.map((p) => p.profile))} プロファイルのファイアウォールは有効ですが、FirewallRules が収集されていないため RDP が許可されるか判断できません。`
        : `The firewall is on for the ${list(lang, unknown.map((p) => p.profile))} profile(s), but FirewallRules was not collected, so whether RDP is admitted cannot be told. `) +
        missingEvidenceText(lang, [NEED_FIREWALL]),
    );
  }
  const policyKnown = keyCollected(evidence, CONFIG_KEY.firewallGpo);
  const offByPolicy = f.firewall.profiles.every((p) => p.admission === "firewall-off" && p.settings.some((s) => /^EnableFirewall$/i.test(s.name) && s.key.toUpperCase().startsWith("HKLM\\SOFTWARE\\")));
  const localKnown = keyCollected(evidence, CONFIG_KEY.firewallPolicy) || offByPolicy;
  const portNeeded = !portKnown && f.enabled.some((p) => p.admission === "allowed");
  if (!policyKnown || !localKnown || portNeeded) {
    return notChecked(
      sentences(lang, [
        observed,
        !policyKnown &&
          (ja
            ? "ファイアウォールのグループ ポリシー (ローカル設定より優先) が収集されていないため、ポリシーによるブロックを否定できません。"
            : "The Windows Firewall Group Policy (it wins over the local settings) was not collected, so a policy that blocks RDP cannot be ruled out."),
        !localKnown &&
          (ja
            ? "ローカルのファイアウォール設定 (SharedAccess) が収集されていないため、ローカルの規則によるブロックを否定できません。"
            : "The local firewall store (SharedAccess) was not collected, so a local rule that blocks RDP cannot be ruled out."),
        portNeeded &&
          (ja
            ? `RDP-Tcp の PortNumber が収集されていないため、許可規則が RDP の実際のポートを含むか確認できません (${DEFAULT_RDP_PORT} を仮定)。`
            : `RDP-Tcp\\PortNumber was not collected, so whether the Allow rules cover the port RDP really listens on cannot be told (${DEFAULT_RDP_PORT} assumed).`),
        missingEvidenceText(lang, [...(localKnown ? [] : [NEED_FIREWALL]), ...(policyKnown ? [] : [NEED_FIREWALL_POLICY]), ...(portNeeded ? [NEED_RDP_TCP] : [])]),
      ]),
    );
  }
  const problems = f.firewall.rdpRules.map((r) => ({ r, problem: rdpRuleProblem(r, f.port) })).filter((x) => x.problem !== null);
  const note = problems.length
    ? ja
      ? ` 既定の ${RDP_RULE_NAME} 規則は ${problems.map((p) => p.problem).join("、")} ですが、他の規則または設定で RDP は許可されています。`
      : ` The built-in ${RDP_RULE_NAME} rule is ${problems.map((p) => p.problem).join(", ")}, but other rules or settings admit RDP.`
    : "";
  return healthy(observed + note);
}

function uniqueRules(rules: FirewallRule[]): FirewallRule[] {
  const seen = new Map<string, FirewallRule>();
  for (const r of rules) seen.set(`${r.stored.key}|${r.id}`.toLowerCase(), r);
  return [...seen.values()];
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "block-all-inbound": { en: "The guest firewall blocks all inbound connections", ja: "ゲストのファイアウォールがすべての受信接続をブロックしています" },
  "block-rule": { en: "A guest firewall rule blocks RDP", ja: "ゲストのファイアウォール規則が RDP をブロックしています" },
  "rdp-rule-disabled": { en: "The guest firewall's Remote Desktop rule is disabled", ja: "ゲストのファイアウォールのリモート デスクトップ規則が無効になっています" },
  "rdp-rule-port-mismatch": { en: "The guest firewall's Remote Desktop rule admits another port", ja: "ゲストのファイアウォールのリモート デスクトップ規則が別のポートを許可しています" },
  "no-allow-rule": { en: "No guest firewall rule admits RDP", ja: "RDP を許可するゲストのファイアウォール規則がありません" },
};

function causeText(lang: Lang, subCause: SubCause, f: Facts): string {
  const ja = lang === "ja";
  const profiles = list(lang, f.blocking.map((p) => p.profile));
  switch (subCause) {
    case "block-all-inbound":
      return ja
        ? `${profiles} プロファイルで「すべての受信接続をブロックする」(DoNotAllowExceptions = 1) が有効なため、許可規則があっても RDP は遮断されます。`
        : `"Block all incoming connections" (DoNotAllowExceptions = 1) is on for the ${profiles} profile(s), so RDP is dropped whatever the rules say.`;
    case "block-rule":
      return ja
        ? `有効なブロック規則がポート ${f.port} への受信 TCP を含んでおり、ブロック規則は許可規則より優先されます。`
        : `An active Block rule covers inbound TCP to port ${f.port}, and Block rules win over Allow rules.`;
    case "rdp-rule-disabled":
      return ja
        ? `既定の ${RDP_RULE_NAME} 規則が無効 (Active=FALSE) で、ポート ${f.port} を許可する他の規則もありません。`
        : `The built-in ${RDP_RULE_NAME} rule is disabled (Active=FALSE) and no other rule admits port ${f.port}.`;
    case "rdp-rule-port-mismatch":
      return ja
        ? `既定の ${RDP_RULE_NAME} 規則は RDP が待ち受けるポート ${f.port} とは別のポートを許可しています。`
        : `The built-in ${RDP_RULE_NAME} rule admits a port other than ${f.port}, where RDP listens.`;
    case "no-allow-rule":
      return ja
        ? `ポート ${f.port} への受信 TCP を許可する有効な規則がなく、既定の動作で受信がブロックされます。`
        : `No active rule admits inbound TCP to port ${f.port}, and the default inbound action blocks it.`;
  }
}

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, f: Facts, blockRules: FirewallRule[]): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  const fromPolicy = f.blocking.some((p) => p.settings.some((s) => s.key.toUpperCase().startsWith("HKLM\\SOFTWARE\\"))) || blockRules.some((r) => r.fromPolicy);
  return sentences(lang, [
    ja
      ? "NSG が許可していても、ゲストのファイアウォールが接続を破棄するため、クライアントはタイムアウトします。"
      : "Even with the NSG open, the guest firewall drops the connection and the client times out.",
    configConfidenceSentence(lang, confidence, why),
    ja
      ? "修正ではファイアウォールを無効にせず (Microsoft の記事の方法)、RDP の規則を有効にします。"
      : "The fix turns the RDP rule back on rather than switching the firewall off as Microsoft's article does.",
    blockRules.length > 0 &&
      (ja
        ? `ブロック規則 ${blockRules.map((r) => r.id).join("、")} はオンラインで無効にします (オフライン スクリプトでは変更しません)。`
        : `The Block rule(s) ${blockRules.map((r) => r.id).join(", ")} are disabled by the online script (the offline script leaves them).`),
    fromPolicy && groupPolicyNote(lang),
    controlSetNote(ctx),
  ]);
}

function collectEvidence(ctx: ScenarioContext, f: Facts, blockRules: FirewallRule[]): Evidence[] {
  const { lang } = ctx;
  const ja = lang === "ja";
  const out: Evidence[] = [
    {
      kind: "observation",
      source: registrySourceOf(ctx.evidence, CONFIG_KEY.firewallPolicy),
      text: ja ? `ポート ${f.port} に対するゲストのファイアウォール: ${profileObservations(lang, f.firewall)}` : `Guest firewall for port ${f.port}: ${profileObservations(lang, f.firewall)}`,
    },
  ];
  const seen = new Set<string>();
  for (const p of f.blocking) {
    for (const s of p.settings) {
      const id = `${s.key}|${s.name}`.toLowerCase();
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(registryEvidence(s, `${p.profile}`));
    }
  }
  for (const r of f.firewall.rdpRules) {
    const problem = rdpRuleProblem(r, f.port);
    out.push(registryEvidence(r.stored, problem ? (ja ? `既定の RDP 規則: ${problem}` : `the built-in RDP rule: ${problem}`) : ja ? "既定の RDP 規則" : "the built-in RDP rule"));
  }
  for (const r of blockRules) out.push(registryEvidence(r.stored, ja ? "RDP ポートを含むブロック規則" : "a Block rule covering the RDP port"));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// allow-rdp (offline): backs up FirewallPolicy (and the WindowsFirewall policy key), turns
//   DoNotAllowExceptions 1 → 0 in every profile where it is set (local and policy), and rewrites
//   RemoteDesktop-UserMode-In-TCP as an active Allow rule for TCP PortNumber unless it already is one.
// allow-rdp (online): the same with the NetSecurity cmdlets, and disables the Block rules found.

function remediationFor(ctx: ScenarioContext, port: number, blockRules: FirewallRule[]): Remediation[] {
  const values = { port: String(port), blockRules: blockRules.filter((r) => !r.fromPolicy).map((r) => r.id).join(",") };
  return offlineAndOnline(ctx, GUEST_FIREWALL_BLOCKS_RDP, "allow-rdp", {
    offline: { en: "Offline: turn the RDP rule back on, leaving the firewall on", ja: "オフライン: ファイアウォールを有効にしたまま RDP の規則を有効にする" },
    online: { en: "Online: turn the RDP rule on and disable the rules that block RDP", ja: "オンライン: RDP の規則を有効にし、RDP をブロックする規則を無効にする" },
  }, values);
}

export const guestFirewallBlocksRdp: Scenario = {
  id: GUEST_FIREWALL_BLOCKS_RDP,
  text,
  needs,
  samples,
  detect,
};

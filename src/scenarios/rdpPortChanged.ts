// rdp-port-changed — the RDP listener does not listen on 3389.
//
// RDP-Tcp\PortNumber (DWORD, default 3389 = 0xD3D) [S10] moves the listener. Clients that connect to
// the VM's address without a port, Azure's "Connect" file and an NSG rule for 3389 all keep using 3389
// and hit a closed port. The built-in firewall rule RemoteDesktop-UserMode-In-TCP is scoped to
// LPort=3389, so the guest firewall refuses the new port unless a rule follows it [S24]; even when one
// does, the NSG (not on the disk) must allow the port too, and the client must name it
// (`mstsc /v:<address>:<port>`).
// Reference: scenarios.md §5.3.

import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, DEFAULT_RDP_PORT, configConfidenceSentence, dwordAt, sentences } from "./lib/configRegistry.js";
import { BLOCKS, analyzeFirewall, profileObservations, type FirewallAnalysis, type ProfileVerdict } from "./lib/firewall.js";
import { NEED_SELECT_CURRENT, firewallNeed, firewallPolicyNeed, terminalServerNeed } from "./lib/needs.js";
import { registryEvidence, registrySourceOf } from "./lib/registry.js";
import { offlineAndOnline, onlineScript } from "./lib/remediation.js";
import { configFinding, healthy, notChecked, type DecisionRule } from "./lib/results.js";
import { list, type Bilingual } from "./lib/text.js";

export const RDP_PORT_CHANGED = "rdp-port-changed";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "RDP listens on a port other than 3389",
    summary: "RDP-Tcp PortNumber ≠ 3389: clients, the NSG and the built-in firewall rule still expect 3389",
    checks:
      "Reads RDP-Tcp\\PortNumber in the control set Windows boots with. When it is not 3389, checks whether the guest " +
      "firewall admits inbound TCP to the new port (an active Allow rule, the profile off, or default-allow) on every " +
      "enabled profile. A moved port that the firewall refuses is a firm finding; one the firewall admits is reported at " +
      "low confidence, because the NSG is not on the disk and the client must name the port.",
  },
  ja: {
    title: "RDP が 3389 以外のポートで待ち受けている",
    summary: "RDP-Tcp の PortNumber ≠ 3389: クライアント、NSG、既定のファイアウォール規則はまだ 3389 を前提にしている",
    checks:
      "Windows が起動に使うコントロール セットの RDP-Tcp\\PortNumber を読み取ります。3389 でない場合、有効なすべてのプロファイルで" +
      "ゲストのファイアウォールが新しいポートへの受信 TCP を許可するか (有効な許可規則、プロファイル無効、既定で許可) を確認します。" +
      "ファイアウォールが拒否する場合は確度の高い所見とし、許可する場合も NSG はディスク上になく、クライアントはポートを指定する" +
      "必要があるため、確度「低」で報告します。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_RDP_TCP = terminalServerNeed("Terminal Server key of the control set in use (RDP-Tcp\\PortNumber)", CONFIG_KEY.rdpTcp);
const NEED_FIREWALL = firewallNeed("Windows Firewall profiles and rules (SharedAccess\\Parameters\\FirewallPolicy)");
const NEED_FIREWALL_POLICY = firewallPolicyNeed("Windows Firewall Group Policy (SOFTWARE\\Policies\\Microsoft\\WindowsFirewall)");
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_RDP_TCP, NEED_FIREWALL, NEED_FIREWALL_POLICY, NEED_SELECT];

const samples = ["rdp-port-changed", "rdp-port-changed-rule-follows", "config-healthy-quiet"];

// ── How it decides ───────────────────────────────────────────────────────────────────────────────
//
//   PortNumber 0 or above 65535                                              → high, invalid-port
//   PortNumber ≠ 3389, the firewall refuses it on every enabled profile      → high, port-changed-not-allowed
//   PortNumber ≠ 3389, the firewall refuses it on some enabled profiles      → medium, port-changed-not-allowed
//   PortNumber ≠ 3389, the firewall configuration or rules not collected     → medium, port-changed
//   PortNumber ≠ 3389, the firewall admits it on every enabled profile (or is off) → low, port-changed
//   PortNumber = 3389                                                        → healthy
//   PortNumber not in the evidence                                           → not checked
// Capped at medium when Select\Current was not collected (§0.3).

type SubCause = "invalid-port" | "port-changed-not-allowed" | "port-changed";

interface Facts {
  port: number;
  firewall: FirewallAnalysis;
  enabled: ProfileVerdict[];
  refusing: ProfileVerdict[];
  unknown: boolean;
}

type Rule = DecisionRule<Facts, SubCause, (f: Facts, lang: Lang) => string>;

const names = (lang: Lang, ps: ProfileVerdict[]) => list(lang, ps.map((p) => p.profile));

const DECISION: Rule[] = [
  {
    when: (f) => f.port <= 0 || f.port > 65535,
    confidence: "high",
    subCause: "invalid-port",
    why: (f, lang) => (lang === "ja" ? `PortNumber = ${f.port} は TCP ポートとして無効です` : `PortNumber = ${f.port} is not a valid TCP port`),
  },
  {
    when: (f) => f.enabled.length > 0 && f.refusing.length === f.enabled.length,
    confidence: "high",
    subCause: "port-changed-not-allowed",
    why: (f, lang) =>
      lang === "ja"
        ? `RDP はポート ${f.port} で待ち受けていますが、有効なすべてのプロファイル (${names(lang, f.enabled)}) でゲストのファイアウォールがこのポートを許可していません`
        : `RDP listens on ${f.port}, and the guest firewall admits that port on none of the enabled profiles (${names(lang, f.enabled)})`,
  },
  {
    when: (f) => f.refusing.length > 0,
    confidence: "medium",
    subCause: "port-changed-not-allowed",
    why: (f, lang) =>
      lang === "ja"
        ? `RDP はポート ${f.port} で待ち受けており、ゲストのファイアウォールは ${names(lang, f.refusing)} プロファイルでこのポートを許可していません (NIC がどのプロファイルかは証拠にありません)`
        : `RDP listens on ${f.port}, and the guest firewall refuses it on the ${names(lang, f.refusing)} profile(s) (which profile the NIC is on is not in the evidence)`,
  },
  {
    when: (f) => f.unknown,
    confidence: "medium",
    subCause: "port-changed",
    why: (f, lang) =>
      lang === "ja"
        ? `RDP はポート ${f.port} で待ち受けています。既定の規則は 3389 だけを許可しますが、ファイアウォールの設定または規則が収集されていないため確認できません`
        : `RDP listens on ${f.port}; the built-in rule admits only 3389, but the firewall configuration or rules were not collected to confirm it`,
  },
  {
    when: () => true,
    confidence: "low",
    subCause: "port-changed",
    why: (f, lang) =>
      lang === "ja"
        ? `RDP はポート ${f.port} で待ち受けており、ゲストのファイアウォールはこのポートを許可しています。NSG とクライアントが ${f.port} を使っていなければ接続できません`
        : `RDP listens on ${f.port} and the guest firewall admits it; connections still fail unless the NSG and the client use ${f.port}`,
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const portValue = dwordAt(evidence, CONFIG_KEY.rdpTcp, "PortNumber");
  if (portValue.value === null) {
    return notChecked((lang === "ja" ? "RDP-Tcp の PortNumber が証拠にありません。" : "RDP-Tcp\\PortNumber is not in the evidence. ") + missingEvidenceText(lang, [NEED_RDP_TCP]));
  }
  const port = portValue.value;
  if (port === DEFAULT_RDP_PORT) {
    return healthy(lang === "ja" ? `RDP-Tcp の PortNumber は既定の ${DEFAULT_RDP_PORT} です。` : `RDP-Tcp\\PortNumber is the default ${DEFAULT_RDP_PORT}.`);
  }
  const firewall = analyzeFirewall(evidence, port);
  const enabled = firewall.profiles.filter((p) => p.enabled);
  const facts: Facts = {
    port,
    firewall,
    enabled,
    refusing: firewall.collected ? enabled.filter((p) => BLOCKS(p.admission)) : [],
    unknown: !firewall.collected || firewall.profiles.some((p) => p.admission === "unknown"),
  };
  const rule = DECISION.find((r) => r.when(facts))!;
  return configFinding(ctx, RDP_PORT_CHANGED, { confidence: rule.confidence, subCause: rule.subCause, why: rule.why(facts, lang) }, {
    onSystemValue: true,
    title: TITLE,
    cause: causeText(lang, rule.subCause, port),
    explanation: (confidence, why) => explanationText(ctx, confidence, why, facts),
    evidence: collectEvidence(ctx, portValue.stored!, facts),
    remediation: remediationFor(ctx, port, rule.subCause),
  });
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "invalid-port": { en: "RDP-Tcp PortNumber is not a valid port", ja: "RDP-Tcp の PortNumber が無効なポートです" },
  "port-changed-not-allowed": { en: "RDP was moved off 3389 and the guest firewall refuses the new port", ja: "RDP のポートが 3389 から変更され、ゲストのファイアウォールが新しいポートを拒否しています" },
  "port-changed": { en: "RDP listens on a port other than 3389", ja: "RDP が 3389 以外のポートで待ち受けています" },
};

function causeText(lang: Lang, subCause: SubCause, port: number): string {
  const ja = lang === "ja";
  if (subCause === "invalid-port") {
    return ja ? `RDP-Tcp の PortNumber = ${port} のため、RDP リスナーは待ち受けできません。` : `RDP-Tcp\\PortNumber = ${port}, on which the RDP listener cannot listen.`;
  }
  const client = ja
    ? `クライアントは ${port} を指定して接続する必要があります (mstsc /v:<アドレス>:${port})。`
    : `Clients must connect to ${port} (mstsc /v:<address>:${port}).`;
  return subCause === "port-changed-not-allowed"
    ? ja
      ? `RDP はポート 3389 ではなく ${port} で待ち受けていますが、ゲストのファイアウォールはこのポートへの接続を許可していません。${client}`
      : `RDP listens on port ${port} instead of 3389, and the guest firewall does not admit connections to it. ${client}`
    : ja
      ? `RDP はポート 3389 ではなく ${port} で待ち受けています。${client}`
      : `RDP listens on port ${port} instead of 3389. ${client}`;
}

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, f: Facts): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    ja
      ? `Azure の「接続」から取得した RDP ファイル、ポートを指定しないクライアント、3389 だけを許可する NSG 規則は、いずれも閉じたポートに接続します。ポート ${f.port} を使い続ける場合は、NSG の受信規則とゲストのファイアウォール規則を ${f.port} に合わせ、クライアントで ${f.port} を指定してください。そうでなければ 3389 に戻します。`
      : `Azure's "Connect" RDP file, clients that give no port and an NSG rule for 3389 all reach a closed port. To keep port ${f.port}, point the NSG inbound rule and the guest firewall rule at ${f.port} and give ${f.port} in the client; otherwise move RDP back to 3389.`,
    configConfidenceSentence(lang, confidence, why),
    ja
      ? "NSG の規則は VM のディスクには含まれないため、rdp-triage では確認できません。"
      : "The NSG rules are not on the VM's disk, so rdp-triage cannot check them.",
    controlSetNote(ctx),
    !f.firewall.collected && (ja ? `ファイアウォールの設定を収集してください:\n${NEED_FIREWALL.collect}` : `Collect the firewall configuration:\n${NEED_FIREWALL.collect}`),
  ]);
}

function collectEvidence(ctx: ScenarioContext, port: Parameters<typeof registryEvidence>[0], f: Facts): Evidence[] {
  const { lang } = ctx;
  const ja = lang === "ja";
  const out: Evidence[] = [registryEvidence(port, ja ? `既定は ${DEFAULT_RDP_PORT}` : `the default is ${DEFAULT_RDP_PORT}`)];
  if (f.firewall.collected) {
    out.push({
      kind: "observation",
      source: registrySourceOf(ctx.evidence, CONFIG_KEY.firewallPolicy),
      text: ja ? `ポート ${f.port} に対するゲストのファイアウォール: ${profileObservations(lang, f.firewall)}` : `Guest firewall for port ${f.port}: ${profileObservations(lang, f.firewall)}`,
    });
    for (const r of f.firewall.rdpRules) out.push(registryEvidence(r.stored, ja ? "既定の RDP 規則" : "the built-in RDP rule"));
    const allow = new Map(f.enabled.flatMap((p) => p.allowRules).map((r) => [r.stored.key + "|" + r.id, r]));
    for (const r of [...allow.values()].slice(0, 3)) {
      if (!f.firewall.rdpRules.includes(r)) out.push(registryEvidence(r.stored, ja ? `ポート ${f.port} を許可する規則` : `a rule that admits ${f.port}`));
    }
  }
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// reset-port: back to 3389, after checking that the disk still holds the port reported (offline in
//   Select\Current's control set; online under CurrentControlSet, then restarts TermService). Run it
//   only when the port was not moved on purpose.
// open-port (online): keeps the port and points the built-in rule RemoteDesktop-UserMode-In-TCP at it;
//   the NSG must follow in Azure.

function remediationFor(ctx: ScenarioContext, port: number, subCause: SubCause): Remediation[] {
  const values = { port: String(port) };
  const out = offlineAndOnline(ctx, RDP_PORT_CHANGED, "reset-port", {
    offline: { en: "Offline: move RDP back to 3389 (when the change was not intended)", ja: "オフライン: RDP のポートを 3389 に戻す (意図した変更でない場合)" },
    online: { en: "Online: move RDP back to 3389 and restart Remote Desktop Services", ja: "オンライン: RDP のポートを 3389 に戻して Remote Desktop Services を再起動する" },
  }, values);
  if (subCause !== "invalid-port") {
    out.push(
      onlineScript(ctx, RDP_PORT_CHANGED, "open-port", { en: `Online: keep port ${port} and point the built-in RDP firewall rule at it`, ja: `オンライン: ポート ${port} のままにして、既定の RDP ファイアウォール規則をこのポートに合わせる` }, values),
    );
  }
  return out;
}

export const rdpPortChanged: Scenario = {
  id: RDP_PORT_CHANGED,
  text,
  needs,
  samples,
  detect,
};

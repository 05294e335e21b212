// rdp-disabled — Remote Desktop connections are switched off.
//
// `Control\Terminal Server\fDenyTSConnections` = 1 is "Don't allow remote connections to this computer"
// (System Properties), and its Group Policy twin `SOFTWARE\Policies\Microsoft\Windows NT\Terminal
// Services\fDenyTSConnections` ("Allow users to connect remotely by using Remote Desktop Services" =
// Disabled) overrides it whatever the local value says [S4][S10]. Either way the listener refuses every
// connection and the client reports "Remote access to the server is not enabled".
// Reference: scenarios.md §5.1. Microsoft's offline script writes the policy value to 0 even when no
// policy exists, creating one; here the policy value is only changed where it is present.

import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { COLLECT_CONFIG } from "./lib/collectConfig.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, configConfidenceSentence, describeValue, groupPolicyNote, policyFirstDword, policyFirstEvidence, sentences, type PolicyFirstDword } from "./lib/configRegistry.js";
import { NEED_SELECT_CURRENT, registryNeed, terminalServerNeed } from "./lib/needs.js";
import { keyCollected } from "./lib/registry.js";
import { offlineAndOnline } from "./lib/remediation.js";
import { configFinding, healthy, notChecked, type DecisionRule } from "./lib/results.js";
import type { Bilingual } from "./lib/text.js";

export const RDP_DISABLED = "rdp-disabled";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "Remote Desktop connections are turned off",
    summary: "fDenyTSConnections = 1 in Terminal Server or, overriding it, in the Terminal Services policy",
    checks:
      "Reads fDenyTSConnections from the Terminal Services Group Policy key first and, when the policy does not set it, " +
      "from Control\\Terminal Server of the control set Windows boots with (Select\\Current). 1 means Remote Desktop " +
      "refuses every connection. A local 1 overridden by a policy 0 is not a fault.",
  },
  ja: {
    title: "リモート デスクトップ接続が無効になっている",
    summary: "Terminal Server、またはそれより優先される Terminal Services ポリシーで fDenyTSConnections = 1",
    checks:
      "まず Terminal Services のグループ ポリシー キーの fDenyTSConnections を読み、ポリシーで設定されていない場合は、Windows が起動に" +
      "使うコントロール セット (Select\\Current) の Control\\Terminal Server の値を読みます。1 はリモート デスクトップがすべての接続を" +
      "拒否することを意味します。ローカルの 1 がポリシーの 0 で上書きされている場合は問題ではありません。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_TERMINAL_SERVER = terminalServerNeed("Terminal Server key of the control set in use (fDenyTSConnections)", CONFIG_KEY.terminalServer);
const NEED_POLICIES = registryNeed("policies", "SOFTWARE\\Policies (Terminal Services policy, which wins over the local value)", CONFIG_KEY.tsPolicy, COLLECT_CONFIG.policies);
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_TERMINAL_SERVER, NEED_POLICIES, NEED_SELECT];

const samples = ["rdp-disabled-policy", "rdp-disabled-local", "config-healthy-quiet"];

// ── How it decides ───────────────────────────────────────────────────────────────────────────────
//
//   policy fDenyTSConnections = 1                          → high, denied-by-policy
//   no policy value, local fDenyTSConnections = 1          → high, denied
//   policy 0 over a local 1                                → healthy (the policy allows; said in the detail)
//   either 0                                               → healthy
//   neither value in the evidence                          → not checked (collect Terminal Server and Policies)
// A verdict on the local value is capped at medium when Select\Current was not collected (§0.3).

type SubCause = "denied-by-policy" | "denied";

type Rule = DecisionRule<PolicyFirstDword, SubCause>;

const DECISION: Rule[] = [
  {
    when: (d) => d.fromPolicy && d.value === 1,
    confidence: "high",
    subCause: "denied-by-policy",
    why: { en: "the Terminal Services policy sets fDenyTSConnections = 1, which wins over the local setting", ja: "Terminal Services ポリシーで fDenyTSConnections = 1 が設定されており、ローカル設定より優先されます" },
  },
  {
    when: (d) => !d.fromPolicy && d.value === 1,
    confidence: "high",
    subCause: "denied",
    why: { en: "fDenyTSConnections = 1 in the control set in effect, and no policy overrides it", ja: "使用中のコントロール セットで fDenyTSConnections = 1 で、上書きするポリシーもありません" },
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const deny = policyFirstDword(evidence, "fDenyTSConnections", CONFIG_KEY.terminalServer, CONFIG_KEY.tsPolicy);
  const rule = DECISION.find((r) => r.when(deny));
  if (!rule) return quiet(ctx, deny);

  return configFinding(ctx, RDP_DISABLED, rule, {
    onSystemValue: !deny.fromPolicy,
    title: TITLE,
    cause: CAUSE[rule.subCause][lang],
    explanation: (confidence, why) => explanationText(ctx, confidence, why, deny),
    evidence: collectEvidence(lang, deny),
    remediation: remediationFor(ctx),
  });
}

function quiet(ctx: ScenarioContext, deny: PolicyFirstDword): ScenarioResult {
  const { evidence, lang } = ctx;
  const ja = lang === "ja";
  const policyKnown = keyCollected(evidence, CONFIG_KEY.tsPolicy);
  if (deny.value === null) {
    const missing = policyKnown ? [NEED_TERMINAL_SERVER] : [NEED_TERMINAL_SERVER, NEED_POLICIES];
    return notChecked(
      (ja ? "fDenyTSConnections が証拠にありません (Terminal Server キー全体のエクスポートが必要です)。" : "fDenyTSConnections is not in the evidence (an export of the whole Terminal Server key is needed). ") +
        missingEvidenceText(lang, missing),
    );
  }
  // The policy wins (§0.1): a local 0 clears the VM only when SOFTWARE\Policies was collected and sets nothing.
  if (!deny.fromPolicy && !policyKnown) {
    return notChecked(
      (ja
        ? `ローカルの ${describeValue(lang, deny.stored!)} は接続を許可していますが、SOFTWARE\\Policies が収集されていないため、ローカル設定より優先されるポリシーによる拒否を否定できません。`
        : `The local ${describeValue(lang, deny.stored!)} allows connections, but SOFTWARE\\Policies was not collected, so a policy that denies them (it wins over the local value) cannot be ruled out. `) +
        missingEvidenceText(lang, [NEED_POLICIES]),
    );
  }
  const parts: string[] = [];
  parts.push(ja ? `Remote Desktop 接続は許可されています: ${describeValue(lang, deny.stored!, deny.fromPolicy)}。` : `Remote Desktop connections are allowed: ${describeValue(lang, deny.stored!, deny.fromPolicy)}.`);
  if (deny.overridden && deny.local) {
    parts.push(
      ja
        ? `ローカルの ${describeValue(lang, deny.local)} はポリシーで上書きされています。`
        : `The local ${describeValue(lang, deny.local)} is overridden by the policy.`,
    );
  }
  if (!deny.fromPolicy) parts.push(ja ? "Terminal Services ポリシーは fDenyTSConnections を設定していません。" : "No Terminal Services policy sets fDenyTSConnections.");
  return healthy(parts.join(ja ? "" : " "));
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "denied-by-policy": { en: "Group Policy turns Remote Desktop connections off", ja: "グループ ポリシーでリモート デスクトップ接続が無効になっています" },
  denied: { en: "Remote Desktop connections are turned off", ja: "リモート デスクトップ接続が無効になっています" },
};

const CAUSE: Record<SubCause, Bilingual> = {
  "denied-by-policy": {
    en: "The Terminal Services policy sets fDenyTSConnections = 1 (\"Allow users to connect remotely by using Remote Desktop Services\" is Disabled), so the VM refuses every Remote Desktop connection.",
    ja: "Terminal Services ポリシーで fDenyTSConnections = 1 (「リモート デスクトップ サービスを使用したリモート接続をユーザーに許可する」が無効) になっているため、VM はすべてのリモート デスクトップ接続を拒否します。",
  },
  denied: {
    en: "fDenyTSConnections = 1 under Control\\Terminal Server (\"Don't allow remote connections to this computer\"), so the VM refuses every Remote Desktop connection.",
    ja: "Control\\Terminal Server の fDenyTSConnections = 1 (「このコンピューターへのリモート接続を許可しない」) のため、VM はすべてのリモート デスクトップ接続を拒否します。",
  },
};

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, deny: PolicyFirstDword): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    ja
      ? "クライアントには「リモート コンピューターへのリモート アクセスが有効になっていません」と表示されます。"
      : "The client reports that remote access to the server is not enabled.",
    configConfidenceSentence(lang, confidence, why),
    deny.fromPolicy && groupPolicyNote(lang),
    !deny.fromPolicy && controlSetNote(ctx),
    ja
      ? "システムのプロパティでリモート デスクトップを無効にすると「リモート デスクトップ」のファイアウォール規則も無効になることがあります。その場合は guest-firewall-blocks-rdp が別に報告します。"
      : "Turning Remote Desktop off in System Properties may also have disabled the \"Remote Desktop\" firewall rules; guest-firewall-blocks-rdp reports them separately if so.",
  ]);
}

function collectEvidence(lang: Lang, deny: PolicyFirstDword): Evidence[] {
  return policyFirstEvidence(lang, deny, { en: "local setting of the control set in effect", ja: "使用中のコントロール セットのローカル設定" });
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// allow-connections: backs up Terminal Server (and the policy key when present), sets fDenyTSConnections
// to 0 where the disk holds 1: locally in Select\Current's control set, and in the policy only if the
// policy value exists. Online: the same under CurrentControlSet, then restarts TermService.

function remediationFor(ctx: ScenarioContext): Remediation[] {
  return offlineAndOnline(ctx, RDP_DISABLED, "allow-connections", {
    offline: { en: "Offline: set fDenyTSConnections to 0 (local, and the policy where it exists)", ja: "オフライン: fDenyTSConnections を 0 にする (ローカルと、存在する場合はポリシー)" },
    online: { en: "Online: allow Remote Desktop connections and restart Remote Desktop Services", ja: "オンライン: リモート デスクトップ接続を許可して Remote Desktop Services を再起動する" },
  });
}

export const rdpDisabled: Scenario = {
  id: RDP_DISABLED,
  text,
  needs,
  samples,
  detect,
};

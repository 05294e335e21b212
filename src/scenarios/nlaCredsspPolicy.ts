// nla-credssp-policy — Network Level Authentication (CredSSP) refuses the credentials or the client.
//
// With NLA (RDP-Tcp\UserAuthentication = 1, or its Terminal Services policy twin, policy first) the
// client authenticates through CredSSP before a session exists. Two settings make that fail:
//   - Control\Lsa\disabledomaincreds = 1 ("Network access: Do not allow storage of passwords and
//     credentials for network authentication"): domain credentials are refused, and the client reports
//     "An authentication error has occurred. The Local Security Authority cannot be contacted" [S3].
//     Local accounts are not affected (what the article implies; unverified).
//   - …\Policies\System\CredSSP\Parameters\AllowEncryptionOracle = 0 ("Force Updated Clients"): the
//     server refuses clients without the May 2018 CredSSP update (CVE-2018-0886), which report
//     "…CredSSP encryption oracle remediation" [S6][S35]. Absent = 1 (Mitigated) since May 2018, which
//     accepts them. Patched clients connect fine, hence medium.
// Never write AllowEncryptionOracle = 2 ("Vulnerable"): it reopens CVE-2018-0886 [S6].
// Reference: scenarios.md §5.5.

import type { StoredRegistryValue } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { COLLECT_CONFIG } from "./lib/collectConfig.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, configConfidenceSentence, dwordAt, policyFirstDword, sentences, valueDetail, type PolicyFirstDword } from "./lib/configRegistry.js";
import { NEED_SELECT_CURRENT, lsaNeed, registryNeed, terminalServerNeed } from "./lib/needs.js";
import { keyCollected, registryEvidence } from "./lib/registry.js";
import { offlineAndOnline, offlineFirst } from "./lib/remediation.js";
import { configFinding, healthy, notChecked, type ConfigDecisionRule } from "./lib/results.js";
import type { Bilingual } from "./lib/text.js";

export const NLA_CREDSSP_POLICY = "nla-credssp-policy";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "Network Level Authentication (CredSSP) refuses the logon",
    summary: "NLA with Lsa disabledomaincreds = 1, or CredSSP AllowEncryptionOracle = 0 (Force Updated Clients)",
    checks:
      "Reads whether NLA is required (UserAuthentication, policy first), Control\\Lsa\\disabledomaincreds in the control " +
      "set Windows boots with, and the CredSSP Encryption Oracle Remediation policy (AllowEncryptionOracle). NLA with " +
      "disabledomaincreds = 1 refuses domain credentials; AllowEncryptionOracle = 0 refuses clients without the 2018 " +
      "CredSSP update. AllowEncryptionOracle = 2 does not block RDP but is noted as a security risk.",
  },
  ja: {
    title: "ネットワーク レベル認証 (CredSSP) がログオンを拒否する",
    summary: "NLA 有効で Lsa の disabledomaincreds = 1、または CredSSP の AllowEncryptionOracle = 0 (更新されたクライアントを強制)",
    checks:
      "NLA が必須か (UserAuthentication、ポリシー優先)、Windows が起動に使うコントロール セットの Control\\Lsa\\disabledomaincreds、" +
      "CredSSP の暗号化オラクルの修復ポリシー (AllowEncryptionOracle) を読み取ります。NLA 有効で disabledomaincreds = 1 の場合は" +
      "ドメインの資格情報が拒否され、AllowEncryptionOracle = 0 の場合は 2018 年の CredSSP 更新プログラムを適用していないクライアントが" +
      "拒否されます。AllowEncryptionOracle = 2 は RDP を妨げませんが、セキュリティ上の危険として記載します。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_LSA = lsaNeed("Control\\Lsa of the control set in use (disabledomaincreds)");
const NEED_CREDSSP = registryNeed("credssp-policy", "Policies\\System with CredSSP\\Parameters (AllowEncryptionOracle)", CONFIG_KEY.policiesSystem, COLLECT_CONFIG.policiesSystem);
const NEED_TERMINAL_SERVER = terminalServerNeed("Terminal Server key (RDP-Tcp\\UserAuthentication) and its policy", CONFIG_KEY.rdpTcp, { withPolicies: true });
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_LSA, NEED_CREDSSP, NEED_TERMINAL_SERVER, NEED_SELECT];

const samples = ["nla-domain-creds-disabled", "credssp-force-updated-clients", "config-healthy-quiet"];

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "domain-credentials-refused" | "force-updated-clients";

interface Facts {
  nla: PolicyFirstDword;
  domainCreds: { value: number | null; stored: StoredRegistryValue | undefined };
  oracle: { value: number | null; stored: StoredRegistryValue | undefined };
}

type Rule = ConfigDecisionRule<Facts, SubCause>;

/** scenarios.md §5.5. The first row that matches decides; the other fault, if any, is listed too. */
const DECISION: Rule[] = [
  {
    when: (f) => f.domainCreds.value === 1 && f.nla.value === 1,
    confidence: "high",
    subCause: "domain-credentials-refused",
    onConfig: true,
    why: { en: "NLA is required and Lsa\\disabledomaincreds = 1: domain credentials are refused", ja: "NLA が必須で Lsa\\disabledomaincreds = 1 のため、ドメインの資格情報が拒否されます" },
  },
  {
    when: (f) => f.domainCreds.value === 1 && f.nla.value === null,
    confidence: "medium",
    subCause: "domain-credentials-refused",
    onConfig: true,
    why: { en: "Lsa\\disabledomaincreds = 1; whether NLA is required is not in the evidence (it is on by default)", ja: "Lsa\\disabledomaincreds = 1 です。NLA が必須かどうかは証拠にありません (既定では有効)" },
  },
  {
    when: (f) => f.oracle.value === 0,
    confidence: "medium",
    subCause: "force-updated-clients",
    onConfig: false,
    why: { en: "AllowEncryptionOracle = 0 (Force Updated Clients): clients without the 2018 CredSSP update are refused", ja: "AllowEncryptionOracle = 0 (更新されたクライアントを強制) のため、2018 年の CredSSP 更新プログラムを適用していないクライアントは拒否されます" },
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const facts: Facts = {
    nla: policyFirstDword(evidence, "UserAuthentication", CONFIG_KEY.rdpTcp, CONFIG_KEY.tsPolicy),
    domainCreds: dwordAt(evidence, CONFIG_KEY.lsa, "disabledomaincreds"),
    oracle: dwordAt(evidence, CONFIG_KEY.credSspParameters, "AllowEncryptionOracle"),
  };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, facts);

  const alsoOracle = rule.subCause !== "force-updated-clients" && facts.oracle.value === 0;
  return configFinding(ctx, NLA_CREDSSP_POLICY, rule, {
    onSystemValue: rule.onConfig,
    title: TITLE,
    cause: CAUSE[rule.subCause][lang],
    explanation: (confidence, why) => explanationText(ctx, confidence, why, rule.subCause, alsoOracle),
    evidence: collectEvidence(lang, facts),
    remediation: remediationFor(ctx, rule.subCause, alsoOracle),
  });
}

function quiet(ctx: ScenarioContext, f: Facts): ScenarioResult {
  const { lang, evidence } = ctx;
  const ja = lang === "ja";
  const lsaCollected = keyCollected(evidence, CONFIG_KEY.lsa);
  const credSspCollected = keyCollected(evidence, CONFIG_KEY.credSspParameters);
  // NLA is known to be off when the policy says so, or RDP-Tcp says so and no policy can say otherwise.
  const nlaPolicyKnown = f.nla.fromPolicy || keyCollected(evidence, CONFIG_KEY.tsPolicy);
  const nlaOff = f.nla.value === 0 && nlaPolicyKnown;
  // Healthy needs both rules of §5.5 cleared: AllowEncryptionOracle read (Policies\System collected), and
  // disabledomaincreds read and not 1, or NLA known to be off (then disabledomaincreds does not matter).
  const domainCredsCleared = nlaOff || (lsaCollected && f.domainCreds.value !== 1);
  const nla = f.nla.value === null ? (ja ? "不明" : "unknown") : f.nla.value === 1 ? (ja ? "必須" : "required") : ja ? "不要" : "not required";
  const read = [
    ja ? `NLA: ${nla}。` : `NLA: ${nla}.`,
    lsaCollected && valueDetail(lang, f.domainCreds.stored, true, { en: "disabledomaincreds is not set (domain credentials allowed).", ja: "disabledomaincreds は設定されていません (ドメインの資格情報は許可)。" }, { what: "Control\\Lsa", need: NEED_LSA }),
    f.domainCreds.value === 1 && nlaOff && (ja ? "NLA が不要なため、この設定で RDP が拒否されることはありません。" : "NLA is not required, so this does not block RDP."),
    credSspCollected && valueDetail(lang, f.oracle.stored, true, { en: "AllowEncryptionOracle is not set (Mitigated, the default).", ja: "AllowEncryptionOracle は設定されていません (既定の Mitigated)。" }, { what: "Policies\\System", need: NEED_CREDSSP }),
    f.oracle.value === 2 &&
      (ja
        ? "AllowEncryptionOracle = 2 (Vulnerable) は RDP を妨げませんが、CVE-2018-0886 の対策を無効にしています。1 に戻すことを検討してください。"
        : "AllowEncryptionOracle = 2 (Vulnerable) does not block RDP but turns off the CVE-2018-0886 protection: consider setting it back to 1."),
  ];
  if (!credSspCollected || !domainCredsCleared) {
    const missing = [
      ...(domainCredsCleared || lsaCollected ? [] : [NEED_LSA]),
      ...(credSspCollected ? [] : [NEED_CREDSSP]),
      // disabledomaincreds = 1 with NLA off locally: only the Terminal Services policy can still turn NLA on.
      ...(!domainCredsCleared && lsaCollected ? [NEED_TERMINAL_SERVER] : []),
    ];
    return notChecked(
      sentences(lang, [
        ...read,
        !domainCredsCleared &&
          (lsaCollected
            ? ja
              ? "disabledomaincreds = 1 ですが、NLA が不要であることを確認できません (Terminal Services ポリシーが収集されていません)。"
              : "disabledomaincreds = 1, and NLA cannot be confirmed off (the Terminal Services policy was not collected)."
            : ja
              ? "Control\\Lsa が収集されていないため、disabledomaincreds = 1 を否定できません。"
              : "Control\\Lsa was not collected, so disabledomaincreds = 1 cannot be ruled out."),
        !credSspCollected &&
          (ja
            ? "Policies\\System が収集されていないため、AllowEncryptionOracle = 0 を否定できません。"
            : "Policies\\System was not collected, so AllowEncryptionOracle = 0 cannot be ruled out."),
        missingEvidenceText(lang, missing),
      ]),
    );
  }
  return healthy(sentences(lang, read));
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "domain-credentials-refused": { en: "NLA refuses domain credentials (disabledomaincreds = 1)", ja: "NLA がドメインの資格情報を拒否します (disabledomaincreds = 1)" },
  "force-updated-clients": { en: "CredSSP refuses clients without the 2018 update (AllowEncryptionOracle = 0)", ja: "CredSSP が 2018 年の更新プログラム未適用のクライアントを拒否します (AllowEncryptionOracle = 0)" },
};

const CAUSE: Record<SubCause, Bilingual> = {
  "domain-credentials-refused": {
    en: "NLA is required and Control\\Lsa\\disabledomaincreds = 1 (\"Do not allow storage of passwords and credentials for network authentication\"), so logons with domain accounts fail with \"An authentication error has occurred. The Local Security Authority cannot be contacted\".",
    ja: "NLA が必須で、Control\\Lsa\\disabledomaincreds = 1 (「ネットワーク認証のためにパスワードおよび資格情報を保存することを許可しない」) のため、ドメイン アカウントでのログオンが「認証エラーが発生しました。ローカル セキュリティ機関にアクセスできません」で失敗します。",
  },
  "force-updated-clients": {
    en: "The CredSSP Encryption Oracle Remediation policy is \"Force Updated Clients\" (AllowEncryptionOracle = 0), so clients without the May 2018 CredSSP update (CVE-2018-0886) are refused with a \"CredSSP encryption oracle remediation\" error.",
    ja: "CredSSP の暗号化オラクルの修復ポリシーが「更新されたクライアントを強制する」(AllowEncryptionOracle = 0) のため、2018 年 5 月の CredSSP 更新プログラム (CVE-2018-0886) を適用していないクライアントは「CredSSP 暗号化オラクルの修復」エラーで拒否されます。",
  },
};

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, subCause: SubCause, alsoOracle: boolean): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    configConfidenceSentence(lang, confidence, why),
    subCause === "domain-credentials-refused" &&
      (ja
        ? "ローカル アカウントではログオンできることがあります。修正は disabledomaincreds を 0 にすることです。すぐに接続が必要な場合の一時的な回避策として NLA (UserAuthentication) を 0 にする方法もありますが、問題の解決後に必ず 1 に戻してください。この値はセキュリティ ポリシー (GPO) で設定されていることが多いため、ポリシー側も確認してください。"
        : "Local accounts may still log on. The fix is disabledomaincreds = 0. Turning NLA off (UserAuthentication = 0) is a temporary workaround when access is needed at once; turn it back on afterwards. The value usually comes from a security policy (GPO): check the policy too."),
    subCause === "force-updated-clients" &&
      (ja
        ? "正しい対処はクライアントに CredSSP 更新プログラム (2018 年 5 月以降の累積更新) を適用することです。サーバー側を 1 (Mitigated、既定) に戻すと未更新のクライアントも接続できますが、2 (Vulnerable) には絶対にしないでください。"
        : "The right fix is to update the client (any cumulative update since May 2018). Setting the server back to 1 (Mitigated, the default) lets unpatched clients in; never set 2 (Vulnerable)."),
    alsoOracle &&
      (ja
        ? "また、AllowEncryptionOracle = 0 のため、更新プログラム未適用のクライアントも拒否されます。"
        : "AllowEncryptionOracle = 0 is set as well, so unpatched clients are refused too."),
    controlSetNote(ctx),
  ]);
}

function collectEvidence(lang: Lang, f: Facts): Evidence[] {
  const ja = lang === "ja";
  const out: Evidence[] = [];
  if (f.nla.stored) out.push(registryEvidence(f.nla.stored, f.nla.fromPolicy ? (ja ? "NLA (ポリシー)" : "NLA (policy)") : "NLA"));
  if (f.domainCreds.stored) out.push(registryEvidence(f.domainCreds.stored, ja ? "1 = ドメインの資格情報を拒否" : "1 = domain credentials refused"));
  if (f.oracle.stored) out.push(registryEvidence(f.oracle.stored, ja ? "0 = 更新されたクライアントを強制、1 = Mitigated (既定)、2 = Vulnerable" : "0 = Force Updated Clients, 1 = Mitigated (default), 2 = Vulnerable"));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// allow-domain-credentials: disabledomaincreds 1 → 0 in Select\Current's control set (online: under
//   CurrentControlSet), NLA left on. The NLA-off workaround is in the text, not in a script.
// credssp-mitigated: AllowEncryptionOracle 0 → 1 (Mitigated, Windows' default); never 2.

function remediationFor(ctx: ScenarioContext, subCause: SubCause, alsoOracle: boolean): Remediation[] {
  const out: Remediation[] = [];
  if (subCause === "domain-credentials-refused") {
    out.push(
      ...offlineAndOnline(ctx, NLA_CREDSSP_POLICY, "allow-domain-credentials", {
        offline: { en: "Offline: set disabledomaincreds to 0", ja: "オフライン: disabledomaincreds を 0 にする" },
        online: { en: "Online: set disabledomaincreds to 0", ja: "オンライン: disabledomaincreds を 0 にする" },
      }),
    );
  }
  if (subCause === "force-updated-clients" || alsoOracle) {
    out.push(
      ...offlineAndOnline(ctx, NLA_CREDSSP_POLICY, "credssp-mitigated", {
        offline: { en: "Offline: set AllowEncryptionOracle to 1 (Mitigated, the default)", ja: "オフライン: AllowEncryptionOracle を 1 (Mitigated、既定) にする" },
        online: { en: "Online: set AllowEncryptionOracle to 1 (Mitigated, the default)", ja: "オンライン: AllowEncryptionOracle を 1 (Mitigated、既定) にする" },
      }),
    );
  }
  return offlineFirst(out);
}

export const nlaCredsspPolicy: Scenario = {
  id: NLA_CREDSSP_POLICY,
  text,
  needs,
  samples,
  detect,
};

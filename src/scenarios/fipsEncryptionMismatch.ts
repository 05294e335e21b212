// fips-encryption-mismatch — FIPS-only cryptography or the FIPS RDP encryption level shuts clients out.
//
// Control\Lsa\FIPSAlgorithmPolicy\Enabled = 1 ("System cryptography: Use FIPS compliant algorithms") limits
// Schannel and CredSSP to FIPS algorithms; RDP-Tcp\MinEncryptionLevel = 4 (or the Terminal Services policy
// MinEncryptionLevel, policy first) demands FIPS for RDP's own encryption [S3][S12]. Current mstsc copes
// with either on its own, so neither is a verdict by itself: both together, the combination Microsoft's
// article describes, are "probably blocks" (medium); either alone is low [§5.6]. The article's fix uses
// `reg query … /d` where it means `reg add` (§4 item 12); the scripts here use reg add.
// Reference: scenarios.md §5.6, §2.2.

import type { StoredRegistryValue } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, configConfidenceSentence, dwordAt, groupPolicyNote, policyFirstDword, policyFirstEvidence, sentences, valueDetail, valueSentence, type PolicyFirstDword } from "./lib/configRegistry.js";
import { NEED_SELECT_CURRENT, lsaNeed, terminalServerNeed } from "./lib/needs.js";
import { keyCollected, registryEvidence } from "./lib/registry.js";
import { offlineAndOnline } from "./lib/remediation.js";
import { configFinding, healthy, notChecked, type DecisionRule } from "./lib/results.js";
import type { Bilingual } from "./lib/text.js";

export const FIPS_ENCRYPTION_MISMATCH = "fips-encryption-mismatch";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "FIPS-only encryption shuts RDP clients out",
    summary: "Lsa FIPSAlgorithmPolicy\\Enabled = 1 and/or RDP MinEncryptionLevel = 4 (FIPS)",
    checks:
      "Reads Control\\Lsa\\FIPSAlgorithmPolicy\\Enabled in the control set Windows boots with, and MinEncryptionLevel from " +
      "the Terminal Services policy first, then RDP-Tcp (1 low, 2 client compatible, 3 high, 4 FIPS). Both set is the " +
      "combination that shuts clients out (medium); either alone is reported at low confidence.",
  },
  ja: {
    title: "FIPS 準拠の暗号化のみの設定で RDP クライアントが接続できない",
    summary: "Lsa の FIPSAlgorithmPolicy\\Enabled = 1 と、または RDP の MinEncryptionLevel = 4 (FIPS)",
    checks:
      "Windows が起動に使うコントロール セットの Control\\Lsa\\FIPSAlgorithmPolicy\\Enabled と、Terminal Services ポリシー、次に " +
      "RDP-Tcp の MinEncryptionLevel (1 低、2 クライアント互換、3 高、4 FIPS) を読み取ります。両方が設定されている場合はクライアントが" +
      "接続できない組み合わせ (確度「中」)、一方だけの場合は確度「低」で報告します。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_LSA = lsaNeed("Control\\Lsa with FIPSAlgorithmPolicy, of the control set in use");
const NEED_TERMINAL_SERVER = terminalServerNeed("Terminal Server key (RDP-Tcp\\MinEncryptionLevel) and its policy", CONFIG_KEY.rdpTcp, { withPolicies: true });
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_LSA, NEED_TERMINAL_SERVER, NEED_SELECT];

const samples = ["fips-min-encryption", "config-healthy-quiet"];

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "fips-enforced" | "fips-encryption-level" | "fips-algorithms";

const FIPS_LEVEL = 4;

interface Facts {
  fips: { value: number | null; stored: StoredRegistryValue | undefined };
  level: PolicyFirstDword;
}

type Rule = DecisionRule<Facts, SubCause>;

/** scenarios.md §5.6. */
const DECISION: Rule[] = [
  {
    when: (f) => f.fips.value === 1 && f.level.value === FIPS_LEVEL,
    confidence: "medium",
    subCause: "fips-enforced",
    why: { en: "FIPS algorithms are enforced (FIPSAlgorithmPolicy\\Enabled = 1) and RDP requires FIPS encryption (MinEncryptionLevel = 4)", ja: "FIPS アルゴリズムが強制され (FIPSAlgorithmPolicy\\Enabled = 1)、RDP が FIPS 暗号化を要求しています (MinEncryptionLevel = 4)" },
  },
  {
    when: (f) => f.level.value === FIPS_LEVEL,
    confidence: "low",
    subCause: "fips-encryption-level",
    why: { en: "RDP requires FIPS encryption (MinEncryptionLevel = 4); clients that cannot do it are refused", ja: "RDP が FIPS 暗号化を要求しています (MinEncryptionLevel = 4)。対応できないクライアントは拒否されます" },
  },
  {
    when: (f) => f.fips.value === 1,
    confidence: "low",
    subCause: "fips-algorithms",
    why: { en: "FIPS algorithms are enforced (FIPSAlgorithmPolicy\\Enabled = 1); clients and TLS settings without FIPS cipher suites fail", ja: "FIPS アルゴリズムが強制されています (FIPSAlgorithmPolicy\\Enabled = 1)。FIPS 暗号スイートを使えないクライアントや TLS 設定では失敗します" },
  },
];

/** Enabled under FIPSAlgorithmPolicy; before Vista FIPSAlgorithmPolicy was itself a DWORD under Lsa. */
function fipsSetting(ctx: ScenarioContext): Facts["fips"] {
  const current = dwordAt(ctx.evidence, CONFIG_KEY.fipsAlgorithmPolicy, "Enabled");
  return current.value !== null ? current : dwordAt(ctx.evidence, CONFIG_KEY.lsa, "FIPSAlgorithmPolicy");
}

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const facts: Facts = { fips: fipsSetting(ctx), level: policyFirstDword(evidence, "MinEncryptionLevel", CONFIG_KEY.rdpTcp, CONFIG_KEY.tsPolicy) };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, facts);

  return configFinding(ctx, FIPS_ENCRYPTION_MISMATCH, rule, {
    onSystemValue: facts.fips.value === 1 || !facts.level.fromPolicy,
    title: TITLE,
    cause: CAUSE[rule.subCause][lang],
    explanation: (confidence, why) => explanationText(ctx, confidence, why, facts),
    evidence: collectEvidence(lang, facts),
    remediation: remediationFor(ctx),
  });
}

/**
 * Healthy needs both settings read (either alone is a finding, §5.6): Control\Lsa (FIPSAlgorithmPolicy),
 * and MinEncryptionLevel from the policy when it sets one, else from RDP-Tcp with SOFTWARE\Policies
 * collected to show that no policy sets it. Anything short of that is "not checked".
 */
function quiet(ctx: ScenarioContext, f: Facts): ScenarioResult {
  const { lang, evidence } = ctx;
  const ja = lang === "ja";
  const lsaCollected = f.fips.value !== null || keyCollected(evidence, CONFIG_KEY.lsa);
  const levelKnown = f.level.fromPolicy || (keyCollected(evidence, CONFIG_KEY.rdpTcp) && keyCollected(evidence, CONFIG_KEY.tsPolicy));
  const read = [
    lsaCollected && valueDetail(lang, f.fips.stored, true, { en: "FIPS algorithms are not enforced (no value).", ja: "FIPS アルゴリズムは強制されていません (値なし)。" }, { what: "Control\\Lsa", need: NEED_LSA }),
    f.level.stored ? valueSentence(lang, f.level.stored, f.level.fromPolicy) : levelKnown && (ja ? "MinEncryptionLevel は RDP-Tcp にもポリシーにも設定されていません (FIPS ではありません)。" : "MinEncryptionLevel is set neither in RDP-Tcp nor by policy (not FIPS)."),
  ];
  if (!lsaCollected || !levelKnown) {
    const missing = [...(lsaCollected ? [] : [NEED_LSA]), ...(levelKnown ? [] : [NEED_TERMINAL_SERVER])];
    return notChecked(
      sentences(lang, [
        ...read,
        !lsaCollected && (ja ? "Control\\Lsa が収集されていないため、FIPS の強制を否定できません。" : "Control\\Lsa was not collected, so enforced FIPS algorithms cannot be ruled out."),
        !levelKnown &&
          (ja
            ? "RDP-Tcp と Terminal Services ポリシーの両方が収集されていないため、MinEncryptionLevel = 4 を否定できません。"
            : "RDP-Tcp and the Terminal Services policy were not both collected, so MinEncryptionLevel = 4 cannot be ruled out."),
        missingEvidenceText(lang, missing),
      ]),
    );
  }
  return healthy(sentences(lang, read));
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "fips-enforced": { en: "FIPS-only cryptography and the FIPS encryption level are both set", ja: "FIPS 準拠アルゴリズムのみと FIPS 暗号化レベルの両方が設定されています" },
  "fips-encryption-level": { en: "RDP requires the FIPS encryption level", ja: "RDP が FIPS 暗号化レベルを要求しています" },
  "fips-algorithms": { en: "Windows enforces FIPS-compliant algorithms", ja: "Windows が FIPS 準拠アルゴリズムを強制しています" },
};

const CAUSE: Record<SubCause, Bilingual> = {
  "fips-enforced": {
    en: "The VM accepts only FIPS-compliant algorithms and RDP demands FIPS encryption (MinEncryptionLevel = 4), so clients that do not negotiate FIPS are refused.",
    ja: "VM が FIPS 準拠アルゴリズムのみを受け付け、RDP が FIPS 暗号化 (MinEncryptionLevel = 4) を要求しているため、FIPS でネゴシエートしないクライアントは拒否されます。",
  },
  "fips-encryption-level": {
    en: "RDP demands FIPS encryption (MinEncryptionLevel = 4), so clients that cannot use it are refused.",
    ja: "RDP が FIPS 暗号化 (MinEncryptionLevel = 4) を要求しているため、対応できないクライアントは拒否されます。",
  },
  "fips-algorithms": {
    en: "Windows is set to use FIPS-compliant algorithms only, which may shut out clients and TLS settings that rely on other algorithms.",
    ja: "Windows が FIPS 準拠アルゴリズムのみを使う設定になっているため、他のアルゴリズムに依存するクライアントや TLS 設定が接続できない可能性があります。",
  },
};

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, f: Facts): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    configConfidenceSentence(lang, confidence, why),
    ja
      ? "現在の mstsc はどちらか一方だけなら通常は接続できるため、これだけを原因と断定しないでください。FIPS はコンプライアンス要件で意図的に有効にされていることが多いため、無効にする前に VM の所有者に確認してください。変更後は再起動が必要です。"
      : "Current mstsc usually copes with either setting alone, so do not take this as the only cause. FIPS is often on for compliance reasons: check with the VM's owner before turning it off. Changes need a restart.",
    f.level.fromPolicy && groupPolicyNote(lang),
    controlSetNote(ctx),
  ]);
}

function collectEvidence(lang: Lang, f: Facts): Evidence[] {
  const ja = lang === "ja";
  const out: Evidence[] = [];
  if (f.fips.stored) out.push(registryEvidence(f.fips.stored, ja ? "1 = FIPS 準拠アルゴリズムのみ" : "1 = FIPS-compliant algorithms only"));
  out.push(...policyFirstEvidence(lang, f.level, { en: "1 low, 2 client compatible, 3 high, 4 FIPS", ja: "1 低、2 クライアント互換、3 高、4 FIPS" }, " (4 = FIPS)"));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// relax-fips: FIPSAlgorithmPolicy\Enabled 1 → 0 and MinEncryptionLevel 4 → 2 (client compatible), in
// RDP-Tcp and in the Terminal Services policy where it is 4; only values that are at the FIPS setting
// change (the article's fix, written with reg add). Restart afterwards.

function remediationFor(ctx: ScenarioContext): Remediation[] {
  return offlineAndOnline(ctx, FIPS_ENCRYPTION_MISMATCH, "relax-fips", {
    offline: { en: "Offline: stop enforcing FIPS and set MinEncryptionLevel to 2", ja: "オフライン: FIPS の強制を解除し、MinEncryptionLevel を 2 にする" },
    online: { en: "Online: stop enforcing FIPS and set MinEncryptionLevel to 2 (restart needed)", ja: "オンライン: FIPS の強制を解除し、MinEncryptionLevel を 2 にする (再起動が必要)" },
  });
}

export const fipsEncryptionMismatch: Scenario = {
  id: FIPS_ENCRYPTION_MISMATCH,
  text,
  needs,
  samples,
  detect,
};

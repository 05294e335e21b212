// rds-licensing — the RD Session Host role is installed, but no licensing mode or license server is set.
//
// Without the RD Session Host role Windows allows two administrative sessions and needs no license
// server. With it (Server Manager's component cache: RDS-RD-Server\InstallState ≠ 0 [S8]), every
// connection needs an RDS CAL from a license server, in the mode the server is set to: LicensingMode
// (2 = per device, 4 = per user) under Terminal Server\RCM\Licensing Core, servers in
// TermService\Parameters\LicenseServers\SpecifiedLicenseServers (REG_MULTI_SZ), or their Terminal
// Services policy twins LicensingMode / LicenseServers, policy first [S8][S37]. Until the licensing grace
// period ends, connections work anyway; the grace period, 120 days from the first start of the role
// [S34] (RCM's own message says the same), is what ends them: then clients get "no Remote Desktop License
// Servers available" and are disconnected. Microsoft's Azure article says 180 days: that number is wrong.
// `mstsc /admin` still gets in [S8].
// RCM 1069 ("grace period has expired and Licensing mode … has not been configured", Microsoft's event
// reference) and 1128 ("grace period has expired and the service has not registered with a license
// server"; the id read from a public copy of RCM's message table, unverified) raise the finding to high;
// 1068/1129/1130 (mode not set, grace about to expire, no license server specified; same source) are
// listed as corroboration.
// Reference: scenarios.md §5.8 (and §4: the licensing article's 180-day grace period).

import type { StoredRegistryValue } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { COLLECT_CONFIG } from "./lib/collectConfig.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, policyFirstDword, sentences, type PolicyFirstDword } from "./lib/configRegistry.js";
import { CHANNEL, PROVIDER, eventTableNote, splitByWindow, windowedEventEvidence, type WindowedEvents } from "./lib/events.js";
import { NEED_SELECT_CURRENT, registryNeed, serviceNeed, systemLogNeed, terminalServerNeed } from "./lib/needs.js";
import { collectedUnder, dwordValue, keyCollected, registryEvidence, stringValue } from "./lib/registry.js";
import { offlineAndOnline, onlineScript } from "./lib/remediation.js";
import { configFinding, healthy, notChecked, type DecisionRule } from "./lib/results.js";
import { windowedConfidenceSentence, type Bilingual } from "./lib/text.js";

export const RDS_LICENSING = "rds-licensing";

/** The licensing grace period of an RD Session Host without a license server [S34]. */
export const GRACE_PERIOD_DAYS = 120;

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "RD Session Host has no licensing mode or license server",
    summary: "RDS-RD-Server installed without LicensingMode / SpecifiedLicenseServers: connections stop when the 120-day grace period ends",
    checks:
      "Checks whether the RD Session Host role is installed (ServerComponentCache\\RDS-RD-Server\\InstallState), then reads " +
      "the licensing mode (LicensingMode, 2 per device or 4 per user) and the license servers (SpecifiedLicenseServers), " +
      "Terminal Services policy first. An unconfigured session host works only until the 120-day licensing grace period " +
      "ends; RemoteConnectionManager 1069/1128 in the System log say it has ended. Without the role nothing is needed.",
  },
  ja: {
    title: "RD セッション ホストにライセンス モードまたはライセンス サーバーが設定されていない",
    summary: "RDS-RD-Server がインストール済みで LicensingMode / SpecifiedLicenseServers がない: 120 日の猶予期間の終了で接続できなくなる",
    checks:
      "RD セッション ホストの役割がインストールされているか (ServerComponentCache\\RDS-RD-Server\\InstallState) を確認し、" +
      "Terminal Services ポリシーを優先してライセンス モード (LicensingMode: 2 デバイスごと、4 ユーザーごと) とライセンス サーバー " +
      "(SpecifiedLicenseServers) を読み取ります。未構成のセッション ホストは 120 日のライセンス猶予期間が終わるまでしか動作せず、" +
      "システム ログの RemoteConnectionManager 1069/1128 は猶予期間の終了を示します。役割がなければ何も必要ありません。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_COMPONENTS = registryNeed("server-components", "Server Manager's component cache (RDS-RD-Server\\InstallState)", CONFIG_KEY.serverComponentCache, COLLECT_CONFIG.serverComponents);
const NEED_TERMINAL_SERVER = terminalServerNeed("Terminal Server key (RCM\\Licensing Core\\LicensingMode) and its policy", CONFIG_KEY.licensingCore, { withPolicies: true });
const NEED_TERMSERVICE = serviceNeed("termservice", "Services\\TermService (Parameters\\LicenseServers\\SpecifiedLicenseServers)", ["TermService"]);
const NEED_SYSTEM_LOG = systemLogNeed("RemoteConnectionManager 1068/1069/1128/1129/1130");
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_COMPONENTS, NEED_TERMINAL_SERVER, NEED_TERMSERVICE, NEED_SYSTEM_LOG, NEED_SELECT];

const samples = ["rds-licensing-grace-ended", "config-healthy-quiet"];

// ── The events ───────────────────────────────────────────────────────────────────────────────────

/** The grace period has ended. */
const GRACE_ENDED = [1069, 1128];
/** Corroboration: mode not configured, grace about to expire, no license server specified. */
const LICENSING_WARNINGS = [1068, 1129, 1130];

const EVENT_TEXT: Record<number, Bilingual> = {
  1068: { en: "the licensing mode has not been configured", ja: "ライセンス モードが構成されていません" },
  1069: { en: "the grace period has expired and the licensing mode has not been configured", ja: "猶予期間が終了し、ライセンス モードが構成されていません" },
  1128: { en: "the grace period has expired and no license server with licenses is registered", ja: "猶予期間が終了し、ライセンスを持つライセンス サーバーが登録されていません" },
  1129: { en: "the grace period is about to expire", ja: "猶予期間がまもなく終了します" },
  1130: { en: "no license server is specified", ja: "ライセンス サーバーが指定されていません" },
};

// ── What the registry says ───────────────────────────────────────────────────────────────────────

interface Licensing {
  role: "installed" | "absent" | "unknown";
  roleValue: StoredRegistryValue | undefined;
  mode: PolicyFirstDword;
  modeSet: boolean;
  servers: { stored: StoredRegistryValue; names: string[]; fromPolicy: boolean } | null;
  /** Where the mode lives (Terminal Server, or a policy value) was collected, so an absent mode means "not set". */
  modeCollected: boolean;
  /** Where the servers live (TermService, or a policy value) was collected. */
  serversCollected: boolean;
  configCollected: boolean;
}

const VALID_MODES = new Set([2, 4]);

function licensing(ctx: ScenarioContext): Licensing {
  const ev = ctx.evidence;
  const roleValue = ev.registryValue(CONFIG_KEY.serverComponent("RDS-RD-Server"), "InstallState");
  const installState = dwordValue(roleValue);
  // Absent only when the component cache was collected whole (a dump of another feature's key says nothing).
  const role = installState !== null ? (installState !== 0 ? "installed" : "absent") : keyCollected(ev, CONFIG_KEY.serverComponentCache) ? "absent" : "unknown";
  const mode = policyFirstDword(ev, "LicensingMode", CONFIG_KEY.licensingCore, CONFIG_KEY.tsPolicy);
  const policyServers = ev.registryValue(CONFIG_KEY.tsPolicy, "LicenseServers");
  const localServers = ev.registryValue(CONFIG_KEY.licenseServers, "SpecifiedLicenseServers");
  const names = (v: StoredRegistryValue | undefined): string[] =>
    !v ? [] : Array.isArray(v.value) ? v.value.map((s) => s.trim()).filter(Boolean) : (stringValue(v) ?? "").split(/[,;]/).map((s) => s.trim()).filter(Boolean);
  const servers = names(policyServers).length
    ? { stored: policyServers!, names: names(policyServers), fromPolicy: true }
    : names(localServers).length
      ? { stored: localServers!, names: names(localServers), fromPolicy: false }
      : null;
  const modeCollected = mode.fromPolicy || collectedUnder(ev, CONFIG_KEY.terminalServer);
  const serversCollected = servers?.fromPolicy === true || collectedUnder(ev, CONFIG_KEY.service("TermService"));
  return {
    role,
    roleValue,
    mode,
    modeSet: mode.value !== null && VALID_MODES.has(mode.value),
    servers,
    modeCollected,
    serversCollected,
    configCollected: modeCollected || serversCollected,
  };
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "grace-period-ended" | "not-configured" | "license-server-unusable";

interface Facts {
  lic: Licensing;
  unconfigured: boolean;
  graceEnded: WindowedEvents;
  warnings: WindowedEvents;
}

type Rule = DecisionRule<Facts, SubCause>;

/** scenarios.md §5.8: high once past the grace period, medium otherwise. */
const DECISION: Rule[] = [
  {
    when: (f) => f.lic.role === "installed" && f.unconfigured && f.graceEnded.recent.length > 0,
    confidence: "high",
    subCause: "grace-period-ended",
    why: { en: "the RD Session Host role is installed without a licensing mode or license server, and RCM says the grace period has ended", ja: "RD セッション ホストの役割がライセンス モードまたはライセンス サーバーなしでインストールされており、RCM が猶予期間の終了を記録しています" },
  },
  {
    when: (f) => f.lic.role === "installed" && f.unconfigured,
    confidence: "medium",
    subCause: "not-configured",
    why: { en: "the RD Session Host role is installed without a licensing mode or license server; no event in the window says the grace period has ended", ja: "RD セッション ホストの役割がライセンス モードまたはライセンス サーバーなしでインストールされています (期間内に猶予期間の終了を示すイベントはありません)" },
  },
  {
    when: (f) => f.lic.role === "unknown" && f.graceEnded.recent.length > 0,
    confidence: "medium",
    subCause: "grace-period-ended",
    why: { en: "RCM says the licensing grace period has ended; the role and licensing configuration were not collected to confirm it", ja: "RCM がライセンス猶予期間の終了を記録していますが、確認用の役割とライセンス構成が収集されていません" },
  },
  {
    when: (f) => f.lic.role === "installed" && f.lic.configCollected && !f.unconfigured && f.graceEnded.recent.length > 0,
    confidence: "low",
    subCause: "license-server-unusable",
    why: { en: "a licensing mode and license server are set, yet RCM says the grace period has ended: the server is unreachable, not activated or out of CALs", ja: "ライセンス モードとライセンス サーバーは設定されていますが、RCM が猶予期間の終了を記録しています (サーバーに到達できない、未アクティブ化、または CAL 不足)" },
  },
  {
    when: (f) => f.lic.role !== "absent" && f.graceEnded.stale.length > 0,
    confidence: "low",
    subCause: "grace-period-ended",
    why: { en: "RCM's grace-period events are only outside the window", ja: "RCM の猶予期間のイベントは期間外のものだけです" },
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const lic = licensing(ctx);
  const facts: Facts = {
    lic,
    unconfigured: (lic.modeCollected && !lic.modeSet) || (lic.serversCollected && lic.servers === null),
    graceEnded: splitByWindow(evidence.events({ providers: [PROVIDER.rcm], ids: GRACE_ENDED }), ctx),
    warnings: splitByWindow(evidence.events({ providers: [PROVIDER.rcm], ids: LICENSING_WARNINGS }), ctx),
  };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, facts);

  return configFinding(ctx, RDS_LICENSING, rule, {
    onSystemValue: !facts.lic.mode.fromPolicy && !facts.lic.servers?.fromPolicy,
    title: TITLE,
    cause: causeText(lang, rule.subCause, facts),
    explanation: (confidence, why) => explanationText(ctx, confidence, why),
    evidence: collectEvidence(lang, facts),
    remediation: rule.subCause === "license-server-unusable" ? [] : remediationFor(ctx),
  });
}

function quiet(ctx: ScenarioContext, f: Facts): ScenarioResult {
  const { lang } = ctx;
  const ja = lang === "ja";
  if (f.lic.role === "absent") {
    return healthy(
      ja
        ? "RD セッション ホストの役割 (RDS-RD-Server) はインストールされていません。Windows は RDS CAL なしで 2 つの管理用セッションを許可します。"
        : "The RD Session Host role (RDS-RD-Server) is not installed: Windows allows two administrative sessions without RDS CALs.",
    );
  }
  if (f.lic.role === "installed" && (!f.lic.modeCollected || !f.lic.serversCollected)) {
    const missing = [...(f.lic.modeCollected ? [] : [NEED_TERMINAL_SERVER]), ...(f.lic.serversCollected ? [] : [NEED_TERMSERVICE])];
    return notChecked(missingEvidenceText(lang, missing));
  }
  if (f.lic.role === "installed" && !ctx.evidence.hasChannel(CHANNEL.system)) {
    // Configured, but only RCM 1069/1128 would show the license server itself failing (§5.8).
    return notChecked(
      (ja
        ? "RD セッション ホストのライセンス モードとライセンス サーバーは構成されていますが、システム ログが収集されていないため、猶予期間の終了 (RCM 1069/1128) を否定できません。"
        : "The RD Session Host has a licensing mode and license server, but the System log was not collected, so an ended grace period (RCM 1069/1128) cannot be ruled out. ") +
        missingEvidenceText(lang, [NEED_SYSTEM_LOG]),
    );
  }
  if (f.lic.role === "installed") {
    const mode = f.lic.mode.value === 2 ? (ja ? "デバイスごと" : "per device") : ja ? "ユーザーごと" : "per user";
    return healthy(
      ja
        ? `RD セッション ホストはライセンス モード ${mode}、ライセンス サーバー ${f.lic.servers!.names.join("、")} で構成されています。`
        : `The RD Session Host is configured: licensing mode ${mode}, license server(s) ${f.lic.servers!.names.join(", ")}.`,
    );
  }
  return notChecked(missingEvidenceText(lang, [NEED_COMPONENTS]));
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "grace-period-ended": { en: "RD licensing grace period has ended with no license server", ja: "ライセンス サーバーがないまま RD ライセンスの猶予期間が終了しています" },
  "not-configured": { en: "RD Session Host has no licensing mode or license server", ja: "RD セッション ホストにライセンス モードまたはライセンス サーバーが設定されていません" },
  "license-server-unusable": { en: "RD Session Host cannot get licenses from its license server", ja: "RD セッション ホストがライセンス サーバーからライセンスを取得できません" },
};

function missingParts(lang: Lang, lic: Licensing): string {
  const ja = lang === "ja";
  const parts: string[] = [];
  if (lic.modeCollected && !lic.modeSet) parts.push(ja ? "ライセンス モード" : "licensing mode");
  if (lic.serversCollected && lic.servers === null) parts.push(ja ? "ライセンス サーバー" : "license server");
  return parts.join(ja ? "と" : " and ");
}

function causeText(lang: Lang, subCause: SubCause, f: Facts): string {
  const ja = lang === "ja";
  const missing = missingParts(lang, f.lic);
  if (subCause === "license-server-unusable") {
    return ja
      ? `ライセンス サーバー ${f.lic.servers?.names.join("、") ?? ""} が設定されていますが、猶予期間の終了後も RDS CAL を発行していません (到達不能、未アクティブ化、または CAL 不足)。`
      : `License server(s) ${f.lic.servers?.names.join(", ") ?? ""} are set, but no RDS CAL is issued now that the grace period has ended (unreachable, not activated, or out of CALs).`;
  }
  if (subCause === "grace-period-ended") {
    return ja
      ? `RD セッション ホストの役割がインストールされていますが${missing ? `、${missing}が設定されておらず` : ""}、${GRACE_PERIOD_DAYS} 日のライセンス猶予期間が終了したため、クライアントは「リモート デスクトップ ライセンス サーバーを利用できません」で切断されます。`
      : `The RD Session Host role is installed${missing ? ` with no ${missing}` : ""}, and the ${GRACE_PERIOD_DAYS}-day licensing grace period has ended, so clients are disconnected with "no Remote Desktop License Servers available".`;
  }
  return ja
    ? `RD セッション ホストの役割がインストールされていますが、${missing}が設定されていません。${GRACE_PERIOD_DAYS} 日のライセンス猶予期間が終わると接続できなくなります。`
    : `The RD Session Host role is installed with no ${missing}; connections stop when the ${GRACE_PERIOD_DAYS}-day licensing grace period ends.`;
}

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    ja
      ? `猶予期間 (${GRACE_PERIOD_DAYS} 日。Microsoft の Azure の記事にある 180 日は誤りです) の間は CAL なしで接続できますが、終了後はライセンス サーバーから RDS CAL を取得できない接続が切断されます。管理用の接続 (mstsc /admin) は引き続き使えます。`
      : `During the grace period (${GRACE_PERIOD_DAYS} days; the 180 days in Microsoft's Azure article is wrong) connections work without CALs; once it ends, every connection that cannot get an RDS CAL from a license server is dropped. An administrative connection (mstsc /admin) still works.`,
    windowedConfidenceSentence(ctx, confidence, why),
    ja
      ? "修正は、購入済みの CAL に合わせたライセンス モード (2 = デバイスごと、4 = ユーザーごと) とライセンス サーバーの設定か、2 つを超える同時セッションが不要であれば役割の削除です。"
      : "The fix is the licensing mode matching the CALs bought (2 per device, 4 per user) and a license server, or, when no more than two concurrent sessions are needed, removing the role.",
    controlSetNote(ctx),
  ]);
}

function collectEvidence(lang: Lang, f: Facts): Evidence[] {
  const ja = lang === "ja";
  const out: Evidence[] = [];
  if (f.lic.roleValue) out.push(registryEvidence(f.lic.roleValue, ja ? "RD セッション ホストの役割 (0 = 未インストール)" : "RD Session Host role (0 = not installed)"));
  if (f.lic.mode.stored) out.push(registryEvidence(f.lic.mode.stored, ja ? "2 = デバイスごと、4 = ユーザーごと、それ以外 = 未構成" : "2 = per device, 4 = per user, anything else = not configured"));
  if (f.lic.servers) out.push(registryEvidence(f.lic.servers.stored, ja ? "ライセンス サーバー" : "license server(s)"));
  const note = eventTableNote(lang, EVENT_TEXT);
  out.push(...windowedEventEvidence(f.graceEnded, 3, note), ...windowedEventEvidence(f.warnings, 2, note));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// configure-licensing: the licensing mode and license server the engineer fills in at the top (neither
//   is on the disk); the script stops without changes while they are empty. Offline in Select\Current's
//   control set (the registry values Microsoft's article names); online through the
//   Win32_TerminalServiceSetting WMI class.
// remove-rdsh-role (online): DISM removes the Remote-Desktop-Services feature, back to two
//   administrative sessions, as Microsoft's article does.

function remediationFor(ctx: ScenarioContext): Remediation[] {
  return [
    ...offlineAndOnline(ctx, RDS_LICENSING, "configure-licensing", {
      offline: { en: "Offline: set the licensing mode and license server (fill them in first)", ja: "オフライン: ライセンス モードとライセンス サーバーを設定する (値を記入してから実行)" },
      online: { en: "Online: set the licensing mode and license server (fill them in first)", ja: "オンライン: ライセンス モードとライセンス サーバーを設定する (値を記入してから実行)" },
    }),
    onlineScript(ctx, RDS_LICENSING, "remove-rdsh-role", {
      en: "Online: remove the RD Session Host role (when two concurrent sessions are enough)",
      ja: "オンライン: RD セッション ホストの役割を削除する (同時セッションが 2 つで足りる場合)",
    }),
  ];
}

export const rdsLicensing: Scenario = {
  id: RDS_LICENSING,
  text,
  needs,
  samples,
  detect,
};

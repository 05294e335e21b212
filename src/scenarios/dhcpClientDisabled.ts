// dhcp-client-disabled — the DHCP Client service is disabled, so the VM never gets an address.
//
// Azure gives a VM its address through DHCP, and the NIC inside is set to use it
// (Tcpip\Parameters\Interfaces\{GUID}\EnableDHCP = 1). With Services\Dhcp\Start = 4 (default 2,
// automatic; ObjectName NT Authority\LocalService) [S38] the NIC stays without an address: RDP, the
// guest agent and therefore Run Command all fail, while the boot screenshot looks healthy. Service
// Control Manager logs 7022 ("The DHCP Client service hung on starting") [S38], or 7000 for Dhcp with
// %%1058 (disabled).
// Reference: scenarios.md §5.9.

import type { StoredRegistryValue } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { RDP_SERVICES } from "./data/services.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, START_DISABLED, configConfidenceSentence, isServiceAccount, sentences, serviceConfig, serviceDetail, type ServiceConfig } from "./lib/configRegistry.js";
import { CHANNEL, splitByWindow, windowedEventEvidence, type WindowedEvents } from "./lib/events.js";
import { NEED_SELECT_CURRENT, serviceNeed, systemLogNeed } from "./lib/needs.js";
import { collectedUnder, dwordValue, registryEvidence } from "./lib/registry.js";
import { offlineAndOnline } from "./lib/remediation.js";
import { configFinding, healthy, notChecked, type ConfigDecisionRule } from "./lib/results.js";
import { SCM_START_FAILURES, scmEventNote, serviceEvents } from "./lib/serviceEvents.js";
import type { Bilingual } from "./lib/text.js";

export const DHCP_CLIENT_DISABLED = "dhcp-client-disabled";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "The DHCP Client service is disabled",
    summary: "Services\\Dhcp Start = 4: the NIC gets no address, so nothing (RDP, the guest agent, Run Command) connects",
    checks:
      "Reads Services\\Dhcp (Start, ObjectName) in the control set Windows boots with and whether the network interfaces " +
      "use DHCP (Tcpip\\Parameters\\Interfaces\\*\\EnableDHCP), and looks in the System log for Service Control Manager " +
      "7000/7022/7023 about the DHCP Client. Start = 2 with NT Authority\\LocalService is Windows' default.",
  },
  ja: {
    title: "DHCP Client サービスが無効になっている",
    summary: "Services\\Dhcp の Start = 4: NIC がアドレスを取得できず、RDP もゲスト エージェントも実行コマンドも接続できない",
    checks:
      "Windows が起動に使うコントロール セットの Services\\Dhcp (Start、ObjectName) と、ネットワーク インターフェイスが DHCP を使う" +
      "設定か (Tcpip\\Parameters\\Interfaces\\*\\EnableDHCP) を読み取り、システム ログで DHCP Client に関する Service Control Manager の" +
      " 7000/7022/7023 を探します。Start = 2 で NT Authority\\LocalService が Windows の既定です。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_DHCP = serviceNeed("dhcp-service", "Services\\Dhcp of the control set in use (Start, ObjectName)", ["Dhcp"]);
const NEED_TCPIP = serviceNeed("tcpip", "Services\\Tcpip (Parameters\\Interfaces\\*\\EnableDHCP)", ["Tcpip"]);
const NEED_SYSTEM_LOG = systemLogNeed("Service Control Manager 7000/7022/7023 for Dhcp");
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_DHCP, NEED_TCPIP, NEED_SYSTEM_LOG, NEED_SELECT];

const samples = ["dhcp-client-disabled", "config-healthy-quiet"];

// ── The evidence ─────────────────────────────────────────────────────────────────────────────────

interface Interfaces {
  collected: boolean;
  dhcp: StoredRegistryValue[];
  static: StoredRegistryValue[];
}

/** EnableDHCP of every interface under Tcpip\Parameters\Interfaces. */
function interfaces(ctx: ScenarioContext): Interfaces {
  const ev = ctx.evidence;
  const out: Interfaces = { collected: collectedUnder(ev, CONFIG_KEY.tcpipInterfaces), dhcp: [], static: [] };
  for (const key of ev.registrySubkeys(CONFIG_KEY.tcpipInterfaces)) {
    const v = ev.registryValue(key, "EnableDHCP");
    const n = dwordValue(v);
    if (v && n === 1) out.dhcp.push(v);
    else if (v && n === 0) out.static.push(v);
  }
  return out;
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "disabled" | "disabled-static-address" | "wrong-account" | "start-failure";

interface Facts {
  dhcp: ServiceConfig;
  nics: Interfaces;
  events: WindowedEvents;
}

type Rule = ConfigDecisionRule<Facts, SubCause>;

const disabled = (f: Facts) => f.dhcp.startValue === START_DISABLED;
const wrongAccount = (f: Facts) => f.dhcp.objectNameValue !== null && !isServiceAccount(f.dhcp.objectNameValue, "LocalService");
/** Interfaces were collected and none of those with an EnableDHCP value uses DHCP. */
const staticOnly = (f: Facts) => f.nics.dhcp.length === 0 && f.nics.static.length > 0;

/** scenarios.md §5.9. */
const DECISION: Rule[] = [
  {
    when: (f) => disabled(f) && !staticOnly(f),
    confidence: "high",
    subCause: "disabled",
    onConfig: true,
    why: { en: "the DHCP Client service has Start = 4 (disabled) in the control set in effect, and the NIC relies on DHCP", ja: "使用中のコントロール セットで DHCP Client サービスの Start = 4 (無効) で、NIC は DHCP を使う設定です" },
  },
  {
    when: (f) => disabled(f),
    confidence: "low",
    subCause: "disabled-static-address",
    onConfig: true,
    why: { en: "the DHCP Client service is disabled, but every interface in the evidence has a static address (itself a problem on Azure, which assigns addresses by DHCP)", ja: "DHCP Client サービスは無効ですが、証拠のインターフェイスはすべて静的アドレスです (Azure は DHCP でアドレスを割り当てるため、それ自体が問題です)" },
  },
  {
    when: (f) => wrongAccount(f) && f.events.recent.length > 0,
    confidence: "high",
    subCause: "wrong-account",
    onConfig: true,
    why: { en: "the DHCP Client does not run as NT Authority\\LocalService, and SCM reports it failing in the window", ja: "DHCP Client が NT Authority\\LocalService 以外で構成されており、期間内に SCM が失敗を記録しています" },
  },
  {
    when: (f) => f.events.recent.length > 0,
    confidence: "medium",
    subCause: "start-failure",
    onConfig: false,
    why: { en: "SCM reports the DHCP Client failing to start in the window", ja: "期間内に SCM が DHCP Client の開始失敗を記録しています" },
  },
  {
    when: (f) => wrongAccount(f),
    confidence: "medium",
    subCause: "wrong-account",
    onConfig: true,
    why: { en: "the DHCP Client is not configured to run as NT Authority\\LocalService", ja: "DHCP Client が NT Authority\\LocalService 以外で構成されています" },
  },
  {
    when: (f) => f.events.stale.length > 0,
    confidence: "low",
    subCause: "start-failure",
    onConfig: false,
    why: { en: "SCM failures of the DHCP Client only outside the window", ja: "DHCP Client の SCM の失敗は期間外のものだけです" },
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const facts: Facts = {
    dhcp: serviceConfig(evidence, "Dhcp"),
    nics: interfaces(ctx),
    events: splitByWindow(serviceEvents(evidence, RDP_SERVICES.Dhcp, SCM_START_FAILURES), ctx),
  };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, facts);

  return configFinding(ctx, DHCP_CLIENT_DISABLED, rule, {
    onSystemValue: rule.onConfig,
    title: TITLE,
    cause: CAUSE[rule.subCause][lang],
    explanation: (confidence, why) => explanationText(ctx, confidence, why),
    evidence: collectEvidence(lang, facts),
    remediation: remediationFor(ctx),
  });
}

function quiet(ctx: ScenarioContext, f: Facts): ScenarioResult {
  const { lang, evidence } = ctx;
  const ja = lang === "ja";
  const hasLog = evidence.hasChannel(CHANNEL.system);
  const logSentence = ja ? "システム ログに DHCP Client の SCM 開始失敗はありません。" : "The System log has no SCM start failure of the DHCP Client.";
  // Healthy needs the service key (a disabled service logs nothing at boot) and the System log (start failures).
  if (!f.dhcp.collected || !hasLog) {
    return notChecked(
      sentences(lang, [
        f.dhcp.collected
          ? serviceDetail(lang, "DHCP Client", f.dhcp, NEED_DHCP)
          : ja
            ? "Services\\Dhcp が収集されていないため、無効化 (Start = 4) を否定できません。"
            : "Services\\Dhcp was not collected, so a disabled DHCP Client (Start = 4) cannot be ruled out.",
        hasLog
          ? logSentence
          : ja
            ? "システム ログが収集されていないため、開始失敗を否定できません。"
            : "The System log was not collected, so start failures cannot be ruled out.",
        missingEvidenceText(lang, [...(f.dhcp.collected ? [] : [NEED_DHCP]), ...(hasLog ? [] : [NEED_SYSTEM_LOG])]),
      ]),
    );
  }
  return healthy(sentences(lang, [serviceDetail(lang, "DHCP Client", f.dhcp, NEED_DHCP), logSentence]));
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  disabled: { en: "The DHCP Client service is disabled: the VM gets no address", ja: "DHCP Client サービスが無効で、VM がアドレスを取得できません" },
  "disabled-static-address": { en: "The DHCP Client service is disabled (interfaces have static addresses)", ja: "DHCP Client サービスが無効です (インターフェイスは静的アドレス)" },
  "wrong-account": { en: "The DHCP Client service runs under the wrong account", ja: "DHCP Client サービスのログオン アカウントが正しくありません" },
  "start-failure": { en: "The DHCP Client service fails to start", ja: "DHCP Client サービスを開始できません" },
};

const CAUSE: Record<SubCause, Bilingual> = {
  disabled: {
    en: "The DHCP Client service is disabled (Start = 4), so the network interface gets no IP address from Azure and nothing can connect to the VM: not RDP, not the guest agent, not Run Command.",
    ja: "DHCP Client サービスが無効 (Start = 4) のため、ネットワーク インターフェイスが Azure から IP アドレスを取得できず、RDP もゲスト エージェントも実行コマンドも VM に接続できません。",
  },
  "disabled-static-address": {
    en: "The DHCP Client service is disabled (Start = 4); the interfaces carry static addresses, which Azure does not support inside the guest.",
    ja: "DHCP Client サービスが無効 (Start = 4) です。インターフェイスには静的アドレスが設定されていますが、Azure ではゲスト内の静的アドレスはサポートされていません。",
  },
  "wrong-account": {
    en: "The DHCP Client service is set to a logon account other than NT Authority\\LocalService, so it may fail to start and the VM gets no address.",
    ja: "DHCP Client サービスのログオン アカウントが NT Authority\\LocalService 以外のため、開始に失敗して VM がアドレスを取得できない可能性があります。",
  },
  "start-failure": {
    en: "The DHCP Client service fails to start, so the VM may have no address.",
    ja: "DHCP Client サービスの開始に失敗しているため、VM にアドレスがない可能性があります。",
  },
};

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    ja
      ? "ブート診断のスクリーンショットではログオン画面が正常に表示されるのに、どの方法でも接続できないのが特徴です。実行コマンドはネットワークが必要なため使えません。オンラインで直す場合はシリアル コンソールを使ってください。"
      : "The boot screenshot shows a normal logon screen, yet nothing connects. Run Command needs the network and does not work either: fix it offline, or online through the Serial Console.",
    configConfidenceSentence(lang, confidence, why),
    controlSetNote(ctx),
  ]);
}

function collectEvidence(lang: Lang, f: Facts): Evidence[] {
  const ja = lang === "ja";
  const out: Evidence[] = [];
  if (f.dhcp.start) out.push(registryEvidence(f.dhcp.start, ja ? "既定は 2 (自動)" : "the default is 2 (automatic)"));
  if (f.dhcp.objectName) out.push(registryEvidence(f.dhcp.objectName, ja ? "既定は NT Authority\\LocalService" : "the default is NT Authority\\LocalService"));
  for (const v of f.nics.dhcp.slice(0, 3)) out.push(registryEvidence(v, ja ? "この NIC は DHCP を使う設定" : "this NIC uses DHCP"));
  for (const v of f.nics.static.slice(0, 3)) out.push(registryEvidence(v, ja ? "静的アドレスの NIC" : "NIC with a static address"));
  out.push(...windowedEventEvidence(f.events, 5, (e, outside) => scmEventNote(e, lang, outside)));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// enable-dhcp-client: Dhcp Start → 2 (automatic) where it is 4, ObjectName → NT Authority\LocalService
// where it differs [S38]. Offline in Select\Current's control set; online through the Serial Console only
// (Run Command needs the network this service provides).

function remediationFor(ctx: ScenarioContext): Remediation[] {
  return offlineAndOnline(ctx, DHCP_CLIENT_DISABLED, "enable-dhcp-client", {
    offline: { en: "Offline: set the DHCP Client service back to automatic", ja: "オフライン: DHCP Client サービスを自動開始に戻す" },
    online: { en: "Online (Serial Console only): set the DHCP Client service back to automatic and start it", ja: "オンライン (シリアル コンソールのみ): DHCP Client サービスを自動開始に戻して開始する" },
  });
}

export const dhcpClientDisabled: Scenario = {
  id: DHCP_CLIENT_DISABLED,
  text,
  needs,
  samples,
  detect,
};

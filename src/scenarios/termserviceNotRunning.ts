// termservice-not-running — Remote Desktop Services (TermService) is disabled, cannot start, or crashes.
//
// TermService runs as NT Authority\NetworkService, Start = 3 (manual, started on demand at boot) by
// default [S5]. Start = 4 keeps it from ever starting; another ObjectName breaks its logon (7000 with
// %%1069) or its sharing of the svchost process (%%1079). Service Control Manager logs 7000 (failed to
// start), 7001 (a dependency failed), 7022 (hung on starting), 7023/7024 (terminated with an error) and
// 7031/7034 (crashed). Its `Binary` is the service key name, so events are matched on it, with param1
// against the (localized) display names only as a fallback (data/services.ts). SessionEnv (Remote
// Desktop Configuration) and UmRdpService (port redirector) sit on the same path [S10]; their being
// disabled is reported at medium, since by themselves they are not shown to stop the listener.
// Reference: scenarios.md §5.4 (and §4: the TermService article swaps the remedies for 1053 and 1058
// and has a typographic quote in its offline reg add).

import type { StoredEvent } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { RDP_SERVICES } from "./data/services.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { START_DISABLED, isServiceAccount, sentences, serviceConfig, serviceDetail, type ServiceConfig } from "./lib/configRegistry.js";
import { CHANNEL, eventEvidence, splitByWindow, windowedEventEvidence, type WindowedEvents } from "./lib/events.js";
import { NEED_SELECT_CURRENT, serviceNeed, systemLogNeed } from "./lib/needs.js";
import { registryEvidence } from "./lib/registry.js";
import { offlineAndOnline, onlineScript } from "./lib/remediation.js";
import { configFinding, healthy, notChecked, type ConfigDecisionRule } from "./lib/results.js";
import { SCM_CRASHES, SCM_START_FAILURES, SCM_START_TYPE_CHANGED, scmErrorCode, scmEventNote, serviceEvents } from "./lib/serviceEvents.js";
import { contextWindowText, timeText, windowedConfidenceSentence, type Bilingual } from "./lib/text.js";

export const TERMSERVICE_NOT_RUNNING = "termservice-not-running";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "Remote Desktop Services (TermService) is not running",
    summary: "TermService disabled (Start = 4) or not running as NetworkService; SCM 7000/7001/7022/7023/7024/7031/7034",
    checks:
      "Reads Services\\TermService (Start, ObjectName) in the control set Windows boots with, and SessionEnv and " +
      "UmRdpService's Start, then looks in the System log for Service Control Manager 7000/7001/7022/7023/7024 " +
      "(failed to start, dependency failed, hung, terminated with an error) and 7031/7034 (crashed) about TermService, " +
      "matched on the service key name the events carry. Start = 3 with NT Authority\\NetworkService is Windows' default.",
  },
  ja: {
    title: "Remote Desktop Services (TermService) が動作していない",
    summary: "TermService が無効 (Start = 4)、または NetworkService 以外で動作。SCM 7000/7001/7022/7023/7024/7031/7034",
    checks:
      "Windows が起動に使うコントロール セットの Services\\TermService (Start、ObjectName) と、SessionEnv・UmRdpService の Start を" +
      "読み取り、システム ログで TermService に関する Service Control Manager の 7000/7001/7022/7023/7024 (開始失敗、依存サービスの失敗、" +
      "応答停止、エラー終了) と 7031/7034 (クラッシュ) を、イベントが持つサービスのキー名で照合します。Start = 3 で " +
      "NT Authority\\NetworkService が Windows の既定です。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_SERVICES = serviceNeed("services", "Services\\TermService, SessionEnv and UmRdpService of the control set in use (Start, ObjectName)", ["TermService", "SessionEnv", "UmRdpService"]);
const NEED_SYSTEM_LOG = systemLogNeed("Service Control Manager 7000/7001/7022/7023/7024/7031/7034/7040");
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_SERVICES, NEED_SYSTEM_LOG, NEED_SELECT];

const samples = ["termservice-disabled", "termservice-crashing", "termservice-default-quiet", "config-healthy-quiet"];

// ── The evidence ─────────────────────────────────────────────────────────────────────────────────

interface Observed {
  termService: ServiceConfig;
  sessionEnv: ServiceConfig;
  umRdp: ServiceConfig;
  failures: WindowedEvents;
  crashes: WindowedEvents;
  startTypeChanges: StoredEvent[];
}

function observe(ctx: ScenarioContext): Observed {
  const ev = ctx.evidence;
  return {
    termService: serviceConfig(ev, "TermService"),
    sessionEnv: serviceConfig(ev, "SessionEnv"),
    umRdp: serviceConfig(ev, "UmRdpService"),
    failures: splitByWindow(serviceEvents(ev, RDP_SERVICES.TermService, SCM_START_FAILURES), ctx),
    crashes: splitByWindow(serviceEvents(ev, RDP_SERVICES.TermService, SCM_CRASHES), ctx),
    startTypeChanges: serviceEvents(ev, RDP_SERVICES.TermService, [SCM_START_TYPE_CHANGED]),
  };
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "disabled" | "wrong-account" | "start-failure" | "crashing" | "dependent-service-disabled";

interface Facts {
  collected: boolean;
  disabled: boolean;
  wrongAccount: boolean;
  recentFailures: number;
  recentCrashes: number;
  stale: number;
  /** SessionEnv or UmRdpService with Start = 4. */
  dependentDisabled: ServiceConfig[];
}

type Rule = ConfigDecisionRule<Facts, SubCause>;

/** scenarios.md §5.4 with §0.3 (event-driven: high needs events in the window AND confirming configuration). */
const DECISION: Rule[] = [
  {
    when: (f) => f.disabled,
    confidence: "high",
    subCause: "disabled",
    onConfig: true,
    why: { en: "TermService has Start = 4 (disabled) in the control set in effect", ja: "使用中のコントロール セットで TermService の Start = 4 (無効) です" },
  },
  {
    when: (f) => f.wrongAccount && f.recentFailures > 0,
    confidence: "high",
    subCause: "wrong-account",
    onConfig: true,
    why: { en: "TermService does not run as NT Authority\\NetworkService, and SCM reports start failures in the window", ja: "TermService が NT Authority\\NetworkService 以外で構成されており、期間内に SCM の開始失敗が記録されています" },
  },
  {
    when: (f) => f.recentFailures > 0 && f.collected,
    confidence: "medium",
    subCause: "start-failure",
    onConfig: false,
    why: { en: "SCM reports TermService start failures in the window, although its configuration is Windows' default", ja: "TermService の構成は Windows の既定ですが、期間内に SCM の開始失敗が記録されています" },
  },
  {
    when: (f) => f.recentFailures > 0,
    confidence: "medium",
    subCause: "start-failure",
    onConfig: false,
    why: { en: "SCM reports TermService start failures in the window; its service key was not collected to confirm why", ja: "期間内に SCM の TermService 開始失敗が記録されていますが、原因を確認するサービス キーが収集されていません" },
  },
  {
    when: (f) => f.wrongAccount,
    confidence: "medium",
    subCause: "wrong-account",
    onConfig: true,
    why: { en: "TermService is not configured to run as NT Authority\\NetworkService (no start failure in the window to confirm it)", ja: "TermService が NT Authority\\NetworkService 以外で構成されています (期間内に確認できる開始失敗はありません)" },
  },
  {
    when: (f) => f.recentCrashes >= 2,
    confidence: "medium",
    subCause: "crashing",
    onConfig: false,
    why: { en: "TermService terminated unexpectedly more than once in the window (SCM 7031/7034)", ja: "期間内に TermService が複数回予期せず終了しています (SCM 7031/7034)" },
  },
  {
    when: (f) => f.dependentDisabled.length > 0,
    confidence: "medium",
    subCause: "dependent-service-disabled",
    onConfig: true,
    why: { en: "a service on Remote Desktop's path (SessionEnv or UmRdpService) is disabled", ja: "リモート デスクトップが使うサービス (SessionEnv または UmRdpService) が無効です" },
  },
  {
    when: (f) => f.recentCrashes === 1,
    confidence: "low",
    subCause: "crashing",
    onConfig: false,
    why: { en: "TermService terminated unexpectedly once in the window", ja: "期間内に TermService が 1 回予期せず終了しています" },
  },
  {
    when: (f) => f.stale > 0,
    confidence: "low",
    subCause: "start-failure",
    onConfig: false,
    why: { en: "SCM failures or crashes of TermService only outside the window", ja: "TermService の SCM の失敗・クラッシュは期間外のものだけです" },
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { lang } = ctx;
  const seen = observe(ctx);
  const ts = seen.termService;
  const facts: Facts = {
    collected: ts.collected,
    disabled: ts.startValue === START_DISABLED,
    wrongAccount: ts.objectNameValue !== null && !isServiceAccount(ts.objectNameValue, "NetworkService"),
    recentFailures: seen.failures.recent.length,
    recentCrashes: seen.crashes.recent.length,
    stale: seen.failures.stale.length + seen.crashes.stale.length,
    dependentDisabled: [seen.sessionEnv, seen.umRdp].filter((s) => s.startValue === START_DISABLED),
  };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, seen);

  return configFinding(ctx, TERMSERVICE_NOT_RUNNING, rule, {
    onSystemValue: rule.onConfig,
    title: TITLE,
    cause: causeText(lang, rule.subCause, seen, facts),
    explanation: (confidence, why) => explanationText(ctx, confidence, why, rule.subCause, seen),
    evidence: collectEvidence(ctx, seen, facts),
    remediation: remediationFor(ctx, rule.subCause),
  });
}

/**
 * Healthy needs both halves of §5.4: the three service keys (a disabled service logs nothing at boot, so
 * a quiet log does not clear Start = 4) and the System log (a default configuration does not clear start
 * failures or crashes). Either one missing is "not checked", with what the other one showed.
 */
function quiet(ctx: ScenarioContext, seen: Observed): ScenarioResult {
  const { lang, evidence } = ctx;
  const ja = lang === "ja";
  const hasLog = evidence.hasChannel(CHANNEL.system);
  const services = [seen.termService, seen.sessionEnv, seen.umRdp];
  const keysCollected = services.every((s) => s.collected);
  const window = contextWindowText(ctx);
  const logSentence = ja
    ? `システム ログに TermService の SCM 開始失敗やクラッシュはありません (${window})。`
    : `The System log has no SCM start failure or crash of TermService (${window}).`;
  if (!keysCollected || !hasLog) {
    const missingServices = services.filter((s) => !s.collected).map((s) => s.name);
    return notChecked(
      sentences(lang, [
        seen.termService.collected && serviceDetail(lang, "TermService", seen.termService, NEED_SERVICES),
        missingServices.length > 0 &&
          (ja
            ? `${missingServices.map((n) => `Services\\${n}`).join("、")} が収集されていないため、無効化 (Start = 4) を否定できません。`
            : `${missingServices.map((n) => `Services\\${n}`).join(", ")} ${missingServices.length > 1 ? "were" : "was"} not collected, so a disabled service (Start = 4) cannot be ruled out.`),
        hasLog
          ? logSentence
          : ja
            ? "システム ログが収集されていないため、開始失敗やクラッシュを否定できません。"
            : "The System log was not collected, so start failures and crashes cannot be ruled out.",
        missingEvidenceText(lang, [...(keysCollected ? [] : [NEED_SERVICES]), ...(hasLog ? [] : [NEED_SYSTEM_LOG])]),
      ]),
    );
  }
  return healthy(
    sentences(lang, [
      serviceDetail(lang, "TermService", seen.termService, NEED_SERVICES),
      ja
        ? `SessionEnv と UmRdpService は無効になっていません。`
        : "SessionEnv and UmRdpService are not disabled.",
      logSentence,
    ]),
  );
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  disabled: { en: "Remote Desktop Services (TermService) is disabled", ja: "Remote Desktop Services (TermService) が無効になっています" },
  "wrong-account": { en: "Remote Desktop Services runs under the wrong account", ja: "Remote Desktop Services のログオン アカウントが正しくありません" },
  "start-failure": { en: "Remote Desktop Services fails to start", ja: "Remote Desktop Services を開始できません" },
  crashing: { en: "Remote Desktop Services keeps crashing", ja: "Remote Desktop Services がクラッシュを繰り返しています" },
  "dependent-service-disabled": { en: "A service Remote Desktop relies on is disabled", ja: "リモート デスクトップが使うサービスが無効になっています" },
};

function causeText(lang: Lang, subCause: SubCause, seen: Observed, facts: Facts): string {
  const ja = lang === "ja";
  switch (subCause) {
    case "disabled":
      return ja
        ? "TermService のスタートアップの種類が「無効」(Start = 4) のため、Remote Desktop Services が起動せず、RDP リスナーがありません。"
        : "TermService's start type is Disabled (Start = 4), so Remote Desktop Services never starts and there is no RDP listener.";
    case "wrong-account":
      return ja
        ? `TermService のログオン アカウントが ${seen.termService.objectNameValue} になっています (既定は NT Authority\\NetworkService)。`
        : `TermService is set to log on as ${seen.termService.objectNameValue} instead of NT Authority\\NetworkService.`;
    case "start-failure": {
      const codes = [...new Set([...seen.failures.recent, ...seen.failures.stale].map(scmErrorCode).filter((c): c is number => c !== null))];
      const tail = codes.length ? (ja ? ` (エラー ${codes.map((c) => `%%${c}`).join("、")})` : ` (errors ${codes.map((c) => `%%${c}`).join(", ")})`) : "";
      return ja ? `Remote Desktop Services の開始に失敗しています${tail}。` : `Remote Desktop Services fails to start${tail}.`;
    }
    case "crashing":
      return ja ? "Remote Desktop Services のプロセスが予期せず終了しています。" : "The Remote Desktop Services process terminates unexpectedly.";
    case "dependent-service-disabled":
      return ja
        ? `${facts.dependentDisabled.map((s) => s.name).join("、")} が無効 (Start = 4) になっています。`
        : `${facts.dependentDisabled.map((s) => s.name).join(" and ")} ${facts.dependentDisabled.length > 1 ? "are" : "is"} disabled (Start = 4).`;
  }
}

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, subCause: SubCause, seen: Observed): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  const change = seen.startTypeChanges[seen.startTypeChanges.length - 1];
  return sentences(lang, [
    ja
      ? "Remote Desktop Services が動作していなければ 3389 で待ち受けるものがなく、クライアントは一般的な接続エラーになります。"
      : "Without Remote Desktop Services nothing listens on the RDP port, and clients get the general connection error.",
    windowedConfidenceSentence(ctx, confidence, why),
    change &&
      (ja
        ? `${timeText(lang, change.time)} (UTC) に SCM 7040 がスタートアップの種類の変更を記録しています。変更した人やツールを確認してください。`
        : `SCM 7040 recorded a start-type change at ${timeText(lang, change.time)} UTC: find out who or what changed it.`),
    subCause === "crashing" &&
      (ja
        ? "クラッシュの調査には、TermService を専用の svchost プロセスに分離 (sc config TermService type= own) して、アプリケーション ログの 1000 とダンプを確認します。"
        : "To investigate the crashes, isolate TermService in its own svchost process (sc config TermService type= own) and look at Application 1000 and the crash dump."),
    controlSetNote(ctx),
  ]);
}

function collectEvidence(ctx: ScenarioContext, seen: Observed, facts: Facts): Evidence[] {
  const { lang } = ctx;
  const ja = lang === "ja";
  const out: Evidence[] = [];
  const ts = seen.termService;
  if (ts.start) out.push(registryEvidence(ts.start, facts.disabled ? (ja ? "無効" : "disabled") : ja ? `既定は 3 (手動)` : "the default is 3 (manual)"));
  if (ts.objectName) out.push(registryEvidence(ts.objectName, facts.wrongAccount ? (ja ? "既定は NT Authority\\NetworkService" : "the default is NT Authority\\NetworkService") : ja ? "既定どおり" : "as Windows ships it"));
  for (const s of facts.dependentDisabled) if (s.start) out.push(registryEvidence(s.start, ja ? `${s.name} が無効` : `${s.name} disabled`));
  const recent = [...seen.failures.recent, ...seen.crashes.recent].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const stale = [...seen.failures.stale, ...seen.crashes.stale].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  if (recent.length + stale.length) {
    out.push({
      kind: "observation",
      source: (recent[0] ?? stale[0]).source,
      text: ja
        ? `TermService の SCM イベント: 開始失敗 ${seen.failures.recent.length} 件、クラッシュ ${seen.crashes.recent.length} 件 (期間内)、期間外 ${stale.length} 件`
        : `SCM events about TermService: ${seen.failures.recent.length} start failure(s), ${seen.crashes.recent.length} crash(es) in the window, ${stale.length} outside it`,
    });
  }
  out.push(...windowedEventEvidence({ recent, stale }, 5, (e, outside) => scmEventNote(e, lang, outside)));
  const change = seen.startTypeChanges[seen.startTypeChanges.length - 1];
  if (change) out.push(eventEvidence(change, scmEventNote(change, lang, false)));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// restore-service: back up the three service keys, then, only where the disk differs from Windows'
//   default: TermService Start 4 → 3 and ObjectName → NT Authority\NetworkService; SessionEnv and
//   UmRdpService Start 4 → 3 (offline in Select\Current's control set; online with sc.exe, then start).
// isolate-service (online, crashes and unexplained start failures): TermService in its own svchost
//   process (type= own), the isolation Microsoft's article uses to capture what kills it.

function remediationFor(ctx: ScenarioContext, subCause: SubCause): Remediation[] {
  if (subCause === "crashing" || subCause === "start-failure") {
    return [
      onlineScript(ctx, TERMSERVICE_NOT_RUNNING, "isolate-service", {
        en: "Online: isolate TermService in its own process, start it and show its state",
        ja: "オンライン: TermService を専用プロセスに分離して開始し、状態を確認する",
      }),
    ];
  }
  return offlineAndOnline(ctx, TERMSERVICE_NOT_RUNNING, "restore-service", {
    offline: { en: "Offline: put TermService (and SessionEnv, UmRdpService) back to Windows' defaults", ja: "オフライン: TermService (と SessionEnv、UmRdpService) の構成を Windows の既定に戻す" },
    online: { en: "Online: put the services back to their defaults and start them", ja: "オンライン: サービスの構成を既定に戻して開始する" },
  });
}

export const termServiceNotRunning: Scenario = {
  id: TERMSERVICE_NOT_RUNNING,
  text,
  needs,
  samples,
  detect,
};

// rdp-listener-off — Remote Desktop is allowed, but the listener or the logons behind it are switched off.
//
// Five switches stop RDP short of fDenyTSConnections [S4]: RDP-Tcp\fEnableWinStation = 0 (the listener is
// disabled), RDP-Tcp\fLogonDisabled = 1 (logons refused), Terminal Server\TSEnabled = 0 (the terminal
// server component off), TSUserEnabled = 1 (connections refused) and TSServerDrainMode ≠ 0 (drain: new
// logons refused, what `change logon /drain` and RD farm maintenance leave behind). Whether 1 or 2 is the
// "until restart" variant is not settled (two sources disagree), so both count. A missing RDP-Tcp key is
// a damaged installation. Winlogon\WinStationsDisabled = 1 (`change logon /disable`) is reported at
// medium: its meaning comes from a single third-party source (unverified).
// Reference: scenarios.md §5.2; Microsoft's "RDP general error" article for where each value lives.

import type { StoredRegistryValue } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { COLLECT_CONFIG } from "./lib/collectConfig.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, configConfidenceSentence, describeValue, sentences } from "./lib/configRegistry.js";
import { PROVIDER, eventTableNote, splitByWindow, windowedEventEvidence, type WindowedEvents } from "./lib/events.js";
import { NEED_SELECT_CURRENT, registryNeed, terminalServerNeed } from "./lib/needs.js";
import { collectedUnder, dwordValue, keyCollected, registryEvidence, registrySourceOf, stringValue } from "./lib/registry.js";
import { offlineAndOnline } from "./lib/remediation.js";
import { configFinding, healthy, notChecked } from "./lib/results.js";
import type { Bilingual } from "./lib/text.js";

export const RDP_LISTENER_OFF = "rdp-listener-off";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "The RDP listener or its logons are switched off",
    summary: "RDP-Tcp fEnableWinStation = 0 / fLogonDisabled = 1, or Terminal Server TSEnabled = 0, TSUserEnabled = 1, TSServerDrainMode ≠ 0",
    checks:
      "Reads, in the control set Windows boots with, RDP-Tcp\\fEnableWinStation (0 = listener disabled) and fLogonDisabled " +
      "(1 = logons refused), and Terminal Server\\TSEnabled (0), TSUserEnabled (1) and TSServerDrainMode (drain mode). Also " +
      "reports a missing RDP-Tcp listener key and Winlogon\\WinStationsDisabled = 1 (change logon /disable).",
  },
  ja: {
    title: "RDP リスナーまたはそのログオンが無効になっている",
    summary: "RDP-Tcp の fEnableWinStation = 0 / fLogonDisabled = 1、または Terminal Server の TSEnabled = 0、TSUserEnabled = 1、TSServerDrainMode ≠ 0",
    checks:
      "Windows が起動に使うコントロール セットの RDP-Tcp\\fEnableWinStation (0 = リスナー無効) と fLogonDisabled (1 = ログオン拒否)、" +
      "Terminal Server\\TSEnabled (0)、TSUserEnabled (1)、TSServerDrainMode (ドレイン モード) を読み取ります。RDP-Tcp リスナー キーが" +
      "存在しない場合と、Winlogon\\WinStationsDisabled = 1 (change logon /disable) も報告します。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_TERMINAL_SERVER = terminalServerNeed("Terminal Server key of the control set in use, with WinStations\\RDP-Tcp", CONFIG_KEY.terminalServer);
const NEED_WINLOGON = registryNeed("winlogon", "Windows NT\\CurrentVersion with Winlogon (WinStationsDisabled)", CONFIG_KEY.winlogon, COLLECT_CONFIG.currentVersion);
const NEED_SELECT = NEED_SELECT_CURRENT;

const needs = [NEED_TERMINAL_SERVER, NEED_WINLOGON, NEED_SELECT];

const samples = ["rdp-listener-disabled", "rdp-drain-mode", "config-healthy-quiet"];

// ── The switches ─────────────────────────────────────────────────────────────────────────────────

type SubCause =
  | "listener-disabled"
  | "terminal-server-disabled"
  | "logons-disabled"
  | "connections-refused"
  | "drain-mode"
  | "winstations-disabled"
  | "listener-missing";

interface Switch {
  subCause: SubCause;
  key: string;
  name: string;
  /** The value that switches RDP off. */
  off: (v: number) => boolean;
  confidence: Confidence;
  /** Read from SOFTWARE (not subject to the control-set cap). */
  software?: boolean;
  what: Bilingual;
}

/** scenarios.md §5.2, in the order that decides the sub-cause when several are off. */
const SWITCHES: Switch[] = [
  {
    subCause: "listener-disabled",
    key: CONFIG_KEY.rdpTcp,
    name: "fEnableWinStation",
    off: (v) => v === 0,
    confidence: "high",
    what: { en: "the RDP-Tcp listener is disabled (fEnableWinStation = 0)", ja: "RDP-Tcp リスナーが無効です (fEnableWinStation = 0)" },
  },
  {
    subCause: "terminal-server-disabled",
    key: CONFIG_KEY.terminalServer,
    name: "TSEnabled",
    off: (v) => v === 0,
    confidence: "high",
    what: { en: "the terminal server component is disabled (TSEnabled = 0)", ja: "ターミナル サーバー コンポーネントが無効です (TSEnabled = 0)" },
  },
  {
    subCause: "logons-disabled",
    key: CONFIG_KEY.rdpTcp,
    name: "fLogonDisabled",
    off: (v) => v === 1,
    confidence: "high",
    what: { en: "the RDP-Tcp listener refuses logons (fLogonDisabled = 1)", ja: "RDP-Tcp リスナーがログオンを拒否します (fLogonDisabled = 1)" },
  },
  {
    subCause: "connections-refused",
    key: CONFIG_KEY.terminalServer,
    name: "TSUserEnabled",
    off: (v) => v === 1,
    confidence: "high",
    what: { en: "the terminal server refuses connections (TSUserEnabled = 1)", ja: "ターミナル サーバーが接続を拒否します (TSUserEnabled = 1)" },
  },
  {
    subCause: "drain-mode",
    key: CONFIG_KEY.terminalServer,
    name: "TSServerDrainMode",
    off: (v) => v !== 0,
    confidence: "high",
    what: { en: "the server is in drain mode and refuses new logons (TSServerDrainMode ≠ 0)", ja: "サーバーがドレイン モードで、新しいログオンを拒否します (TSServerDrainMode ≠ 0)" },
  },
  {
    subCause: "winstations-disabled",
    key: CONFIG_KEY.winlogon,
    name: "WinStationsDisabled",
    off: (v) => v === 1,
    confidence: "medium",
    software: true,
    what: { en: "remote logons are disabled (Winlogon\\WinStationsDisabled = 1, as change logon /disable leaves it; meaning from a single source)", ja: "リモート ログオンが無効です (Winlogon\\WinStationsDisabled = 1。change logon /disable の結果。意味は単一の情報源に基づきます)" } ,
  },
];

/** RCM events that say the same thing when a client tries (ids derived from a public message table: corroboration only, never a verdict). */
const RCM_REFUSALS: Record<number, Bilingual> = {
  1070: { en: "logon refused: the server is in drain mode", ja: "ドレイン モードのためログオンが拒否されました" },
  1071: { en: "connection refused: the server does not accept connections (chglogon)", ja: "サーバーが接続を受け付けない設定のため接続が拒否されました (chglogon)" },
};

interface Observed {
  /** Every switch found off, with the stored value. */
  off: { sw: Switch; stored: StoredRegistryValue }[];
  /** The values read, off or not (for the healthy detail and the evidence). */
  read: StoredRegistryValue[];
  listenerMissing: boolean;
  collected: boolean;
  refusals: WindowedEvents;
}

/** A switch's value: DWORD, or REG_SZ "0"/"1" (Winlogon keeps some of its flags as strings). */
function numeric(v: StoredRegistryValue | undefined): number | null {
  const d = dwordValue(v);
  if (d !== null) return d;
  const s = stringValue(v);
  return s !== null && /^\d+$/.test(s) ? Number(s) : null;
}

function observe(ctx: ScenarioContext): Observed {
  const ev = ctx.evidence;
  const off: Observed["off"] = [];
  const read: StoredRegistryValue[] = [];
  for (const sw of SWITCHES) {
    const stored = ev.registryValue(sw.key, sw.name);
    const v = numeric(stored);
    if (stored && v !== null) {
      read.push(stored);
      if (sw.off(v)) off.push({ sw, stored });
    }
  }
  // The listener key itself: a Terminal Server export always carries WinStations\RDP-Tcp on a healthy machine.
  const winStationsSeen = ev.registrySubkeys(CONFIG_KEY.winStations).length > 0 || ev.registryValues(CONFIG_KEY.winStations).length > 0;
  const listenerMissing = winStationsSeen && !collectedUnder(ev, CONFIG_KEY.rdpTcp);
  return {
    off,
    read,
    listenerMissing,
    collected: collectedUnder(ev, CONFIG_KEY.terminalServer),
    refusals: splitByWindow(ev.events({ providers: [PROVIDER.rcm], ids: Object.keys(RCM_REFUSALS).map(Number) }), ctx),
  };
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────
//
//   fEnableWinStation = 0 / TSEnabled = 0 / fLogonDisabled = 1 / TSUserEnabled = 1 / TSServerDrainMode ≠ 0 → high
//   Winlogon\WinStationsDisabled = 1                                                                    → medium
//   WinStations exported without RDP-Tcp                                                                → medium, listener-missing
//   nothing of Terminal Server collected                                                                → not checked
// The first switch in SWITCHES order names the sub-cause; every switch found off is listed and fixed.
// A verdict on a SYSTEM value is capped at medium when Select\Current was not collected (§0.3).

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { lang } = ctx;
  const seen = observe(ctx);
  const primary = seen.off[0];
  if (!primary && !seen.listenerMissing) return quiet(ctx, seen);

  const subCause: SubCause = primary ? primary.sw.subCause : "listener-missing";
  const base: Confidence = primary ? primary.sw.confidence : "medium";
  const baseWhy: Bilingual = primary
    ? primary.sw.what
    : { en: "WinStations was exported without the RDP-Tcp listener key: a damaged installation", ja: "WinStations はエクスポートされていますが RDP-Tcp リスナー キーがありません (インストールの破損)" };
  return configFinding(ctx, RDP_LISTENER_OFF, { confidence: base, subCause, why: baseWhy }, {
    onSystemValue: !primary || !primary.sw.software,
    title: TITLE,
    cause: causeText(lang, seen),
    explanation: (confidence, why) => explanationText(ctx, confidence, why, seen),
    evidence: collectEvidence(ctx, seen),
    remediation: subCause === "listener-missing" ? [] : remediationFor(ctx),
  });
}

function quiet(ctx: ScenarioContext, seen: Observed): ScenarioResult {
  const { lang } = ctx;
  const ja = lang === "ja";
  const values = seen.read.map((v) => describeValue(lang, v));
  // Healthy needs every switch's key collected whole: Terminal Server (with WinStations\RDP-Tcp below it)
  // and Winlogon; a dump of RDP-Tcp alone says nothing of TSEnabled, TSUserEnabled or drain mode.
  const tsCollected = keyCollected(ctx.evidence, CONFIG_KEY.terminalServer);
  const winlogonCollected = keyCollected(ctx.evidence, CONFIG_KEY.winlogon);
  if (!tsCollected || !winlogonCollected) {
    const missing = [...(tsCollected ? [] : [NEED_TERMINAL_SERVER]), ...(winlogonCollected ? [] : [NEED_WINLOGON])];
    const what = [...(tsCollected ? [] : ["Control\\Terminal Server"]), ...(winlogonCollected ? [] : ["Winlogon"])];
    return notChecked(
      sentences(lang, [
        values.length > 0 && (ja ? `読み取れたスイッチはオンです: ${values.join("、")}。` : `The switches read are on: ${values.join(", ")}.`),
        ja
          ? `${what.join(" と ")} のキー全体が収集されていないため、他のスイッチがオフでないことを確認できません。`
          : `${what.join(" and ")} ${what.length > 1 ? "were" : "was"} not collected whole, so the other switches cannot be ruled out.`,
        missingEvidenceText(lang, missing),
      ]),
    );
  }
  const detail = values.length
    ? ja
      ? `リスナーとログオンのスイッチはすべてオンです: ${values.join("、")} (値がないものは Windows の既定値)。`
      : `The listener and logon switches are on: ${values.join(", ")} (absent ones are at Windows' defaults).`
    : ja
      ? "Terminal Server キーにリスナーやログオンを無効にする値はありません (すべて Windows の既定値)。"
      : "No value under Terminal Server switches the listener or logons off (all at Windows' defaults).";
  return healthy(detail);
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "listener-disabled": { en: "The RDP-Tcp listener is disabled", ja: "RDP-Tcp リスナーが無効になっています" },
  "terminal-server-disabled": { en: "The terminal server component is disabled", ja: "ターミナル サーバー コンポーネントが無効になっています" },
  "logons-disabled": { en: "The RDP listener refuses logons", ja: "RDP リスナーがログオンを拒否しています" },
  "connections-refused": { en: "The terminal server refuses connections", ja: "ターミナル サーバーが接続を拒否しています" },
  "drain-mode": { en: "The server is in drain mode", ja: "サーバーがドレイン モードになっています" },
  "winstations-disabled": { en: "Remote logons are disabled (change logon /disable)", ja: "リモート ログオンが無効になっています (change logon /disable)" },
  "listener-missing": { en: "The RDP-Tcp listener key is missing", ja: "RDP-Tcp リスナー キーがありません" },
};

function causeText(lang: Lang, seen: Observed): string {
  const ja = lang === "ja";
  if (!seen.off.length) {
    return ja
      ? "Terminal Server\\WinStations に RDP-Tcp キーがないため、RDP リスナーが作成されません。"
      : "There is no RDP-Tcp key under Terminal Server\\WinStations, so no RDP listener is created.";
  }
  const what = seen.off.map((o) => o.sw.what[lang]);
  return ja ? `リモート デスクトップは許可されていますが、${what.join("。また、")}。` : `Remote Desktop is allowed, but ${what.join("; and ")}.`;
}

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, seen: Observed): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    ja
      ? "クライアントには「リモート コンピューターへのリモート アクセスが有効になっていません」などの一般的なエラーが表示されます。"
      : "The client gets the general \"remote access to the server is not enabled\" error, or the logon is refused after the credentials.",
    configConfidenceSentence(lang, confidence, why),
    seen.refusals.recent.length > 0 &&
      (ja
        ? `期間内に RCM の接続拒否イベントが ${seen.refusals.recent.length} 件あり、同じことを示しています。`
        : `${seen.refusals.recent.length} RCM refusal event(s) in the window say the same.`),
    seen.off.some((o) => o.sw.subCause === "drain-mode") &&
      (ja
        ? "RD セッション ホストのファームでメンテナンスのために設定されたドレイン モードが残っていることがあります。ファームの運用担当者に確認してから解除してください。"
        : "Drain mode is often left behind by RD Session Host farm maintenance: check with whoever runs the farm before lifting it."),
    !seen.off.length &&
      (ja
        ? "同じバージョンの正常な VM から WinStations\\RDP-Tcp キーをエクスポートしてインポートする必要があります (自動の修正スクリプトはありません)。"
        : "Export WinStations\\RDP-Tcp from a healthy VM of the same Windows version and import it (no script does this automatically)."),
    controlSetNote(ctx),
  ]);
}

function collectEvidence(ctx: ScenarioContext, seen: Observed): Evidence[] {
  const { lang } = ctx;
  const ja = lang === "ja";
  const out: Evidence[] = [];
  const offIds = new Set(seen.off.map((o) => `${o.stored.key}|${o.stored.name}`.toLowerCase()));
  for (const o of seen.off) out.push(registryEvidence(o.stored, o.sw.what[lang]));
  for (const v of seen.read) if (!offIds.has(`${v.key}|${v.name}`.toLowerCase())) out.push(registryEvidence(v, ja ? "問題なし" : "fine"));
  if (seen.listenerMissing) {
    out.push({
      kind: "observation",
      source: registrySourceOf(ctx.evidence, CONFIG_KEY.winStations),
      text: ja ? "WinStations に RDP-Tcp キーがありません" : "WinStations has no RDP-Tcp key",
    });
  }
  out.push(...windowedEventEvidence(seen.refusals, 3, eventTableNote(lang, RCM_REFUSALS)));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// enable-listener: backs up Terminal Server (and Winlogon), then turns back on, on the disk, only the
// switches that are off: fEnableWinStation = 1, fLogonDisabled = 0, TSEnabled = 1, TSUserEnabled = 0,
// TSServerDrainMode = 0 (Select\Current's control set), WinStationsDisabled = 0. Online: the same under
// CurrentControlSet (WinStationsDisabled through `change logon /enable`), then restarts TermService.

function remediationFor(ctx: ScenarioContext): Remediation[] {
  return offlineAndOnline(ctx, RDP_LISTENER_OFF, "enable-listener", {
    offline: { en: "Offline: turn the listener and logon switches that are off back on", ja: "オフライン: 無効になっているリスナーとログオンのスイッチを元に戻す" },
    online: { en: "Online: turn the switches back on and restart Remote Desktop Services", ja: "オンライン: スイッチを元に戻して Remote Desktop Services を再起動する" },
  });
}

export const rdpListenerOff: Scenario = {
  id: RDP_LISTENER_OFF,
  text,
  needs,
  samples,
  detect,
};

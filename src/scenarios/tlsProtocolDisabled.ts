// tls-protocol-disabled — the server side of Schannel has no TLS version RDP clients can use.
//
// RDP runs over TLS (SecurityLayer 1 or 2, and NLA's CredSSP). A hardening baseline that switches off
// TLS 1.2 along with 1.0/1.1 under SCHANNEL\Protocols\<version>\Server leaves the listener nothing to
// negotiate: Schannel logs 36871 with Type=server at each attempt. Type=client 36871s come from outbound
// TLS clients on the VM (agents, .NET apps) hitting the same baseline: noise here. The Client subkeys
// govern outbound connections and are never flagged.
// Reference: scenarios.md §2 (and §4 item 12: never re-enable TLS 1.0/1.1 as the old article does).

import type { StoredEvent } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { LEGACY_TLS, type TlsVersion } from "./data/tlsDefaults.js";
import { COLLECT, controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { lowerConfidence, sentences } from "./lib/configRegistry.js";
import { CHANNEL, PROVIDER, fieldValue, splitByWindow, windowedEventEvidence, type WindowedEvents } from "./lib/events.js";
import { NEED_SELECT_FOR_FIX, registryNeed, systemLogNeed, terminalServerNeed } from "./lib/needs.js";
import { KEY, collectedUnder, dwordValue, keyCollected, registryEvidence, registrySourceOf } from "./lib/registry.js";
import { offlineAndOnline } from "./lib/remediation.js";
import { finding, healthy, notChecked, type DecisionRule } from "./lib/results.js";
import { effectiveServerProtocols, serverProtocolKey, type EffectiveServerProtocols, type ServerProtocolState } from "./lib/schannelProtocols.js";
import { type Bilingual, list, outsideWindowTag, windowedConfidenceSentence } from "./lib/text.js";

export const TLS_PROTOCOL_DISABLED = "tls-protocol-disabled";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "No usable TLS version on the server side",
    summary: "SCHANNEL Protocols\\…\\Server leaves RDP no TLS version to negotiate (Schannel 36871 Type=server)",
    checks:
      "Computes the TLS versions the listener can use from SCHANNEL\\Protocols\\TLS 1.0–1.3\\Server (Enabled, " +
      "DisabledByDefault) and, where they are absent, from the OS defaults for its CurrentBuild. Reports an empty set, " +
      "a set of deprecated versions only (TLS 1.0/1.1) with server-side Schannel 36871, or TLS 1.3 without TLS 1.2. " +
      "Client-side 36871 (Type=client) and the Client subkeys concern outbound connections and are never reported.",
  },
  ja: {
    title: "サーバー側で使用できる TLS バージョンがない",
    summary: "SCHANNEL Protocols\\…\\Server の設定で RDP がネゴシエートできる TLS バージョンがない (Schannel 36871 Type=server)",
    checks:
      "SCHANNEL\\Protocols\\TLS 1.0～1.3\\Server の Enabled と DisabledByDefault、値がない場合は CurrentBuild に応じた OS の既定値から、" +
      "リスナーが使用できる TLS バージョンを求めます。使用できるバージョンがない場合、非推奨の TLS 1.0/1.1 だけでサーバー側の " +
      "Schannel 36871 がある場合、TLS 1.2 がなく TLS 1.3 だけの場合を報告します。クライアント側の 36871 (Type=client) と Client " +
      "サブキーは送信方向の通信に関するもので、報告の対象にしません。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_SCHANNEL = registryNeed("schannel", "SCHANNEL key of the control set in use (Protocols\\TLS 1.x\\Server)", KEY.schannel, COLLECT.schannel);
const NEED_CURRENT_VERSION = registryNeed("current-version", "Windows NT\\CurrentVersion (CurrentBuild decides the OS defaults)", KEY.currentVersion, COLLECT.currentVersion);
const NEED_SYSTEM_LOG = systemLogNeed("Schannel 36871");
const NEED_TERMINAL_SERVER = terminalServerNeed("Terminal Server key and its policy (SecurityLayer, UserAuthentication)", KEY.rdpTcp, { withPolicies: true });
const NEED_SELECT = NEED_SELECT_FOR_FIX;

const needs = [NEED_SCHANNEL, NEED_CURRENT_VERSION, NEED_SYSTEM_LOG, NEED_TERMINAL_SERVER, NEED_SELECT];

const samples = [
  "tls-server-disabled",
  "tls-legacy-only",
  "tls13-only",
  "tls-server-credential-errors",
  "tls-client-noise-quiet",
  "offline-mount-name",
  "damaged-chunk",
  "two-scenarios",
  "healthy-quiet",
];

// ── The events ───────────────────────────────────────────────────────────────────────────────────

const SCHANNEL_CREDENTIAL_ERROR = 36871;

interface Observed {
  server: WindowedEvents;
  client: StoredEvent[];
}

function observe(ctx: ScenarioContext): Observed {
  const all = ctx.evidence.events({ providers: [PROVIDER.schannel], ids: [SCHANNEL_CREDENTIAL_ERROR] });
  const type = (e: StoredEvent) => fieldValue(e, "Type")?.toLowerCase();
  return {
    server: splitByWindow(all.filter((e) => type(e) === "server"), ctx),
    client: all.filter((e) => type(e) === "client"),
  };
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "no-server-protocol" | "legacy-only" | "tls13-only" | "server-credential-errors";

interface Facts {
  schannelCollected: boolean;
  /** E, the TLS versions the listener can negotiate. */
  enabled: TlsVersion[];
  serverRecent: number;
  serverStale: number;
}

type Rule = DecisionRule<Facts, SubCause | null>;

const isEmpty = (f: Facts) => f.enabled.length === 0;
const legacyOnly = (f: Facts) => f.enabled.length > 0 && f.enabled.every((v) => LEGACY_TLS.includes(v));
const tls13WithoutTls12 = (f: Facts) => f.enabled.includes("TLS 1.3") && !f.enabled.includes("TLS 1.2");

/** scenarios.md §2.4. The first row that matches decides; the adjustments below may lower it. */
const DECISION: Rule[] = [
  {
    when: (f) => f.schannelCollected && isEmpty(f),
    confidence: "high",
    subCause: "no-server-protocol",
    why: { en: "no TLS version is enabled for the server role", ja: "サーバー ロールで有効な TLS バージョンがありません" },
  },
  {
    when: (f) => f.schannelCollected && legacyOnly(f) && f.serverRecent >= 2,
    confidence: "high",
    subCause: "legacy-only",
    why: { en: "only TLS 1.0/1.1 are left for the server, and server-side 36871 repeat in the window", ja: "サーバーには TLS 1.0/1.1 しか残っておらず、期間内にサーバー側の 36871 が繰り返し記録されています" },
  },
  {
    when: (f) => f.schannelCollected && legacyOnly(f) && f.serverRecent === 1,
    confidence: "medium",
    subCause: "legacy-only",
    why: { en: "only TLS 1.0/1.1 are left for the server, with one server-side 36871 in the window", ja: "サーバーには TLS 1.0/1.1 しか残っておらず、期間内にサーバー側の 36871 が 1 件あります" },
  },
  {
    when: (f) => f.schannelCollected && tls13WithoutTls12(f),
    confidence: "medium",
    subCause: "tls13-only",
    why: { en: "TLS 1.2 is off and only TLS 1.3 remains for modern clients; RDP client support for TLS 1.3 is unverified", ja: "TLS 1.2 が無効で、最新のクライアント向けには TLS 1.3 しか残っていません (RDP クライアントの TLS 1.3 対応は未検証)" },
  },
  {
    when: (f) => f.schannelCollected && legacyOnly(f),
    confidence: "low",
    subCause: "legacy-only",
    why: { en: "only TLS 1.0/1.1 are left for the server; clients that refuse them cannot connect, but no server-side 36871 is in the window", ja: "サーバーには TLS 1.0/1.1 しか残っておらず、これらを拒否するクライアントは接続できません (期間内にサーバー側の 36871 はありません)" },
  },
  {
    when: (f) => !f.schannelCollected && f.serverRecent >= 2,
    confidence: "medium",
    subCause: null,
    why: { en: "server-side 36871 repeat in the window, but the SCHANNEL key was not collected to confirm it", ja: "期間内にサーバー側の 36871 が繰り返し記録されていますが、確認用の SCHANNEL キーが収集されていません" },
  },
  {
    when: (f) => !f.schannelCollected && f.serverRecent + f.serverStale > 0,
    confidence: "low",
    subCause: null,
    why: { en: "server-side 36871 without the SCHANNEL key to confirm it", ja: "サーバー側の 36871 はありますが、確認用の SCHANNEL キーがありません" },
  },
  {
    when: (f) => f.schannelCollected && f.serverRecent >= 2,
    confidence: "low",
    subCause: "server-credential-errors",
    why: { en: "server-side 36871 repeat although TLS 1.2 is enabled: look at the cipher-suite policy, FIPS and the certificate rather than the protocol versions", ja: "TLS 1.2 は有効ですがサーバー側の 36871 が繰り返し記録されています。プロトコル バージョンではなく暗号スイートのポリシー、FIPS、証明書を確認してください" },
  },
];

interface Adjustment {
  when: (ctx: Adjusting) => boolean;
  cap: Confidence;
  why: Bilingual;
}

interface Adjusting {
  protocols: EffectiveServerProtocols;
  tlsOffPath: boolean;
}

/** Lowers the verdict when the evidence behind it is weaker than it looks. */
const ADJUSTMENTS: Adjustment[] = [
  {
    when: (a) => a.protocols.defaultsAssumed,
    cap: "medium",
    why: { en: "CurrentBuild is not in the evidence, so the OS defaults for absent values were assumed", ja: "CurrentBuild が証拠にないため、値がないバージョンは OS の既定値を仮定しました" },
  },
  {
    when: (a) => a.tlsOffPath,
    cap: "low",
    why: { en: "SecurityLayer=0 and UserAuthentication=0: RDP does not use TLS on this VM", ja: "SecurityLayer=0 かつ UserAuthentication=0 のため、この VM の RDP は TLS を使用していません" },
  },
];

/** RDP without TLS: SecurityLayer 0 (RDP security) and no NLA, policy first. */
function tlsOffPath(ctx: ScenarioContext): boolean {
  const effective = (name: string) =>
    dwordValue(ctx.evidence.registryValue(KEY.tsPolicy, name)) ?? dwordValue(ctx.evidence.registryValue(KEY.rdpTcp, name));
  return effective("SecurityLayer") === 0 && effective("UserAuthentication") === 0;
}

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const seen = observe(ctx);
  const protocols = effectiveServerProtocols(evidence);
  const facts: Facts = {
    schannelCollected: collectedUnder(evidence, KEY.schannel),
    enabled: protocols.enabled,
    serverRecent: seen.server.recent.length,
    serverStale: seen.server.stale.length,
  };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, facts, seen, protocols);

  const adjusting: Adjusting = { protocols, tlsOffPath: tlsOffPath(ctx) };
  const applied = ADJUSTMENTS.filter((a) => a.when(adjusting));
  const confidence = applied.reduce((c, a) => lowerConfidence(c, a.cap), rule.confidence);
  const why = [rule.why[lang], ...applied.map((a) => a.why[lang])].join(lang === "ja" ? "。" : "; ");

  return finding(TLS_PROTOCOL_DISABLED, { confidence, subCause: rule.subCause, why }, {
    title: TITLE[rule.subCause ?? "unknown"][lang],
    cause: causeText(lang, rule.subCause, facts),
    explanation: explanationText(ctx, confidence, why, facts),
    evidence: collectEvidence(ctx, seen, protocols, facts),
    remediation: rule.subCause === "server-credential-errors" ? [] : remediationFor(ctx),
  });
}

function quiet(ctx: ScenarioContext, facts: Facts, seen: Observed, protocols: EffectiveServerProtocols): ScenarioResult {
  const { lang, evidence } = ctx;
  const ja = lang === "ja";
  const noise = seen.client.length
    ? ja
      ? `クライアント側の Schannel 36871 (Type=client) が ${seen.client.length} 件ありますが、VM 上のアプリやエージェントの送信方向 TLS のノイズで、RDP リスナーとは無関係です。`
      : `${seen.client.length} client-side Schannel 36871 (Type=client): outbound TLS noise from agents or apps on the VM, not the RDP listener.`
    : null;
  // Every rule of §2.4 fires on a server set without TLS 1.2, so healthy means TLS 1.2 is known to be in
  // it: its Server key read (collected whole, so absent values are really absent; "no server-side TLS
  // version" is high "with or without 36871", a quiet System log clears nothing), and, where a value is
  // absent, CurrentBuild to know the OS default.
  const tls12 = protocols.protocols.find((p) => p.version === "TLS 1.2")!;
  const tls12Read = keyCollected(evidence, serverProtocolKey("TLS 1.2"));
  const defaultKnown = protocols.build !== null || tls12.values.length === 2;
  if (!tls12Read || !defaultKnown) {
    const hasLog = evidence.hasChannel(CHANNEL.system);
    return notChecked(
      sentences(lang, [
        hasLog && (ja ? "システム ログにサーバー側の Schannel 36871 はありません。" : "The System log has no server-side Schannel 36871."),
        !tls12Read
          ? ja
            ? "SCHANNEL キー (Protocols\\TLS 1.2\\Server) が収集されていないため、サーバー側の TLS が無効になっていないことを確認できません。"
            : "The SCHANNEL key (Protocols\\TLS 1.2\\Server) was not collected, so server-side TLS being disabled cannot be ruled out."
          : ja
            ? "TLS 1.2\\Server の値がなく、その既定値は Windows のバージョンで異なりますが、CurrentBuild が収集されていません。"
            : "TLS 1.2\\Server has no value of its own, its default depends on the Windows version, and CurrentBuild was not collected.",
        noise,
        missingEvidenceText(lang, [!tls12Read ? NEED_SCHANNEL : NEED_CURRENT_VERSION, ...(hasLog ? [] : [NEED_SYSTEM_LOG])]),
      ]),
    );
  }
  const os = protocols.build ? `${protocols.osRow.os}, build ${protocols.build.build}` : protocols.osRow.os;
  return healthy(
    sentences(lang, [
      ja
        ? `サーバー側で使用できる TLS バージョン: ${list(lang, protocols.enabled)} (値がないものは ${os} の既定値)。`
        : `TLS versions the server side can use: ${list(lang, protocols.enabled)} (OS defaults of ${os} where not set).`,
      noise,
    ]),
  );
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause | "unknown", Bilingual> = {
  "no-server-protocol": { en: "TLS is disabled for the server role: RDP has nothing to negotiate", ja: "サーバー ロールの TLS がすべて無効で、RDP がネゴシエートできません" },
  "legacy-only": { en: "Only TLS 1.0/1.1 are left for the server role", ja: "サーバー ロールに TLS 1.0/1.1 しか残っていません" },
  "tls13-only": { en: "TLS 1.2 is disabled for the server role", ja: "サーバー ロールの TLS 1.2 が無効です" },
  "server-credential-errors": { en: "Schannel cannot create server credentials although TLS 1.2 is enabled", ja: "TLS 1.2 は有効ですが Schannel がサーバー資格情報を作成できません" },
  unknown: { en: "Schannel fails to create server credentials (TLS settings not collected)", ja: "Schannel がサーバー資格情報を作成できません (TLS 設定は未収集)" },
};

function causeText(lang: Lang, subCause: SubCause | null, facts: Facts): string {
  const versions = facts.enabled.length ? list(lang, facts.enabled) : lang === "ja" ? "なし" : "none";
  switch (subCause) {
    case "no-server-protocol":
      return lang === "ja"
        ? "SCHANNEL の Server 側設定で TLS 1.0～1.3 がすべて無効になっているため、RDP リスナーが TLS を確立できません。"
        : "Every TLS version is disabled for the server role under SCHANNEL, so the RDP listener cannot establish TLS.";
    case "legacy-only":
      return lang === "ja"
        ? `サーバー側で使用できる TLS は ${versions} だけで、TLS 1.0/1.1 を拒否するクライアントは接続できません。`
        : `The server side can only use ${versions}, which clients that refuse TLS 1.0/1.1 will not accept.`;
    case "tls13-only":
      return lang === "ja"
        ? `サーバー側の TLS 1.2 が無効で、使用できるのは ${versions} だけです。`
        : `TLS 1.2 is disabled for the server role; only ${versions} remain.`;
    case "server-credential-errors":
      return lang === "ja"
        ? `サーバー側の TLS (${versions}) は有効ですが、Schannel がサーバー資格情報の作成に失敗しています。`
        : `Server-side TLS (${versions}) is enabled, yet Schannel keeps failing to create server credentials.`;
    default:
      return lang === "ja"
        ? "Schannel がサーバー側の TLS 資格情報を作成できていません (36871 Type=server)。"
        : "Schannel fails to create server-side TLS credentials (36871 Type=server).";
  }
}

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, facts: Facts): string {
  const { lang } = ctx;
  return sentences(lang, [
    lang === "ja"
      ? "RDP (SecurityLayer 1/2 と NLA) は TLS 上で動作し、Schannel は双方が有効にしている最も新しいバージョンを使います。ハードニングのベースラインで TLS 1.0/1.1 と一緒に TLS 1.2 まで無効にすると、リスナーは TLS を開始できません。"
      : "RDP (SecurityLayer 1/2, and NLA) runs over TLS, and Schannel picks the newest version both sides enable. A hardening baseline that turns TLS 1.2 off along with 1.0/1.1 leaves the listener unable to start TLS.",
    windowedConfidenceSentence(ctx, confidence, why),
    ...(facts.schannelCollected
      ? [
          controlSetNote(ctx),
          lang === "ja"
            ? "修正ではサーバー側の TLS 1.2 だけを有効にし、TLS 1.0/1.1 は有効に戻しません。グループ ポリシーのベースラインで設定されている場合は元に戻るため、ポリシー側も修正してください。"
            : "The fix enables TLS 1.2 for the server role only and does not bring back TLS 1.0/1.1. If a Group Policy baseline set these values it will put them back: fix the policy too.",
        ]
      : [lang === "ja" ? `SCHANNEL キーを収集してください:\n${NEED_SCHANNEL.collect}` : `Collect the SCHANNEL key:\n${NEED_SCHANNEL.collect}`]),
  ]);
}

const STATE_TEXT: Record<ServerProtocolState, Bilingual> = {
  enabled: { en: "enabled", ja: "有効" },
  "opt-in-only": { en: "only when a caller asks (DisabledByDefault)", ja: "明示的に要求された場合のみ (DisabledByDefault)" },
  disabled: { en: "disabled", ja: "無効" },
  unsupported: { en: "not supported by this OS", ja: "この OS では非対応" },
};

function collectEvidence(ctx: ScenarioContext, seen: Observed, protocols: EffectiveServerProtocols, facts: Facts): Evidence[] {
  const { lang } = ctx;
  const out: Evidence[] = [];
  if (facts.schannelCollected) {
    const states = protocols.protocols.map((p) => `${p.version}: ${STATE_TEXT[p.state][lang]}${p.from === "os-default" ? (lang === "ja" ? " (OS 既定)" : " (OS default)") : ""}`);
    out.push({
      kind: "observation",
      source: registrySourceOf(ctx.evidence, KEY.schannel),
      text: lang === "ja" ? `サーバー側の TLS: ${states.join("、")}` : `Server-side TLS: ${states.join(", ")}`,
    });
  }
  for (const p of protocols.protocols) {
    for (const v of p.values) out.push(registryEvidence(v, `${p.version}\\Server`));
  }
  if (protocols.build) out.push(registryEvidence(protocols.build.value, protocols.osRow.os));
  out.push(
    ...windowedEventEvidence(seen.server, 5, (e, outside) => {
      const state = fieldValue(e, "ErrorState");
      return (
        (lang === "ja" ? "36871: サーバー側 TLS 資格情報の作成に失敗" : "36871: fatal error creating a server-side TLS credential") +
        (state ? ` (ErrorState ${state})` : "") +
        outsideWindowTag(lang, outside)
      );
    }),
  );
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// enable-tls12-server: TLS 1.2\Server Enabled=1, DisabledByDefault=0, in Select\Current's control set
// (offline) or CurrentControlSet (online, then restart TermService). Client subkeys and TLS 1.0/1.1 are
// left alone.

function remediationFor(ctx: ScenarioContext): Remediation[] {
  return offlineAndOnline(ctx, TLS_PROTOCOL_DISABLED, "enable-tls12-server", {
    offline: { en: "Offline: enable TLS 1.2 for the server role", ja: "オフライン: サーバー側の TLS 1.2 を有効にする" },
    online: { en: "Online: enable TLS 1.2 for the server role and restart Remote Desktop Services", ja: "オンライン: サーバー側の TLS 1.2 を有効にして Remote Desktop Services を再起動する" },
  });
}

export const tlsProtocolDisabled: Scenario = {
  id: TLS_PROTOCOL_DISABLED,
  text,
  needs,
  samples,
  detect,
};

// rdp-cert-machinekeys — the RDP listener cannot use the private key of its TLS certificate.
//
// Unpinned, Remote Desktop uses a self-signed certificate whose key is the CAPI container TSSecKeySet1,
// the file MachineKeys\f686aace6942fb7f7ceb231212eef4a4_<MachineGuid>. When SYSTEM or NETWORK SERVICE
// cannot open that file, or a stale container blocks a new one, RemoteConnectionManager logs 1057/1058
// and Schannel 36870 at each connection, and the client fails right after the credentials.
// Reference: scenarios.md §1 (read §4 items 6–9 and 13 before touching the remediation).

import type { StoredEvent } from "../store/evidence.js";
import type { AclEvidence, Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import type { CertStatusSubCause } from "./data/statusCodes.js";
import { COLLECT, missingEvidenceText } from "./lib/collect.js";
import { CHANNEL, LOG_FILE, PROVIDER, eventEvidence, fieldValue, near, newest, splitByWindow, windowedEventEvidence, type WindowedEvents } from "./lib/events.js";
import { aclNeed, certificateStoresNeed, eventLogNeed, registryNeed, systemLogNeed } from "./lib/needs.js";
import { KEY, machineGuid, registryEvidence, stringValue } from "./lib/registry.js";
import { analyzeMachineKeysAcl, type MachineKeysAclAnalysis } from "./lib/machineKeysAcl.js";
import { ACL_FAULT_TEXT, type AclFault } from "./lib/acl.js";
import { certificateStoresCollected, certificatesIn, pinnedCertificate, remoteDesktopStoreAclFaults } from "./lib/certificateStore.js";
import { offlineAndOnline, offlineFirst, type ScriptTitles } from "./lib/remediation.js";
import { finding, healthy, notChecked } from "./lib/results.js";
import { formatHresult, statusOfEvent, type DecodedStatus } from "./lib/statusCodes.js";
import { type Bilingual, count, outsideWindowTag, windowedConfidenceSentence } from "./lib/text.js";

export const RDP_CERT_MACHINEKEYS = "rdp-cert-machinekeys";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "RDP certificate key in MachineKeys cannot be used",
    summary: "RCM 1057/1058 or Schannel 36870: the listener cannot open its certificate's private key in MachineKeys",
    checks:
      "Looks for RemoteConnectionManager 1057/1058 (could not create or replace the self-signed RDP certificate) " +
      "and server-side Schannel 36870/36872 in the System log, decodes their status code (access denied, object " +
      "already exists, keyset does not exist), and reads the MachineKeys ACL dump: the live key container " +
      "f686aace…_<MachineGuid> must exist and give SYSTEM Full Control and NETWORK SERVICE Read, with no Deny. " +
      "Windows' default folder ACL (Everyone:(R,W), Administrators:(F)) and leftover containers of other GUIDs are not faults.",
  },
  ja: {
    title: "MachineKeys 内の RDP 証明書のキーが使用できない",
    summary: "RCM 1057/1058 または Schannel 36870: リスナーが MachineKeys 内の証明書の秘密キーを開けない",
    checks:
      "システム ログの RemoteConnectionManager 1057/1058 (RDP 用自己署名証明書の作成・置き換えの失敗) とサーバー側の " +
      "Schannel 36870/36872 を探し、状態コード (アクセス拒否、オブジェクトが既に存在、キー セットなし) を判別します。" +
      "あわせて MachineKeys の ACL ダンプを読み、使用中のキー コンテナー f686aace…_<MachineGuid> が存在し、SYSTEM に" +
      "フル コントロール、NETWORK SERVICE に読み取りが許可され、拒否 (DENY) がないことを確認します。Windows 既定の" +
      "フォルダー ACL (Everyone:(R,W)、Administrators:(F)) や、別の GUID の古いコンテナーは問題として扱いません。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_SYSTEM_LOG = systemLogNeed("RemoteConnectionManager 1057/1058, Schannel 36870/36872");
const NEED_MACHINEKEYS_ACL = aclNeed(
  "machinekeys-acl",
  "icacls dump of the MachineKeys folder and its files (/t)",
  "ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys",
  COLLECT.machineKeysAcl,
);
const NEED_CRYPTOGRAPHY = registryNeed("machine-guid", "MachineGuid, which names the live key container file", KEY.cryptography, COLLECT.cryptography);
const NEED_CERT_STORES = certificateStoresNeed("machine certificate stores (Remote Desktop, MY)");
const NEED_RDP_CORE_TS = eventLogNeed("rdpcorets-log", LOG_FILE.rdpCoreTs, "RdpCoreTS operational log (131: connection times, to pair with 36870)");

const needs = [NEED_SYSTEM_LOG, NEED_MACHINEKEYS_ACL, NEED_CRYPTOGRAPHY, NEED_CERT_STORES, NEED_RDP_CORE_TS];

const samples = [
  "rdp-cert-access-denied",
  "rdp-cert-object-exists",
  "rdp-cert-keyset-missing",
  "rdp-cert-default-acl-quiet",
  "japanese-rescue-vm",
  "two-scenarios",
  "healthy-quiet",
];

// ── The events ───────────────────────────────────────────────────────────────────────────────────

const RCM_CERT_EVENTS = [1057, 1058];
const SCHANNEL_KEY_ERROR = 36870;
const SCHANNEL_NO_CREDENTIAL = 36872;
/** A 36870 this close to an RDP connection (RdpCoreTS 131, RCM 261) is the listener's, not another TLS server's. */
const SAME_MINUTE_MS = 60_000;

const EVENT_TEXT: Record<number, Bilingual> = {
  1057: { en: "could not create a new self-signed certificate", ja: "新しい自己署名証明書を作成できませんでした" },
  1058: { en: "could not replace the expired self-signed certificate", ja: "期限切れの自己署名証明書を置き換えられませんでした" },
  36870: { en: "fatal error accessing the TLS server credential's private key", ja: "TLS サーバー資格情報の秘密キーへのアクセスで致命的なエラー" },
  36872: { en: "no suitable default server credential", ja: "適切な既定のサーバー資格情報がありません" },
};

interface Observed {
  rcm: WindowedEvents;
  server36870: WindowedEvents;
  /** Recent server 36870s that repeat, or coincide with an RDP connection. */
  server36870AtConnections: StoredEvent[];
  recent36872: StoredEvent[];
  client36870: StoredEvent[];
}

function observe(ctx: ScenarioContext): Observed {
  const ev = ctx.evidence;
  const rcm = splitByWindow(ev.events({ providers: [PROVIDER.rcm], ids: RCM_CERT_EVENTS }), ctx);
  const all36870 = ev.events({ providers: [PROVIDER.schannel], ids: [SCHANNEL_KEY_ERROR] });
  // Only the server side is the listener; a DC's LDAPS (lsass) raises the same event for its own key [S16].
  const isServer = (e: StoredEvent) => fieldValue(e, "Type")?.toLowerCase() === "server" && !/lsass\.exe$/i.test(fieldValue(e, "CallerProcessImageName") ?? "");
  const server36870 = splitByWindow(all36870.filter(isServer), ctx);
  const connections = ev.events({ providers: [PROVIDER.rdpCoreTs, PROVIDER.rcm], ids: [131, 261] });
  const atConnections = near(server36870.recent, connections, SAME_MINUTE_MS);
  return {
    rcm,
    server36870,
    server36870AtConnections: server36870.recent.length >= 2 ? server36870.recent : atConnections,
    recent36872: splitByWindow(ev.events({ providers: [PROVIDER.schannel], ids: [SCHANNEL_NO_CREDENTIAL] }), ctx).recent,
    client36870: all36870.filter((e) => fieldValue(e, "Type")?.toLowerCase() === "client"),
  };
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

interface Facts {
  recentRcm: boolean;
  recentSchannelAtConnections: boolean;
  recentSchannelOnce: boolean;
  recent36872: boolean;
  staleEvents: boolean;
  aclCollected: boolean;
  /** An ACL fault on the live container (deny, no NETWORK SERVICE read, no SYSTEM full, file missing) or a deny on the folder. */
  aclFault: boolean;
  aclSuspicious: boolean;
  /** A custom certificate is pinned and present: TSSecKeySet1 is then not the listener's key. */
  customCertificateInUse: boolean;
}

interface Rule {
  when: (f: Facts) => boolean;
  confidence: Confidence;
  why: Bilingual;
}

/** scenarios.md §1.5 and §0.3. The first row that matches decides. */
const DECISION: Rule[] = [
  {
    when: (f) => f.recentRcm && f.aclFault,
    confidence: "high",
    why: { en: "1057/1058 in the window and the key container's ACL is faulty", ja: "期間内に 1057/1058 があり、キー コンテナーの ACL に問題があります" },
  },
  {
    when: (f) => f.recentSchannelAtConnections && f.aclFault,
    confidence: "high",
    why: { en: "server-side 36870 at connection times and the key container's ACL is faulty", ja: "接続時刻にサーバー側の 36870 があり、キー コンテナーの ACL に問題があります" },
  },
  {
    when: (f) => (f.recentRcm || f.recentSchannelAtConnections) && !f.aclCollected,
    confidence: "medium",
    why: { en: "events in the window, but no MachineKeys ACL dump to confirm them: collect it", ja: "期間内にイベントがありますが、確認用の MachineKeys の ACL ダンプがありません。収集してください" },
  },
  {
    when: (f) => f.recentRcm || f.recentSchannelAtConnections,
    confidence: "medium",
    why: { en: "events in the window, but the ACL dump shows no fault on the live container", ja: "期間内にイベントがありますが、ACL ダンプでは使用中のコンテナーに問題が見つかりません" },
  },
  {
    when: (f) => f.aclFault && !f.customCertificateInUse,
    confidence: "medium",
    why: { en: "the live key container's ACL keeps the listener out, with no events to confirm it (the logs may have rolled over)", ja: "使用中のキー コンテナーの ACL がリスナーを拒否しています (確認できるイベントはありません。ログが上書きされた可能性があります)" },
  },
  {
    when: (f) => f.staleEvents,
    confidence: "low",
    why: { en: "events only outside the window", ja: "イベントは期間外のものだけです" },
  },
  {
    when: (f) => f.aclFault || f.aclSuspicious,
    confidence: "low",
    why: { en: "the MachineKeys ACL is only suspicious (or the key is not the listener's)", ja: "MachineKeys の ACL は疑わしい程度です (またはリスナーが使うキーではありません)" },
  },
  {
    when: (f) => f.recentSchannelOnce || f.recent36872,
    confidence: "low",
    why: { en: "a lone server-side Schannel 36870/36872, which other TLS servers raise too", ja: "単発のサーバー側 Schannel 36870/36872 のみで、他の TLS サーバーでも記録されるものです" },
  },
];

/** What Windows said, newest first; failing that, what the ACL shows. */
function decideSubCause(statuses: DecodedStatus[], faults: AclFault[]): CertStatusSubCause | null {
  const said = statuses.find((s) => s.entry?.subCause)?.entry?.subCause;
  if (said) return said;
  return faults.find((f) => f.strength === "fault")?.subCause ?? faults[0]?.subCause ?? null;
}

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const seen = observe(ctx);
  const guidValue = machineGuid(evidence);
  const guid = stringValue(guidValue);
  const acl = analyzeMachineKeysAcl(evidence, { machineGuid: guid, keyFileExpected: keyFileExpected(ctx) });
  // The key file's ACL (MachineKeys dump) and the store key's ACL (raw SOFTWARE hive) are judged alike.
  const faults = [...acl.faults, ...remoteDesktopStoreAclFaults(evidence)];
  const pin = pinnedCertificate(evidence);

  const facts: Facts = {
    recentRcm: seen.rcm.recent.length > 0,
    recentSchannelAtConnections: seen.server36870AtConnections.length > 0,
    recentSchannelOnce: seen.server36870.recent.length > 0,
    recent36872: seen.recent36872.length > 0,
    staleEvents: seen.rcm.stale.length > 0 || seen.server36870.stale.length > 0,
    aclCollected: acl.collected,
    aclFault: faults.some((f) => f.strength === "fault"),
    aclSuspicious: faults.some((f) => f.strength === "suspicious"),
    customCertificateInUse: pin?.foundIn === "MY",
  };
  const rule = DECISION.find((r) => r.when(facts));

  if (!rule) return quiet(ctx, seen, acl);

  const rcmEvents = seen.rcm.recent.length ? seen.rcm.recent : seen.rcm.stale;
  const statuses = [...rcmEvents].reverse().map(statusOfEvent).filter((s): s is DecodedStatus => s !== null);
  const subCause = decideSubCause(statuses, faults);
  return finding(RDP_CERT_MACHINEKEYS, { confidence: rule.confidence, subCause, why: rule.why[lang] }, {
    title: FINDING_TITLE[subCause ?? "unknown"][lang],
    cause: causeText(lang, subCause, statuses.find((st) => st.entry?.subCause === subCause) ?? statuses[0] ?? null),
    explanation: explanationText(ctx, rule, facts, acl, faults),
    evidence: collectEvidence(ctx, seen, faults, guidValue),
    remediation: remediationFor(ctx, subCause, faults, guid),
  });
}

/** Whether a TSSecKeySet1 file must exist, from the Remote Desktop store (see MachineKeysAclOptions). */
function keyFileExpected(ctx: ScenarioContext): boolean | null {
  if (!certificateStoresCollected(ctx.evidence)) return null;
  const certs = certificatesIn(ctx.evidence, KEY.remoteDesktopCertificates);
  if (certs.some((c) => c.keyProvider === "capi-tsseckeyset1")) return true;
  if (certs.every((c) => c.keyProvider === "cng")) return false;
  return null;
}

function quiet(ctx: ScenarioContext, seen: Observed, acl: MachineKeysAclAnalysis): ScenarioResult {
  const { evidence, lang } = ctx;
  const ja = lang === "ja";
  const hasLog = evidence.hasChannel(CHANNEL.system);
  // Healthy needs both halves of §1.5: the System log (1057/1058 with a clean ACL are still medium) and an
  // ACL dump of the folder and its files (/t) with the MachineGuid that names the live container (an ACL
  // fault on it is medium without any event). Anything missing is "not checked", with what was read.
  const missing = [
    ...(hasLog ? [] : [NEED_SYSTEM_LOG]),
    ...(acl.collected && acl.listsFiles ? [] : [NEED_MACHINEKEYS_ACL]),
    ...(acl.liveKeyName ? [] : [NEED_CRYPTOGRAPHY]),
  ];
  const parts: string[] = [];
  if (!hasLog && !acl.collected) {
    parts.push(missingEvidenceText(lang, missing));
  } else {
    parts.push(
      hasLog
        ? ja ? "システム ログに RCM 1057/1058 およびサーバー側 Schannel 36870 はありません。" : "The System log has no RCM 1057/1058 and no server-side Schannel 36870."
        : ja ? "システム ログは収集されていません。" : "The System log was not collected.",
    );
    if (!acl.collected) {
      parts.push(ja ? "MachineKeys の ACL ダンプは収集されていません。" : "No MachineKeys ACL dump was collected.");
    } else if (!acl.listsFiles) {
      parts.push(ja ? "MachineKeys の ACL ダンプにファイルが含まれていません (icacls /t が必要です)。" : "The MachineKeys ACL dump lists no files (it needs icacls /t).");
    } else {
      parts.push(
        acl.folderIsDefault
          ? ja ? "MachineKeys フォルダーは Windows 既定の ACL です。" : "The MachineKeys folder has Windows' default ACL."
          : ja ? "MachineKeys の ACL に問題は見つかりません。" : "The MachineKeys ACL shows no fault.",
      );
      if (acl.liveKeyFound) {
        parts.push(
          ja
            ? "使用中のキー コンテナーは SYSTEM と NETWORK SERVICE に必要な権限を与えています。"
            : "The live key container grants SYSTEM and NETWORK SERVICE what they need.",
        );
      }
      if (acl.leftovers.length) {
        parts.push(
          ja
            ? `別の GUID などの古いコンテナー ${acl.leftovers.length} 件は対象外です。`
            : `${acl.leftovers.length} leftover container(s) of other GUIDs were ignored.`,
        );
      }
    }
  }
  if (seen.client36870.length) {
    parts.push(
      ja
        ? `クライアント側の Schannel 36870 (Type=client) が ${seen.client36870.length} 件ありますが、送信方向の TLS のノイズで、リスナーとは無関係です。`
        : `${count(lang, seen.client36870.length, ["client-side Schannel 36870 (Type=client) is", "client-side Schannel 36870s (Type=client) are"])} outbound TLS noise, not the listener.`,
    );
  }
  if (missing.length && (hasLog || acl.collected)) {
    if (acl.collected && acl.listsFiles && !acl.liveKeyName) {
      parts.push(ja ? "MachineGuid がないため、使用中のキー コンテナーを特定できません。" : "Without the MachineGuid the live key container cannot be told apart from leftovers.");
    }
    parts.push(missingEvidenceText(lang, missing));
  }
  const detail = parts.join(ja ? "" : " ");
  return missing.length ? notChecked(detail) : healthy(detail);
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const FINDING_TITLE: Record<CertStatusSubCause | "unknown", Bilingual> = {
  "access-denied": { en: "RDP certificate key: access denied", ja: "RDP 証明書のキーへのアクセスが拒否されています" },
  "object-exists": { en: "RDP certificate key: a stale key container blocks a new certificate", ja: "古いキー コンテナーが残っており RDP 証明書を作成できません" },
  "keyset-missing": { en: "RDP certificate key: the key container is missing", ja: "RDP 証明書のキー コンテナーがありません" },
  unknown: { en: "RDP certificate key cannot be used", ja: "RDP 証明書のキーが使用できません" },
};

const CAUSE: Record<CertStatusSubCause | "unknown", Bilingual> = {
  "access-denied": {
    en: "Remote Desktop cannot open the private key of its TLS certificate because the key container's permissions keep SYSTEM or NETWORK SERVICE out.",
    ja: "キー コンテナーのアクセス許可で SYSTEM または NETWORK SERVICE が拒否されているため、リモート デスクトップが TLS 証明書の秘密キーを開けません。",
  },
  "object-exists": {
    en: "Remote Desktop cannot create a new self-signed certificate because a stale TSSecKeySet1 key container is in the way.",
    ja: "古い TSSecKeySet1 キー コンテナーが残っているため、リモート デスクトップが新しい自己署名証明書を作成できません。",
  },
  "keyset-missing": {
    en: "Remote Desktop's certificate points to a key container (TSSecKeySet1) that is missing or unreadable.",
    ja: "リモート デスクトップの証明書が参照するキー コンテナー (TSSecKeySet1) が存在しないか、読み取れません。",
  },
  unknown: {
    en: "Remote Desktop cannot use the private key of its TLS certificate in MachineKeys.",
    ja: "リモート デスクトップが MachineKeys 内の TLS 証明書の秘密キーを使用できません。",
  },
};

function causeText(lang: Lang, subCause: CertStatusSubCause | null, status: DecodedStatus | null): string {
  const base = CAUSE[subCause ?? "unknown"][lang];
  if (!status) return base;
  const code = `${formatHresult(status.code)}${status.entry ? " " + status.entry.symbol : ""}`;
  const sentence = base.replace(/[.。]$/u, "");
  return lang === "ja" ? `${sentence} (状態コード ${code})。` : `${sentence} (status ${code}).`;
}

function explanationText(ctx: ScenarioContext, rule: Rule, facts: Facts, acl: MachineKeysAclAnalysis, aclFaults: AclFault[]): string {
  const { lang } = ctx;
  const faults = aclFaults.filter((f) => f.strength === "fault").map((f) => ACL_FAULT_TEXT[f.kind][lang]);
  const out: string[] = [];
  out.push(
    lang === "ja"
      ? "証明書の秘密キーを開けないとリスナーは TLS を開始できず、資格情報の入力直後に接続が失敗します。"
      : "Without the certificate's private key the listener cannot start TLS, so connections fail right after the credentials.",
  );
  out.push(windowedConfidenceSentence(ctx, rule.confidence, rule.why[lang]));
  if (faults.length) out.push(lang === "ja" ? `ACL の所見: ${faults.join("。")}。` : `ACL findings: ${faults.join("; ")}.`);
  if (!facts.aclCollected) {
    out.push(
      lang === "ja"
        ? `レスキュー VM で MachineKeys の ACL ダンプを収集してください:\n${NEED_MACHINEKEYS_ACL.collect}`
        : `Collect the MachineKeys ACL dump on the rescue VM:\n${NEED_MACHINEKEYS_ACL.collect}`,
    );
  }
  if (acl.collected && !acl.liveKeyName) {
    out.push(
      lang === "ja"
        ? `MachineGuid がないため使用中のコンテナーを特定できません。収集スクリプト:\n${NEED_CRYPTOGRAPHY.collect}`
        : `MachineGuid is missing, so the live container cannot be told apart from leftovers. This script collects it:\n${NEED_CRYPTOGRAPHY.collect}`,
    );
  }
  return out.join(lang === "ja" ? "" : " ");
}

function eventNote(lang: Lang, e: StoredEvent, outside: boolean): string {
  const what = EVENT_TEXT[e.eventId]?.[lang] ?? "";
  const status = statusOfEvent(e);
  const code = status ? ` (${formatHresult(status.code)}${status.entry ? " " + status.entry.symbol : ""})` : "";
  return `${e.eventId}: ${what}${code}${outsideWindowTag(lang, outside)}`;
}

function collectEvidence(
  ctx: ScenarioContext,
  seen: Observed,
  faults: AclFault[],
  guidValue: ReturnType<typeof machineGuid>,
): Evidence[] {
  const { lang } = ctx;
  const out: Evidence[] = [];
  const rcm = seen.rcm.recent.length ? seen.rcm.recent : seen.rcm.stale;
  const schannel = seen.server36870.recent.length ? seen.server36870.recent : seen.server36870.stale;
  const total = rcm.length + schannel.length;
  if (total) {
    const recent = seen.rcm.recent.length + seen.server36870.recent.length > 0;
    out.push({
      kind: "observation",
      source: rcm[0]?.source ?? schannel[0].source,
      text:
        lang === "ja"
          ? `RCM 1057/1058: ${rcm.length} 件、サーバー側 Schannel 36870: ${schannel.length} 件 (${recent ? "期間内" : "すべて期間外"})`
          : `RCM 1057/1058: ${rcm.length}, server-side Schannel 36870: ${schannel.length} (${recent ? "in the window" : "all outside the window"})`,
    });
  }
  const note = (e: StoredEvent, outside: boolean) => eventNote(lang, e, outside);
  out.push(...windowedEventEvidence(seen.rcm, 5, note), ...windowedEventEvidence(seen.server36870, 3, note));
  for (const e of newest(seen.recent36872, 2)) out.push(eventEvidence(e, eventNote(lang, e, false)));
  if (guidValue) out.push(registryEvidence(guidValue, lang === "ja" ? "使用中のキー コンテナー名を決める値" : "names the live key container"));
  // One line per ACE; an ACE that shows several faults carries all their notes.
  const aces = new Map<string, AclEvidence>();
  for (const fault of faults) {
    const note = `${ACL_FAULT_TEXT[fault.kind][lang]}${fault.strength === "suspicious" ? (lang === "ja" ? " (疑い)" : " (suspicious)") : ""}`;
    if (fault.entries.length === 0) {
      out.push({ kind: "observation", source: fault.source, text: `${note}: ${fault.path}` });
      continue;
    }
    for (const a of fault.entries) {
      const id = `${a.source}|${a.line}|${a.path}|${a.principal}`;
      const known = aces.get(id);
      if (known) {
        if (!known.note?.includes(note)) known.note = `${known.note}; ${note}`;
        continue;
      }
      const evidence: AclEvidence = {
        kind: "acl",
        source: a.source,
        line: a.line,
        path: a.path,
        principal: a.principal,
        sid: a.sid,
        access: a.access,
        rights: a.rights,
        inherited: a.inherited,
        note,
      };
      aces.set(id, evidence);
      out.push(evidence);
    }
  }
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// repair-key-acl: back up the ACLs, drop Deny for SYSTEM/NETWORK SERVICE on the live container only,
//   grant SYSTEM (F) and NETWORK SERVICE (R) by SID, return the folder to the Windows default.
// reset-key-container: the same ACL repair first, then rename the live container to .bak and remove the
//   Remote Desktop store entry so Windows mints a new pair at the next start (NTE_EXISTS, NTE_BAD_KEYSET).
// Both read MachineGuid from the disk themselves and stop when it differs from the evidence.
// repair-store-acl (PowerShell, offline and online): removes explicit Deny entries for the service
//   accounts from the Remote Desktop store's registry key, which a raw SOFTWARE hive shows; run it first.

const KEY_SCRIPT_TITLES: Record<"reset-key-container" | "repair-key-acl", ScriptTitles> = {
  "reset-key-container": {
    offline: { en: "Offline: repair the ACL, set the stale key container and certificate aside so Windows regenerates them", ja: "オフライン: ACL を修復し、古いキー コンテナーと証明書を退避して再生成させる" },
    online: { en: "Online: repair the ACL and regenerate the RDP certificate", ja: "オンライン: ACL を修復し、RDP 証明書を再生成する" },
  },
  "repair-key-acl": {
    offline: { en: "Offline: repair the ACL of the RDP key container and the MachineKeys folder", ja: "オフライン: RDP のキー コンテナーと MachineKeys フォルダーの ACL を修復する" },
    online: { en: "Online: repair the ACL and restart Remote Desktop Services", ja: "オンライン: ACL を修復して Remote Desktop Services を再起動する" },
  },
};

function remediationFor(
  ctx: ScenarioContext,
  subCause: CertStatusSubCause | null,
  faults: AclFault[],
  guid: string | null,
): Remediation[] {
  const { lang } = ctx;
  const ja = lang === "ja";
  const values = { machineGuid: guid ?? "" };
  const out: Remediation[] = [];
  if (faults.some((f) => f.kind === "store-deny")) {
    out.push(
      ctx.remediation(RDP_CERT_MACHINEKEYS, "repair-store-acl", "offline", "powershell",
        ja ? "オフライン: Remote Desktop 証明書ストアのレジストリ キーから拒否エントリを削除する" : "Offline: remove the Deny entries from the Remote Desktop store's registry key"),
      ctx.remediation(RDP_CERT_MACHINEKEYS, "repair-store-acl", "online", "powershell",
        ja ? "オンライン: Remote Desktop 証明書ストアのレジストリ キーから拒否エントリを削除する" : "Online: remove the Deny entries from the Remote Desktop store's registry key"),
    );
  }
  const reset = subCause === "object-exists" || subCause === "keyset-missing" || faults.some((f) => f.kind === "key-missing");
  const keyScript = reset ? "reset-key-container" : "repair-key-acl";
  out.push(...offlineAndOnline(ctx, RDP_CERT_MACHINEKEYS, keyScript, KEY_SCRIPT_TITLES[keyScript], values));
  return offlineFirst(out);
}

export const rdpCertMachineKeys: Scenario = {
  id: RDP_CERT_MACHINEKEYS,
  text,
  needs,
  samples,
  detect,
};

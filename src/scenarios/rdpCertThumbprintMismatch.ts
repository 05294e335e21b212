// rdp-cert-thumbprint-mismatch — RDP-Tcp is pinned to a certificate the machine does not have.
//
// A custom certificate is pinned by SSLCertificateSHA1Hash (RDP-Tcp, REG_BINARY, 20 bytes). It must be in
// the computer's MY store, and NETWORK SERVICE (TermService) needs Read on its private key. When the
// thumbprint names no certificate, RemoteConnectionManager logs 1051/1059 and falls back to the default
// self-signed certificate; when the key is unreadable it logs 1055. Windows never writes the value for
// its own certificate, so an absent value is the normal, unpinned state.
// Reference: scenarios.md §1.1, §1.2, §1.4 ("Pin mismatch"), §1.5, §1.6; §4 item 10.

import type { StoredEvent } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { controlSetNote, missingEvidenceText } from "./lib/collect.js";
import { sentences } from "./lib/configRegistry.js";
import { CHANNEL, PROVIDER, eventTableNote, splitByWindow, windowedEventEvidence, type WindowedEvents } from "./lib/events.js";
import { NEED_SELECT_FOR_FIX, certificateStoresNeed, systemLogNeed, terminalServerNeed } from "./lib/needs.js";
import { KEY, keyCollected, registryEvidence } from "./lib/registry.js";
import { pinnedCertificate, type PinnedCertificate } from "./lib/certificateStore.js";
import { offlineAndOnline, onlineScript } from "./lib/remediation.js";
import { finding, healthy, notChecked } from "./lib/results.js";
import { type Bilingual, windowedConfidenceSentence } from "./lib/text.js";

export const RDP_CERT_THUMBPRINT_MISMATCH = "rdp-cert-thumbprint-mismatch";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "RDP is pinned to a certificate that is missing or unusable",
    summary: "SSLCertificateSHA1Hash names a certificate that is not in the computer's MY store (RCM 1051/1055/1059)",
    checks:
      "Reads SSLCertificateSHA1Hash under Terminal Server\\WinStations\\RDP-Tcp. When it is set, the thumbprint must be " +
      "a certificate in the computer's MY store (or the Remote Desktop store). A pin that matches no certificate, " +
      "or is not a 40-digit thumbprint at all, is reported, more firmly when RemoteConnectionManager 1051/1059 " +
      "confirm it; 1055 with a certificate that is present means its private key is not readable by NETWORK SERVICE. " +
      "An absent value is normal: the self-signed certificate is in use.",
  },
  ja: {
    title: "RDP に固定された証明書が存在しないか使用できない",
    summary: "SSLCertificateSHA1Hash が、コンピューターの個人 (MY) ストアにない証明書を指している (RCM 1051/1055/1059)",
    checks:
      "Terminal Server\\WinStations\\RDP-Tcp の SSLCertificateSHA1Hash を読み取ります。値が設定されている場合、その拇印の証明書が" +
      "コンピューターの個人 (MY) ストア (または Remote Desktop ストア) に存在する必要があります。どの証明書にも一致しない、" +
      "または 40 桁の拇印になっていない値を報告し、RemoteConnectionManager 1051/1059 があれば確度を上げます。証明書が存在するのに " +
      "1055 が記録されている場合は、NETWORK SERVICE が秘密キーを読み取れない状態です。値がないのは正常で、自己署名証明書が使われています。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_RDP_TCP = terminalServerNeed("Terminal Server key of the control set in use (RDP-Tcp\\SSLCertificateSHA1Hash)", KEY.rdpTcp);
const NEED_CERT_STORES = certificateStoresNeed("machine certificate stores (MY, Remote Desktop)");
const NEED_SYSTEM_LOG = systemLogNeed("RemoteConnectionManager 1051/1055/1059");
const NEED_SELECT = NEED_SELECT_FOR_FIX;

const needs = [NEED_RDP_TCP, NEED_CERT_STORES, NEED_SYSTEM_LOG, NEED_SELECT];

const samples = ["rdp-cert-thumbprint-mismatch", "rdp-cert-pinned-key-inaccessible", "healthy-quiet"];

// ── The events ───────────────────────────────────────────────────────────────────────────────────

const PIN_EVENTS = [1051, 1055, 1059];

const EVENT_TEXT: Record<number, Bilingual> = {
  1051: { en: "no usable certificate for the configured thumbprint", ja: "構成された拇印の証明書が見つからないか使用できません" },
  1055: { en: "the configured certificate's private key is not accessible", ja: "構成された証明書の秘密キーにアクセスできません" },
  1059: { en: "the certificate configuration was invalid and was reset", ja: "証明書の構成が無効なため既定に戻されました" },
};

// ── How it decides ───────────────────────────────────────────────────────────────────────────────
// The service falls back to its self-signed certificate, so a broken pin alone rarely blocks RDP:
// this scenario never goes above medium (scenarios.md §1.5).
//
//   pin set, no such certificate (or not a thumbprint), 1051/1055/1059 in the window → medium, pinned-certificate-missing
//   pin set, no such certificate, no events in the window                           → low,    pinned-certificate-missing
//   pin set, certificate present, 1055 in the window                                → medium, pinned-key-inaccessible
//   pin set, certificate present, 1055 only outside the window                      → low,    pinned-key-inaccessible
//   no pin, or pin present and no 1055                                              → healthy
//   pin set, certificate stores not collected                                       → not checked

type SubCause = "pinned-certificate-missing" | "pinned-key-inaccessible";

interface Verdict {
  subCause: SubCause;
  confidence: Confidence;
  why: Bilingual;
}

function decide(pin: PinnedCertificate, recent: StoredEvent[], stale: StoredEvent[]): Verdict | null {
  const missing = pin.thumbprint === null || pin.foundIn === null;
  if (missing) {
    return recent.length
      ? { subCause: "pinned-certificate-missing", confidence: "medium", why: { en: "the pinned certificate is missing and RCM 1051/1055/1059 in the window confirm it", ja: "固定された証明書が存在せず、期間内の RCM 1051/1055/1059 もそれを裏付けています" } }
      : { subCause: "pinned-certificate-missing", confidence: "low", why: { en: "the pinned certificate is missing, but no RCM event in the window shows the listener failing over", ja: "固定された証明書は存在しませんが、期間内にそれを示す RCM イベントはありません" } };
  }
  const keyEvents = (list: StoredEvent[]) => list.filter((e) => e.eventId === 1055);
  if (keyEvents(recent).length) {
    return { subCause: "pinned-key-inaccessible", confidence: "medium", why: { en: "RCM 1055 in the window: the pinned certificate is present but its private key cannot be read", ja: "期間内に RCM 1055 があり、固定された証明書は存在しますが秘密キーを読み取れません" } };
  }
  if (keyEvents(stale).length) {
    return { subCause: "pinned-key-inaccessible", confidence: "low", why: { en: "RCM 1055 only outside the window", ja: "RCM 1055 は期間外のものだけです" } };
  }
  return null;
}

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const pin = pinnedCertificate(evidence);
  const events = splitByWindow(evidence.events({ providers: [PROVIDER.rcm], ids: PIN_EVENTS }), ctx);

  if (!pin) {
    // "Not set" means something only when RDP-Tcp was collected whole.
    if (!keyCollected(evidence, KEY.rdpTcp)) return notChecked(missingEvidenceText(lang, [NEED_RDP_TCP]));
    return healthy(
      lang === "ja"
        ? "SSLCertificateSHA1Hash は設定されていません。RDP は自己署名証明書を使用しています (Windows の既定)。"
        : "SSLCertificateSHA1Hash is not set: RDP uses its self-signed certificate (the Windows default).",
    );
  }
  if (pin.thumbprint !== null && pin.foundIn === "unknown") return notChecked(missingEvidenceText(lang, [NEED_CERT_STORES]));
  const verdict = decide(pin, events.recent, events.stale);
  if (!verdict && !evidence.hasChannel(CHANNEL.system)) {
    // The certificate is there; only RCM 1055 would show its key unreadable by the service.
    return notChecked(
      (lang === "ja"
        ? `固定された証明書 ${pin.thumbprint} は ${pin.foundIn} ストアに存在しますが、システム ログが収集されていないため、秘密キーを読み取れない状態 (RCM 1055) を否定できません。`
        : `The pinned certificate ${pin.thumbprint} is in the ${pin.foundIn} store, but the System log was not collected, so an unreadable private key (RCM 1055) cannot be ruled out. `) +
        missingEvidenceText(lang, [NEED_SYSTEM_LOG]),
    );
  }
  if (!verdict) {
    return healthy(
      lang === "ja"
        ? `固定された証明書 ${pin.thumbprint} は ${pin.foundIn} ストアに存在し、RCM 1055 もありません。`
        : `The pinned certificate ${pin.thumbprint} is in the ${pin.foundIn} store and there is no RCM 1055.`,
    );
  }
  const thumbprint = pin.thumbprint ?? String(pin.value.value);
  return finding(RDP_CERT_THUMBPRINT_MISMATCH, { confidence: verdict.confidence, subCause: verdict.subCause, why: verdict.why[lang] }, {
    title: TITLE[verdict.subCause][lang],
    cause: causeText(lang, verdict.subCause, pin, thumbprint),
    explanation: explanationText(ctx, verdict),
    evidence: collectEvidence(lang, pin, events),
    remediation: remediationFor(ctx, verdict.subCause, thumbprint),
  });
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "pinned-certificate-missing": { en: "RDP is pinned to a certificate that is not installed", ja: "RDP に固定された証明書がインストールされていません" },
  "pinned-key-inaccessible": { en: "RDP's pinned certificate key is not readable by Remote Desktop Services", ja: "RDP に固定された証明書の秘密キーを Remote Desktop Services が読み取れません" },
};

function causeText(lang: Lang, subCause: SubCause, pin: PinnedCertificate, thumbprint: string): string {
  if (subCause === "pinned-key-inaccessible") {
    return lang === "ja"
      ? `RDP-Tcp に固定された証明書 ${thumbprint} の秘密キーに、NETWORK SERVICE (TermService) の読み取り権限がありません。`
      : `NETWORK SERVICE (TermService) cannot read the private key of the certificate ${thumbprint} pinned on RDP-Tcp.`;
  }
  if (pin.thumbprint === null) {
    return lang === "ja"
      ? "RDP-Tcp の SSLCertificateSHA1Hash が 40 桁の拇印 (20 バイト) になっておらず、どの証明書も指していません。"
      : "SSLCertificateSHA1Hash on RDP-Tcp is not a 40-digit (20-byte) thumbprint, so it names no certificate.";
  }
  return lang === "ja"
    ? `RDP-Tcp の SSLCertificateSHA1Hash は証明書 ${thumbprint} を指していますが、コンピューターの個人 (MY) ストアにその証明書がありません。`
    : `SSLCertificateSHA1Hash on RDP-Tcp pins certificate ${thumbprint}, which is not in the computer's MY store.`;
}

function explanationText(ctx: ScenarioContext, verdict: Verdict): string {
  const { lang } = ctx;
  const what =
    verdict.subCause === "pinned-certificate-missing"
      ? lang === "ja"
        ? "リスナーは自己署名証明書にフォールバックするため、これだけで接続できないとは限りませんが、クライアントが固定された証明書を前提にしている場合や、自己署名証明書も使えない場合は接続に失敗します。証明書を MY ストアにインポートし直すか、拇印の固定を解除してください (証明書が MY にないことを確認してから削除)。"
        : "The listener falls back to its self-signed certificate, so this alone may not block RDP, but clients that expect the pinned certificate fail, and so does everything when the self-signed one is unusable too. Re-import the certificate into MY, or remove the pin (only after confirming the certificate is not in MY)."
      : lang === "ja"
        ? "TermService は NETWORK SERVICE で動作し、固定された証明書の秘密キーに読み取り権限が必要です。"
        : "TermService runs as NETWORK SERVICE and needs Read on the pinned certificate's private key.";
  return sentences(lang, [
    what,
    windowedConfidenceSentence(ctx, verdict.confidence, verdict.why[lang]),
    verdict.subCause === "pinned-certificate-missing" && controlSetNote(ctx),
  ]);
}

function collectEvidence(lang: Lang, pin: PinnedCertificate, events: WindowedEvents): Evidence[] {
  const note =
    pin.thumbprint === null
      ? lang === "ja" ? "40 桁の拇印ではありません" : "not a 40-digit thumbprint"
      : pin.foundIn === null
        ? lang === "ja" ? "MY にも Remote Desktop ストアにもない拇印" : "thumbprint in neither the MY nor the Remote Desktop store"
        : lang === "ja" ? `${pin.foundIn} ストアにある証明書` : `certificate present in the ${pin.foundIn} store`;
  return [registryEvidence(pin.value, note), ...windowedEventEvidence(events, 5, eventTableNote(lang, EVENT_TEXT))];
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// remove-pin: after checking that the value on the disk is the thumbprint reported and that no such
//   certificate is in MY, export RDP-Tcp and delete SSLCertificateSHA1Hash (with /f) in Select\Current's
//   control set; the listener then uses its self-signed certificate.
// grant-pinned-key-read: online only (finding the key file of a MY certificate needs the running OS):
//   give NETWORK SERVICE Read on that key.

function remediationFor(ctx: ScenarioContext, subCause: SubCause, thumbprint: string): Remediation[] {
  const values = { thumbprint };
  if (subCause === "pinned-key-inaccessible") {
    return [
      onlineScript(ctx, RDP_CERT_THUMBPRINT_MISMATCH, "grant-pinned-key-read", { en: "Online: give NETWORK SERVICE Read on the pinned certificate's private key", ja: "オンライン: 固定された証明書の秘密キーに NETWORK SERVICE の読み取りを許可する" }, values),
    ];
  }
  return offlineAndOnline(ctx, RDP_CERT_THUMBPRINT_MISMATCH, "remove-pin", {
    offline: { en: "Offline: remove the pin (SSLCertificateSHA1Hash) to the missing certificate", ja: "オフライン: 存在しない証明書への固定 (SSLCertificateSHA1Hash) を削除する" },
    online: { en: "Online: remove the pin and restart Remote Desktop Services", ja: "オンライン: 固定を削除して Remote Desktop Services を再起動する" },
  }, values);
}

export const rdpCertThumbprintMismatch: Scenario = {
  id: RDP_CERT_THUMBPRINT_MISMATCH,
  text,
  needs,
  samples,
  detect,
};

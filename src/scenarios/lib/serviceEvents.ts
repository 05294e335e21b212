import type { EvidenceIndex, StoredEvent } from "../../store/evidence.js";
import type { Lang } from "../types.js";
import { SCM_ERRORS, type ServiceFacts } from "../data/services.js";
import { fieldValue } from "./events.js";

// Service Control Manager events about one service (scenarios.md §5.4). Provider "Service Control
// Manager" in System, matched on provider + 16-bit EventID. Which service an event is about: the key
// name in `Binary` (UTF-16LE hex, NUL-terminated) [corpus]; 7040 names it in param4; otherwise param1
// against the key name and its display names (case-insensitive).

export const SCM_PROVIDER = "Service Control Manager";

/** Failed to start (7000), dependency failed (7001), hung on starting (7022), terminated with an error (7023/7024). */
export const SCM_START_FAILURES = [7000, 7001, 7022, 7023, 7024];
/** Terminated unexpectedly: recovery pending (7031), no recovery (7034). */
export const SCM_CRASHES = [7031, 7034];
/** Start type changed (7040): param1 display name, param2 old, param3 new, param4 key name [corpus]. */
export const SCM_START_TYPE_CHANGED = 7040;

/** The UTF-16LE text of an event's hex `Binary`, NULs removed; null when it is not such a string. */
export function binaryServiceName(event: StoredEvent): string | null {
  const hex = fieldValue(event, "Binary");
  if (!hex || !/^(?:[0-9A-Fa-f]{4})+$/.test(hex)) return null;
  const text = Buffer.from(hex, "hex").toString("utf16le").replace(/\0+$/u, "");
  return /^[\x20-\x7e]{1,256}$/.test(text) ? text : null;
}

/** Whether a SCM event is about this service. */
export function isAboutService(event: StoredEvent, service: ServiceFacts): boolean {
  const same = (s: string | null) => s !== null && s.trim().toLowerCase() === service.name.toLowerCase();
  const fromBinary = binaryServiceName(event);
  if (fromBinary !== null) return same(fromBinary);
  if (event.eventId === SCM_START_TYPE_CHANGED && fieldValue(event, "param4")) return same(fieldValue(event, "param4"));
  const param1 = fieldValue(event, "param1");
  if (!param1) return false;
  const p = param1.toLowerCase();
  return p === service.name.toLowerCase() || service.displayNames.some((d) => d.toLowerCase() === p);
}

/** SCM events with these ids about this service, oldest first. */
export function serviceEvents(evidence: EvidenceIndex, service: ServiceFacts, ids: number[]): StoredEvent[] {
  return evidence.events({ providers: [SCM_PROVIDER], ids }).filter((e) => isAboutService(e, service));
}

/** The Win32 error a 7000/7001/7023 names as `%%N` (param2; param3 for 7001), decoded where known. */
export function scmError(event: StoredEvent, lang: Lang): string | null {
  const raw = fieldValue(event, event.eventId === 7001 ? "param3" : "param2") ?? "";
  const m = /^%%(\d+)$/.exec(raw);
  if (!m) return null;
  const n = Number(m[1]);
  const known = SCM_ERRORS[n];
  if (n > 0xffff) return `0x${n.toString(16).toUpperCase().padStart(8, "0")}`;
  return known ? `${n}, ${known[lang]}` : String(n);
}

/** The Win32 error number of a 7000 (`%%1058` → 1058), or null. */
export function scmErrorCode(event: StoredEvent): number | null {
  const m = /^%%(\d+)$/.exec(fieldValue(event, event.eventId === 7001 ? "param3" : "param2") ?? "");
  return m ? Number(m[1]) : null;
}

const SCM_EVENT_TEXT: Record<number, { en: string; ja: string }> = {
  7000: { en: "failed to start", ja: "開始に失敗" },
  7001: { en: "a service it depends on failed", ja: "依存サービスの失敗" },
  7022: { en: "hung on starting", ja: "開始中に応答停止" },
  7023: { en: "terminated with an error", ja: "エラーで終了" },
  7024: { en: "terminated with a service-specific error", ja: "サービス固有のエラーで終了" },
  7031: { en: "terminated unexpectedly (recovery pending)", ja: "予期せず終了 (回復動作あり)" },
  7034: { en: "terminated unexpectedly", ja: "予期せず終了" },
  7040: { en: "start type changed", ja: "スタートアップの種類を変更" },
};

/** One phrase for an SCM event: "7000: failed to start (1058, the service is disabled)". */
export function scmEventNote(event: StoredEvent, lang: Lang, outsideWindow: boolean): string {
  const what = SCM_EVENT_TEXT[event.eventId]?.[lang] ?? "";
  const error = scmError(event, lang);
  const change =
    event.eventId === SCM_START_TYPE_CHANGED ? ` (${fieldValue(event, "param2") ?? "?"} → ${fieldValue(event, "param3") ?? "?"})` : "";
  const outside = outsideWindow ? (lang === "ja" ? " [期間外]" : " [outside the window]") : "";
  return `${event.eventId}: ${what}${error ? ` (${error})` : ""}${change}${outside}`;
}

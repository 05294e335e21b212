import type { Lang, ScenarioContext } from "../types.js";

/** One sentence in both report languages. Scenarios keep EN and JA side by side so they stay in step. */
export type Bilingual = Record<Lang, string>;

/** Joins short phrases the way each language lists them. */
export function list(lang: Lang, items: string[]): string {
  return items.join(lang === "ja" ? "、" : ", ");
}

/** "2 events" / "2 件". */
export function count(lang: Lang, n: number, en: [string, string]): string {
  return lang === "ja" ? `${n} 件` : `${n} ${n === 1 ? en[0] : en[1]}`;
}

/** The recency window in words, e.g. "the 30 days before 2024-05-01" / "2024年05月01日 までの 30 日間". */
export function windowText(lang: Lang, asOf: string | null, days: number): string {
  const day = asOf ? asOf.slice(0, 10) : null;
  if (lang === "ja") return day ? `${jaDate(day)} までの ${days} 日間` : `直近 ${days} 日間`;
  return day ? `the ${days} days before ${day}` : `the last ${days} days`;
}

/**
 * A UTC time for scenario text, to the minute or second: "2024-05-01 13:05" / "2024年05月01日 13:05".
 * The caller adds "UTC" / "(UTC)" as its sentence needs.
 */
export function timeText(lang: Lang, iso: string, precision: "minute" | "second" = "second"): string {
  const text = iso.slice(0, precision === "minute" ? 16 : 19).replace("T", " ");
  return lang === "ja" ? `${jaDate(text.slice(0, 10))}${text.slice(10)}` : text;
}

/** "2024-05-01" → "2024年05月01日", as the report writes dates (src/report/text.ts formatTime); other text as is. */
function jaDate(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[1]}年${m[2]}月${m[3]}日` : day;
}

/** "Confidence high: <why> (window: …)." / "確度「高」: <why> (判定期間: …)。" */
export function confidenceSentence(lang: Lang, confidence: "high" | "medium" | "low", why: string, window: string): string {
  if (lang === "ja") return `確度「${{ high: "高", medium: "中", low: "低" }[confidence]}」: ${why} (判定期間: ${window})。`;
  return `Confidence ${confidence}: ${why} (window: ${window}).`;
}

/** The recency window of a scenario context in words (see windowText). */
export function contextWindowText(ctx: Pick<ScenarioContext, "lang" | "asOf" | "recencyDays">): string {
  return windowText(ctx.lang, ctx.asOf, ctx.recencyDays);
}

/** The confidence sentence of a verdict judged over the context's recency window. */
export function windowedConfidenceSentence(
  ctx: Pick<ScenarioContext, "lang" | "asOf" | "recencyDays">,
  confidence: "high" | "medium" | "low",
  why: string,
): string {
  return confidenceSentence(ctx.lang, confidence, why, contextWindowText(ctx));
}

/** " [outside the window]" after an event's note when the event is older than the window, else "". */
export function outsideWindowTag(lang: Lang, outside: boolean): string {
  if (!outside) return "";
  return lang === "ja" ? " [期間外]" : " [outside the window]";
}

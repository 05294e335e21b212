import { describe, expect, it } from "vitest";

import { checkTranslations, labels, langOf, missingTranslations, t, translationTables } from "../../src/report/i18n.js";
import { windowText } from "../../src/scenarios/lib/text.js";

describe("report chrome translations", () => {
  it("has every key in both English and Japanese, with the same placeholders", () => {
    expect(missingTranslations()).toEqual([]);
  });

  it("would fail when a language lacks a key, has a blank one, or drops a placeholder", () => {
    const { en, ja } = translationTables();
    const broken = { ...ja } as Record<string, string>;
    delete broken.verdictHeading;
    broken.copy = "  ";
    broken.findingNumber = "検出結果";
    broken.extra = "余分";
    expect(checkTranslations({ en, ja: broken })).toEqual([
      'ja: missing "verdictHeading"',
      'ja: "findingNumber" has placeholders {} instead of {n}',
      'ja: missing "copy"',
      'ja: unknown key "extra"',
    ]);
    expect(checkTranslations({ en })).toContain("ja: no table");
  });

  it("writes the Japanese labels a Japanese support engineer expects", () => {
    const ja = labels("ja");
    expect(ja.verdictHeading).toBe("判定");
    expect([ja.confidenceBadge_high, ja.confidenceBadge_medium, ja.confidenceBadge_low]).toEqual(["確信度: 高", "確信度: 中", "確信度: 低"]);
    expect(ja.rootCause).toBe("根本原因");
    expect(ja.evidence).toBe("証拠");
    expect(ja.remediation).toBe("対処手順");
    expect(ja.variant_offline).toBe("オフライン (レスキュー VM に接続したディスク)");
    expect(ja.variant_online).toBe("オンライン (シリアル コンソール / Run Command)");
    expect(ja.timeline).toBe("タイムライン");
    expect(ja.sources).toBe("収集した証拠ファイル");
    expect(ja.checkedHealthy).toBe("問題なしと確認した項目");
    expect(ja.notChecked).toBe("確認できなかった項目");
  });

  it("fills placeholders once, never re-reading a value as a placeholder", () => {
    expect(t("en", "findingNumber", { n: 2 })).toBe("Finding 2");
    expect(t("ja", "lineRef", { source: "acl/x.txt", line: 4 })).toBe("acl/x.txt · 4 行目");
    expect(t("en", "recordRef", { source: "{id}", id: 7 })).toBe("{id} · record 7");
    expect(t("en", "recordRef", {})).toBe("{source} · record {id}");
  });

  it("falls back to English for an unknown language", () => {
    expect(langOf("de")).toBe("en");
    expect(langOf("ja")).toBe("ja");
  });
});

describe("dates in scenario text", () => {
  it("writes the recency window's date the Japanese way in Japanese, as the report's own dates are", () => {
    expect(windowText("ja", "2026-11-20T08:13:12.000Z", 30)).toBe("2026年11月20日 までの 30 日間");
    expect(windowText("en", "2026-11-20T08:13:12.000Z", 30)).toBe("the 30 days before 2026-11-20");
    expect(windowText("ja", null, 30)).toBe("直近 30 日間");
  });
});

// Report chrome in English and Japanese: headings, labels, badges, empty states.
// Evidence, scenario titles/causes (written by the scenarios) and remediation scripts are never
// translated here. `{name}` placeholders are filled by `t()`; the result is plain text that every
// renderer escapes for its own format.

import type { Report } from "./findings.js";

export type Lang = Report["lang"];
export const LANGS: readonly Lang[] = ["en", "ja"];

const en = {
  docTitle: "rdp-triage report",
  docTitleCase: "rdp-triage report: {caseId}",

  // Verdict
  verdictHeading: "Verdict",
  noCauseFound: "No known cause found",
  noCauseFoundDetail:
    "None of the checked scenarios matched the evidence. The lists below show what was found healthy and what could not be checked.",
  lowOnlyDetail:
    "Only low-confidence signals were found. None of them is enough to name a cause; they are listed under Findings.",
  alsoFound: "Also found",
  rootCause: "Root cause",
  scenarioId: "Scenario",
  subCause: "Sub-cause",

  // Confidence
  confidence: "Confidence",
  confidenceBadge_high: "High confidence",
  confidenceBadge_medium: "Medium confidence",
  confidenceBadge_low: "Low confidence",
  confidenceBadge_unknown: "Confidence: {value}",
  confidence_high: "High",
  confidence_medium: "Medium",
  confidence_low: "Low",

  // Findings
  findingsHeading: "Findings",
  findingNumber: "Finding {n}",
  explanation: "What happened",
  evidence: "Evidence",
  noEvidence: "No evidence items were attached to this finding.",
  eventsHeading: "Event log records",
  aclHeading: "Permissions (icacls)",
  registryHeading: "Registry values",
  observationsHeading: "Observations",
  evidenceKind_event: "Event",
  evidenceKind_acl: "ACL",
  evidenceKind_registry: "Registry",
  evidenceKind_observation: "Observation",

  // Evidence columns
  col_time: "Time",
  col_eventId: "Event ID",
  col_provider: "Provider",
  col_channel: "Channel",
  col_computer: "Computer",
  col_level: "Level",
  col_fields: "Event data",
  col_note: "Why it matters",
  col_source: "Source",
  col_path: "Path",
  col_principal: "Principal",
  col_sid: "SID",
  col_access: "Allow/Deny",
  col_rights: "Rights",
  col_inherited: "Inherited",
  col_key: "Key",
  col_rawKey: "Key as collected",
  col_name: "Name",
  col_type: "Type",
  col_value: "Value",
  col_text: "Observation",
  access_allow: "Allow",
  access_deny: "Deny",
  yes: "Yes",
  no: "No",
  nullValue: "(none)",
  emptyValue: "(empty)",
  defaultValueName: "(Default)",
  recordRef: "{source} · record {id}",
  lineRef: "{source} · line {line}",
  truncated: "… ({n} more characters not shown)",

  // Remediation
  remediation: "Remediation",
  remediationNumber: "Step {n}",
  variant_offline: "Offline (rescue VM, attached disk)",
  variant_online: "Online (Serial Console / Run Command)",
  variantShort_offline: "Offline",
  variantShort_online: "Online",
  shell_powershell: "PowerShell",
  shell_cmd: "Command Prompt (cmd)",
  whereToRun: "Where to run",
  copy: "Copy",
  copied: "Copied",
  copyFailed: "Copy failed: select the text and copy it by hand",
  scriptHasControls:
    "This script contains invisible or control characters, shown as ⟨U+…⟩. Do not run it before you have checked where they came from.",
  noRemediation: "No remediation script for this finding.",

  // Timeline
  timeline: "Timeline",
  col_scenario: "Scenario",
  col_summary: "Summary",
  timelineEmpty: "No events on the timeline.",

  // Sources
  sources: "Evidence files",
  col_kind: "Kind",
  col_encoding: "Encoding",
  col_size: "Size",
  col_sha256: "SHA-256",
  col_records: "Records",
  col_timeRange: "Time range",
  col_problems: "Problems",
  sourcesEmpty: "No evidence files were indexed.",
  noProblems: "none",
  bytes: "{n} bytes",
  timeRange: "{from} – {to}",
  problemAt: "{code} at {location}: {message}",
  problemNoLocation: "{code}: {message}",
  evidenceFolderRow: "(evidence folder)",
  archivesHeading: "Archives read in place",
  archivesNote: "An evidence file whose path starts with “<archive>!/” was taken from that archive; its own hash is listed below.",
  col_entries: "Files taken from it",

  // Checked
  checkedHealthy: "Checked and found healthy",
  notChecked: "Could not check",
  checkedHealthyEmpty: "No scenario was confirmed healthy.",
  notCheckedEmpty: "Every scenario could be checked.",
  collectScript: "Collection commands (cmd, rescue VM)",
  collectHint: "To collect every piece of evidence at once on the rescue VM, run the script that `rdp-triage collect` writes (read-only on the attached disk; it leaves one zip to analyze).",

  // Case header
  caseHeading: "Case",
  caseId: "Case ID",
  analyst: "Analyst",
  vm: "VM",
  note: "Note",
  command: "Command line",
  tool: "Tool",
  generatedAt: "Generated",
  asOf: "As of",
  asOfUnset: "not set (no event time available)",
  evidenceRoot: "Evidence folder",
  field: "Field",
  value: "Value",

  // Markdown
  mdTitle: "rdp-triage case summary",
  mdTitleCase: "rdp-triage case summary: {caseId}",
  decisiveEvidence: "Decisive evidence",
  moreEvidence: "{n} more evidence item(s) in the full report (HTML/JSON).",
  fieldsOmitted: "+{n} more",
  chainOfCustody: "Chain of custody",
  footer: "Generated by {tool} {version} at {generatedAt}; as of {asOf}.",
} as const;

export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
  docTitle: "rdp-triage 調査レポート",
  docTitleCase: "rdp-triage 調査レポート: {caseId}",

  verdictHeading: "判定",
  noCauseFound: "既知の原因は見つかりませんでした",
  noCauseFoundDetail:
    "確認したシナリオのいずれにも証拠が一致しませんでした。問題なしと確認した項目と、確認できなかった項目を下に示します。",
  lowOnlyDetail:
    "確信度の低い兆候のみが見つかりました。いずれも原因と判断するには不十分です。検出結果の一覧に記載しています。",
  alsoFound: "その他の検出結果",
  rootCause: "根本原因",
  scenarioId: "シナリオ",
  subCause: "詳細な原因",

  confidence: "確信度",
  confidenceBadge_high: "確信度: 高",
  confidenceBadge_medium: "確信度: 中",
  confidenceBadge_low: "確信度: 低",
  confidenceBadge_unknown: "確信度: {value}",
  confidence_high: "高",
  confidence_medium: "中",
  confidence_low: "低",

  findingsHeading: "検出結果",
  findingNumber: "検出結果 {n}",
  explanation: "何が起きているか",
  evidence: "証拠",
  noEvidence: "この検出結果には証拠が添付されていません。",
  eventsHeading: "イベント ログのレコード",
  aclHeading: "アクセス許可 (icacls)",
  registryHeading: "レジストリ値",
  observationsHeading: "所見",
  evidenceKind_event: "イベント",
  evidenceKind_acl: "ACL",
  evidenceKind_registry: "レジストリ",
  evidenceKind_observation: "所見",

  col_time: "日時",
  col_eventId: "イベント ID",
  col_provider: "プロバイダー",
  col_channel: "チャネル",
  col_computer: "コンピューター",
  col_level: "レベル",
  col_fields: "イベント データ",
  col_note: "注目点",
  col_source: "出典",
  col_path: "パス",
  col_principal: "プリンシパル",
  col_sid: "SID",
  col_access: "許可/拒否",
  col_rights: "権限",
  col_inherited: "継承",
  col_key: "キー",
  col_rawKey: "収集時のキー",
  col_name: "名前",
  col_type: "種類",
  col_value: "値",
  col_text: "所見",
  access_allow: "許可",
  access_deny: "拒否",
  yes: "はい",
  no: "いいえ",
  nullValue: "(なし)",
  emptyValue: "(空)",
  defaultValueName: "(既定)",
  recordRef: "{source} · レコード {id}",
  lineRef: "{source} · {line} 行目",
  truncated: "… (残り {n} 文字は省略)",

  remediation: "対処手順",
  remediationNumber: "手順 {n}",
  variant_offline: "オフライン (レスキュー VM に接続したディスク)",
  variant_online: "オンライン (シリアル コンソール / Run Command)",
  variantShort_offline: "オフライン",
  variantShort_online: "オンライン",
  shell_powershell: "PowerShell",
  shell_cmd: "コマンド プロンプト (cmd)",
  whereToRun: "実行場所",
  copy: "コピー",
  copied: "コピーしました",
  copyFailed: "コピーできませんでした。テキストを選択して手動でコピーしてください",
  scriptHasControls:
    "このスクリプトには不可視文字または制御文字が含まれています (⟨U+…⟩ と表示)。混入元を確認するまで実行しないでください。",
  noRemediation: "この検出結果に対処スクリプトはありません。",

  timeline: "タイムライン",
  col_scenario: "シナリオ",
  col_summary: "概要",
  timelineEmpty: "タイムラインに表示するイベントはありません。",

  sources: "収集した証拠ファイル",
  col_kind: "種類",
  col_encoding: "エンコード",
  col_size: "サイズ",
  col_sha256: "SHA-256",
  col_records: "レコード数",
  col_timeRange: "期間",
  col_problems: "読み取りの問題",
  sourcesEmpty: "インデックスを作成した証拠ファイルはありません。",
  noProblems: "なし",
  bytes: "{n} バイト",
  timeRange: "{from} ～ {to}",
  problemAt: "{code} ({location}): {message}",
  problemNoLocation: "{code}: {message}",
  evidenceFolderRow: "(証拠フォルダー)",
  archivesHeading: "読み込んだアーカイブ",
  archivesNote: "パスが「<アーカイブ>!/」で始まる証拠ファイルはそのアーカイブから取り出したもので、ファイル自体のハッシュは下の表にあります。",
  col_entries: "取り出したファイル数",

  checkedHealthy: "問題なしと確認した項目",
  notChecked: "確認できなかった項目",
  checkedHealthyEmpty: "問題なしと確認できた項目はありません。",
  notCheckedEmpty: "すべてのシナリオを確認できました。",
  collectScript: "収集コマンド (cmd、レスキュー VM)",
  collectHint: "必要な証拠をレスキュー VM でまとめて収集するには、`rdp-triage collect` が出力するスクリプトを実行してください (接続したディスクは読み取るだけで、解析用の zip を 1 つ作成します)。",

  caseHeading: "ケース情報",
  caseId: "ケース ID",
  analyst: "担当者",
  vm: "VM",
  note: "メモ",
  command: "実行したコマンド",
  tool: "ツール",
  generatedAt: "作成日時",
  asOf: "基準日時",
  asOfUnset: "未設定 (イベントの日時がありません)",
  evidenceRoot: "証拠フォルダー",
  field: "項目",
  value: "値",

  mdTitle: "rdp-triage ケース サマリー",
  mdTitleCase: "rdp-triage ケース サマリー: {caseId}",
  decisiveEvidence: "決め手となった証拠",
  moreEvidence: "ほか {n} 件の証拠は完全版のレポート (HTML/JSON) を参照してください。",
  fieldsOmitted: "ほか {n} 件",
  chainOfCustody: "証拠の保全記録",
  footer: "{tool} {version} で作成 ({generatedAt})。基準日時: {asOf}。",
};

const TABLES: Record<Lang, Record<MessageKey, string>> = { en, ja };

/** The language to render in; anything unexpected falls back to English. */
export function langOf(lang: unknown): Lang {
  return lang === "ja" ? "ja" : "en";
}

/** The complete label table for one language (for templates). */
export function labels(lang: Lang): Readonly<Record<MessageKey, string>> {
  return TABLES[langOf(lang)];
}

/** One label, with `{name}` placeholders replaced by `params` (plain text, not escaped here). */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = TABLES[langOf(lang)][key];
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/**
 * What is wrong with the built-in tables: keys a language lacks (absent or blank), keys English does
 * not have, placeholders that differ from English. Empty when both tables are complete.
 */
export function missingTranslations(): string[] {
  return checkTranslations(TABLES);
}

/** The check behind missingTranslations(), for any set of tables keyed by language; English is the reference. */
export function checkTranslations(tables: Record<string, Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const reference = tables.en ?? {};
  const keys = Object.keys(reference);
  for (const [lang, table] of Object.entries(tables)) {
    for (const key of keys) {
      const value = table[key];
      if (typeof value !== "string" || value.trim() === "") {
        problems.push(`${lang}: missing "${key}"`);
        continue;
      }
      const want = placeholders(String(reference[key]));
      const got = placeholders(value);
      if (want.join(",") !== got.join(",")) {
        problems.push(`${lang}: "${key}" has placeholders {${got.join("},{")}} instead of {${want.join("},{")}}`);
      }
    }
    for (const key of Object.keys(table)) {
      if (!(key in reference)) problems.push(`${lang}: unknown key "${key}"`);
    }
  }
  for (const lang of LANGS) if (!(lang in tables)) problems.push(`${lang}: no table`);
  return problems;
}

/** The raw tables (read-only use: tests and tooling). */
export function translationTables(): Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> {
  return TABLES;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]).sort();
}

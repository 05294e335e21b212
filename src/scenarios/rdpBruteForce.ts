// rdp-brute-force — password guessing against RDP from the Internet.
//
// An RDP port open to the Internet draws a constant stream of logon attempts. Security 4625 (failed
// logon; LogonType 3 for NLA's pre-authentication, 10 without NLA) carries the attacker's address
// (IpAddress) and the account tried (TargetUserName); RdpCoreTS 140 (IPString) counts the same failures
// when Security auditing is off [corpus]. At attack rates the listener's connection slots and LSASS are
// busy, the legitimate user's own attempts time out or lock the account, and Microsoft lists "the VM
// might have been attacked" among the causes of RDP's internal error [S2]. The thresholds are in
// lib/logonFailures.ts (≥ 100 failures in one hour from ≥ 5 public addresses or against ≥ 20 account
// names). This is a contributing cause, rarely the only one: medium, high only when the legitimate
// user's failures or a lockout fall inside the attack. There is no registry fix: the NSG (not on the
// disk) must stop admitting RDP from everywhere (source = your address, Just-in-time access or Bastion).
// Reference: scenarios.md §5.10.

import type { StoredEvent } from "../store/evidence.js";
import type { Confidence, Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { missingEvidenceText } from "./lib/collect.js";
import { CONFIG_KEY, DEFAULT_RDP_PORT, dwordAt, sentences } from "./lib/configRegistry.js";
import { LOG_FILE, PROVIDER, eventEvidence, fieldValue, newest, splitByWindow } from "./lib/events.js";
import {
  BRUTE_FORCE_THRESHOLDS,
  findBursts,
  rdpCoreTsFailures,
  rdpLogonAccounts,
  securityFailures,
  topCounts,
  type Burst,
  type Failure,
} from "./lib/logonFailures.js";
import { eventLogNeed } from "./lib/needs.js";
import { onlineScript } from "./lib/remediation.js";
import { finding, healthy, notChecked, type DecisionRule } from "./lib/results.js";
import { contextWindowText, timeText, windowedConfidenceSentence, type Bilingual } from "./lib/text.js";

export const RDP_BRUTE_FORCE = "rdp-brute-force";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const T = BRUTE_FORCE_THRESHOLDS;

const text: Scenario["text"] = {
  en: {
    title: "RDP is under a password-guessing attack",
    summary: `Security 4625 (or RdpCoreTS 140) at ≥ ${T.minFailures} failures an hour from ≥ ${T.minPublicSources} public addresses or against ≥ ${T.minAccounts} accounts`,
    checks:
      `Counts failed RDP logons (Security 4625 with logon type 3 or 10, or RdpCoreTS 140 when Security auditing is off) in a ` +
      `sliding ${T.windowMinutes}-minute window. At least ${T.minFailures} failures in an hour, from at least ${T.minPublicSources} public ` +
      `addresses or against at least ${T.minAccounts} account names, is a rate no person produces. Reports the top source ` +
      `addresses and target accounts, and whether the legitimate user's logons fail or get locked out during the attack.`,
  },
  ja: {
    title: "RDP がパスワード推測攻撃を受けている",
    summary: `セキュリティ 4625 (または RdpCoreTS 140) が 1 時間に ${T.minFailures} 件以上、${T.minPublicSources} 以上のパブリック アドレスから、または ${T.minAccounts} 以上のアカウントに対して発生`,
    checks:
      `RDP のログオン失敗 (ログオンの種類 3 または 10 のセキュリティ 4625、セキュリティ監査が無効なら RdpCoreTS 140) を ${T.windowMinutes} 分の` +
      `スライディング ウィンドウで数えます。1 時間に ${T.minFailures} 件以上で、${T.minPublicSources} 以上のパブリック アドレスから、または ${T.minAccounts} ` +
      `以上のアカウント名に対する失敗は、人間には起こせない頻度です。上位の送信元アドレスと対象アカウント、攻撃中に正規ユーザーの` +
      `ログオンが失敗またはロックアウトされているかを報告します。`,
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_SECURITY_LOG = eventLogNeed("security-log", "Security.evtx", "Security event log (4625 failed logons, 4624 successful ones)");
const NEED_RDPCORETS_LOG = eventLogNeed("rdpcorets-log", LOG_FILE.rdpCoreTs, "RdpCoreTS operational log (140: failed credentials, when Security auditing is off)");
const NEED_RCM_LOG = eventLogNeed("rcm-operational-log", LOG_FILE.rcmOperational, "RemoteConnectionManager operational log (1149: who logged on successfully, and from where)");

const needs = [NEED_SECURITY_LOG, NEED_RDPCORETS_LOG, NEED_RCM_LOG];

const samples = ["rdp-brute-force", "failed-logons-human-quiet", "config-healthy-quiet"];

// ── The evidence ─────────────────────────────────────────────────────────────────────────────────

/** RCM events that say the same (ids read from a public copy of RCM's message table: corroboration only). */
const RCM_ATTACK_EVENTS: Record<number, Bilingual> = {
  1006: { en: "a large number of incomplete connections: the system may be under attack", ja: "不完全な接続が多数あります。攻撃を受けている可能性があります" },
  1012: { en: "a client exceeded the maximum allowed failed logon attempts", ja: "クライアントがログオン失敗の上限回数を超えました" },
};

interface Source {
  kind: "security" | "rdpcorets";
  recent: Failure[];
  stale: Failure[];
  burst: Burst | null;
  staleBurst: Burst | null;
  peak: Burst | null;
}

function source(kind: Source["kind"], failures: Failure[], ctx: ScenarioContext): Source {
  const byEvent = new Map(failures.map((f) => [f.event, f]));
  const split = splitByWindow(failures.map((f) => f.event), ctx);
  const recent = split.recent.map((e) => byEvent.get(e)!);
  const stale = split.stale.map((e) => byEvent.get(e)!);
  const r = findBursts(recent);
  return { kind, recent, stale, burst: r.burst, staleBurst: findBursts(stale).burst, peak: r.peak };
}

interface Legit {
  accounts: Set<string>;
  addresses: Set<string>;
  /** Failures inside the burst by a legitimate account from a legitimate address, or lockouts of a legitimate account. */
  affected: Failure[];
}

function legitimate(ctx: ScenarioContext, burst: Burst | null): Legit {
  const { accounts, addresses } = rdpLogonAccounts(ctx.evidence);
  for (const e of ctx.evidence.events({ providers: [PROVIDER.rcm], ids: [1149] })) {
    const user = fieldValue(e, "Param1");
    const ip = fieldValue(e, "Param3");
    if (user) accounts.add(user.toLowerCase());
    if (ip) addresses.add(ip);
  }
  const affected = (burst?.failures ?? []).filter(
    (f) => f.account !== null && accounts.has(f.account) && (f.lockedOut || (f.address !== null && addresses.has(f.address))),
  );
  return { accounts, addresses, affected };
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "legitimate-user-affected" | "brute-force";

interface Facts {
  security: Source;
  rdpCoreTs: Source;
  /** The source whose burst decides (Security first: it names the accounts). */
  decisive: Source | null;
  legit: Legit;
}

type Rule = DecisionRule<Facts, SubCause, (f: Facts, lang: Lang) => string>;

const burstText = (lang: Lang, b: Burst, kind: Source["kind"]) => {
  const what = kind === "security" ? (lang === "ja" ? "セキュリティ 4625" : "Security 4625") : "RdpCoreTS 140";
  return lang === "ja"
    ? `${T.windowMinutes} 分間に ${what} のログオン失敗が ${b.failures.length} 件、パブリック アドレス ${b.publicSources} 個から${kind === "security" ? `、アカウント名 ${b.accounts} 個に対して` : ""}`
    : `${b.failures.length} failed logons (${what}) within ${T.windowMinutes} minutes from ${b.publicSources} public address(es)${kind === "security" ? ` against ${b.accounts} account name(s)` : ""}`;
};

/** scenarios.md §5.10 with §0.3 (event-driven; "contributing" at medium). */
const DECISION: Rule[] = [
  {
    when: (f) => f.decisive?.burst != null && f.decisive.kind === "security" && f.legit.affected.length > 0,
    confidence: "high",
    subCause: "legitimate-user-affected",
    why: (f, lang) =>
      `${burstText(lang, f.decisive!.burst!, "security")}${lang === "ja" ? "。同じ時間帯に正規ユーザーのログオン失敗またはロックアウトがあります" : "; the legitimate user's logons fail or are locked out at the same time"}`,
  },
  {
    when: (f) => f.decisive?.burst != null,
    confidence: "medium",
    subCause: "brute-force",
    why: (f, lang) => burstText(lang, f.decisive!.burst!, f.decisive!.kind),
  },
  {
    when: (f) => f.security.staleBurst !== null || f.rdpCoreTs.staleBurst !== null,
    confidence: "low",
    subCause: "brute-force",
    why: (_f, lang) => (lang === "ja" ? "攻撃の頻度のログオン失敗は期間外だけです" : "failures at an attack rate only outside the window"),
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const security = source("security", securityFailures(evidence), ctx);
  const rdpCoreTs = source("rdpcorets", rdpCoreTsFailures(evidence, PROVIDER.rdpCoreTs), ctx);
  const decisive = security.burst ? security : rdpCoreTs.burst ? rdpCoreTs : null;
  const facts: Facts = { security, rdpCoreTs, decisive, legit: legitimate(ctx, decisive?.burst ?? null) };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, facts);

  const why = rule.why(facts, lang);
  const shown = facts.decisive ?? (security.staleBurst ? { ...security, burst: security.staleBurst } : { ...rdpCoreTs, burst: rdpCoreTs.staleBurst });
  const remediation = remediationFor(ctx, shown.burst!);
  return finding(RDP_BRUTE_FORCE, { confidence: rule.confidence, subCause: rule.subCause, why }, {
    title: TITLE[rule.subCause][lang],
    cause: causeText(lang, rule.subCause, shown.burst!, shown.kind),
    explanation: explanationText(ctx, rule.confidence, why, facts, remediation.length > 0),
    evidence: collectEvidence(ctx, shown.burst!, shown.kind, facts),
    remediation,
  });
}

function quiet(ctx: ScenarioContext, f: Facts): ScenarioResult {
  const { lang, evidence } = ctx;
  const ja = lang === "ja";
  const hasSecurity = evidence.hasChannel("Security");
  const hasRdpCoreTs = evidence.hasChannel("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational");
  if (!hasSecurity && !hasRdpCoreTs) return notChecked(missingEvidenceText(lang, [NEED_SECURITY_LOG, NEED_RDPCORETS_LOG]));
  const peak = f.security.peak ?? f.rdpCoreTs.peak;
  const window = contextWindowText(ctx);
  const total = f.security.recent.length + f.rdpCoreTs.recent.length;
  const detail = peak
    ? ja
      ? `${window}の RDP ログオン失敗は ${total} 件で、最も多い 1 時間でも ${peak.failures.length} 件 (パブリック アドレス ${peak.publicSources} 個、アカウント ${peak.accounts} 個) です。攻撃の基準 (1 時間に ${T.minFailures} 件以上、かつパブリック アドレス ${T.minPublicSources} 個以上またはアカウント ${T.minAccounts} 個以上) を下回っています。`
      : `${total} failed RDP logon(s) in ${window}; the busiest hour had ${peak.failures.length} (from ${peak.publicSources} public address(es), against ${peak.accounts} account(s)), below the attack thresholds (≥ ${T.minFailures} an hour from ≥ ${T.minPublicSources} public addresses or against ≥ ${T.minAccounts} accounts).`
    : ja
      ? `${window}に RDP のログオン失敗 (4625 の種類 3/10、RdpCoreTS 140) はありません。`
      : `No failed RDP logon (4625 type 3/10, RdpCoreTS 140) in ${window}.`;
  const auditing = !hasSecurity
    ? ja
      ? " セキュリティ ログは収集されていないため、RdpCoreTS 140 だけで判断しました。"
      : " The Security log was not collected; RdpCoreTS 140 alone was counted."
    : "";
  return healthy(detail + auditing);
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  "legitimate-user-affected": { en: "A password-guessing attack is locking out or drowning the real user's RDP logons", ja: "パスワード推測攻撃により正規ユーザーの RDP ログオンが失敗またはロックアウトされています" },
  "brute-force": { en: "RDP is under a password-guessing attack from the Internet", ja: "RDP がインターネットからのパスワード推測攻撃を受けています" },
};

function causeText(lang: Lang, subCause: SubCause, burst: Burst, kind: Source["kind"]): string {
  const ja = lang === "ja";
  const base = burstText(lang, burst, kind);
  if (subCause === "legitimate-user-affected") {
    return ja
      ? `RDP ポートがインターネットに公開され、攻撃を受けています (${base})。同じ時間帯に正規ユーザーのログオンが失敗またはロックアウトされています。`
      : `The RDP port is open to the Internet and under attack (${base}); the legitimate user's logons fail or are locked out during it.`;
  }
  return ja
    ? `RDP ポートがインターネットに公開され、パスワード推測攻撃を受けています (${base})。接続の失敗に寄与している可能性があります。`
    : `The RDP port is open to the Internet and under a password-guessing attack (${base}), which can contribute to failed connections.`;
}

function explanationText(ctx: ScenarioContext, confidence: Confidence, why: string, f: Facts, stopgapScript: boolean): string {
  const { lang } = ctx;
  const ja = lang === "ja";
  return sentences(lang, [
    ja
      ? "攻撃の間はリスナーの接続枠と LSASS がふさがり、正規の接続がタイムアウトしたり、アカウントがロックアウトされたりします。これ単独が原因とは限らないため、他の所見もあわせて確認してください。"
      : "During an attack the listener's connection slots and LSASS are busy, so legitimate connections time out or the account gets locked out. It is rarely the only cause: read the other findings too.",
    windowedConfidenceSentence(ctx, confidence, why),
    ja
      ? "オフライン (レスキュー VM) の修正スクリプトはありません。攻撃はネットワーク経由で届き、ディスク上にそれを許している設定も止められる設定もないためです (レジストリの修正はなく、アカウント ロックアウト ポリシーは稼働中の VM またはグループ ポリシーで設定するものです)。修正は VM の外側にあります: NSG の受信規則で RDP の送信元を自分のアドレスに限定するか、Just-In-Time VM アクセスまたは Azure Bastion を使ってください。"
      : "There is no offline (rescue VM) fix, hence no offline script: the attack arrives over the network, and nothing on the disk lets it in or would stop it (no registry value; the account lockout policy is set on the running VM or by Group Policy). The fix is outside the VM: restrict the NSG inbound rule for RDP to your own address, or use Just-in-time VM access or Azure Bastion.",
    stopgapScript &&
      (ja
        ? "ゲストのファイアウォールで送信元をブロックするオンラインのスクリプトは応急処置です (攻撃元のアドレスは変わります)。"
        : "The online script that blocks the sources in the guest firewall is a stopgap: attackers rotate addresses."),
    f.decisive?.kind === "rdpcorets" &&
      (ja
        ? "セキュリティ ログに 4625 がないため、RdpCoreTS 140 で数えました (アカウント名はありません)。"
        : "The Security log has no 4625, so RdpCoreTS 140 was counted (it names no accounts)."),
  ]);
}

function collectEvidence(ctx: ScenarioContext, burst: Burst, kind: Source["kind"], f: Facts): Evidence[] {
  const { lang } = ctx;
  const ja = lang === "ja";
  const src = burst.failures[0].event.source;
  const day = (ms: number) => timeText(lang, new Date(ms).toISOString(), "minute");
  const sources = topCounts(burst.failures.map((x) => x.address), 5).map((c) => `${c.value} (${c.count})`);
  const accounts = topCounts(burst.failures.map((x) => x.account), 5).map((c) => `${c.value} (${c.count})`);
  const out: Evidence[] = [
    {
      kind: "observation",
      source: src,
      text: ja
        ? `${day(burst.start)}～${day(burst.end)} (UTC): ${burstText(lang, burst, kind)}`
        : `${day(burst.start)} to ${day(burst.end)} UTC: ${burstText(lang, burst, kind)}`,
    },
    { kind: "observation", source: src, text: `${ja ? "上位の送信元アドレス" : "Top source addresses"}: ${sources.join(", ") || "-"}` },
  ];
  if (kind === "security") out.push({ kind: "observation", source: src, text: `${ja ? "上位の対象アカウント" : "Top target accounts"}: ${accounts.join(", ") || "-"}` });
  if (f.legit.affected.length) {
    out.push({
      kind: "observation",
      source: src,
      text: ja
        ? `正規ユーザー (${[...new Set(f.legit.affected.map((x) => x.account))].join(", ")}) のログオン失敗・ロックアウト: ${f.legit.affected.length} 件`
        : `Failures or lockouts of the legitimate user (${[...new Set(f.legit.affected.map((x) => x.account))].join(", ")}): ${f.legit.affected.length}`,
    });
    for (const x of f.legit.affected.slice(-3)) out.push(eventEvidence(x.event, ja ? "正規ユーザーの失敗" : "the legitimate user's failure"));
  }
  const other = kind === "security" ? f.rdpCoreTs.recent.length : 0;
  if (other) out.push({ kind: "observation", source: f.rdpCoreTs.recent[0].event.source, text: ja ? `同じ期間の RdpCoreTS 140: ${other} 件` : `RdpCoreTS 140 in the same window: ${other}` });
  for (const x of burst.failures.slice(-5)) out.push(eventEvidence(x.event, ja ? "攻撃中のログオン失敗" : "failed logon during the attack"));
  const rcm: StoredEvent[] = ctx.evidence.events({ providers: [PROVIDER.rcm], ids: Object.keys(RCM_ATTACK_EVENTS).map(Number) });
  for (const e of newest(splitByWindow(rcm, ctx).recent, 2)) out.push(eventEvidence(e, `${e.eventId}: ${RCM_ATTACK_EVENTS[e.eventId][lang]}`));
  return out;
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// No offline script (scenarios.md §5.10: "No registry fix"), and the finding says why: the attack comes
// over the network, nothing on the disk admits or stops it, and the account lockout policy is a running-VM
// or Group Policy setting; the fix is the NSG (restrict the source, JIT, Bastion), outside the disk.
// block-sources (online): a stopgap guest-firewall rule blocking the top public source addresses on the
// RDP port; it shows the account lockout policy but does not change it (a lockout threshold lets the
// attacker lock the real user out).

function remediationFor(ctx: ScenarioContext, burst: Burst): Remediation[] {
  const addresses = topCounts(burst.failures.filter((x) => x.publicAddress).map((x) => x.address), 10).map((c) => c.value);
  if (!addresses.length) return [];
  const port = String(dwordAt(ctx.evidence, CONFIG_KEY.rdpTcp, "PortNumber").value ?? DEFAULT_RDP_PORT);
  return [
    onlineScript(ctx, RDP_BRUTE_FORCE, "block-sources", { en: "Online (stopgap): block the top attacking addresses in the guest firewall", ja: "オンライン (応急処置): 上位の攻撃元アドレスをゲストのファイアウォールでブロックする" }, { addresses: addresses.join(","), port }),
  ];
}

export const rdpBruteForce: Scenario = {
  id: RDP_BRUTE_FORCE,
  text,
  needs,
  samples,
  detect,
};

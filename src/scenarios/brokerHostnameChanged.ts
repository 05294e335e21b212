// broker-hostname-changed — the RD Connection Broker was renamed.
//
// The RD Connection Broker records its own name in its Windows Internal Database (WID); renaming the
// server is unsupported. Afterwards SessionBroker logs 2056 ("Logon to the database failed") and
// SessionBroker-Client 1296 ("not ready for RPC communication"), both in their Operational channels,
// not in System (the old article's queries look in the wrong log, with spaces inside the provider name).
// Reference: scenarios.md §3 (and §4 items 1, 2, 14).

import type { StoredEvent } from "../store/evidence.js";
import type { Evidence, Remediation } from "../report/findings.js";
import type { Lang, Scenario, ScenarioContext, ScenarioResult } from "./types.js";
import { COLLECT, missingEvidenceText } from "./lib/collect.js";
import { sentences } from "./lib/configRegistry.js";
import { CHANNEL, LOG_FILE, PROVIDER, fieldValues, splitByWindow, windowedEventEvidence } from "./lib/events.js";
import { eventLogNeed, registryNeed, systemLogNeed } from "./lib/needs.js";
import { KEY, collectedUnder, dwordValue, keyCollected, registryEvidence } from "./lib/registry.js";
import { hostLabel, registryNames, renamesInLogs, renamesInRegistry, type LoggedRename, type RegistryRename } from "./lib/hostnames.js";
import { onlineScript } from "./lib/remediation.js";
import { finding, healthy, notChecked, type DecisionRule } from "./lib/results.js";
import { type Bilingual, outsideWindowTag, windowedConfidenceSentence } from "./lib/text.js";

export const BROKER_HOSTNAME_CHANGED = "broker-hostname-changed";

// ── What it is ───────────────────────────────────────────────────────────────────────────────────

const text: Scenario["text"] = {
  en: {
    title: "RD Connection Broker renamed",
    summary: "SessionBroker 2056 / SessionBroker-Client 1296 after the RD Connection Broker's computer name changed",
    checks:
      "Looks for SessionBroker 2056 (database logon failed) and SessionBroker-Client 1296 (broker not ready for RPC) in " +
      "their Operational logs, whether the RD Connection Broker role is installed (Tssdis service, Windows Internal " +
      "Database, Server Manager's component cache), and whether the machine was renamed: the host part of the events' " +
      "Computer field changing over time (a suffix-only change is a domain join), or ComputerName / Tcpip Hostname / " +
      "NV Hostname disagreeing with each other or with the logs.",
  },
  ja: {
    title: "RD 接続ブローカーのコンピューター名が変更された",
    summary: "RD 接続ブローカーのコンピューター名変更後の SessionBroker 2056 / SessionBroker-Client 1296",
    checks:
      "各 Operational ログの SessionBroker 2056 (データベースへのログオン失敗) と SessionBroker-Client 1296 (ブローカーが RPC 通信の" +
      "準備ができていない) を探し、RD 接続ブローカーの役割がインストールされているか (Tssdis サービス、Windows Internal Database、" +
      "サーバー マネージャーのコンポーネント キャッシュ)、コンピューター名が変更されたかを確認します。名前の変更は、イベントの " +
      "Computer フィールドのホスト部分の変化 (サフィックスだけの変化はドメイン参加) と、ComputerName、Tcpip の Hostname / NV Hostname " +
      "どうしやログとの不一致から判断します。",
  },
};

// ── Evidence it needs (rescue VM, disk on %D%) ───────────────────────────────────────────────────

const NEED_BROKER_LOG = eventLogNeed("sessionbroker-log", LOG_FILE.sessionBroker, "SessionBroker Operational log (2056; exists only with the RD Connection Broker role)");
const NEED_BROKER_CLIENT_LOG = eventLogNeed("sessionbroker-client-log", LOG_FILE.sessionBrokerClient, "SessionBroker-Client Operational log (1296)");
const NEED_SYSTEM_LOG = systemLogNeed("the Computer field over time");
const NEED_COMPUTER_NAME = registryNeed("computer-name", "ComputerName and Tcpip parameters (Hostname, NV Hostname) of the control set in use", KEY.computerName, `${COLLECT.computerName}\n${COLLECT.service("Tcpip")}`);
const NEED_ROLE = registryNeed("broker-role", "RD Connection Broker service (Tssdis) and Server Manager's component cache", `${KEY.services}\\Tssdis`, `${COLLECT.service("Tssdis")}\n${COLLECT.serverComponents}`);

const needs = [NEED_BROKER_LOG, NEED_BROKER_CLIENT_LOG, NEED_SYSTEM_LOG, NEED_COMPUTER_NAME, NEED_ROLE];

const samples = ["broker-renamed", "broker-database-failure", "healthy-quiet"];

// ── The events ───────────────────────────────────────────────────────────────────────────────────

/** Insertion-string fragments the article shows (English; localized wording unverified). Notes only, never a condition. */
const FRAGMENT: Record<number, string> = { 2056: "logon to the database failed", 1296: "not ready for rpc" };
const EVENT_TEXT: Record<number, Bilingual> = {
  2056: { en: "the broker could not log on to its database", ja: "ブローカーがデータベースにログオンできませんでした" },
  1296: { en: "the RD Connection Broker is not ready for RPC communication", ja: "RD 接続ブローカーが RPC 通信の準備ができていません" },
};

interface Observed {
  recent: StoredEvent[];
  stale: StoredEvent[];
  /** 2056 from the broker's own provider: the role is on this machine. */
  brokerOwnEvents: boolean;
}

function observe(ctx: ScenarioContext): Observed {
  const events = [
    ...ctx.evidence.events({ providers: [PROVIDER.sessionBroker], ids: [2056] }),
    ...ctx.evidence.events({ providers: [PROVIDER.sessionBrokerClient], ids: [1296] }),
  ].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return { ...splitByWindow(events, ctx), brokerOwnEvents: events.some((e) => e.eventId === 2056) };
}

// ── Is the RD Connection Broker role on this machine? ────────────────────────────────────────────

interface Role {
  state: "present" | "absent" | "unknown";
  evidence: Evidence[];
}

function brokerRole(ctx: ScenarioContext, seen: Observed): Role {
  const ev = ctx.evidence;
  const out: Evidence[] = [];
  const tssdis = `${KEY.services}\\Tssdis`;
  const wid = `${KEY.services}\\MSSQL$MICROSOFT##WID`;
  const component = ev.registryValue(`${KEY.serverComponentCache}\\RDS-Connection-Broker`, "InstallState");
  let present = seen.brokerOwnEvents;
  for (const key of [tssdis, wid]) {
    if (!collectedUnder(ev, key)) continue;
    present = true;
    const start = ev.registryValue(key, "Start") ?? ev.registryValues(key)[0];
    if (start) out.push(registryEvidence(start, key.endsWith("Tssdis") ? "RD Connection Broker service" : "Windows Internal Database service"));
  }
  const installed = dwordValue(component);
  if (component && installed !== null && installed !== 0) {
    present = true;
    out.push(registryEvidence(component, "RDS-Connection-Broker"));
  }
  if (present) return { state: "present", evidence: out };
  // Absent only when Services or the component cache was collected whole (a dump of one service says nothing of Tssdis).
  const looked = keyCollected(ev, KEY.services) || keyCollected(ev, KEY.serverComponentCache);
  return { state: looked ? "absent" : "unknown", evidence: out };
}

// ── Was it renamed? ──────────────────────────────────────────────────────────────────────────────

interface Renames {
  logged: LoggedRename[];
  registry: RegistryRename[];
  /** When the logs show it; null for a rename seen only in the registry. */
  at: string | null;
  from: string;
  to: string;
}

function findRenames(ctx: ScenarioContext): Renames | null {
  const { spans, renames: logged } = renamesInLogs(ctx.evidence);
  const latest = [...spans].sort((a, b) => Date.parse(b.last) - Date.parse(a.last))[0];
  const registry = renamesInRegistry(registryNames(ctx.evidence), latest ? latest.names[0] : null);
  if (logged.length) {
    const last = logged[logged.length - 1];
    return { logged, registry, at: last.at, from: last.from.names[0], to: last.to.names[0] };
  }
  if (registry.length) return { logged, registry, at: null, from: registry[0].from, to: registry[0].to };
  return null;
}

// ── How it decides ───────────────────────────────────────────────────────────────────────────────

type SubCause = "renamed" | "database-or-rpc-failure";

interface Facts {
  role: Role["state"];
  renamed: boolean;
  /** Broker errors in the window, after the rename when the logs date it. */
  recentAfterRename: boolean;
  recent: boolean;
  stale: boolean;
  brokerLogsCollected: boolean;
}

type Rule = DecisionRule<Facts, SubCause>;

/** scenarios.md §3.3. The first row that matches decides. */
const DECISION: Rule[] = [
  {
    when: (f) => f.role === "present" && f.renamed && f.recentAfterRename,
    confidence: "high",
    subCause: "renamed",
    why: { en: "the broker role is installed, the machine was renamed, and 2056/1296 follow the rename in the window", ja: "ブローカーの役割があり、コンピューター名が変更され、その後の期間内に 2056/1296 が記録されています" },
  },
  {
    when: (f) => f.recent,
    confidence: "medium",
    subCause: "database-or-rpc-failure",
    why: { en: "2056/1296 in the window without evidence that this broker was renamed: a database or WID failure for another reason", ja: "期間内に 2056/1296 がありますが、このブローカーの名前変更の証拠はありません (別の原因によるデータベースまたは WID の障害)" },
  },
  {
    when: (f) => f.role === "present" && f.renamed && !f.brokerLogsCollected,
    confidence: "medium",
    subCause: "renamed",
    why: { en: "the broker role is installed and the machine was renamed; the SessionBroker logs were not collected to confirm the failure", ja: "ブローカーの役割があり、コンピューター名が変更されています (障害を確認する SessionBroker のログは収集されていません)" },
  },
  {
    when: (f) => f.role === "present" && f.renamed,
    confidence: "low",
    subCause: "renamed",
    why: { en: "the broker role is installed and the machine was renamed, but its logs show no broker error in the window", ja: "ブローカーの役割があり、コンピューター名が変更されていますが、期間内のログにブローカーのエラーはありません" },
  },
  {
    when: (f) => f.stale,
    confidence: "low",
    subCause: "database-or-rpc-failure",
    why: { en: "2056/1296 only outside the window", ja: "2056/1296 は期間外のものだけです" },
  },
];

// ── Detection ────────────────────────────────────────────────────────────────────────────────────

function detect(ctx: ScenarioContext): ScenarioResult {
  const { evidence, lang } = ctx;
  const seen = observe(ctx);
  const role = brokerRole(ctx, seen);
  const renames = findRenames(ctx);
  const after = (e: StoredEvent) => renames?.at == null || Date.parse(e.time) >= Date.parse(renames.at);
  const facts: Facts = {
    role: role.state,
    renamed: renames !== null,
    recentAfterRename: renames !== null && seen.recent.some(after),
    recent: seen.recent.length > 0,
    stale: seen.stale.length > 0,
    brokerLogsCollected: evidence.hasChannel(CHANNEL.sessionBroker) || evidence.hasChannel(CHANNEL.sessionBrokerClient),
  };
  const rule = DECISION.find((r) => r.when(facts));
  if (!rule) return quiet(ctx, facts, renames);

  return finding(BROKER_HOSTNAME_CHANGED, { confidence: rule.confidence, subCause: rule.subCause, why: rule.why[lang] }, {
    title: TITLE[rule.subCause][lang],
    cause: causeText(lang, rule.subCause, renames),
    explanation: explanationText(ctx, rule),
    evidence: [...renameEvidence(lang, renames, logSource(ctx)), ...role.evidence, ...eventList(lang, seen)],
    remediation: remediationFor(ctx, rule.subCause, renames),
  });
}

function quiet(ctx: ScenarioContext, facts: Facts, renames: Renames | null): ScenarioResult {
  const { evidence, lang } = ctx;
  // Healthy needs either the role shown absent (then §3.3 says "not this scenario"), or the broker's own
  // logs collected without 2056/1296. Without both, "no 2056/1296" only means the logs were not there.
  if (facts.role !== "absent" && !facts.brokerLogsCollected) {
    const ja = lang === "ja";
    return notChecked(
      (facts.role === "present"
        ? ja
          ? "RD 接続ブローカーの役割がありますが、SessionBroker のログが収集されていないため、2056/1296 がないことを確認できません。"
          : "The RD Connection Broker role is present, but its SessionBroker logs were not collected, so the absence of 2056/1296 means nothing. "
        : ja
          ? "RD 接続ブローカーの役割の有無 (Services\\Tssdis、ServerComponentCache) も SessionBroker のログも収集されていません。"
          : "Neither the RD Connection Broker role (Services\\Tssdis, ServerComponentCache) nor its SessionBroker logs were collected. ") +
        missingEvidenceText(lang, facts.role === "present" ? [NEED_BROKER_LOG, NEED_BROKER_CLIENT_LOG] : [NEED_ROLE, NEED_BROKER_LOG, NEED_BROKER_CLIENT_LOG]),
    );
  }
  const role =
    facts.role === "absent"
      ? lang === "ja" ? "RD 接続ブローカーの役割はインストールされていません" : "the RD Connection Broker role is not installed"
      : lang === "ja" ? "RD 接続ブローカーの役割の証拠はありません" : "no evidence of the RD Connection Broker role";
  const base =
    lang === "ja" ? `SessionBroker 2056 / SessionBroker-Client 1296 はなく、${role}。` : `No SessionBroker 2056 or SessionBroker-Client 1296, and ${role}.`;
  // A rename matters even without the broker: the self-signed RDP certificate is reissued under the new name.
  const note = renames
    ? lang === "ja"
      ? ` なお、コンピューター名は ${renames.from} から ${renames.to} に変更されています。RDP の自己署名証明書は新しい名前で再発行されるため、クライアントに証明書の警告が表示されることがあります。`
      : ` Note: the computer was renamed from ${renames.from} to ${renames.to}; the self-signed RDP certificate is reissued under the new name, so clients may see a certificate warning.`
    : "";
  return healthy(base + note);
}

// ── What the finding says ────────────────────────────────────────────────────────────────────────

const TITLE: Record<SubCause, Bilingual> = {
  renamed: { en: "RD Connection Broker was renamed", ja: "RD 接続ブローカーのコンピューター名が変更されています" },
  "database-or-rpc-failure": { en: "RD Connection Broker cannot reach its database", ja: "RD 接続ブローカーがデータベースに接続できません" },
};

function causeText(lang: Lang, subCause: SubCause, renames: Renames | null): string {
  if (subCause === "renamed" && renames) {
    return lang === "ja"
      ? `RD 接続ブローカーのサーバー名が ${renames.from} から ${renames.to} に変更されましたが、Windows Internal Database には古い名前が記録されたままです。`
      : `The RD Connection Broker server was renamed from ${renames.from} to ${renames.to}, while its Windows Internal Database still records the old name.`;
  }
  return lang === "ja"
    ? "RD 接続ブローカーがデータベース (Windows Internal Database) にログオンできず、接続を仲介できません。"
    : "The RD Connection Broker cannot log on to its database (Windows Internal Database), so it cannot broker connections.";
}

function explanationText(ctx: ScenarioContext, rule: Rule): string {
  const { lang } = ctx;
  const fix =
    rule.subCause === "renamed"
      ? lang === "ja"
        ? "ブローカーの名前変更はサポートされていません。修正はオンラインでのみ可能です: WID を使う他の役割 (WSUS、AD FS) がないことを確認してから、RD 接続ブローカーの役割と Windows Internal Database を削除・再インストールし、展開を再構築します。オフラインで名前を戻すとドメインのセキュア チャネルが壊れる可能性があるため、エンジニアの判断で行ってください。"
        : "Renaming a broker is unsupported. The fix is online only: check that no other role (WSUS, AD FS) uses the WID, then remove and reinstall the RD Connection Broker role and the Windows Internal Database and rebuild the deployment. Renaming back offline can break the domain secure channel: the engineer's decision."
      : lang === "ja"
        ? "名前変更以外の原因 (WID サービスの停止、データベース ファイルの破損、高可用性構成の SQL Server への到達不能など) を、稼働中の VM で確認してください。"
        : "Look for a cause other than a rename on the running VM: the WID service stopped, a damaged database file, or (high-availability deployments) an unreachable SQL Server.";
  return sentences(lang, [fix, windowedConfidenceSentence(ctx, rule.confidence, rule.why[lang])]);
}

/** The event log the Computer names were read from (System when collected). */
function logSource(ctx: ScenarioContext): string {
  const logs = ctx.evidence.sources().filter((s) => s.kind === "evtx");
  return (logs.find((s) => /(^|\/)System\.evtx$/i.test(s.path)) ?? logs[0])?.path ?? "";
}

function renameEvidence(lang: Lang, renames: Renames | null, source: string): Evidence[] {
  if (!renames) return [];
  const out: Evidence[] = [];
  for (const r of renames.logged) {
    out.push({
      kind: "observation",
      source,
      text:
        lang === "ja"
          ? `イベントの Computer: ${r.from.names.join(" / ")} (${r.from.first} ～ ${r.from.last}) の後、${r.to.names.join(" / ")} (${r.to.first} 以降)`
          : `Events' Computer field: ${r.from.names.join(" / ")} (${r.from.first} to ${r.from.last}), then ${r.to.names.join(" / ")} (from ${r.to.first})`,
    });
  }
  for (const r of renames.registry) {
    const note =
      r.kind === "pending-hostname"
        ? lang === "ja" ? `Hostname (${r.from}) と NV Hostname (${r.to}) が異なります: 次回起動時に名前が変わります` : `Hostname (${r.from}) and NV Hostname (${r.to}) differ: a rename waiting for the next boot`
        : lang === "ja" ? `構成されている名前 (${r.to}) が最新のイベントの名前 (${hostLabel(r.from)}) と異なります` : `configured name (${r.to}) differs from the newest events' name (${hostLabel(r.from)})`;
    for (const v of r.values) out.push(registryEvidence(v, note));
  }
  return out;
}

function eventList(lang: Lang, seen: Observed): Evidence[] {
  return windowedEventEvidence(seen, 6, (e, outside) => {
    const quoted = fieldValues(e).some((v) => v.toLowerCase().includes(FRAGMENT[e.eventId]));
    const fragment = quoted ? (lang === "ja" ? " (メッセージ本文あり)" : " (message text present)") : "";
    return `${e.eventId}: ${EVENT_TEXT[e.eventId][lang]}${fragment}${outsideWindowTag(lang, outside)}`;
  });
}

// ── Remediation ──────────────────────────────────────────────────────────────────────────────────
// Online only (scenarios.md §3.4): there is no offline fix for a broker's database.
// check-broker: read-only checks (names, roles using WID, services, secure channel).
// rebuild-broker: staged, $Step = 'check' by default; 'remove' then reboot, then 'reinstall'.

function remediationFor(ctx: ScenarioContext, subCause: SubCause, renames: Renames | null): Remediation[] {
  const values = { previousName: renames?.from ?? "", currentName: renames?.to ?? "" };
  const check = onlineScript(ctx, BROKER_HOSTNAME_CHANGED, "check-broker", { en: "Online: check the broker and who uses the WID (changes nothing)", ja: "オンライン: ブローカーの状態と WID の利用状況を確認する (変更なし)" }, values);
  if (subCause !== "renamed") return [check];
  const rebuild = onlineScript(ctx, BROKER_HOSTNAME_CHANGED, "rebuild-broker", { en: "Online: reinstall the RD Connection Broker role and WID and rebuild the deployment (in stages)", ja: "オンライン: RD 接続ブローカーの役割と WID を再インストールして展開を再構築する (段階実行)" }, values);
  return [check, rebuild];
}

export const brokerHostnameChanged: Scenario = {
  id: BROKER_HOSTNAME_CHANGED,
  text,
  needs,
  samples,
  detect,
};

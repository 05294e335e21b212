import type { EvidenceIndex } from "../store/evidence.js";
import type { Confidence, Evidence, Finding, Remediation } from "../report/findings.js";

export type Lang = "en" | "ja";

/** Text of a scenario in one language. Both languages are required (a test enforces it). */
export interface ScenarioText {
  /** Short title, e.g. "RDP certificate key in MachineKeys cannot be used". */
  title: string;
  /** One line for `rdp-triage scenarios`. */
  summary: string;
  /** What the scenario checks, for `rdp-triage explain`: a few sentences. */
  checks: string;
}

/** One piece of evidence a scenario reads, and how to collect it on a rescue VM (disk on %D%:). */
export interface EvidenceNeed {
  id: string;
  kind: "evtx" | "registry" | "acl";
  /** What it is, in English (the collector and `explain` print it). */
  description: string;
  /**
   * For evtx: the file under Windows\System32\winevt\Logs; for acl: the path below the drive root;
   * for registry: the logical key (HKLM\SYSTEM\CurrentControlSet\... / HKLM\SOFTWARE\...).
   */
  path: string;
  /**
   * A self-contained cmd script that collects it on the rescue VM: sets D (drive letter of the attached
   * disk) and OUT (output folder), loads the hives it reads, finds CS (the ControlSet00N of
   * Select\Current), runs the commands and unloads the hives (lib/collect.ts collectionScript).
   */
  collect: string;
  /** The bare command lines inside `collect` (using %D%, %OUT%, %CS%), to merge several needs into one script. */
  commands?: string[];
}

/** Where the broken disk sits on the rescue VM, filled from the evidence, for offline scripts. */
export interface OfflineTarget {
  /** Drive letter of the attached OS disk, without colon ("F" unless the evidence or --drive says otherwise). */
  drive: string;
  /** reg load mount names. */
  systemMount: string;
  softwareMount: string;
  /** ControlSet00N in effect (from Select\Current), e.g. "ControlSet001"; and whether that was assumed. */
  controlSet: string;
  controlSetAssumed: boolean;
}

export interface ScenarioContext {
  evidence: EvidenceIndex;
  lang: Lang;
  /** "Now": newest event time in the evidence unless --as-of. Null when there are no events and no --as-of. */
  asOf: string | null;
  /** Start of the recency window (asOf − recencyDays), or null when asOf is null. */
  recentSince: string | null;
  recencyDays: number;
  offline: OfflineTarget;
  /** Renders templates/remediation/<scenario>/<name>.<variant>.<ext>.hbs with values (validated first). */
  remediation(scenario: string, name: string, variant: "offline" | "online", shell: "powershell" | "cmd", title: string, values?: Record<string, string>): Remediation;
}

/** What one scenario concluded. */
export interface ScenarioResult {
  findings: Finding[];
  /** When there is no finding: healthy (with what cleared it) or not-checked (with what is missing). */
  status: "finding" | "healthy" | "not-checked";
  detail: string;
}

export interface Scenario {
  /** Stable id, part of the JSON contract. */
  id: string;
  text: Record<Lang, ScenarioText>;
  needs: EvidenceNeed[];
  /** Sample folders under samples/ that prove it (positive and quiet). */
  samples: string[];
  detect(ctx: ScenarioContext): ScenarioResult;
}

export type { Confidence, Evidence, Finding, Remediation };

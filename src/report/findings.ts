// The one findings model. Scenarios produce it, renderers (HTML, JSON, Markdown) consume it.
// Its JSON form is a public contract (README "JSON findings"): change only on purpose.

export type Confidence = "high" | "medium" | "low";
export const CONFIDENCE_ORDER: Confidence[] = ["high", "medium", "low"];

export interface EventEvidence {
  kind: "event";
  /** Source path relative to the evidence folder. */
  source: string;
  recordId: number;
  time: string;
  eventId: number;
  provider: string | null;
  channel: string | null;
  computer: string | null;
  level: number | null;
  fields: { name: string; value: string | null }[];
  /** Why this record matters, one short phrase. */
  note?: string;
}

export interface AclEvidence {
  kind: "acl";
  source: string;
  line: number;
  path: string;
  principal: string;
  sid: string | null;
  access: "allow" | "deny";
  rights: string;
  inherited: boolean;
  note?: string;
}

export interface RegistryEvidence {
  kind: "registry";
  source: string;
  line: number;
  key: string;
  rawKey: string;
  name: string;
  type: string;
  /** Rendered as text: numbers in decimal and 0x hex, lists joined with "; ". */
  value: string | null;
  note?: string;
}

/** A fact derived from the evidence as a whole (e.g. "MachineKeys file for TSSecKeySet1 is missing"). */
export interface ObservationEvidence {
  kind: "observation";
  source: string;
  text: string;
}

export type Evidence = EventEvidence | AclEvidence | RegistryEvidence | ObservationEvidence;

export interface Remediation {
  title: string;
  shell: "powershell" | "cmd";
  variant: "offline" | "online";
  /** Where to run it, one sentence (e.g. "rescue VM, disk attached as F:"). */
  where: string;
  script: string;
}

export interface Finding {
  scenario: string;
  confidence: Confidence;
  /** Stable sub-cause id, e.g. "access-denied", "keyset-missing"; null when not applicable. */
  subCause: string | null;
  title: string;
  /** One sentence: the verdict line. */
  cause: string;
  /** Two or three sentences in plain words. */
  explanation: string;
  evidence: Evidence[];
  remediation: Remediation[];
}

export interface CheckedScenario {
  scenario: string;
  title: string;
  status: "finding" | "healthy" | "not-checked";
  /** What cleared it, or what was missing (with the command to collect it). */
  detail: string;
}

export interface SourceSummary {
  path: string;
  kind: string;
  encoding: string | null;
  size: number;
  sha256: string;
  records: number;
  firstEvent: string | null;
  lastEvent: string | null;
  /** Which disk of the collection it came from (CaseLogs drive folder, Disk Inspect device); null when one. */
  drive: string | null;
  problems: { code: string; message: string; location: string | null }[];
}

/** The path of the sources row that carries the problems of the evidence folder as a whole (JSON contract). */
export const FOLDER_ROW_PATH = "(evidence folder)";

/** That row: problems about no one file (collector misses, refused archive entries, links not followed). */
export function folderSourceRow(problems: SourceSummary["problems"]): SourceSummary {
  return { path: FOLDER_ROW_PATH, kind: "folder", encoding: null, size: 0, sha256: "", records: 0, firstEvent: null, lastEvent: null, drive: null, problems };
}

/**
 * An archive the evidence was read from in place (a CaseLogs or Disk Inspect zip given as the input,
 * or a zip inside the evidence folder): the container's own identity for the chain of custody. Its
 * files are the sources whose path starts with `<path>!/`.
 */
export interface ArchiveSummary {
  /** Relative to the evidence folder; the file name when the zip itself was the input. */
  path: string;
  size: number;
  /** SHA-256 of the archive file as read; "" when it could not be read. */
  sha256: string;
  /** Files extracted from it (and from a zip nested inside it), i.e. sources under `<path>!/`. */
  entries: number;
}

export interface TimelineEntry {
  time: string;
  source: string;
  recordId: number;
  eventId: number;
  provider: string | null;
  computer: string | null;
  scenario: string;
  summary: string;
}

export interface CaseInfo {
  caseId?: string;
  analyst?: string;
  vm?: string;
  note?: string;
  /** The rdp-triage command line that produced the report (chain of custody). */
  command?: string;
}

export interface Report {
  tool: { name: "rdp-triage"; version: string };
  /** Time of the run; the only field allowed to differ between runs over the same evidence. */
  generatedAt: string;
  /** "Now" for recency windows: newest event time unless --as-of. */
  asOf: string | null;
  evidenceRoot: string;
  lang: "en" | "ja";
  case: CaseInfo;
  findings: Finding[];
  checked: CheckedScenario[];
  timeline: TimelineEntry[];
  sources: SourceSummary[];
  /** Archives read in place; absent (not empty) when the evidence held none. */
  archives?: ArchiveSummary[];
}

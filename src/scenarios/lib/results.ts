import type { Confidence, Evidence, Finding, Remediation } from "../../report/findings.js";
import type { ScenarioContext, ScenarioResult } from "../types.js";
import { cappedVerdict } from "./configRegistry.js";
import type { Bilingual } from "./text.js";

// What a scenario's detect() returns, built alike everywhere (types.ts ScenarioResult).

/** One row of a decision table: the first row whose `when` holds decides. */
export interface DecisionRule<F, S, W = Bilingual> {
  when: (facts: F) => boolean;
  confidence: Confidence;
  subCause: S;
  why: W;
}

/** A row of a configuration scenario's table, which also says what the verdict rests on. */
export interface ConfigDecisionRule<F, S> extends DecisionRule<F, S> {
  /** Rests on a SYSTEM value (capped at medium without Select\Current). */
  onConfig: boolean;
}

/** No finding, and what cleared the scenario. */
export function healthy(detail: string): ScenarioResult {
  return { findings: [], status: "healthy", detail };
}

/** No finding, and what is missing to decide (usually missingEvidenceText). */
export function notChecked(detail: string): ScenarioResult {
  return { findings: [], status: "not-checked", detail };
}

/** What a finding says besides its verdict. */
export interface FindingText {
  title: string;
  cause: string;
  explanation: string;
  evidence: Evidence[];
  remediation: Remediation[];
}

/** One finding; the detail of the scenario's line in the checked list is the verdict's reason. */
export function finding(
  scenario: string,
  verdict: { confidence: Confidence; subCause: string | null; why: string },
  text: FindingText,
): ScenarioResult {
  const f: Finding = {
    scenario,
    confidence: verdict.confidence,
    subCause: verdict.subCause,
    title: text.title,
    cause: text.cause,
    explanation: text.explanation,
    evidence: text.evidence,
    remediation: text.remediation,
  };
  return { findings: [f], status: "finding", detail: verdict.why };
}

/** What a configuration finding says; the explanation is written after the control-set cap. */
export interface ConfigFindingText<S extends string> {
  /** Whether the verdict rests on a SYSTEM value (see cappedVerdict). */
  onSystemValue: boolean;
  title: Record<S, Bilingual>;
  cause: string;
  explanation: (confidence: Confidence, why: string) => string;
  evidence: Evidence[];
  remediation: Remediation[];
}

/**
 * The finding of a configuration scenario: the verdict of the rule that decided, capped at medium when it
 * rests on a SYSTEM value and Select\Current was not collected (§0.3), and what the finding says.
 */
export function configFinding<S extends string>(
  ctx: ScenarioContext,
  scenario: string,
  verdict: { confidence: Confidence; subCause: S; why: Bilingual | string },
  text: ConfigFindingText<S>,
): ScenarioResult {
  const reason = typeof verdict.why === "string" ? verdict.why : verdict.why[ctx.lang];
  const { confidence, why } = cappedVerdict(ctx, verdict.confidence, reason, text.onSystemValue);
  return finding(scenario, { confidence, subCause: verdict.subCause, why }, {
    title: text.title[verdict.subCause][ctx.lang],
    cause: text.cause,
    explanation: text.explanation(confidence, why),
    evidence: text.evidence,
    remediation: text.remediation,
  });
}

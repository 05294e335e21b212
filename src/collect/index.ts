// `rdp-triage collect`: writes the rescue-VM collector script for the known scenarios.

import { writeFileAtomic } from "../pipeline/writeAtomic.js";
import { SCENARIOS } from "../scenarios/index.js";
import type { Scenario } from "../scenarios/types.js";
import { generateCollector, type CollectorOptions } from "./generateCollector.js";

export { generateCollector, normalizeDrive, psQuote, type CollectorOptions } from "./generateCollector.js";
export { collectorCoverage, readScriptTables, type UncoveredNeed } from "./coverage.js";
export { planCollection, type CollectionPlan } from "./plan.js";
export { checkCmdScript, CMD_MAX_LINE } from "./cmdScript.js";
// powershellSyntax.ts is not re-exported: it loads development dependencies (import it directly).

export const DEFAULT_COLLECTOR_FILE = "collect-rdp-evidence.ps1";

export interface WriteCollectorOptions extends CollectorOptions {
  /** Scenarios whose needs to collect (default: every scenario rdp-triage knows). */
  scenarios?: Scenario[];
}

/**
 * Writes the collector to outFile (atomically), as UTF-8 with a BOM so Windows PowerShell 5.1 reads
 * any non-ASCII text in it correctly. Returns the script text.
 */
export function writeCollector(outFile: string, options: WriteCollectorOptions = {}): string {
  const script = generateCollector(options.scenarios ?? SCENARIOS, { drive: options.drive });
  writeFileAtomic(outFile, `\uFEFF${script}`);
  return script;
}

import type { Remediation } from "../../report/findings.js";
import type { ScenarioContext } from "../types.js";
import type { Bilingual } from "./text.js";

// Remediation scripts (templates/remediation/<scenario>/<name>.<variant>.<ext>.hbs) as scenarios offer
// them: offline on the rescue VM in cmd, online on the broken VM in PowerShell; titles in both languages.

/** Titles of a template's two scripts. */
export interface ScriptTitles {
  offline: Bilingual;
  online: Bilingual;
}

/** A template's offline script (rescue VM, cmd) and its online one (the VM itself, PowerShell), in that order. */
export function offlineAndOnline(
  ctx: ScenarioContext,
  scenario: string,
  name: string,
  titles: ScriptTitles,
  values?: Record<string, string>,
): Remediation[] {
  return [
    ctx.remediation(scenario, name, "offline", "cmd", titles.offline[ctx.lang], values),
    ctx.remediation(scenario, name, "online", "powershell", titles.online[ctx.lang], values),
  ];
}

/** A template's online PowerShell script, for fixes that need the running VM. */
export function onlineScript(ctx: ScenarioContext, scenario: string, name: string, title: Bilingual, values?: Record<string, string>): Remediation {
  return ctx.remediation(scenario, name, "online", "powershell", title[ctx.lang], values);
}

/** Offline scripts first, in the order to run them; then the online ones. */
export function offlineFirst(scripts: Remediation[]): Remediation[] {
  return [...scripts.filter((r) => r.variant === "offline"), ...scripts.filter((r) => r.variant === "online")];
}

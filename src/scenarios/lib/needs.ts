import type { EvidenceNeed } from "../types.js";
import { COLLECT } from "./collect.js";
import { COLLECT_CONFIG } from "./collectConfig.js";
import { CONFIG_KEY } from "./configRegistry.js";
import { LOG_FILE } from "./events.js";
import { KEY } from "./registry.js";

// The evidence a scenario reads (types.ts EvidenceNeed), built alike everywhere: the collect commands come
// from lib/collect.ts and lib/collectConfig.ts; the scenario says in its own words what it reads there.

/** An event log under Windows\System32\winevt\Logs. */
export function eventLogNeed(id: string, file: string, description: string): EvidenceNeed {
  return { id, kind: "evtx", description, path: file, collect: COLLECT.eventLog(file) };
}

/** The System event log; `what` says what the scenario looks for in it. */
export function systemLogNeed(what: string): EvidenceNeed {
  return { id: "system-log", kind: "evtx", description: `System event log (${what})`, path: LOG_FILE.system, collect: COLLECT.systemLog };
}

/** A registry key (its logical path) and the rescue-VM commands that export it. */
export function registryNeed(id: string, description: string, path: string, collect: string): EvidenceNeed {
  return { id, kind: "registry", description, path, collect };
}

/** The Terminal Server key, read at `path` (it or a key below it); `withPolicies` exports SOFTWARE\Policies too. */
export function terminalServerNeed(description: string, path: string, options: { withPolicies?: boolean } = {}): EvidenceNeed {
  const collect = options.withPolicies ? `${COLLECT.terminalServer}\n${COLLECT.policies}` : COLLECT.terminalServer;
  return registryNeed("terminal-server", description, path, collect);
}

/** Services\<name> keys of the control set in use: the path is the first one's, each one is exported. */
export function serviceNeed(id: string, description: string, services: string[]): EvidenceNeed {
  return registryNeed(id, description, CONFIG_KEY.service(services[0]), services.map((s) => COLLECT.service(s)).join("\n"));
}

/** Control\Lsa of the control set in use. */
export function lsaNeed(description: string): EvidenceNeed {
  return registryNeed("lsa", description, CONFIG_KEY.lsa, COLLECT_CONFIG.lsa);
}

/** The Windows Firewall's local store (profiles and rules under SharedAccess\Parameters\FirewallPolicy). */
export function firewallNeed(description: string): EvidenceNeed {
  return registryNeed("firewall", description, CONFIG_KEY.firewallPolicy, COLLECT_CONFIG.firewall);
}

/** The Windows Firewall's Group Policy (SOFTWARE\Policies\Microsoft\WindowsFirewall). */
export function firewallPolicyNeed(description: string): EvidenceNeed {
  return registryNeed("firewall-policy", description, CONFIG_KEY.firewallGpo, COLLECT_CONFIG.policies);
}

/** The machine certificate stores (MY, Remote Desktop) under SOFTWARE\Microsoft\SystemCertificates. */
export function certificateStoresNeed(description: string): EvidenceNeed {
  return registryNeed("certificate-stores", description, KEY.systemCertificates, COLLECT.systemCertificates);
}

/** Select\Current, for scenarios that read it only to know where a fix must write. */
export const NEED_SELECT_FOR_FIX: EvidenceNeed = registryNeed(
  "select",
  "Select\\Current, the control set the fix must write to",
  KEY.select,
  COLLECT.selectKey,
);

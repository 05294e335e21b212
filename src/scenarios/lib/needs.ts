import type { EvidenceNeed } from "../types.js";
import { COLLECT, collectionScript } from "./collect.js";
import { COLLECT_CONFIG } from "./collectConfig.js";
import { CONFIG_KEY } from "./configRegistry.js";
import { LOG_FILE } from "./events.js";
import { KEY } from "./registry.js";

// The evidence a scenario reads (types.ts EvidenceNeed), built alike everywhere: the collect commands come
// from lib/collect.ts and lib/collectConfig.ts; the scenario says in its own words what it reads there.
// `collect` is the self-contained script around those commands (collectionScript), `commands` the bare lines.

/** An EvidenceNeed whose `collect` is a runnable script around `commands` (bare lines of COLLECT). */
export function need(id: string, kind: EvidenceNeed["kind"], description: string, path: string, commands: string): EvidenceNeed {
  const lines = commands.split("\n").filter((l) => l.trim() !== "");
  return { id, kind, description, path, collect: collectionScript(lines), commands: lines };
}

/** An event log under Windows\System32\winevt\Logs. */
export function eventLogNeed(id: string, file: string, description: string): EvidenceNeed {
  return need(id, "evtx", description, file, COLLECT.eventLog(file));
}

/** The System event log; `what` says what the scenario looks for in it. */
export function systemLogNeed(what: string): EvidenceNeed {
  return need("system-log", "evtx", `System event log (${what})`, LOG_FILE.system, COLLECT.systemLog);
}

/** A registry key (its logical path) and the rescue-VM commands that export it. */
export function registryNeed(id: string, description: string, path: string, collect: string): EvidenceNeed {
  return need(id, "registry", description, path, collect);
}

/** A folder's ACL dump (path below the drive root) and the icacls commands that take it. */
export function aclNeed(id: string, description: string, path: string, collect: string): EvidenceNeed {
  return need(id, "acl", description, path, collect);
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

/** Select\Current, for scenarios whose verdict depends on which ControlSet00N is the configuration in effect. */
export const NEED_SELECT_CURRENT: EvidenceNeed = registryNeed(
  "select",
  "Select\\Current, the control set in effect and the one the fix must write to",
  KEY.select,
  COLLECT.selectKey,
);

import type { EvidenceIndex, StoredRegistryValue } from "../../store/evidence.js";
import { KEY, stringValue } from "./registry.js";

// Evidence that the machine was renamed (scenarios.md §3.2). A rename changes the left-most label of
// the name; a suffix-only change (host → host.contoso.com) is a domain join, not a rename. NetBIOS
// names are the first 15 characters of the host name, upper-cased.

export function hostLabel(name: string): string {
  return name.trim().split(".")[0].toLowerCase();
}

export function sameHost(a: string, b: string): boolean {
  const x = hostLabel(a);
  const y = hostLabel(b);
  // A NetBIOS name (15 characters) matches the longer DNS host name it was cut from.
  return x === y || (Math.min(x.length, y.length) === 15 && x.slice(0, 15) === y.slice(0, 15));
}

export interface NameSpan {
  label: string;
  /** The spellings seen (FQDN and short). */
  names: string[];
  first: string;
  last: string;
  count: number;
}

export interface LoggedRename {
  from: NameSpan;
  to: NameSpan;
  /** First record logged under the new name. */
  at: string;
}

/**
 * Renames seen in the Computer field of the events: one host label stops where the next begins.
 * Labels that interleave (forwarded events from several machines) are not a rename.
 */
export function renamesInLogs(evidence: EvidenceIndex): { spans: NameSpan[]; renames: LoggedRename[] } {
  const byLabel = new Map<string, NameSpan>();
  for (const c of evidence.computerNames()) {
    const label = hostLabel(c.computer);
    if (!label) continue;
    const span = byLabel.get(label);
    if (!span) {
      byLabel.set(label, { label, names: [c.computer], first: c.first, last: c.last, count: c.count });
      continue;
    }
    if (!span.names.includes(c.computer)) span.names.push(c.computer);
    if (Date.parse(c.first) < Date.parse(span.first)) span.first = c.first;
    if (Date.parse(c.last) > Date.parse(span.last)) span.last = c.last;
    span.count += c.count;
  }
  const spans = [...byLabel.values()].sort((a, b) => Date.parse(a.first) - Date.parse(b.first));
  const renames: LoggedRename[] = [];
  for (let i = 1; i < spans.length; i++) {
    const from = spans[i - 1];
    const to = spans[i];
    if (sameHost(from.label, to.label)) continue;
    if (Date.parse(from.last) <= Date.parse(to.first)) renames.push({ from, to, at: to.first });
  }
  return { spans, renames };
}

export interface RegistryNames {
  /** ComputerName\ComputerName: the configured NetBIOS name, effective at next boot. */
  computerName: StoredRegistryValue | undefined;
  /** Tcpip Hostname (running) and NV Hostname (configured). */
  hostname: StoredRegistryValue | undefined;
  nvHostname: StoredRegistryValue | undefined;
}

export function registryNames(evidence: EvidenceIndex): RegistryNames {
  return {
    computerName: evidence.registryValue(KEY.computerName, "ComputerName"),
    hostname: evidence.registryValue(KEY.tcpipParameters, "Hostname"),
    nvHostname: evidence.registryValue(KEY.tcpipParameters, "NV Hostname"),
  };
}

export interface RegistryRename {
  kind: "pending-hostname" | "configured-differs-from-logs";
  from: string;
  to: string;
  values: StoredRegistryValue[];
}

/**
 * Renames the registry shows: NV Hostname ≠ Hostname (a rename waiting for the next boot), or the
 * configured name ≠ the name the newest events were logged under.
 */
export function renamesInRegistry(names: RegistryNames, latestLoggedName: string | null): RegistryRename[] {
  const out: RegistryRename[] = [];
  const hostname = stringValue(names.hostname);
  const nv = stringValue(names.nvHostname);
  if (hostname && nv && !sameHost(hostname, nv)) {
    out.push({ kind: "pending-hostname", from: hostname, to: nv, values: [names.hostname!, names.nvHostname!] });
  }
  const configured = stringValue(names.computerName) ?? nv;
  const configuredValue = stringValue(names.computerName) ? names.computerName! : names.nvHostname;
  if (configured && latestLoggedName && !sameHost(configured, latestLoggedName) && configuredValue) {
    out.push({ kind: "configured-differs-from-logs", from: latestLoggedName, to: configured, values: [configuredValue] });
  }
  return out;
}

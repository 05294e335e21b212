import type { EvidenceIndex, StoredEvent } from "../../store/evidence.js";
import { fieldValue } from "./events.js";

// Failed logons at the rate of a password-guessing attack (scenarios.md §5.10). Security 4625 from
// Microsoft-Windows-Security-Auditing with the attacker's address (IpAddress) and the account tried
// (TargetUserName); RdpCoreTS 140 (IPString) counts the same failures when Security auditing is off.
//
// Thresholds (a project heuristic, stated here so a report can quote them):
//   - RATE: at least 100 failures inside one sliding 60-minute window. That is one every 36 seconds for
//     an hour; nobody mistypes a password that often, and a stale saved password retries far slower.
//   - SPREAD: within that same window, at least 5 distinct public source addresses, or at least 20
//     distinct account names. A single host on a private address hammering one account is a broken
//     service or script, not an attack from the Internet, and stays below SPREAD.
// Only logon types 3 (network: NLA's pre-authentication) and 10 (RemoteInteractive) count; 2, 4, 5, 7,
// 8, 11 are console, batch, service, unlock, cleartext and cached logons, which RDP clients on the
// Internet do not produce.

export const BRUTE_FORCE_THRESHOLDS = {
  windowMinutes: 60,
  minFailures: 100,
  minPublicSources: 5,
  minAccounts: 20,
} as const;

export const SECURITY_PROVIDER = "Microsoft-Windows-Security-Auditing";
export const LOGON_FAILED = 4625;
export const LOGON_SUCCEEDED = 4624;
export const RDPCORETS_BAD_CREDENTIALS = 140;
const RDP_LOGON_TYPES = new Set(["3", "10"]);
/** STATUS_ACCOUNT_LOCKED_OUT in Status or SubStatus. */
export const STATUS_LOCKED_OUT = 0xc0000234;

export interface Failure {
  event: StoredEvent;
  time: number;
  /** The remote address, or null for "-", empty or unparsable. */
  address: string | null;
  publicAddress: boolean;
  /** Lower-cased account name as tried, or null (RdpCoreTS 140 has none). */
  account: string | null;
  lockedOut: boolean;
}

export interface Burst {
  start: number;
  end: number;
  failures: Failure[];
  publicSources: number;
  accounts: number;
}

export interface FailureAnalysis {
  source: "security" | "rdpcorets";
  failures: Failure[];
  /** The densest window that meets RATE and SPREAD, or null. */
  burst: Burst | null;
  /** The densest 60-minute window whatever its spread (what a quiet verdict quotes). */
  peak: Burst | null;
}

// ── Addresses ────────────────────────────────────────────────────────────────────────────────────

/** An address from outside the VM's networks: not private (RFC 1918, ULA), loopback, link-local, CGNAT or multicast. */
export function isPublicAddress(address: string): boolean {
  const a = address.trim().replace(/^::ffff:/i, "");
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [o1, o2] = [Number(v4[1]), Number(v4[2])];
    if ([v4[1], v4[2], v4[3], v4[4]].some((o) => Number(o) > 255)) return false;
    if (o1 === 10 || o1 === 127 || o1 === 0 || o1 >= 224) return false;
    if (o1 === 172 && o2 >= 16 && o2 <= 31) return false;
    if (o1 === 192 && o2 === 168) return false;
    if (o1 === 169 && o2 === 254) return false;
    if (o1 === 100 && o2 >= 64 && o2 <= 127) return false; // CGNAT
    if (o1 === 168 && o2 === 63) return false; // Azure's platform address 168.63.129.16
    return true;
  }
  if (/^[0-9a-f:]+$/i.test(a) && a.includes(":")) {
    const lower = a.toLowerCase();
    if (lower === "::1" || lower === "::") return false;
    if (/^fe[89ab]/.test(lower) || /^f[cd]/.test(lower)) return false; // link-local, unique-local
    return true;
  }
  return false;
}

function cleanAddress(value: string | null): string | null {
  if (!value) return null;
  const v = value.trim().replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/, "$1"); // "ip:port" as RdpCoreTS 131 writes it
  return v === "-" || v === "" ? null : v;
}

function hexStatus(value: string | null): number | null {
  if (!value) return null;
  const n = /^0x[0-9a-f]+$/i.test(value) ? Number.parseInt(value.slice(2), 16) : /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isNaN(n) ? null : n >>> 0;
}

// ── Reading the events ───────────────────────────────────────────────────────────────────────────

function fromSecurity(e: StoredEvent): Failure | null {
  const logonType = fieldValue(e, "LogonType");
  if (logonType !== null && !RDP_LOGON_TYPES.has(logonType)) return null;
  const address = cleanAddress(fieldValue(e, "IpAddress"));
  const account = fieldValue(e, "TargetUserName");
  const locked = [hexStatus(fieldValue(e, "Status")), hexStatus(fieldValue(e, "SubStatus"))].includes(STATUS_LOCKED_OUT);
  return {
    event: e,
    time: Date.parse(e.time),
    address,
    publicAddress: address !== null && isPublicAddress(address),
    account: account && account !== "-" ? account.toLowerCase() : null,
    lockedOut: locked,
  };
}

function fromRdpCoreTs(e: StoredEvent): Failure {
  const address = cleanAddress(fieldValue(e, "IPString"));
  return { event: e, time: Date.parse(e.time), address, publicAddress: address !== null && isPublicAddress(address), account: null, lockedOut: false };
}

export function securityFailures(evidence: EvidenceIndex): Failure[] {
  return evidence
    .events({ providers: [SECURITY_PROVIDER], ids: [LOGON_FAILED] })
    .map(fromSecurity)
    .filter((f): f is Failure => f !== null && !Number.isNaN(f.time));
}

export function rdpCoreTsFailures(evidence: EvidenceIndex, provider: string): Failure[] {
  return evidence
    .events({ providers: [provider], ids: [RDPCORETS_BAD_CREDENTIALS] })
    .map(fromRdpCoreTs)
    .filter((f) => !Number.isNaN(f.time));
}

// ── The sliding window ───────────────────────────────────────────────────────────────────────────

/**
 * Slides a 60-minute window over the failures (sorted by time) and returns the densest window that
 * meets RATE and SPREAD, and the densest window of all. Counts per address and per account are kept
 * incrementally, so a Security log of a hundred thousand failures is one pass.
 */
export function findBursts(failures: Failure[]): { burst: Burst | null; peak: Burst | null } {
  const sorted = [...failures].sort((a, b) => a.time - b.time);
  const span = BRUTE_FORCE_THRESHOLDS.windowMinutes * 60_000;
  const sources = new Map<string, number>();
  const accounts = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string | null, d: number) => {
    if (k === null) return;
    const n = (m.get(k) ?? 0) + d;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
  };
  let burst: Burst | null = null;
  let peak: Burst | null = null;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    const f = sorted[hi];
    bump(sources, f.publicAddress ? f.address : null, 1);
    bump(accounts, f.account, 1);
    while (f.time - sorted[lo].time > span) {
      const g = sorted[lo++];
      bump(sources, g.publicAddress ? g.address : null, -1);
      bump(accounts, g.account, -1);
    }
    const count = hi - lo + 1;
    const make = (): Burst => ({ start: sorted[lo].time, end: f.time, failures: sorted.slice(lo, hi + 1), publicSources: sources.size, accounts: accounts.size });
    if (!peak || count > peak.failures.length) peak = make();
    const spread = sources.size >= BRUTE_FORCE_THRESHOLDS.minPublicSources || accounts.size >= BRUTE_FORCE_THRESHOLDS.minAccounts;
    if (count >= BRUTE_FORCE_THRESHOLDS.minFailures && spread && (!burst || count > burst.failures.length)) burst = make();
  }
  return { burst, peak };
}

/** The most frequent values with their counts, most frequent first (ties by value, for stable reports). */
export function topCounts(values: (string | null)[], max: number): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, max);
}

/** Accounts that logged on successfully over RDP (4624 type 10), lower-cased: the legitimate users. */
export function rdpLogonAccounts(evidence: EvidenceIndex): { accounts: Set<string>; addresses: Set<string> } {
  const accounts = new Set<string>();
  const addresses = new Set<string>();
  for (const e of evidence.events({ providers: [SECURITY_PROVIDER], ids: [LOGON_SUCCEEDED] })) {
    if (fieldValue(e, "LogonType") !== "10") continue;
    const user = fieldValue(e, "TargetUserName");
    if (user && user !== "-") accounts.add(user.toLowerCase());
    const ip = cleanAddress(fieldValue(e, "IpAddress"));
    if (ip) addresses.add(ip);
  }
  return { accounts, addresses };
}

import type { RegistryEvidence } from "../../report/findings.js";
import type { EvidenceIndex, StoredRegistryValue } from "../../store/evidence.js";

// Logical keys (the index maps mount names and ControlSet00N onto these).
export const KEY = {
  select: "HKLM\\SYSTEM\\Select",
  terminalServer: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server",
  rdpTcp: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp",
  tsPolicy: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services",
  schannel: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
  schannelProtocols: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols",
  computerName: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName",
  activeComputerName: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName",
  tcpipParameters: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters",
  services: "HKLM\\SYSTEM\\CurrentControlSet\\Services",
  cryptography: "HKLM\\SOFTWARE\\Microsoft\\Cryptography",
  systemCertificates: "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates",
  myCertificates: "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\MY\\Certificates",
  remoteDesktopCertificates: "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop\\Certificates",
  currentVersion: "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
  serverComponentCache: "HKLM\\SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache",
} as const;

export function dwordValue(v: StoredRegistryValue | undefined): number | null {
  if (!v) return null;
  if (typeof v.value === "number") return v.value;
  if (typeof v.value === "string" && /^\d+$/.test(v.value)) return Number(v.value); // QWORD beyond 2^53
  return null;
}

export function stringValue(v: StoredRegistryValue | undefined): string | null {
  if (!v || typeof v.value !== "string") return null;
  const s = v.value.trim();
  return s === "" ? null : s;
}

/** Rendered for reports: numbers in decimal and 0x hex, lists joined with "; ". */
export function renderRegistryValue(v: StoredRegistryValue): string | null {
  if (v.value === null) return null;
  if (Array.isArray(v.value)) return v.value.join("; ");
  if (typeof v.value === "number") return `${v.value} (0x${v.value.toString(16)})`;
  return v.value;
}

export function registryEvidence(v: StoredRegistryValue, note?: string): RegistryEvidence {
  return {
    kind: "registry",
    source: v.source,
    line: v.line,
    key: v.key,
    rawKey: v.rawKey,
    name: v.name,
    type: v.type,
    value: renderRegistryValue(v),
    ...(note ? { note } : {}),
  };
}

/** True when anything at or below this logical key was collected (a key line alone counts). */
export function collectedUnder(evidence: EvidenceIndex, key: string): boolean {
  return evidence.registryKeyExists(key) || evidence.hasRegistryUnder(key);
}

/**
 * True when the key was collected whole, so that a value absent from it is really absent: the key itself,
 * or a key above it, appears in the evidence as a key (reg export and reg query /s take every subkey along,
 * a raw hive holds them all). A dump of a sibling or of a subkey only does not count.
 */
export function keyCollected(evidence: EvidenceIndex, key: string): boolean {
  const parts = key.split("\\");
  for (let n = parts.length; n >= 2; n--) if (evidence.registryKeyExists(parts.slice(0, n).join("\\"))) return true;
  return false;
}

/** The dump a key was read from, for evidence that points at a key rather than one value. */
export function registrySourceOf(evidence: EvidenceIndex, key: string): string {
  return (
    evidence.registryValues(key, { subtree: true })[0]?.source ??
    evidence.sources().find((s) => s.kind === "reg-file" || s.kind === "reg-query" || s.kind === "hive")?.path ??
    ""
  );
}

/** `MachineGuid` (REG_SZ under SOFTWARE\Microsoft\Cryptography): names the live RDP key container file. */
export function machineGuid(evidence: EvidenceIndex): StoredRegistryValue | undefined {
  return evidence.registryValue(KEY.cryptography, "MachineGuid");
}

/** `CurrentBuild` (falls back to `CurrentBuildNumber`), the number the OS-dependent defaults are decided on. */
export function currentBuild(evidence: EvidenceIndex): { build: number; value: StoredRegistryValue } | null {
  for (const name of ["CurrentBuild", "CurrentBuildNumber"]) {
    const v = evidence.registryValue(KEY.currentVersion, name);
    const text = v ? (typeof v.value === "number" ? String(v.value) : stringValue(v)) : null;
    if (v && text && /^\d+$/.test(text)) return { build: Number(text), value: v };
  }
  return null;
}

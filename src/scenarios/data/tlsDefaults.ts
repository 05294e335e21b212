// Schannel's built-in protocol defaults by OS build (scenarios.md §2.2, from Microsoft's "Protocols in
// TLS/SSL (Schannel SSP)"). Client and server defaults are identical; only the server side is read here.
// "disabled" = supported but off unless the registry turns it on; "unsupported" = never negotiated.

export const TLS_VERSIONS = ["TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];
export type TlsDefault = "enabled" | "disabled" | "unsupported";

export interface TlsDefaultsRow {
  /** First CurrentBuild the row applies to. */
  minBuild: number;
  os: string;
  defaults: Record<TlsVersion, TlsDefault>;
}

/** Ordered by minBuild; the last row whose minBuild ≤ CurrentBuild applies. */
export const TLS_DEFAULTS: TlsDefaultsRow[] = [
  {
    minBuild: 0,
    os: "Windows Server 2008 SP2 / 2008 R2 / Windows 7",
    defaults: { "TLS 1.0": "enabled", "TLS 1.1": "disabled", "TLS 1.2": "disabled", "TLS 1.3": "unsupported" },
  },
  {
    minBuild: 9200,
    os: "Windows Server 2012 / 2012 R2, Windows 8 / 8.1",
    defaults: { "TLS 1.0": "enabled", "TLS 1.1": "enabled", "TLS 1.2": "enabled", "TLS 1.3": "unsupported" },
  },
  {
    minBuild: 10240,
    os: "Windows 10 1507–22H2, Windows Server 2016 / 2019",
    defaults: { "TLS 1.0": "enabled", "TLS 1.1": "enabled", "TLS 1.2": "enabled", "TLS 1.3": "unsupported" },
  },
  {
    minBuild: 20348,
    os: "Windows Server 2022 / 2025, Windows 11",
    defaults: { "TLS 1.0": "enabled", "TLS 1.1": "enabled", "TLS 1.2": "enabled", "TLS 1.3": "enabled" },
  },
];

/** Versions that current RDP clients may refuse (deprecated; off on hardened clients). */
export const LEGACY_TLS: TlsVersion[] = ["TLS 1.0", "TLS 1.1"];

/**
 * Used when CurrentBuild is not in the evidence: the 2016/2019 row, the most common Azure image family.
 * A verdict that depends on it says so and is capped at medium.
 */
export const ASSUMED_BUILD_ROW = TLS_DEFAULTS[2];

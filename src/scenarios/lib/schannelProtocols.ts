import type { EvidenceIndex, StoredRegistryValue } from "../../store/evidence.js";
import {
  ASSUMED_BUILD_ROW,
  TLS_DEFAULTS,
  TLS_VERSIONS,
  type TlsDefaultsRow,
  type TlsVersion,
} from "../data/tlsDefaults.js";
import { KEY, currentBuild, dwordValue } from "./registry.js";

// The listener's TLS versions: SCHANNEL\Protocols\<version>\Server, Enabled / DisabledByDefault (§2.2).
// The Client subkeys govern outbound connections and are never read here.

export type ServerProtocolState =
  /** Negotiated by default. */
  | "enabled"
  /** Enabled≠0 but DisabledByDefault≠0: only for callers that ask for it explicitly; treated as unavailable. */
  | "opt-in-only"
  | "disabled"
  | "unsupported";

export interface ServerProtocol {
  version: TlsVersion;
  state: ServerProtocolState;
  /** Where the state came from: the registry, or the OS default because the values are absent. */
  from: "registry" | "os-default";
  values: StoredRegistryValue[];
}

export interface EffectiveServerProtocols {
  protocols: ServerProtocol[];
  /** The effective server set E. */
  enabled: TlsVersion[];
  osRow: TlsDefaultsRow;
  build: { build: number; value: StoredRegistryValue } | null;
  /** True when CurrentBuild is unknown and some version's state came from the assumed OS default. */
  defaultsAssumed: boolean;
}

export function serverProtocolKey(version: TlsVersion): string {
  return `${KEY.schannelProtocols}\\${version}\\Server`;
}

export function effectiveServerProtocols(evidence: EvidenceIndex): EffectiveServerProtocols {
  const build = currentBuild(evidence);
  const osRow = build ? [...TLS_DEFAULTS].reverse().find((r) => r.minBuild <= build.build)! : ASSUMED_BUILD_ROW;
  const protocols = TLS_VERSIONS.map((version) => serverProtocol(evidence, version, osRow));
  return {
    protocols,
    enabled: protocols.filter((p) => p.state === "enabled").map((p) => p.version),
    osRow,
    build,
    defaultsAssumed: build === null && protocols.some((p) => p.from === "os-default"),
  };
}

function serverProtocol(evidence: EvidenceIndex, version: TlsVersion, osRow: TlsDefaultsRow): ServerProtocol {
  const key = serverProtocolKey(version);
  const enabledValue = evidence.registryValue(key, "Enabled");
  const dbdValue = evidence.registryValue(key, "DisabledByDefault");
  const values = [enabledValue, dbdValue].filter((v): v is StoredRegistryValue => v !== undefined);
  const osDefault = osRow.defaults[version];
  if (osDefault === "unsupported") return { version, state: "unsupported", from: "os-default", values };
  const enabled = dwordValue(enabledValue) ?? (osDefault === "enabled" ? 1 : 0);
  const disabledByDefault = dwordValue(dbdValue) ?? (osDefault === "enabled" ? 0 : 1);
  const state: ServerProtocolState = enabled === 0 ? "disabled" : disabledByDefault !== 0 ? "opt-in-only" : "enabled";
  return { version, state, from: values.length ? "registry" : "os-default", values };
}

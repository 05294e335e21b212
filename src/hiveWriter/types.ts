// Public input types of the hive writer. See index.ts for what is written.

import type { RegistryType } from "../parsers/types.js";

/** Data of one value; how it is encoded depends on the value type (see index.ts, "Value data"). */
export type ValueData = string | number | bigint | string[] | Uint8Array;

export interface ValueSpec {
  /** Value name; "" is the default value (`(Default)` / `@`). */
  name: string;
  /** Type name (`"REG_SZ"`) or raw type code (any u32, e.g. 0x100000 for odd SAM-style types). */
  type: RegistryType | number;
  data: ValueData;
}

export interface AceSpec {
  /** `S-1-5-18` etc. */
  sid: string;
  access: "allow" | "deny";
  /** Access mask, e.g. 0xF003F KEY_ALL_ACCESS, 0x20019 KEY_READ. */
  mask: number;
  /** Raw ACE flags: 0x01 OI, 0x02 CI, 0x04 NP, 0x08 IO, 0x10 INHERITED. Default 0x02 (CI). */
  flags?: number;
}

export interface SecuritySpec {
  aces: AceSpec[];
  /** Owner SID; default `S-1-5-32-544` (Administrators). */
  owner?: string;
  /** Group SID; default `S-1-5-18` (SYSTEM). */
  group?: string;
}

export interface KeySpec {
  name: string;
  values?: ValueSpec[];
  subkeys?: KeySpec[];
  /** Own security descriptor; a key without one shares its parent's `sk` cell. */
  security?: SecuritySpec;
}

export interface HiveRootSpec {
  /** Name of the root key node (real hives: `ROOT`, `CMI-CreateHive{…}`, …). Not part of key paths. */
  name: string;
  keys: KeySpec[];
  /** Values of the root key itself. */
  values?: ValueSpec[];
  /** Security of the root key; default: SYSTEM and Administrators full control, Users read (all CI). */
  security?: SecuritySpec;
}

export interface WriteHiveOptions {
  /** Primary sequence number = secondary + 1 (a hive whose last write did not complete). Default false. */
  dirty?: boolean;
  /** Secondary sequence number (the primary one too unless dirty). Default 1. */
  sequence?: number;
  /** Minor version written in the base block. Default 5 (`lh` lists, big data). */
  minorVersion?: number;
  /** Subkey list kind for leaves. Default "lh". */
  subkeyList?: "lh" | "lf" | "li";
  /** Most elements per leaf list; more subkeys make an `ri` index root over several leaves. Default 500. */
  leafSize?: number;
  /** FILETIME written in the base block, the first bin and every key. Default 2024-01-01T00:00:00Z. */
  timestamp?: bigint;
  /** Name field of the base block (UTF-16LE, last 31 characters kept). Default: the root name. */
  fileName?: string;
}

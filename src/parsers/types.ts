// Typed records every parser produces. Parsers are pure: bytes or text in, these out.
// Nothing here knows about SQLite; src/store/ maps these onto the public schema.

/** Something in the evidence that could not be read. Errors are values where evidence is concerned. */
export interface Problem {
  /** Stable machine code, e.g. "evtx.chunk.bad-header-crc", "icacls.unparsed-line". */
  code: string;
  /** One sentence a support engineer can read. */
  message: string;
  /** Where in the source: "chunk 3 @0x31000", "line 17", ... */
  location?: string;
}

/** One EventData / UserData child, in document order. */
export interface EventField {
  /** 0-based position among the payload's children. */
  position: number;
  /** Name attribute, or the element name (unnamed `<Data>` → "Data", `<Binary>` → "Binary"). */
  name: string;
  /** Canonical text (see src/parsers/evtx/README or formats.md §1.5.8); null for an omitted/NULL value. */
  value: string | null;
}

/** One normalized event record. */
export interface EventRecord {
  recordId: number;
  /** ISO-8601 UTC, 7 fractional digits: 2017-07-12T17:16:28.2141616Z */
  timeCreated: string;
  provider: string | null;
  /** Upper case with braces: {C76BAA63-AE81-421C-B425-340B4B24157F} */
  providerGuid: string | null;
  /** 16-bit EventID; Qualifiers separate. */
  eventId: number;
  qualifiers: number | null;
  version: number | null;
  level: number | null;
  task: number | null;
  opcode: number | null;
  /** 0x + lowercase hex, unpadded */
  keywords: string | null;
  channel: string | null;
  computer: string | null;
  userSid: string | null;
  processId: number | null;
  threadId: number | null;
  activityId: string | null;
  fields: EventField[];
  /** Where the record was found: 0-based chunk slot and file offset of the record. */
  chunk: number;
  offset: number;
  /** chain = reached by walking the chunk's record chain; recovered = found by scanning past a break. */
  status: "chain" | "recovered";
}

/** One access control entry from an icacls dump (listing or /save SDDL). */
export interface AclEntry {
  /** Object path as printed (for /save: the relative name line). */
  path: string;
  /** Principal as printed (`NT AUTHORITY\NETWORK SERVICE`, `Jeder`, `S-1-5-21-...`). */
  principal: string;
  /** Well-known or raw SID when known, else null. */
  sid: string | null;
  access: "allow" | "deny";
  /** Rights as printed, normalized to icacls' spelling and comma-joined: "F", "R,W", "RX,D,WDAC". */
  rights: string;
  /** Access mask when it can be computed, else null. */
  mask: number | null;
  /** Inheritance flags other than (I): any of "OI", "CI", "IO", "NP". */
  flags: string[];
  /** (I) / ID: inherited from the parent. */
  inherited: boolean;
  /** 1-based line in the decoded text. */
  line: number;
}

export type RegistryType =
  | "REG_NONE" | "REG_SZ" | "REG_EXPAND_SZ" | "REG_BINARY" | "REG_DWORD" | "REG_DWORD_BIG_ENDIAN"
  | "REG_LINK" | "REG_MULTI_SZ" | "REG_RESOURCE_LIST" | "REG_FULL_RESOURCE_DESCRIPTOR"
  | "REG_RESOURCE_REQUIREMENTS_LIST" | "REG_QWORD" | string;

/** One registry value from `reg query`, a .reg export or a hive. */
export interface RegistryValue {
  /** Key exactly as the dump printed it (mount name, ControlSet00N, case kept). */
  rawKey: string;
  /** Logical key: HKLM\SYSTEM\CurrentControlSet\... or HKLM\SOFTWARE\... (see registryPath.ts). */
  key: string;
  /** Value name; "" for the default value. */
  name: string;
  type: RegistryType;
  /** DWORD/QWORD as number (QWORD beyond 2^53 as decimal string), binary as uppercase hex, MULTI_SZ as list, SZ as text; null = value not set. */
  value: number | string | string[] | null;
  /** 1-based line in the decoded text (0 for hives). */
  line: number;
}

/** A registry key seen in a dump, even without values (presence matters: e.g. "TLS 1.2\Server" exists). */
export interface RegistryKey {
  rawKey: string;
  key: string;
  line: number;
}

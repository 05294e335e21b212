// Public input types of the EVTX writer. See index.ts for the layout that is written.

/** Substitution value types the writer can encode (formats.md §1.5.8). */
export type ValueType =
  | "string" // 0x01 UTF-16LE, no terminator
  | "uint8" // 0x04
  | "uint16" // 0x06
  | "uint32" // 0x08
  | "uint64" // 0x0A
  | "int32" // 0x07
  | "int64" // 0x09
  | "hex32" // 0x14
  | "hex64" // 0x15
  | "bool" // 0x0D, 4 bytes
  | "binary" // 0x0E
  | "guid" // 0x0F
  | "sid" // 0x13
  | "filetime" // 0x11
  | "systemtime" // 0x12
  | "sizet" // 0x10, 8 bytes
  | "stringArray"; // 0x81, each item NUL-terminated

/**
 * A substitution value.
 * - strings for "string"; numeric strings (`"0xc000006d"`, `"42"`) are accepted for the integer types;
 * - number/bigint for integer types ("bool" also takes a raw number, e.g. 0x10, to mimic irregular bools);
 * - "guid": `"{C76BAA63-AE81-421C-B425-340B4B24157F}"` (braces optional) or 16 raw bytes;
 * - "sid": `"S-1-5-18"` or raw bytes; "filetime": ISO string or raw FILETIME (bigint/number);
 * - "systemtime": ISO string; "binary": Uint8Array or a hex string; "stringArray": string[];
 * - null: a NULL value (descriptor type 0x00, size 0).
 */
export type Value = string | number | bigint | boolean | Uint8Array | string[] | null;

export interface DataItem {
  /** `Name` attribute of `<Data>`; null → unnamed `<Data>` (classic providers). Ignored for `<Binary>`. */
  name: string | null;
  value: Value;
  /** Declared substitution type; inferred from the value when absent (see index.ts). */
  type?: ValueType;
  /** Element name; default "Data", or "Binary" when `type` is "binary" and `name` is null. */
  element?: "Data" | "Binary";
  /**
   * Optional substitution (0x0E) instead of normal (0x0D). Default: true for `<Binary>`, false for
   * `<Data>`. With a NULL value an optional substitution makes readers omit the element entirely,
   * a normal one renders it empty.
   */
  optional?: boolean;
}

export interface UserDataChild {
  name: string;
  value: Value;
  type?: ValueType;
  optional?: boolean;
}

export interface EventSpec {
  provider: string;
  /** "{C76BAA63-AE81-421C-B425-340B4B24157F}" (braces optional). Absent → no Guid attribute. */
  providerGuid?: string;
  /** Classic providers (EventSourceName attribute of `<Provider>`). */
  eventSourceName?: string;
  eventId: number;
  /** Absent → no Qualifiers attribute. */
  qualifiers?: number;
  /** Absent → no `<Version>` element. */
  version?: number;
  /** Default 4. */
  level?: number;
  /** Default 0. */
  task?: number;
  /** Absent → no `<Opcode>` element. */
  opcode?: number;
  /** Default 0x8000000000000000n. */
  keywords?: bigint;
  /** ISO UTC, up to 7 fractional digits: "2024-05-01T10:00:00.1234567Z". */
  timeCreated: string;
  /** Default: running counter (starts at 1, continues after any explicit id). */
  recordId?: number;
  processId?: number;
  threadId?: number;
  /** `<Correlation ActivityID=…>` GUID; absent → omitted. */
  activityId?: string;
  relatedActivityId?: string;
  channel: string;
  computer: string;
  /** `<Security UserID=…>`; absent → `<Security/>`. */
  userSid?: string;
  /** EventData children in order; name null → unnamed `<Data>`; element "Binary" → `<Binary>`. Neither data nor userData → `<EventData/>`. */
  data?: DataItem[];
  /** Alternative to data: UserData with one element (name + xmlns) holding named children. */
  userData?: { element: string; xmlns?: string; children: UserDataChild[] };
}

export interface WriteOptions {
  /** Set the file header's dirty flag (0x1). */
  dirty?: boolean;
  /** At most this many records per chunk (a chunk still closes early when 64 KiB are full). */
  recordsPerChunk?: number;
}

export type ChunkDamage =
  /** Break the chunk signature (`ElfChnk\0` → `ElfChnX\0`). */
  | "magic"
  /** Overwrite a few seeded-random bytes inside the record area (records CRC then fails). */
  | "random"
  /** Overwrite the whole 64 KiB slot with seeded-random bytes (no magic). */
  | "garbage"
  /** Zero-fill the whole 64 KiB slot. */
  | "zero"
  /** Change only the stored records checksum (records intact; header CRC recomputed to stay valid). */
  | "records-crc"
  /** Change only the stored header checksum. */
  | "header-crc"
  /** Zero the body and size copy of one record (header still claims it): a torn write. */
  | "torn-record"
  /** Cut the file in the middle of this chunk (the result is shorter). */
  | "truncate";

export interface DamageOptions {
  /** PRNG seed for "random" / "garbage" (default 1). */
  seed?: number;
  /** "random": number of bytes to overwrite (default 16). */
  count?: number;
  /** "torn-record": 0-based index of the record in the chunk (default: the middle one). */
  record?: number;
  /** "truncate": bytes of the chunk to keep (default 32768). */
  keep?: number;
}

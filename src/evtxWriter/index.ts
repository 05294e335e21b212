/**
 * # evtxWriter — writes real binary EVTX (Windows XML Event Log) files for samples and tests
 *
 * No public EVTX sample carries the RDP events rdp-triage detects, so the project fabricates them.
 * The files follow docs/formats.md §1 and decode with libevtx (`evtxexport`) and @ts-evtx/core.
 * Output is deterministic: the same input gives the same bytes (no clock, no randomness).
 *
 * ```ts
 * import { writeEvtx } from "../evtxWriter/index.js";
 * const bytes = writeEvtx([{ provider: "Schannel", providerGuid: "{1F678132-5938-4686-9FDC-C8FF68F15C85}",
 *   eventId: 36871, level: 2, timeCreated: "2024-05-01T10:00:00.1234567Z", channel: "System",
 *   computer: "VM01", userSid: "S-1-5-18",
 *   data: [{ name: "Type", value: "server" }, { name: "ErrorState", value: 10013, type: "uint32" }] }]);
 * ```
 *
 * ## Layout written
 *
 * ```
 * file header (4096)   "ElfFile\0", first chunk 0, last chunk N−1, next record id = last id + 1,
 *                      header size 128, version 3.1, block size 4096, chunk count N (u16),
 *                      flags (0x1 when options.dirty), CRC32 of bytes 0–119 at 0x7C.
 * chunk k (65536)      at 4096 + k × 65536:
 *   header (512)       "ElfChnk\0", first/last record number (file-wide running counter from 1),
 *                      first/last record id, 128, offset of last record, free-space offset
 *                      (= end of the last record), CRC32 of [512, free space), flags 1,
 *                      header CRC32 over 0–119 + 128–511, string table (64 × u32), template table (32 × u32).
 *   records            from 512, back to back, each a multiple of 8 bytes; rest of the chunk zero.
 * record               2A 2A 00 00, size, record id (u64), written time (= TimeCreated FILETIME),
 *                      BinXML document, zero padding, size copy.
 * ```
 *
 * A chunk closes when the next record would not fit (or after options.recordsPerChunk records).
 * Records end at most 8 bytes before the chunk end: libevtx 20181227 silently drops a record ending
 * exactly at offset 65536. Records never span chunks; a record larger than an empty chunk throws.
 *
 * ## BinXML: two templates per record, as Windows writes them (formats.md §1.5.9, §1.6)
 *
 * Each record document is `0F 01 01 00` + TemplateInstance of the **System template** + `00`.
 * The System template holds `<Event xmlns=…><System>…</System>{payload}</Event>` with the
 * substitution indexes real templates use: 0 Level u8, 1 Opcode u8, 2 Task u16, 3 EventID u16,
 * 4 Qualifiers u16, 5 Keywords hex64, 6 SystemTime FILETIME, 7 ActivityID GUID, 8 ProcessID u32,
 * 9 ThreadID u32, 10 EventRecordID u64, 11 Version u8, 12 UserID SID, 13 RelatedActivityID GUID,
 * 14 Provider Name string, 15 Provider Guid GUID, 16 Channel string, 17 payload (type 0x21 BinXml).
 * All are optional substitutions (0x0E): an absent value is written as NULL (descriptor type 0,
 * size 0), so readers omit the attribute/element (no Qualifiers, `<Security/>`, no `<Version>`…).
 * `EventSourceName` and `Computer` are literal text in the template, as in real files.
 * For EventData events, substitution 17 sits directly in `<Event>`; for UserData events inside
 * `<UserData>`. Events with neither get an empty `<EventData/>` (libevtx refuses a NULL payload).
 *
 * The payload value is its own document: `0F 01 01 00` + TemplateInstance of the **payload template**
 * + `00`. EventData templates are `<EventData>` with one `<Data Name="…">` (or unnamed `<Data>`) per
 * item, each one substitution: normal (0x0D) by default, where a null value is written as an empty
 * string so it renders `<Data/>` (real logs never put NULL in a normal substitution and libevtx
 * rejects the record); optional (0x0E) with `optional: true`, where null is a NULL value and the
 * element disappears. A `<Binary>` item takes two values like classic templates do — an unreferenced
 * u32 byte length, then the binary (optional substitution, so a NULL binary makes `<Binary>` vanish).
 * UserData templates are `<element xmlns=…>` with one `<child>` per child.
 *
 * Templates are keyed by shape (System: payload kind, EventSourceName, Computer; payload: element
 * kinds, names, declared types, optionality). The first record of a chunk that uses a template
 * defines it inline (u32 next-in-bucket, GUID, data size, `0F 01 01 00` element tree `00`); later
 * records of that chunk reference it by offset; every new chunk defines it again. Template GUIDs are
 * MD5-derived from the key (deterministic), the template id is GUID Data1. Elements inside
 * definitions carry a dependency id (the index of an optional substitution that is their whole
 * content, else 0xFFFF, as observed). Names are written inline on first use in a chunk and
 * back-referenced afterwards. The string table buckets by `hash % 64` and the template table by
 * the 65599 hash of the GUID words `% 32`; each new entry links to the previous head (§1.3).
 *
 * ## Value types (DataItem.type)
 *
 * string 0x01 (UTF-16LE, no NUL), uint8 0x04, uint16 0x06, uint32 0x08, uint64 0x0A, int32 0x07,
 * int64 0x09, hex32 0x14, hex64 0x15, bool 0x0D (4 bytes), binary 0x0E, guid 0x0F, sizet 0x10
 * (8 bytes), filetime 0x11, systemtime 0x12, sid 0x13, stringArray 0x81. Without a type: string →
 * string, integer number → uint32 (int32 if negative, 64-bit if larger), bigint → uint64/int64,
 * boolean → bool, Uint8Array → binary, string[] → stringArray, null → string (NULL value); items
 * with `element: "Binary"` default to binary. Give explicit types where the shape matters (records
 * share a template only when names and declared types agree).
 *
 * ## Damage helpers
 *
 * `corruptChunk(bytes, k, how, opts)` patches a copy after CRCs were computed: "magic", "random"
 * (seeded byte flips in the record area), "garbage" (seeded random slot), "zero", "records-crc",
 * "header-crc", "torn-record", "truncate". `patchFileHeader` fabricates stale headers with a valid
 * (or invalid) CRC.
 *
 * ## Not written
 *
 * No circular-buffer wrap (first chunk is always 0), no slack records after the free space, no
 * ANSI strings, reals, int8/int16, non-string arrays, CDATA, char/entity references or PIs;
 * one template instance per BinXml value.
 */

export type {
  ChunkDamage,
  DamageOptions,
  DataItem,
  EventSpec,
  UserDataChild,
  Value,
  ValueType,
  WriteOptions,
} from "./types.js";
export { writeEvtx, writeFileHeader, readFileHeader, FILE_HEADER_SIZE, type FileHeaderFields } from "./writer.js";
export { corruptChunk, patchFileHeader, recordOffsets, seededRandom } from "./damage.js";
export { CHUNK_SIZE, CHUNK_HEADER_SIZE, RecordTooLargeError } from "./chunk.js";
export { filetimeFromIso, guidBytes, sidBytes } from "./values.js";
export { nameHash } from "./templates.js";

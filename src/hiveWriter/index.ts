/**
 * # hiveWriter — writes valid registry hive files (regf) for samples and tests
 *
 * No public hive carries the broken-RDP states rdp-triage diagnoses, so the project fabricates them.
 * Files follow docs/formats.md §2 and are read back identically by libregf (`regfexport`, `regfinfo`)
 * and `reglookup` (see test/parsers/hive). Output is deterministic: the same input and options give the
 * same bytes (fixed timestamps, no randomness, stable order).
 *
 * ```ts
 * import { writeHive } from "../hiveWriter/index.js";
 * const bytes = writeHive({ name: "ROOT", keys: [
 *   { name: "Select", values: [{ name: "Current", type: "REG_DWORD", data: 1 }] },
 *   { name: "ControlSet001", subkeys: [{ name: "Control", subkeys: [{ name: "Terminal Server",
 *     values: [{ name: "fDenyTSConnections", type: "REG_DWORD", data: 1 }] }] }] },
 * ] }, { dirty: false });
 * ```
 *
 * ## Layout written
 *
 * ```
 * base block (4096)  regf, sequence numbers (primary = secondary, or secondary + 1 when dirty),
 *                    FILETIME, version 1.<minor> (default 5), type 0, format 1, root cell offset,
 *                    hive bins data size, clustering 1, UTF-16LE file name (last 31 chars),
 *                    XOR checksum of 0–507 at 508.
 * hive bins          4096 bytes each (bigger when one cell needs it), header `hbin` + own offset +
 *                    size (+ FILETIME in the first bin); cells packed in allocation order; the unused
 *                    tail of a bin is one free cell, so cells fill every bin exactly.
 * cells, depth-first per key:
 *   nk               flags 0x20 when the name is compressed (+0x0C on the root), FILETIME, parent,
 *                    subkey count and list, value count and list, sk, no class, largest name/data
 *                    sizes (UTF-16 bytes), name.
 *   sk               when the key has `security` (or is the root: default SYSTEM/Administrators full,
 *                    Users read, CREATOR OWNER generic-all IO; all CI); identical descriptors share one
 *                    cell; keys without `security` share their parent's. All sk cells form one circular
 *                    flink/blink list; reference count = keys using it. Descriptor: self-relative,
 *                    control 0x8004, DACL then owner then group, no SACL.
 *   value list, vk   per value, each followed by its data: ≤ 4 bytes resident (first bytes of the
 *                    offset field, size | 0x80000000, also for 0 bytes); ≤ 16344 bytes one cell;
 *                    larger (minor > 3) a `db` cell, a segment list and 16344-byte segments (the last
 *                    shorter). Value flag 1 when the name is compressed.
 *   subkey list      `lh` (hash ×37 over upper-cased UTF-16 units), `lf` (4-byte hint) or `li`, sorted
 *                    by upper-cased name; more than `leafSize` (default 500) subkeys → an `ri` over
 *                    leaves of at most leafSize.
 * ```
 *
 * Names are stored "compressed" (one byte per character, Latin-1) when every character is ≤ U+00FF,
 * else UTF-16LE, as Windows does.
 *
 * ## Value data (`ValueSpec.data`)
 *
 * Uint8Array: raw bytes for any type (odd sizes for robustness tests). REG_SZ / REG_EXPAND_SZ: string
 * + NUL in UTF-16LE. REG_LINK: string without NUL. REG_MULTI_SZ: string[] (or one string), each + NUL,
 * then a final NUL. REG_DWORD / REG_DWORD_BIG_ENDIAN: number, bigint or numeric string ("0x10").
 * REG_QWORD: number / bigint / numeric string, 8 bytes. Other types (BINARY, NONE, resource lists,
 * raw codes): hex string ("0102FF", separators allowed). Duplicate (case-insensitive) names, names with
 * `\`, unknown type names and mismatched data throw.
 *
 * ## Dirty hives and transaction logs
 *
 * `{ dirty: true }` leaves primary = secondary + 1. For log replay tests: `withSequence(hive, p, s)`
 * re-stamps sequence numbers; `logEntriesFromStates([before, after1, after2], N)` diffs successive
 * states into 4 KiB dirty pages with sequence numbers N, N+1…; `writeNewFormatLog(baseSource,
 * entries)` writes a `.LOG1`/`.LOG2` (file type 6, HvLE entries with Marvin32 hashes);
 * `writeOldFormatLog(before, after)` writes an XP–8.0 style `.LOG` (DIRT bitmap of 512-byte pages).
 */
export { writeHive, baseBlockChecksum, DEFAULT_TIMESTAMP, BIG_DATA_SEGMENT } from "./writer.js";
export { withSequence, diffPages, logEntriesFromStates, writeNewFormatLog, writeOldFormatLog } from "./logs.js";
export type { LogPage, LogEntrySpec } from "./logs.js";
export type { HiveRootSpec, KeySpec, ValueSpec, ValueData, AceSpec, SecuritySpec, WriteHiveOptions } from "./types.js";

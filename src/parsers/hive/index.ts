/**
 * # parsers/hive — reads raw registry hive files (regf) copied off a broken VM
 *
 * Engineers copy `Windows\System32\config\SYSTEM` / `SOFTWARE` with their `.LOG1` / `.LOG2` instead of
 * running `reg load` + `reg query`. This module turns such a file into the same records the text
 * parsers produce (RegistryValue, RegistryKey, AclEntry, Problem; src/parsers/types.ts).
 * Layout and rules: docs/formats.md §2; control sets §2.8; ACL relevance scenarios.md §1.4.
 *
 * ```ts
 * import { readHive, guessHiveName, hiveNameFromFileName } from "../parsers/hive/index.js";
 * const hiveName = hiveNameFromFileName(file) ?? guessHiveName(bytes) ?? "SYSTEM";
 * const r = readHive(bytes, { hiveName, logs: [{ name: "SYSTEM.LOG1", bytes: log1 }, { name: "SYSTEM.LOG2", bytes: log2 }] });
 * // r.values / r.keys: every key and value; r.acls: DACL rows of the Remote Desktop certificate store keys;
 * // r.problems: damage, dirty state, log replay outcome; r.info: base block facts.
 * ```
 *
 * ## Full index, optionally streamed
 *
 * `readHive` walks the whole key tree (depth-first, pre-order, subkeys in list order) and returns every
 * key and value: the store answers any query later and a scenario may look anywhere. It is fast enough
 * (≈1.4 M values/s on a 110 k-value hive; a real SOFTWARE hive of 100–500 k values takes well under a
 * second) that lazy indexing buys little. To avoid holding all records, pass `onKey` / `onValue`:
 * records are then streamed to the callbacks (e.g. straight into the store's sink) and the arrays stay
 * empty. For targeted reads without a walk use `openHive(bytes, { hiveName })`: `key(path)`,
 * `subkeys(key)`, `values(key)`, `keySecurity(path)`, `keyAcl(path)` decode only what they touch.
 *
 * ## Records
 *
 * * rawKey = `HKEY_LOCAL_MACHINE\<hiveName>\<path below the root key>` (root name not included);
 *   key = logical form via `toLogicalKey` (→ ../registryPath.ts) with the current control set from
 *   `<root>\Select\Current` (lowest ControlSetNNN, reported, when Select is missing).
 * * Values follow types.ts: DWORD/QWORD numbers (QWORD > 2^53 − 1 as decimal string),
 *   DWORD_BIG_ENDIAN number, SZ/EXPAND_SZ/LINK text cut at the first NUL, MULTI_SZ list up to the first
 *   empty string, everything else uppercase hex; a DWORD/QWORD whose size is not 4/8 is shown as hex
 *   (as regedit does); unknown type codes are named `0x` + 8 hex digits (reglookup's spelling).
 *   Default value: name "". line: 0.
 * * ACL rows (path = logical key) for `aclKeys`, default the `Microsoft\SystemCertificates\Remote
 *   Desktop` key and its `Certificates` subkey: principal = English well-known name or the SID, rights
 *   `F` (0xF003F), `R` (0x20019) or `0x…`, flags OI/CI/IO/NP, inherited from INHERITED_ACE.
 *
 * ## Damage
 *
 * Every cell access is bounds-checked against its hive bin (bins are mapped per 4 KiB page first);
 * misaligned / out-of-bin offsets, bad sizes, wrong signatures, counts larger than their cell, nested
 * index roots, keys reached twice (loops), depth > 512 and truncated files become Problems (capped at
 * 1000) and reading goes on. Nothing throws on bad input.
 *
 * ## Dirty hives and transaction logs
 *
 * Dirty = primary ≠ secondary sequence number or bad base block checksum (both reported). With logs:
 * new-format (HvLE) entries are verified (size, bins size, Marvin32 Hash-1/Hash-2), pooled by sequence
 * number across LOG1/LOG2 and applied consecutively from the primary's secondary sequence number until
 * the first gap; the primary grows with each entry. A bad primary base block is restored from a log's.
 * Old-format (DIRT) logs are applied when their base block is valid and their last-written time matches.
 * When nothing can be applied, `hive.dirty` + `hive.log.not-applied` say which logs were present, their
 * format, their valid sequence ranges and why, and that values may be stale.
 */
export { readHive, openHive, HiveFile, DEFAULT_ACL_KEYS, MAX_PROBLEMS, MAX_DEPTH } from "./reader.js";
export type { ReadHiveOptions, HiveReadResult, HiveInfo, HiveKey, HiveValue } from "./reader.js";
export { isRegf, parseBaseBlock, computeChecksum, filetimeToIso } from "./baseBlock.js";
export type { BaseBlock } from "./baseBlock.js";
export { replayLogs, parseLog } from "./logs.js";
export type { LogInput, LogReport, LogEntry, ReplayResult } from "./logs.js";
export { parseSecurityDescriptor, aclRows, keyRights, WELL_KNOWN_SIDS } from "./security.js";
export type { SecurityDescriptor, Ace } from "./security.js";
export { decodeValue, typeName } from "./values.js";
export { toLogicalKey, controlSetFromSelect } from "./paths.js";
export { guessHiveName, hiveFileKind, transactionLogNames, hiveNameFromFileName } from "./guess.js";
export { marvin32, marvin32Fold } from "./marvin.js";

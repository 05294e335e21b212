// Which hive is this? Decided from content, with the base block's file name as a fallback.

import { isRegf } from "./baseBlock.js";
import { HiveFile } from "./reader.js";

/**
 * "SYSTEM" when the root holds `Select` and a `ControlSetNNN`; "SOFTWARE" when it holds `Microsoft`
 * and `Classes`; else the base block file name's last component if that is SYSTEM or SOFTWARE; else null.
 */
export function guessHiveName(bytes: Uint8Array): "SYSTEM" | "SOFTWARE" | null {
  if (!isRegf(bytes) || bytes.length < 4096) return null;
  const hive = new HiveFile(bytes, { hiveName: "HIVE" });
  const root = hive.rootKey();
  if (root) {
    const names = new Set(hive.subkeys(root).map((k) => k.name.toUpperCase()));
    if (names.has("SELECT") && [...names].some((n) => /^CONTROLSET\d{3}$/.test(n))) return "SYSTEM";
    if (names.has("MICROSOFT") && names.has("CLASSES")) return "SOFTWARE";
  }
  const tail = (hive.info.fileName.split("\\").pop() ?? "").toUpperCase();
  return tail === "SYSTEM" || tail === "SOFTWARE" ? tail : null;
}

/**
 * What a file starting with `regf` is: "primary" (file type 0), "log" (1/2 old-format, 6 new-format
 * transaction log), or null when it is no regf file. Logs must be passed to readHive with their primary,
 * not indexed as hives of their own.
 */
export function hiveFileKind(bytes: Uint8Array): "primary" | "log" | null {
  if (!isRegf(bytes) || bytes.length < 32) return null;
  const type = new DataView(bytes.buffer, bytes.byteOffset, 32).getUint32(28, true);
  return type === 0 ? "primary" : type === 1 || type === 2 || type === 6 ? "log" : null;
}

// Name-only helpers live apart so that ingest can use them without loading the hive reader.
export { hiveNameFromFileName, transactionLogNames } from "./fileNames.js";

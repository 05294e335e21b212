// What a hive's file name says: its transaction logs and its mount. No parsing, so cheap to import.

/** File names of the transaction logs of a primary, in replay order: `SYSTEM` → SYSTEM.LOG1, SYSTEM.LOG2, SYSTEM.LOG. */
export function transactionLogNames(primaryFileName: string): string[] {
  return [".LOG1", ".LOG2", ".LOG"].map((ext) => primaryFileName + ext);
}

/** Hive mount name from a file name (`…\config\SYSTEM` → "SYSTEM"), or null when the name says nothing. */
export function hiveNameFromFileName(path: string): "SYSTEM" | "SOFTWARE" | null {
  const base = (path.split(/[\\/]/).pop() ?? "").toUpperCase();
  return base === "SYSTEM" ? "SYSTEM" : base === "SOFTWARE" ? "SOFTWARE" : null;
}

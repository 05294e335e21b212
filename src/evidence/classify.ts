import { decodeText } from "./decodeText.js";
import { isEvtx } from "../parsers/evtx/index.js";
import { sniffIcacls } from "../parsers/icacls.js";
import { sniffRegQuery } from "../parsers/regQuery.js";
import { sniffRegFile } from "../parsers/regFile.js";
import { hiveFileKind, isRegf } from "../parsers/hive/index.js";
import type { SourceKind } from "../store/writer.js";

/** How much of a file classification looks at. */
export const SNIFF_BYTES = 64 * 1024;

export type Classification = SourceKind | "archive";

/**
 * Decides what a file is by its content, never by its name: engineers rename dumps freely
 * (`acl.txt`, `mk.log`, `System (1).evtx`), and a wrong extension must not hide evidence.
 */
export function classifyEvidence(head: Uint8Array): Classification {
  if (isEvtx(head)) return "evtx";
  if (isRegf(head)) return hiveFileKind(head) === "log" ? "hive-log" : "hive";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return "archive";
  if (head.length === 0) return "unknown";
  const { text } = decodeText(head);
  if (sniffRegFile(text)) return "reg-file";
  if (sniffRegQuery(text)) return "reg-query";
  if (sniffIcacls(text)) return "icacls";
  return "unknown";
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

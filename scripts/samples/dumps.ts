// Builders for the text dumps engineers produce on a rescue VM: icacls listings and .reg exports.
import { crlf } from "./encode.js";

export const RDP_KEY_PREFIX = "f686aace6942fb7f7ceb231212eef4a4";

export interface IcaclsObject {
  path: string;
  aces: string[];
}

/** `icacls <path> /t /c` listing: ACEs after the path, later ones indented to the path width. */
export function icaclsListing(objects: IcaclsObject[], summary: "en" | "ja" = "en"): string {
  const lines: string[] = [];
  for (const o of objects) {
    o.aces.forEach((ace, i) => lines.push(i === 0 ? `${o.path} ${ace}` : `${" ".repeat(o.path.length + 1)}${ace}`));
    lines.push("");
  }
  const n = objects.length;
  lines.push(
    summary === "en"
      ? `Successfully processed ${n} files; Failed processing 0 files`
      : `${n} 個のファイルが正常に処理されました。0 個のファイルを処理できませんでした`,
  );
  return crlf(lines);
}

export function machineKeysFolder(drive: string): string {
  return `${drive}:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys`;
}

/** Windows' default MachineKeys folder ACL (scenarios.md §1.4): healthy, never a finding. */
export const DEFAULT_FOLDER_ACES = ["Everyone:(R,W)", "BUILTIN\\Administrators:(F)"];

/** The measured default ACL of the RDP key file on Server 2019 and later. */
export const DEFAULT_KEY_ACES = [
  "NT AUTHORITY\\SYSTEM:(F)",
  "NT SERVICE\\SessionEnv:(F)",
  "NT AUTHORITY\\NETWORK SERVICE:(R)",
];

/** Other keys every machine has in MachineKeys (their owners' GUID suffixes are the MachineGuid). */
export function otherMachineKeys(drive: string, machineGuid: string): IcaclsObject[] {
  return [
    { path: `${machineKeysFolder(drive)}\\6de9cb26d2b98c01ec4e9e8b34824aa2_${machineGuid}`, aces: ["NT AUTHORITY\\SYSTEM:(F)", "BUILTIN\\Administrators:(F)"] },
    { path: `${machineKeysFolder(drive)}\\d6d986f09a1ee04e24c949879fdb506c_${machineGuid}`, aces: ["NT AUTHORITY\\SYSTEM:(F)", "BUILTIN\\Administrators:(F)"] },
  ];
}

export type RegData =
  | { dword: number }
  | { sz: string }
  | { hex: string } // REG_BINARY, hex digits
  | { multi: string[] }
  | { expand: string };

export interface RegKey {
  key: string;
  values?: [string, RegData][];
}

/** A `reg export` file (version 5.00 syntax; encode it as UTF-16LE with BOM). */
export function regExport(keys: RegKey[]): string {
  const lines = ["Windows Registry Editor Version 5.00", ""];
  for (const k of keys) {
    lines.push(`[${k.key}]`);
    for (const [name, data] of k.values ?? []) {
      const n = name === "" ? "@" : `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
      lines.push(...wrapRegLine(`${n}=${regData(data)}`));
    }
    lines.push("");
  }
  return crlf(lines);
}

function regData(d: RegData): string {
  if ("dword" in d) return `dword:${(d.dword >>> 0).toString(16).padStart(8, "0")}`;
  if ("sz" in d) return `"${d.sz.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  if ("hex" in d) return `hex:${hexBytes(Buffer.from(d.hex, "hex"))}`;
  if ("multi" in d) return `hex(7):${hexBytes(Buffer.from(d.multi.map((s) => s + "\0").join("") + "\0", "utf16le"))}`;
  return `hex(2):${hexBytes(Buffer.from(d.expand + "\0", "utf16le"))}`;
}

function hexBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(",");
}

/** regedit wraps long hex lines after a comma with a trailing backslash, continuing indented by two spaces. */
function wrapRegLine(line: string): string[] {
  if (line.length <= 80 || !line.includes("hex")) return [line];
  const out: string[] = [];
  let rest = line;
  let first = true;
  while (rest.length > (first ? 79 : 77)) {
    const limit = first ? 79 : 77;
    const cut = rest.lastIndexOf(",", limit - 1);
    if (cut <= 0) break;
    out.push((first ? "" : "  ") + rest.slice(0, cut + 1) + "\\");
    rest = rest.slice(cut + 1);
    first = false;
  }
  out.push((first ? "" : "  ") + rest);
  return out;
}

/** `reg query <key> /s` output for a set of keys. */
export function regQuery(keys: { key: string; values: [string, string, string][] }[]): string {
  const lines = [""];
  for (const k of keys) {
    lines.push(k.key);
    for (const [name, type, data] of k.values) lines.push(`    ${name}    ${type}    ${data}`.replace(/\s+$/, ""));
    lines.push("");
  }
  return crlf(lines);
}

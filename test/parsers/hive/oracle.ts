// Runs the independent hive readers (reglookup, libregf's regfexport) and normalizes their output
// into RegistryValue conventions, so readHive can be compared value by value.

import { spawnSync } from "node:child_process";
import type { RegistryValue } from "../../../src/parsers/types.js";

export function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}

export interface OracleValue {
  /** Path below the root, `\`-separated. */
  path: string;
  name: string;
  type: string;
  value: RegistryValue["value"];
  /** Set when the oracle's rendering cannot be compared (why). */
  skip?: string;
  /** Raw data bytes when the oracle printed them (regfexport hexdumps), for size checks. */
  size?: number;
}

export interface OracleKey {
  path: string;
  /** reglookup -s DACL: `SID:ALLOW:RIGHTS:FLAGS|…`. */
  dacl?: string;
}

const REGLOOKUP_TYPES: Record<string, string> = {
  NONE: "REG_NONE",
  SZ: "REG_SZ",
  EXPAND_SZ: "REG_EXPAND_SZ",
  BINARY: "REG_BINARY",
  DWORD: "REG_DWORD",
  DWORD_BE: "REG_DWORD_BIG_ENDIAN",
  LINK: "REG_LINK",
  MULTI_SZ: "REG_MULTI_SZ",
  RSRC_LIST: "REG_RESOURCE_LIST",
  RSRC_DESC: "REG_FULL_RESOURCE_DESCRIPTOR",
  RSRC_REQ_LIST: "REG_RESOURCE_REQUIREMENTS_LIST",
  QWORD: "REG_QWORD",
};

function unquote(field: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    if (field[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(field.slice(i + 1, i + 3))) {
      bytes.push(parseInt(field.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(field.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function qword(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** `reglookup -H [-s] file`: keys and values. */
export function runReglookup(file: string, withSecurity = false): { keys: OracleKey[]; values: OracleValue[]; warnings: string } {
  const r = spawnSync("reglookup", ["-H", ...(withSecurity ? ["-s"] : []), file], { encoding: "latin1", maxBuffer: 1 << 30 });
  const keys: OracleKey[] = [];
  const values: OracleValue[] = [];
  for (const line of r.stdout.split("\n")) {
    if (!line) continue;
    const f = line.split(",");
    const [rawPath, type, data] = f;
    if (type === "KEY") {
      keys.push({ path: unquote(rawPath).toString("latin1").replace(/^\//, "").split("/").join("\\"), dacl: withSecurity ? f[7] : undefined });
      continue;
    }
    const slash = rawPath.lastIndexOf("/");
    const path = unquote(rawPath.slice(0, slash)).toString("latin1").replace(/^\//, "").split("/").join("\\");
    const name = unquote(rawPath.slice(slash + 1)).toString("latin1");
    const t = REGLOOKUP_TYPES[type] ?? type;
    const v: OracleValue = { path, name, type: t, value: null };
    const raw = unquote(data);
    const isNull = data === "(null)";
    switch (t) {
      case "REG_DWORD":
      case "REG_DWORD_BIG_ENDIAN":
        v.value = /^0x[0-9A-F]{8}$/.test(data) ? parseInt(data, 16) : raw.toString("hex").toUpperCase();
        break;
      case "REG_QWORD":
        v.value = /^0x[0-9A-F]{16}$/.test(data) ? qword(BigInt(data)) : raw.toString("hex").toUpperCase();
        break;
      case "REG_SZ":
      case "REG_EXPAND_SZ":
      case "REG_LINK":
        v.value = isNull ? "" : raw.toString("latin1");
        break;
      case "REG_MULTI_SZ":
        v.value = isNull || data === "" ? [] : data.split("|").map((s) => unquote(s).toString("latin1"));
        break;
      default:
        v.value = isNull ? "" : raw.toString("hex").toUpperCase();
    }
    values.push(v);
  }
  return { keys, values, warnings: r.stderr };
}

/** Would reglookup's US-ASCII conversion render this value faithfully? (It cannot print other text.) */
export function reglookupCanRender(path: string, name: string, value: RegistryValue["value"], type: string): string | null {
  if (!isAscii(path) || !isAscii(name)) return "non-ASCII key or value name (reglookup converts names to US-ASCII)";
  if (["REG_SZ", "REG_EXPAND_SZ", "REG_LINK"].includes(type) && typeof value === "string" && !isAscii(value))
    return "non-ASCII text (reglookup converts strings to US-ASCII)";
  if (type === "REG_MULTI_SZ" && Array.isArray(value) && value.some((s) => !isAscii(s)))
    return "non-ASCII text (reglookup converts strings to US-ASCII)";
  return null;
}

function hexdumpBytes(lines: string[]): Buffer {
  const bytes: number[] = [];
  for (const l of lines) {
    const m = /^[0-9a-f]{8}: (.*)$/.exec(l);
    if (!m) continue;
    for (const h of m[1].slice(0, 49).match(/[0-9a-f]{2}/g) ?? []) bytes.push(parseInt(h, 16));
  }
  return Buffer.from(bytes);
}

function multiSz(b: Buffer): string[] {
  const items = b.toString("utf16le", 0, b.length & ~1).split("\0");
  const out: string[] = [];
  for (const s of items) {
    if (s === "") break;
    out.push(s);
  }
  return out;
}

/** `regfexport file`: values (names and text in UTF-8), keys. Root name stripped from paths. */
export function runRegfexport(file: string): { keys: OracleKey[]; values: OracleValue[]; stderr: string } {
  const r = spawnSync("regfexport", [file], { encoding: "utf8", maxBuffer: 1 << 30 });
  const lines = r.stdout.split("\n");
  const keys: OracleKey[] = [];
  const values: OracleValue[] = [];
  let path = "";
  let i = 0;
  const stripRoot = (p: string) => {
    const s = p.indexOf("\\");
    return s < 0 ? "" : p.slice(s + 1);
  };
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith("Key path: ")) {
      path = stripRoot(line.slice("Key path: ".length));
      keys.push({ path });
      i++;
      continue;
    }
    const vm = /^Value: \d+ (.*)$/.exec(line);
    if (!vm) {
      i++;
      continue;
    }
    const name = vm[1] === "(default)" ? "" : vm[1];
    i++;
    const typeLine = lines[i++] ?? "";
    const tm = /\((REG_[A-Z_]+)\)$/.exec(typeLine) ?? /^Type: unknown: (0x[0-9a-fA-F]{8})$/.exec(typeLine);
    let type = tm ? tm[1].replace(/_LITTLE_ENDIAN$/, "") : typeLine;
    if (/^0x/.test(type)) type = type.toLowerCase().replace(/^0x/, "0x");
    const sizeLine = lines[i] ?? "";
    let size = 0;
    if (sizeLine.startsWith("Data size: ")) {
      size = Number(sizeLine.slice("Data size: ".length));
      i++;
    }
    let mismatch = false;
    if ((lines[i] ?? "").startsWith("Mismatch in data size")) {
      mismatch = true;
      i++;
    }
    let inline: string | null = null;
    const dump: string[] = [];
    if ((lines[i] ?? "").startsWith("Data:")) {
      const rest = lines[i].slice("Data:".length);
      i++;
      if (rest.startsWith(" ")) inline = rest.slice(1);
      else while (i < lines.length && /^[0-9a-f]{8}: /.test(lines[i])) dump.push(lines[i++]);
      if (rest === "" && dump.length === 0) inline = "";
    }
    const bytes = hexdumpBytes(dump);
    const v: OracleValue = { path, name, type, value: null, size };
    if (mismatch) v.skip = "regfexport: data size does not fit the type";
    switch (type) {
      case "REG_SZ":
      case "REG_EXPAND_SZ":
        v.value = inline ?? "";
        break;
      case "REG_DWORD":
      case "REG_DWORD_BIG_ENDIAN":
        v.value = inline !== null && inline !== "" ? Number(inline) : bytes.toString("hex").toUpperCase();
        break;
      case "REG_QWORD":
        v.value = inline !== null && inline !== "" ? qword(BigInt(inline)) : bytes.toString("hex").toUpperCase();
        break;
      case "REG_LINK": {
        const s = bytes.toString("utf16le", 0, bytes.length & ~1);
        const nul = s.indexOf("\0");
        v.value = nul >= 0 ? s.slice(0, nul) : s;
        break;
      }
      case "REG_MULTI_SZ":
        v.value = multiSz(bytes);
        break;
      default:
        v.value = bytes.toString("hex").toUpperCase();
    }
    // libregf 20201007 copies the LAST bytes of the 4-byte field for 1–3-byte resident data
    // (formats.md §2.5): its rendering of such values is wrong, so they are not compared here.
    if (size > 0 && size < 4) v.skip = "libregf misreads 1–3-byte resident data";
    values.push(v);
  }
  return { keys, values, stderr: r.stderr };
}

const MASK_NAMES: Record<string, number> = {
  QRY_VAL: 0x1,
  SET_VAL: 0x2,
  CREATE_KEY: 0x4,
  ENUM_KEYS: 0x8,
  NOTIFY: 0x10,
  CREATE_LNK: 0x20,
  WOW64_64: 0x100,
  WOW64_32: 0x200,
  DELETE: 0x10000,
  R_CONT: 0x20000,
  W_DAC: 0x40000,
  W_OWNER: 0x80000,
  SYNC: 0x100000,
  SYS_SEC: 0x1000000,
  MAX_ALLWD: 0x2000000,
  GEN_A: 0x10000000,
  GEN_X: 0x20000000,
  GEN_W: 0x40000000,
  GEN_R: 0x80000000,
};

/** Parses reglookup's DACL column into comparable ACE tuples. */
export function parseReglookupDacl(dacl: string): { sid: string; access: string; mask: number; flags: string[]; inherited: boolean }[] {
  if (!dacl) return [];
  return unquote(dacl)
    .toString("latin1")
    .split("|")
    .map((ace) => {
      const [sid, type, rights, flags] = ace.split(":");
      const mask = (rights ?? "")
        .split(" ")
        .filter(Boolean)
        .reduce((m, r) => (m | (MASK_NAMES[r] ?? 0)) >>> 0, 0);
      const fl = (flags ?? "").split(" ").filter(Boolean);
      return {
        sid,
        access: type === "ALLOW" ? "allow" : type === "DENY" ? "deny" : type,
        mask,
        flags: fl.filter((f) => f !== "IA").sort(),
        inherited: fl.includes("IA"),
      };
    });
}

/** A raw key's path below `HKEY_LOCAL_MACHINE\<hive>` (how the oracles print paths). */
export function belowRoot(rawKey: string, hive: string): string {
  const prefix = `HKEY_LOCAL_MACHINE\\${hive}`;
  return rawKey === prefix ? "" : rawKey.slice(prefix.length + 1);
}

export interface OracleComparison {
  compared: number;
  skipped: { key: string; why: string }[];
  mismatches: string[];
}

/**
 * Value by value, both ways: every value readHive returned must be the oracle's (same type, same
 * value), and every value the oracle printed must be among readHive's. `canRender` says which values
 * the oracle cannot print faithfully (skipped, with why); an oracle value it cannot render by name was
 * matched under its real name. An oracle that prints a value twice is an error of the test's setup.
 */
export function compareWithOracle(
  ours: RegistryValue[],
  hive: string,
  oracle: OracleValue[],
  oracleName: string,
  canRender?: typeof reglookupCanRender,
): OracleComparison {
  const id = (p: string, n: string) => `${p.toUpperCase()}\u0000${n.toUpperCase()}`;
  const byId = new Map<string, OracleValue>();
  for (const o of oracle) {
    if (byId.has(id(o.path, o.name))) throw new Error(`${oracleName} printed ${o.path}\\${o.name} twice`);
    byId.set(id(o.path, o.name), o);
  }
  const out: OracleComparison = { compared: 0, skipped: [], mismatches: [] };
  for (const v of ours) {
    const path = belowRoot(v.rawKey, hive);
    const label = `${path}\\${v.name}`;
    const why = canRender?.(path, v.name, v.value, v.type);
    if (why) {
      out.skipped.push({ key: label, why });
      continue;
    }
    const o = byId.get(id(path, v.name));
    if (!o) {
      out.mismatches.push(`${oracleName} has no value ${label}`);
      continue;
    }
    byId.delete(id(path, v.name));
    if (o.skip) {
      out.skipped.push({ key: label, why: o.skip });
      continue;
    }
    out.compared++;
    if (o.type !== v.type) out.mismatches.push(`${label}: type ${v.type} vs ${oracleName} ${o.type}`);
    else if (JSON.stringify(o.value) !== JSON.stringify(v.value))
      out.mismatches.push(`${label}: ${JSON.stringify(v.value).slice(0, 80)} vs ${oracleName} ${JSON.stringify(o.value).slice(0, 80)}`);
  }
  for (const o of byId.values()) {
    if (canRender && canRender(o.path, o.name, null, "") !== null) continue; // mangled name: matched under its real name above
    out.mismatches.push(`readHive misses ${oracleName}'s value ${o.path}\\${o.name}`);
  }
  return out;
}

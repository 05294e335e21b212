// icacls dumps → AclEntry records (formats.md §3.1).
//
// Two forms:
// * listing (`icacls <path> [/t] [/c] > file`): `<path> <ACE>` then further ACEs indented by
//   len(path) + 1 spaces, one block per object, a localized summary line at the end;
// * `/save` (`icacls <dir> /save <file> [/t]`): pairs of lines, object name then its DACL in SDDL.
//
// Integrity labels (`Mandatory Label\High Mandatory Level:(NW)`, SDDL `ML` ACEs) grant no access:
// they are kept out of `entries` and listed in `labels`. For /save, `principal` is the English
// name of a well-known SID (`NT AUTHORITY\SYSTEM` for `SY`), else the SID, else the trustee as
// written (a domain-relative alias such as `DA`, with `sid` null).
//
// Rights are reported the way icacls prints them (`F`, `M`, `RX`, `R,W`, `RX,D,WDAC`, `Rc`), with
// the access mask computed. For /save the mask comes from SDDL and is spelled by the rule seen in
// icacls listings (see `rightsFromMask`: simple rights first, then specific ones), so a listing
// and a /save of the same ACL give the same `rights` string (0x12019f → "R,W", FA → "F").

import type { AclEntry, Problem } from "./types.js";
import { isWellKnownAuthority, normalizeSid, sddlTrusteeSid, wellKnownSid, wellKnownSidName } from "./wellKnownSids.js";

export interface IcaclsError {
  /** Path the error names, as printed. */
  path: string;
  /** Message as printed (localized: "Access is denied.", "Zugriff verweigert", …). */
  message: string;
  line: number;
}

/** A mandatory integrity label (`Mandatory Label\High Mandatory Level:(NW)`): not an access ACE. */
export interface IntegrityLabel {
  path: string;
  principal: string;
  sid: string | null;
  /** Label policy as printed: NW (no write up), NR (no read up), NX (no execute up), comma-joined. */
  policy: string;
  flags: string[];
  inherited: boolean;
  line: number;
}

/** DACL control flags of one object in a /save dump (the listing does not show them). */
export interface SavedDacl {
  path: string;
  /** `P`: protected, inheritance from the parent blocked (`/inheritance:r`). */
  protected: boolean;
  /** `AI`: auto-inherited. */
  autoInherited: boolean;
  line: number;
}

export interface IcaclsResult {
  form: "listing" | "save";
  entries: AclEntry[];
  /** Per-path error lines (listing only; they reach the file only with `2>&1`). */
  errors: IcaclsError[];
  /** The trailing summary line's counts (listing only), null when absent. */
  summary: { succeeded: number; failed: number } | null;
  /** Integrity labels, kept out of `entries` (they grant or deny no access). */
  labels: IntegrityLabel[];
  /** /save only: each object's DACL flags, in file order. */
  dacls: SavedDacl[];
  problems: Problem[];
}

// ---------------------------------------------------------------------------------------------
// Rights

/** icacls rights tokens (upper-cased) → spelling and mask. `D` and `DE` are both DELETE. */
const RIGHTS: Record<string, { spelling: string; mask: number }> = {
  N: { spelling: "N", mask: 0 },
  F: { spelling: "F", mask: 0x1f01ff },
  M: { spelling: "M", mask: 0x1301bf },
  RX: { spelling: "RX", mask: 0x1200a9 },
  R: { spelling: "R", mask: 0x120089 },
  W: { spelling: "W", mask: 0x100116 },
  D: { spelling: "D", mask: 0x10000 },
  DE: { spelling: "DE", mask: 0x10000 },
  RC: { spelling: "Rc", mask: 0x20000 },
  WDAC: { spelling: "WDAC", mask: 0x40000 },
  WO: { spelling: "WO", mask: 0x80000 },
  S: { spelling: "S", mask: 0x100000 },
  AS: { spelling: "AS", mask: 0x1000000 },
  MA: { spelling: "MA", mask: 0x2000000 },
  GR: { spelling: "GR", mask: 0x80000000 },
  GW: { spelling: "GW", mask: 0x40000000 },
  GE: { spelling: "GE", mask: 0x20000000 },
  GA: { spelling: "GA", mask: 0x10000000 },
  RD: { spelling: "RD", mask: 0x1 },
  WD: { spelling: "WD", mask: 0x2 },
  AD: { spelling: "AD", mask: 0x4 },
  REA: { spelling: "REA", mask: 0x8 },
  WEA: { spelling: "WEA", mask: 0x10 },
  X: { spelling: "X", mask: 0x20 },
  DC: { spelling: "DC", mask: 0x40 },
  RA: { spelling: "RA", mask: 0x80 },
  WA: { spelling: "WA", mask: 0x100 },
};

/** Specific rights in the order icacls prints them after the simple ones. */
const SPECIFIC_ORDER = ["RC", "WDAC", "WO", "S", "AS", "MA", "GR", "GW", "GE", "GA", "RD", "WD", "AD", "REA", "WEA", "X", "DC", "RA", "WA"];

/** Label policy tokens (only valid on integrity labels). */
const LABEL_POLICIES = new Set(["NW", "NR", "NX"]);

const INHERITANCE_FLAGS = ["OI", "CI", "IO", "NP"];

function contains(mask: number, part: number): boolean {
  return ((mask & part) >>> 0) === part;
}

/**
 * Spells an access mask the way icacls does: `F` or `M` when the mask holds them; otherwise `RX`
 * or `R`, then `W`, then `D` for DELETE, then the remaining specific rights in icacls' order and
 * any leftover bits as hex. 0x12019F → "R,W"; 0x1F01FF → "F"; 0 → "N".
 */
export function rightsFromMask(mask: number): string {
  let rest = mask >>> 0;
  if (rest === 0) return "N";
  const out: string[] = [];
  const take = (token: string) => {
    out.push(RIGHTS[token].spelling);
    rest = (rest & ~RIGHTS[token].mask) >>> 0;
  };
  // Simple rights are tested against the whole mask: R and W share SYNCHRONIZE.
  const all = rest;
  if (contains(all, RIGHTS.F.mask)) take("F");
  else if (contains(all, RIGHTS.M.mask)) take("M");
  else {
    if (contains(all, RIGHTS.RX.mask)) take("RX");
    else if (contains(all, RIGHTS.R.mask)) take("R");
    if (contains(all, RIGHTS.W.mask)) take("W");
    if (contains(all, RIGHTS.D.mask)) take("D");
  }
  // Bits already covered by a simple right are not repeated (R,W both carry SYNCHRONIZE).
  for (const token of SPECIFIC_ORDER) {
    if (contains(rest, RIGHTS[token].mask)) take(token);
  }
  if (rest !== 0) out.push("0x" + rest.toString(16));
  return out.join(",");
}

/** Parses a printed rights group (`R,W`, `m,dc`, `0x1301bf`). Unknown tokens leave the mask null. */
export function parseRights(group: string): { rights: string; mask: number | null; unknown: string[] } {
  const spelled: string[] = [];
  const unknown: string[] = [];
  let mask = 0;
  for (const raw of group.split(",")) {
    const token = raw.trim();
    const known = RIGHTS[token.toUpperCase()];
    if (known) {
      spelled.push(known.spelling);
      mask = (mask | known.mask) >>> 0;
    } else if (/^0x[0-9a-f]+$/i.test(token)) {
      spelled.push(token.toLowerCase());
      mask = (mask | Number.parseInt(token.slice(2), 16)) >>> 0;
    } else {
      spelled.push(token.toUpperCase());
      unknown.push(token);
    }
  }
  return { rights: spelled.join(","), mask: unknown.length > 0 ? null : mask, unknown };
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Whether text looks like an icacls dump (listing or /save). Looks at the first 64 KB. */
export function sniffIcacls(text: string): boolean {
  const head = text.slice(0, 65536).replace(/^\uFEFF/, "");
  const lines = head.split(/\r\n|\r|\n/).slice(0, 400);
  if (detectSaveForm(lines)) return true;
  return lines.some((line) => {
    const tail = splitAceTail(line.trim());
    return tail !== null && classifyGroups(tail.groups) !== null && tail.head.length > 0;
  });
}

export function parseIcaclsDump(text: string): IcaclsResult {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const result: IcaclsResult = { form: "listing", entries: [], errors: [], summary: null, labels: [], dacls: [], problems: [] };
  const problems = cappedProblems(result.problems);
  if (detectSaveForm(lines)) {
    result.form = "save";
    parseSaveForm(lines, result, problems);
  } else {
    parseListing(lines, result, problems);
  }
  problems.finish();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Listing

interface AceTail {
  /** Everything before `:(`, i.e. the principal, or path + space + principal on a block's first line. */
  head: string;
  groups: string[];
}

interface ParsedAce {
  access: "allow" | "deny";
  flags: string[];
  inherited: boolean;
  rightsGroup: string;
}

/**
 * Splits `<head>:(g1)(g2)…(gn)` from the end. Linear: at most a handful of groups are examined.
 */
function splitAceTail(line: string): AceTail | null {
  const groups: string[] = [];
  let end = line.length;
  while (end > 0 && line[end - 1] === ")" && groups.length < 10) {
    const open = line.lastIndexOf("(", end - 2);
    if (open < 0) return null;
    const inner = line.slice(open + 1, end - 1);
    if (!/^[A-Za-z0-9,]+$/.test(inner)) return null;
    groups.unshift(inner);
    end = open;
    if (end > 0 && line[end - 1] === ":") return end > 1 ? { head: line.slice(0, end - 1), groups } : null;
  }
  return null;
}

/** Interprets the groups: flags (I)(OI)(CI)(IO)(NP), optional (DENY), then the rights group. */
function classifyGroups(groups: string[]): ParsedAce | null {
  if (groups.length === 0) return null;
  const flags: string[] = [];
  let inherited = false;
  let deny = false;
  for (const group of groups.slice(0, -1)) {
    const g = group.toUpperCase();
    if (g === "I") inherited = true;
    else if (g === "DENY") deny = true;
    else if (INHERITANCE_FLAGS.includes(g)) flags.push(g);
    else return null;
  }
  flags.sort((a, b) => INHERITANCE_FLAGS.indexOf(a) - INHERITANCE_FLAGS.indexOf(b));
  return { access: deny ? "deny" : "allow", flags, inherited, rightsGroup: groups[groups.length - 1] };
}

/** Both parts of a parsed ACE line. */
function parseAceText(text: string): { head: string; ace: ParsedAce } | null {
  const tail = splitAceTail(text);
  if (!tail) return null;
  const ace = classifyGroups(tail.groups);
  return ace ? { head: tail.head, ace } : null;
}

/**
 * Splits a block's first line `<path> <principal>` when no indented line tells the path width:
 * prefer a principal that resolves to a well-known SID, then `DOMAIN\name` with a space-free
 * domain, else the first space (paths without spaces are the common case).
 */
function splitPathPrincipal(head: string): { path: string; principal: string } | null {
  const spaces: number[] = [];
  // Principals are short (the longest well-known names and capability SIDs stay under 200
  // characters, with few spaces): only the last spaces are candidates, which keeps this linear.
  const from = Math.max(1, head.length - 200);
  for (let i = head.length - 2; i >= from && spaces.length < 32; i--) if (head[i] === " ") spaces.unshift(i);
  const pathStart = head.search(/\S/);
  const at = (i: number) => ({ path: head.slice(0, i).trimEnd(), principal: head.slice(i + 1).trim() });
  const principalAt = (i: number) => (pathStart >= 0 && pathStart < i ? head.slice(i + 1).trim() : "");
  for (const i of spaces) {
    const principal = principalAt(i);
    if (principal && wellKnownSid(principal)) return at(i);
  }
  for (const i of spaces) {
    const parts = principalAt(i).split("\\");
    if (parts.length === 2 && parts[0] !== "" && parts[1] !== "" && (!parts[0].includes(" ") || isWellKnownAuthority(parts[0]))) return at(i);
  }
  const first = head.indexOf(" ");
  return first > 0 ? at(first) : null;
}

/** `<ok> … <failed> …`: no backslash, no ACE, exactly two integers (any language). */
function parseSummary(line: string): { succeeded: number; failed: number } | null {
  if (line.includes("\\") || line.includes(":(") || line.length > 400) return null;
  const normalized = line.normalize("NFKC");
  const numbers = normalized.match(/\d+/g);
  if (!numbers || numbers.length !== 2) return null;
  const colon = normalized.indexOf(": ");
  if (colon > 0 && /[./]/.test(normalized.slice(0, colon))) return null; // `file1 2.txt: Access is denied.`
  return { succeeded: Number(numbers[0]), failed: Number(numbers[1]) };
}

/** `<path>: <message>` printed by icacls for a path it could not process. */
function parseErrorLine(line: string): { path: string; message: string } | null {
  const colon = line.indexOf(": ");
  if (colon <= 0) return null;
  const path = line.slice(0, colon).trim();
  const message = line.slice(colon + 2).trim();
  return path && message ? { path, message } : null;
}

function parseListing(lines: string[], result: IcaclsResult, problems: ProblemSink): void {
  let currentPath: string | null = null;
  let expectedIndent = 0;

  const emit = (path: string, principal: string, ace: ParsedAce, lineNo: number) => {
    const sid = wellKnownSid(principal);
    const tokens = ace.rightsGroup.split(",").map((t) => t.trim().toUpperCase());
    const isLabel =
      tokens.every((t) => LABEL_POLICIES.has(t)) || (sid !== null && sid.startsWith("S-1-16-"));
    if (isLabel) {
      result.labels.push({ path, principal, sid, policy: tokens.join(","), flags: ace.flags, inherited: ace.inherited, line: lineNo });
      return;
    }
    const rights = parseRights(ace.rightsGroup);
    if (rights.unknown.length > 0) {
      problems.add("icacls.unknown-right", `Unknown right(s) ${rights.unknown.join(", ")} for ${principal} on ${path}; mask left unknown.`, lineNo);
    }
    result.entries.push({
      path,
      principal,
      sid,
      access: ace.access,
      rights: rights.rights,
      mask: rights.mask,
      flags: ace.flags,
      inherited: ace.inherited,
      line: lineNo,
    });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNo = i + 1;
    const trimmed = line.trim();
    if (trimmed === "") {
      currentPath = null;
      continue;
    }

    if (/^\s/.test(line)) {
      // Further ACE of the current object.
      const parsed = parseAceText(trimmed);
      if (parsed && currentPath !== null) {
        const indent = line.length - line.trimStart().length;
        if (indent !== expectedIndent) {
          problems.add("icacls.unexpected-indent", `ACE indented by ${indent} instead of ${expectedIndent} columns; kept with ${currentPath}.`, lineNo);
        }
        emit(currentPath, parsed.head.trim(), parsed.ace, lineNo);
      } else if (parsed) {
        problems.add("icacls.orphan-ace", `Indented ACE line with no object line before it: ${clip(trimmed)}`, lineNo);
      } else {
        problems.add("icacls.unparsed-line", `Unrecognized line: ${clip(trimmed)}`, lineNo);
      }
      continue;
    }

    const summary = parseSummary(trimmed);
    if (summary) {
      result.summary = summary;
      currentPath = null;
      continue;
    }

    const parsed = parseAceText(line.trimEnd());
    if (parsed) {
      const split = splitFirstLine(line.trimEnd(), parsed.head, lines, i);
      if (split) {
        currentPath = split.path;
        expectedIndent = split.path.length + 1;
        emit(split.path, split.principal, parsed.ace, lineNo);
        continue;
      }
    }

    const error = parseErrorLine(trimmed);
    if (error) {
      // stderr interleaved by 2>&1 may land inside a block: its indented ACEs still follow.
      result.errors.push({ ...error, line: lineNo });
      continue;
    }
    problems.add("icacls.unparsed-line", `Unrecognized line: ${clip(trimmed)}`, lineNo);
    currentPath = null;
  }
}

/** Path/principal split of a block's first line, using the next line's indent when there is one. */
function splitFirstLine(line: string, head: string, lines: string[], index: number): { path: string; principal: string } | null {
  const next = lines[index + 1];
  if (next !== undefined && /^\s+\S/.test(next) && parseAceText(next.trim())) {
    const indent = next.length - next.trimStart().length;
    if (indent >= 2 && indent <= head.length && line[indent - 1] === " " && line[indent] !== " ") {
      const path = line.slice(0, indent - 1).trimEnd();
      const principal = head.slice(indent).trim();
      if (path && principal) return { path, principal };
    }
  }
  return splitPathPrincipal(head);
}

// ---------------------------------------------------------------------------------------------
// /save (SDDL)

/** `D:<control>(…` optionally after `O:…G:…`: what /save writes on every second line. */
function isSddlLine(line: string): boolean {
  const open = line.indexOf("(");
  const prefix = open < 0 ? line : line.slice(0, open);
  const d = prefix.indexOf("D:");
  // Control flags are a few letters; the length check also keeps the regex off huge garbage.
  if (d < 0 || prefix.length - d > 64 || (d > 0 && !/^[OG]:/.test(prefix))) return false;
  return /^D:(?:P|AI|AR|NO_ACCESS_CONTROL)*$/i.test(prefix.slice(d));
}

/** /save form: name and SDDL lines alternate; the SDDL positions carry `D:`. */
function detectSaveForm(lines: string[]): boolean {
  const nonEmpty = lines.filter((l) => l.trim() !== "").slice(0, 200);
  if (nonEmpty.length < 2) return false;
  let sddl = 0;
  let pairs = 0;
  for (let i = 1; i < nonEmpty.length; i += 2) {
    pairs++;
    if (isSddlLine(nonEmpty[i].trim())) sddl++;
  }
  return sddl > 0 && sddl * 10 >= pairs * 8 && parseAceText(nonEmpty[0].trim()) === null;
}

/** SDDL file-access rights (MS-DTYP 2.5.1.1) → mask. */
const SDDL_RIGHTS: Record<string, number> = {
  FA: 0x1f01ff, FR: 0x120089, FW: 0x120116, FX: 0x1200a0,
  GA: 0x10000000, GR: 0x80000000, GW: 0x40000000, GX: 0x20000000,
  RC: 0x20000, SD: 0x10000, WD: 0x40000, WO: 0x80000,
  CC: 0x1, DC: 0x2, LC: 0x4, SW: 0x8, RP: 0x10, WP: 0x20, DT: 0x40, LO: 0x80, CR: 0x100,
  KA: 0xf003f, KR: 0x20019, KW: 0x20006, KX: 0x20019,
};

function sddlMask(rights: string): number | null {
  const r = rights.trim();
  if (/^0x[0-9a-f]+$/i.test(r)) return Number.parseInt(r.slice(2), 16) >>> 0;
  if (/^\d+$/.test(r)) return Number(r) >>> 0;
  if (r.length % 2 !== 0) return null;
  let mask = 0;
  for (let i = 0; i < r.length; i += 2) {
    const part = SDDL_RIGHTS[r.slice(i, i + 2).toUpperCase()];
    if (part === undefined) return null;
    mask = (mask | part) >>> 0;
  }
  return mask;
}

/** Splits `D:PAI(…)(…)` into control flags and ACE strings; stops at a top-level `S:` (SACL). */
function splitDacl(sddl: string): { control: string; aces: string[] } | null {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < sddl.length; i++) {
    const c = sddl[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0 && c === "D" && sddl[i + 1] === ":") {
      // SID strings never contain "D:", so the first one outside parentheses opens the DACL.
      start = i + 2;
      break;
    }
  }
  if (start < 0) return null;
  let i = start;
  while (i < sddl.length && sddl[i] !== "(" && !(sddl[i] === "S" && sddl[i + 1] === ":")) i++;
  const control = sddl.slice(start, i).toUpperCase();
  const aces: string[] = [];
  while (i < sddl.length && sddl[i] === "(") {
    let d = 0;
    let j = i;
    for (; j < sddl.length; j++) {
      if (sddl[j] === "(") d++;
      else if (sddl[j] === ")" && --d === 0) break;
    }
    if (j >= sddl.length) return null; // unbalanced
    aces.push(sddl.slice(i + 1, j));
    i = j + 1;
  }
  if (i < sddl.length && !(sddl[i] === "S" && sddl[i + 1] === ":")) return null; // trailing garbage
  return { control, aces };
}

/** Splits an ACE string on `;` outside parentheses (conditional ACEs nest them in the 7th field). */
function aceFields(ace: string): string[] {
  const fields: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < ace.length; i++) {
    if (ace[i] === "(") depth++;
    else if (ace[i] === ")") depth--;
    else if (ace[i] === ";" && depth === 0) {
      fields.push(ace.slice(from, i));
      from = i + 1;
    }
  }
  fields.push(ace.slice(from));
  return fields;
}

const ALLOW_TYPES = new Set(["A", "OA", "XA", "ZA"]);
const DENY_TYPES = new Set(["D", "OD", "XD"]);

function parseSaveForm(lines: string[], result: IcaclsResult, problems: ProblemSink): void {
  const numbered = lines.map((text, i) => ({ text, line: i + 1 })).filter((l) => l.text.trim() !== "");
  for (let k = 0; k < numbered.length; k += 2) {
    const name = numbered[k];
    const sddlLine = numbered[k + 1];
    const path = name.text.trim();
    if (!sddlLine) {
      problems.add("icacls.save-missing-sddl", `Object ${path} has no SDDL line after it (truncated file?).`, name.line);
      break;
    }
    const dacl = splitDacl(sddlLine.text.trim());
    if (!dacl) {
      problems.add("icacls.bad-sddl", `Not a DACL in SDDL for ${path}: ${clip(sddlLine.text.trim())}`, sddlLine.line);
      continue;
    }
    result.dacls.push({ path, protected: dacl.control.includes("P"), autoInherited: dacl.control.includes("AI"), line: sddlLine.line });
    if (dacl.control.includes("NO_ACCESS_CONTROL")) {
      problems.add("icacls.null-dacl", `${path} has a NULL DACL (everyone has full access).`, sddlLine.line);
    }
    for (const ace of dacl.aces) addSddlAce(path, ace, sddlLine.line, result, problems);
  }
}

function addSddlAce(path: string, ace: string, line: number, result: IcaclsResult, problems: ProblemSink): void {
  const fields = aceFields(ace);
  if (fields.length < 6) {
    problems.add("icacls.bad-ace", `Malformed ACE (${clip(ace)}) for ${path}.`, line);
    return;
  }
  const [type, aceFlags, rightsText, , , trustee] = fields.map((f) => f.trim());
  const t = type.toUpperCase();
  const sid = sddlTrusteeSid(trustee);
  const principal = (sid && wellKnownSidName(sid)) ?? normalizeSid(trustee) ?? trustee;

  const flags: string[] = [];
  let inherited = false;
  for (let i = 0; i + 1 < aceFlags.length; i += 2) {
    const f = aceFlags.slice(i, i + 2).toUpperCase();
    if (f === "ID") inherited = true;
    else if (INHERITANCE_FLAGS.includes(f)) flags.push(f); // SDDL and icacls share OI, CI, IO, NP
  }
  flags.sort((a, b) => INHERITANCE_FLAGS.indexOf(a) - INHERITANCE_FLAGS.indexOf(b));

  if (t === "ML") {
    result.labels.push({ path, principal, sid, policy: rightsText.toUpperCase().match(/N[WRX]/g)?.join(",") ?? rightsText, flags, inherited, line });
    return;
  }
  const access = ALLOW_TYPES.has(t) ? "allow" : DENY_TYPES.has(t) ? "deny" : null;
  if (!access) {
    problems.add("icacls.unsupported-ace-type", `ACE type ${type} in the DACL of ${path} is not an allow/deny ACE; skipped.`, line);
    return;
  }
  const mask = sddlMask(rightsText);
  if (mask === null) problems.add("icacls.unknown-right", `Unknown SDDL rights ${rightsText} for ${trustee} on ${path}; mask left unknown.`, line);
  if (sid === null && !/^[A-Z]{2}$/i.test(trustee)) problems.add("icacls.bad-trustee", `Unrecognized trustee ${trustee} on ${path}.`, line);
  result.entries.push({
    path,
    principal,
    sid,
    access,
    rights: mask === null ? rightsText.toUpperCase() : rightsFromMask(mask),
    mask,
    flags,
    inherited,
    line,
  });
}

// ---------------------------------------------------------------------------------------------

interface ProblemSink {
  add(code: string, message: string, line: number): void;
  finish(): void;
}

/** Keeps a garbage file from producing millions of problems: the first 500, then a count. */
function cappedProblems(into: Problem[], max = 500): ProblemSink {
  let dropped = 0;
  return {
    add(code, message, line) {
      if (into.length < max) into.push({ code, message, location: `line ${line}` });
      else dropped++;
    },
    finish() {
      if (dropped > 0) into.push({ code: "icacls.problems-truncated", message: `${dropped} further problems not listed.` });
    },
  };
}

function clip(text: string, max = 120): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

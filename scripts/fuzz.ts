// `npm run fuzz` (node dist/scripts/fuzz.js): seeded property-based fuzzing of every parser that reads
// evidence, which comes off broken machines and from strangers.
//
// Targets (each one fast-check property; test/hardening/fuzz.test.ts runs the same targets with a few
// hundred cases each, this script with thousands):
//
//   icacls      parseIcaclsDump over dumps built from real sample lines, mutated lines, icacls tokens, noise
//   reg-query   parseRegQuery, same construction with reg query lines and tokens
//   reg-file    parseRegFile (both encodings' options), same construction with .reg lines and tokens
//   text-bytes  byte-level mutations of the sample dump files → decodeText → classifyEvidence → all three parsers
//   evtx        readEvtx over byte-level mutations of the project's sample logs (and the small files of
//               ../shared/corpus when present): byte/u32 patches at structure-aware offsets, fills,
//               truncation, splices, chunk copies, optionally with every checksum recomputed afterwards
//   evtx-chunk  readEvtx over damage confined to one chunk of a 4-chunk sample log: every record of the
//               three other chunks must come out, unchanged (checked against the clean file's records)
//   hive        readHive over byte-level mutations of a written hive (clean, or dirty with LOG1/LOG2,
//               mutating the primary or a log), optionally with the base block checksum recomputed
//
// Properties: never throws, terminates (each case within PER_CASE_MS), returns well-typed output
// (every record, entry, value and problem checked field by field) that goes into the index whole
// (stored through IndexWriter: every record counted, no internal.parser-crashed row).
//
// Usage: node dist/scripts/fuzz.js [--runs N] [--seed S] [--target name,...]
// Default: 10,000 cases per target, seed 20261128. A failure prints its target, seed, path and the
// shrunk counterexample; a run with the same --seed and --runs reproduces it (generation is seeded). Every
// failure found becomes a fixed regression test in test/hardening/regressions.test.ts.
// Each target runs in a worker thread; a case that hangs longer than HANG_MS is reported as a hang
// with the input being processed.

import fc from "fast-check";
import { crc32 } from "node:zlib";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { parseIcaclsDump } from "../src/parsers/icacls.js";
import { parseRegQuery } from "../src/parsers/regQuery.js";
import { parseRegFile } from "../src/parsers/regFile.js";
import { readEvtx } from "../src/parsers/evtx/index.js";
import { computeChecksum, readHive } from "../src/parsers/hive/index.js";
import { decodeText } from "../src/evidence/decodeText.js";
import { classifyEvidence } from "../src/evidence/classify.js";
import { logEntriesFromStates, withSequence, writeHive, writeNewFormatLog, type KeySpec } from "../src/hiveWriter/index.js";
import { writeEvtx } from "../src/evtxWriter/index.js";
import type { AclEntry, EventRecord, Problem, RegistryKey, RegistryValue } from "../src/parsers/types.js";
import { openIndex, type Db } from "../src/store/db.js";
import { IndexWriter, type SourceKind, type SourceSink } from "../src/store/writer.js";
import { sampleFiles } from "./samples/cases.js";
import { at, rcmCertificateEvent, schannelEvent, systemBackground } from "./samples/events.js";

export const DEFAULT_SEED = 20261128;
export const DEFAULT_RUNS = 10_000;
/** A single case must finish within this (the slowest real input, a 2 MB corpus log, takes ~30 ms). */
export const PER_CASE_MS = 3_000;
const HANG_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Checks: a violated property throws a FuzzViolation naming the field.

export class FuzzViolation extends Error {}

function fail(what: string): never {
  throw new FuzzViolation(what);
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isIntOrNull = (v: unknown) => v === null || isInt(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isStrOrNull = (v: unknown) => v === null || isStr(v);

function checkProblem(p: Problem, where: string): void {
  if (!p || typeof p !== "object") fail(`${where}: problem is not an object`);
  if (!isStr(p.code) || !/^[a-z0-9][a-z0-9.-]*$/.test(p.code)) fail(`${where}: problem code ${JSON.stringify(p.code)}`);
  if (!isStr(p.message) || p.message.length === 0) fail(`${where}: problem ${p.code} has no message`);
  if (p.location !== undefined && !isStr(p.location)) fail(`${where}: problem ${p.code} location ${typeof p.location}`);
}

function checkProblems(problems: Problem[], where: string): void {
  if (!Array.isArray(problems)) fail(`${where}: problems is not an array`);
  problems.forEach((p, i) => checkProblem(p, `${where} problem ${i}`));
}

const ACL_FLAGS = new Set(["OI", "CI", "IO", "NP"]);

export function checkAclEntry(e: AclEntry, where: string, maxLine = Infinity): void {
  if (!isStr(e.path)) fail(`${where}: path ${typeof e.path}`);
  if (!isStr(e.principal)) fail(`${where}: principal ${typeof e.principal}`);
  if (!isStrOrNull(e.sid)) fail(`${where}: sid ${typeof e.sid}`);
  if (e.sid !== null && !/^S-1-\d+(-\d+)*$/.test(e.sid)) fail(`${where}: sid ${JSON.stringify(e.sid)} is not a SID`);
  if (e.access !== "allow" && e.access !== "deny") fail(`${where}: access ${JSON.stringify(e.access)}`);
  if (!isStr(e.rights)) fail(`${where}: rights ${typeof e.rights}`);
  if (!(e.mask === null || (isInt(e.mask) && e.mask >= 0 && e.mask <= 0xffffffff))) fail(`${where}: mask ${e.mask}`);
  if (!Array.isArray(e.flags) || e.flags.some((f) => !ACL_FLAGS.has(f))) fail(`${where}: flags ${JSON.stringify(e.flags)}`);
  if (typeof e.inherited !== "boolean") fail(`${where}: inherited ${typeof e.inherited}`);
  if (!isInt(e.line) || e.line < 0 || e.line > maxLine) fail(`${where}: line ${e.line} outside 0..${maxLine}`);
}

// A logical key may be "" (a `[]` key line, whose logical form is empty: documented in registryPath.ts).
export function checkRegistryValue(v: RegistryValue, where: string, maxLine = Infinity): void {
  if (!isStr(v.rawKey) || !isStr(v.key)) fail(`${where}: key ${JSON.stringify(v.key)} / raw ${typeof v.rawKey}`);
  if (!isStr(v.name)) fail(`${where}: name ${typeof v.name}`);
  if (!isStr(v.type) || v.type === "") fail(`${where}: type ${JSON.stringify(v.type)}`);
  const x = v.value;
  const ok =
    x === null ||
    isStr(x) ||
    (typeof x === "number" && Number.isFinite(x)) ||
    (Array.isArray(x) && x.every((s) => isStr(s)));
  if (!ok) fail(`${where}: value ${String(x)} (${typeof x})`);
  if (!isInt(v.line) || v.line < 0 || v.line > maxLine) fail(`${where}: line ${v.line} outside 0..${maxLine}`);
}

export function checkRegistryKey(k: RegistryKey, where: string, maxLine = Infinity): void {
  if (!isStr(k.rawKey) || !isStr(k.key)) fail(`${where}: key ${JSON.stringify(k.key)}`);
  if (!isInt(k.line) || k.line < 0 || k.line > maxLine) fail(`${where}: line ${k.line}`);
}

// FILETIMEs are printed exactly, so a damaged or forged time past 9999-12-31 has a 5-digit year.
const ISO7 = /^\d{4,5}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;

export function checkEventRecord(r: EventRecord, where: string, fileLength: number, slots: number): void {
  // EventRecordID is a u64 on disk and a number here: ids beyond 2^53 (never seen in real logs, only in
  // damaged or crafted ones) lose precision but stay non-negative integers.
  if (!Number.isInteger(r.recordId) || r.recordId < 0) fail(`${where}: recordId ${r.recordId}`);
  if (!isStr(r.timeCreated) || !ISO7.test(r.timeCreated)) fail(`${where}: timeCreated ${JSON.stringify(r.timeCreated)}`);
  if (!isInt(r.eventId) || r.eventId < 0 || r.eventId > 0xffff) fail(`${where}: eventId ${r.eventId}`);
  for (const k of ["qualifiers", "version", "level", "task", "opcode", "processId", "threadId"] as const) {
    if (!isIntOrNull(r[k])) fail(`${where}: ${k} ${String(r[k])}`);
  }
  for (const k of ["provider", "providerGuid", "keywords", "channel", "computer", "userSid", "activityId"] as const) {
    if (!isStrOrNull(r[k])) fail(`${where}: ${k} ${typeof r[k]}`);
  }
  // keywords: "0x…" when typed hex; a literal text value (damaged or odd templates) is kept as printed.
  if (!Array.isArray(r.fields)) fail(`${where}: fields is not an array`);
  r.fields.forEach((f, i) => {
    if (f.position !== i) fail(`${where}: field ${i} has position ${f.position}`);
    if (!isStr(f.name)) fail(`${where}: field ${i} name ${typeof f.name}`);
    if (!isStrOrNull(f.value)) fail(`${where}: field ${i} value ${typeof f.value}`);
  });
  if (!isInt(r.chunk) || r.chunk < 0 || r.chunk >= slots) fail(`${where}: chunk ${r.chunk} outside 0..${slots - 1}`);
  if (!isInt(r.offset) || r.offset < 4096 || r.offset >= fileLength) fail(`${where}: offset ${r.offset} outside the file`);
  if (r.status !== "chain" && r.status !== "recovered") fail(`${where}: status ${JSON.stringify(r.status)}`);
}

// Storing: what a parser returns must go into the index as it is. IndexWriter.storeSource turns an
// exception into an `internal.parser-crashed` problem row and carries on, so that row is a failure here.

let fuzzDb: Db | null = null;

export function storeAll(kind: SourceKind, fill: (sink: SourceSink) => void, expectedRecords: number): void {
  fuzzDb ??= openIndex(":memory:");
  const writer = new IndexWriter(fuzzDb);
  const result = writer.storeSource({ path: "fuzz", kind, sha256: "0", size: 0, encoding: null }, fill);
  const crashed = fuzzDb
    .prepare("SELECT message FROM problems WHERE code = 'internal.parser-crashed' AND source_id = (SELECT id FROM sources WHERE path = 'fuzz')")
    .get() as { message: string } | undefined;
  if (crashed) fail(`storing failed: ${crashed.message}`);
  const row = fuzzDb.prepare("SELECT record_count AS n FROM sources WHERE path = 'fuzz'").get() as { n: number };
  if (row.n !== expectedRecords || result.records !== expectedRecords) fail(`stored ${row.n} records of ${expectedRecords}`);
}

function timed<T>(what: string, work: () => T): T {
  const started = performance.now();
  const out = work();
  const ms = performance.now() - started;
  if (ms > PER_CASE_MS) fail(`${what} took ${ms.toFixed(0)} ms (limit ${PER_CASE_MS} ms)`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Seeds: real sample evidence, built in memory by the deterministic sample script.

interface Seeds {
  icaclsLines: string[];
  regQueryLines: string[];
  regFileLines: string[];
  dumpFiles: Uint8Array[];
  evtxFiles: { name: string; bytes: Uint8Array }[];
}

let seedsCache: Seeds | null = null;

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** Small real Windows logs from ../shared/corpus, when it is there (≤ 1.1 MB each). */
function corpusSeeds(): { name: string; bytes: Uint8Array }[] {
  const dir = path.resolve(repoRoot(), "../shared/corpus");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".evtx") && statSync(path.join(dir, f)).size <= 70_000)
    .sort()
    .map((f) => ({ name: `corpus/${f}`, bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
}

/** A three-chunk log (few records per chunk), so chunk-level mutations leave neighbours to recover. */
function multiChunkLog(): Uint8Array {
  const base = "2026-11-10T06:00:00Z";
  const events = [
    ...systemBackground(base, "vm-fuzz", 24),
    ...Array.from({ length: 6 }, (_, i) => rcmCertificateEvent(1057, at(base, 200 + i), "vm-fuzz", { text: "Access is denied." })),
    ...Array.from({ length: 6 }, (_, i) => schannelEvent(36871, "server", at(base, 300 + i), "vm-fuzz")),
  ].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
  return writeEvtx(events, { dirty: true, recordsPerChunk: 12 });
}

export function seeds(): Seeds {
  if (seedsCache) return seedsCache;
  const icaclsLines = new Set<string>();
  const regQueryLines = new Set<string>();
  const regFileLines = new Set<string>();
  const dumpFiles: Uint8Array[] = [];
  const evtxFiles: { name: string; bytes: Uint8Array }[] = [];
  for (const [rel, bytes] of sampleFiles()) {
    if (rel.endsWith("expected.json") || rel.endsWith("README.md") || rel.endsWith(".zip")) continue;
    const kind = classifyEvidence(bytes.subarray(0, 65536));
    if (kind === "evtx") {
      evtxFiles.push({ name: rel, bytes });
      continue;
    }
    if (kind !== "icacls" && kind !== "reg-query" && kind !== "reg-file") continue;
    dumpFiles.push(bytes);
    const lines = decodeText(bytes).text.split(/\r\n|\r|\n/);
    const into = kind === "icacls" ? icaclsLines : kind === "reg-query" ? regQueryLines : regFileLines;
    for (const l of lines) into.add(l);
  }
  evtxFiles.push({ name: "multi-chunk", bytes: multiChunkLog() });
  evtxFiles.push(...corpusSeeds());
  seedsCache = {
    icaclsLines: [...icaclsLines],
    regQueryLines: [...regQueryLines],
    regFileLines: [...regFileLines],
    dumpFiles,
    evtxFiles,
  };
  return seedsCache;
}

// ---------------------------------------------------------------------------------------------
// Text dumps

const ICACLS_TOKENS = [
  "(DENY)", "(R)", "(F)", "(M)", "(RX)", "(W)", "(D)", "(N)", "(OI)", "(CI)", "(IO)", "(NP)", "(I)", "(GR)", "(GW)", "(GA)",
  "(S,RD,WD)", "(R,W)", "(Rc,S,X,RA)", "(WDAC)", "(DE)", ":", "\\", " ", "  ", "(", ")", ",", "NT AUTHORITY\\SYSTEM",
  "NT AUTHORITY\\NETWORK SERVICE", "BUILTIN\\Administrators", "Everyone", "Jeder", "Tout le monde", "S-1-5-21-1-2-3-500",
  "S-1-5-80-0", "S-1-", "*S-1-5-18", "D:PAI", "D:P", "D:", "O:BAG:SYD:", "(A;;FA;;;SY)", "(D;OICI;0x12019f;;;NS)",
  "(A;ID;0x1200a9;;;BU)", "(ML;;NW;;;HI)", "(A;;GA;;;S-1-5-21-1-2-3-1001)", "(X;;;;)", ";;;", "0xffffffff",
  "Successfully processed 3 files; Failed processing 0 files", "Failed processing 99999999999999999999 files",
  "個のファイルが正常に処理されました。", "F:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys",
  "f686aace6942fb7f7ceb231212eef4a4_4c1d9f0e-7a2b-4e53-9b8d-2f6a1c3e5d7b", "Mandatory Label\\High Mandatory Level:(NW)",
  ": Access is denied.", "Zugriff verweigert", "\u202e", "\u001b[31m", "<script>", "{{x}}", "\uFEFF", "\u0000",
];

const REG_QUERY_TOKENS = [
  "HKEY_LOCAL_MACHINE\\", "HKLM\\", "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control", "HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\Select",
  "ControlSet002", "CurrentControlSet", "Select", "    ", "\t", "REG_SZ", "REG_DWORD", "REG_QWORD", "REG_MULTI_SZ", "REG_BINARY",
  "REG_EXPAND_SZ", "REG_NONE", "REG_DWORD_BIG_ENDIAN", "REG_LINK", "REG_RESOURCE_LIST", "REG_0x1234", "0x", "0x1", "0x2",
  "0xffffffff", "0xffffffffffffffff", "0x10000000000000000", "-1", "99999999999999999999", "\\0", "\\0\\0", "(Default)",
  "(既定)", "(value not set)", "(値の設定なし)", "ERROR: The system was unable to find the specified registry key or value.",
  "End of search: 3 match(es) found.", "Current", "MachineGuid", "Enabled", "DisabledByDefault", "TLS 1.2", "Server",
  "SecurityProviders\\SCHANNEL\\Protocols", "\u202e", "\u001b]0;x\u0007", "<img src=x>", "\uD800",
];

const REG_FILE_TOKENS = [
  "Windows Registry Editor Version 5.00", "REGEDIT4", "[", "]", "[-", "[HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\Select]",
  "[HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography]", '"', "=", "@=", "=-", '"Current"=dword:00000002',
  "dword:", "dword:ffffffff", "dword:123456789", "hex:", "hex(0):", "hex(1):", "hex(2):", "hex(7):", "hex(b):", "hex(4):",
  "hex(ffffffff):", "hex(100000000):", "hex(zz):", ",", "\\", "00", "ff", "0", "41,00", "00,00", "  ", '\\"', "\\\\",
  ";comment", "\u202e", "\u0000", "<script>alert(1)</script>", "{{constructor.constructor('alert(1)')()}}",
];

/** Inserts, deletes or replaces a few characters of a line. */
function splice(line: string, at: number, remove: number, insert: string): string {
  const p = line.length === 0 ? 0 : at % (line.length + 1);
  return line.slice(0, p) + insert + line.slice(p + remove);
}

function textDump(lines: string[], tokens: string[]): fc.Arbitrary<string> {
  const realLine = lines.length ? fc.constantFrom(...lines) : fc.constant("");
  const token = fc.constantFrom(...tokens);
  const line = fc.oneof(
    { weight: 6, arbitrary: realLine },
    {
      weight: 4,
      arbitrary: fc
        .tuple(realLine, fc.nat(), fc.nat({ max: 12 }), fc.oneof(token, fc.string({ maxLength: 6, unit: "binary" })))
        .map(([l, a, r, s]) => splice(l, a, r, s)),
    },
    { weight: 2, arbitrary: fc.array(token, { maxLength: 8 }).map((a) => a.join("")) },
    { weight: 1, arbitrary: fc.string({ maxLength: 120, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 120, unit: "binary" }) },
    { weight: 1, arbitrary: fc.tuple(token, fc.nat({ max: 400 })).map(([t, n]) => t.repeat(n)) },
  );
  return fc
    .tuple(fc.array(line, { maxLength: 80 }), fc.constantFrom("\r\n", "\n", "\r", "\r\r\n"), fc.boolean())
    .map(([ls, eol, bom]) => (bom ? "\uFEFF" : "") + ls.join(eol));
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length + 1;
}

export function checkIcacls(text: string): void {
  const r = timed("parseIcaclsDump", () => parseIcaclsDump(text));
  const max = lineCount(text);
  if (r.form !== "listing" && r.form !== "save") fail(`form ${JSON.stringify(r.form)}`);
  r.entries.forEach((e, i) => checkAclEntry(e, `entry ${i}`, max));
  r.errors.forEach((e, i) => {
    if (!isStr(e.path) || !isStr(e.message) || !isInt(e.line) || e.line > max) fail(`error ${i} malformed`);
  });
  r.labels.forEach((l, i) => {
    if (!isStr(l.path) || !isStr(l.principal) || !isStr(l.policy) || !isInt(l.line)) fail(`label ${i} malformed`);
  });
  const count = (n: number) => Number.isInteger(n) && n >= 0; // counts as printed: may exceed 2^53 in a forged line
  if (r.summary !== null && !(count(r.summary.succeeded) && count(r.summary.failed))) {
    fail(`summary ${JSON.stringify(r.summary)}`);
  }
  checkProblems(r.problems, "icacls");
  storeAll("icacls", (sink) => {
    for (const e of r.entries) sink.acl(e);
    for (const p of r.problems) sink.problem(p);
    sink.setInfo({ form: r.form, summary: r.summary });
  }, r.entries.length);
}

function checkRegistryDump(r: ReturnType<typeof parseRegQuery>, text: string, what: string): void {
  const max = lineCount(text);
  r.values.forEach((v, i) => checkRegistryValue(v, `${what} value ${i}`, max));
  r.keys.forEach((k, i) => checkRegistryKey(k, `${what} key ${i}`, max));
  if (!isIntOrNull(r.currentControlSet)) fail(`${what}: currentControlSet ${String(r.currentControlSet)}`);
  checkProblems(r.problems, what);
  storeAll(what === "reg query" ? "reg-query" : "reg-file", (sink) => {
    for (const k of r.keys) sink.registryKey(k);
    for (const v of r.values) sink.registryValue(v);
    for (const p of r.problems) sink.problem(p);
  }, r.values.length);
}

export function checkRegQuery(text: string): void {
  checkRegistryDump(timed("parseRegQuery", () => parseRegQuery(text)), text, "reg query");
}

export function checkRegFile(text: string, ansiEncoding?: "cp932" | "windows-1252"): void {
  const r = timed("parseRegFile", () => parseRegFile(text, { ansiEncoding }));
  checkRegistryDump(r, text, "reg file");
  if (!(r.version === null || r.version === "5.00" || r.version === "4")) fail(`version ${JSON.stringify(r.version)}`);
  r.deletions.forEach((d, i) => {
    if ((d.kind !== "key" && d.kind !== "value") || !isStr(d.key) || !isInt(d.line)) fail(`deletion ${i} malformed`);
  });
}

// ---------------------------------------------------------------------------------------------
// Byte mutations

export type Mutation =
  | { kind: "byte"; at: number; value: number }
  | { kind: "u32"; at: number; value: number }
  | { kind: "u64"; at: number; value: bigint }
  | { kind: "fill"; at: number; length: number; value: number }
  | { kind: "random"; at: number; bytes: Uint8Array }
  | { kind: "truncate"; at: number }
  | { kind: "copy"; from: number; to: number; length: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; bytes: Uint8Array };

const INTERESTING_U32 = [0, 1, 7, 8, 24, 28, 0x2a2a, 0x200, 0x1000, 0xfff8, 0x10000, 0x10001, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff];
const INTERESTING_U64 = [0n, 1n, 0xffffffffn, 0x7fffffffffffffffn, 0xffffffffffffffffn, 0x1000000000000n];

/** Offsets that hit structure: `base + k × stride + small`, or anywhere. */
function offsetArb(base: number, stride: number, head: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.nat({ max: 40 }), fc.nat({ max: head })).map(([k, o]) => base + k * stride + o) },
    { weight: 1, arbitrary: fc.nat({ max: head }) },
    { weight: 3, arbitrary: fc.nat({ max: 3_000_000 }) },
  );
}

function mutationArb(base: number, stride: number, head: number): fc.Arbitrary<Mutation> {
  const off = offsetArb(base, stride, head);
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant("byte" as const), at: off, value: fc.nat({ max: 255 }) }) },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("u32" as const),
        at: off.map((o) => o & ~3),
        value: fc.oneof(fc.constantFrom(...INTERESTING_U32), fc.nat({ max: 0xffffffff })),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("u64" as const),
        at: off.map((o) => o & ~7),
        value: fc.oneof(fc.constantFrom(...INTERESTING_U64), fc.bigInt({ min: 0n, max: 0xffffffffffffffffn })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("fill" as const), at: off, length: fc.nat({ max: 70_000 }), value: fc.constantFrom(0, 0xff, 0x2a, 0x41) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("random" as const), at: off, bytes: fc.uint8Array({ maxLength: 256 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: off }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("copy" as const), from: off, to: off, length: fc.nat({ max: 70_000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: off, length: fc.nat({ max: 4096 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("insert" as const), at: off, bytes: fc.uint8Array({ maxLength: 64 }) }) },
  );
}

export function applyMutations(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = new Uint8Array(input);
  for (const m of mutations) {
    const n = b.length;
    if (n === 0) break;
    switch (m.kind) {
      case "byte":
        b[m.at % n] = m.value;
        break;
      case "u32": {
        const at = m.at % n;
        if (at + 4 <= n) new DataView(b.buffer).setUint32(at, m.value >>> 0, true);
        break;
      }
      case "u64": {
        const at = m.at % n;
        if (at + 8 <= n) new DataView(b.buffer).setBigUint64(at, m.value, true);
        break;
      }
      case "fill": {
        const at = m.at % n;
        b.fill(m.value, at, Math.min(n, at + m.length));
        break;
      }
      case "random": {
        const at = m.at % n;
        b.set(m.bytes.subarray(0, n - at), at);
        break;
      }
      case "truncate":
        b = b.slice(0, m.at % (n + 1));
        break;
      case "copy": {
        const from = m.from % n;
        const to = m.to % n;
        const len = Math.min(m.length, n - from, n - to);
        b.copyWithin(to, from, from + len);
        break;
      }
      case "delete": {
        const at = m.at % n;
        const out = new Uint8Array(n - Math.min(m.length, n - at));
        out.set(b.subarray(0, at));
        out.set(b.subarray(at + m.length), at);
        b = out;
        break;
      }
      case "insert": {
        const at = m.at % (n + 1);
        const out = new Uint8Array(n + m.bytes.length);
        out.set(b.subarray(0, at));
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
    }
  }
  return b;
}

/** Recomputes the file header CRC and every chunk's header and records CRCs, so mutations pass validation. */
export function rechecksumEvtx(b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 128) dv.setUint32(124, crc32(b.subarray(0, 120)) >>> 0, true);
  for (let c = 4096; c + 512 <= b.length; c += 65536) {
    if (b[c] !== 0x45 || b[c + 1] !== 0x6c || b[c + 2] !== 0x66 || b[c + 3] !== 0x43) continue;
    const end = Math.min(c + 65536, b.length);
    const free = dv.getUint32(c + 48, true);
    if (free >= 512 && c + free <= end) dv.setUint32(c + 52, crc32(b.subarray(c + 512, c + free)) >>> 0, true);
    dv.setUint32(c + 124, crc32(b.subarray(c + 128, c + 512), crc32(b.subarray(c, c + 120))) >>> 0, true);
  }
}

// ---------------------------------------------------------------------------------------------
// EVTX

export interface EvtxCase {
  seed: number;
  mutations: Mutation[];
  rechecksum: boolean;
}

export function evtxInput(c: EvtxCase): Uint8Array {
  const files = seeds().evtxFiles;
  const bytes = applyMutations(files[c.seed % files.length].bytes, c.mutations);
  if (c.rechecksum) rechecksumEvtx(bytes);
  return bytes;
}

export function checkEvtx(bytes: Uint8Array): EventRecord[] {
  const records: EventRecord[] = [];
  const { info, problems } = timed("readEvtx", () => readEvtx(bytes, (r) => records.push(r)));
  for (const k of Object.keys(info) as (keyof typeof info)[]) {
    const v = info[k];
    if (typeof v !== "boolean" && !(isInt(v) && v >= 0)) fail(`info.${k} = ${String(v)}`);
  }
  if (info.records !== records.length) fail(`info.records ${info.records} but ${records.length} emitted`);
  if (info.recovered > info.records) fail(`info.recovered ${info.recovered} > records ${info.records}`);
  const ids = new Set<number>();
  records.forEach((r, i) => {
    checkEventRecord(r, `record ${i}`, bytes.length, Math.max(info.slots, 1));
    if (ids.has(r.recordId)) fail(`EventRecordID ${r.recordId} emitted twice`);
    ids.add(r.recordId);
  });
  checkProblems(problems, "evtx");
  storeAll("evtx", (sink) => {
    for (const r of records) sink.event(r);
    for (const p of problems) sink.problem(p);
    sink.setInfo(info);
  }, records.length);
  return records;
}

/** Byte-level damage confined to one 64 KiB chunk slot (offsets relative to the slot). */
export type ChunkMutation =
  | { kind: "byte"; at: number; value: number }
  | { kind: "u32"; at: number; value: number }
  | { kind: "fill"; at: number; length: number; value: number }
  | { kind: "random"; at: number; bytes: Uint8Array }
  | { kind: "copy"; from: number; at: number; length: number };

export interface IsolationCase {
  chunk: number;
  mutations: ChunkMutation[];
  rechecksum: boolean;
}

const chunkMutationArb: fc.Arbitrary<ChunkMutation> = (() => {
  const at = fc.oneof(fc.nat({ max: 640 }), fc.nat({ max: 65535 }));
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("byte" as const), at, value: fc.nat({ max: 255 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("u32" as const), at: at.map((o) => o & ~3), value: fc.oneof(fc.constantFrom(...INTERESTING_U32), fc.nat({ max: 0xffffffff })) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("fill" as const), at, length: fc.nat({ max: 65536 }), value: fc.constantFrom(0, 0xff, 0x2a) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("random" as const), at, bytes: fc.uint8Array({ maxLength: 512 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("copy" as const), from: fc.nat({ max: 3_000_000 }), at, length: fc.nat({ max: 65536 }) }) },
  );
})();

let isolationCache: { clean: Uint8Array; records: EventRecord[] } | null = null;

/** The 4-chunk log of the damaged-EVTX test (tls-server-disabled's System log, 40 records per chunk) and its records. */
export function isolationSeed(): { clean: Uint8Array; records: EventRecord[] } {
  if (isolationCache) return isolationCache;
  const base = "2026-11-10T06:00:00Z";
  const events = [
    ...systemBackground(base, "vm-web01", 120),
    ...Array.from({ length: 8 }, (_, i) => schannelEvent(36871, "server", at("2026-11-19T22:40:00Z", i * 9, i * 113), "vm-web01")),
  ].sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
  const clean = writeEvtx(events, { dirty: true, recordsPerChunk: 40 });
  const records: EventRecord[] = [];
  readEvtx(clean, (r) => records.push(r));
  isolationCache = { clean, records };
  return isolationCache;
}

export function isolationInput(c: IsolationCase): Uint8Array {
  const { clean } = isolationSeed();
  const b = new Uint8Array(clean);
  const base = 4096 + c.chunk * 65536;
  const end = base + 65536;
  const dv = new DataView(b.buffer);
  for (const m of c.mutations) {
    const at = base + m.at;
    switch (m.kind) {
      case "byte": b[at] = m.value; break;
      case "u32": if (at + 4 <= end) dv.setUint32(at, m.value >>> 0, true); break;
      case "fill": b.fill(m.value, at, Math.min(end, at + m.length)); break;
      case "random": b.set(m.bytes.subarray(0, end - at), at); break;
      case "copy": {
        const from = m.from % clean.length;
        const len = Math.min(m.length, end - at, clean.length - from);
        b.set(clean.subarray(from, from + len), at);
        break;
      }
    }
  }
  if (c.rechecksum) rechecksumEvtx(b);
  return b;
}

/** Damage in one chunk never costs or changes a record of another chunk. */
export function checkIsolation(c: IsolationCase): void {
  const got = new Map(checkEvtx(isolationInput(c)).map((r) => [r.recordId, r]));
  for (const r of isolationSeed().records) {
    if (r.chunk === c.chunk) continue;
    const g = got.get(r.recordId);
    if (g === undefined) fail(`record ${r.recordId} of untouched chunk ${r.chunk} lost`);
    if (JSON.stringify({ ...g, status: r.status }) !== JSON.stringify(r)) fail(`record ${r.recordId} of untouched chunk ${r.chunk} changed`);
  }
}

// ---------------------------------------------------------------------------------------------
// Hives

function hiveTree(denyDelta = 0): KeySpec[] {
  const services: KeySpec[] = Array.from({ length: 40 }, (_, i) => ({
    name: `Svc${String(i).padStart(3, "0")}`,
    values: [
      { name: "Start", type: "REG_DWORD", data: i % 5 },
      { name: "ImagePath", type: "REG_EXPAND_SZ", data: `%SystemRoot%\\System32\\svc${i}.exe` },
    ],
  }));
  return [
    { name: "Select", values: [{ name: "Current", type: "REG_DWORD", data: 1 }, { name: "Default", type: "REG_DWORD", data: 1 }] },
    {
      name: "ControlSet001",
      subkeys: [
        {
          name: "Control",
          subkeys: [
            {
              name: "Terminal Server",
              values: [
                { name: "fDenyTSConnections", type: "REG_DWORD", data: denyDelta },
                { name: "Big", type: "REG_BINARY", data: new Uint8Array(20_000).map((_, i) => (i * 7) & 0xff) },
                { name: "Multi", type: "REG_MULTI_SZ", data: ["a", "b\u00e9", "日本"] },
                { name: "Q", type: "REG_QWORD", data: 0x1234567890n },
                { name: "Odd", type: 0x100000, data: new Uint8Array([1, 2, 3]) },
                { name: "", type: "REG_SZ", data: "default" },
              ],
              subkeys: [{ name: "WinStations", subkeys: [{ name: "RDP-Tcp", values: [{ name: "PortNumber", type: "REG_DWORD", data: 3389 }] }] }],
            },
          ],
        },
        { name: "Services", subkeys: services },
      ],
    },
    {
      name: "Microsoft",
      subkeys: [
        { name: "Cryptography", values: [{ name: "MachineGuid", type: "REG_SZ", data: "4c1d9f0e-7a2b-4e53-9b8d-2f6a1c3e5d7b" }] },
        {
          name: "SystemCertificates",
          subkeys: [
            {
              name: "Remote Desktop",
              security: {
                aces: [
                  { sid: "S-1-5-18", access: "deny", mask: 0xf003f, flags: 0x02 },
                  { sid: "S-1-5-20", access: "allow", mask: 0x20019, flags: 0x02 },
                ],
              },
              subkeys: [{ name: "Certificates", subkeys: [{ name: "ABCDEF", values: [{ name: "Blob", type: "REG_BINARY", data: "0300000001" }] }] }],
            },
          ],
        },
      ],
    },
  ];
}

interface HiveSeeds {
  clean: Uint8Array;
  dirty: Uint8Array;
  log1: Uint8Array;
  log2: Uint8Array;
}

let hiveCache: HiveSeeds | null = null;

export function hiveSeeds(): HiveSeeds {
  if (hiveCache) return hiveCache;
  const tree = (n: number) => ({ name: "ROOT", keys: hiveTree(n) });
  const before = writeHive(tree(0), { sequence: 10, leafSize: 16 });
  const after1 = writeHive(tree(1), { sequence: 10, leafSize: 16 });
  const after2 = writeHive(tree(2), { sequence: 10, leafSize: 16 });
  const entries = logEntriesFromStates([before, after1, after2], 10);
  hiveCache = {
    clean: writeHive(tree(0), { leafSize: 16 }),
    dirty: withSequence(before, 12, 10),
    log1: writeNewFormatLog(after1, [entries[0]]),
    log2: writeNewFormatLog(after2, [entries[1]]),
  };
  return hiveCache;
}

export interface HiveCase {
  variant: "clean" | "dirty-primary" | "log1" | "log2";
  mutations: Mutation[];
  fixChecksum: boolean;
}

export function hiveInput(c: HiveCase): { primary: Uint8Array; logs: { name: string; bytes: Uint8Array }[] } {
  const h = hiveSeeds();
  const mutate = (b: Uint8Array) => {
    const out = applyMutations(b, c.mutations);
    if (c.fixChecksum && out.length >= 512) new DataView(out.buffer).setUint32(508, computeChecksum(out), true);
    return out;
  };
  if (c.variant === "clean") return { primary: mutate(h.clean), logs: [] };
  return {
    primary: c.variant === "dirty-primary" ? mutate(h.dirty) : h.dirty,
    logs: [
      { name: "SYSTEM.LOG1", bytes: c.variant === "log1" ? mutate(h.log1) : h.log1 },
      { name: "SYSTEM.LOG2", bytes: c.variant === "log2" ? mutate(h.log2) : h.log2 },
    ],
  };
}

export function checkHive(primary: Uint8Array, logs: { name: string; bytes: Uint8Array }[]): void {
  const r = timed("readHive", () => readHive(primary, { hiveName: "SYSTEM", logs }));
  r.values.forEach((v, i) => checkRegistryValue(v, `hive value ${i}`));
  r.keys.forEach((k, i) => checkRegistryKey(k, `hive key ${i}`));
  r.acls.forEach((a, i) => checkAclEntry(a, `hive acl ${i}`));
  checkProblems(r.problems, "hive");
  if (typeof r.info.dirty !== "boolean" || typeof r.info.logApplied !== "boolean") fail("hive info flags");
  storeAll("hive", (sink) => {
    for (const k of r.keys) sink.registryKey(k);
    for (const v of r.values) sink.registryValue(v);
    for (const a of r.acls) sink.acl(a);
    for (const p of r.problems) sink.problem(p);
    sink.setInfo(r.info);
  }, r.values.length + r.acls.length);
  // Streaming gives the same records as collecting.
  let streamed = 0;
  readHive(primary, { hiveName: "SYSTEM", logs, onValue: () => streamed++ });
  if (streamed !== r.values.length) fail(`streamed ${streamed} values, collected ${r.values.length}`);
}

// ---------------------------------------------------------------------------------------------
// Targets

export interface FuzzTarget {
  name: string;
  property: () => fc.IProperty<[unknown]>;
}

const wrap = <T>(arb: fc.Arbitrary<T>, run: (input: T) => void): fc.IProperty<[unknown]> =>
  fc.property(arb as fc.Arbitrary<unknown>, (input) => {
    onCase?.(input);
    run(input as T);
  });

/** Called with every input before it is run (the worker's watchdog reports it when a case hangs). */
let onCase: ((input: unknown) => void) | null = null;

export function fuzzTargets(): FuzzTarget[] {
  return [
    { name: "icacls", property: () => wrap(textDump(seeds().icaclsLines, ICACLS_TOKENS), checkIcacls) },
    { name: "reg-query", property: () => wrap(textDump(seeds().regQueryLines, REG_QUERY_TOKENS), checkRegQuery) },
    {
      name: "reg-file",
      property: () =>
        wrap(fc.tuple(textDump(seeds().regFileLines, REG_FILE_TOKENS), fc.constantFrom(undefined, "cp932" as const, "windows-1252" as const)), ([t, enc]) =>
          checkRegFile(t, enc),
        ),
    },
    {
      name: "text-bytes",
      property: () =>
        wrap(
          fc.tuple(fc.nat(), fc.array(mutationArb(0, 2, 64), { minLength: 1, maxLength: 8 })),
          ([seed, mutations]) => {
            const files = seeds().dumpFiles;
            checkDumpBytes(applyMutations(files[seed % files.length], mutations));
          },
        ),
    },
    {
      name: "evtx",
      property: () =>
        wrap(
          fc.record({ seed: fc.nat(), mutations: fc.array(mutationArb(4096, 65536, 640), { minLength: 1, maxLength: 6 }), rechecksum: fc.boolean() }),
          (c) => checkEvtx(evtxInput(c)),
        ),
    },
    {
      name: "evtx-chunk",
      property: () =>
        wrap(
          fc.record({ chunk: fc.nat({ max: 3 }), mutations: fc.array(chunkMutationArb, { minLength: 1, maxLength: 6 }), rechecksum: fc.boolean() }),
          checkIsolation,
        ),
    },
    {
      name: "hive",
      property: () =>
        wrap(
          fc.record({
            variant: fc.constantFrom("clean" as const, "dirty-primary" as const, "log1" as const, "log2" as const),
            mutations: fc.array(mutationArb(4096, 4096, 512), { minLength: 1, maxLength: 6 }),
            fixChecksum: fc.boolean(),
          }),
          (c) => {
            const { primary, logs } = hiveInput(c);
            checkHive(primary, logs);
          },
        ),
    },
  ];
}

/** What ingest does with a text dump's bytes: decode, classify, parse with the matching parser (here: all three). */
export function checkDumpBytes(bytes: Uint8Array): void {
  const decoded = timed("decodeText", () => decodeText(bytes));
  if (!isStr(decoded.text) || !isStr(decoded.encoding) || !isStr(decoded.reason)) fail("decodeText result malformed");
  classifyEvidence(bytes.subarray(0, 65536));
  checkIcacls(decoded.text);
  checkRegQuery(decoded.text);
  checkRegFile(decoded.text, decoded.encoding === "cp932" ? "cp932" : undefined);
}

export interface FuzzResult {
  target: string;
  numRuns: number;
  failed: boolean;
  seed: number;
  path: string | null;
  counterexample: string | null;
  error: string | null;
  ms: number;
}

export function describeInput(input: unknown): string {
  return JSON.stringify(input, (_k, v: unknown) =>
    typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `<${v.length} bytes: ${Buffer.from(v.subarray(0, 64)).toString("hex")}>` : v,
  ).slice(0, 4000);
}

export function runTarget(target: FuzzTarget, numRuns: number, seed: number): FuzzResult {
  const started = performance.now();
  const details = fc.check(target.property(), { numRuns, seed, endOnFailure: false });
  const error = details.errorInstance;
  return {
    target: target.name,
    numRuns: details.numRuns,
    failed: details.failed,
    seed: details.seed,
    path: details.counterexamplePath,
    counterexample: details.counterexample ? describeInput(details.counterexample[0]) : null,
    error: error === null || error === undefined ? null : error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error),
    ms: performance.now() - started,
  };
}

// ---------------------------------------------------------------------------------------------
// CLI: one worker thread per target, a watchdog for hangs.

interface WorkerJob {
  target: string;
  numRuns: number;
  seed: number;
}

function workerMain(): void {
  const job = workerData as WorkerJob;
  const target = fuzzTargets().find((t) => t.name === job.target)!;
  // fast-check has no per-case hook: the property reports its input every 50 cases for the watchdog.
  let n = 0;
  onCase = (input) => {
    if (++n % 50 === 0) parentPort!.postMessage({ type: "progress", n, input: describeInput(input).slice(0, 2000) });
  };
  parentPort!.postMessage({ type: "done", result: runTarget(target, job.numRuns, job.seed) });
}

async function runInWorker(job: WorkerJob): Promise<FuzzResult> {
  return new Promise((resolve) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job });
    let last = Date.now();
    let lastInput = "";
    let settled = false;
    const finish = (r: FuzzResult) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve(r);
    };
    const watchdog = setInterval(() => {
      if (Date.now() - last > HANG_MS) {
        void worker.terminate();
        finish({
          target: job.target, numRuns: -1, failed: true, seed: job.seed, path: null,
          counterexample: lastInput, error: `no progress for ${HANG_MS / 1000} s: a case hangs (last reported input above, within the next 50 cases)`, ms: 0,
        });
      }
    }, 1000);
    worker.on("message", (m: { type: string; n?: number; input?: string; result?: FuzzResult }) => {
      last = Date.now();
      if (m.type === "progress") lastInput = m.input ?? "";
      if (m.type === "done") finish(m.result!);
    });
    worker.on("error", (e) => finish({ target: job.target, numRuns: -1, failed: true, seed: job.seed, path: null, counterexample: lastInput, error: String(e), ms: 0 }));
    worker.on("exit", (code) => {
      if (code !== 0) finish({ target: job.target, numRuns: -1, failed: true, seed: job.seed, path: null, counterexample: lastInput, error: `worker exited with ${code}`, ms: 0 });
    });
  });
}

async function cli(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const numRuns = Number(arg("--runs") ?? DEFAULT_RUNS);
  const seed = Number(arg("--seed") ?? DEFAULT_SEED);
  const only = arg("--target")?.split(",");
  const names = fuzzTargets().map((t) => t.name).filter((n) => !only || only.includes(n));
  if (!Number.isInteger(numRuns) || numRuns <= 0 || !Number.isInteger(seed) || names.length === 0) {
    process.stderr.write("usage: node dist/scripts/fuzz.js [--runs N] [--seed S] [--target icacls,reg-query,reg-file,text-bytes,evtx,evtx-chunk,hive]\n");
    return 2;
  }
  process.stdout.write(`rdp-triage fuzz: ${numRuns} cases per target, seed ${seed}\n`);
  const started = performance.now();
  let failures = 0;
  // Two targets at a time (CI machines have two cores).
  const queue = [...names];
  const results: FuzzResult[] = [];
  const lane = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const r = await runInWorker({ target: name, numRuns, seed });
      results.push(r);
      const line = r.failed
        ? `FAIL ${r.target.padEnd(10)} after ${r.numRuns} case(s), seed ${r.seed}${r.path ? `, path ${JSON.stringify(r.path)}` : ""}\n` +
          `     input: ${r.counterexample}\n     error: ${r.error}\n`
        : `ok   ${r.target.padEnd(10)} ${String(r.numRuns).padStart(7)} cases  ${(r.ms / 1000).toFixed(1).padStart(6)} s  seed ${r.seed}\n`;
      process.stdout.write(line);
      if (r.failed) failures++;
    }
  };
  await Promise.all([lane(), lane()]);
  const total = results.reduce((s, r) => s + Math.max(r.numRuns, 0), 0);
  process.stdout.write(`${total} cases over ${results.length} targets in ${((performance.now() - started) / 1000).toFixed(1)} s; ${failures} failed\n`);
  return failures ? 1 : 0;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (!isMainThread && (workerData as WorkerJob | undefined)?.target) {
  workerMain();
} else if (isEntry) {
  cli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`fuzz: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 3;
    },
  );
}

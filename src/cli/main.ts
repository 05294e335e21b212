import { Command, CommanderError } from "commander";
import { accessSync, constants, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { CONFIDENCE_ORDER, type Confidence, type Report } from "../report/findings.js";
import type { Lang } from "../scenarios/types.js";
import type { Db } from "../store/db.js";
import { printable } from "./terminal.js";
import { TOOL_VERSION } from "../version.js";

// Each command imports what it needs when it runs (`await import` in its action): `index` must not pay
// for loading the report renderers, the scenarios, handlebars or the collector, which are a large part
// of a short run's start-up. Only type imports and small modules are static here.

/** Exit codes: 0 done, 1 a --fail-on threshold or a regression check failed, 2 usage or unreadable input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("rdp-triage")
    .description("Offline forensic analyzer for Windows VMs that refuse Remote Desktop")
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();

  program
    .command("index")
    .description("index an evidence folder (event logs, icacls and registry dumps) into one SQLite file")
    .argument("<folder>", "evidence folder copied off the rescue VM")
    .requiredOption("--db <file>", "SQLite index to create or update")
    .option("--rehash", "re-hash every file even when its size and modification time are unchanged")
    .action(async (folder: string, opts: { db: string; rehash?: boolean }) => {
      await sweepTempFolders();
      const [{ ingestFolder }, { progressReporter }] = await Promise.all([import("../ingest/ingestFolder.js"), import("./progress.js")]);
      const db = await openIndexFile(opts.db);
      try {
        const summary = await onIndex(opts.db, () => ingestFolder(folder, db, { onProgress: progressReporter(), rehash: opts.rehash }));
        const kinds = Object.entries(summary.byKind)
          .sort()
          .map(([k, n]) => `${k} ${n}`)
          .join(", ");
        process.stdout.write(
          printable(
            `Indexed ${count(summary.files, "file")} (${kinds || "none"}) into ${opts.db}: ` +
              `${summary.indexed} parsed, ${summary.unchanged} unchanged, ${summary.removed.length} removed; ` +
              `${summary.records} records, ${summary.problems} problems, ${summary.seconds.toFixed(2)} s\n`,
          ),
        );
      } finally {
        db.close();
      }
    });

  program
    .command("analyze")
    .description("index an evidence folder, detect known causes, and write the report")
    .argument("<folder>", "evidence folder copied off the rescue VM")
    .option("--out <file>", "HTML report", "rdp-triage-report.html")
    .option("--json <file>", "also write the findings as JSON")
    .option("--case-md <file>", "also write a Markdown case summary for a ticket")
    .option("--db <file>", "keep the index in this SQLite file (re-runs skip unchanged files)")
    .option("--rehash", "re-hash every file even when its size and modification time are unchanged")
    .option("--as-of <time>", "ISO time taken as 'now' for recency windows (default: newest event)")
    .option("--fail-on <confidence>", "exit 1 when a finding at or above high|medium|low exists")
    .option("--lang <lang>", "report language: en or ja", "en")
    .option("--drive <letter>", "drive letter of the attached OS disk for offline scripts")
    .option("--case <id>", "support case id")
    .option("--analyst <name>", "analyst name")
    .option("--vm <name>", "VM name")
    .option("--note <text>", "free-text note")
    .action(async (folder: string, opts: AnalyzeOptions) => {
      const failOn = parseFailOn(opts.failOn);
      const lang = parseLang(opts.lang);
      const asOf = parseAsOf(opts.asOf);
      // Before reading any evidence: a path that cannot be written is a mistake to hear about now, not after the run.
      checkOutputPath("--out", opts.out);
      if (opts.json) checkOutputPath("--json", opts.json);
      if (opts.caseMd) checkOutputPath("--case-md", opts.caseMd);
      await sweepTempFolders();
      const [{ ingestFolder }, { progressReporter }, { buildReportCached }] = await Promise.all([
        import("../ingest/ingestFolder.js"),
        import("./progress.js"),
        import("../pipeline/reportCache.js"),
      ]);
      const report = await withIndex(opts.db, async (db) => {
        const summary = await ingestFolder(folder, db, { onProgress: progressReporter(), rehash: opts.rehash });
        process.stderr.write(
          printable(
            `Indexed ${count(summary.files, "file")}: ${summary.indexed} parsed, ${summary.unchanged} unchanged; ` +
              `${summary.records} records, ${summary.problems} problems (${summary.seconds.toFixed(2)} s)\n`,
          ),
        );
        const options = {
          lang,
          asOf,
          drive: opts.drive,
          case: caseInfo(opts),
          command: commandLine(),
        };
        // Without --db the index is a temporary file: nothing to reuse, nothing worth storing.
        return opts.db ? buildReportCached(db, options) : (await import("../pipeline/buildReport.js")).buildReport(db, options);
      });
      await writeOutputs(report, { html: opts.out, json: opts.json, md: opts.caseMd });
      printVerdict(report, opts.out);
      if (failOn && report.findings.some((f) => CONFIDENCE_ORDER.indexOf(f.confidence) <= CONFIDENCE_ORDER.indexOf(failOn))) {
        setExitCode(program, EXIT_FINDINGS);
      }
    });

  program
    .command("report")
    .description("re-render a report from an existing index without re-reading the evidence")
    .requiredOption("--db <file>", "index written by index or analyze --db")
    .option("--format <format>", "html, json or md", "html")
    .option("--out <file>", "output file (default: standard output)")
    .option("--as-of <time>", "ISO time taken as 'now' for recency windows")
    .option("--lang <lang>", "report language: en or ja", "en")
    .option("--drive <letter>", "drive letter of the attached OS disk for offline scripts")
    .option("--case <id>", "support case id")
    .option("--analyst <name>", "analyst name")
    .option("--vm <name>", "VM name")
    .option("--note <text>", "free-text note")
    .action(async (opts: ReportCommandOptions) => {
      const format = opts.format;
      if (!["html", "json", "md"].includes(format)) throw new UsageError(`--format must be html, json or md, not ${format}`);
      try {
        statSync(opts.db);
      } catch {
        throw new UsageError(`index ${opts.db} not found`);
      }
      const lang = parseLang(opts.lang);
      const asOf = parseAsOf(opts.asOf);
      if (opts.out) checkOutputPath("--out", opts.out);
      const { buildReport } = await import("../pipeline/buildReport.js");
      const db = await openIndexFile(opts.db);
      let report: Report;
      try {
        report = await onIndex(opts.db, async () =>
          buildReport(db, {
            lang,
            asOf,
            drive: opts.drive,
            case: caseInfo(opts),
            command: commandLine(),
          }),
        );
      } finally {
        db.close();
      }
      const text = await render(format as "html" | "json" | "md", report);
      if (opts.out) await writeOutput("--out", opts.out, text);
      else process.stdout.write(text);
    });

  program
    .command("check")
    .description("regression harness: analyze every case folder and compare with its expected.json")
    .argument("<samples-dir>", "folder of case folders, each with expected.json")
    .option("--junit <file>", "write JUnit XML results")
    .action(async (samplesDir: string, opts: { junit?: string }) => {
      if (opts.junit) checkOutputPath("--junit", opts.junit);
      await sweepTempFolders();
      const { checkCase, isCaseFolder, junitXml, listCases } = await import("../pipeline/check.js");
      let cases: string[];
      try {
        cases = isCaseFolder(samplesDir) ? [path.resolve(samplesDir)] : listCases(samplesDir).map((c) => path.join(samplesDir, c));
      } catch (error) {
        throw new UsageError(`cannot read ${samplesDir}: ${(error as Error).message}`);
      }
      if (cases.length === 0) throw new UsageError(`no case folders with expected.json under ${samplesDir}`);
      const results: Awaited<ReturnType<typeof checkCase>>[] = [];
      for (const dir of cases) {
        const r = await checkCase(dir);
        const line = r.passed
          ? `PASS ${r.name}  [${r.found.join(", ") || "no findings"}]`
          : `FAIL ${r.name}\n${r.failures.map((f) => "     - " + f).join("\n")}`;
        process.stdout.write(printable(line) + "\n");
        results.push(r);
      }
      const failed = results.filter((r) => !r.passed).length;
      process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
      if (opts.junit) await writeOutput("--junit", opts.junit, junitXml(results));
      if (failed) setExitCode(program, EXIT_FINDINGS);
    });

  program
    .command("scenarios")
    .description("list every scenario rdp-triage checks")
    .option("--lang <lang>", "en or ja", "en")
    .action(async (opts: { lang: string }) => {
      const lang = parseLang(opts.lang);
      const { SCENARIOS } = await import("../scenarios/index.js");
      const width = Math.max(...SCENARIOS.map((s) => s.id.length));
      for (const s of SCENARIOS) process.stdout.write(`${s.id.padEnd(width)}  ${s.text[lang].summary}\n`);
    });

  program
    .command("explain")
    .description("what a scenario checks, the evidence it needs, and how to collect it on a rescue VM")
    .argument("<id>", "scenario id (see: rdp-triage scenarios)")
    .option("--lang <lang>", "en or ja", "en")
    .action(async (id: string, opts: { lang: string }) => {
      const lang = parseLang(opts.lang);
      const [{ SCENARIOS }, { collectionScriptFor }] = await Promise.all([
        import("../scenarios/index.js"),
        import("../scenarios/lib/collect.js"),
      ]);
      const s = SCENARIOS.find((x) => x.id === id);
      if (!s) throw new UsageError(`unknown scenario ${id}; known: ${SCENARIOS.map((x) => x.id).join(", ")}`);
      const out = [
        `${s.id}: ${s.text[lang].title}`,
        "",
        s.text[lang].checks,
        "",
        lang === "ja" ? "必要な証拠:" : "Evidence it needs:",
        ...s.needs.map((n) => `  - [${n.kind}] ${n.description}: ${n.path}`),
        "",
        lang === "ja"
          ? "収集スクリプト (.cmd ファイルとして保存し、レスキュー VM の管理者コマンド プロンプトで実行。先に D を接続したディスクのドライブ文字に):"
          : "Collection script (save as a .cmd file and run it on the rescue VM in an elevated Command Prompt; set D to the attached disk's drive letter first):",
        ...collectionScriptFor(s.needs).split("\n").map((l) => `    ${l}`),
        "",
        `${lang === "ja" ? "サンプル" : "Samples"}: ${s.samples.map((x) => "samples/" + x).join(", ")}`,
        "",
      ];
      process.stdout.write(out.join("\n"));
    });

  program
    .command("collect")
    .description("write the PowerShell 5.1 script that collects every piece of evidence the scenarios need on a rescue VM")
    // DEFAULT_COLLECTOR_FILE of collect/index.ts, spelled out so the help needs no import of the collector.
    .option("--out <file>", "script to write", "collect-rdp-evidence.ps1")
    .option("--drive <letter>", "drive letter of the attached OS disk (default: found by the script)")
    .action(async (opts: { out: string; drive?: string }) => {
      const [{ writeCollector }, { normalizeDrive }] = await Promise.all([
        import("../collect/index.js"),
        import("../collect/generateCollector.js"),
      ]);
      let drive: string;
      try {
        drive = normalizeDrive(opts.drive);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      checkOutputPath("--out", opts.out);
      try {
        writeCollector(opts.out, { drive: drive || undefined });
      } catch (error) {
        throw outputError("--out", opts.out, error);
      }
      process.stdout.write(
        printable(
          `Wrote ${opts.out}. On the rescue VM, in an elevated Windows PowerShell:\n` +
            `  powershell -NoProfile -ExecutionPolicy Bypass -File .\\${path.basename(opts.out)}${drive ? "" : " [-Drive F]"} [-LoadHives]\n` +
            `It reads the attached disk only, and leaves one zip to hand to rdp-triage analyze.\n`,
        ),
      );
    });

  return program;
}

interface CaseFlags {
  case?: string;
  analyst?: string;
  vm?: string;
  note?: string;
}

interface AnalyzeOptions extends CaseFlags {
  rehash?: boolean;
  out: string;
  json?: string;
  caseMd?: string;
  db?: string;
  asOf?: string;
  failOn?: string;
  lang: string;
  drive?: string;
}

interface ReportCommandOptions extends CaseFlags {
  db: string;
  format: string;
  out?: string;
  asOf?: string;
  lang: string;
  drive?: string;
}

function setExitCode(program: Command, code: number): void {
  (program as Command & { exitCodeOverride?: number }).exitCodeOverride = code;
}

function parseFailOn(value: string | undefined): Confidence | undefined {
  if (value === undefined) return undefined;
  if (!(CONFIDENCE_ORDER as string[]).includes(value)) throw new UsageError(`--fail-on must be high, medium or low, not ${value}`);
  return value as Confidence;
}

function parseLang(value: string): Lang {
  if (value !== "en" && value !== "ja") throw new UsageError(`--lang must be en or ja, not ${value}`);
  return value;
}

function parseAsOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--as-of must be an ISO time such as 2026-11-28T04:00:00Z, not ${value}`);
  return new Date(ms).toISOString();
}

function caseInfo(opts: CaseFlags) {
  return {
    ...(opts.case ? { caseId: opts.case } : {}),
    ...(opts.analyst ? { analyst: opts.analyst } : {}),
    ...(opts.vm ? { vm: opts.vm } : {}),
    ...(opts.note ? { note: opts.note } : {}),
  };
}

/** "1 file", "2 files". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function commandLine(): string {
  return ["rdp-triage", ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/**
 * Removes what interrupted runs on this host left in the temp directory (unpacked archives, temporary
 * indexes: customer evidence), saying so on stderr. Ctrl-C or a kill ends a run before its cleanup.
 */
async function sweepTempFolders(): Promise<void> {
  const removed = (await import("../evidence/tempFolders.js")).sweepStaleTempFolders();
  if (removed.length) {
    process.stderr.write(
      printable(`rdp-triage: removed ${count(removed.length, "temporary folder")} left by interrupted runs: ${removed.join(", ")}\n`),
    );
  }
}

/** Runs `work` on the given index, or on a private temporary one that is removed afterwards. */
async function withIndex<T>(dbFile: string | undefined, work: (db: Db) => T | Promise<T>): Promise<T> {
  const tmp = dbFile ? null : (await import("../evidence/tempFolders.js")).makeTempFolder("index");
  try {
    const file = dbFile ?? path.join(tmp!, "index.sqlite");
    const db = await openIndexFile(file, dbFile ? "--db" : "the temporary index");
    try {
      return await work(db);
    } catch (error) {
      throw indexError(file, error, false) ?? error;
    } finally {
      db.close();
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

async function writeOutputs(report: Report, out: { html?: string; json?: string; md?: string }): Promise<void> {
  if (out.html) await writeOutput("--out", out.html, await render("html", report));
  if (out.json) await writeOutput("--json", out.json, await render("json", report));
  if (out.md) await writeOutput("--case-md", out.md, await render("md", report));
}

// ------------------------------------------------------------------------------------------------
// Output files and the index: what the user's own paths can get wrong is a usage error (exit 2, one
// line naming the file and what to do), never an "internal error" with a stack trace.

/** File-system error codes that are about the path the user gave, with what they mean in plain words. */
const PATH_ERRORS: Record<string, string> = {
  ENOENT: "a folder on its path does not exist",
  ENOTDIR: "a part of its path is a file, not a folder",
  EEXIST: "a part of its path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links on its path",
  EBUSY: "the file is busy or locked",
  ETXTBSY: "the file is busy or locked",
  EINVAL: "the name is not valid on this file system",
};

function pathErrorReason(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && Object.hasOwn(PATH_ERRORS, code) ? `${PATH_ERRORS[code]} (${code})` : null;
}

/** The usage error for an output file that could not be written, or the error itself when it is not about the path. */
function outputError(option: string, file: string, error: unknown): unknown {
  const reason = pathErrorReason(error);
  if (!reason) return error;
  return new UsageError(`cannot write ${option} ${file}: ${reason}. Give a file path in a folder you can write to.`);
}

async function writeOutput(option: string, file: string, text: string): Promise<void> {
  const { writeFileAtomic } = await import("../pipeline/writeAtomic.js");
  try {
    writeFileAtomic(file, text);
  } catch (error) {
    throw outputError(option, file, error);
  }
}

/**
 * Refuses, before any work, an output path that cannot be written: an existing folder, or a path
 * under a file. Missing folders are fine (they are created), as long as the nearest existing one
 * can be written into. What only the write itself can tell is caught there (writeOutput).
 */
function checkOutputPath(option: string, file: string): void {
  const resolved = path.resolve(file);
  const fail = (why: string) => new UsageError(`cannot write ${option} ${file}: ${why}. Give a file path in a folder you can write to.`);
  try {
    const st = statSync(resolved);
    if (st.isDirectory()) throw fail("it is a folder, not a file");
    // The write replaces the file by a rename: never a device, FIFO or socket.
    if (!st.isFile()) throw fail("it exists and is not a regular file");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw fail(pathErrorReason(error) ?? (error as Error).message);
  }
  for (let dir = path.dirname(resolved); ; dir = path.dirname(dir)) {
    let st;
    try {
      st = statSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === "ENOENT" || code === "ENOTDIR") && path.dirname(dir) !== dir) continue;
      throw fail(pathErrorReason(error) ?? (error as Error).message);
    }
    if (!st.isDirectory()) throw fail(`${dir} is a file, not a folder`);
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch {
      throw fail(`no permission to write in ${dir}`);
    }
    return;
  }
}

/**
 * Opens (or creates) the index `file`, turning what is wrong with the file itself (not an SQLite
 * database, another program's database, a folder, damaged, read-only, locked) into a usage error.
 */
async function openIndexFile(file: string, option = "--db"): Promise<Db> {
  const { openIndex } = await import("../store/db.js");
  let exists = false;
  try {
    const st = statSync(file);
    if (st.isDirectory()) {
      throw new UsageError(`${option} ${file} is a folder: give the index file name, e.g. ${path.join(file, "index.sqlite")}`);
    }
    exists = st.size > 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new UsageError(`cannot open the index ${file}: ${pathErrorReason(error) ?? (error as Error).message}`);
    // A new index: its folder is created like an output file's (better-sqlite3 would refuse a missing one).
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (mkdirError) {
      throw new UsageError(
        `cannot create the index ${file}: ${pathErrorReason(mkdirError) ?? (mkdirError as Error).message}. Give ${option} a file path in a folder you can write to.`,
      );
    }
  }
  if (exists) await refuseForeignDatabase(file, option);
  try {
    return openIndex(file);
  } catch (error) {
    throw indexError(file, error, true) ?? error;
  }
}

/** An SQLite database with tables but no `meta` table was written by another program: never write into it. */
async function refuseForeignDatabase(file: string, option: string): Promise<void> {
  const { default: Database } = await import("better-sqlite3");
  let tables: string[];
  try {
    const probe = new Database(file, { readonly: true, fileMustExist: true });
    try {
      tables = (probe.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    } finally {
      probe.close();
    }
  } catch {
    return; // not readable this way: openIndex says why
  }
  if (tables.length > 0 && !tables.includes("meta")) {
    throw new UsageError(
      `${file} is an SQLite database of another program, not an rdp-triage index: it is left untouched. Give ${option} a new file name.`,
    );
  }
}

/**
 * The usage error for an SQLite error that is about the index file rather than a bug in rdp-triage,
 * or null. While opening, any SQLite error is about the file (its schema is not ours).
 */
function indexError(file: string, error: unknown, opening: boolean): UsageError | null {
  if (!(error instanceof Error) || error.name !== "SqliteError") return null;
  const code = String((error as Error & { code?: unknown }).code ?? "");
  const newFile = "delete it or give --db a new file name (the index is rebuilt from the evidence)";
  if (code === "SQLITE_NOTADB") {
    return new UsageError(`${file} is not an rdp-triage index (not an SQLite database): give --db a new file name, or an index written by rdp-triage index or analyze --db`);
  }
  if (code.startsWith("SQLITE_CORRUPT")) return new UsageError(`the index ${file} is damaged (${error.message}): ${newFile}`);
  if (code.startsWith("SQLITE_CANTOPEN")) {
    return new UsageError(`cannot open the index ${file} (${error.message}): check that it is a file in a folder you can write to`);
  }
  if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_PERM" || code === "SQLITE_AUTH") {
    return new UsageError(`cannot write the index ${file} (${error.message}): give --db a file you can write to`);
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new UsageError(`the index ${file} is in use by another process (${error.message}): wait for it to finish, or give --db another file`);
  }
  if (code === "SQLITE_FULL") return new UsageError(`cannot write the index ${file}: the disk is full (${error.message})`);
  if (code.startsWith("SQLITE_IOERR")) return new UsageError(`cannot read or write the index ${file}: input/output error (${code}: ${error.message})`);
  if (opening) return new UsageError(`cannot use ${file} as an rdp-triage index (${code}: ${error.message}): ${newFile}`);
  return null;
}

/** Runs `work` on an open index, reporting what is wrong with the index file as a usage error. */
async function onIndex<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw indexError(file, error, false) ?? error;
  }
}

async function render(format: "html" | "json" | "md", report: Report): Promise<string> {
  if (format === "html") return (await import("../report/html.js")).renderHtml(report);
  if (format === "json") return (await import("../report/json.js")).renderJson(report);
  return (await import("../report/markdown.js")).renderMarkdown(report);
}

function printVerdict(report: Report, htmlFile: string | undefined): void {
  const lines: string[] = [];
  if (report.findings.length === 0) {
    lines.push("No known cause of RDP failure found in this evidence.");
  } else {
    for (const f of report.findings) lines.push(`[${f.confidence.toUpperCase()}] ${f.scenario}: ${f.cause}`);
  }
  const notChecked = report.checked.filter((c) => c.status === "not-checked").length;
  if (notChecked) lines.push(`${count(notChecked, "scenario")} could not be checked for lack of evidence (see the report).`);
  if (htmlFile) lines.push(`Report: ${htmlFile}`);
  process.stdout.write(printable(lines.join("\n")) + "\n");
}

/** The evidence and index errors that exit 2; their modules are loaded only on this (error) path. */
async function isEvidenceOrIndexError(error: Error): Promise<boolean> {
  const [{ EvidenceFolderError }, { IndexVersionError }] = await Promise.all([import("../evidence/discover.js"), import("../store/db.js")]);
  return error instanceof EvidenceFolderError || error instanceof IndexVersionError;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return (program as Command & { exitCodeOverride?: number }).exitCodeOverride ?? EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    if (error instanceof Error && (error instanceof UsageError || (await isEvidenceOrIndexError(error)))) {
      process.stderr.write(`rdp-triage: ${printable(error.message)}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}


// `npm run bench`: ingest speed and memory of rdp-triage against reference EVTX readers, side by side
// in one run, each measured the same way: the whole process under GNU time (wall seconds, peak RSS),
// several runs, median. Not a test: a table for the README and the issue note.
//
// Inputs: the shared EVTX corpus (../shared/corpus, *.evtx copied into bench-data/corpus), a large
// generated log (bench-data/large/System.evtx, ≥ 200,000 records written by the project's EVTX writer),
// and a generated folder shaped like a real winevt\Logs (300 logs, most empty, a few large).
// References: libevtx `evtxexport -f xml` (one process per file, output discarded) and @ts-evtx/core's
// builder `evtx(file).toArray()`; python-evtx when `evtx_dump.py` is on PATH.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { writeEvtx, type EventSpec } from "../src/evtxWriter/index.js";
import { at, brokerEvent, rcmCertificateEvent, rcmLogon, schannelEvent, systemBackground } from "./samples/events.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../.." : "..");
const benchDir = path.join(repo, "bench-data");
const corpusSource = path.resolve(repo, "..", "shared", "corpus");
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const LARGE_RECORDS = Number(process.env.BENCH_LARGE_RECORDS ?? 200_000);
const cli = path.join(repo, "dist", "src", "cli", "bin.js");
const tsEvtxRunner = path.join(repo, "dist", "scripts", "benchTsEvtx.js");

interface Measurement {
  seconds: number;
  rssMb: number;
}

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Runs a command under GNU time; returns wall seconds and peak RSS. */
function measure(argv: string[]): Measurement {
  const out = path.join(os.tmpdir(), `rdp-triage-bench-${process.pid}.time`);
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", out, ...argv], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr?.toString().slice(0, 500)}`);
  const [secs, kb] = readFileSync(out, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  rmSync(out, { force: true });
  return { seconds: secs, rssMb: kb / 1024 };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measureMedian(argv: string[], before?: () => void): Measurement {
  const all: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    all.push(measure(argv));
  }
  return { seconds: median(all.map((m) => m.seconds)), rssMb: Math.max(...all.map((m) => m.rssMb)) };
}

/** A realistic mix of providers and templates: System background, RDP, Schannel, broker, logons. */
function largeLogEvents(count: number): EventSpec[] {
  const base = "2026-01-01T00:00:00Z";
  const out: EventSpec[] = [];
  const background = systemBackground(base, "vm-bench01", 1000);
  for (let i = 0; i < count; i++) {
    const t = at(base, i * 0.5, i);
    switch (i % 10) {
      case 0:
        out.push(rcmCertificateEvent(1057, t, "vm-bench01", { text: "Access is denied." }));
        break;
      case 1:
        out.push(schannelEvent(36871, i % 20 === 1 ? "server" : "client", t, "vm-bench01"));
        break;
      case 2:
        out.push(schannelEvent(36870, "server", t, "vm-bench01"));
        break;
      case 3:
        out.push(rcmLogon(t, "vm-bench01", `user${i % 97}`, `198.51.100.${i % 250}`));
        break;
      case 4:
        out.push(brokerEvent(i % 20 === 4 ? 2056 : 1296, t, "rdcb01.contoso.local"));
        break;
      default: {
        const b = background[i % background.length];
        out.push({ ...b, timeCreated: t });
      }
    }
    out[out.length - 1].recordId = i + 1;
  }
  return out;
}

function prepareInputs(): { name: string; dir: string; bytes: number; referenceRecords: number | null }[] {
  const inputs: { name: string; dir: string; bytes: number; referenceRecords: number | null }[] = [];
  if (existsSync(corpusSource)) {
    const dir = path.join(benchDir, "corpus");
    mkdirSync(dir, { recursive: true });
    let bytes = 0;
    let golden = 0;
    for (const f of readdirSync(corpusSource).filter((n) => n.endsWith(".evtx"))) {
      const target = path.join(dir, f);
      if (!existsSync(target)) copyFileSync(path.join(corpusSource, f), target);
      bytes += statSync(target).size;
      const goldenFile = path.join(corpusSource, f + ".golden.jsonl.gz");
      if (existsSync(goldenFile)) golden += gunzipSync(readFileSync(goldenFile)).toString("utf8").split("\n").filter(Boolean).length;
    }
    inputs.push({ name: "corpus (23 files)", dir, bytes, referenceRecords: golden });
  } else {
    process.stderr.write(`bench: ${corpusSource} not found, corpus input skipped\n`);
  }
  const largeDir = path.join(benchDir, "large");
  const largeFile = path.join(largeDir, "System.evtx");
  if (!existsSync(largeFile)) {
    process.stderr.write(`bench: writing ${LARGE_RECORDS} records to ${largeFile} ...\n`);
    mkdirSync(largeDir, { recursive: true });
    writeFileSync(largeFile, writeEvtx(largeLogEvents(LARGE_RECORDS)));
  }
  inputs.push({ name: `large (${LARGE_RECORDS.toLocaleString("en-US")} records)`, dir: largeDir, bytes: statSync(largeFile).size, referenceRecords: LARGE_RECORDS });
  const winevt = prepareWinevtFolder();
  inputs.push({ name: `winevt folder (${WINEVT_FILES} logs)`, dir: winevt.dir, bytes: winevt.bytes, referenceRecords: winevt.records });
  return inputs;
}

const WINEVT_FILES = 300;

/**
 * The shape of a real `Windows\System32\winevt\Logs` folder, which is what engineers feed rdp-triage:
 * a few hundred logs, most of them empty or nearly so, a few dozen with thousands of records, a handful
 * large. Written once by the project's EVTX writer (deterministic: the same files every run).
 */
function prepareWinevtFolder(): { dir: string; bytes: number; records: number } {
  const dir = path.join(benchDir, "winevt");
  const sizes = Array.from({ length: WINEVT_FILES }, (_, i) =>
    i < 180 ? 0 : i < 260 ? 5 + ((i * 37) % 200) : i < 296 ? 1000 + ((i * 131) % 2000) : 8000 + i * 10,
  );
  const name = (i: number) => `Microsoft-Windows-Bench${String(i).padStart(3, "0")}%4Operational.evtx`;
  if (!existsSync(path.join(dir, name(WINEVT_FILES - 1)))) {
    process.stderr.write(`bench: writing ${WINEVT_FILES} logs to ${dir} ...\n`);
    mkdirSync(dir, { recursive: true });
    sizes.forEach((n, i) => writeFileSync(path.join(dir, name(i)), writeEvtx(largeLogEvents(n))));
  }
  let bytes = 0;
  for (let i = 0; i < WINEVT_FILES; i++) bytes += statSync(path.join(dir, name(i))).size;
  return { dir, bytes, records: sizes.reduce((a, b) => a + b, 0) };
}

function countIndexedRecords(db: string): number {
  const out = execFileSync("node", [
    "-e",
    `const D=require(${JSON.stringify(path.join(repo, "node_modules", "better-sqlite3"))});const d=new D(process.argv[1],{readonly:true});console.log(d.prepare("select count(*) n from events").get().n)`,
    db,
  ]).toString();
  return Number(out.trim());
}

function main(): void {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  const inputs = prepareInputs();
  const rows: string[] = [];
  const header = "| input | tool | records | seconds (median of " + runs + ") | records/s | rdp-triage speed-up | peak RSS MB |";
  rows.push(header, "|---|---|---:|---:|---:|---:|---:|");
  const db = path.join(os.tmpdir(), `rdp-triage-bench-${process.pid}.sqlite`);
  const clean = () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
  };
  const notes: string[] = [];
  for (const input of inputs) {
    const evtxFiles = readdirSync(input.dir).filter((f) => f.endsWith(".evtx")).map((f) => path.join(input.dir, f));
    const ours = measureMedian(["node", cli, "index", input.dir, "--db", db], clean);
    const ourRecords = countIndexedRecords(db);
    const ourRate = ourRecords / ours.seconds;
    const line = (tool: string, records: number | null, m: Measurement, reference: boolean) => {
      const rate = records === null ? null : records / m.seconds;
      const ratio = reference && rate ? (ourRate / rate).toFixed(1) + "×" : "";
      rows.push(
        `| ${input.name} | ${tool} | ${records ?? "?"} | ${m.seconds.toFixed(2)} | ${rate ? Math.round(rate).toLocaleString("en-US") : "?"} | ${ratio} | ${m.rssMb.toFixed(0)} |`,
      );
    };
    line("rdp-triage index (decode + normalize + SQLite)", ourRecords, ours, false);
    if (has("evtxexport")) {
      const script = `for f in "$@"; do evtxexport -f xml "$f" >/dev/null 2>&1 || true; done`;
      line("libevtx evtxexport -f xml", input.referenceRecords, measureMedian(["sh", "-c", script, "sh", ...evtxFiles]), true);
    } else notes.push("evtxexport not installed: libevtx reference skipped (apt-get install libevtx-utils)");
    if (existsSync(tsEvtxRunner)) {
      const [countLine, ...failures] = execFileSync("node", [tsEvtxRunner, ...evtxFiles]).toString().trim().split("\n");
      const count = Number(countLine);
      line("@ts-evtx/core evtx(file).toArray()", count > 0 ? count : null, measureMedian(["node", tsEvtxRunner, ...evtxFiles]), true);
      if (failures.length) notes.push(`@ts-evtx/core on ${input.name}: ${failures.length} file(s) failed: ${failures.slice(0, 3).join("; ")}`);
    }
    if (has("evtx_dump.py")) {
      const script = `for f in "$@"; do evtx_dump.py "$f" >/dev/null 2>&1 || true; done`;
      line("python-evtx evtx_dump.py", input.referenceRecords, measureMedian(["sh", "-c", script, "sh", ...evtxFiles]), true);
    } else if (input === inputs[0]) notes.push("python-evtx not installed: skipped");
    // Re-run on an unchanged folder with the same index: should cost a small fraction of the first run.
    clean();
    const first = measure(["node", cli, "analyze", input.dir, "--db", db, "--out", db + ".html"]);
    const again = measureMedian(["node", cli, "analyze", input.dir, "--db", db, "--out", db + ".html"]);
    rows.push(`| ${input.name} | re-run analyze, unchanged folder, same --db | | ${again.seconds.toFixed(2)} (first run ${first.seconds.toFixed(2)}) | | ${((again.seconds / first.seconds) * 100).toFixed(1)}% of first | ${again.rssMb.toFixed(0)} |`);
    rows.push(`| ${input.name} | input size | ${(input.bytes / 1048576).toFixed(1)} MB | | | RSS budget 2×largest file + 150 MB = ${((2 * Math.max(...evtxFiles.map((f) => statSync(f).size))) / 1048576 + 150).toFixed(0)} MB | |`);
    clean();
    rmSync(db + ".html", { force: true });
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const text = [`rdp-triage bench, ${new Date().toISOString().slice(0, 10)}, ${machine}`, "", ...rows, "", ...notes.map((n) => `- ${n}`), ""].join("\n");
  mkdirSync(benchDir, { recursive: true });
  writeFileSync(path.join(benchDir, "latest.md"), text);
  process.stdout.write(text);
}

main();

// Writes a 200,000-record log (the size the benchmark needs), logs records/s (reported only, never asserted:
// speed is measured by `npm run bench`), and — where
// `evtxexport` is installed — checks that libevtx finds every one of those records.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHUNK_SIZE, readFileHeader, writeEvtx } from "../../src/evtxWriter/index.js";
import { mixedEvents } from "./fixtures.js";
import { evtxexportVersion } from "./libevtxOracle.js";

const N = 200_000;

/** Count `<EventRecordID>` in evtxexport's streamed XML output. */
function countWithEvtxexport(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn("evtxexport", ["-f", "xml", path], { stdio: ["ignore", "pipe", "ignore"] });
    const needle = "<EventRecordID>";
    let n = 0;
    let tail = "";
    p.stdout.setEncoding("utf8");
    p.stdout.on("data", (s: string) => {
      const text = tail + s;
      for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
      tail = text.slice(Math.max(0, text.length - needle.length + 1));
    });
    p.on("error", reject);
    p.on("close", () => resolve(n));
  });
}

describe("evtxWriter: a large log", () => {
  it(`writes ${N.toLocaleString("en")} records and libevtx reads them all`, async () => {
    const events = mixedEvents(N);
    const t0 = performance.now();
    const bytes = writeEvtx(events);
    const ms = performance.now() - t0;
    const chunks = (bytes.length - 4096) / CHUNK_SIZE;
    console.log(
      `evtxWriter: ${N} records → ${chunks} chunks, ${(bytes.length / 2 ** 20).toFixed(1)} MiB in ${ms.toFixed(0)} ms ` +
        `(${Math.round((N / ms) * 1000).toLocaleString("en")} records/s)`,
    );
    const h = readFileHeader(bytes);
    expect(h.crcOk).toBe(true);
    expect(h.chunkCount).toBe(chunks);
    expect(h.nextRecordId).toBe(BigInt(N + 1));

    if (!evtxexportVersion()) {
      console.warn("evtxWriter throughput: evtxexport not installed — libevtx record count SKIPPED");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "evtxwriter-big-"));
    try {
      const path = join(dir, "big.evtx");
      writeFileSync(path, bytes);
      expect(await countWithEvtxexport(path)).toBe(N);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

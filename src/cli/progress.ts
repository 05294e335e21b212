import type { IngestProgress } from "../ingest/ingestFolder.js";
import { printable } from "./terminal.js";

/** A one-line progress display on stderr, only when stderr is a terminal; silent otherwise. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ((p: IngestProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  const started = Date.now();
  let lastDraw = 0;
  return (p) => {
    const now = Date.now();
    if (now - lastDraw < 100 && p.done < p.total) return;
    lastDraw = now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    const width = 24;
    const filled = p.total ? Math.round((p.done / p.total) * width) : width;
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const rate = Math.round(p.records / seconds);
    // File names come from the evidence (and from zip entries): made printable like every other output.
    const file = printable(p.file);
    const name = file.length > 40 ? "…" + file.slice(-39) : file;
    stream.write(`\r[${bar}] ${p.done}/${p.total} files, ${rate} records/s  ${name}`.padEnd(110).slice(0, 110));
    if (p.done >= p.total) stream.write("\n");
  };
}

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
    const seconds = (now - started) / 1000;
    const barWidth = 24;
    const filled = p.total ? Math.round((p.done / p.total) * barWidth) : barWidth;
    const bar = "#".repeat(filled) + "-".repeat(barWidth - filled);
    // A rate over the first fraction of a second means nothing (and can be absurdly large): shown from 0.5 s.
    const rate = seconds < 0.5 ? "…" : Math.round(p.records / seconds).toLocaleString("en-US");
    const records = p.records.toLocaleString("en-US");
    // File names come from the evidence (and from zip entries): made printable like every other output.
    const file = printable(p.file);
    // One terminal row at most (a line that wraps cannot be redrawn in place with \r): the file name
    // gives way first, keeping its end, which is what tells files apart.
    const columns = Math.max(10, Math.min((stream.columns || 80) - 1, 118));
    const counts = `${p.done}/${p.total} files, ${records} records, ${rate}/s  `;
    const head = columns >= 80 ? `[${bar}] ${counts}` : counts; // the bar goes before the counts do
    const room = Math.max(0, columns - head.length);
    const name = file.length <= room ? file : room < 2 ? "" : "…" + file.slice(file.length - (room - 1));
    stream.write(("\r" + head + name).padEnd(columns + 1).slice(0, columns + 1));
    if (p.done >= p.total) stream.write("\n");
  };
}

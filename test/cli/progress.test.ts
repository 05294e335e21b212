import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { progressReporter } from "../../src/cli/progress.js";

// The ingest progress line: on a terminal only, one row that \r can redraw in place, whatever the width.

function terminal(columns: number | undefined, isTTY = true) {
  const written: string[] = [];
  const stream = { isTTY, columns, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe("progressReporter", () => {
  // Each line is drawn 10 s into the run: 9,876,543 records make 987,654 records/s.
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());
  const draw = (stream: NodeJS.WriteStream, p: Parameters<NonNullable<ReturnType<typeof progressReporter>>>[0]) => {
    const report = progressReporter(stream)!;
    vi.setSystemTime(10_000);
    report(p);
  };

  it("is silent when stderr is not a terminal (logs and CI output stay clean)", () => {
    expect(progressReporter(terminal(80, false).stream)).toBeUndefined();
  });

  it("shows files done of total, records so far and the rate, with the file being read", () => {
    const { stream, written } = terminal(120);
    draw(stream, { done: 3, total: 300, file: "Logs/System.evtx", records: 123456 });
    expect(written[0]).toMatch(/^\r\[#?-{24}\] 3\/300 files, 123,456 records, 12,346\/s {2}Logs\/System\.evtx *$/);
  });

  it.each([40, 60, 80, 200, undefined])("never writes a line wider than the terminal (%s columns), cutting the file name from the left", (columns) => {
    const { stream, written } = terminal(columns);
    const long = "Windows/System32/winevt/Logs/" + "Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx";
    draw(stream, { done: 12, total: 345, file: long, records: 9876543 });
    const line = written[0].replace(/^\r/, "");
    expect([...line].length).toBeLessThan(columns ?? 80);
    // Down to 60 columns the counts stay whole and the name keeps its end; below, the line is just cut.
    if ((columns ?? 80) >= 60) expect(line).toMatch(/(^|\] )12\/345 files, 9,876,543 records, 987,654\/s {2}…\S*\.evtx *$/);
  });

  it("ends the line when the last file is done", () => {
    const { stream, written } = terminal(80);
    draw(stream, { done: 2, total: 2, file: "a.evtx", records: 10 });
    expect(written.at(-1)).toBe("\n");
  });
});

// Cross-check through the one adapter of @ts-evtx/core: on healthy files, EventID, provider and
// TimeCreated (at the library's millisecond precision) agree with its renderXml.

import { describe, expect, it } from "vitest";
import { summarizeRenderedXml, tsEvtxHeaderView, tsEvtxRenderRecords } from "../../../src/parsers/evtx/tsEvtxAdapter.js";
import { corpusBytes, decodeCorpusFile, haveCorpus, noCorpusReason } from "./corpus.js";

describe.skipIf(!haveCorpus)(`@ts-evtx/core cross-check (${haveCorpus ? "corpus found" : noCorpusReason})`, () => {
  it("sees the same file header", () => {
    const view = tsEvtxHeaderView(corpusBytes("system.evtx"));
    const { info } = decodeCorpusFile("system.evtx");
    expect(view).toMatchObject({ chunkCount: info.headerChunkCount, dirty: info.dirty, majorVersion: 3, minorVersion: 1, verified: true });
    // The library's header check does not honour the no-CRC flag (formats.md §4).
    expect(tsEvtxHeaderView(corpusBytes("Application_no_crc32.evtx"))?.verified).toBe(false);
    expect(tsEvtxHeaderView(new Uint8Array(10))).toBeNull();
  });

  for (const file of ["system.evtx", "security.evtx", "2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx"]) {
    it(`agrees with renderXml on EventID, provider and time: ${file}`, () => {
      const ours = new Map(decodeCorpusFile(file).records.filter((r) => r.status === "chain").map((r) => [r.offset, r]));
      let compared = 0;
      const mismatches: string[] = [];
      const stats = tsEvtxRenderRecords(corpusBytes(file), (rendered) => {
        const mine = ours.get(rendered.offset);
        if (mine === undefined) return; // a record the library renders that we mark recovered
        const theirs = summarizeRenderedXml(rendered.xml);
        compared++;
        const time = mine.timeCreated.slice(0, 23) + "Z"; // the library cuts to milliseconds
        if (theirs.eventId !== mine.eventId || theirs.provider !== mine.provider || theirs.timeCreated !== time || theirs.eventRecordId !== mine.recordId) {
          mismatches.push(`${rendered.offset}: ${JSON.stringify(theirs)} vs ${mine.eventId} ${mine.provider} ${mine.timeCreated}`);
        }
      });
      expect(stats.rendered).toBeGreaterThan(0);
      expect(compared).toBeGreaterThan(stats.rendered * 0.95);
      expect(mismatches.slice(0, 5)).toEqual([]);
    });
  }
});

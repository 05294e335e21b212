import { describe, expect, it } from "vitest";
import { openIndex } from "../../src/store/db.js";
import { IndexWriter } from "../../src/store/writer.js";
import { EvidenceIndex } from "../../src/store/evidence.js";
import type { EventRecord } from "../../src/parsers/types.js";

function event(recordId: number, time: string, overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    recordId,
    timeCreated: time,
    provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
    providerGuid: "{C76BAA63-AE81-421C-B425-340B4B24157F}",
    eventId: 1057,
    qualifiers: 49152,
    version: 0,
    level: 2,
    task: 0,
    opcode: 0,
    keywords: "0x80000000000000",
    channel: "System",
    computer: "vm01",
    userSid: null,
    processId: 900,
    threadId: 1200,
    activityId: null,
    fields: [{ position: 0, name: "Data", value: "Access is denied." }],
    chunk: 0,
    offset: 4608,
    status: "chain",
    ...overrides,
  };
}

const desc = (sha256: string) => ({ path: "Logs/System.evtx", kind: "evtx" as const, sha256, size: 100, encoding: null });

describe("IndexWriter", () => {
  it("stores a source with its events and fields, and the read API finds them by provider and id", () => {
    const db = openIndex(":memory:");
    const writer = new IndexWriter(db);
    writer.storeSource(desc("a"), (sink) => {
      sink.event(event(1, "2026-11-01T10:00:00.0000000Z"));
      sink.event(event(2, "2026-11-02T10:00:00.0000000Z", { eventId: 1056 }));
    });
    const evidence = new EvidenceIndex(db);
    const found = evidence.events({ providers: ["microsoft-windows-terminalservices-remoteconnectionmanager"], ids: [1057] });
    expect(found).toHaveLength(1);
    expect(found[0].fields).toEqual([{ position: 0, name: "Data", value: "Access is denied." }]);
    const [source] = evidence.sources();
    expect(source).toMatchObject({ recordCount: 2, firstTime: "2026-11-01T10:00:00.0000000Z", lastTime: "2026-11-02T10:00:00.0000000Z" });
  });

  it("replaces a changed source completely instead of appending to it", () => {
    const db = openIndex(":memory:");
    const writer = new IndexWriter(db);
    writer.storeSource(desc("a"), (sink) => sink.event(event(1, "2026-11-01T10:00:00.0000000Z")));
    writer.storeSource(desc("b"), (sink) => sink.event(event(7, "2026-11-03T10:00:00.0000000Z")));
    const rows = db.prepare("SELECT record_id FROM events").all();
    expect(rows).toEqual([{ record_id: 7 }]);
    expect(db.prepare("SELECT count(*) AS n FROM event_fields").get()).toEqual({ n: 1 });
    expect(writer.storedSource("Logs/System.evtx")?.sha256).toBe("b");
  });

  it("rolls back a source whose parser crashed and records the crash as a problem, keeping nothing half-written", () => {
    const db = openIndex(":memory:");
    const writer = new IndexWriter(db);
    writer.storeSource(desc("a"), (sink) => {
      sink.event(event(1, "2026-11-01T10:00:00.0000000Z"));
      throw new Error("boom");
    });
    expect(db.prepare("SELECT count(*) AS n FROM events").get()).toEqual({ n: 0 });
    const problems = new EvidenceIndex(db).problems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: "Logs/System.evtx", code: "internal.parser-crashed" });
  });

  it("reads registry values case-insensitively by logical key and keeps MULTI_SZ as a list", () => {
    const db = openIndex(":memory:");
    new IndexWriter(db).storeSource({ path: "reg/lsa.reg", kind: "reg-file", sha256: "x", size: 1, encoding: "utf-16le-bom" }, (sink) => {
      sink.registryValue({ rawKey: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\Lsa", key: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa", name: "Security Packages", type: "REG_MULTI_SZ", value: ["kerberos", "msv1_0"], line: 3 });
      sink.registryValue({ rawKey: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\Lsa", key: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa", name: "LimitBlankPasswordUse", type: "REG_DWORD", value: 1, line: 4 });
    });
    const evidence = new EvidenceIndex(db);
    expect(evidence.registryValue("hklm\\system\\currentcontrolset\\control\\LSA", "security packages")?.value).toEqual(["kerberos", "msv1_0"]);
    expect(evidence.registryValue("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa", "LimitBlankPasswordUse")?.value).toBe(1);
    expect(evidence.registrySubkeys("HKLM\\SYSTEM\\CurrentControlSet\\Control")).toEqual(["HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa"]);
    expect(evidence.registryMountRoots()).toEqual([{ rawRoot: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM", logicalRoot: "HKLM\\SYSTEM" }]);
  });
});

describe("toEventTimeText", () => {
  it("widens millisecond bounds to the 7-digit form events are stored in", async () => {
    const { toEventTimeText } = await import("../../src/store/evidence.js");
    expect(toEventTimeText("2026-11-20T00:20:00.123Z")).toBe("2026-11-20T00:20:00.1230000Z");
    expect(toEventTimeText("2026-11-20T00:20:00.123Z", true)).toBe("2026-11-20T00:20:00.1239999Z");
    expect(toEventTimeText("2026-11-20T00:20:00Z")).toBe("2026-11-20T00:20:00.0000000Z");
  });
});

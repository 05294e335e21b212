// Round trip: events written by the EVTX writer (src/evtxWriter) and read back by the project's own
// reader (src/parsers/evtx readEvtx) must come back field for field as written: every System field
// the record model has and every EventData/UserData field, for every substitution value type the
// writer supports (string, uint8/16/32/64, int32/64, hex32/64, bool, binary, guid, sid, filetime,
// systemtime, sizet, stringArray, and NULL in normal and optional substitutions).
//
// The expected text is derived here from the written value and the reader's documented canonical text
// (src/parsers/evtx/README.md "Canonical text"), independently of both implementations:
//   integers decimal (signed types signed) · hex32/hex64/sizet `0x` + lowercase unpadded · bool
//   `true`/`false` (any non-zero is true) · binary uppercase hex · GUID `{UPPER}` · FILETIME 7 digits ·
//   SYSTEMTIME 3 digits · SID as written (authority ≥ 2³² as 0x + 12 upper-case hex digits) · array →
//   one field per item, an empty array one empty field · NULL in an optional substitution → no field;
//   NULL in a normal one → "" (the writer stores an empty string there, see src/evtxWriter/index.ts).
// Not in the record model, so not compared: EventSourceName and RelatedActivityID.
// Strings that end in NUL are not generated: the reader drops trailing NULs by design.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeEvtx, type DataItem, type EventSpec, type UserDataChild, type Value, type ValueType } from "../../src/evtxWriter/index.js";
import { readEvtx } from "../../src/parsers/evtx/index.js";
import type { EventRecord } from "../../src/parsers/types.js";

// ---- expected text ----------------------------------------------------------------------------

const BITS: Partial<Record<ValueType, number>> = { uint8: 8, uint16: 16, uint32: 32, uint64: 64, int32: 32, int64: 64, hex32: 32, hex64: 64, sizet: 64 };

function big(v: Value): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string") return /^-0x/i.test(v.trim()) ? -BigInt(v.trim().slice(1)) : BigInt(v.trim());
  throw new Error(`not an integer: ${String(v)}`);
}

function guidFromBytes(b: Uint8Array): string {
  const h = (i: number, n: number, le: boolean) => {
    const s = [...b.subarray(i, i + n)];
    return Buffer.from(le ? s.reverse() : s).toString("hex");
  };
  return `{${h(0, 4, true)}-${h(4, 2, true)}-${h(6, 2, true)}-${h(8, 2, false)}-${h(10, 6, false)}}`.toUpperCase();
}

function sidText(sid: string): string {
  const [, rev, auth, rest] = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(sid)!;
  const a = BigInt(auth);
  return `S-${rev}-${a < 2n ** 32n ? a.toString() : "0x" + a.toString(16).toUpperCase().padStart(12, "0")}${rest}`;
}

function filetimeIso(v: Value): string {
  if (typeof v === "string") {
    const [, s, f] = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(v)!;
    return `${s}.${(f ?? "").padEnd(7, "0")}Z`;
  }
  const ft = big(v);
  const ms = Number(ft / 10_000n) - 11_644_473_600_000;
  return new Date(ms).toISOString().slice(0, 19) + "." + String(ft % 10_000_000n).padStart(7, "0") + "Z";
}

/** What readEvtx must give for one written value: one entry per field (none when omitted). */
function expectedTexts(type: ValueType, value: Value, optional: boolean): (string | null)[] {
  if (value === null) return optional ? [] : [""];
  const bits = BITS[type];
  switch (type) {
    case "string":
      return [String(value)];
    case "uint8":
    case "uint16":
    case "uint32":
    case "uint64":
      return [BigInt.asUintN(bits!, big(value)).toString()];
    case "int32":
    case "int64":
      return [BigInt.asIntN(bits!, big(value)).toString()];
    case "hex32":
    case "hex64":
    case "sizet":
      return ["0x" + BigInt.asUintN(bits!, big(value)).toString(16)];
    case "bool":
      return [big(value) !== 0n ? "true" : "false"];
    case "binary":
      return [(typeof value === "string" ? value : Buffer.from(value as Uint8Array).toString("hex")).toUpperCase()];
    case "guid":
      return [typeof value === "string" ? `{${value.replace(/[{}]/g, "").toUpperCase()}}` : guidFromBytes(value as Uint8Array)];
    case "sid":
      return [sidText(value as string)];
    case "filetime":
      return [filetimeIso(value)];
    case "systemtime": {
      const [, s, f] = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(value as string)!;
      return [`${s}.${(f ?? "").padEnd(3, "0").slice(0, 3)}Z`];
    }
    case "stringArray":
      return (value as string[]).length ? [...(value as string[])] : [""];
  }
}

type Comparable = Omit<EventRecord, "chunk" | "offset" | "status">;

function typeOf(item: DataItem | UserDataChild, element: "Data" | "Binary"): ValueType {
  if (item.type) return item.type;
  const v = item.value;
  if (element === "Binary") return "binary";
  if (v === null || typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return v < 0n ? "int64" : "uint64";
  if (typeof v === "number") return v < 0 ? (v >= -0x80000000 ? "int32" : "int64") : v <= 0xffffffff ? "uint32" : "uint64";
  if (v instanceof Uint8Array) return "binary";
  return "stringArray";
}

/** The EventRecord readEvtx must produce for `spec` written with record id `id`. */
function expectedRecord(spec: EventSpec, id: number): Comparable {
  const fields: { name: string; value: string | null }[] = [];
  if (spec.data) {
    for (const d of spec.data) {
      const element = d.element ?? (d.type === "binary" && d.name === null ? "Binary" : "Data");
      const name = element === "Binary" ? "Binary" : (d.name ?? "Data");
      for (const t of expectedTexts(typeOf(d, element), d.value, d.optional ?? element === "Binary")) fields.push({ name, value: t });
    }
  } else if (spec.userData) {
    for (const c of spec.userData.children) {
      for (const t of expectedTexts(typeOf(c, "Data"), c.value, c.optional ?? false)) fields.push({ name: c.name, value: t });
    }
  }
  const guid = (g: string | undefined) => (g === undefined ? null : `{${g.replace(/[{}]/g, "").toUpperCase()}}`);
  return {
    recordId: id,
    timeCreated: filetimeIso(spec.timeCreated),
    provider: spec.provider,
    providerGuid: guid(spec.providerGuid),
    eventId: spec.eventId,
    qualifiers: spec.qualifiers ?? null,
    version: spec.version ?? null,
    level: spec.level ?? 4,
    task: spec.task ?? 0,
    opcode: spec.opcode ?? null,
    keywords: "0x" + (spec.keywords ?? 0x8000000000000000n).toString(16),
    channel: spec.channel,
    computer: spec.computer,
    userSid: spec.userSid ?? null,
    processId: spec.processId ?? null,
    threadId: spec.threadId ?? null,
    activityId: guid(spec.activityId),
    fields: fields.map((f, position) => ({ position, ...f })),
  };
}

function roundTrip(events: EventSpec[], options: Parameters<typeof writeEvtx>[1] = {}): { records: EventRecord[]; problems: string[] } {
  const bytes = writeEvtx(events, options);
  const records: EventRecord[] = [];
  const { problems } = readEvtx(bytes, (r) => records.push(r));
  return { records, problems: problems.map((p) => p.code) };
}

function comparable(r: EventRecord): Comparable {
  const { chunk: _c, offset: _o, status, ...rest } = r;
  expect(status).toBe("chain");
  return rest;
}

/** Record ids as the writer assigns them: a running counter that continues after any explicit id. */
function ids(events: EventSpec[]): number[] {
  let next = 1;
  return events.map((e) => {
    const id = e.recordId ?? next;
    next = id + 1;
    return id;
  });
}

function expectRoundTrip(events: EventSpec[], options: Parameters<typeof writeEvtx>[1] = { dirty: true }): EventRecord[] {
  const { records, problems } = roundTrip(events, options);
  // A dirty file says so; nothing else may be reported for the writer's own output.
  expect(problems.filter((c) => c !== "evtx.header.dirty")).toEqual([]);
  const want = ids(events).map((id, i) => expectedRecord(events[i], id));
  expect(records.map(comparable)).toEqual([...want].sort((a, b) => a.recordId - b.recordId));
  return records;
}

// ---- fixed cases: every type, its edge values, both substitution kinds -------------------------

const BASE: Omit<EventSpec, "data" | "userData"> = {
  provider: "Microsoft-Windows-RoundTrip",
  providerGuid: "{0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9}",
  eventId: 4242,
  version: 2,
  level: 3,
  task: 12544,
  opcode: 1,
  keywords: 0x8020000000000000n,
  timeCreated: "2026-11-19T22:40:00.1234567Z",
  processId: 668,
  threadId: 3020,
  activityId: "{7d0f3e6a-1c2b-4d5e-8f90-a1b2c3d4e5f6}",
  channel: "Security",
  computer: "vm-web01.contoso.local",
  userSid: "S-1-5-18",
};

/** Values per type: zero/min/max and typical ones, in every input form the writer accepts. */
const VALUES: Record<ValueType, Value[]> = {
  string: ["", "server", "Access is denied.", "アクセスが拒否されました。", "line1\r\nline2", "<tag attr=\"x\">&amp;</tag>", "\u{1F600} emoji", "a\u0000b", "\u001b[31mRED"],
  uint8: [0, 1, 0x7f, 0xff],
  uint16: [0, 3389, 0xffff],
  uint32: [0, 10013, 0x7fffffff, 0xffffffff, "42", "0xc000006d"],
  uint64: [0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n, 12345],
  int32: [0, -1, -5, 2147483647, -2147483648],
  int64: [0n, -1n, -(2n ** 63n), 2n ** 63n - 1n, -123456789012n],
  hex32: [0, 0x3e7, 0xc000006d, 0xffffffff, "0x8009030d"],
  hex64: [0n, 0x3e7n, 0x5f3a21n, 0xffffffffffffffffn, "0x00000000000003e7"],
  bool: [true, false, 0, 1, 0x10, 0x10000],
  binary: [Uint8Array.of(), Uint8Array.of(0x05, 0x00, 0x07, 0x80), "540065", Uint8Array.from(Buffer.from("TermService\0", "utf16le")), new Uint8Array(300).map((_, i) => i & 0xff)],
  guid: ["{C76BAA63-AE81-421C-B425-340B4B24157F}", "1f678132-5938-4686-9fdc-c8ff68f15c85", "{00000000-0000-0000-0000-000000000000}", Uint8Array.from({ length: 16 }, (_, i) => i * 17)],
  sid: ["S-1-5-18", "S-1-0-0", "S-1-5-21-3623811015-3361044348-30300820-500", "S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420", "S-1-4294967296-7", "S-1-1"],
  filetime: ["2026-11-19T22:40:00.1234567Z", "1601-01-01T00:00:00Z", "2038-01-19T03:14:08.9999999Z", 133000000000000000n, 0],
  systemtime: ["2019-03-08T23:23:05.123Z", "2026-11-19T22:40:00Z", "2000-02-29T12:00:00.5Z"],
  sizet: [0, 0x1000, 2n ** 64n - 1n],
  stringArray: [["SeSecurityPrivilege", "SeBackupPrivilege"], ["one"], [], ["", "b"], ["日本語", "x\r\ny"]],
};

describe("evtxWriter → readEvtx round trip", () => {
  for (const type of Object.keys(VALUES) as ValueType[]) {
    it(`EventData: every ${type} value, named and unnamed, comes back as written`, () => {
      const data: DataItem[] = VALUES[type].flatMap((value, i): DataItem[] => [
        { name: `${type}_${i}`, value, type },
        { name: null, value, type },
      ]);
      expectRoundTrip([{ ...BASE, data }]);
    });

    it(`UserData: every ${type} value comes back as written`, () => {
      const children: UserDataChild[] = VALUES[type].map((value, i) => ({ name: `Param${i + 1}`, value, type }));
      expectRoundTrip([{ ...BASE, userData: { element: "EventXML", xmlns: "Event_NS", children } }]);
    });

    it(`NULL ${type}: empty in a normal substitution, no field in an optional one`, () => {
      const records = expectRoundTrip([
        {
          ...BASE,
          data: [
            { name: "Before", value: "x" },
            { name: "Normal", value: null, type },
            { name: "Optional", value: null, type, optional: true },
            { name: "After", value: "y" },
          ],
        },
      ]);
      expect(records[0].fields.map((f) => [f.name, f.value])).toEqual([["Before", "x"], ["Normal", ""], ["After", "y"]]);
    });
  }

  it("Binary elements: classic layout with unnamed Data, present and NULL (optional: omitted)", () => {
    const records = expectRoundTrip([
      { ...BASE, qualifiers: 49152, eventSourceName: "TermService", data: [{ name: null, value: "Access is denied." }, { name: null, value: "05000780", element: "Binary" }] },
      { ...BASE, qualifiers: 49152, eventSourceName: "TermService", data: [{ name: null, value: "Access is denied." }, { name: null, value: null, element: "Binary" }] },
      { ...BASE, data: [{ name: "ignored", value: Uint8Array.of(1, 2, 3), element: "Binary" }] },
    ]);
    expect(records[0].fields.map((f) => [f.name, f.value])).toEqual([["Data", "Access is denied."], ["Binary", "05000780"]]);
    expect(records[1].fields.map((f) => f.name)).toEqual(["Data"]);
    expect(records[2].fields.map((f) => [f.name, f.value])).toEqual([["Binary", "010203"]]);
  });

  it("values without a declared type are inferred as documented", () => {
    expectRoundTrip([
      { ...BASE, data: [{ name: "s", value: "text" }, { name: "n", value: 7 }, { name: "neg", value: -7 }, { name: "big", value: 2 ** 40 }, { name: "bi", value: -3n }, { name: "b", value: true }, { name: "bytes", value: Uint8Array.of(0xab) }, { name: "arr", value: ["p", "q"] }] },
    ]);
  });

  it("System fields: every optional one absent, and extreme values present", () => {
    const bare: EventSpec = { provider: "Bare", eventId: 1, timeCreated: "2026-01-01T00:00:00Z", channel: "Application", computer: "h" };
    const full: EventSpec = {
      ...BASE,
      eventId: 65535,
      qualifiers: 65535,
      version: 255,
      level: 255,
      task: 65535,
      opcode: 255,
      keywords: 0xffffffffffffffffn,
      processId: 0xffffffff,
      threadId: 0,
      recordId: 2 ** 40,
      relatedActivityId: "{11111111-2222-3333-4444-555555555555}",
      eventSourceName: "Legacy Source",
      userSid: "S-1-5-21-1-2-3-1001",
      data: [],
    };
    const records = expectRoundTrip([bare, { ...bare, keywords: 0n, level: 0, task: 0, userData: { element: "Empty", children: [] } }, full]);
    expect(records[0]).toMatchObject({ qualifiers: null, version: null, opcode: null, processId: null, threadId: null, activityId: null, userSid: null, providerGuid: null, fields: [] });
    expect(records[2].recordId).toBe(2 ** 40);
  });

  it("many records over several chunks, with templates redefined per chunk, keep their order and ids", () => {
    const events: EventSpec[] = Array.from({ length: 250 }, (_, i) => ({
      ...BASE,
      eventId: 7036 + (i % 3),
      timeCreated: new Date(Date.UTC(2026, 10, 1) + i * 61_000).toISOString().replace("Z", "1234Z"),
      computer: i % 7 ? "vm-web01" : "VM-WEB01.contoso.local",
      recordId: i === 100 ? 5000 : undefined,
      data:
        i % 2
          ? [{ name: "param1", value: `Service ${i}` }, { name: "param2", value: i % 4 ? "running" : "stopped" }, { name: null, value: "540065", element: "Binary" }]
          : [{ name: "Type", value: "server" }, { name: "ErrorState", value: 10013 + i, type: "uint32" }],
    }));
    const records = expectRoundTrip(events, { dirty: false, recordsPerChunk: 37 });
    expect(new Set(records.map((r) => r.chunk)).size).toBe(Math.ceil(250 / 37));
  });

  it("random events of random types round trip (fast-check)", () => {
    const noTrailingNul = (s: string) => s.replace(/\0+$/, "");
    const valueOf: Record<ValueType, fc.Arbitrary<Value>> = {
      string: fc.string({ unit: "binary", maxLength: 40 }).map(noTrailingNul),
      uint8: fc.integer({ min: 0, max: 0xff }),
      uint16: fc.integer({ min: 0, max: 0xffff }),
      uint32: fc.integer({ min: 0, max: 0xffffffff }),
      uint64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      int32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      hex32: fc.integer({ min: 0, max: 0xffffffff }),
      hex64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      bool: fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 0xffffffff })),
      binary: fc.uint8Array({ maxLength: 64 }),
      guid: fc.uuid().map((u) => `{${u}}`),
      sid: fc
        .tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }))
        .map(([auth, subs]) => ["S-1", String(auth), ...subs.map(String)].join("-")),
      filetime: fc.bigInt({ min: 0n, max: 2650467743999999999n }),
      systemtime: fc.date({ min: new Date("1601-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }).map((d) => d.toISOString()),
      sizet: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      stringArray: fc.array(fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\0")), { maxLength: 5 }),
    };
    const item = fc.constantFrom(...(Object.keys(valueOf) as ValueType[])).chain((type) =>
      fc.record({
        name: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/), { nil: null }),
        value: fc.option(valueOf[type], { nil: null, freq: 8 }),
        type: fc.constant(type),
        optional: fc.boolean(),
      }),
    );
    const event = fc.record({
      eventId: fc.integer({ min: 0, max: 0xffff }),
      qualifiers: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      level: fc.integer({ min: 0, max: 0xff }),
      keywords: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      ticks: fc.bigInt({ min: 116444736000000000n, max: 2650467743999999999n }),
      computer: fc.string({ minLength: 1, maxLength: 30 }),
      userSid: fc.option(fc.constantFrom("S-1-5-18", "S-1-5-20", "S-1-5-21-3623811015-3361044348-30300820-1001"), { nil: undefined }),
      data: fc.array(item, { maxLength: 8 }),
      asUserData: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), (specs) => {
        const events: EventSpec[] = specs.map((s) => ({
          ...BASE,
          eventId: s.eventId,
          qualifiers: s.qualifiers,
          level: s.level,
          keywords: s.keywords,
          timeCreated: filetimeIso(s.ticks),
          computer: s.computer,
          userSid: s.userSid,
          ...(s.asUserData
            ? { userData: { element: "EventXML", xmlns: "Event_NS", children: s.data.map((d, i) => ({ name: d.name ?? `Param${i}`, value: d.value, type: d.type, optional: d.optional })) } }
            : { data: s.data.map((d) => ({ name: d.name, value: d.value, type: d.type, optional: d.optional })) }),
        }));
        expectRoundTrip(events);
      }),
      { numRuns: 300, seed: 20261119 },
    );
  });
});

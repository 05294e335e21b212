// Hand-built BinXml: each case isolates one rule of formats.md §1.5 and the normalisation rules.

import { describe, expect, it } from "vitest";
import { readEvtx } from "../../../src/parsers/evtx/index.js";
import type { EventRecord, Problem } from "../../../src/parsers/types.js";
import { buildFile, ChunkBuilder, FT_2017, GUID_A, GUID_B, le16, le32, le64, utf16z } from "./build.js";

function decode(bytes: Uint8Array): { records: EventRecord[]; problems: Problem[] } {
  const records: EventRecord[] = [];
  const { problems } = readEvtx(bytes, (r) => records.push(r));
  return { records, problems };
}

/** A System element whose fields are all literal template text (newer manifests). */
function literalSystem(c: ChunkBuilder, inTemplate: boolean, eventId = "4624"): void {
  c.element("System", {
    inTemplate,
    content: () => {
      c.element("Provider", {
        inTemplate,
        attrs: () => {
          c.attr("Name", () => c.text("Microsoft-Windows-Security-Auditing"), false);
          c.attr("Guid", () => c.text("{54849625-5478-4994-a5ba-3e3b0328c30d}"));
        },
      });
      c.element("EventID", { inTemplate, content: () => c.text(eventId) });
      c.element("Level", { inTemplate, content: () => c.text("0") });
      c.element("Keywords", { inTemplate, content: () => c.text("0x8020000000000000") });
      c.element("TimeCreated", { inTemplate, attrs: () => c.attr("SystemTime", () => c.text("2021-11-19T16:52:33.833733500Z")) });
      c.element("Channel", { inTemplate, content: () => c.text("Security") });
      c.element("Computer", { inTemplate, content: () => c.text("DC01.example.local") });
    },
  });
}

describe("BinXml decoding", () => {
  it("reads a WEC-style record: a bare element without template, literal System, split text and references", () => {
    const c = new ChunkBuilder();
    c.record(1, FT_2017, () => {
      c.fragmentHeader();
      c.element("Event", {
        content: () => {
          literalSystem(c, false);
          c.element("EventData", {
            content: () => {
              c.element("Data", {
                attrs: () => c.attr("Name", () => c.text("Split")),
                content: () => {
                  c.text("a ", true).entity("amp").text(" b", true).charRef(0x41).cdata("<c>");
                },
              });
              c.element("Data", { content: () => c.text("unnamed") });
              c.element("Binary", { content: () => c.text("00FF") });
            },
          });
        },
      });
      c.u8(0x00);
    });
    const { records, problems } = decode(buildFile([c.finish()]));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      recordId: 1,
      eventId: 4624,
      provider: "Microsoft-Windows-Security-Auditing",
      providerGuid: "{54849625-5478-4994-A5BA-3E3B0328C30D}",
      level: 0,
      keywords: "0x8020000000000000",
      timeCreated: "2021-11-19T16:52:33.8337335Z",
      channel: "Security",
      computer: "DC01.example.local",
      status: "chain",
      chunk: 0,
      offset: 4096 + 512,
    });
    expect(records[0].fields).toEqual([
      { position: 0, name: "Split", value: "a & bA<c>" },
      { position: 1, name: "Data", value: "unnamed" },
      { position: 2, name: "Binary", value: "00FF" },
    ]);
  });

  it("reads a template held in a 0x21 value, substitutions by descriptor type, NULL and optional rules, arrays", () => {
    const c = new ChunkBuilder();
    c.record(7, FT_2017, () => {
      c.fragmentHeader();
      // Outer template: literal System except EventID/Qualifiers/Time/UserID; payload at index 5.
      c.instance({
        guid: GUID_A,
        definition: () => {
          c.element("Event", {
            inTemplate: true,
            content: () => {
              c.element("System", {
                inTemplate: true,
                content: () => {
                  c.element("Provider", { inTemplate: true, attrs: () => c.attr("Name", () => c.text("TermService")) });
                  c.element("EventID", {
                    inTemplate: true,
                    attrs: () => c.attr("Qualifiers", () => c.subst(1, 0x06, true)),
                    content: () => c.subst(0, 0x06),
                  });
                  c.element("TimeCreated", { inTemplate: true, attrs: () => c.attr("SystemTime", () => c.subst(2, 0x11)) });
                  c.element("Security", { inTemplate: true, attrs: () => c.attr("UserID", () => c.subst(3, 0x13, true)) });
                  c.element("Execution", {
                    inTemplate: true,
                    attrs: () => {
                      c.attr("ProcessID", () => c.subst(4, 0x08), false);
                      c.attr("ThreadID", () => c.subst(4, 0x08));
                    },
                  });
                },
              });
              c.subst(5, 0x21);
            },
          });
        },
        values: [
          { type: 0x06, bytes: le16(1149) },
          { type: 0x00, bytes: [] }, // optional NULL → no Qualifiers
          { type: 0x11, bytes: le64(FT_2017) },
          { type: 0x13, bytes: [1, 1, 0, 0, 0, 0, 0, 5, ...le32(18)] },
          { type: 0x08, bytes: le32(4242) },
          { type: 0x21, bytes: [] }, // patched below
        ],
      });
      // The payload value is the last bytes written; rewrite it as a nested document in place.
      const valueStart = c.pos;
      c.fragmentHeader();
      c.instance({
        guid: GUID_B,
        definition: () => {
          c.element("EventData", {
            inTemplate: true,
            content: () => {
              c.element("Data", { inTemplate: true, attrs: () => c.attr("Name", () => c.text("Flag")), content: () => c.subst(0, 0x0d) });
              c.element("Data", { inTemplate: true, attrs: () => c.attr("Name", () => c.text("Gone")), content: () => c.subst(1, 0x01, true) });
              c.element("Data", { inTemplate: true, attrs: () => c.attr("Name", () => c.text("Null")), content: () => c.subst(2, 0x01) });
              c.element("Data", { inTemplate: true, attrs: () => c.attr("Name", () => c.text("Items")), content: () => c.subst(3, 0x81) });
              c.element("Data", { inTemplate: true, attrs: () => c.attr("Name", () => c.text("Size")), content: () => c.subst(4, 0x10) });
              c.element("Data", { inTemplate: true, attrs: () => c.attr("Name", () => c.text("After")), content: () => c.subst(5, 0x08) });
            },
          });
        },
        values: [
          { type: 0x0d, bytes: le32(0x10000) }, // bool: 4 bytes, non-zero → true
          { type: 0x00, bytes: [0, 0] }, // optional NULL with a size: skipped, element omitted
          { type: 0x00, bytes: [] }, // normal NULL: present, null
          { type: 0x81, bytes: [...utf16z("x"), ...utf16z(""), ...utf16z("z")] },
          { type: 0x15, bytes: le64(0x738cn) }, // declared SizeT, written as hex64
          { type: 0x08, bytes: le32(7) },
        ],
      });
      c.u8(0x00);
      const valueSize = c.pos - valueStart;
      // Fix the outer descriptor of value 5 (6th descriptor) to the nested document's size.
      patchLastDescriptor(c, valueStart, 6, 5, valueSize);
      c.u8(0x00);
    });
    const { records, problems } = decode(buildFile([c.finish()]));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    const r = records[0];
    expect(r).toMatchObject({
      recordId: 7,
      eventId: 1149,
      qualifiers: null,
      provider: "TermService",
      timeCreated: "2017-07-12T17:16:28.2141616Z",
      userSid: "S-1-5-18",
      processId: 4242,
      threadId: 4242,
    });
    expect(r.fields).toEqual([
      { position: 0, name: "Flag", value: "true" },
      { position: 1, name: "Null", value: null },
      { position: 2, name: "Items", value: "x" },
      { position: 3, name: "Items", value: "" },
      { position: 4, name: "Items", value: "z" },
      { position: 5, name: "Size", value: "0x738c" },
      { position: 6, name: "After", value: "7" },
    ]);
  });

  it("reads the children of the one element inside UserData", () => {
    const c = new ChunkBuilder();
    c.record(3, FT_2017, () => {
      c.fragmentHeader();
      c.instance({
        guid: GUID_A,
        definition: () => {
          c.element("Event", {
            inTemplate: true,
            content: () => {
              literalSystem(c, true, "21");
              c.element("UserData", {
                inTemplate: true,
                content: () => {
                  c.element("EventXML", {
                    inTemplate: true,
                    content: () => {
                      c.element("User", { inTemplate: true, content: () => c.subst(0, 0x01) });
                      c.element("Address", { inTemplate: true, content: () => c.subst(1, 0x01) });
                    },
                  });
                },
              });
            },
          });
        },
        values: [
          { type: 0x01, bytes: utf16z("CONTOSO\\alice") },
          { type: 0x01, bytes: utf16z("203.0.113.7") },
        ],
      });
      c.u8(0x00);
    });
    const { records } = decode(buildFile([c.finish()]));
    expect(records[0].eventId).toBe(21);
    expect(records[0].fields).toEqual([
      { position: 0, name: "User", value: "CONTOSO\\alice" },
      { position: 1, name: "Address", value: "203.0.113.7" },
    ]);
  });

  it("reuses a template referenced by offset in a later record of the chunk", () => {
    const c = new ChunkBuilder();
    let def = 0;
    const body = (id: number): void => {
      c.fragmentHeader();
      const opts = {
        guid: GUID_A,
        values: [{ type: 0x06, bytes: le16(id + 100) }],
      };
      const definition = (): void => {
        c.element("Event", {
          inTemplate: true,
          content: () => {
            c.element("System", { inTemplate: true, content: () => c.element("EventID", { inTemplate: true, content: () => c.subst(0, 0x06) }) });
          },
        });
      };
      def = id === 1 ? c.instance({ ...opts, definition }) : c.instance({ ...opts, ref: def });
      c.u8(0x00);
    };
    for (let id = 1; id <= 3; id++) c.record(id, FT_2017, () => body(id));
    const { records, problems } = decode(buildFile([c.finish()]));
    expect(problems).toEqual([]);
    expect(records.map((r) => r.eventId)).toEqual([101, 102, 103]);
  });

  it("fails only the record whose template id does not match its definition", () => {
    const c = new ChunkBuilder();
    let def = 0;
    for (let id = 1; id <= 3; id++) {
      c.record(id, FT_2017, () => {
        c.fragmentHeader();
        const definition = (): void => {
          c.element("Event", {
            inTemplate: true,
            content: () => c.element("System", { inTemplate: true, content: () => c.element("EventID", { inTemplate: true, content: () => c.subst(0, 0x06) }) }),
          });
        };
        const values = [{ type: 0x06, bytes: le16(id) }];
        if (id === 1) def = c.instance({ guid: GUID_A, definition, values });
        else c.instance({ guid: GUID_A, ref: def, values, id: id === 2 ? 0xdeadbeef : undefined });
        c.u8(0x00);
      });
    }
    const { records, problems } = decode(buildFile([c.finish()]));
    expect(records.map((r) => r.recordId)).toEqual([1, 3]);
    expect(problems.map((p) => p.code)).toEqual(["evtx.record.decode-failed"]);
    expect(problems[0].message).toMatch(/template id 0xdeadbeef does not match/);
    expect(problems[0].location).toMatch(/^chunk 0 @0x/);
  });

  it("rejects a name whose hash does not match, and offsets outside the chunk, without throwing", () => {
    const c = new ChunkBuilder();
    c.record(1, FT_2017, () => {
      c.fragmentHeader();
      c.u8(0x01).u32(0); // element, dataSize patched below
      const sizeAt = c.pos - 4;
      c.u32(0x7fff0000); // name offset far outside the chunk
      c.u8(0x03);
      c.patch32(sizeAt, c.pos - sizeAt - 4);
      c.u8(0x00);
    });
    c.record(2, FT_2017, () => {
      c.fragmentHeader();
      c.element("Event", { content: () => literalSystem(c, false) });
      c.u8(0x00);
    });
    const chunk = c.finish();
    // Break the hash of the first inline name of record 2 ("Event"): record at 512 + size of record 1.
    const rec2 = 512 + new DataView(chunk.buffer).getUint32(512 + 4, true);
    const nameStruct = rec2 + 24 + 4 + 1 + 4 + 4; // fragment, token, dataSize, name offset
    chunk[nameStruct + 4] ^= 0xff;
    const { records, problems } = decode(buildFile([chunk]));
    expect(records).toEqual([]);
    expect(problems.filter((p) => p.code === "evtx.record.decode-failed").map((p) => p.message)).toEqual([
      expect.stringMatching(/name offset 0x7fff0000 lies outside the chunk/),
      expect.stringMatching(/fails its hash check/),
    ]);
  });

  it("limits element nesting depth instead of overflowing the stack", () => {
    const c = new ChunkBuilder();
    c.record(1, FT_2017, () => {
      c.fragmentHeader();
      const nest = (depth: number): void => {
        c.element(depth === 0 ? "Event" : "X", { content: depth < 200 ? () => nest(depth + 1) : null });
      };
      nest(0);
      c.u8(0x00);
    });
    const { records, problems } = decode(buildFile([c.finish()]));
    expect(records).toEqual([]);
    expect(problems[0].message).toMatch(/nested deeper than 64/);
  });

  it("limits BinXml values nested inside values", () => {
    const c = new ChunkBuilder();
    c.record(1, FT_2017, () => {
      c.fragmentHeader();
      // Each level: a template whose only content is substitution 0 (BinXml) holding the next level.
      const level = (n: number): void => {
        c.instance({
          guid: GUID_A,
          ...(n === 0
            ? { definition: () => c.element("Event", { inTemplate: true, content: () => c.subst(0, 0x21) }) }
            : { ref: 512 + 24 + 4 + 10 }),
          values: [{ type: 0x21, bytes: [] }],
        });
        if (n < 20) {
          const valueStart = c.pos;
          level(n + 1);
          patchLastDescriptor(c, valueStart, 1, 0, c.pos - valueStart);
        }
      };
      level(0);
      c.u8(0x00);
    });
    const { records, problems } = decode(buildFile([c.finish()]));
    expect(records).toEqual([]);
    expect(problems.map((p) => p.code)).toContain("evtx.record.decode-failed");
    expect(problems.find((p) => p.code === "evtx.record.decode-failed")?.message).toMatch(/nested deeper than 8/);
  });
});

/**
 * Sets the size of descriptor `index` (of `count`) of the instance whose values end right before
 * `valueStart` — the instance was written with an empty placeholder for a value appended later.
 */
function patchLastDescriptor(c: ChunkBuilder, valueStart: number, count: number, index: number, size: number): void {
  // Values before the placeholder are back to back; find the descriptor table by walking back.
  for (let table = valueStart - 4 * count; table >= 512; table--) {
    const dv = new DataView(c.buf.buffer);
    if (dv.getUint32(table - 4, true) !== count) continue;
    let total = 0;
    for (let i = 0; i < count; i++) total += dv.getUint16(table + 4 * i, true);
    if (table + 4 * count + total === valueStart && c.buf[table + 4 * index + 2] === 0x21) {
      dv.setUint16(table + 4 * index, size, true);
      return;
    }
  }
  throw new Error("descriptor table not found");
}

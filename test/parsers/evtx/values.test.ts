// Canonical text of substitution values (formats.md §1.5.8 and the project's recommendation).

import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { normalizeGuidText, normalizeHexText, normalizeTimeText } from "../../../src/parsers/evtx/normalize.js";
import { arrayItems, filetimeText, scalarText } from "../../../src/parsers/evtx/values.js";
import { le16, le32, le64, utf16z } from "./build.js";

function text(type: number, bytes: number[]): string {
  return scalarText(Buffer.from(bytes), 0, bytes.length, type);
}

describe("scalar values", () => {
  it("strips trailing NULs from strings and decodes ANSI as windows-1252", () => {
    expect(text(0x01, utf16z("svchost.exe"))).toBe("svchost.exe");
    expect(text(0x01, [...utf16z("a"), 0, 0, 0, 0])).toBe("a");
    expect(text(0x01, [])).toBe("");
    expect(text(0x02, [0x80, 0x41, 0xe9, 0x00])).toBe("€Aé");
  });

  it("prints integers in decimal, signed where the type is", () => {
    expect(text(0x03, [0xff])).toBe("-1");
    expect(text(0x04, [0xff])).toBe("255");
    expect(text(0x05, le16(0x8000))).toBe("-32768");
    expect(text(0x06, le16(0x8000))).toBe("32768");
    expect(text(0x07, le32(0xffffffff))).toBe("-1");
    expect(text(0x08, le32(0xffffffff))).toBe("4294967295");
    expect(text(0x09, le64(-2n & 0xffffffffffffffffn))).toBe("-2");
    expect(text(0x0a, le64(0xffffffffffffffffn))).toBe("18446744073709551615");
    expect(text(0x0a, le64(9007199254740993n))).toBe("9007199254740993");
  });

  it("reads booleans as 4 bytes: any non-zero value is true", () => {
    expect(text(0x0d, le32(0))).toBe("false");
    expect(text(0x0d, le32(1))).toBe("true");
    expect(text(0x0d, le32(0x10000))).toBe("true");
    expect(text(0x0d, le32(0x08))).toBe("true");
  });

  it("prints hex32, hex64 and SizeT as 0x + lowercase unpadded", () => {
    expect(text(0x14, le32(0))).toBe("0x0");
    expect(text(0x14, le32(0xc000006d))).toBe("0xc000006d");
    expect(text(0x15, le64(0x3e7n))).toBe("0x3e7");
    expect(text(0x15, le64(0x0080000000000000n))).toBe("0x80000000000000");
    expect(text(0x15, le64(0x8000000100000000n))).toBe("0x8000000100000000");
    expect(text(0x10, le32(29580))).toBe("0x738c");
    expect(text(0x10, le64(29580n))).toBe("0x738c");
  });

  it("prints binary as uppercase hex and GUIDs upper case with braces", () => {
    expect(text(0x0e, [0xe1, 0x07, 0x0a])).toBe("E1070A");
    expect(text(0x0f, [0x1b, 0xc6, 0x39, 0x11, 0x49, 0xb5, 0x51, 0x42, 0x8e, 0xd3, 0x27, 0x25, 0x0a, 0x1e, 0xde, 0xc8])).toBe(
      "{1139C61B-B549-4251-8ED3-27250A1EDEC8}",
    );
  });

  it("prints FILETIME with 7 fractional digits and SYSTEMTIME with 3", () => {
    expect(text(0x11, le64(0x01d2fb3299112bb0n))).toBe("2017-07-12T17:16:28.2141616Z");
    expect(text(0x11, le64(0n))).toBe("1601-01-01T00:00:00.0000000Z");
    expect(text(0x11, le64(116444736000000000n))).toBe("1970-01-01T00:00:00.0000000Z");
    expect(filetimeText(Buffer.from(le64(0xffffffffffffffffn)), 0)).toBe("60056-05-28T05:36:10.9551615Z");
    expect(text(0x12, [...le16(2019), ...le16(3), ...le16(5), ...le16(8), ...le16(23), ...le16(23), ...le16(5), ...le16(7)])).toBe(
      "2019-03-08T23:23:05.007Z",
    );
  });

  it("prints SIDs with a big-endian authority", () => {
    expect(text(0x13, [1, 1, 0, 0, 0, 0, 0, 5, ...le32(18)])).toBe("S-1-5-18");
    expect(text(0x13, [1, 5, 0, 0, 0, 0, 0, 5, ...le32(21), ...le32(1223297778), ...le32(3299746493), ...le32(1462173606), ...le32(500)])).toBe(
      "S-1-5-21-1223297778-3299746493-1462173606-500",
    );
    expect(text(0x13, [1, 0, 0, 0, 0, 0, 0, 0])).toBe("S-1-0");
    expect(() => text(0x13, [1, 2, 0, 0, 0, 0, 0, 5, ...le32(18)])).toThrow(/truncated/);
  });

  it("refuses a fixed-width value that is too short", () => {
    expect(() => text(0x11, [1, 2, 3])).toThrow(/needs 8/);
  });
});

describe("arrays", () => {
  it("splits string arrays at NUL and drops the empty item after the final NUL", () => {
    const bytes = Buffer.from([...utf16z("10.00."), ...utf16z("15063"), ...utf16z(""), ...utf16z("Multiprocessor Free")]);
    expect(arrayItems(bytes, 0, bytes.length, 0x81)).toEqual(["10.00.", "15063", "", "Multiprocessor Free"]);
    expect(arrayItems(Buffer.alloc(0), 0, 0, 0x81)).toEqual([]);
  });

  it("reads fixed-width arrays item by item", () => {
    const bytes = Buffer.from([...le32(1), ...le32(0), ...le32(7)]);
    expect(arrayItems(bytes, 0, bytes.length, 0x88)).toEqual(["1", "0", "7"]);
    expect(arrayItems(bytes, 0, bytes.length, 0x8d)).toEqual(["true", "false", "true"]);
    expect(() => arrayItems(bytes, 0, 10, 0x88)).toThrow(/not a multiple/);
  });
});

describe("literal text from templates", () => {
  it("normalises timestamps to 7 fractional digits and rejects non-timestamps", () => {
    expect(normalizeTimeText("2021-11-19T16:52:33.833733500Z")).toBe("2021-11-19T16:52:33.8337335Z");
    expect(normalizeTimeText("2019-03-08T23:23:05.000Z")).toBe("2019-03-08T23:23:05.0000000Z");
    expect(normalizeTimeText("2019-03-08T23:23:05Z")).toBe("2019-03-08T23:23:05.0000000Z");
    expect(normalizeTimeText("B52AEA5768D9D101")).toBeNull();
  });

  it("normalises GUIDs and hex", () => {
    expect(normalizeGuidText("{5bbca4a8-b209-48dc-a8c7-b23d3e5216fb}")).toBe("{5BBCA4A8-B209-48DC-A8C7-B23D3E5216FB}");
    expect(normalizeGuidText("5bbca4a8-b209-48dc-a8c7-b23d3e5216fb")).toBe("{5BBCA4A8-B209-48DC-A8C7-B23D3E5216FB}");
    expect(normalizeHexText("0x0080000000000000")).toBe("0x80000000000000");
    expect(normalizeHexText("0x0000")).toBe("0x0");
  });
});

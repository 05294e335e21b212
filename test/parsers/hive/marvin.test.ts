import { describe, expect, it } from "vitest";
import { marvin32Fold } from "../../../src/parsers/hive/marvin.js";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("marvin32 (formats.md §2.7 vectors)", () => {
  it("matches the published 32-bit folds", () => {
    expect(marvin32Fold(new Uint8Array(0))).toBe(0xb00892ac);
    expect(marvin32Fold(ascii("h"))).toBe(0xf41a608e);
    expect(marvin32Fold(ascii("hello, world!"))).toBe(0x00c18515);
    expect(marvin32Fold(new Uint8Array(Buffer.from("Abcdefg", "utf16le")), 0x5d70d359c498b3f8n)).toBe(0xba627c81);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeText } from "../../src/evidence/decodeText.js";
import { forEachTextLine } from "../../src/evidence/textLines.js";

// A BOM-marked text file read in pieces gives exactly the lines of its whole text, decoded as
// decodeText decodes it and split as the whole-text parsers split it, wherever the pieces fall.

const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-textlines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function encode(text: string, encoding: "utf-16le" | "utf-16be" | "utf-8"): Buffer {
  if (encoding === "utf-8") return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
  const le = Buffer.from(text, "utf16le");
  if (encoding === "utf-16le") return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  const be = Buffer.from(le);
  be.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
}

function linesInPieces(bytes: Buffer, pieceBytes: number): { lines: string[]; numbers: number[]; encoding: string | undefined } {
  const file = path.join(dir, `t${n++}.txt`);
  writeFileSync(file, bytes);
  const lines: string[] = [];
  const numbers: number[] = [];
  const r = forEachTextLine(file, (t, line) => (lines.push(t), numbers.push(line)), pieceBytes);
  return { lines, numbers, encoding: r?.encoding };
}

const wholeLines = (bytes: Buffer) => decodeText(bytes).text.split(/\r\n|\r|\n/);

describe("forEachTextLine", () => {
  it("equals the whole text's split for any content, encoding and piece size (CRLF, lone CR, surrogate pairs cut by a piece)", () => {
    const alphabet = fc.constantFrom("\uFEFF", "a", "Z", " ", "\r", "\n", "\r\n", "\\", "日本", "😀", "\u00e9", "[HKEY_LOCAL_MACHINE\\SYSTEM]", '"x"=dword:1');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }).map((a) => a.join("")),
        fc.constantFrom("utf-16le" as const, "utf-16be" as const, "utf-8" as const),
        fc.integer({ min: 4, max: 40 }),
        (text, encoding, piece) => {
          const bytes = encode(text, encoding);
          const got = linesInPieces(bytes, piece);
          expect(got.lines).toEqual(wholeLines(bytes));
          expect(got.numbers).toEqual(got.lines.map((_, i) => i + 1));
          expect(got.encoding).toBe(`${encoding}-bom`);
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it("drops an odd trailing byte of UTF-16 as decodeText does", () => {
    const bytes = Buffer.concat([encode("one\r\ntwo", "utf-16le"), Buffer.from([0x41])]);
    expect(linesInPieces(bytes, 5).lines).toEqual(["one", "two"]);
    expect(wholeLines(bytes)).toEqual(["one", "two"]);
  });

  it("cuts a line longer than the limit into lines of that length, and counts the cuts", () => {
    const file = path.join(dir, "long.txt");
    writeFileSync(file, encode("short\r\n" + "x".repeat(25) + "\r\nend", "utf-16le"));
    const lines: string[] = [];
    const r = forEachTextLine(file, (t) => lines.push(t), 6, 10);
    expect(lines).toEqual(["short", "x".repeat(10), "x".repeat(10), "x".repeat(5), "end"]);
    expect(r).toMatchObject({ lines: 5, cutLines: 2 });
  });

  it("reads nothing from a file without a byte-order mark", () => {
    const file = path.join(dir, "nobom.txt");
    writeFileSync(file, "Windows Registry Editor Version 5.00\r\n");
    let calls = 0;
    expect(forEachTextLine(file, () => calls++)).toBeNull();
    expect(calls).toBe(0);
  });
});

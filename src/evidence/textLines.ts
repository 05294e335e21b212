// A text file too large to hold, read line by line in pieces: memory stays bounded whatever its size.
//
// Only files that say their encoding with a byte-order mark are read this way: `reg export` and
// PowerShell 5.1's `>` write UTF-16LE with a BOM, which is how a whole-hive dump reaches us. Without a
// BOM the encoding is judged from the whole content (decodeText.ts), which a piece cannot show.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export type BomEncoding = "utf-8-bom" | "utf-16le-bom" | "utf-16be-bom";

export interface BomInfo {
  encoding: BomEncoding;
  /** The WHATWG label TextDecoder takes for it. */
  label: "utf-8" | "utf-16le" | "utf-16be";
  /** Why this encoding, in the words decodeText uses. */
  reason: string;
  bomLength: number;
}

/** The BOM at the start of `head`, or null. */
export function bomOf(head: Uint8Array): BomInfo | null {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: "utf-8-bom", label: "utf-8", reason: "BOM EF BB BF", bomLength: 3 };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le-bom", label: "utf-16le", reason: "BOM FF FE", bomLength: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be-bom", label: "utf-16be", reason: "BOM FE FF", bomLength: 2 };
  return null;
}

/** Longest physical line kept whole (characters); a longer one is cut into lines of this length (memory stays bounded on a file without line breaks). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export interface TextLinesResult extends BomInfo {
  lines: number;
  /** Lines longer than MAX_LINE_CHARS, cut. */
  cutLines: number;
}

/**
 * Calls `onLine` for every line of the BOM-marked text file at `path`, numbered from 1, split exactly
 * as `text.split(/\r\n|\r|\n/)` splits the whole text (a final line break gives a last, empty line).
 * Decodes as decodeText would (BOM skipped; an odd trailing byte of UTF-16 dropped; invalid UTF-8
 * replaced by U+FFFD). Returns null, reading nothing more, when the file has no BOM. Throws on I/O errors.
 */
export function forEachTextLine(
  path: string,
  onLine: (text: string, line: number) => void,
  pieceBytes = 1 << 20,
  maxLineChars = MAX_LINE_CHARS,
): TextLinesResult | null {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(3);
    const bom = bomOf(head.subarray(0, readSync(fd, head, 0, 3, 0)));
    if (!bom) return null;
    // UTF-16: a dangling last byte is dropped, as decodeText drops it.
    const end = bom.label !== "utf-8" && (size - bom.bomLength) % 2 === 1 ? size - 1 : size;
    // As decodeText: past the skipped BOM, a second U+FEFF is content in UTF-16 and dropped in UTF-8.
    const decoder = new TextDecoder(bom.label, { ignoreBOM: bom.label !== "utf-8" });
    const piece = Buffer.allocUnsafe(Math.max(4, pieceBytes));
    let carry = "";
    let line = 0;
    let cutLines = 0;
    // `carry` holds no line break, but for a \r kept back at its very end: only what follows it, and
    // that \r, are scanned again (a long line spread over many pieces is scanned once, not once a piece).
    const feed = (decoded: string, final: boolean): void => {
      const text = carry + decoded;
      let start = 0;
      for (let i = carry.endsWith("\r") ? carry.length - 1 : carry.length; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        // A \r ending the piece may be the first half of \r\n: wait for the next piece.
        if (c === 13 && i + 1 === text.length && !final) break;
        onLine(text.slice(start, i), ++line);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
      }
      carry = text.slice(start);
      while (carry.length > maxLineChars) {
        onLine(carry.slice(0, maxLineChars), ++line);
        carry = carry.slice(maxLineChars);
        cutLines++;
      }
      if (final) onLine(carry, ++line);
    };
    for (let at = bom.bomLength; at < end; ) {
      const n = readSync(fd, piece, 0, Math.min(piece.length, end - at), at);
      if (n <= 0) break; // the file shrank while it was read
      at += n;
      feed(decoder.decode(piece.subarray(0, n), { stream: true }), false);
    }
    feed(decoder.decode(), true);
    return { ...bom, lines: line, cutLines };
  } finally {
    closeSync(fd);
  }
}

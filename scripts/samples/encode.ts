// Text encoders for sample dumps: the bytes a rescue VM really writes (formats.md §3.4).

/** UTF-16LE with BOM: Windows PowerShell 5.1 `>` and `reg export`. */
export function utf16leBom(text: string): Uint8Array {
  return concat(Uint8Array.of(0xff, 0xfe), new Uint8Array(Buffer.from(text, "utf16le")));
}

/** UTF-16LE without BOM: `icacls /save`. */
export function utf16le(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "utf16le"));
}

/** UTF-8 without BOM: PowerShell 7 `>`. */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "utf8"));
}

let shiftJisTable: Map<string, number[]> | null = null;

/**
 * CP932 (Shift-JIS), what cmd.exe `>` writes on a Japanese rescue VM. Node has a Shift-JIS decoder but
 * no encoder, so the table is the decoder run backwards over every single- and double-byte code.
 */
export function cp932(text: string): Uint8Array {
  if (!shiftJisTable) {
    shiftJisTable = new Map();
    const decoder = new TextDecoder("shift_jis");
    for (let b = 0xa1; b <= 0xdf; b++) shiftJisTable.set(decoder.decode(Uint8Array.of(b)), [b]);
    for (let lead = 0x81; lead <= 0xfc; lead++) {
      if (lead > 0x9f && lead < 0xe0) continue;
      for (let trail = 0x40; trail <= 0xfc; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (ch.length === 1 && ch !== "\ufffd" && !shiftJisTable.has(ch)) shiftJisTable.set(ch, [lead, trail]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const bytes = shiftJisTable.get(ch);
    if (!bytes) throw new Error(`character ${ch} has no Shift-JIS encoding`);
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}

/** CRLF line ends, as every Windows tool writes them. */
export function crlf(lines: string[]): string {
  return lines.join("\r\n") + "\r\n";
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

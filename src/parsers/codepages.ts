// Legacy code pages that evidence text arrives in.
//
// cmd.exe redirections carry the console OEM code page (437 US, 850 Western Europe, 932 Japan);
// REGEDIT4 exports carry the ANSI code page (1252 Western Europe, 932 Japan). Node's TextDecoder
// knows shift_jis and windows-1252 but not the DOS code pages, so those ship as tables here: the
// upper 128 code points of each, byte 0x80 first (the lower half is ASCII in all of them).

/** Encoding names a legacy byte stream can be decoded with. */
export type LegacyEncoding = "cp437" | "cp850" | "cp932" | "windows-1252";

/** IBM code page 437 (US OEM), bytes 0x80-0xFF. */
export const CP437_HIGH =
  "\u00C7\u00FC\u00E9\u00E2\u00E4\u00E0\u00E5\u00E7\u00EA\u00EB\u00E8\u00EF\u00EE\u00EC\u00C4\u00C5" + // 0x80 ÇüéâäàåçêëèïîìÄÅ
  "\u00C9\u00E6\u00C6\u00F4\u00F6\u00F2\u00FB\u00F9\u00FF\u00D6\u00DC\u00A2\u00A3\u00A5\u20A7\u0192" + // 0x90 ÉæÆôöòûùÿÖÜ¢£¥₧ƒ
  "\u00E1\u00ED\u00F3\u00FA\u00F1\u00D1\u00AA\u00BA\u00BF\u2310\u00AC\u00BD\u00BC\u00A1\u00AB\u00BB" + // 0xA0 áíóúñÑªº¿⌐¬½¼¡«»
  "\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510" + // 0xB0 ░▒▓│┤╡╢╖╕╣║╗╝╜╛┐
  "\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567" + // 0xC0 └┴┬├─┼╞╟╚╔╩╦╠═╬╧
  "\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580" + // 0xD0 ╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀
  "\u03B1\u00DF\u0393\u03C0\u03A3\u03C3\u00B5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229" + // 0xE0 αßΓπΣσµτΦΘΩδ∞φε∩
  "\u2261\u00B1\u2265\u2264\u2320\u2321\u00F7\u2248\u00B0\u2219\u00B7\u221A\u207F\u00B2\u25A0\u00A0"; //  0xF0 ≡±≥≤⌠⌡÷≈°∙·√ⁿ²■nbsp

/** IBM code page 850 (Western European OEM: German, French consoles), bytes 0x80-0xFF. */
export const CP850_HIGH =
  "\u00C7\u00FC\u00E9\u00E2\u00E4\u00E0\u00E5\u00E7\u00EA\u00EB\u00E8\u00EF\u00EE\u00EC\u00C4\u00C5" + // 0x80 ÇüéâäàåçêëèïîìÄÅ
  "\u00C9\u00E6\u00C6\u00F4\u00F6\u00F2\u00FB\u00F9\u00FF\u00D6\u00DC\u00F8\u00A3\u00D8\u00D7\u0192" + // 0x90 ÉæÆôöòûùÿÖÜø£Ø×ƒ
  "\u00E1\u00ED\u00F3\u00FA\u00F1\u00D1\u00AA\u00BA\u00BF\u00AE\u00AC\u00BD\u00BC\u00A1\u00AB\u00BB" + // 0xA0 áíóúñÑªº¿®¬½¼¡«»
  "\u2591\u2592\u2593\u2502\u2524\u00C1\u00C2\u00C0\u00A9\u2563\u2551\u2557\u255D\u00A2\u00A5\u2510" + // 0xB0 ░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐
  "\u2514\u2534\u252C\u251C\u2500\u253C\u00E3\u00C3\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u00A4" + // 0xC0 └┴┬├─┼ãÃ╚╔╩╦╠═╬¤
  "\u00F0\u00D0\u00CA\u00CB\u00C8\u0131\u00CD\u00CE\u00CF\u2518\u250C\u2588\u2584\u00A6\u00CC\u2580" + // 0xD0 ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀
  "\u00D3\u00DF\u00D4\u00D2\u00F5\u00D5\u00B5\u00FE\u00DE\u00DA\u00DB\u00D9\u00FD\u00DD\u00AF\u00B4" + // 0xE0 ÓßÔÒõÕµþÞÚÛÙýÝ¯´
  "\u00AD\u00B1\u2017\u00BE\u00B6\u00A7\u00F7\u00B8\u00B0\u00A8\u00B7\u00B9\u00B3\u00B2\u25A0\u00A0"; //  0xF0 shy±‗¾¶§÷¸°¨·¹³²■nbsp

const HIGH_HALVES: Record<"cp437" | "cp850", string> = { cp437: CP437_HIGH, cp850: CP850_HIGH };

/** Decodes bytes of a DOS code page whose upper half is `high` (128 characters). Never fails. */
export function decodeSingleByte(bytes: Uint8Array, high: string): string {
  const units = new Uint16Array(256);
  for (let b = 0; b < 256; b++) units[b] = b < 0x80 ? b : high.charCodeAt(b - 0x80);
  const parts: string[] = [];
  const CHUNK = 8192;
  const buffer = new Uint16Array(CHUNK);
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    for (let i = start; i < end; i++) buffer[i - start] = units[bytes[i]];
    parts.push(String.fromCharCode(...buffer.subarray(0, end - start)));
  }
  return parts.join("");
}

/**
 * Encodes text into a DOS code page (used by tests and sample writers to produce cmd.exe-like
 * evidence). Characters the code page lacks become "?", as the console would print them.
 */
export function encodeSingleByte(text: string, high: string): Uint8Array {
  const reverse = new Map<string, number>();
  for (let i = 0; i < high.length; i++) if (!reverse.has(high[i])) reverse.set(high[i], 0x80 + i);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[i] = code < 0x80 ? code : reverse.get(text[i]) ?? 0x3f;
  }
  return out;
}

/** Decodes a legacy byte stream; undecodable bytes become U+FFFD (CP932) rather than errors. */
export function decodeLegacy(bytes: Uint8Array, encoding: LegacyEncoding): string {
  switch (encoding) {
    case "cp437":
    case "cp850":
      return decodeSingleByte(bytes, HIGH_HALVES[encoding]);
    case "cp932":
      return new TextDecoder("shift_jis").decode(bytes);
    case "windows-1252":
      return new TextDecoder("windows-1252").decode(bytes);
  }
}

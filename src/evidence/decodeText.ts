// The one text decoder for evidence dumps (icacls, reg query, .reg files, …).
//
// What lands on disk depends on who redirected the output (formats.md §3.4, scenarios.md §6.1):
// cmd.exe writes the console OEM code page, Windows PowerShell 5.1 writes UTF-16LE with BOM,
// PowerShell 7 writes UTF-8 without BOM, `icacls /save` writes UTF-16LE without BOM, regedit
// writes UTF-16LE with BOM (5.00) or the ANSI code page (REGEDIT4). Detection order: BOM, NUL
// pattern, strict UTF-8, then legacy code pages scored by content.

import { bomOf } from "./textLines.js";
import { decodeLegacy, type LegacyEncoding } from "../parsers/codepages.js";

export type TextEncodingName =
  | "utf-8"
  | "utf-8-bom"
  | "utf-16le-bom"
  | "utf-16le"
  | "utf-16be-bom"
  | "utf-16be"
  | LegacyEncoding;

export interface DecodedText {
  /** Decoded text without the BOM. */
  text: string;
  encoding: TextEncodingName;
  /** Why this encoding was chosen, for the report. */
  reason: string;
}

/** How many leading bytes the sniffers look at. */
const SAMPLE_BYTES = 4096;

export function decodeText(bytes: Uint8Array): DecodedText {
  const bom = decodeByBom(bytes);
  if (bom) return bom;

  const utf16 = utf16ByNulPattern(bytes);
  if (utf16) {
    const even = bytes.length - (bytes.length % 2);
    const label = utf16.encoding === "utf-16le" ? "utf-16le" : "utf-16be";
    const odd = bytes.length % 2 === 1 ? "; odd trailing byte dropped" : "";
    return {
      text: new TextDecoder(label).decode(bytes.subarray(0, even)),
      encoding: utf16.encoding,
      reason: utf16.reason + odd,
    };
  }

  const utf8 = strictUtf8(bytes);
  if (utf8 !== null) {
    const ascii = isAscii(bytes);
    const reason = ascii ? "no BOM; pure ASCII" : "no BOM; strict UTF-8 decode succeeded";
    return { text: utf8.text, encoding: "utf-8", reason: utf8.truncated ? `${reason}; incomplete sequence at the end` : reason };
  }
  return decodeLegacyByContent(bytes);
}

/**
 * Strict UTF-8, tolerating one incomplete sequence at the very end (classification reads only the
 * head of a file, which may cut a character in two); that remainder becomes U+FFFD.
 */
function strictUtf8(bytes: Uint8Array): { text: string; truncated: boolean } | null {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let text: string;
  try {
    text = decoder.decode(bytes, { stream: true });
  } catch {
    return null;
  }
  try {
    decoder.decode();
    return { text, truncated: false };
  } catch {
    return { text: text + "\uFFFD", truncated: true };
  }
}

/**
 * Whether bytes look like a text dump (for classification): a BOM, a UTF-16 NUL pattern, or a
 * leading sample without NUL bytes and with almost no control characters.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bomOf(bytes)) return true;
  if (utf16ByNulPattern(bytes)) return true;
  const n = Math.min(bytes.length, SAMPLE_BYTES);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) controls++;
  }
  return controls * 100 <= n;
}

// ---------------------------------------------------------------------------------------------

function decodeByBom(bytes: Uint8Array): DecodedText | null {
  const bom = bomOf(bytes);
  if (!bom) return null;
  const body = bytes.subarray(bom.bomLength);
  if (bom.encoding === "utf-8-bom") {
    let text: string;
    let reason = bom.reason;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      text = new TextDecoder("utf-8").decode(body);
      reason += "; invalid UTF-8 sequences replaced by U+FFFD";
    }
    return { text, encoding: "utf-8-bom", reason };
  }
  const even = body.subarray(0, body.length - (body.length % 2));
  const odd = body.length % 2 === 1 ? "; odd trailing byte dropped" : "";
  const reason = bom.reason + odd;
  // ignoreBOM: the BOM is already skipped; a second U+FEFF would be content.
  return { text: new TextDecoder(bom.label, { ignoreBOM: true }).decode(even), encoding: bom.encoding, reason };
}

/**
 * UTF-16 without BOM: in the first few KB, at least 30 % of the odd-index bytes are NUL and the
 * even-index bytes almost never are (mirrored for big-endian).
 */
function utf16ByNulPattern(bytes: Uint8Array): { encoding: "utf-16le" | "utf-16be"; reason: string } | null {
  const n = Math.min(bytes.length, SAMPLE_BYTES) & ~1;
  if (n < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  const pct = (count: number) => Math.round((count * 100) / pairs);
  if (oddNul * 10 >= pairs * 3 && evenNul * 10 <= oddNul * 0.5) {
    return { encoding: "utf-16le", reason: `no BOM; ${pct(oddNul)}% of odd bytes and ${pct(evenNul)}% of even bytes are NUL in the first ${n} bytes` };
  }
  if (evenNul * 10 >= pairs * 3 && oddNul * 10 <= evenNul * 0.5) {
    return { encoding: "utf-16be", reason: `no BOM; ${pct(evenNul)}% of even bytes and ${pct(oddNul)}% of odd bytes are NUL in the first ${n} bytes` };
  }
  return null;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Legacy code pages, chosen by scoring each candidate's decoding.

/** Phrases that identify a language, hence a code page family. Matched case-sensitively. */
const JAPANESE_MARKERS = ["既定", "個のファイル", "処理", "指定された", "見つかりません", "エラー", "アクセスが拒否されました"];
const WESTERN_MARKERS = [
  "NT-AUTORITÄT", "VORDEFINIERT", "Zugriff verweigert", "Dateien erfolgreich verarbeitet", "Wert nicht festgelegt",
  "Gäste", "Benutzer", "(par défaut)", "(Par défaut)", "AUTORITE NT", "AUTORITÉ NT", "Système", "traités", "échec",
  "Tout le monde", "valeur non définie", "Accès refusé",
];

interface Candidate {
  encoding: LegacyEncoding;
  text: string;
  score: number;
  markers: string[];
}

function decodeLegacyByContent(bytes: Uint8Array): DecodedText {
  const regedit4 = startsWithAscii(bytes, "REGEDIT4");
  // REGEDIT4 files are in the ANSI code page; console redirections in the OEM code page.
  const encodings: LegacyEncoding[] = regedit4 ? ["windows-1252", "cp932"] : ["cp850", "cp437", "cp932", "windows-1252"];
  const sample = scoringSample(bytes);
  const candidates = encodings.map((encoding) => scoreCandidate(encoding, decodeLegacy(sample, encoding)));

  let best = candidates[0];
  for (const c of candidates) if (c.score > best.score) best = c;

  // CP437 and CP850 agree on the common accented letters (äöüÄÖÜßé…); when both decode to the
  // same text, the label follows the language: German/French output means an 850 console.
  const cp850 = candidates.find((c) => c.encoding === "cp850");
  const cp437 = candidates.find((c) => c.encoding === "cp437");
  if (cp850 && cp437 && (best === cp850 || best === cp437) && cp850.text === cp437.text) {
    best = cp850.markers.length > 0 ? cp850 : cp437;
  }

  const others = candidates.filter((c) => c !== best).map((c) => `${c.encoding} ${c.score}`).join(", ");
  const why = best.markers.length > 0 ? `; markers: ${best.markers.join(", ")}` : "";
  const prefix = regedit4 ? "REGEDIT4 header (ANSI code page); " : "not UTF-8; ";
  return {
    text: sample.length === bytes.length ? best.text : decodeLegacy(bytes, best.encoding),
    encoding: best.encoding,
    reason: `${prefix}${best.encoding} scored ${best.score}${why} (others: ${others})`,
  };
}

function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** Only a leading window is scored: enough to decide, and keeps huge files cheap. */
const SCORE_BYTES = 256 * 1024;

/** The leading window, cut after a line feed so no Shift-JIS pair is split (0x0A is never a trail byte). */
function scoringSample(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= SCORE_BYTES) return bytes;
  const lf = bytes.lastIndexOf(0x0a, SCORE_BYTES - 1);
  return bytes.subarray(0, lf > 0 ? lf + 1 : SCORE_BYTES);
}

function scoreCandidate(encoding: LegacyEncoding, text: string): Candidate {
  const markerList = encoding === "cp932" ? JAPANESE_MARKERS : WESTERN_MARKERS;
  const markers = markerList.filter((m) => text.includes(m));
  let score = markers.length * 20;
  score += encoding === "cp932" ? scoreJapanese(text) : scoreSingleByte(text);
  return { encoding, text, score, markers };
}

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && /\p{L}/u.test(ch);
}

/** Single-byte decodings: accented letters inside words are good, box drawing and symbols are not. */
function scoreSingleByte(text: string): number {
  let score = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80 || code === 0xa0 || code === 0xad) continue;
    const ch = text[i];
    if (code < 0xa0) score -= 4; // C1 controls: windows-1252 holes
    else if (isLetter(ch)) score += isLetter(text[i - 1]) || isLetter(text[i + 1]) ? 2 : 1;
    else score -= 2;
  }
  return score;
}

/** Shift-JIS decoding: kana are the strongest sign of Japanese text; replacement chars the worst. */
function scoreJapanese(text: string): number {
  let score = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code === 0xfffd) score -= 8;
    else if (code >= 0x3040 && code <= 0x30ff) score += 5; // hiragana, katakana
    else if (code >= 0x4e00 && code <= 0x9fff) score += 2; // CJK ideographs
    else if ((code >= 0x3000 && code <= 0x303f) || (code >= 0xff01 && code <= 0xff5e)) score += 2; // 。、（）
    else if (code >= 0xff61 && code <= 0xff9f) score -= 2; // half-width katakana: single bytes A1-DF
    else score -= 2; // Cyrillic, Greek, box drawing from misread pairs
  }
  return score;
}

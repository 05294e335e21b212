import type { StoredEvent } from "../../store/evidence.js";
import { STATUS_CODES, type StatusCodeEntry } from "../data/statusCodes.js";

export type StatusForm = "hex" | "signed-decimal" | "unsigned-decimal" | "insertion-string" | "binary-le" | "text";

export interface DecodedStatus {
  /** Unsigned 32-bit HRESULT. */
  code: number;
  /** The table entry, when the code is one rdp-triage knows. */
  entry: StatusCodeEntry | null;
  form: StatusForm;
  /** The field value it was read from. */
  raw: string;
}

/** 0x80070005 → "0x80070005". */
export function formatHresult(code: number): string {
  return "0x" + (code >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

export function statusEntry(code: number): StatusCodeEntry | null {
  return STATUS_CODES.find((s) => s.code === code >>> 0) ?? null;
}

const isFailure = (code: number) => code >>> 0 >= 0x80000000;

/** Win32 error N (as in `%%5`) as an HRESULT: HRESULT_FROM_WIN32. */
function fromWin32(n: number): number {
  return n === 0 ? 0 : (0x80070000 | (n & 0xffff)) >>> 0;
}

/** Text for comparison: width-folded, lower case, without quotes, final stops or any white space ("キー セット" = "キーセット"). */
function comparable(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/["'“”‘’「」『』]/g, "")
    .replace(/[.。]+$/u, "")
    .replace(/\s+/gu, "");
}

const TEXT_INDEX: { text: string; entry: StatusCodeEntry }[] = STATUS_CODES.flatMap((entry) =>
  [...entry.text.en, ...entry.text.ja].map((t) => ({ text: comparable(t), entry })),
);

/**
 * One field value as a status code: `0x80070005`, `-2147024891`, `2147942405`, `%%2147942405`, `%%5`
 * (a Win32 error), or the rendered message text in English or Japanese. Plain decimals count only when
 * they are failure HRESULTs, so a count or a port number is never taken for a status.
 */
export function decodeStatusText(value: string): DecodedStatus | null {
  const raw = value.trim();
  if (raw === "") return null;
  const make = (code: number, form: StatusForm): DecodedStatus => ({ code: code >>> 0, entry: statusEntry(code), form, raw });

  let m = /^0x([0-9a-f]{1,8})$/i.exec(raw);
  if (m) return make(parseInt(m[1], 16), "hex");
  m = /^%%(\d{1,10})$/.exec(raw);
  if (m) {
    const n = Number(m[1]);
    if (n <= 0xffff) return n === 0 ? null : make(fromWin32(n), "insertion-string");
    if (n <= 0xffffffff) return make(n, "insertion-string");
    return null;
  }
  m = /^-(\d{1,10})$/.exec(raw);
  if (m) {
    const n = -Number(m[1]);
    return n >= -0x80000000 ? make(n, "signed-decimal") : null;
  }
  m = /^(\d{1,10})$/.exec(raw);
  if (m) {
    const n = Number(m[1]);
    return n >= 0x80000000 && n <= 0xffffffff ? make(n, "unsigned-decimal") : null;
  }
  const text = comparable(raw);
  const exact = TEXT_INDEX.find((t) => t.text === text);
  if (exact) return make(exact.entry.code, "text");
  // A longer rendering that quotes the status ("... status code was 0x80070005" / "...アクセスが拒否されました...").
  const hex = /0x([0-9a-f]{8})\b/i.exec(raw);
  if (hex) return make(parseInt(hex[1], 16), "hex");
  const inner = TEXT_INDEX.find((t) => t.text.length >= 5 && text.includes(t.text));
  return inner ? make(inner.entry.code, "text") : null;
}

/** A `<Binary>` payload (upper-case hex): the first four bytes little-endian, `05000780` → 0x80070005. */
export function decodeStatusBinary(hex: string): DecodedStatus | null {
  const clean = hex.replace(/\s+/g, "");
  if (!/^[0-9a-f]+$/i.test(clean) || clean.length < 8 || clean.length % 2) return null;
  const b = clean.slice(0, 8).match(/../g)!;
  const code = parseInt(b[3] + b[2] + b[1] + b[0], 16) >>> 0;
  const entry = statusEntry(code);
  // A longer payload is only trusted when it starts with a code we know.
  if (clean.length > 8 && !entry) return null;
  if (!isFailure(code)) return null;
  return { code, entry, form: "binary-le", raw: hex };
}

/**
 * The status an event carries. Unnamed `<Data>` items first (classic RCM events), then named fields
 * (`ErrorCode` of Schannel 36870), then `<Binary>`. A known code wins over an unknown one.
 */
export function statusOfEvent(event: StoredEvent): DecodedStatus | null {
  const ordered = [
    ...event.fields.filter((f) => f.name === "Data"),
    ...event.fields.filter((f) => f.name !== "Data" && f.name !== "Binary"),
    ...event.fields.filter((f) => f.name === "Binary"),
  ];
  let fallback: DecodedStatus | null = null;
  for (const f of ordered) {
    if (!f.value) continue;
    const decoded = f.name === "Binary" ? decodeStatusBinary(f.value) : decodeStatusText(f.value);
    if (!decoded || !isFailure(decoded.code)) continue;
    if (decoded.entry) return decoded;
    fallback ??= decoded;
  }
  return fallback;
}

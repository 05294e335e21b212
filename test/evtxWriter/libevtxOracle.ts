// libevtx (`evtxexport -f xml`) as an independent oracle for the EVTX writer: run it, extract the
// fields of every record from its XML, and predict what it must print for an EventSpec.
// Purpose-built for evtxexport 20181227's output (formats.md §1.5.8 "libevtx" column).

import { spawnSync } from "node:child_process";
import type { EventSpec, Value, ValueType } from "../../src/evtxWriter/index.js";

export function evtxexportVersion(): string | null {
  const r = spawnSync("evtxexport", ["-V"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return null;
  return /evtxexport\s+(\S+)/.exec(r.stdout)?.[1] ?? "unknown";
}

export function runEvtxexport(path: string, extra: string[] = []): { xml: string; stderr: string; status: number | null } {
  const r = spawnSync("evtxexport", ["-f", "xml", ...extra, path], { encoding: "utf8", maxBuffer: 2 ** 31 - 1 });
  if (r.error) throw r.error;
  return { xml: r.stdout, stderr: r.stderr, status: r.status };
}

/** What the oracle compares, as libevtx prints it. */
export interface Rendered {
  recordId: string;
  provider: string | null;
  providerGuid: string | null; // upper-cased for comparison
  eventSourceName: string | null;
  eventId: string;
  qualifiers: string | null;
  version: string | null;
  level: string | null;
  task: string | null;
  opcode: string | null;
  keywords: string | null;
  time: string | null;
  activityId: string | null;
  relatedActivityId: string | null;
  processId: string | null;
  threadId: string | null;
  channel: string | null;
  computer: string | null;
  userSid: string | null;
  /** "EventData", "UserData <element> <xmlns>", or null when the record has no payload. */
  payload: string | null;
  /** [name, value] per payload child; unnamed Data → "Data", Binary → "Binary". */
  fields: [string, string][];
}

const unescape = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

function elementText(block: string, name: string): string | null {
  const m = new RegExp(`<${name}(?: [^>]*)?(?:/>|>([\\s\\S]*?)</${name}>)`).exec(block);
  if (!m) return null;
  return unescape(m[1] ?? "");
}

function attr(block: string, element: string, name: string): string | null {
  const m = new RegExp(`<${element}\\b[^>]*? ${name}="([^"]*)"`).exec(block);
  return m ? m[1] : null;
}

/** Split evtxexport's XML output into records and extract the compared fields. */
export function parseEvtxexportXml(xml: string): Rendered[] {
  const out: Rendered[] = [];
  const re = /<Event xmlns="[^"]*">([\s\S]*?)\n<\/Event>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const body = m[1];
    const sys = /<System>([\s\S]*?)<\/System>/.exec(body)?.[1] ?? "";
    const after = body.slice(body.indexOf("</System>") + 9);
    let payload: string | null = null;
    const fields: [string, string][] = [];
    if (/<EventData\/>/.test(after)) payload = "EventData";
    const ed = /<EventData>([\s\S]*?)\n {2}<\/EventData>/.exec(after);
    if (ed) {
      payload = "EventData";
      const fre = /<(Data|Binary)(?: Name="([^"]*)")?(?:\/>|>([\s\S]*?)<\/\1>)/g;
      for (let f = fre.exec(ed[1]); f; f = fre.exec(ed[1])) fields.push([f[2] ?? f[1], unescape(f[3] ?? "")]);
    }
    const ud = /<UserData>\s*<([\w:.-]+)(?: xmlns="([^"]*)")?(?:\/>|>([\s\S]*?)<\/\1>)\s*<\/UserData>/.exec(after);
    if (ud) {
      payload = `UserData ${ud[1]} ${ud[2] ?? ""}`;
      const cre = /<([\w:.-]+)(?:\/>|>([\s\S]*?)<\/\1>)/g;
      const inner = ud[3] ?? "";
      for (let f = cre.exec(inner); f; f = cre.exec(inner)) fields.push([f[1], unescape(f[2] ?? "")]);
    }
    out.push({
      recordId: elementText(sys, "EventRecordID") ?? "",
      provider: attr(sys, "Provider", "Name"),
      providerGuid: attr(sys, "Provider", "Guid")?.toUpperCase() ?? null,
      eventSourceName: attr(sys, "Provider", "EventSourceName"),
      eventId: elementText(sys, "EventID") ?? "",
      qualifiers: attr(sys, "EventID", "Qualifiers"),
      version: elementText(sys, "Version"),
      level: elementText(sys, "Level"),
      task: elementText(sys, "Task"),
      opcode: elementText(sys, "Opcode"),
      keywords: elementText(sys, "Keywords"),
      time: attr(sys, "TimeCreated", "SystemTime"),
      activityId: attr(sys, "Correlation", "ActivityID"),
      relatedActivityId: attr(sys, "Correlation", "RelatedActivityID"),
      processId: attr(sys, "Execution", "ProcessID"),
      threadId: attr(sys, "Execution", "ThreadID"),
      channel: elementText(sys, "Channel"),
      computer: elementText(sys, "Computer"),
      userSid: attr(sys, "Security", "UserID"),
      payload,
      fields,
    });
  }
  return out;
}

// ---- prediction -------------------------------------------------------------------------------

const hex = (v: bigint, digits: number) => "0x" + v.toString(16).padStart(digits, "0");
const toBig = (v: Value): bigint => (typeof v === "bigint" ? v : typeof v === "boolean" ? (v ? 1n : 0n) : BigInt(v as string | number));

/** libevtx's FILETIME text: 7 real digits + "00". */
function filetimeText(v: Value): string {
  if (typeof v === "string") {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(v)!;
    return `${m[1]}.${(m[2] ?? "").padEnd(7, "0")}00Z`;
  }
  const ft = toBig(v);
  const ms = Number(ft / 10_000n) - 11644473600000;
  return new Date(ms).toISOString().slice(0, 19) + "." + String(ft % 10_000_000n).padStart(7, "0") + "00Z";
}

function guidText(v: string): string {
  const g = v.replace(/[{}]/g, "").toUpperCase();
  return `{${g}}`;
}

/**
 * libevtx 20181227 prints negative Int32/Int64 as "-" followed by the value with the sign bit
 * cleared (−5 → "-2147483643"), except the minimum which prints correctly. Bytes are plain two's
 * complement; this models the printer, not the file.
 */
function signedText(v: bigint, bits: number): string {
  if (v >= 0n) return v.toString();
  const min = -(1n << BigInt(bits - 1));
  if (v === min) return v.toString();
  return "-" + ((1n << BigInt(bits - 1)) + v).toString();
}

/** Texts libevtx prints for one value (several for arrays); [] when the element is omitted. */
export function predictTexts(type: ValueType, value: Value, optional: boolean): string[] {
  if (value === null) return optional ? [] : [""];
  switch (type) {
    case "string":
      return [String(value)];
    case "uint8":
    case "uint16":
    case "uint32":
    case "uint64":
    case "sizet":
      return [toBig(value).toString()];
    case "int32":
      return [signedText(toBig(value), 32)];
    case "int64":
      return [signedText(toBig(value), 64)];
    case "hex32":
      return [hex(BigInt.asUintN(32, toBig(value)), 8)];
    case "hex64":
      return [hex(BigInt.asUintN(64, toBig(value)), 16)];
    case "bool":
      return [toBig(value) !== 0n ? "true" : "false"];
    case "binary":
      return [Buffer.from(value as Uint8Array).toString("hex").toUpperCase()];
    case "guid":
      return [guidText(value as string)];
    case "sid":
      return [String(value)];
    case "filetime":
      return [filetimeText(value)];
    case "systemtime": {
      const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(value as string)!;
      return [`${m[1]}.${(m[2] ?? "").padEnd(3, "0").slice(0, 3)}Z`];
    }
    case "stringArray":
      return (value as string[]).length ? (value as string[]) : [""];
  }
}

/** What evtxexport must print for `spec` written with record id `id`. */
export function predict(spec: EventSpec, id: number): Rendered {
  const fields: [string, string][] = [];
  let payload: string | null = "EventData"; // no data and no userData → <EventData/>
  if (spec.data) {
    payload = "EventData";
    for (const d of spec.data) {
      const element = d.element ?? "Data";
      const type: ValueType = d.type ?? (element === "Binary" ? "binary" : "string");
      const optional = d.optional ?? element === "Binary";
      const name = element === "Binary" ? "Binary" : (d.name ?? "Data");
      for (const t of predictTexts(type, d.value, optional)) fields.push([name, t]);
    }
  } else if (spec.userData) {
    payload = `UserData ${spec.userData.element} ${spec.userData.xmlns ?? ""}`;
    for (const c of spec.userData.children) {
      for (const t of predictTexts(c.type ?? "string", c.value, c.optional ?? false)) fields.push([c.name, t]);
    }
  }
  const opt = (v: number | undefined) => (v === undefined ? null : String(v));
  return {
    recordId: String(id),
    provider: spec.provider,
    providerGuid: spec.providerGuid ? guidText(spec.providerGuid) : null,
    eventSourceName: spec.eventSourceName ?? null,
    eventId: String(spec.eventId),
    qualifiers: opt(spec.qualifiers),
    version: opt(spec.version),
    level: String(spec.level ?? 4),
    task: String(spec.task ?? 0),
    opcode: opt(spec.opcode),
    keywords: hex(spec.keywords ?? 0x8000000000000000n, 16),
    time: filetimeText(spec.timeCreated),
    activityId: spec.activityId ? guidText(spec.activityId) : null,
    relatedActivityId: spec.relatedActivityId ? guidText(spec.relatedActivityId) : null,
    processId: opt(spec.processId),
    threadId: opt(spec.threadId),
    channel: spec.channel,
    computer: spec.computer,
    userSid: spec.userSid ?? null,
    payload,
    fields,
  };
}

/** Field-by-field differences (empty = identical). */
export function diff(expected: Rendered, actual: Rendered): string[] {
  const out: string[] = [];
  for (const k of Object.keys(expected) as (keyof Rendered)[]) {
    const e = JSON.stringify(expected[k]);
    const a = JSON.stringify(actual[k]);
    if (e !== a) out.push(`${k}: expected ${e}, got ${a}`);
  }
  return out;
}

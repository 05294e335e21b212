// Template shapes (internal): the element trees of the System template and of payload templates,
// keyed by everything that changes their bytes, with a deterministic GUID per key.

import { createHash } from "node:crypto";
import type { DataItem, EventSpec, UserDataChild, ValueType } from "./types.js";
import { inferType, TYPE_CODE } from "./values.js";

export type TContent =
  | { k: "text"; text: string }
  | { k: "sub"; index: number; type: number; optional: boolean }
  | TElement;

export interface TElement {
  k: "el";
  name: string;
  attrs: { name: string; value: TContent[] }[];
  /** null → empty element (`/>`). */
  content: TContent[] | null;
}

export interface TemplateShape {
  key: string;
  guid: Uint8Array;
  /** Template id written in instances = GUID Data1. */
  id: number;
  /** Template-table bucket (formats.md §1.3). */
  bucket: number;
  root: TElement;
}

/** How one payload value slot is filled. */
export interface PayloadSlot {
  /** Index into the item list (EventData items or UserData children). */
  item: number;
  type: ValueType;
  /** "length" = the u32 byte length classic templates store before a `<Binary>` value. */
  role: "value" | "length";
  /** Optional (0x0E) substitution. */
  optional: boolean;
}

export interface PayloadShape extends TemplateShape {
  slots: PayloadSlot[];
}

export const EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event";

/** Substitution indexes of the System template (as in real Windows templates, formats.md §1.5.9). */
export const SYS = {
  level: 0,
  opcode: 1,
  task: 2,
  eventId: 3,
  qualifiers: 4,
  keywords: 5,
  timeCreated: 6,
  activityId: 7,
  processId: 8,
  threadId: 9,
  recordId: 10,
  version: 11,
  userSid: 12,
  relatedActivityId: 13,
  providerName: 14,
  providerGuid: 15,
  channel: 16,
  payload: 17,
  count: 18,
} as const;

const nameHashCache = new Map<string, number>();

/** 16-bit name hash: h = h × 65599 + code unit (mod 2³²), low 16 bits (formats.md §1.3). */
export function nameHash(name: string): number {
  let h = nameHashCache.get(name);
  if (h !== undefined) return h;
  let x = 0;
  for (let i = 0; i < name.length; i++) x = (Math.imul(x, 65599) + name.charCodeAt(i)) >>> 0;
  h = x & 0xffff;
  nameHashCache.set(name, h);
  return h;
}

/** Template-table bucket: the 65599 hash over the GUID as eight LE u16 words, mod 32. */
export function templateBucket(guid: Uint8Array): number {
  let x = 0;
  for (let i = 0; i < 16; i += 2) x = (Math.imul(x, 65599) + (guid[i] | (guid[i + 1] << 8))) >>> 0;
  return x % 32;
}

function shapeOf(key: string, root: TElement): TemplateShape {
  const guid = Uint8Array.from(createHash("md5").update(key, "utf8").digest());
  // Mark as an RFC 4122 name-based GUID (version 3, variant 10) — cosmetic, keeps it a valid GUID.
  guid[7] = (guid[7] & 0x0f) | 0x30;
  guid[8] = (guid[8] & 0x3f) | 0x80;
  const id = (guid[0] | (guid[1] << 8) | (guid[2] << 16) | (guid[3] << 24)) >>> 0;
  return { key, guid, id, bucket: templateBucket(guid), root };
}

const sub = (index: number, type: number, optional = true): TContent => ({ k: "sub", index, type, optional });
const el = (name: string, attrs: TElement["attrs"], content: TContent[] | null): TElement => ({
  k: "el",
  name,
  attrs,
  content,
});

const systemCache = new Map<string, TemplateShape>();

/**
 * The Event/System template. Provider Name/Guid and Channel are substitutions (like the templates of
 * manifest providers in the corpus); EventSourceName and Computer are literal text, so they are part
 * of the key. The payload is substitution 17 (BinXml): directly inside `<Event>` for EventData, inside
 * `<UserData>` for UserData.
 */
export function systemShape(kind: "E" | "U", eventSourceName: string | undefined, computer: string): TemplateShape {
  const key = `SYS\u0000${kind}\u0000${eventSourceName ?? "\u0001"}\u0000${computer}`;
  let s = systemCache.get(key);
  if (s) return s;
  const providerAttrs: TElement["attrs"] = [
    { name: "Name", value: [sub(SYS.providerName, 0x01)] },
    { name: "Guid", value: [sub(SYS.providerGuid, 0x0f)] },
  ];
  if (eventSourceName !== undefined) providerAttrs.push({ name: "EventSourceName", value: [{ k: "text", text: eventSourceName }] });
  const system = el("System", [], [
    el("Provider", providerAttrs, null),
    el("EventID", [{ name: "Qualifiers", value: [sub(SYS.qualifiers, 0x06)] }], [sub(SYS.eventId, 0x06)]),
    el("Version", [], [sub(SYS.version, 0x04)]),
    el("Level", [], [sub(SYS.level, 0x04)]),
    el("Task", [], [sub(SYS.task, 0x06)]),
    el("Opcode", [], [sub(SYS.opcode, 0x04)]),
    el("Keywords", [], [sub(SYS.keywords, 0x15)]),
    el("TimeCreated", [{ name: "SystemTime", value: [sub(SYS.timeCreated, 0x11)] }], null),
    el("EventRecordID", [], [sub(SYS.recordId, 0x0a)]),
    el(
      "Correlation",
      [
        { name: "ActivityID", value: [sub(SYS.activityId, 0x0f)] },
        { name: "RelatedActivityID", value: [sub(SYS.relatedActivityId, 0x0f)] },
      ],
      null,
    ),
    el(
      "Execution",
      [
        { name: "ProcessID", value: [sub(SYS.processId, 0x08)] },
        { name: "ThreadID", value: [sub(SYS.threadId, 0x08)] },
      ],
      null,
    ),
    el("Channel", [], [sub(SYS.channel, 0x01)]),
    el("Computer", [], [{ k: "text", text: computer }]),
    el("Security", [{ name: "UserID", value: [sub(SYS.userSid, 0x13)] }], null),
  ]);
  const payload = kind === "E" ? sub(SYS.payload, 0x21) : el("UserData", [], [sub(SYS.payload, 0x21)]);
  const root = el("Event", [{ name: "xmlns", value: [{ k: "text", text: EVENT_NS }] }], [system, payload]);
  s = shapeOf(key, root);
  systemCache.set(key, s);
  return s;
}

/** Resolved element/type/optional of an EventData item. */
export function dataItemInfo(d: DataItem): { element: "Data" | "Binary"; type: ValueType; optional: boolean } {
  const element = d.element ?? (d.type === "binary" && d.name === null ? "Binary" : "Data");
  const type = d.type ?? inferType(d.value, element);
  return { element, type, optional: d.optional ?? element === "Binary" };
}

const payloadCache = new Map<string, PayloadShape>();

/**
 * EventData template: `<EventData>` with one `<Data [Name=…]>` per item (one substitution each) and
 * `<Binary>` elements preceded by an unreferenced u32 length value, as classic-provider templates in
 * real logs do (e.g. SCM 7000: values param1, param2, u32 length, binary).
 */
export function eventDataShape(items: DataItem[]): PayloadShape {
  const infos = items.map(dataItemInfo);
  let key = "ED";
  for (let i = 0; i < items.length; i++) {
    const n = items[i].name;
    const inf = infos[i];
    key += `\u0000${inf.element}\u0001${inf.element === "Binary" || n === null ? "\u0002" : n}\u0001${inf.type}${inf.optional ? "?" : ""}`;
  }
  let s = payloadCache.get(key);
  if (s) return s;
  const slots: PayloadSlot[] = [];
  const children: TContent[] = [];
  infos.forEach((inf, i) => {
    if (inf.element === "Binary") {
      slots.push({ item: i, type: "uint32", role: "length", optional: true });
      children.push(el("Binary", [], [sub(slots.length, TYPE_CODE[inf.type], inf.optional)]));
      slots.push({ item: i, type: inf.type, role: "value", optional: inf.optional });
    } else {
      const n = items[i].name;
      const attrs = n === null ? [] : [{ name: "Name", value: [{ k: "text", text: n } as TContent] }];
      children.push(el("Data", attrs, [sub(slots.length, TYPE_CODE[inf.type], inf.optional)]));
      slots.push({ item: i, type: inf.type, role: "value", optional: inf.optional });
    }
  });
  s = { ...shapeOf(key, el("EventData", [], children.length ? children : null)), slots };
  payloadCache.set(key, s);
  return s;
}

/** UserData template: `<element xmlns=…>` with one `<child>` per child, one substitution each. */
export function userDataShape(u: NonNullable<EventSpec["userData"]>): PayloadShape {
  const infos = u.children.map((c: UserDataChild) => ({
    type: c.type ?? inferType(c.value, "Data"),
    optional: c.optional ?? false,
  }));
  let key = `UD\u0000${u.element}\u0000${u.xmlns ?? "\u0001"}`;
  u.children.forEach((c, i) => (key += `\u0000${c.name}\u0001${infos[i].type}${infos[i].optional ? "?" : ""}`));
  let s = payloadCache.get(key);
  if (s) return s;
  const children: TContent[] = u.children.map((c, i) => el(c.name, [], [sub(i, TYPE_CODE[infos[i].type], infos[i].optional)]));
  const attrs = u.xmlns === undefined ? [] : [{ name: "xmlns", value: [{ k: "text", text: u.xmlns } as TContent] }];
  const slots: PayloadSlot[] = infos.map((inf, i) => ({ item: i, type: inf.type, role: "value", optional: inf.optional }));
  s = { ...shapeOf(key, el(u.element, attrs, children.length ? children : null)), slots };
  payloadCache.set(key, s);
  return s;
}

// One 64 KiB chunk under construction (internal): records, inline names and template definitions,
// string and template tables, header fields and CRCs.

import { ByteWriter, crc32 } from "./bytes.js";
import {
  dataItemInfo,
  eventDataShape,
  nameHash,
  SYS,
  systemShape,
  userDataShape,
  type PayloadShape,
  type TContent,
  type TElement,
  type TemplateShape,
} from "./templates.js";
import type { EventSpec, Value, ValueType } from "./types.js";
import { encodeValue, filetimeFromIso, TYPE_CODE } from "./values.js";

export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
const FRAGMENT_HEADER = 0x0001010f; // bytes 0F 01 01 00
/**
 * Records end at most here. libevtx 20181227 silently drops a record that ends exactly at the
 * chunk's end (free space offset 65536), so the last 8 bytes of a chunk are never used.
 */
export const RECORD_AREA_END = CHUNK_SIZE - 8;

/** Thrown when one record cannot fit even an empty chunk. */
export class RecordTooLargeError extends Error {}

/** An event with its id, time and template shapes resolved, ready to be encoded into a chunk. */
export interface PreparedRecord {
  spec: EventSpec;
  id: bigint;
  filetime: bigint;
  system: TemplateShape;
  payload: PayloadShape;
}

export function prepare(spec: EventSpec, id: bigint): PreparedRecord {
  if (spec.data !== undefined && spec.userData !== undefined) {
    throw new Error(`evtxWriter: record ${id}: give either data or userData, not both`);
  }
  // No data → an empty <EventData/> (libevtx refuses a NULL payload value).
  const payload = spec.userData ? userDataShape(spec.userData) : eventDataShape(spec.data ?? []);
  return {
    spec,
    id,
    filetime: filetimeFromIso(spec.timeCreated),
    system: systemShape(spec.userData ? "U" : "E", spec.eventSourceName, spec.computer),
    payload,
  };
}

export class ChunkBuilder {
  readonly buf = new Uint8Array(CHUNK_SIZE);
  /** Chunk offset where the next record goes (= free space offset). */
  pos = CHUNK_HEADER_SIZE;
  lastRecordOffset = 0;
  recordCount = 0;
  firstId = 0n;
  lastId = 0n;
  firstNumber = 0n;
  lastNumber = 0n;

  private readonly names = new Map<string, number>();
  private readonly strBuckets = new Uint32Array(64);
  private readonly templates = new Map<string, number>();
  private readonly tplBuckets = new Uint32Array(32);
  // Undo log of table additions made by the record being encoded (rolled back if it does not fit).
  private undoNames: { name: string; bucket: number; prev: number }[] = [];
  private undoTemplates: { key: string; bucket: number; prev: number }[] = [];

  /** Scratch writer; `base` = chunk offset of its position 0. */
  private w: ByteWriter;
  private base = 0;

  constructor(scratch: ByteWriter) {
    this.w = scratch;
  }

  /** Encode `r` as record number `number`; false (and no change) if it does not fit. */
  tryAdd(r: PreparedRecord, number: bigint): boolean {
    const w = this.w;
    w.reset();
    this.base = this.pos;
    this.undoNames.length = 0;
    this.undoTemplates.length = 0;

    w.u32(0x00002a2a);
    const sizeAt = w.reserveU32();
    w.u64(r.id);
    w.u64(r.filetime);
    w.u32(FRAGMENT_HEADER);
    this.writeSystemInstance(r);
    w.u8(0x00); // EndOfStream
    const unpadded = w.pos + 4;
    const size = (unpadded + 7) & ~7;
    w.zeros(size - unpadded);
    w.u32(size);
    w.patchU32(sizeAt, size);

    if (this.pos + size > RECORD_AREA_END) {
      this.rollback();
      if (this.recordCount === 0) {
        throw new RecordTooLargeError(`evtxWriter: record ${r.id} needs ${size} bytes, more than a chunk holds`);
      }
      return false;
    }
    this.buf.set(w.buf.subarray(0, size), this.pos);
    if (this.recordCount === 0) {
      this.firstId = r.id;
      this.firstNumber = number;
    }
    this.lastId = r.id;
    this.lastNumber = number;
    this.lastRecordOffset = this.pos;
    this.pos += size;
    this.recordCount++;
    return true;
  }

  private rollback(): void {
    for (let i = this.undoNames.length - 1; i >= 0; i--) {
      const u = this.undoNames[i];
      this.names.delete(u.name);
      this.strBuckets[u.bucket] = u.prev;
    }
    for (let i = this.undoTemplates.length - 1; i >= 0; i--) {
      const u = this.undoTemplates[i];
      this.templates.delete(u.key);
      this.tplBuckets[u.bucket] = u.prev;
    }
  }

  /** Fill in the header (numbers, ids, offsets, tables, flags, CRCs) and return the chunk. */
  finish(): Uint8Array {
    const b = this.buf;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    b.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], 0); // "ElfChnk\0"
    dv.setBigUint64(8, this.firstNumber, true);
    dv.setBigUint64(16, this.lastNumber, true);
    dv.setBigUint64(24, this.firstId, true);
    dv.setBigUint64(32, this.lastId, true);
    dv.setUint32(40, 128, true);
    dv.setUint32(44, this.lastRecordOffset, true);
    dv.setUint32(48, this.pos, true);
    dv.setUint32(52, crc32(b.subarray(CHUNK_HEADER_SIZE, this.pos)), true);
    for (let i = 0; i < 64; i++) dv.setUint32(128 + 4 * i, this.strBuckets[i], true);
    for (let i = 0; i < 32; i++) dv.setUint32(384 + 4 * i, this.tplBuckets[i], true);
    dv.setUint32(120, 1, true);
    const hdrCrc = crc32(b.subarray(128, 512), crc32(b.subarray(0, 120)));
    dv.setUint32(124, hdrCrc, true);
    return b;
  }

  // ---- BinXML ---------------------------------------------------------------------------------

  private writeName(name: string): void {
    const w = this.w;
    const known = this.names.get(name);
    if (known !== undefined) {
      w.u32(known);
      return;
    }
    const here = this.base + w.pos + 4;
    w.u32(here);
    const h = nameHash(name);
    const bucket = h & 63;
    const prev = this.strBuckets[bucket];
    w.u32(prev);
    w.u16(h);
    w.u16(name.length);
    w.utf16(name);
    w.u16(0);
    this.strBuckets[bucket] = here;
    this.names.set(name, here);
    this.undoNames.push({ name, bucket, prev });
  }

  private writeContent(items: TContent[]): void {
    const w = this.w;
    for (const c of items) {
      if (c.k === "text") {
        if (c.text.length > 0xffff) throw new Error("evtxWriter: literal text too long");
        w.u8(0x05);
        w.u8(0x01);
        w.u16(c.text.length);
        w.utf16(c.text);
      } else if (c.k === "sub") {
        w.u8(c.optional ? 0x0e : 0x0d);
        w.u16(c.index);
        w.u8(c.type);
      } else {
        this.writeElement(c);
      }
    }
  }

  /** An element inside a template definition (with dependency id). */
  private writeElement(e: TElement): void {
    const w = this.w;
    let dep = 0xffff;
    if (e.content) {
      for (const c of e.content) {
        if (c.k === "sub" && c.optional) {
          dep = c.index;
          break;
        }
      }
    }
    w.u8(e.attrs.length ? 0x41 : 0x01);
    w.u16(dep);
    const sizeAt = w.reserveU32();
    const start = w.pos;
    this.writeName(e.name);
    if (e.attrs.length) {
      const listAt = w.reserveU32();
      const listStart = w.pos;
      e.attrs.forEach((a, i) => {
        w.u8(i === e.attrs.length - 1 ? 0x06 : 0x46);
        this.writeName(a.name);
        this.writeContent(a.value);
      });
      w.patchU32(listAt, w.pos - listStart);
    }
    if (e.content === null) {
      w.u8(0x03);
    } else {
      w.u8(0x02);
      this.writeContent(e.content);
      w.u8(0x04);
    }
    w.patchU32(sizeAt, w.pos - start);
  }

  /** TemplateInstance header: id + offset, with the definition inline on first use in this chunk. */
  private writeInstanceHeader(t: TemplateShape): void {
    const w = this.w;
    w.u8(0x0c);
    w.u8(0x01);
    w.u32(t.id);
    const known = this.templates.get(t.key);
    if (known !== undefined) {
      w.u32(known);
      return;
    }
    const here = this.base + w.pos + 4;
    w.u32(here);
    const prev = this.tplBuckets[t.bucket];
    w.u32(prev);
    w.bytes(t.guid);
    const sizeAt = w.reserveU32();
    const start = w.pos;
    w.u32(FRAGMENT_HEADER);
    this.writeElement(t.root);
    w.u8(0x00);
    w.patchU32(sizeAt, w.pos - start);
    this.tplBuckets[t.bucket] = here;
    this.templates.set(t.key, here);
    this.undoTemplates.push({ key: t.key, bucket: t.bucket, prev });
  }

  /**
   * Write value `v` of declared `type` at the current position and patch descriptor `i`.
   * `field` names the value for error messages: a System field, or the payload item index.
   */
  private value(descAt: number, i: number, type: ValueType, v: Value, optional: boolean, r: PreparedRecord, field: string | number): void {
    const w = this.w;
    if (v === null || v === undefined) {
      // Optional substitution: NULL descriptor {0, 0x00} → readers omit the attribute/element.
      // Normal substitution: real logs never hold NULL there and libevtx refuses it, so write an
      // empty string instead (renders as an empty element).
      if (!optional) w.patchU8(descAt + 4 * i + 2, 0x01);
      return;
    }
    const start = w.pos;
    try {
      encodeValue(w, type, v);
    } catch (e) {
      throw new Error(`evtxWriter: record ${r.id} ${fieldName(r, field)} (${type}): ${(e as Error).message}`);
    }
    const size = w.pos - start;
    if (size > 0xffff) throw new Error(`evtxWriter: record ${r.id} ${fieldName(r, field)}: value of ${size} bytes exceeds 65535`);
    w.patchU16(descAt + 4 * i, size);
    w.patchU8(descAt + 4 * i + 2, TYPE_CODE[type]);
  }

  private writeSystemInstance(r: PreparedRecord): void {
    const w = this.w;
    const s = r.spec;
    this.writeInstanceHeader(r.system);
    w.u32(SYS.count);
    const descAt = w.pos;
    w.zeros(4 * SYS.count);
    // Values in index order (they follow each other back to back).
    this.value(descAt, SYS.level, "uint8", s.level ?? 4, true, r, "level");
    this.value(descAt, SYS.opcode, "uint8", s.opcode ?? null, true, r, "opcode");
    this.value(descAt, SYS.task, "uint16", s.task ?? 0, true, r, "task");
    this.value(descAt, SYS.eventId, "uint16", s.eventId, true, r, "eventId");
    this.value(descAt, SYS.qualifiers, "uint16", s.qualifiers ?? null, true, r, "qualifiers");
    this.value(descAt, SYS.keywords, "hex64", s.keywords ?? 0x8000000000000000n, true, r, "keywords");
    this.value(descAt, SYS.timeCreated, "filetime", r.filetime, true, r, "timeCreated");
    this.value(descAt, SYS.activityId, "guid", s.activityId ?? null, true, r, "activityId");
    this.value(descAt, SYS.processId, "uint32", s.processId ?? null, true, r, "processId");
    this.value(descAt, SYS.threadId, "uint32", s.threadId ?? null, true, r, "threadId");
    this.value(descAt, SYS.recordId, "uint64", r.id, true, r, "recordId");
    this.value(descAt, SYS.version, "uint8", s.version ?? null, true, r, "version");
    this.value(descAt, SYS.userSid, "sid", s.userSid ?? null, true, r, "userSid");
    this.value(descAt, SYS.relatedActivityId, "guid", s.relatedActivityId ?? null, true, r, "relatedActivityId");
    this.value(descAt, SYS.providerName, "string", s.provider, true, r, "provider");
    this.value(descAt, SYS.providerGuid, "guid", s.providerGuid ?? null, true, r, "providerGuid");
    this.value(descAt, SYS.channel, "string", s.channel, true, r, "channel");
    {
      // BinXml value: its own document = FragmentHeader + payload template instance + EndOfStream.
      const start = w.pos;
      w.u32(FRAGMENT_HEADER);
      this.writePayloadInstance(r, r.payload);
      w.u8(0x00);
      const size = w.pos - start;
      if (size > 0xffff) throw new Error(`evtxWriter: record ${r.id}: payload of ${size} bytes exceeds 65535`);
      w.patchU16(descAt + 4 * SYS.payload, size);
      w.patchU8(descAt + 4 * SYS.payload + 2, 0x21);
    }
  }

  private writePayloadInstance(r: PreparedRecord, p: PayloadShape): void {
    const w = this.w;
    this.writeInstanceHeader(p);
    const n = p.slots.length;
    w.u32(n);
    const descAt = w.pos;
    w.zeros(4 * n);
    const s = r.spec;
    for (let i = 0; i < n; i++) {
      const slot = p.slots[i];
      if (s.userData) {
        const c = s.userData.children[slot.item];
        this.value(descAt, i, slot.type, c.value, slot.optional, r, slot.item);
        continue;
      }
      const d = s.data![slot.item];
      if (slot.role === "length") {
        // Byte length of the following <Binary> value, as classic templates carry it.
        const v = d.value;
        const len = v === null ? 0 : v instanceof Uint8Array ? v.length : typeof v === "string" ? v.length >> 1 : 0;
        this.value(descAt, i, "uint32", len, true, r, slot.item);
      } else {
        this.value(descAt, i, slot.type, d.value, slot.optional, r, slot.item);
      }
    }
  }
}

function fieldName(r: PreparedRecord, field: string | number): string {
  if (typeof field === "string") return field;
  if (r.spec.userData) return `UserData ${r.spec.userData.children[field]?.name}`;
  const d = r.spec.data?.[field];
  return `Data #${field}${d?.name ? ` (${d.name})` : ""}`;
}

/** Re-check that an item list resolves (used for early, readable errors). */
export function validateSpec(spec: EventSpec): void {
  if (!Number.isInteger(spec.eventId) || spec.eventId < 0 || spec.eventId > 0xffff) {
    throw new Error(`evtxWriter: eventId ${spec.eventId} is not a 16-bit number`);
  }
  spec.data?.forEach((d) => dataItemInfo(d));
}

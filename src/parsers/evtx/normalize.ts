// Compiled templates → EventRecord fields, without rendering XML.
//
// Each template gets, once per chunk and per context, a flat "plan": a list of operations saying
// where each System field comes from (a substitution slot, literal text, or a mix), which element
// becomes an EventData/UserData field, and which substitution holds a nested BinXml document
// (the payload usually sits in a 0x21 value). Per record the plan is run against the record's
// substitution values; only the values that end up in the EventRecord are converted to text.

import type { EventRecord } from "../types.js";
import { Cursor, DecodeError } from "./bytes.js";
import {
  type ChunkContext, K_ELEM, K_SUBST, K_TEXT, MAX_DOC_DEPTH, NO_VALUES, parseElement, readInstance, skipPi,
  type Template, type Values, type XElem, type XNode, type XSubst,
} from "./binxml.js";
import {
  T_BINXML, T_FILETIME, T_GUID, T_HEX64, T_NULL, T_SID, T_SYSTEMTIME, T_UINT64, arrayItems, filetimeText, guidText,
  scalarInt, scalarText, sidText, systemtimeText,
} from "./values.js";

/** Where a node list sits in the event document. */
export const CTX_EVENT = 0; // children of <Event> (or a document root): System, EventData, UserData, ...
const CTX_PAYLOAD = 1; // children of <EventData>, or of the single element inside <UserData>
const CTX_USERDATA = 2; // children of <UserData>
const CTX_USERDATA_CHILD = 3; // a nested document standing for the element inside <UserData>

const OP_SYS = 0;
const OP_FIELD = 1;
const OP_NESTED = 2;

const F_PROVIDER = 0;
const F_PROVIDER_GUID = 1;
const F_EVENT_ID = 2;
const F_QUALIFIERS = 3;
const F_VERSION = 4;
const F_LEVEL = 5;
const F_TASK = 6;
const F_OPCODE = 7;
const F_KEYWORDS = 8;
const F_TIME = 9;
const F_ACTIVITY = 10;
const F_PROCESS = 11;
const F_THREAD = 12;
const F_CHANNEL = 13;
const F_COMPUTER = 14;
const F_USER = 15;
const F_RECORD_ID = 16;

/** One step of a plan. A single class keeps property access monomorphic on the hot path. */
class Op {
  constructor(
    readonly kind: number,
    /** OP_SYS: the System field; OP_NESTED: the context of the nested document. */
    readonly field: number,
    /** OP_SYS/OP_FIELD: the nodes the value is read from (element content or attribute value). */
    readonly src: XNode[],
    /** `src` when it is exactly one substitution (the common case, read without concatenation). */
    readonly single: XSubst | null,
    /** OP_FIELD: the field name, or the element's name when the Name attribute is computed. */
    readonly name: string,
    readonly nameSrc: XNode[] | null,
    /** OP_NESTED: the substitution index holding the BinXml document. */
    readonly index: number,
  ) {}
}

const NO_NODES: XNode[] = [];

function singleSubst(src: XNode[]): XSubst | null {
  return src.length === 1 && src[0].k === K_SUBST ? src[0] : null;
}

function localName(name: string): string {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
}

function attr(e: XElem, name: string): XNode[] | null {
  for (const a of e.attrs) if (a.name === name) return a.value;
  return null;
}

function sysOp(ops: Op[], field: number, src: XNode[] | null): void {
  if (src !== null) ops.push(new Op(OP_SYS, field, src, singleSubst(src), "", null, -1));
}

function compileSystem(system: XElem, ops: Op[]): void {
  for (const c of system.children) {
    if (c.k !== K_ELEM) continue;
    switch (localName(c.name)) {
      case "Provider":
        sysOp(ops, F_PROVIDER, attr(c, "Name"));
        sysOp(ops, F_PROVIDER_GUID, attr(c, "Guid"));
        break;
      case "EventID":
        sysOp(ops, F_QUALIFIERS, attr(c, "Qualifiers"));
        sysOp(ops, F_EVENT_ID, c.children);
        break;
      case "Version": sysOp(ops, F_VERSION, c.children); break;
      case "Level": sysOp(ops, F_LEVEL, c.children); break;
      case "Task": sysOp(ops, F_TASK, c.children); break;
      case "Opcode": sysOp(ops, F_OPCODE, c.children); break;
      case "Keywords": sysOp(ops, F_KEYWORDS, c.children); break;
      case "TimeCreated": sysOp(ops, F_TIME, attr(c, "SystemTime")); break;
      case "Correlation": sysOp(ops, F_ACTIVITY, attr(c, "ActivityID")); break;
      case "Execution":
        sysOp(ops, F_PROCESS, attr(c, "ProcessID"));
        sysOp(ops, F_THREAD, attr(c, "ThreadID"));
        break;
      case "Channel": sysOp(ops, F_CHANNEL, c.children); break;
      case "Computer": sysOp(ops, F_COMPUTER, c.children); break;
      case "Security": sysOp(ops, F_USER, attr(c, "UserID")); break;
      case "EventRecordID": sysOp(ops, F_RECORD_ID, c.children); break;
      default: break;
    }
  }
}

function fieldOp(e: XElem): Op {
  const elementName = localName(e.name);
  const nameAttr = attr(e, "Name");
  let name = elementName;
  let nameSrc: XNode[] | null = null;
  if (nameAttr !== null && nameAttr.length > 0) {
    if (nameAttr.length === 1 && nameAttr[0].k === K_TEXT) name = nameAttr[0].text;
    else nameSrc = nameAttr;
  }
  return new Op(OP_FIELD, 0, e.children, singleSubst(e.children), name, nameSrc, -1);
}

function compileNodes(nodes: XNode[], ctx: number, ops: Op[]): void {
  if (ctx === CTX_USERDATA) {
    // Like the goldens: the children of the one element inside UserData are the fields;
    // with several elements, those elements are.
    let elems = 0;
    let substs = 0;
    let only: XElem | null = null;
    for (const n of nodes) {
      if (n.k === K_ELEM) {
        elems++;
        only = n;
      } else if (n.k === K_SUBST) substs++;
    }
    if (elems === 1 && substs === 0 && only !== null) {
      compileNodes(only.children, CTX_PAYLOAD, ops);
      return;
    }
    for (const n of nodes) {
      if (n.k === K_ELEM) ops.push(fieldOp(n));
      else if (n.k === K_SUBST) ops.push(new Op(OP_NESTED, CTX_USERDATA_CHILD, NO_NODES, null, "", null, n.index));
    }
    return;
  }
  for (const n of nodes) {
    if (n.k === K_SUBST) {
      ops.push(new Op(OP_NESTED, ctx, NO_NODES, null, "", null, n.index));
      continue;
    }
    if (n.k !== K_ELEM) continue;
    if (ctx === CTX_PAYLOAD) {
      ops.push(fieldOp(n));
    } else if (ctx === CTX_USERDATA_CHILD) {
      compileNodes(n.children, CTX_PAYLOAD, ops);
    } else {
      switch (localName(n.name)) {
        case "Event": compileNodes(n.children, CTX_EVENT, ops); break;
        case "System": compileSystem(n, ops); break;
        case "EventData": compileNodes(n.children, CTX_PAYLOAD, ops); break;
        case "UserData": compileNodes(n.children, CTX_USERDATA, ops); break;
        default: break; // RenderingInfo, ProcessingErrorData, DebugData: not part of the record model
      }
    }
  }
}

function planFor(tmpl: Template, ctx: number): Op[] {
  let plan = tmpl.plans[ctx] as Op[] | undefined;
  if (plan === undefined) {
    plan = [];
    compileNodes(tmpl.nodes, ctx, plan);
    tmpl.plans[ctx] = plan;
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Running plans

function checkIndex(vals: Values, index: number): void {
  if (index >= vals.count) throw new DecodeError(`substitution ${index} refers past the ${vals.count} values of its instance`);
}

/**
 * Runs one BinXml document [start, end) (a record body or a 0x21 value) in context `ctx`:
 * every template instance or bare element in it, in order. Returns how many it found.
 */
export function runDocument(rec: EventRecord, cc: ChunkContext, start: number, end: number, ctx: number, depth: number): number {
  if (depth > MAX_DOC_DEPTH) throw new DecodeError(`BinXml values nested deeper than ${MAX_DOC_DEPTH}`);
  const cur = new Cursor(cc.buf, start, end, cc.origin);
  let items = 0;
  while (cur.pos < cur.end) {
    const t = cur.u8();
    if (t === 0x00) break;
    if (t === 0x0f) {
      cur.skip(3);
    } else if (t === 0x0c) {
      const vals = cc.values(depth);
      const tmpl = readInstance(cc, cur, vals);
      runOps(rec, cc, planFor(tmpl, ctx), vals, depth);
      items++;
    } else if (t === 0x01 || t === 0x41) {
      const elem = parseElement(cc, cur, t, false, 0);
      const ops: Op[] = [];
      compileNodes([elem], ctx, ops);
      runOps(rec, cc, ops, NO_VALUES, depth);
      items++;
    } else {
      skipPi(cc, cur, t);
    }
  }
  return items;
}

function runOps(rec: EventRecord, cc: ChunkContext, ops: Op[], vals: Values, depth: number): void {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.kind === OP_FIELD) {
      emitField(rec, cc, op, vals, depth);
    } else if (op.kind === OP_SYS) {
      applySystem(rec, cc, op, vals, depth);
    } else {
      const x = op.index;
      checkIndex(vals, x);
      if (vals.type[x] === T_BINXML) runDocument(rec, cc, vals.off[x], vals.off[x] + vals.size[x], op.field, depth + 1);
    }
  }
}

function pushField(rec: EventRecord, name: string, value: string | null): void {
  rec.fields.push({ position: rec.fields.length, name, value });
}

function emitField(rec: EventRecord, cc: ChunkContext, op: Op, vals: Values, depth: number): void {
  let name = op.name;
  if (op.nameSrc !== null) {
    const computed = textOf(cc, op.nameSrc, vals, depth);
    if (computed !== "") name = computed;
  }
  const s = op.single;
  if (s === null) {
    pushField(rec, name, op.src.length === 0 ? "" : textOf(cc, op.src, vals, depth));
    return;
  }
  const x = s.index;
  checkIndex(vals, x);
  const t = vals.type[x];
  const off = vals.off[x];
  const size = vals.size[x];
  if (t === T_NULL) {
    // libevtx omits an element whose whole content is a NULL optional substitution.
    if (!s.optional) pushField(rec, name, null);
    return;
  }
  if (t & 0x80) {
    // One element per array item, as libevtx renders them; an empty array is one empty element.
    const items = arrayItems(cc.buf, off, size, t);
    if (items.length === 0) pushField(rec, name, "");
    for (let i = 0; i < items.length; i++) pushField(rec, name, items[i]);
    return;
  }
  if (t === T_BINXML) {
    pushField(rec, name, documentText(cc, off, off + size, depth + 1));
    return;
  }
  pushField(rec, name, scalarText(cc.buf, off, size, t));
}

/** Text content of nodes (XPath string value): text, substituted values and descendant text, concatenated. */
function textOf(cc: ChunkContext, nodes: XNode[], vals: Values, depth: number): string {
  let s = "";
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (n.k === K_TEXT) s += n.text;
    else if (n.k === K_SUBST) s += substText(cc, n.index, vals, depth);
    else s += textOf(cc, n.children, vals, depth);
  }
  return s;
}

function substText(cc: ChunkContext, x: number, vals: Values, depth: number): string {
  checkIndex(vals, x);
  const t = vals.type[x];
  if (t === T_NULL) return "";
  const off = vals.off[x];
  const size = vals.size[x];
  if (t & 0x80) return arrayItems(cc.buf, off, size, t).join(", ");
  if (t === T_BINXML) return documentText(cc, off, off + size, depth + 1);
  return scalarText(cc.buf, off, size, t);
}

/** Text content of a nested BinXml document. */
function documentText(cc: ChunkContext, start: number, end: number, depth: number): string {
  if (depth > MAX_DOC_DEPTH) throw new DecodeError(`BinXml values nested deeper than ${MAX_DOC_DEPTH}`);
  const cur = new Cursor(cc.buf, start, end, cc.origin);
  let s = "";
  while (cur.pos < cur.end) {
    const t = cur.u8();
    if (t === 0x00) break;
    if (t === 0x0f) {
      cur.skip(3);
    } else if (t === 0x0c) {
      const vals = cc.values(depth);
      const tmpl = readInstance(cc, cur, vals);
      s += textOf(cc, tmpl.nodes, vals, depth);
    } else if (t === 0x01 || t === 0x41) {
      s += textOf(cc, [parseElement(cc, cur, t, false, 0)], NO_VALUES, depth);
    } else {
      skipPi(cc, cur, t);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// System fields

/** The substitution behind `op` when it is a single one with a non-NULL value: its index, else -1. */
function singleValue(op: Op, vals: Values): number {
  const s = op.single;
  if (s === null) return -1;
  checkIndex(vals, s.index);
  return s.index;
}

function textOrNull(cc: ChunkContext, op: Op, vals: Values, depth: number): string | null {
  if (op.src.length === 0) return null;
  const text = textOf(cc, op.src, vals, depth);
  return text === "" ? null : text;
}

function parseIntText(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  if (t.length > 2 && t.charCodeAt(0) === 48 && (t.charCodeAt(1) | 0x20) === 120) {
    const v = parseInt(t.slice(2), 16);
    return Number.isNaN(v) ? null : v;
  }
  const v = parseInt(t, 10);
  return Number.isNaN(v) ? null : v;
}

function intOf(cc: ChunkContext, op: Op, vals: Values, depth: number): number | null {
  const x = singleValue(op, vals);
  if (x >= 0) {
    const t = vals.type[x];
    if (t === T_NULL) return null;
    const v = scalarInt(cc.buf, vals.off[x], vals.size[x], t);
    if (v !== null) return v;
  }
  return parseIntText(textOrNull(cc, op, vals, depth));
}

/**
 * Literal timestamps (WEC records, SYSTEMTIME values) → 7 fractional digits + Z, like FILETIME
 * values; null when the text is not an ISO-8601 UTC timestamp.
 */
export function normalizeTimeText(text: string): string | null {
  const t = text.trim();
  const z = t.length - 1;
  if (t.length < 20 || t.charCodeAt(10) !== 84 /* T */ || t.charCodeAt(z) !== 90 /* Z */) return null;
  for (let i = 0; i < 19; i++) {
    const c = t.charCodeAt(i);
    const sep = i === 4 || i === 7 ? 45 : i === 10 ? 84 : i === 13 || i === 16 ? 58 : -1;
    if (sep >= 0 ? c !== sep : c < 48 || c > 57) return null;
  }
  let frac = "";
  if (z > 19) {
    if (t.charCodeAt(19) !== 46 /* . */) return null;
    frac = t.slice(20, z);
    for (let i = 0; i < frac.length; i++) {
      const c = frac.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
  }
  return t.slice(0, 19) + "." + (frac + "0000000").slice(0, 7) + "Z";
}

/** Literal GUIDs (newer templates carry the manifest's spelling, often lower case) → upper case with braces. */
export function normalizeGuidText(text: string): string {
  let t = text.trim().toUpperCase();
  if (t.length === 36) t = "{" + t + "}";
  return t;
}

/** Literal hex (e.g. Keywords "0x8000000000000000") → "0x" + lower case, unpadded. */
export function normalizeHexText(text: string): string {
  const t = text.trim().toLowerCase();
  if (!t.startsWith("0x")) return t;
  let i = 2;
  while (i < t.length - 1 && t.charCodeAt(i) === 48) i++;
  return "0x" + t.slice(i);
}

function applySystem(rec: EventRecord, cc: ChunkContext, op: Op, vals: Values, depth: number): void {
  const b = cc.buf;
  switch (op.field) {
    case F_EVENT_ID: {
      const v = intOf(cc, op, vals, depth);
      if (v === null) break;
      if (v > 0xffff) {
        // A 32-bit event id (message-table style): the high half is the qualifiers.
        rec.eventId = v % 65536;
        if (rec.qualifiers === null) rec.qualifiers = Math.floor(v / 65536) % 65536;
      } else {
        rec.eventId = v;
      }
      break;
    }
    case F_QUALIFIERS: rec.qualifiers = intOf(cc, op, vals, depth); break;
    case F_VERSION: rec.version = intOf(cc, op, vals, depth); break;
    case F_LEVEL: rec.level = intOf(cc, op, vals, depth); break;
    case F_TASK: rec.task = intOf(cc, op, vals, depth); break;
    case F_OPCODE: rec.opcode = intOf(cc, op, vals, depth); break;
    case F_PROCESS: rec.processId = intOf(cc, op, vals, depth); break;
    case F_THREAD: rec.threadId = intOf(cc, op, vals, depth); break;
    case F_RECORD_ID: {
      // Exported and filtered logs renumber the record headers but keep the original EventRecordID,
      // which is what Event Viewer and libevtx show; the header id stays the default.
      const v = intOf(cc, op, vals, depth);
      if (v !== null) rec.recordId = v;
      break;
    }
    case F_PROVIDER: rec.provider = textOrNull(cc, op, vals, depth); break;
    case F_CHANNEL: rec.channel = textOrNull(cc, op, vals, depth); break;
    case F_COMPUTER: rec.computer = textOrNull(cc, op, vals, depth); break;
    case F_KEYWORDS: {
      const x = singleValue(op, vals);
      const t = x >= 0 ? vals.type[x] : -1;
      if (t === T_HEX64 || t === T_UINT64) {
        rec.keywords = vals.size[x] >= 8 ? scalarText(b, vals.off[x], 8, T_HEX64) : null;
      } else {
        const text = textOrNull(cc, op, vals, depth);
        rec.keywords = text === null ? null : normalizeHexText(text);
      }
      break;
    }
    case F_TIME: {
      const x = singleValue(op, vals);
      const t = x >= 0 ? vals.type[x] : -1;
      let time: string | null = null;
      if (t === T_FILETIME && vals.size[x] >= 8) time = filetimeText(b, vals.off[x]);
      else if (t === T_SYSTEMTIME && vals.size[x] >= 16) time = normalizeTimeText(systemtimeText(b, vals.off[x]));
      else {
        const text = textOrNull(cc, op, vals, depth);
        if (text !== null) time = normalizeTimeText(text);
      }
      // Not a timestamp (damage): the record header's written time stands in (decodeRecord).
      if (time !== null) rec.timeCreated = time;
      break;
    }
    case F_PROVIDER_GUID:
    case F_ACTIVITY: {
      const x = singleValue(op, vals);
      let g: string | null;
      if (x >= 0 && vals.type[x] === T_GUID && vals.size[x] >= 16) g = guidText(b, vals.off[x]);
      else {
        const text = textOrNull(cc, op, vals, depth);
        g = text === null ? null : normalizeGuidText(text);
      }
      if (op.field === F_ACTIVITY) rec.activityId = g;
      else rec.providerGuid = g;
      break;
    }
    case F_USER: {
      const x = singleValue(op, vals);
      rec.userSid = x >= 0 && vals.type[x] === T_SID ? sidText(b, vals.off[x], vals.size[x]) : textOrNull(cc, op, vals, depth);
      break;
    }
    default:
      break;
  }
}

// Binary XML (formats.md §1.5): tokens → a small compiled tree.
//
// A template definition is compiled once per chunk into XNode trees (names resolved, text runs,
// char and entity references merged into plain text, substitutions kept as slots). Records then
// only read their value descriptors into a reusable Values table; nothing renders XML.
//
// All name and template offsets are chunk-relative; every read is bounds-checked against the
// current record/value (Cursor) or the chunk, and a failure is a DecodeError for that record.

import type { Buffer } from "node:buffer";
import { crc32Range, Cursor, DecodeError, hexOff, u16, u32, utf16 } from "./bytes.js";
import { guidText } from "./values.js";

export const K_ELEM = 1;
export const K_TEXT = 2;
export const K_SUBST = 3;

export interface XElem {
  k: 1;
  name: string;
  attrs: XAttr[];
  children: XNode[];
}
export interface XText {
  k: 2;
  text: string;
}
export interface XSubst {
  k: 3;
  index: number;
  optional: boolean;
  declType: number;
}
export type XNode = XElem | XText | XSubst;
export interface XAttr {
  name: string;
  /** Text and substitution nodes only. */
  value: XNode[];
}

/** Deepest element nesting accepted inside one document. */
export const MAX_ELEMENT_DEPTH = 64;
/** Deepest nesting of BinXml documents inside substitution values. */
export const MAX_DOC_DEPTH = 8;

const EMPTY_NODES: XNode[] = [];
const EMPTY_ATTRS: XAttr[] = [];

/** A compiled template definition. `plans` is normalize.ts's per-context cache. */
export class Template {
  readonly plans: unknown[] = [];
  /** Declared type of every substitution slot the template uses, by index (-1 = unused). */
  readonly slotTypes: number[];
  constructor(
    /** First u32 of the template GUID; every instance repeats it as its template id. */
    readonly data1: number,
    readonly nodes: XNode[],
  ) {
    this.slotTypes = [];
    collectSlots(nodes, this.slotTypes);
  }

  /** Whether an instance's values can fill this template (used only when borrowing a template from another chunk). */
  fits(vals: Values): boolean {
    const slots = this.slotTypes;
    if (slots.length > vals.count) return false;
    for (let i = 0; i < slots.length; i++) {
      const declared = slots[i];
      const t = vals.type[i];
      if (declared < 0 || t === 0 || t === declared) continue;
      if (declared === 0x10 && (t === 0x14 || t === 0x15)) continue; // SizeT written as hex
      return false;
    }
    return true;
  }
}

function collectSlots(nodes: XNode[], out: number[]): void {
  for (const n of nodes) {
    if (n.k === K_SUBST) {
      while (out.length <= n.index) out.push(-1);
      out[n.index] = n.declType;
    } else if (n.k === K_ELEM) {
      for (const a of n.attrs) collectSlots(a.value, out);
      collectSlots(n.children, out);
    }
  }
}

/**
 * File-wide template store. A definition is identified by its GUID and size: the same template is
 * redefined in every chunk that uses it (with chunk-relative name offsets), and compiles to the
 * same tree — checked on all 1,573 redefinitions in the corpus — so each is compiled once per file.
 * It also lets a record whose own definition was overwritten borrow one from another chunk.
 */
export class TemplateStore {
  private readonly byKey = new Map<string, Template>();
  private readonly byData1 = new Map<number, Template[]>();
  /** Records decoded with a definition from another chunk. */
  borrowed = 0;
  /** Compiles every definition reachable from the chunks' template tables; set by the reader, run once on demand. */
  indexAll: (() => void) | null = null;

  get(key: string): Template | undefined {
    return this.byKey.get(key);
  }

  add(key: string, t: Template): void {
    this.byKey.set(key, t);
    const list = this.byData1.get(t.data1);
    if (list === undefined) this.byData1.set(t.data1, [t]);
    else list.push(t);
  }

  /** A known template with this id whose slots the values fit, or null. */
  borrow(data1: number, vals: Values): Template | null {
    if (!this.byData1.has(data1) && this.indexAll !== null) {
      const run = this.indexAll;
      this.indexAll = null;
      run();
    }
    const list = this.byData1.get(data1);
    if (list === undefined) return null;
    for (const t of list) {
      if (t.fits(vals)) {
        this.borrowed++;
        return t;
      }
    }
    return null;
  }
}

/** The substitution values of one template instance: absolute offsets, sizes and types. */
export class Values {
  count = 0;
  type = new Uint8Array(32);
  off = new Uint32Array(32);
  size = new Uint16Array(32);

  reserve(n: number): void {
    if (n <= this.type.length) return;
    const cap = Math.max(n, this.type.length * 2);
    this.type = new Uint8Array(cap);
    this.off = new Uint32Array(cap);
    this.size = new Uint16Array(cap);
  }
}

export const NO_VALUES = new Values();

/** Per-chunk state: the chunk's bytes and its caches of names and compiled templates. */
export class ChunkContext {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template | DecodeError>();
  private readonly pool: Values[] = [];

  constructor(
    /** The chunk's bytes (its 64 KiB slot, shorter when the file is truncated). */
    readonly buf: Buffer,
    /** Offset of the chunk in `buf` and the end of its bytes there. */
    readonly base: number,
    readonly end: number,
    readonly index: number,
    readonly store: TemplateStore,
    /**
     * Whether templates compiled here may be shared with other chunks (checksums verified, or not kept by
     * the file). A damaged chunk's definition can compile into a wrong template (its names resolve in the
     * damaged chunk: zeroed name entries read as ""), so it serves only this chunk; it still uses the
     * shared template when an intact chunk defined the same bytes.
     */
    readonly trusted = true,
    /** File offset of `buf[0]`: added to every offset reported in a message. */
    readonly origin = 0,
  ) {}

  /** Values table for documents nested `depth` deep (reused: a level is finished before it is reused). */
  values(depth: number): Values {
    let v = this.pool[depth];
    if (v === undefined) {
      v = new Values();
      this.pool[depth] = v;
    }
    return v;
  }

  /** The name at chunk offset `rel`, checked against its stored hash. */
  name(rel: number): string {
    const cached = this.names.get(rel);
    if (cached !== undefined) return cached;
    const b = this.buf;
    const abs = this.base + rel;
    if (abs + 8 > this.end) throw new DecodeError(`name offset ${hexOff(rel)} lies outside the chunk`);
    const len = u16(b, abs + 6);
    // XML names are never empty; a zeroed name entry (hash 0, length 0) passes the hash check but is damage.
    if (len === 0) throw new DecodeError(`empty name at ${hexOff(rel)}`);
    const textEnd = abs + 8 + 2 * len;
    if (textEnd + 2 > this.end) throw new DecodeError(`name at ${hexOff(rel)} runs past the chunk`);
    let h = 0;
    for (let p = abs + 8; p < textEnd; p += 2) h = (Math.imul(h, 65599) + (b[p] | (b[p + 1] << 8))) >>> 0;
    if ((h & 0xffff) !== u16(b, abs + 4)) throw new DecodeError(`name at ${hexOff(rel)} fails its hash check`);
    const s = utf16(b, abs + 8, textEnd);
    this.names.set(rel, s);
    return s;
  }

  /** The compiled template defined at chunk offset `rel` (compiled on first use, failures cached too). */
  template(rel: number): Template {
    const cached = this.templates.get(rel);
    if (cached !== undefined) {
      if (cached instanceof Template) return cached;
      throw cached;
    }
    let result: Template | DecodeError;
    try {
      result = this.resolveTemplate(rel);
    } catch (e) {
      result = e instanceof DecodeError ? e : new DecodeError(`template at ${hexOff(rel)}: ${String(e)}`);
    }
    this.templates.set(rel, result);
    if (result instanceof Template) return result;
    throw result;
  }

  private resolveTemplate(rel: number): Template {
    const abs = this.base + rel;
    if (rel < 0 || abs + 24 > this.end) throw new DecodeError(`template offset ${hexOff(rel)} lies outside the chunk`);
    const dataSize = u32(this.buf, abs + 20);
    const dataEnd = abs + 24 + dataSize;
    if (dataEnd > this.end) throw new DecodeError(`template at ${hexOff(rel)} runs past the chunk`);
    // Shared across chunks only when the definition's bytes are the same: a definition damaged in one
    // chunk (same GUID and size, flipped bytes) must not stand in for the intact copies other chunks carry.
    const key = guidText(this.buf, abs + 4) + dataSize + ":" + crc32Range(this.buf, abs + 24, dataEnd);
    const known = this.store.get(key);
    if (known !== undefined) return known;
    const cur = new Cursor(this.buf, abs + 24, dataEnd, this.origin);
    const nodes: XNode[] = [];
    while (cur.pos < cur.end) {
      const t = cur.u8();
      if (t === 0x00) break;
      if (t === 0x0f) cur.skip(3);
      else if (t === 0x01 || t === 0x41) nodes.push(parseElement(this, cur, t, true, 0));
      else skipPi(this, cur, t);
    }
    if (nodes.length === 0) throw new DecodeError(`template at ${hexOff(rel)} holds no element`);
    const tmpl = new Template(u32(this.buf, abs + 4), nodes);
    if (this.trusted) this.store.add(key, tmpl);
    return tmpl;
  }

  /** Compiles every definition listed in this chunk's template table (for TemplateStore.indexAll). */
  indexTemplates(): void {
    for (let bucket = 0; bucket < 32; bucket++) {
      let rel = u32(this.buf, this.base + 0x180 + 4 * bucket);
      for (let steps = 0; rel !== 0 && steps < 256; steps++) {
        if (rel < 0x200 || this.base + rel + 24 > this.end) break;
        try {
          this.template(rel);
        } catch {
          break;
        }
        rel = u32(this.buf, this.base + rel);
      }
    }
  }
}

/** Skips a processing instruction token (0x0A target / 0x0B data); anything else is an error. */
export function skipPi(cc: ChunkContext, cur: Cursor, t: number): void {
  if (t === 0x0a) readNameRef(cc, cur);
  else if (t === 0x0b) cur.skip(2 * cur.u16());
  else throw new DecodeError(`unexpected token 0x${t.toString(16)} at ${cur.at(cur.pos - 1)}`);
}

/** A u32 name offset; when it points right behind itself the name is stored inline and skipped. */
function readNameRef(cc: ChunkContext, cur: Cursor): string {
  const rel = cur.u32();
  if (rel !== cur.pos - cc.base) return cc.name(rel);
  const s = cc.name(rel);
  cur.need(8);
  cur.skip(10 + 2 * u16(cur.b, cur.pos + 6));
  return s;
}

function entityText(name: string): string {
  switch (name) {
    case "amp": return "&";
    case "lt": return "<";
    case "gt": return ">";
    case "quot": return '"';
    case "apos": return "'";
    default: return "&" + name + ";";
  }
}

/** Text of a Value token (0x05/0x45) after the token byte: u8 type (String), u16 count, UTF-16. */
function valueTokenText(cur: Cursor): string {
  const type = cur.u8();
  if (type !== 0x01) throw new DecodeError(`value token of type 0x${type.toString(16)} at ${cur.at(cur.pos - 2)}`);
  return cur.utf16(cur.u16());
}

function pushText(nodes: XNode[], text: string): void {
  if (text.length === 0) return;
  const last = nodes.length > 0 ? nodes[nodes.length - 1] : undefined;
  if (last !== undefined && last.k === K_TEXT) last.text += text;
  else nodes.push({ k: K_TEXT, text });
}

/**
 * An attribute value: text, references and substitutions up to the next attribute (0x06/0x46),
 * close-start (0x02), close-empty (0x03) or the end of the attribute list.
 */
function parseAttrValue(cc: ChunkContext, cur: Cursor, inTemplate: boolean, listEnd: number): XNode[] {
  let nodes: XNode[] = EMPTY_NODES;
  while (cur.pos < listEnd) {
    const t = cur.peek();
    if (t === 0x06 || t === 0x46 || t === 0x02 || t === 0x03) break;
    cur.pos++;
    if (nodes === EMPTY_NODES) nodes = [];
    switch (t) {
      case 0x05: case 0x45: pushText(nodes, valueTokenText(cur)); break;
      case 0x07: case 0x47: pushText(nodes, cur.utf16(cur.u16())); break;
      case 0x08: case 0x48: pushText(nodes, String.fromCharCode(cur.u16())); break;
      case 0x09: case 0x49: pushText(nodes, entityText(readNameRef(cc, cur))); break;
      case 0x0d: case 0x0e: nodes.push(readSubst(cur, t, inTemplate)); break;
      default: throw new DecodeError(`unexpected token 0x${t.toString(16)} in an attribute value at ${cur.at(cur.pos - 1)}`);
    }
  }
  return nodes;
}

function readSubst(cur: Cursor, t: number, inTemplate: boolean): XSubst {
  if (!inTemplate) throw new DecodeError(`substitution outside a template at ${cur.at(cur.pos - 1)}`);
  const index = cur.u16();
  const declType = cur.u8();
  return { k: K_SUBST, index, optional: t === 0x0e, declType };
}

/**
 * An element after its token byte `tok` (0x01/0x41). Elements inside template definitions carry a
 * u16 dependency id; elsewhere (WEC records, bare elements in BinXml values) they do not.
 * The element's data size must match what its tokens occupy.
 */
export function parseElement(cc: ChunkContext, cur: Cursor, tok: number, inTemplate: boolean, depth: number): XElem {
  if (depth > MAX_ELEMENT_DEPTH) throw new DecodeError(`elements nested deeper than ${MAX_ELEMENT_DEPTH}`);
  if (inTemplate) cur.skip(2);
  const dataSize = cur.u32();
  const dataEnd = cur.pos + dataSize;
  if (dataEnd > cur.end) throw new DecodeError(`element at ${cur.at(cur.pos - 4)} claims ${dataSize} bytes, past its container`);
  const name = readNameRef(cc, cur);
  let attrs = EMPTY_ATTRS;
  if (tok & 0x40) {
    const listSize = cur.u32();
    const listEnd = cur.pos + listSize;
    if (listEnd > dataEnd) throw new DecodeError(`attribute list of <${name}> runs past the element`);
    attrs = [];
    while (cur.pos < listEnd) {
      const t = cur.u8();
      if (t !== 0x06 && t !== 0x46) throw new DecodeError(`expected an attribute in <${name}>, found token 0x${t.toString(16)}`);
      const attrName = readNameRef(cc, cur);
      attrs.push({ name: attrName, value: parseAttrValue(cc, cur, inTemplate, listEnd) });
    }
    if (cur.pos !== listEnd) throw new DecodeError(`attribute list of <${name}> overruns its size`);
  }
  const close = cur.u8();
  let children = EMPTY_NODES;
  if (close === 0x02) children = parseContent(cc, cur, inTemplate, depth + 1);
  else if (close !== 0x03) throw new DecodeError(`<${name}> start tag ends with token 0x${close.toString(16)}`);
  if (cur.pos !== dataEnd) throw new DecodeError(`<${name}> occupies ${cur.pos - (dataEnd - dataSize)} bytes, its size says ${dataSize}`);
  return { k: K_ELEM, name, attrs, children };
}

/** Element content up to and including its EndElement (0x04). */
function parseContent(cc: ChunkContext, cur: Cursor, inTemplate: boolean, depth: number): XNode[] {
  let nodes: XNode[] = EMPTY_NODES;
  for (;;) {
    const t = cur.u8();
    if (t === 0x04) return nodes;
    if (nodes === EMPTY_NODES) nodes = [];
    switch (t) {
      case 0x01: case 0x41: nodes.push(parseElement(cc, cur, t, inTemplate, depth)); break;
      case 0x05: case 0x45: pushText(nodes, valueTokenText(cur)); break;
      case 0x07: case 0x47: pushText(nodes, cur.utf16(cur.u16())); break;
      case 0x08: case 0x48: pushText(nodes, String.fromCharCode(cur.u16())); break;
      case 0x09: case 0x49: pushText(nodes, entityText(readNameRef(cc, cur))); break;
      case 0x0a: case 0x0b: skipPi(cc, cur, t); break;
      case 0x0d: case 0x0e: nodes.push(readSubst(cur, t, inTemplate)); break;
      default: throw new DecodeError(`unexpected token 0x${t.toString(16)} in element content at ${cur.at(cur.pos - 1)}`);
    }
  }
}

/**
 * A TemplateInstance after its 0x0C token: resolves (or compiles) the definition, skips an inline
 * definition, and reads the value descriptors and offsets into `vals`.
 */
export function readInstance(cc: ChunkContext, cur: Cursor, vals: Values): Template {
  cur.skip(1);
  const id = cur.u32();
  const rel = cur.u32();
  let tmpl: Template | null = null;
  let failure: DecodeError | null = null;
  const inline = rel === cur.pos - cc.base;
  try {
    tmpl = cc.template(rel);
    if (tmpl.data1 !== id) {
      failure = new DecodeError(`template id ${hexOff(id)} does not match the definition at ${hexOff(rel)}`);
      tmpl = null;
    }
  } catch (e) {
    failure = e instanceof DecodeError ? e : new DecodeError(String(e));
  }
  if (inline) {
    cur.need(24);
    cur.skip(24 + u32(cur.b, cur.pos + 20));
  }
  const count = cur.u32();
  if (count * 4 > cur.end - cur.pos) throw new DecodeError(`${count} substitution values cannot fit`);
  vals.reserve(count);
  vals.count = count;
  const b = cur.b;
  let d = cur.pos;
  let p = d + count * 4;
  for (let i = 0; i < count; i++, d += 4) {
    const size = u16(b, d);
    vals.size[i] = size;
    vals.type[i] = b[d + 2];
    vals.off[i] = p;
    p += size;
  }
  if (p > cur.end) throw new DecodeError(`substitution values run ${p - cur.end} bytes past their container`);
  cur.pos = p;
  if (tmpl === null) {
    // The definition was overwritten or damaged: borrow the same template from another chunk.
    tmpl = cc.store.borrow(id, vals);
    if (tmpl === null) throw failure ?? new DecodeError(`template at ${hexOff(rel)} cannot be resolved`);
  }
  return tmpl;
}

// The regf reader: bounds-checked cell access, key tree walk, values, security (formats.md §2.1–2.6).

import type { AclEntry, Problem, RegistryKey, RegistryValue } from "../types.js";
import { filetimeToIso, isRegf, parseBaseBlock, type BaseBlock } from "./baseBlock.js";
import { normalizeLogs, replayLogs, type LogInput, type LogReport } from "./logs.js";
import { aclRows, parseSecurityDescriptor, type SecurityDescriptor } from "./security.js";
import { decodeValue, typeName } from "./values.js";
import { controlSetFromSelect, toLogicalKey } from "./paths.js";

export const MAX_PROBLEMS = 1000;
/** Windows refuses keys deeper than 512 levels. */
export const MAX_DEPTH = 512;
const NONE = 0xffffffff;
const BIG_DATA_SEGMENT = 16344;

export interface ReadHiveOptions {
  /** Mount name used in raw keys: `HKEY_LOCAL_MACHINE\<hiveName>\…` (e.g. "SYSTEM", "SOFTWARE", "BROKENSYSTEM"). */
  hiveName: string;
  /** Transaction logs (.LOG1, .LOG2, or .LOG), raw bytes or named; applied only when the primary is dirty. */
  logs?: LogInput[];
  /** Streaming: called for every key instead of collecting `keys`. */
  onKey?: (key: RegistryKey) => void;
  /** Streaming: called for every value instead of collecting `values`. */
  onValue?: (value: RegistryValue) => void;
  /**
   * Keys (paths below the root, `\`-separated, case-insensitive) whose DACL becomes AclEntry rows.
   * Default: `Microsoft\SystemCertificates\Remote Desktop` and `…\Remote Desktop\Certificates`.
   */
  aclKeys?: string[];
}

export interface HiveInfo {
  sequence1: number;
  sequence2: number;
  /** Primary ≠ secondary sequence number or a bad base block checksum (before any log replay). */
  dirty: boolean;
  checksumOk: boolean;
  logApplied: boolean;
  /** Outcome of the log replay or why it did not happen. */
  logSummary: string | null;
  logs: LogReport[];
  rootName: string | null;
  /** Base block last-written time, ISO-8601 UTC (not updated since Windows 8.1). */
  lastWritten: string | null;
  /** `major.minor`, e.g. "1.5". */
  version: string;
  fileType: number;
  binsSize: number;
  fileName: string;
  /** `Select\Current` of a SYSTEM hive (or the lowest ControlSetNNN when Select is missing). */
  currentControlSet: number | null;
  keyCount: number;
  valueCount: number;
}

export interface HiveReadResult {
  values: RegistryValue[];
  keys: RegistryKey[];
  acls: AclEntry[];
  problems: Problem[];
  info: HiveInfo;
}

/** A key node as the lazy API hands it out. */
export interface HiveKey {
  /** Cell offset of the `nk` record (relative to the hive bins data). */
  offset: number;
  name: string;
  /** Path below the root, `\`-separated ("" for the root). */
  path: string;
  lastWritten: string | null;
  subkeyCount: number;
  valueCount: number;
}

export interface HiveValue {
  name: string;
  typeCode: number;
  type: string;
  /** Decoded as in RegistryValue.value. */
  value: RegistryValue["value"];
  /** Raw data bytes (a view or a copy). */
  data: Uint8Array;
}

export const DEFAULT_ACL_KEYS = [
  "Microsoft\\SystemCertificates\\Remote Desktop",
  "Microsoft\\SystemCertificates\\Remote Desktop\\Certificates",
];

const SIG = (s: string) => s.charCodeAt(0) | (s.charCodeAt(1) << 8);
const NK = SIG("nk");
const VK = SIG("vk");
const SK = SIG("sk");
const LI = SIG("li");
const LF = SIG("lf");
const LH = SIG("lh");
const RI = SIG("ri");
const DB = SIG("db");

/**
 * A hive opened for reading. Cheap to construct (scans the bin headers only); keys and values are
 * decoded on demand. `readHive` walks all of it; `key(path)`, `values(key)`, `keySecurity(path)` read
 * only what they need.
 */
export class HiveFile {
  readonly problems: Problem[] = [];
  readonly base: BaseBlock | null;
  readonly info: HiveInfo;
  /** The bytes read: the primary, or a patched copy when logs were applied. */
  readonly bytes: Uint8Array;
  private readonly buf: Buffer;
  private readonly dv: DataView;
  /** Per 4 KiB page of hive bins data: start / end (relative offsets) of the bin holding it, −1 = none. */
  private binStart: Int32Array = new Int32Array(0);
  private binEnd: Int32Array = new Int32Array(0);
  private readonly minor: number;
  private problemsDropped = 0;
  /** Length of the payload of the cell returned by the last `cell()` call. */
  private len = 0;

  constructor(
    primary: Uint8Array,
    private readonly options: Omit<ReadHiveOptions, "onKey" | "onValue">,
  ) {
    const logs = normalizeLogs(options.logs);
    const emptyInfo = (): HiveInfo => ({
      sequence1: 0,
      sequence2: 0,
      dirty: false,
      checksumOk: false,
      logApplied: false,
      logSummary: null,
      logs: [],
      rootName: null,
      lastWritten: null,
      version: "",
      fileType: 0,
      binsSize: 0,
      fileName: "",
      currentControlSet: null,
      keyCount: 0,
      valueCount: 0,
    });
    if (!isRegf(primary) || primary.length < 512) {
      this.problem("hive.not-regf", primary.length < 512 && isRegf(primary)
        ? `file of ${primary.length} bytes is too short for a registry hive base block`
        : "file does not start with the regf signature: not a registry hive");
      this.base = null;
      this.bytes = primary;
      this.buf = Buffer.from(primary.buffer, primary.byteOffset, primary.byteLength);
      this.dv = new DataView(primary.buffer, primary.byteOffset, primary.byteLength);
      this.minor = 0;
      this.info = emptyInfo();
      return;
    }
    const base = parseBaseBlock(primary, 0);
    const dirty = base.sequence1 !== base.sequence2 || !base.checksumOk;
    const info = emptyInfo();
    info.sequence1 = base.sequence1;
    info.sequence2 = base.sequence2;
    info.dirty = dirty;
    info.checksumOk = base.checksumOk;
    if (!base.checksumOk) {
      this.problem(
        "hive.base-block.checksum",
        `base block checksum mismatch (stored 0x${base.checksumStored.toString(16)}, computed 0x${base.checksumComputed.toString(16)}): the header may be damaged or a write was interrupted`,
        "base block @0x1fc",
      );
    }
    let bytes = primary;
    let effective = base;
    if (dirty) {
      if (logs.length === 0) {
        this.problem(
          "hive.dirty",
          `hive is dirty (primary sequence ${base.sequence1}, secondary ${base.sequence2}, checksum ${base.checksumOk ? "ok" : "bad"}) and no transaction logs (.LOG1/.LOG2) were collected: recent changes may exist only in the logs, so values read from this hive may be stale and an absent setting is not conclusive`,
        );
        info.logSummary = "no transaction logs were given";
      } else {
        const replay = replayLogs(primary, base, logs);
        info.logs = replay.reports;
        info.logSummary = replay.summary;
        if (replay.applied) {
          bytes = replay.bytes;
          effective = parseBaseBlock(bytes, 0);
          info.logApplied = true;
          this.problem(
            "hive.dirty",
            `hive was dirty (primary sequence ${base.sequence1}, secondary ${base.sequence2}, checksum ${base.checksumOk ? "ok" : "bad"}); ${replay.summary}${replay.baseBlockRestored ? "; base block restored from the log" : ""}`,
          );
        } else {
          const described = replay.reports
            .map(
              (r) =>
                `${r.name}: ${r.format}${r.fileType !== null ? ` (type ${r.fileType})` : ""}` +
                (r.format === "new" && r.entries > 0 ? `, entries ${r.firstSequence}–${r.lastSequence}` : "") +
                (r.stop ? `, stopped: ${r.stop}` : "") +
                (r.note ? `, ${r.note}` : ""),
            )
            .join("; ");
          this.problem(
            "hive.dirty",
            `hive is dirty (primary sequence ${base.sequence1}, secondary ${base.sequence2}, checksum ${base.checksumOk ? "ok" : "bad"}) and its transaction logs were NOT applied (${replay.summary}); values read from this hive may be stale and an absent setting is not conclusive`,
          );
          this.problem("hive.log.not-applied", `transaction logs not applied: ${described}`);
        }
        for (const r of replay.reports) {
          if (r.stop) this.problem("hive.log.entry-invalid", `${r.name}: reading stopped at ${r.stop}; later entries of this log are ignored`);
        }
      }
    } else if (logs.length > 0) {
      info.logSummary = "hive is clean: transaction logs are not needed and were ignored";
    }
    this.base = effective;
    this.bytes = bytes;
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.minor = effective.minor;
    info.lastWritten = filetimeToIso(effective.lastWritten);
    info.version = `${effective.major}.${effective.minor}`;
    info.fileType = effective.fileType;
    info.binsSize = effective.binsSize;
    info.fileName = effective.fileName;
    if (effective.major !== 1) this.problem("hive.version", `unexpected major version ${effective.major} (expected 1)`);
    if (effective.fileType !== 0) this.problem("hive.file-type", `file type ${effective.fileType}: this looks like a transaction log, not a primary hive file`);
    this.info = info;
    this.scanBins();
    const root = this.rootKey();
    info.rootName = root ? root.name : null;
    if (root) info.currentControlSet = controlSetFromSelect(this, (code, message) => this.problem(code, message));
  }

  // ---------------------------------------------------------------------------------------------
  // Problems

  problem(code: string, message: string, location?: string): void {
    if (this.problems.length < MAX_PROBLEMS) {
      this.problems.push(location ? { code, message, location } : { code, message });
    } else {
      this.problemsDropped++;
    }
  }

  /** Problems, with a final note when some were dropped past MAX_PROBLEMS. */
  allProblems(): Problem[] {
    if (this.problemsDropped === 0) return this.problems;
    return [
      ...this.problems,
      { code: "hive.problems-truncated", message: `${this.problemsDropped} further problems were not recorded (limit ${MAX_PROBLEMS})` },
    ];
  }

  // ---------------------------------------------------------------------------------------------
  // Bins and cells

  private scanBins(): void {
    const base = this.base!;
    const available = Math.max(0, this.bytes.length - 4096);
    let limit = base.binsSize;
    if (limit % 4096 !== 0 || limit === 0) {
      this.problem("hive.base-block.bins-size", `hive bins data size ${limit} is not a positive multiple of 4096`);
      limit = Math.floor(available / 4096) * 4096;
    }
    if (limit > available) {
      this.problem(
        "hive.truncated",
        `file holds ${available} bytes of hive bins but the base block declares ${base.binsSize}: the file is truncated, keys in the missing part are lost`,
      );
      limit = Math.floor(available / 4096) * 4096;
    }
    const pages = limit / 4096;
    this.binStart = new Int32Array(pages).fill(-1);
    this.binEnd = new Int32Array(pages).fill(-1);
    let off = 0;
    while (off < limit) {
      const at = 4096 + off;
      const ok =
        this.bytes[at] === 0x68 && this.bytes[at + 1] === 0x62 && this.bytes[at + 2] === 0x69 && this.bytes[at + 3] === 0x6e;
      const size = ok ? this.dv.getUint32(at + 8, true) : 0;
      const self = ok ? this.dv.getUint32(at + 4, true) : -1;
      if (!ok || size < 4096 || size % 4096 !== 0 || off + size > limit) {
        this.problem(
          "hive.bin.bad-header",
          !ok ? "hive bin header signature missing" : `hive bin size ${size} is invalid`,
          `bin @0x${off.toString(16)}`,
        );
        off += 4096; // resynchronise on the next page
        continue;
      }
      if (self !== off) this.problem("hive.bin.bad-offset", `hive bin says it is at 0x${self.toString(16)}`, `bin @0x${off.toString(16)}`);
      for (let p = off / 4096; p < (off + size) / 4096; p++) {
        this.binStart[p] = off;
        this.binEnd[p] = off + size;
      }
      off += size;
    }
  }

  /**
   * File offset of the record of the cell at `off` (relative to the hive bins data), or −1 after
   * recording a problem. The payload length is left in `this.len`.
   */
  private cell(off: number, what: string): number {
    if (off === NONE || off === 0x80000000) return -1;
    const page = off >>> 12;
    if (off % 8 !== 0 || page >= this.binStart.length || this.binStart[page] < 0 || off - this.binStart[page] < 32) {
      this.problem("hive.cell.bad-offset", `${what} points to 0x${off.toString(16)}, outside any hive bin's cells`, `cell @0x${off.toString(16)}`);
      return -1;
    }
    const raw = this.dv.getInt32(4096 + off, true);
    const size = raw < 0 ? -raw : raw;
    if (size < 8 || size % 8 !== 0 || off + size > this.binEnd[page]) {
      this.problem("hive.cell.bad-size", `${what}: cell size ${raw} does not fit its hive bin`, `cell @0x${off.toString(16)}`);
      return -1;
    }
    if (raw > 0) this.problem("hive.cell.unallocated", `${what} points to a free (unallocated) cell; reading it anyway`, `cell @0x${off.toString(16)}`);
    this.len = size - 4;
    return 4096 + off + 4;
  }

  private sig(at: number): number {
    return this.bytes[at] | (this.bytes[at + 1] << 8);
  }

  private nkAt(off: number, what: string): number {
    const at = this.cell(off, what);
    if (at < 0) return -1;
    if (this.len < 76 || this.sig(at) !== NK) {
      this.problem("hive.key.bad-signature", `${what}: not a key node (nk)`, `cell @0x${off.toString(16)}`);
      return -1;
    }
    return at;
  }

  private keyName(at: number, off: number): string {
    const flags = this.dv.getUint16(at + 2, true);
    let n = this.dv.getUint16(at + 72, true);
    const room = this.len - 76;
    if (n > room) {
      this.problem("hive.key.name-truncated", `key name length ${n} exceeds its cell`, `nk @0x${off.toString(16)}`);
      n = room;
    }
    return flags & 0x20
      ? this.buf.toString("latin1", at + 76, at + 76 + n)
      : this.buf.toString("utf16le", at + 76, at + 76 + (n & ~1));
  }

  private makeKey(off: number, at: number, path: string, name: string): HiveKey {
    return {
      offset: off,
      name,
      path,
      lastWritten: filetimeToIso(this.dv.getBigUint64(at + 4, true)),
      subkeyCount: this.dv.getUint32(at + 20, true),
      valueCount: this.dv.getUint32(at + 36, true),
    };
  }

  rootKey(): HiveKey | null {
    if (!this.base) return null;
    const off = this.base.rootOffset;
    const at = this.nkAt(off, "root cell offset");
    if (at < 0) return null;
    return this.makeKey(off, at, "", this.keyName(at, off));
  }

  /**
   * Offsets of the subkey nk cells of the key at `off`, in list order. Loops are cut by `seenLists`;
   * element counts are clamped to the list cell.
   */
  private subkeyOffsets(off: number, at: number): number[] {
    const count = this.dv.getUint32(at + 20, true);
    const listOff = this.dv.getUint32(at + 28, true);
    const out: number[] = [];
    if (count === 0 || listOff === NONE) return out;
    const where = `subkey list of nk @0x${off.toString(16)}`;
    const readList = (lo: number, depth: number): void => {
      const la = this.cell(lo, where);
      if (la < 0) return;
      if (this.len < 4) return;
      const sig = this.sig(la);
      let n = this.dv.getUint16(la + 2, true);
      const elem = sig === LF || sig === LH ? 8 : sig === LI || sig === RI ? 4 : 0;
      if (elem === 0) {
        this.problem("hive.list.bad-signature", `${where}: unknown list signature`, `cell @0x${lo.toString(16)}`);
        return;
      }
      const fit = Math.floor((this.len - 4) / elem);
      if (n > fit) {
        this.problem("hive.list.count", `${where}: ${n} elements declared, ${fit} fit in the cell`, `cell @0x${lo.toString(16)}`);
        n = fit;
      }
      if (sig === RI) {
        if (depth > 0) {
          this.problem("hive.list.nested-ri", `${where}: an index root points to another index root`, `cell @0x${lo.toString(16)}`);
          return;
        }
        for (let i = 0; i < n; i++) readList(this.dv.getUint32(la + 4 + 4 * i, true), depth + 1);
        return;
      }
      for (let i = 0; i < n; i++) out.push(this.dv.getUint32(la + 4 + elem * i, true));
    };
    readList(listOff, 0);
    if (out.length !== count) {
      this.problem("hive.key.subkey-count", `key declares ${count} subkeys, its lists hold ${out.length}`, `nk @0x${off.toString(16)}`);
    }
    return out;
  }

  /** Subkeys of a key, in list order (sorted by upper-cased name in a healthy hive). */
  subkeys(key: HiveKey): HiveKey[] {
    const at = this.nkAt(key.offset, "key");
    if (at < 0) return [];
    const out: HiveKey[] = [];
    const seen = new Set<number>();
    for (const off of this.subkeyOffsets(key.offset, at)) {
      if (seen.has(off) || off === key.offset) continue;
      seen.add(off);
      const cat = this.nkAt(off, `subkey of ${key.path || "(root)"}`);
      if (cat < 0) continue;
      const name = this.keyName(cat, off);
      out.push(this.makeKey(off, cat, key.path ? `${key.path}\\${name}` : name, name));
    }
    return out;
  }

  /** Finds a key by its path below the root (case-insensitive), or null. */
  key(path: string): HiveKey | null {
    let cur = this.rootKey();
    const parts = path.split("\\").filter((p) => p !== "");
    for (const part of parts) {
      if (!cur) return null;
      const want = part.toUpperCase();
      cur = this.subkeys(cur).find((k) => k.name.toUpperCase() === want) ?? null;
    }
    return cur;
  }

  /** Values of a key, in value-list order. */
  values(key: HiveKey): HiveValue[] {
    const at = this.nkAt(key.offset, "key");
    if (at < 0) return [];
    const out: HiveValue[] = [];
    this.forEachValue(key.offset, at, key.path, (name, code, start, end, copy) =>
      out.push({ name, typeCode: code, type: typeName(code), value: decodeValue(code, copy ?? this.buf, start, end), data: (copy ?? this.buf).subarray(start, end) }),
    );
    return out;
  }

  private forEachValue(
    off: number,
    at: number,
    path: string,
    emit: (name: string, code: number, start: number, end: number, copy: Buffer | null) => void,
  ): void {
    let count = this.dv.getUint32(at + 36, true);
    const listOff = this.dv.getUint32(at + 40, true);
    if (count === 0 || listOff === NONE) return;
    const where = `value list of ${path || "(root)"}`;
    const la = this.cell(listOff, where);
    if (la < 0) return;
    const fit = Math.floor(this.len / 4);
    if (count > fit) {
      this.problem("hive.values.count", `${where}: ${count} values declared, ${fit} fit in the list cell`, `nk @0x${off.toString(16)}`);
      count = fit;
    }
    for (let i = 0; i < count; i++) {
      const vo = this.dv.getUint32(la + 4 * i, true);
      const va = this.cell(vo, `value ${i} of ${path || "(root)"}`);
      if (va < 0) continue;
      const vlen = this.len;
      if (vlen < 20 || this.sig(va) !== VK) {
        this.problem("hive.value.bad-signature", `value ${i} of ${path || "(root)"} is not a value record (vk)`, `cell @0x${vo.toString(16)}`);
        continue;
      }
      let nameLen = this.dv.getUint16(va + 2, true);
      if (nameLen > vlen - 20) {
        this.problem("hive.value.name-truncated", `value name length ${nameLen} exceeds its cell`, `vk @0x${vo.toString(16)}`);
        nameLen = vlen - 20;
      }
      const flags = this.dv.getUint16(va + 16, true);
      const name =
        flags & 1 ? this.buf.toString("latin1", va + 20, va + 20 + nameLen) : this.buf.toString("utf16le", va + 20, va + 20 + (nameLen & ~1));
      const rawSize = this.dv.getUint32(va + 4, true);
      const code = this.dv.getUint32(va + 12, true);
      const dataOff = this.dv.getUint32(va + 8, true);
      let size = rawSize & 0x7fffffff;
      const label = `value "${name}" of ${path || "(root)"}`;
      if (rawSize & 0x80000000) {
        if (size > 4) {
          this.problem("hive.value.bad-size", `${label}: resident data size ${size} > 4`, `vk @0x${vo.toString(16)}`);
          size = 4;
        }
        emit(name, code, va + 8, va + 8 + size, null);
        continue;
      }
      if (size === 0) {
        emit(name, code, va + 8, va + 8, null);
        continue;
      }
      const da = this.cell(dataOff, `data of ${label}`);
      if (da < 0) continue;
      const dlen = this.len;
      if (size > BIG_DATA_SEGMENT && this.minor > 3 && dlen >= 8 && this.sig(da) === DB) {
        const data = this.bigData(da, size, label);
        if (data) emit(name, code, 0, data.length, data);
        continue;
      }
      if (size > dlen) {
        this.problem("hive.value.data-truncated", `${label}: data size ${size} exceeds its cell (${dlen}); value cut`, `cell @0x${dataOff.toString(16)}`);
        size = dlen;
      }
      emit(name, code, da, da + size, null);
    }
  }

  private bigData(da: number, size: number, label: string): Buffer | null {
    const count = this.dv.getUint16(da + 2, true);
    const listOff = this.dv.getUint32(da + 4, true);
    const la = this.cell(listOff, `segment list of ${label}`);
    if (la < 0) return null;
    let n = count;
    if (n * 4 > this.len) {
      this.problem("hive.value.big-data", `${label}: ${count} segments declared, the list holds ${Math.floor(this.len / 4)}`);
      n = Math.floor(this.len / 4);
    }
    const parts: Buffer[] = [];
    let got = 0;
    for (let i = 0; i < n && got < size; i++) {
      const so = this.dv.getUint32(la + 4 * i, true);
      const sa = this.cell(so, `segment ${i} of ${label}`);
      if (sa < 0) break;
      const take = Math.min(this.len, BIG_DATA_SEGMENT, size - got);
      parts.push(this.buf.subarray(sa, sa + take));
      got += take;
    }
    if (got < size) this.problem("hive.value.data-truncated", `${label}: big data holds ${got} of ${size} bytes; value cut`);
    return Buffer.concat(parts, got);
  }

  /** Decoded security descriptor of a key (by path below the root), or null when absent/unreadable. */
  keySecurity(path: string): SecurityDescriptor | null {
    const key = this.key(path);
    if (!key) return null;
    return this.securityOf(key);
  }

  securityOf(key: HiveKey): SecurityDescriptor | null {
    const at = this.nkAt(key.offset, "key");
    if (at < 0) return null;
    const so = this.dv.getUint32(at + 44, true);
    const sa = this.cell(so, `security of ${key.path || "(root)"}`);
    if (sa < 0) return null;
    if (this.len < 20 || this.sig(sa) !== SK) {
      this.problem("hive.security.bad-signature", `security of ${key.path || "(root)"} is not an sk record`, `cell @0x${so.toString(16)}`);
      return null;
    }
    let size = this.dv.getUint32(sa + 16, true);
    if (size > this.len - 20) {
      this.problem("hive.security.truncated", `security descriptor of ${key.path || "(root)"} exceeds its cell`, `cell @0x${so.toString(16)}`);
      size = this.len - 20;
    }
    const sd = parseSecurityDescriptor(this.bytes, sa + 20, sa + 20 + size);
    for (const e of sd.errors) this.problem("hive.security.malformed", `security of ${key.path || "(root)"}: ${e}`, `cell @0x${so.toString(16)}`);
    return sd;
  }

  /** AclEntry rows (path = logical key) for a key below the root; [] when the key is absent. */
  keyAcl(path: string): AclEntry[] {
    const key = this.key(path);
    if (!key) return [];
    const sd = this.securityOf(key);
    if (!sd) return [];
    const logical = this.logicalKey(this.rawKey(key.path));
    if (sd.nullDacl) {
      this.problem("hive.security.null-dacl", `${logical} has a NULL DACL: everyone has full access`);
    } else if (!sd.dacl) {
      this.problem("hive.security.no-dacl", `${logical} has no DACL in its security descriptor`);
    }
    return aclRows(logical, sd);
  }

  // ---------------------------------------------------------------------------------------------
  // Paths

  rawKey(path: string): string {
    return path ? `HKEY_LOCAL_MACHINE\\${this.options.hiveName}\\${path}` : `HKEY_LOCAL_MACHINE\\${this.options.hiveName}`;
  }

  logicalKey(rawKey: string): string {
    return toLogicalKey(rawKey, this.info.currentControlSet);
  }

  // ---------------------------------------------------------------------------------------------
  // Full walk

  /** Walks every key depth-first (pre-order, list order) with loop and depth protection. */
  walk(onKey: (key: RegistryKey) => void, onValue: (value: RegistryValue) => void): { keys: number; values: number } {
    let keys = 0;
    let values = 0;
    if (!this.base) return { keys, values };
    const rootOff = this.base.rootOffset;
    const rootAt = this.nkAt(rootOff, "root cell offset");
    if (rootAt < 0) {
      this.problem("hive.root.unreadable", "the root key cannot be read: no keys or values are available");
      return { keys, values };
    }
    const visited = new Uint8Array((this.binStart.length * 4096) >>> 3);
    const stack: { off: number; path: string; depth: number }[] = [{ off: rootOff, path: "", depth: 0 }];
    visited[rootOff >>> 3] = 1;
    const hive = this.options.hiveName;
    const cs = this.info.currentControlSet;
    while (stack.length > 0) {
      const { off, path, depth } = stack.pop()!;
      const at = this.nkAt(off, `key ${path || "(root)"}`);
      if (at < 0) continue;
      const rawKey = path ? `HKEY_LOCAL_MACHINE\\${hive}\\${path}` : `HKEY_LOCAL_MACHINE\\${hive}`;
      const key = toLogicalKey(rawKey, cs);
      onKey({ rawKey, key, line: 0 });
      keys++;
      this.forEachValue(off, at, path, (name, code, start, end, copy) => {
        onValue({ rawKey, key, name, type: typeName(code), value: decodeValue(code, copy ?? this.buf, start, end), line: 0 });
        values++;
      });
      const children = this.subkeyOffsets(off, at);
      if (children.length === 0) continue;
      if (depth + 1 > MAX_DEPTH) {
        this.problem("hive.key.too-deep", `${rawKey}: deeper than ${MAX_DEPTH} levels; its subkeys are not read`);
        continue;
      }
      const next: { off: number; path: string; depth: number }[] = [];
      for (const co of children) {
        if (co % 8 !== 0 || co >>> 3 >= visited.length) {
          this.cell(co, `subkey of ${rawKey}`); // records the problem
          continue;
        }
        if (visited[co >>> 3]) {
          this.problem("hive.key.loop", `${rawKey}: subkey list points to a key already read (loop or shared key); skipped`, `nk @0x${co.toString(16)}`);
          continue;
        }
        const ca = this.nkAt(co, `subkey of ${rawKey}`);
        if (ca < 0) continue;
        visited[co >>> 3] = 1;
        const name = this.keyName(ca, co);
        next.push({ off: co, path: path ? `${path}\\${name}` : name, depth: depth + 1 });
      }
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    }
    return { keys, values };
  }
}

/** Opens a hive for lazy reading (`key`, `values`, `keySecurity`, `keyAcl`). */
export function openHive(bytes: Uint8Array, options: Omit<ReadHiveOptions, "onKey" | "onValue">): HiveFile {
  return new HiveFile(bytes, options);
}

/**
 * Reads a whole hive: every key and value (collected, or streamed through onKey/onValue), the ACL rows
 * of `aclKeys`, problems and header info. Never throws on damaged input.
 */
export function readHive(bytes: Uint8Array, options: ReadHiveOptions): HiveReadResult {
  const hive = new HiveFile(bytes, options);
  const keys: RegistryKey[] = [];
  const values: RegistryValue[] = [];
  const counts = hive.walk(options.onKey ?? ((k) => keys.push(k)), options.onValue ?? ((v) => values.push(v)));
  hive.info.keyCount = counts.keys;
  hive.info.valueCount = counts.values;
  const acls: AclEntry[] = [];
  if (hive.base) for (const path of options.aclKeys ?? DEFAULT_ACL_KEYS) acls.push(...hive.keyAcl(path));
  return { values, keys, acls, problems: hive.allProblems(), info: hive.info };
}

// regf base block (formats.md §2.1).

export interface BaseBlock {
  signatureOk: boolean;
  sequence1: number;
  sequence2: number;
  lastWritten: bigint;
  major: number;
  minor: number;
  fileType: number;
  fileFormat: number;
  rootOffset: number;
  binsSize: number;
  clustering: number;
  fileName: string;
  /** Windows 10+: KTM flags at 144 (copied into HvLE entries). */
  flags: number;
  checksumStored: number;
  checksumComputed: number;
  checksumOk: boolean;
}

/** XOR of the 127 u32 at 0–507, with 0 → 1 and 0xFFFFFFFF → 0xFFFFFFFE. */
export function computeChecksum(bytes: Uint8Array, at = 0): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, 508);
  let x = 0;
  for (let i = 0; i < 508; i += 4) x ^= dv.getUint32(i, true);
  x >>>= 0;
  if (x === 0) return 1;
  if (x === 0xffffffff) return 0xfffffffe;
  return x;
}

export function isRegf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x72 && bytes[1] === 0x65 && bytes[2] === 0x67 && bytes[3] === 0x66;
}

/** Parses the first 512 bytes at `at` (needs ≥ 512 bytes; caller checks). */
export function parseBaseBlock(bytes: Uint8Array, at = 0): BaseBlock {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, 512);
  const nameBytes = Buffer.from(bytes.buffer, bytes.byteOffset + at + 48, 64);
  let fileName = nameBytes.toString("utf16le");
  const nul = fileName.indexOf("\0");
  if (nul >= 0) fileName = fileName.slice(0, nul);
  const checksumStored = dv.getUint32(508, true);
  const checksumComputed = computeChecksum(bytes, at);
  return {
    signatureOk: isRegf(bytes.subarray(at, at + 4)),
    sequence1: dv.getUint32(4, true),
    sequence2: dv.getUint32(8, true),
    lastWritten: dv.getBigUint64(12, true),
    major: dv.getUint32(20, true),
    minor: dv.getUint32(24, true),
    fileType: dv.getUint32(28, true),
    fileFormat: dv.getUint32(32, true),
    rootOffset: dv.getUint32(36, true),
    binsSize: dv.getUint32(40, true),
    clustering: dv.getUint32(44, true),
    fileName,
    flags: dv.getUint32(144, true),
    checksumStored,
    checksumComputed,
    checksumOk: checksumStored === checksumComputed,
  };
}

/** FILETIME → ISO-8601 UTC with 7 fractional digits, or null for 0 / out of range. */
export function filetimeToIso(ft: bigint): string | null {
  if (ft <= 0n || ft >= 0x7fffffffffffffffn) return null;
  const unixTicks = ft - 116444736000000000n;
  const ms = unixTicks / 10000n;
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() > 9999 || d.getUTCFullYear() < 1601) return null;
  const frac = ((ft % 10000000n) + 10000000n) % 10000000n;
  return d.toISOString().slice(0, 19) + "." + frac.toString().padStart(7, "0") + "Z";
}

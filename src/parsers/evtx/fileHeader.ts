// The 4096-byte EVTX file header (formats.md §1.2). Every field except the signature is a hint:
// chunk count, first/last chunk and next record id go stale in dirty files.

import { crc32Range, u16, u32, u64 } from "./bytes.js";

export const FILE_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"
export const FILE_HEADER_SIZE = 4096;

export const FILE_FLAG_DIRTY = 0x1;
export const FILE_FLAG_FULL = 0x2;
export const FILE_FLAG_NO_CRC = 0x4;

export interface FileHeader {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  blockSize: number;
  chunkCount: number;
  /** Raw flags; only the low 3 bits mean anything (post-Security.evtx carries 0x1B970000 with a valid CRC). */
  flags: number;
  dirty: boolean;
  full: boolean;
  noCrc: boolean;
  checksum: number;
  computedChecksum: number;
  crcOk: boolean;
}

/** True when `bytes` starts with the EVTX file signature `ElfFile\0`. */
export function hasFileMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== FILE_MAGIC[i]) return false;
  return true;
}

/**
 * Parses the file header. Needs the signature and the first 128 bytes; returns null otherwise.
 * Never throws.
 */
export function parseFileHeader(b: Uint8Array): FileHeader | null {
  if (!hasFileMagic(b) || b.length < 128) return null;
  const flags = u32(b, 120);
  const checksum = u32(b, 124);
  const computedChecksum = crc32Range(b, 0, 120);
  return {
    firstChunk: u64(b, 8),
    lastChunk: u64(b, 16),
    nextRecordId: u64(b, 24),
    headerSize: u32(b, 32),
    minorVersion: u16(b, 36),
    majorVersion: u16(b, 38),
    blockSize: u16(b, 40),
    chunkCount: u16(b, 42),
    flags,
    dirty: (flags & FILE_FLAG_DIRTY) !== 0,
    full: (flags & FILE_FLAG_FULL) !== 0,
    noCrc: (flags & FILE_FLAG_NO_CRC) !== 0,
    checksum,
    computedChecksum,
    crcOk: checksum === computedChecksum,
  };
}

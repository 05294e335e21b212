// Where the EVTX reader gets its bytes: a whole buffer in memory, or a file read on demand.
//
// The reader only ever asks for a range of file offsets (the header, a batch of slots, one slot) and
// may keep what it gets, so a source returns either a view (buffer) or a freshly read copy (file);
// never a buffer it will overwrite later. Offsets are numbers: exact up to 2^53, so files over
// 2 GiB or 4 GiB are addressed like any other.

import { Buffer } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface ByteSource {
  /** Length of the file in bytes. */
  readonly size: number;
  /** Bytes [start, end) of the file (0 ≤ start ≤ end ≤ size). The caller may keep the result. */
  read(start: number, end: number): Buffer;
}

export interface FileSourceOptions {
  /** Slots (64 KiB each) kept in the decoding cache; default 8. */
  cacheChunks?: number;
}

export interface FileByteSource extends ByteSource {
  close(): void;
}

/** A whole file already in memory: reads are zero-copy views. */
export function bufferSource(b: Buffer): ByteSource {
  return { size: b.length, read: (start, end) => b.subarray(start, end) };
}

/**
 * A file read with positioned reads (fs.readSync); nothing is kept between reads. Throws on I/O
 * errors. Should the file shrink while it is read, the missing bytes read as zeros.
 */
export function fileSource(path: string): FileByteSource {
  const fd = openSync(path, "r");
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return {
    size,
    read(start: number, end: number): Buffer {
      const out = Buffer.allocUnsafeSlow(Math.max(0, end - start));
      let got = 0;
      while (got < out.length) {
        const n = readSync(fd, out, got, out.length - got, start + got);
        if (n === 0) break;
        got += n;
      }
      if (got < out.length) out.fill(0, got);
      return out;
    },
    close(): void {
      closeSync(fd);
    },
  };
}

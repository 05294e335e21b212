// Marvin32 as used by new-format registry transaction logs (formats.md §2.7).

/** Seed of the registry's HvLE hashes: 0x82EF4D887A4E55C5. */
export const HVLE_SEED = 0x82ef4d887a4e55c5n;

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

/**
 * Marvin32 of `data[start, end)` with a 64-bit seed. Returns the two 32-bit halves; the registry stores
 * them as a little-endian u64 `(hi << 32) | lo`, i.e. `lo` first.
 */
export function marvin32(
  data: Uint8Array,
  start = 0,
  end = data.length,
  seed: bigint = HVLE_SEED,
): { lo: number; hi: number } {
  let lo = Number(seed & 0xffffffffn) >>> 0;
  let hi = Number((seed >> 32n) & 0xffffffffn) >>> 0;
  const mix = (w: number): void => {
    lo = (lo + w) >>> 0;
    hi = (hi ^ lo) >>> 0;
    lo = (rotl(lo, 20) + hi) >>> 0;
    hi = (rotl(hi, 9) ^ lo) >>> 0;
    lo = (rotl(lo, 27) + hi) >>> 0;
    hi = rotl(hi, 19);
  };
  let p = start;
  for (; p + 4 <= end; p += 4) {
    mix((data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24)) >>> 0);
  }
  const left = end - p;
  let last = 0x80 << (8 * left);
  for (let i = 0; i < left; i++) last |= data[p + i] << (8 * i);
  mix(last >>> 0);
  mix(0);
  return { lo, hi };
}

/** The 32-bit fold `hi ^ lo` (what test vectors usually print). */
export function marvin32Fold(data: Uint8Array, seed: bigint = HVLE_SEED): number {
  const { lo, hi } = marvin32(data, 0, data.length, seed);
  return (hi ^ lo) >>> 0;
}

// One value of ours against libevtx's rendering of it, equal after normalising what is only spelling
// (the rules differential.test.ts and test/oracles/samplesEvtx.test.ts describe in their headers):
//   * hex: libevtx pads (0x%08x / 0x%016x) and prints SizeT in decimal; ours is 0x + unpadded lowercase
//     → compared as numbers;
//   * time: libevtx prints 9 fractional digits, the last two always 00; ours 7 → ours must be a prefix
//     of libevtx's and the rest zeros;
//   * GUID: case-insensitive (libevtx keeps a literal GUID's manifest case);
//   * a NULL value (ours null) vs libevtx's empty element text "";
//   * line ends, only with `xmlLineEnds`: text taken out of libevtx's XML by an XML parser has CR LF
//     turned into LF (XML 1.0 §2.11), while our values keep the CR LF actually stored.

const HEX = /^0x[0-9a-f]+$/i;
const DEC = /^\d+$/;
const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/;
const GUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;

export function sameEvtxValue(
  ours: string | number | null | undefined,
  theirs: string | number | null | undefined,
  options: { xmlLineEnds?: boolean } = {},
): boolean {
  let a = ours === null || ours === undefined ? "" : String(ours);
  if (options.xmlLineEnds) a = a.replace(/\r\n?/g, "\n");
  const b = theirs === null || theirs === undefined ? "" : String(theirs);
  if (a === b) return true;
  if (HEX.test(a) && (HEX.test(b) || DEC.test(b))) return BigInt(a) === BigInt(b);
  const ta = TIME.exec(a);
  const tb = TIME.exec(b);
  if (ta && tb) {
    const fa = ta[2] ?? "";
    const fb = tb[2] ?? "";
    return ta[1] === tb[1] && fb.startsWith(fa) && /^0*$/.test(fb.slice(fa.length));
  }
  if (GUID.test(a) && GUID.test(b)) return a.toUpperCase() === b.toUpperCase();
  return false;
}

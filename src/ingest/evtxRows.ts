import type { EventRecord } from "../parsers/types.js";

/** A string JSON.stringify would escape: '"', '\\', a control character or a (lone) surrogate. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Fields as stored in events.fields: [[name, value], ...] in document order (position = index).
 * Exactly JSON.stringify of the pairs, written out directly: a string that needs no escaping (nearly all
 * of them) is quoted as it is, any other goes through JSON.stringify.
 */
export function fieldsJson(fields: EventRecord["fields"]): string {
  const n = fields.length;
  if (n === 0) return "[]";
  let out = "[";
  for (let i = 0; i < n; i++) {
    const f = fields[i];
    if (f.position !== i) throw new Error(`event field positions must run 0..n-1 (got ${f.position} at ${i})`);
    const name = f.name;
    const value = f.value;
    out +=
      (i === 0 ? "[" : ",[") +
      (NEEDS_ESCAPE.test(name) ? JSON.stringify(name) : '"' + name + '"') +
      (value === null ? ",null]" : NEEDS_ESCAPE.test(value) ? "," + JSON.stringify(value) + "]" : ',"' + value + '"]');
  }
  return out + "]";
}

// The shared EVTX corpus (../shared/corpus beside the repository) and its libevtx goldens.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { EventRecord } from "../../../src/parsers/types.js";
import { readEvtx } from "../../../src/parsers/evtx/index.js";

const repoRoot = resolve(fileURLToPath(new URL("../../../", import.meta.url)));
export const corpusDir = resolve(repoRoot, "../shared/corpus");
export const haveCorpus = existsSync(corpusDir) && readdirSync(corpusDir).some((f) => f.endsWith(".evtx"));
export const noCorpusReason = `EVTX corpus not found at ${corpusDir} (expected ../shared/corpus beside the repository)`;

export function corpusFiles(): string[] {
  return haveCorpus ? readdirSync(corpusDir).filter((f) => f.endsWith(".evtx")).sort() : [];
}

export function corpusBytes(name: string): Buffer {
  return readFileSync(join(corpusDir, name));
}

/** One line of NAME.evtx.golden.jsonl.gz (see the corpus README). */
export interface GoldenRecord {
  record_id: number;
  event_id?: number | string;
  qualifiers?: string | null;
  provider?: string | null;
  provider_guid?: string | null;
  time_created?: string | null;
  level?: string | null;
  channel?: string | null;
  computer?: string | null;
  user_sid?: string | null;
  fields?: [number, string, string][];
  libevtx_xml_invalid?: boolean;
}

export function golden(name: string): GoldenRecord[] {
  const text = gunzipSync(readFileSync(join(corpusDir, name + ".golden.jsonl.gz"))).toString("utf8");
  return text.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as GoldenRecord);
}

/** Decodes a corpus file fully: records in emission order plus the reader's result. */
export function decodeCorpusFile(name: string): { records: EventRecord[] } & ReturnType<typeof readEvtx> {
  const records: EventRecord[] = [];
  const result = readEvtx(corpusBytes(name), (r) => records.push(r));
  return { records, ...result };
}

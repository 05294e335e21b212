// One event record (formats.md §1.4) → EventRecord.

import type { EventRecord } from "../types.js";
import { DecodeError } from "./bytes.js";
import type { ChunkContext } from "./binxml.js";
import { CTX_EVENT, runDocument } from "./normalize.js";
import { STATUS_CHAIN, type RecordLoc } from "./scanChunks.js";
import { filetimeText } from "./values.js";

/** Record header: signature, size, id, written time; the BinXml document follows. */
const RECORD_HEADER_SIZE = 24;

/**
 * Decodes the record at `loc` (already known to be well-formed: magic, size, size copy) inside
 * the chunk `cc`. Throws DecodeError when its BinXml cannot be decoded or holds no event.
 * `loc.offset` is a file offset; `cc.origin` is the file offset of the chunk's bytes.
 */
export function decodeRecord(cc: ChunkContext, loc: RecordLoc): EventRecord {
  const off = loc.offset - cc.origin;
  const rec: EventRecord = {
    recordId: loc.id,
    timeCreated: "",
    provider: null,
    providerGuid: null,
    eventId: -1,
    qualifiers: null,
    version: null,
    level: null,
    task: null,
    opcode: null,
    keywords: null,
    channel: null,
    computer: null,
    userSid: null,
    processId: null,
    threadId: null,
    activityId: null,
    fields: [],
    chunk: loc.slot,
    offset: loc.offset,
    status: loc.status === STATUS_CHAIN ? "chain" : "recovered",
  };
  const items = runDocument(rec, cc, off + RECORD_HEADER_SIZE, off + loc.size - 4, CTX_EVENT, 0);
  if (items === 0) throw new DecodeError("the record holds no BinXml event");
  if (rec.eventId < 0) throw new DecodeError("the record has no EventID");
  // The written time stands in when the System element carries no TimeCreated.
  if (rec.timeCreated === "") rec.timeCreated = filetimeText(cc.buf, off + 16);
  return rec;
}

// How much of one file the ingest reads whole; shared by ingestFolder (which reads) and parseEvidence (which parses).

/**
 * Text dumps above this size are never loaded whole. A registry dump with a byte-order mark (a whole
 * hive exported by reg export, or reg query /s redirected by PowerShell) is read in pieces
 * (largeText.ts); any other is refused with a problem row: a real icacls or reg query dump of the keys
 * rdp-triage reads is a few MB at most (a 50 MB file of garbage must not cost 50 MB × UTF-16 of memory).
 */
export const MAX_TEXT_DUMP_BYTES = 32 * 1024 * 1024;

/**
 * The most Node's readFileSync reads into one buffer (2 GiB − 1). Hives are read whole (a cell may
 * point anywhere in the file); Windows itself keeps a hive well under this size. Event logs larger
 * than MAX_TEXT_DUMP_BYTES are read chunk by chunk instead, whatever their size.
 */
export const MAX_WHOLE_READ_BYTES = 2 ** 31 - 1;

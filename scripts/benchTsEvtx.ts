// Reference reader for `npm run bench`: @ts-evtx/core's builder, evtx(file).toArray(), over every file
// given; prints the number of records it returned. Files it refuses count 0 (as the library does).
import { tsEvtxBuilderToArrayCount } from "../src/parsers/evtx/tsEvtxAdapter.js";

let total = 0;
for (const file of process.argv.slice(2)) {
  try {
    total += await tsEvtxBuilderToArrayCount(file);
  } catch {
    // Refused (e.g. a header CRC it does not accept): nothing read from this file.
  }
}
process.stdout.write(`${total}\n`);

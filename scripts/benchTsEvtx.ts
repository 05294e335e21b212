// Reference reader for `npm run bench`: @ts-evtx/core's builder, evtx(file).toArray(), over every file
// given; prints the number of records it returned. Files it refuses count 0 (as the library does).
import { tsEvtxBuilderToArrayCount } from "../src/parsers/evtx/tsEvtxAdapter.js";

let total = 0;
const failures: string[] = [];
for (const file of process.argv.slice(2)) {
  try {
    total += await tsEvtxBuilderToArrayCount(file);
  } catch (error) {
    // Refused or crashed (a header CRC it does not accept; a stack overflow on large files): nothing read.
    failures.push(`${file.split("/").pop()}: ${String(error).slice(0, 80)}`);
  }
}
process.stdout.write(`${total}\n${failures.join("\n")}\n`);

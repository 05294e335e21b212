#!/usr/bin/env node
import { main } from "./main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Only bugs get here: evidence problems are rows in the index, usage errors exit 2 above.
    process.stderr.write(`rdp-triage: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 3;
  },
);

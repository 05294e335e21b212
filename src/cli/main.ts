import { Command, CommanderError } from "commander";
import { EvidenceFolderError } from "../evidence/discover.js";
import { ingestFolder } from "../ingest/ingestFolder.js";
import { IndexVersionError, openIndex } from "../store/db.js";
import { progressReporter } from "./progress.js";
import { printable } from "./terminal.js";
import { TOOL_VERSION } from "../version.js";

/** Exit codes: 0 done, 1 a --fail-on threshold or a regression check failed, 2 usage or unreadable input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("rdp-triage")
    .description("Offline forensic analyzer for Windows VMs that refuse Remote Desktop")
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();

  program
    .command("index")
    .description("index an evidence folder (event logs, icacls and registry dumps) into one SQLite file")
    .argument("<folder>", "evidence folder copied off the rescue VM")
    .requiredOption("--db <file>", "SQLite index to create or update")
    .action((folder: string, opts: { db: string }) => {
      const db = openIndex(opts.db);
      try {
        const summary = ingestFolder(folder, db, { onProgress: progressReporter() });
        const kinds = Object.entries(summary.byKind)
          .sort()
          .map(([k, n]) => `${k} ${n}`)
          .join(", ");
        process.stdout.write(
          printable(
            `Indexed ${summary.files} files (${kinds || "none"}) into ${opts.db}: ` +
              `${summary.indexed} parsed, ${summary.unchanged} unchanged, ${summary.removed.length} removed; ` +
              `${summary.records} records, ${summary.problems} problems, ${summary.seconds.toFixed(2)} s\n`,
          ),
        );
      } finally {
        db.close();
      }
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return (program as Command & { exitCodeOverride?: number }).exitCodeOverride ?? EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    if (error instanceof UsageError || error instanceof EvidenceFolderError || error instanceof IndexVersionError) {
      process.stderr.write(`rdp-triage: ${printable(error.message)}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}


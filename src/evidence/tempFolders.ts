// Private temporary folders, and the ones an interrupted run left behind.
//
// rdp-triage unpacks archives and, without --db, keeps its index in a temporary folder: customer
// evidence, removed when the run ends. A run stopped by Ctrl-C, a kill or a crash never reaches that
// `finally` (Node ends on SIGINT without unwinding; a signal handler would only run once the
// synchronous ingest returned, which is worse). So each folder's name says which host and process own
// it, and the next run removes those whose process is gone.

import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type TempPurpose = "archives" | "index" | "check";

const NAME = /^rdp-triage-(archives|index|check)-([A-Za-z0-9]*)-(\d+)-[A-Za-z0-9]{6}$/;

/** The host part of a folder name: the host name's letters and digits, at most 32. */
function hostTag(): string {
  return os.hostname().replace(/[^A-Za-z0-9]/g, "").slice(0, 32);
}

/** A new private folder `rdp-triage-<purpose>-<host>-<pid>-XXXXXX` in the system temp directory. */
export function makeTempFolder(purpose: TempPurpose, tmpdir = os.tmpdir()): string {
  return mkdtempSync(path.join(tmpdir, `rdp-triage-${purpose}-${hostTag()}-${process.pid}-`));
}

/** Whether a process with this id exists (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface SweepOptions {
  tmpdir?: string;
  isAlive?: (pid: number) => boolean;
}

/**
 * Removes the temporary folders of earlier rdp-triage runs on this host whose process no longer
 * exists. Only real folders (not links) named by makeTempFolder are touched; another host's (a shared
 * temp directory) and a live process's are left alone. Never throws; returns the folders removed.
 */
export function sweepStaleTempFolders(options: SweepOptions = {}): string[] {
  const tmpdir = options.tmpdir ?? os.tmpdir();
  const isAlive = options.isAlive ?? processAlive;
  const host = hostTag();
  let names: string[];
  try {
    names = readdirSync(tmpdir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m || m[2] !== host) continue;
    const pid = Number(m[3]);
    if (pid === process.pid || isAlive(pid)) continue;
    const folder = path.join(tmpdir, name);
    try {
      if (!lstatSync(folder).isDirectory()) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(folder);
    } catch {
      // another user's, or gone meanwhile: not ours to report
    }
  }
  return removed;
}

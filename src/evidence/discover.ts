import fg from "fast-glob";
import { lstatSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { Problem } from "../parsers/types.js";

export interface DiscoveredFile {
  /** Absolute path on disk. */
  absolute: string;
  /** Relative to the evidence folder, '/' separators: the name the index and the report use. */
  relative: string;
  size: number;
  /** Modification time (ms since epoch); absent for files unpacked from an archive. */
  mtimeMs?: number;
}

export interface Discovery {
  files: DiscoveredFile[];
  problems: Problem[];
}

export class EvidenceFolderError extends Error {}

/**
 * Lists every regular file under `root`. Symbolic links are never followed out of the folder: a
 * linked file is taken only when its target lies inside the folder (and then under its own name),
 * linked directories are not descended (so a link loop cannot hang the walk).
 */
export function discoverEvidence(root: string): Discovery {
  let rootReal: string;
  try {
    if (!statSync(root).isDirectory()) throw new EvidenceFolderError(`${root} is not a folder`);
    rootReal = realpathSync(root);
  } catch (error) {
    if (error instanceof EvidenceFolderError) throw error;
    throw new EvidenceFolderError(`cannot read the evidence folder ${root}: ${(error as Error).message}`);
  }
  const problems: Problem[] = [];
  const entries = fg.sync("**/*", {
    cwd: rootReal,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    suppressErrors: true,
    unique: true,
  });
  const files: DiscoveredFile[] = [];
  for (const relative of entries.sort()) {
    const absolute = path.join(rootReal, relative);
    let st;
    try {
      st = lstatSync(absolute);
    } catch (error) {
      problems.push({ code: "evidence.unreadable", message: `cannot read ${relative}: ${(error as Error).message}`, location: relative });
      continue;
    }
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(absolute);
      } catch {
        problems.push({ code: "evidence.broken-link", message: `${relative} is a symbolic link whose target does not exist`, location: relative });
        continue;
      }
      const inside = target === rootReal || target.startsWith(rootReal + path.sep);
      if (!inside) {
        problems.push({
          code: "evidence.link-outside",
          message: `${relative} is a symbolic link to ${target}, outside the evidence folder: not read`,
          location: relative,
        });
        continue;
      }
      const targetStat = statSync(target);
      if (!targetStat.isFile()) continue; // linked directories are not descended: no loops
      files.push({ absolute: target, relative: toPosix(relative), size: targetStat.size, mtimeMs: targetStat.mtimeMs });
      continue;
    }
    if (!st.isFile()) continue;
    files.push({ absolute, relative: toPosix(relative), size: st.size, mtimeMs: st.mtimeMs });
  }
  return { files, problems };
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

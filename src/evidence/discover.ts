import fg from "fast-glob";
import { accessSync, constants, lstatSync, realpathSync, statSync, type Stats } from "node:fs";
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
 * linked directories are not descended (so a link loop cannot hang the walk). Whatever is not taken
 * (links not followed, FIFOs, sockets, devices, unreadable entries) is a problem row: nothing in the
 * folder is dropped silently.
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
      const name = toPosix(relative);
      problems.push({ code: "evidence.unreadable", message: `cannot read ${name}: ${(error as Error).message}`, location: name });
      continue;
    }
    if (st.isSymbolicLink()) {
      const file = linkedFile(rootReal, relative, absolute, problems);
      if (file) files.push(file);
      continue;
    }
    if (st.isDirectory()) {
      // The glob walks it, but skips a folder it cannot list without a word (suppressErrors): say so.
      try {
        accessSync(absolute, constants.R_OK | constants.X_OK);
      } catch (error) {
        const name = toPosix(relative);
        problems.push({
          code: "evidence.unreadable",
          message: `cannot read the folder ${name}: ${(error as Error).message}; the files under it are not listed`,
          location: name,
        });
      }
      continue;
    }
    if (!st.isFile()) {
      problems.push(notAFile(relative, st, relative));
      continue;
    }
    files.push({ absolute, relative: toPosix(relative), size: st.size, mtimeMs: st.mtimeMs });
  }
  return { files, problems };
}

/**
 * The file a symbolic link stands for, or null with a problem row saying why it is not read: target
 * missing, a link loop, outside the folder, a linked folder (never descended: its files, when inside
 * the folder, are read under their own paths), or something that is not a regular file.
 */
function linkedFile(rootReal: string, relative: string, absolute: string, problems: Problem[]): DiscoveredFile | null {
  const name = toPosix(relative);
  let target: string;
  try {
    target = realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      problems.push({ code: "evidence.broken-link", message: `${name} is a symbolic link whose target does not exist`, location: name });
    } else if (code === "ELOOP") {
      problems.push({
        code: "evidence.symlink-skipped",
        message: `${name} is a symbolic link loop (it resolves back to itself): not followed, nothing to read`,
        location: name,
      });
    } else {
      problems.push({ code: "evidence.unreadable", message: `cannot resolve the symbolic link ${name}: ${(error as Error).message}`, location: name });
    }
    return null;
  }
  const inside = target === rootReal || target.startsWith(rootReal + path.sep);
  if (!inside) {
    problems.push({
      code: "evidence.link-outside",
      message: `${name} is a symbolic link to ${target}, outside the evidence folder: not read`,
      location: name,
    });
    return null;
  }
  let targetStat;
  try {
    targetStat = statSync(target);
  } catch (error) {
    problems.push({ code: "evidence.unreadable", message: `cannot read ${name} (a symbolic link to ${target}): ${(error as Error).message}`, location: name });
    return null;
  }
  const targetName = toPosix(path.relative(rootReal, target)) || ".";
  if (targetStat.isDirectory()) {
    // Linked folders are not descended, so a link loop cannot hang the walk or list a file twice.
    const loop = absolute === target || absolute.startsWith(target + path.sep);
    problems.push({
      code: "evidence.symlink-skipped",
      message:
        `${name} is a symbolic link to the folder ${targetName}${loop ? ", which contains the link (a link loop)" : ""}: ` +
        `not followed; the files of ${targetName} are read under their own paths`,
      location: name,
    });
    return null;
  }
  if (!targetStat.isFile()) {
    problems.push(notAFile(name, targetStat, `${name} (a symbolic link to ${targetName})`));
    return null;
  }
  return { absolute: target, relative: name, size: targetStat.size, mtimeMs: targetStat.mtimeMs };
}

/** A FIFO, socket or device in the folder: never opened (reading a FIFO or a device could block or never end). */
function notAFile(location: string, st: Stats, what: string): Problem {
  const type = st.isFIFO() ? "a named pipe (FIFO)" : st.isSocket() ? "a socket" : st.isBlockDevice() || st.isCharacterDevice() ? "a device" : "not a regular file";
  return { code: "evidence.not-a-file", message: `${toPosix(what)} is ${type}, not a regular file: not read`, location: toPosix(location) };
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

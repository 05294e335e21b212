import { readFileSync } from "node:fs";

/** The version in package.json, found relative to this module in src/ and in dist/src/. */
function readVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "rdp-triage" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}

export const TOOL_VERSION = readVersion();

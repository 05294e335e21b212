// Parses PowerShell with tree-sitter-powershell (WebAssembly) and reports every ERROR and MISSING
// node: the check that a generated script (the collector, every remediation template's output)
// at least parses. web-tree-sitter and the grammar are development dependencies, so they are
// imported lazily: nothing else in rdp-triage loads them, and an installed CLI works without them.
//
// Use: `await initPowerShellSyntax()` once, then `parsePowerShell(src)` (synchronous) as often as needed.

import { createRequire } from "node:module";
import path from "node:path";
import type { Node as SyntaxNode, Parser as TreeSitterParser, Tree } from "web-tree-sitter";

export interface PowerShellSyntax {
  ok: boolean;
  /** "line:column message" for each ERROR or MISSING node, in document order. */
  errors: string[];
}

let parser: TreeSitterParser | null = null;
let loading: Promise<void> | null = null;

/** Loads the parser and the PowerShell grammar (once; later calls return at once). */
export function initPowerShellSyntax(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import("web-tree-sitter");
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = path.join(path.dirname(require.resolve("tree-sitter-powershell/package.json")), "tree-sitter-powershell.wasm");
    const language = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })();
  return loading;
}

/** The syntax tree (caller deletes it with tree.delete()). Requires initPowerShellSyntax(). */
export function parsePowerShellTree(src: string): Tree {
  if (!parser) throw new Error("parsePowerShell: call `await initPowerShellSyntax()` first");
  const tree = parser.parse(src);
  if (!tree) throw new Error("parsePowerShell: the parser returned no tree");
  return tree;
}

/** Every ERROR and MISSING node of the script; ok when there is none. Requires initPowerShellSyntax(). */
export function parsePowerShell(src: string): PowerShellSyntax {
  const tree = parsePowerShellTree(src);
  try {
    const errors: string[] = [];
    const walk = (node: SyntaxNode) => {
      if (node.isMissing) {
        errors.push(`${where(node)} missing ${JSON.stringify(node.type)}`);
      } else if (node.isError) {
        errors.push(`${where(node)} cannot parse ${JSON.stringify(excerpt(node.text))}`);
      }
      if (!node.hasError && !node.isMissing) return; // nothing below
      for (const child of node.children) if (child) walk(child);
    };
    walk(tree.rootNode);
    return { ok: errors.length === 0, errors };
  } finally {
    tree.delete();
  }
}

function where(node: SyntaxNode): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

function excerpt(text: string): string {
  const line = text.split(/\r?\n/)[0];
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

// Small readers for the rendered output, so tests can state what an engineer (or a browser, or a
// Markdown renderer) would see without depending on an HTML or Markdown library.

import { createHash } from "node:crypto";

/** Decodes the entities Handlebars produces (and numeric ones), as a browser does for text content. */
export function decodeEntities(html: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return named[body.toLowerCase()] ?? whole;
  });
}

/** Text content of every <pre><code …>…</code></pre> block, decoded. */
export function codeBlocks(html: string): string[] {
  return [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => decodeEntities(m[1]));
}

/** Raw content of every <tag>…</tag> (for the inline <style> and <script>). */
export function elementContents(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "gi"))].map((m) => m[1]);
}

export function sha256Source(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** Every start tag of the page, e.g. `<td class="x">`. Escaped text cannot contain `<`, so these are ours. */
export function startTags(html: string): string[] {
  return [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
}

/** The text of the page with tags removed and entities decoded (roughly what a reader sees). */
export function visibleText(html: string): string {
  const body = html.replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, "");
  return decodeEntities(body.replace(/<[^>]*>/g, ""));
}

/** Part of the page between the element with `id="…"` and the next element at the same level (`</section>` etc.). */
export function sectionById(html: string, id: string, closing = "</section>"): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return "";
  const end = html.indexOf(closing, start);
  return html.slice(start, end < 0 ? undefined : end);
}

export interface Fence {
  info: string;
  fence: string;
  body: string;
  /** Indentation of the opening fence (list items indent their blocks). */
  indent: string;
}

/**
 * Fenced code blocks as CommonMark reads them: an opening run of 3+ backticks, closed by a line that
 * is a run of at least as many backticks and nothing else.
 */
export function markdownFences(md: string): Fence[] {
  const lines = md.split("\n");
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,})([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j];
      const close = /^ {0,3}(`{3,})\s*$/.exec(line);
      if (close && close[1].length >= fence.length) break;
      body.push(line);
    }
    out.push({ info: info.trim(), fence, body: body.join("\n"), indent });
    i = j;
  }
  return out;
}

/** The Markdown outside fenced code blocks. */
export function outsideFences(md: string): string {
  const lines = md.split("\n");
  const kept: string[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    const run = /^\s{0,3}(`{3,})/.exec(line);
    if (fence === null && run) {
      fence = run[1];
      continue;
    }
    if (fence !== null) {
      if (/^\s{0,3}`{3,}\s*$/.test(line) && line.trim().length >= fence.length) fence = null;
      continue;
    }
    kept.push(line);
  }
  return kept.join("\n");
}

/** Removes code spans (a backtick run closed by a run of the same length), as CommonMark pairs them. */
export function withoutCodeSpans(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] === "\\" && i + 1 < text.length) {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (text[i] !== "`") {
      out += text[i++];
      continue;
    }
    let n = 0;
    while (text[i + n] === "`") n++;
    const fence = "`".repeat(n);
    let close = -1;
    for (let k = text.indexOf(fence, i + n); k >= 0; k = text.indexOf(fence, k + 1)) {
      if (text[k - 1] !== "`" && text[k + n] !== "`") {
        close = k;
        break;
      }
    }
    if (close < 0) {
      out += fence;
      i += n;
    } else {
      out += "CODE";
      i = close + n;
    }
  }
  return out;
}

/** Cells of a GFM table row: split on pipes that are not backslash-escaped. */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let current = "";
  const body = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\" && body[i + 1] === "|") {
      current += "\\|";
      i++;
    } else if (body[i] === "|") {
      cells.push(current.trim());
      current = "";
    } else {
      current += body[i];
    }
  }
  cells.push(current.trim());
  return cells;
}

/** Lines of the Markdown section that starts with `heading` (up to the next heading of the same level). */
export function markdownSection(md: string, heading: string): string {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l === heading);
  if (start < 0) return "";
  const level = /^#+/.exec(heading)?.[0] ?? "##";
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => new RegExp(`^#{1,${level.length}} `).test(l));
  return rest.slice(0, end < 0 ? undefined : end).join("\n");
}

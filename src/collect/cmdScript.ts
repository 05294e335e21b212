// Static checks for generated cmd scripts (remediation .cmd files): what makes cmd.exe misparse a
// line or wait for a person. cmd.exe reads one line at a time and cannot take more than 8191
// characters in one (KB 830473); an odd number of double quotes swallows the rest of the line into
// one argument; `pause` and `set /p` stop an unattended run.

/** Longest line cmd.exe accepts. */
export const CMD_MAX_LINE = 8191;

/** Problems found, one sentence each with its line number; empty when the script looks sound. */
export function checkCmdScript(src: string): string[] {
  const problems: string[] = [];
  const lines = src.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.length > CMD_MAX_LINE) problems.push(`line ${n} is ${line.length} characters long; cmd.exe stops at ${CMD_MAX_LINE}`);
    const trimmed = line.trim();
    if (/^(@?rem(\s|$)|::)/i.test(trimmed)) return; // comments: quotes and words there do nothing
    const quotes = (line.replace(/\^"/g, "").match(/"/g) ?? []).length;
    if (quotes % 2 === 1) problems.push(`line ${n} has an odd number of double quotes (${quotes})`);
    // Commands start the line, follow &, &&, ||, |, ( or ), or an if condition, else or do.
    for (const segment of line.split(/&&|\|\||[&|()]/)) {
      const c = commandOf(segment);
      if (/^pause(\s|$|>)/i.test(c)) problems.push(`line ${n} pauses for a key press (pause)`);
      if (/^set\s+\/p(\s|$)/i.test(c)) problems.push(`line ${n} prompts for input (set /p)`);
    }
  });
  return problems;
}

const IF_CONDITION = /^if\s+(\/i\s+)?(not\s+)?(exist\s+("[^"]*"|\S+)|errorlevel\s+\d+|defined\s+\S+|("[^"]*"|\S+)\s*==\s*("[^"]*"|\S+)|("[^"]*"|\S+)\s+(equ|neq|lss|leq|gtr|geq)\s+("[^"]*"|\S+))\s*/i;

/** The command word(s) of one segment: without @, if conditions, else and do. */
function commandOf(segment: string): string {
  let c = segment.trim();
  for (let previous = ""; previous !== c; ) {
    previous = c;
    c = c.replace(/^@/, "").replace(IF_CONDITION, "").replace(/^(else|do)\b\s*/i, "").trim();
  }
  return c;
}

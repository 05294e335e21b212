import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Node as SyntaxNode } from "web-tree-sitter";
import { collectorCoverage, generateCollector, planCollection, writeCollector } from "../../src/collect/index.js";
import { initPowerShellSyntax, parsePowerShell, parsePowerShellTree } from "../../src/collect/powershellSyntax.js";
import { SCENARIOS } from "../../src/scenarios/index.js";
import type { EvidenceNeed, Scenario } from "../../src/scenarios/types.js";

beforeAll(async () => {
  await initPowerShellSyntax();
});

/** A scenario that only declares needs (what the collector reads). */
function scenarioWith(id: string, needs: EvidenceNeed[]): Scenario {
  return {
    id,
    text: { en: { title: id, summary: id, checks: id }, ja: { title: id, summary: id, checks: id } },
    needs,
    samples: [],
    detect: () => ({ findings: [], status: "not-checked", detail: "" }),
  };
}
const need = (id: string, kind: EvidenceNeed["kind"], p: string): EvidenceNeed => ({ id, kind, description: `${id} for the test`, path: p, collect: "" });

/** Hand-made scenarios beside the real ones: new channels, an ACL path with an apostrophe, nested keys. */
const HAND_MADE: Scenario[] = [
  scenarioWith("firewall-blocks-3389", [
    need("fw-log", "evtx", "Microsoft-Windows-Windows Firewall With Advanced Security%4Firewall.evtx"),
    need("fw-rules", "registry", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules"),
    need("fw-policy", "registry", "HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall"),
  ]),
  scenarioWith("odd-paths", [
    need("odd-acl", "acl", "ProgramData\\O'Brien Tools\\Keys"),
    need("termsrv-acl", "acl", "Windows\\System32\\termsrv.dll"),
    need("stale-set", "registry", "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Control\\Terminal Server"),
    need("whole-software", "registry", "HKLM\\SOFTWARE"),
    need("security-log", "evtx", "Windows\\System32\\winevt\\Logs\\Security.evtx"),
  ]),
];
const ALL = [...SCENARIOS, ...HAND_MADE];

// ---------------------------------------------------------------------------------------------
// A small reading of the PowerShell syntax tree

interface Command {
  name: string;
  node: SyntaxNode;
  /** In order: parameters (-Name), arguments, redirections. */
  elements: { kind: "param" | "arg" | "redirect"; text: string; node: SyntaxNode }[];
  fn: SyntaxNode | null;
}

function descendants(node: SyntaxNode, type: string): SyntaxNode[] {
  return node.descendantsOfType(type).filter((n): n is SyntaxNode => n !== null);
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.type === "function_statement") return p;
  return null;
}

function commandsOf(root: SyntaxNode): Command[] {
  return descendants(root, "command").map((node) => {
    const nameNode = node.namedChildren.find((c) => c?.type === "command_name" || c?.type === "command_name_expr");
    const name = (nameNode?.text ?? "").toLowerCase().replace(/\.exe$/, "");
    const elementsNode = node.namedChildren.find((c) => c?.type === "command_elements");
    const elements = (elementsNode?.namedChildren ?? [])
      .filter((c): c is SyntaxNode => c !== null && c.type !== "command_argument_sep")
      .map((c) => ({
        kind: c.type === "command_parameter" ? ("param" as const) : c.type === "redirection" ? ("redirect" as const) : ("arg" as const),
        text: c.text,
        node: c,
      }));
    return { name, node, elements, fn: enclosingFunction(node) };
  });
}

function namedArgument(cmd: Command, ...names: string[]): string | null {
  const i = cmd.elements.findIndex((e) => e.kind === "param" && names.includes(e.text.toLowerCase()));
  if (i < 0) return null;
  const next = cmd.elements[i + 1];
  return next && next.kind === "arg" ? next.text : null;
}

const args = (cmd: Command) => cmd.elements.filter((e) => e.kind === "arg").map((e) => e.text);

interface VarRef {
  name: string;
  /** `$script:X`: always the script scope. */
  scriptScope: boolean;
}

/** Variables referenced by an expression: lower case, without $, braces or scope prefix. */
function variableRefs(text: string, options: { leafNamesCarryNoPath?: boolean } = {}): VarRef[] {
  const out: VarRef[] = [];
  for (const m of text.matchAll(/\$\{?(script:|global:|local:)?([A-Za-z_][A-Za-z0-9_]*)\}?(\.Name\b)?/gi)) {
    if (options.leafNamesCarryNoPath && m[3]) continue; // $file.Name is a leaf name: it carries no folder
    out.push({ name: m[2].toLowerCase(), scriptScope: /^script:/i.test(m[1] ?? "") });
  }
  return out;
}
const referencedVariables = (text: string): string[] => variableRefs(text).map((r) => r.name);

const scopeKey = (fn: SyntaxNode | null): number => (fn ? fn.startIndex : -1);

/**
 * Where paths come from, scope by scope (the script, each function): a variable holds a path in
 * the output folder when it derives from $OutDir/$WorkDir/$OutputRoot, or is a function parameter
 * the function passes to Assert-OutputPath; it holds a path on the attached disk when it derives
 * from $AttachedRoot. Assignments and foreach loops propagate both, to a fixed point.
 */
class PathFlow {
  // Keyed by the function's start offset (-1: the script): tree-sitter hands out a new Node object per lookup.
  private defs = new Map<number, Map<string, string[]>>();
  private params = new Map<number, string[]>();
  private memo = new Map<string, boolean>();

  constructor(private root: SyntaxNode) {
    const define = (scope: SyntaxNode | null, name: string, value: string) => {
      const k = scopeKey(scope);
      const m = this.defs.get(k) ?? new Map<string, string[]>();
      m.set(name, [...(m.get(name) ?? []), value]);
      this.defs.set(k, m);
    };
    for (const a of descendants(root, "assignment_expression")) {
      const left = a.namedChildren.find((c) => c?.type === "left_assignment_expression")?.text ?? "";
      const right = a.namedChildren.filter((c) => c?.type === "pipeline").map((c) => c!.text).join(" ");
      const ref = variableRefs(left)[0];
      if (ref) define(ref.scriptScope ? null : enclosingFunction(a), ref.name, right);
    }
    for (const f of descendants(root, "foreach_statement")) {
      const ref = variableRefs(f.namedChildren.find((c) => c?.type === "variable")?.text ?? "")[0];
      const coll = f.namedChildren.find((c) => c?.type === "pipeline")?.text ?? "";
      if (ref) define(enclosingFunction(f), ref.name, coll);
    }
    for (const fn of descendants(root, "function_statement")) {
      const names = descendants(fn, "script_parameter").flatMap((p) => referencedVariables(p.namedChildren.find((c) => c?.type === "variable")?.text ?? ""));
      this.params.set(scopeKey(fn), names);
    }
  }

  functionNamed(name: string): SyntaxNode | null {
    return descendants(this.root, "function_statement").find((f) => f.namedChildren.find((c) => c?.type === "function_name")?.text.toLowerCase() === name) ?? null;
  }

  paramsOf(fn: SyntaxNode): string[] {
    return this.params.get(scopeKey(fn)) ?? [];
  }

  asserts(fn: SyntaxNode, param: string): boolean {
    return new RegExp(String.raw`Assert-OutputPath\s+\$${param}\b`, "i").test(fn.text);
  }

  /** Does the variable, read in this scope, hold a path of this kind? */
  holds(kind: "output" | "attached", ref: VarRef, scope: SyntaxNode | null, seen = new Set<string>()): boolean {
    const local = !ref.scriptScope && scope !== null && (this.defs.get(scopeKey(scope))?.has(ref.name) || this.paramsOf(scope).includes(ref.name));
    const where = local ? scope : null;
    const key = `${kind}|${scopeKey(where)}|${ref.name}`;
    if (this.memo.has(key)) return this.memo.get(key)!;
    if (seen.has(key)) return false;
    seen.add(key);
    let result: boolean;
    if (where === null && kind === "output" && ["outdir", "workdir", "outputroot"].includes(ref.name)) result = true;
    else if (where === null && kind === "attached" && ref.name === "attachedroot") result = true;
    else if (where !== null && kind === "output" && this.paramsOf(where).includes(ref.name) && this.asserts(where, ref.name)) result = true;
    else {
      const values = this.defs.get(scopeKey(where))?.get(ref.name) ?? [];
      result = values.some((v) => variableRefs(v, { leafNamesCarryNoPath: true }).some((r) => this.holds(kind, r, where, seen)));
    }
    this.memo.set(key, result);
    return result;
  }
}

/** Problems of one destination expression, read in scope (empty when it provably lands in the output folder). */
function destinationProblems(dest: string, what: string, scope: SyntaxNode | null, flow: PathFlow): string[] {
  if (dest.startsWith("(") && dest.endsWith(")") && !dest.includes("$")) return []; // read-only markers
  const refs = variableRefs(dest, { leafNamesCarryNoPath: true });
  const problems: string[] = [];
  if (refs.some((r) => flow.holds("attached", r, scope))) problems.push(`${what} destination ${dest.trim()} derives from the attached disk's root`);
  if (/[A-Za-z]:\\|\$\{?Drive\}?\s*\+\s*':|\$\{Drive\}:|\$\(\$Drive\):/i.test(dest)) problems.push(`${what} destination ${dest.trim()} names a drive`);
  if (!refs.some((r) => flow.holds("output", r, scope))) problems.push(`${what} destination ${dest.trim()} is not provably in the output folder`);
  return problems;
}

/** Commands whose destination is checked, and where the destination is. */
const DESTINATION_OF: Record<string, (c: Command) => string | null> = {
  "copy-item": (c) => namedArgument(c, "-destination"),
  "out-file": (c) => namedArgument(c, "-literalpath", "-filepath"),
  "export-csv": (c) => namedArgument(c, "-literalpath", "-path"),
  "new-item": (c) => namedArgument(c, "-path"),
  "remove-item": (c) => namedArgument(c, "-literalpath", "-path"),
  "compress-archive": (c) => namedArgument(c, "-destinationpath"),
  "start-transcript": (c) => namedArgument(c, "-literalpath", "-path"),
  robocopy: (c) => args(c)[1] ?? null,
  icacls: (c) => {
    const a = args(c);
    const save = c.elements.findIndex((e) => e.text.toLowerCase() === "/save");
    return save >= 0 ? c.elements[save + 1]?.text ?? null : a.length ? "(read-only listing)" : null;
  },
  reg: (c) => {
    const [sub, , file] = args(c);
    if (/^(export|load)$/i.test(sub ?? "")) return file ?? null;
    return "(read-only)";
  },
};

/** Never in the collector: they change the disk, prompt, or run arbitrary text. */
const FORBIDDEN = new Set([
  "set-acl", "takeown", "cacls", "xcacls", "set-itemproperty", "new-itemproperty", "remove-itemproperty", "rename-item",
  "move-item", "set-content", "add-content", "clear-content", "clear-item", "set-item", "bcdedit", "attrib", "chkdsk",
  "format-volume", "set-disk", "set-partition", "diskpart", "fsutil", "read-host", "pause", "get-credential",
  "invoke-expression", "iex", "out-gridview", "mountvol", "manage-bde", "dism",
]);
const ICACLS_WRITES = /^\/(grant|deny|remove|setowner|reset|restore|setintegritylevel|inheritance)/i;

function writeProblems(script: string): string[] {
  const tree = parsePowerShellTree(script);
  try {
    const root = tree.rootNode;
    const flow = new PathFlow(root);
    const problems: string[] = [];
    for (const cmd of commandsOf(root)) {
      if (FORBIDDEN.has(cmd.name)) problems.push(`forbidden command ${cmd.name}: ${cmd.node.text.slice(0, 80)}`);
      if (cmd.name === "icacls" && cmd.elements.some((e) => ICACLS_WRITES.test(e.text))) problems.push(`icacls changes an ACL: ${cmd.node.text}`);
      if (cmd.name === "reg" && !/^(export|load|unload|query)$/i.test(args(cmd)[0] ?? "")) problems.push(`reg ${args(cmd)[0]} is not read-only`);
      for (const e of cmd.elements) {
        if (e.kind !== "redirect" || descendants(e.node, "merging_redirection_operator").length > 0) continue;
        const target = descendants(e.node, "redirected_file_name")[0]?.text ?? e.text;
        problems.push(...destinationProblems(target, `${cmd.name} redirection`, cmd.fn, flow));
      }
      // Calls of the script's own functions: arguments for parameters they assert are destinations too.
      const callee = flow.functionNamed(cmd.name);
      if (callee) {
        const params = flow.paramsOf(callee);
        const positional = params.slice();
        for (let i = 0; i < cmd.elements.length; i++) {
          const e = cmd.elements[i];
          let param: string | undefined;
          let value: string | undefined;
          if (e.kind === "param") {
            param = e.text.replace(/^-/, "").toLowerCase();
            const k = positional.indexOf(param);
            if (k >= 0) positional.splice(k, 1);
            if (cmd.elements[i + 1]?.kind === "arg") value = cmd.elements[++i].text;
          } else if (e.kind === "arg") {
            param = positional.shift();
            value = e.text;
          }
          if (param && value !== undefined && flow.asserts(callee, param)) problems.push(...destinationProblems(value, `${cmd.name} -${param}`, cmd.fn, flow));
        }
      }
      const destinationOf = DESTINATION_OF[cmd.name];
      if (!destinationOf) continue;
      const dest = destinationOf(cmd);
      if (dest === null) {
        problems.push(`${cmd.name} without a recognizable destination: ${cmd.node.text.slice(0, 100)}`);
        continue;
      }
      problems.push(...destinationProblems(dest, cmd.name, cmd.fn, flow));
      if (cmd.fn && !/Assert-OutputPath/.test(cmd.fn.text) && !dest.startsWith("(")) {
        problems.push(`${cmd.name} writes in a function that never calls Assert-OutputPath`);
      }
    }
    return problems;
  } finally {
    tree.delete();
  }
}

// ---------------------------------------------------------------------------------------------

describe("generateCollector: syntax", () => {
  it("parses with tree-sitter-powershell without an ERROR or MISSING node, for every option", () => {
    for (const drive of [undefined, "F", "g:", "H:\\"]) {
      for (const scenarios of [SCENARIOS, ALL, []]) {
        const result = parsePowerShell(generateCollector(scenarios, { drive }));
        expect(result.errors).toEqual([]);
        expect(result.ok).toBe(true);
      }
    }
  });

  it("parsePowerShell reports ERROR and MISSING nodes with their position", () => {
    expect(parsePowerShell('if ($a) {\n  Write-Host "x"\n')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^2:\d+ missing "}"/)] });
    expect(parsePowerShell("$a = (1 + \n").ok).toBe(false);
    expect(parsePowerShell("Write-Host 'fine'\n")).toEqual({ ok: true, errors: [] });
  });

  it("uses only variables it defines (or PowerShell's automatic ones) and only commands that exist", () => {
    const script = generateCollector(ALL, { drive: "F" });
    expect(lint(script)).toEqual({ undefinedVariables: [], unknownCommands: [] });
    const typo = script.replace("if ($listExit -ne 0)", "if ($listExitt -ne 0)").replace("Add-NotCollected $What", "Add-NotColected $What");
    expect(lint(typo)).toEqual({ undefinedVariables: ["listexitt"], unknownCommands: ["add-notcolected"] });
  });
});

/** Variables read but never set, and commands that are neither the script's functions nor known ones. */
function lint(script: string): { undefinedVariables: string[]; unknownCommands: string[] } {
  const tree = parsePowerShellTree(script);
  try {
    const root = tree.rootNode;
    const defined = new Set(["_", "true", "false", "null", "lastexitcode", "pid", "psversiontable", "matches"]);
    for (const a of descendants(root, "assignment_expression")) {
      const left = a.namedChildren.find((c) => c?.type === "left_assignment_expression")?.text ?? "";
      for (const v of referencedVariables(left)) defined.add(v);
    }
    for (const v of [...descendants(root, "script_parameter"), ...descendants(root, "foreach_statement")]) {
      const name = v.namedChildren.find((c) => c?.type === "variable")?.text;
      if (name) defined.add(referencedVariables(name)[0]);
    }
    const used = descendants(root, "variable")
      .map((v) => v.text)
      .filter((t) => !/^\$\{?env:/i.test(t))
      .flatMap((t) => referencedVariables(t));
    const functions = new Set(descendants(root, "function_name").map((f) => f.text.toLowerCase()));
    const known = new Set([
      "write-host", "write-warning", "join-path", "test-path", "new-item", "out-file", "out-null", "get-item", "get-filehash",
      "split-path", "copy-item", "foreach-object", "get-childitem", "remove-item", "start-sleep", "compress-archive",
      "add-type", "export-csv", "start-transcript", "stop-transcript", "new-object", "robocopy", "icacls", "reg",
    ]);
    const unknown = commandsOf(root).map((c) => c.name).filter((n) => !functions.has(n) && !known.has(n));
    return { undefinedVariables: [...new Set(used.filter((u) => !defined.has(u)))], unknownCommands: [...new Set(unknown)] };
  } finally {
    tree.delete();
  }
}

describe("generateCollector: never writes to the attached disk, never waits for a person", () => {
  it("every write lands in the output folder; nothing changes ACLs, the registry or the disk", () => {
    expect(writeProblems(generateCollector(ALL, { drive: "F" }))).toEqual([]);
  });

  it("the checker itself catches a write to the attached disk and forbidden commands", () => {
    const bad = [
      "$AttachedRoot = 'F:\\'",
      "$target = Join-Path $AttachedRoot 'x.txt'",
      "Copy-Item -LiteralPath 'a' -Destination $target",
      "'x' | Out-File -LiteralPath 'F:\\y.txt'",
      "icacls.exe $target /grant Everyone:F",
      "& reg.exe add HKLM\\X /v Y /d 1",
      "takeown /f $target",
      "Read-Host 'continue?'",
      "Get-Thing > $target",
    ].join("\n");
    const problems = writeProblems(bad).join("\n");
    expect(problems).toMatch(/copy-item destination \$target derives from the attached disk/);
    expect(problems).toMatch(/out-file destination 'F:\\y.txt' names a drive/);
    expect(problems).toMatch(/icacls changes an ACL/);
    expect(problems).toMatch(/reg add is not read-only/);
    expect(problems).toMatch(/forbidden command takeown/);
    expect(problems).toMatch(/forbidden command read-host/);
    expect(problems).toMatch(/get-thing redirection destination \$target derives from the attached disk/);
  });

  it("the checker finds a destination moved onto the attached disk inside the real script", () => {
    const script = generateCollector(SCENARIOS);
    const original = "$destFolder = Join-Path $script:OutDir ($Drive + '\\Windows\\System32\\winevt\\Logs')";
    expect(script).toContain(original);
    const mutated = script.replace(original, "$destFolder = Join-Path $script:AttachedRoot 'Windows\\Temp'");
    expect(writeProblems(mutated)).toEqual([
      "copy-evidence -destination destination $destination derives from the attached disk's root",
      "copy-evidence -destination destination $destination is not provably in the output folder",
    ]);
    const guard = "    Assert-OutputPath $Destination\r\n    $output = & reg.exe export";
    expect(script).toContain(guard);
    const unguarded = script.replace(guard, "    $output = & reg.exe export");
    expect(writeProblems(unguarded)).toEqual([
      "reg destination $Destination is not provably in the output folder",
      "reg writes in a function that never calls Assert-OutputPath",
    ]);
  });

  it("has no prompt, pause or takeown anywhere, and runs with prompts off", () => {
    const script = generateCollector(ALL);
    expect(script).not.toMatch(/Read-Host|\bpause\b|takeown|Get-Credential|PromptForChoice|-Confirm\b(?!:\$false)/i);
    expect(script).toMatch(/^\$ConfirmPreference = 'None'$/m);
    expect(script).toMatch(/^#Requires -RunAsAdministrator$/m);
  });

  it("loads only working copies of the hives, under unique names, and unloads them in a finally block after [gc]::Collect()", () => {
    const script = generateCollector(SCENARIOS);
    expect(script).toMatch(/\$mount = 'RDPTRIAGE_\{0\}_\{1\}' -f \$hive, \$PID/);
    expect(script).toMatch(/reg\.exe load \('HKLM\\' \+ \$mount\) \$work/);
    const tree = parsePowerShellTree(script);
    try {
      const tries = descendants(tree.rootNode, "try_statement").filter((t) => /reg\.exe load/.test(t.text));
      expect(tries).toHaveLength(1);
      const fin = tries[0].namedChildren.find((c) => c?.type === "finally_clause")!;
      expect(fin).toBeTruthy();
      const text = fin.text;
      expect(text.indexOf("[gc]::Collect()")).toBeGreaterThanOrEqual(0);
      expect(text.indexOf("[gc]::Collect()")).toBeLessThan(text.indexOf("reg.exe unload"));
    } finally {
      tree.delete();
    }
  });

  it("records a manifest row (SHA-256 and command) for every kind of output file", () => {
    const script = generateCollector(SCENARIOS);
    expect(script).toMatch(/Get-FileHash -LiteralPath \$File -Algorithm SHA256/);
    for (const fn of ["Copy-Evidence", "Save-Acl", "Export-RegistryKey"]) {
      const body = new RegExp(String.raw`function ${fn} \{[\s\S]*?\n\}`).exec(script)?.[0] ?? "";
      expect(body, fn).toMatch(/Add-ManifestRow -File \$\w+ -Source \$\w+ -Command/);
    }
    expect(script).toMatch(/Export-Csv -LiteralPath \$manifestPath -NoTypeInformation -Encoding UTF8/);
  });

  it("icacls: the MachineKeys listing (/t /c) and the /save form, and every declared ACL path", () => {
    const script = generateCollector(ALL);
    expect(script).toMatch(/& icacls\.exe \$target \/t \/c 2>&1/);
    expect(script).toMatch(/& icacls\.exe \$target \/save \$saved \/t \/c 2>&1/);
    expect(script).toContain("@{ Path = 'ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys'; Name = 'machinekeys';");
    expect(script).toContain("Path = 'ProgramData\\O''Brien Tools\\Keys'");
    expect(script).toContain("Path = 'Windows\\System32\\termsrv.dll'");
  });
});

describe("generateCollector: generated from the scenarios' needs", () => {
  it("covers every need of every scenario (collectorCoverage is empty)", () => {
    expect(SCENARIOS.length).toBeGreaterThan(0);
    expect(collectorCoverage(generateCollector(SCENARIOS), SCENARIOS)).toEqual([]);
    // HKLM\SOFTWARE as a whole is met by the raw hive copy; nothing else is uncollectable here.
    expect(collectorCoverage(generateCollector(ALL), ALL)).toEqual([]);
  });

  it("a new scenario's needs appear without editing the script, and are missing when it is left out", () => {
    const without = generateCollector(SCENARIOS);
    const uncovered = collectorCoverage(without, HAND_MADE).map((u) => `${u.scenario}/${u.need.id}`);
    // New event logs are still copied by the *.evtx copy; ACLs and the stale control set are not.
    expect(uncovered).toEqual(["odd-paths/odd-acl", "odd-paths/termsrv-acl", "odd-paths/stale-set"]);
    const withThem = generateCollector(ALL);
    expect(withThem).toContain("@{ File = 'Microsoft-Windows-Windows Firewall With Advanced Security%4Firewall.evtx'; Needs = 'firewall-blocks-3389/fw-log' }");
    expect(withThem).toContain("SubKey = 'ControlSet002\\Control\\Terminal Server'");
  });

  it("merges keys and folders that another target already contains (reg export and icacls /t recurse)", () => {
    const plan = planCollection(ALL);
    const sharedAccess = plan.registry.filter((r) => /SharedAccess/i.test(r.subKey));
    expect(sharedAccess.map((r) => r.subKey)).toEqual(["Services\\SharedAccess"]);
    expect(sharedAccess[0].needs).toContainEqual({ scenario: "firewall-blocks-3389", need: "fw-rules" });
    expect(plan.registry.filter((r) => /^Policies/.test(r.subKey)).map((r) => r.subKey)).toEqual(["Policies"]);
    expect(plan.hiveRoots).toEqual([{ hive: "SOFTWARE", needs: [{ scenario: "odd-paths", need: "whole-software" }] }]);
    expect(new Set(plan.registry.map((r) => r.name)).size).toBe(plan.registry.length);
    expect(new Set(plan.acls.map((a) => a.name)).size).toBe(plan.acls.length);
  });

  it("reports needs it cannot collect, in the plan, the script and the coverage", () => {
    const odd = [scenarioWith("user-hive", [need("ntuser", "registry", "HKCU\\Software\\Microsoft\\Terminal Server Client"), need("bad", "acl", "..\\..\\x")])];
    const plan = planCollection(odd);
    expect(plan.uncollectable.map((u) => u.need)).toEqual(["ntuser", "bad"]);
    const script = generateCollector(odd);
    expect(script).toMatch(/# NOT COLLECTED BY THIS SCRIPT: user-hive\/ntuser HKCU/);
    expect(collectorCoverage(script, odd).map((u) => u.need.id)).toEqual(["ntuser", "bad"]);
    expect(parsePowerShell(script).ok).toBe(true);
  });

  it("bakes --drive into the -Drive default and refuses what is not a drive letter", () => {
    expect(generateCollector(SCENARIOS, { drive: "g:" })).toMatch(/^ {4}\[string\]\$Drive = 'G',$/m);
    expect(generateCollector(SCENARIOS)).toMatch(/^ {4}\[string\]\$Drive = '',$/m);
    expect(() => generateCollector(SCENARIOS, { drive: "F;rm" })).toThrow(/drive letter/);
  });

  it("keeps need text from breaking the script (quotes, newlines, comment markers)", () => {
    const nasty = [
      scenarioWith("nasty'id#>", [
        { id: "n1", kind: "registry", description: "line\nbreak #> <# $(Remove-Item C:\\)", path: "HKLM\\SOFTWARE\\It's\\Key", collect: "" },
      ]),
    ];
    const script = generateCollector(nasty);
    expect(parsePowerShell(script).errors).toEqual([]);
    expect(collectorCoverage(script, nasty)).toEqual([]);
    expect(writeProblems(script)).toEqual([]);
  });
});

describe("writeCollector", () => {
  it("writes the script for every known scenario as UTF-8 with a BOM", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rdp-triage-collect-"));
    try {
      const file = path.join(dir, "collect-rdp-evidence.ps1");
      const script = writeCollector(file, { drive: "F" });
      const bytes = readFileSync(file);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.subarray(3).toString("utf8")).toBe(script);
      expect(collectorCoverage(script, SCENARIOS)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from "vitest";

import type { Evidence, Remediation } from "../../src/report/findings.js";
import { decisiveEvidence, MAX_EVIDENCE_LINES, mdCode, mdText, renderMarkdown } from "../../src/report/markdown.js";
import { caseReport, certFinding, emptyReport, hostileReport, OFFLINE_CMD, ONLINE_PS, tlsLowFinding } from "./fixtures.js";
import { markdownFences, markdownSection, outsideFences, tableCells, withoutCodeSpans } from "./helpers.js";

const md = renderMarkdown(caseReport());

describe("renderMarkdown: a ticket-ready case summary", () => {
  it("starts with the case id and a case header table", () => {
    const lines = md.split("\n");
    expect(lines[0]).toBe("# rdp-triage case summary: 2611280010001234");
    expect(lines.slice(2, 12)).toEqual([
      "| Field | Value |",
      "|---|---|",
      "| Case ID | 2611280010001234 |",
      "| Analyst | K. Sato |",
      "| VM | vm-web01 (rg-prod) |",
      "| Note | RDP fails after credentials since 11/28. |",
      "| Tool | rdp-triage 0.1.0 |",
      "| Generated | 2026-11-28 05:00:00 UTC |",
      "| As of | 2026-11-28 04:37:11 UTC |",
      "| Evidence folder | `/cases/1234/evidence` |",
    ]);
  });

  it("states the verdict with its confidence and the cause", () => {
    const verdict = markdownSection(md, "## Verdict");
    expect(verdict).toContain("**RDP listener cannot use its TLS key (MachineKeys)** · High confidence");
    expect(verdict).toContain("**Root cause:** The RDP key container TSSecKeySet1 denies NETWORK SERVICE");
    expect(verdict).toContain("- TLS credential errors from outbound clients · Low confidence");
  });

  it("gives each finding its cause in a few sentences and at most five evidence lines", () => {
    const finding = markdownSection(md, "## Finding 1: RDP listener cannot use its TLS key (MachineKeys) (High confidence)");
    expect(finding).toContain("Scenario: `rdp-cert-machinekeys` · Sub-cause: `access-denied`");
    expect(finding).toMatch(/\*\*Root cause:\*\* The RDP key container .* Remote Desktop Services logged 1057 \(access denied\)/);
    const evidence = markdownSection(finding, "### Decisive evidence").split("\n").filter((l) => l.startsWith("- "));
    expect(evidence).toHaveLength(MAX_EVIDENCE_LINES);
    expect(finding).toContain("_3 more evidence item(s) in the full report (HTML/JSON)._");
  });

  it("writes event, ACL and registry evidence lines with their source", () => {
    expect(md).toContain(
      "- 2026-11-28 04:32:10 UTC · Event ID 1057 · `Microsoft-Windows-TerminalServices-RemoteConnectionManager` · `vm-web01` · " +
        "`Data=Access is denied.` `Binary=05000780` — failed to create the self-signed RDP certificate: access denied " +
        "(`Windows/System32/winevt/Logs/System.evtx · record 812`)",
    );
    expect(md).toContain(
      "- ACL · `F:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\f686aace6942fb7f7ceb231212eef4a4_3f1c2a9e-7b4d-4e2a-9c61-0d8e5b7a4f12` · " +
        "`NT AUTHORITY\\NETWORK SERVICE` (`S-1-5-20`) · **Deny** `R` · Inherited: No — explicit Deny on the live container (`acl/machinekeys.txt · line 4`)",
    );
    expect(md).toContain(
      "- Registry · `HKLM\\SOFTWARE\\Microsoft\\Cryptography` · `MachineGuid` (`REG_SZ`) = `3f1c2a9e-7b4d-4e2a-9c61-0d8e5b7a4f12` — names the live key file (`reg/cryptography.reg · line 3`)",
    );
  });

  it("picks the decisive lines across kinds, so offline evidence is not crowded out by events", () => {
    const evidence = certFinding().evidence;
    const picked = decisiveEvidence(evidence, 5);
    expect(picked.map((e) => e.kind)).toEqual(["event", "event", "acl", "registry", "observation"]);
    // In the scenario's order, not regrouped.
    expect(picked).toEqual(evidence.filter((e) => picked.includes(e)));
    const manyEvents: Evidence[] = Array.from({ length: 8 }, (_, i) => ({ ...(evidence[0] as Evidence & { kind: "event" }), recordId: i }));
    expect(decisiveEvidence(manyEvents, 5)).toHaveLength(5);
  });

  it("puts each script in a fenced block with its language, variant and shell named", () => {
    const fences = markdownFences(md).filter((f) => f.indent === "");
    expect(fences.map((f) => [f.info, f.body + "\n"])).toEqual([
      ["bat", OFFLINE_CMD],
      ["powershell", ONLINE_PS],
    ]);
    expect(md).toContain("#### Step 1: Restore the ACL of the RDP key file\n\n**Offline (rescue VM, attached disk)** · Command Prompt (cmd)");
    expect(md).toContain("**Online (Serial Console / Run Command)** · PowerShell");
    expect(md).toContain("Where to run: Rescue VM, elevated Command Prompt, broken OS disk attached as F:");
  });

  it("lists what was found healthy and what could not be checked, with the command to collect it", () => {
    expect(markdownSection(md, "## Checked and found healthy")).toContain(
      "- **Server-side TLS versions** (`tls-protocol-disabled`): TLS 1.2 is enabled for the server role",
    );
    const notChecked = markdownSection(md, "## Could not check");
    expect(notChecked).toContain("- **RD Connection Broker after a rename** (`broker-hostname-changed`): The SessionBroker logs were not collected.");
    const [collect] = markdownFences(notChecked);
    expect(collect.indent).toBe("  ");
    expect(collect.body).toBe(
      'robocopy "%D%:\\Windows\\System32\\winevt\\Logs" "%OUT%\\logs" Microsoft-Windows-TerminalServices-SessionBroker*.evtx /B /R:0 /W:0 /NP',
    );
  });

  it("ends with a chain of custody table and the tool version and as-of time", () => {
    const custody = markdownSection(md, "## Chain of custody").split("\n").filter((l) => l.startsWith("|"));
    expect(tableCells(custody[0])).toEqual(["Path", "Size", "SHA-256", "Kind", "Encoding", "Records", "Time range", "Problems"]);
    expect(tableCells(custody[2])).toEqual([
      "`Windows/System32/winevt/Logs/System.evtx`",
      "1,118,208 bytes (1.1 MiB)",
      "`9f2c4e1a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8`",
      "`evtx`",
      "—",
      "2,314",
      "2026-10-01 00:00:03 UTC – 2026-11-28 04:37:11 UTC",
      "`evtx.chunk.bad-records-crc`",
    ]);
    expect(md.trimEnd().split("\n").at(-1)).toBe("Generated by rdp-triage 0.1.0 at 2026-11-28 05:00:00 UTC; as of 2026-11-28 04:37:11 UTC.");
  });

  it("is deterministic and ends with one newline", () => {
    expect(renderMarkdown(caseReport())).toBe(md);
    expect(md.endsWith("\n")).toBe(true);
    expect(md.endsWith("\n\n")).toBe(false);
    expect(md).not.toMatch(/\n{3}/);
  });

  it("says no known cause for an empty report, and never names a low finding as the cause", () => {
    const empty = renderMarkdown(emptyReport());
    expect(markdownSection(empty, "## Verdict")).toContain("**No known cause found**");
    expect(markdownSection(empty, "## Checked and found healthy")).toContain("Server-side TLS versions");
    const low = renderMarkdown(caseReport({ findings: [tlsLowFinding()] }));
    expect(markdownSection(low, "## Verdict")).toContain("Only low-confidence signals were found");
  });

  it("uses the Japanese table for ja", () => {
    const ja = renderMarkdown(caseReport({ lang: "ja" }));
    expect(ja.split("\n")[0]).toBe("# rdp-triage ケース サマリー: 2611280010001234");
    for (const label of ["## 判定", "確信度: 高", "**根本原因:**", "### 決め手となった証拠", "### 対処手順", "**オフライン (レスキュー VM に接続したディスク)**", "## 問題なしと確認した項目", "## 確認できなかった項目", "## 証拠の保全記録", "2026年11月28日 04:32:10 (UTC)"]) {
      expect(ja).toContain(label);
    }
    expect(markdownFences(ja).map((f) => f.body)).toEqual(markdownFences(md).map((f) => f.body));
  });
});

describe("renderMarkdown: evidence cannot break out", () => {
  it("chooses a fence longer than any backtick run in the script", () => {
    const script = "Write-Host 'a'\n```\n# not a heading\n````\nWrite-Host 'still inside'\n";
    const remediation: Remediation = { title: "t", shell: "powershell", variant: "online", where: "w", script };
    const out = renderMarkdown(caseReport({ findings: [{ ...certFinding(), remediation: [remediation] }] }));
    const fences = markdownFences(out).filter((f) => f.indent === "");
    expect(fences).toHaveLength(1);
    expect(fences[0].fence).toBe("`````");
    expect(fences[0].info).toBe("powershell");
    expect(fences[0].body + "\n").toBe(script);
    expect(outsideFences(out)).not.toContain("# not a heading");
  });

  it("escapes pipes in table cells, so a path with | stays one cell", () => {
    const report = caseReport();
    report.sources[0] = { ...report.sources[0], path: "logs/a|b.evtx", encoding: "x|y" };
    report.case = { ...report.case, note: "left | right" };
    const out = renderMarkdown(report);
    const row = out.split("\n").find((l) => l.includes("a\\|b.evtx"))!;
    expect(tableCells(row)).toHaveLength(8);
    expect(tableCells(row)[0]).toBe("`logs/a\\|b.evtx`");
    const note = out.split("\n").find((l) => l.startsWith("| Note |"))!;
    expect(tableCells(note)).toEqual(["Note", "left \\| right"]);
  });

  it("escapes Markdown in prose: no links, emphasis, raw HTML or entities from evidence", () => {
    const out = renderMarkdown(hostileReport());
    const prose = withoutCodeSpans(outsideFences(out));
    // Outside code, no hostile fragment survives in a form a Markdown renderer would interpret.
    for (const raw of ["<script", "<img", "<b>", "[click]", "](javascript:", "**bold**", "&amp;", "`tick`", "{{constructor}}", "|'"]) {
      const unescaped = new RegExp(`(?<!\\\\)${raw.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
      expect(prose, raw).not.toMatch(unescaped);
    }
    expect(out).toContain("\\<script\\>alert(1)\\</script\\>");
    expect(out).toContain("\\[click\\](javascript:alert(4)) \\*\\*bold\\*\\* \\<b\\>raw\\</b\\> \\&amp;");
  });

  it("keeps evidence in code spans that nothing inside can close, one line each", () => {
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("`x`")).toBe("`` `x` ``");
    expect(mdCode("a|b", { inTable: true })).toBe("`a\\|b`");
    expect(mdCode("line1\nline2")).toBe("`line1⟨U+000A⟩line2`");
    const out = renderMarkdown(hostileReport());
    expect(out).toContain("= ```` [click](javascript:alert(4)) **bold** <b>raw</b> &amp; `tick` | ```⟨U+000A⟩# heading⟨U+000A⟩``` ````");
  });

  it("shows ANSI escapes and bidi overrides as visible code points", () => {
    const out = renderMarkdown(hostileReport());
    expect(out).not.toMatch(/[\u001b\u202e\u200b]/);
    expect(out).toContain("invoice⟨U+202E⟩gpj.exe");
    expect(out).toContain("⟨U+001B⟩\\[31mRED");
  });

  it("never lets evidence start a block: lists, headings, quotes, setext underlines", () => {
    expect(mdText("- item")).toBe("\\- item");
    expect(mdText("+ item")).toBe("\\+ item");
    expect(mdText("1. item")).toBe("1\\. item");
    expect(mdText("# heading")).toBe("\\# heading");
    expect(mdText("> quote")).toBe("\\> quote");
    expect(mdText("===")).toBe("\\===");
    expect(mdText("two\nlines")).toBe("two lines");
  });
});

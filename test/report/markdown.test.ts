import { describe, expect, it } from "vitest";

import { folderSourceRow, type Evidence, type Remediation } from "../../src/report/findings.js";
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
      "`evtx.chunk.bad-records-crc` at chunk 7 @0x71000: Chunk 7 failed its records CRC; 12 records recovered.",
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

describe("renderMarkdown: checked details mixing prose and collect commands", () => {
  const TERMSERVICE =
    'Services\\TermService was not collected: reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\TermService" "%OUT%\\reg\\svc-TermService.reg" /y\n' +
    'reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\SessionEnv" "%OUT%\\reg\\svc-SessionEnv.reg" /y\n' +
    'reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\UmRdpService" "%OUT%\\reg\\svc-UmRdpService.reg" /y The System log has no SCM start failure or crash of TermService (the 30 days before 2026-11-20).';
  const withDetail = (detail: string, lang: "en" | "ja" = "en") =>
    renderMarkdown(
      caseReport({
        lang,
        checked: [{ scenario: "termservice-not-running", title: "TermService is not running", status: "healthy", detail }],
      }),
    );

  it("fences every command, keeps the sentence before and after them as prose", () => {
    const section = markdownSection(withDetail(TERMSERVICE), "## Checked and found healthy");
    expect(section.split("\n").find((l) => l.startsWith("- "))).toBe("- **TermService is not running** (`termservice-not-running`): Services\\\\TermService was not collected:");
    const fences = markdownFences(section);
    expect(fences).toHaveLength(1);
    expect(fences[0]).toMatchObject({ info: "bat", indent: "  " });
    expect(fences[0].body.split("\n")).toEqual([
      'reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\TermService" "%OUT%\\reg\\svc-TermService.reg" /y',
      'reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\SessionEnv" "%OUT%\\reg\\svc-SessionEnv.reg" /y',
      'reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\UmRdpService" "%OUT%\\reg\\svc-UmRdpService.reg" /y',
    ]);
    const prose = outsideFences(section);
    expect(prose).not.toContain("reg export");
    // The sentence after the commands is a paragraph of the same list item, not part of the script.
    expect(prose).toContain("\n  The System log has no SCM start failure or crash of TermService (the 30 days before 2026-11-20).\n");
  });

  it("fences a single command written inline after a colon, and what follows it is prose again", () => {
    const detail = 'Control\\Lsa was not collected: reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Lsa" "%OUT%\\reg\\lsa.reg" /y RDP-Tcp\\MinEncryptionLevel = 2.';
    const section = markdownSection(withDetail(detail), "## Checked and found healthy");
    expect(markdownFences(section).map((f) => f.body)).toEqual(['reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Lsa" "%OUT%\\reg\\lsa.reg" /y']);
    expect(outsideFences(section)).toContain("\n  RDP-Tcp\\\\MinEncryptionLevel = 2.\n");
  });

  it("splits Japanese prose run on without a space after a command", () => {
    const detail = 'Services\\Dhcp は収集されていません: reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\Dhcp" "%OUT%\\reg\\svc-Dhcp.reg" /yシステム ログに DHCP Client の SCM 開始失敗はありません。';
    const section = markdownSection(withDetail(detail, "ja"), "## 問題なしと確認した項目");
    expect(markdownFences(section).map((f) => f.body)).toEqual(['reg export "HKLM\\BROKENSYSTEM\\%CS%\\Services\\Dhcp" "%OUT%\\reg\\svc-Dhcp.reg" /y']);
    expect(outsideFences(section)).toContain("\n  システム ログに DHCP Client の SCM 開始失敗はありません。\n");
  });

  it("keeps a whole collection script in one fence, prose after its last line outside", () => {
    const script = [
      "@echo off",
      "rem rdp-triage evidence collection: save as a .cmd file.",
      "setlocal EnableExtensions",
      'set "D=F"',
      'mkdir "%OUT%\\reg" 2>nul',
      'reg query "HKLM\\BROKENSYSTEM\\Select" >nul 2>&1 || reg load "HKLM\\BROKENSYSTEM" "%D%:\\Windows\\System32\\config\\SYSTEM"',
      `for /f "tokens=3" %%a in ('reg query "HKLM\\BROKENSYSTEM\\Select" /v Current') do set /a N=%%a`,
      'reg export "HKLM\\BROKENSYSTEM\\%CS%\\Control\\Lsa" "%OUT%\\reg\\lsa.reg" /y',
      ":unload",
      'reg unload "HKLM\\BROKENSYSTEM"',
      "echo Evidence is in %OUT%: hand the folder to rdp-triage analyze.",
      "endlocal",
    ];
    const detail = `Control\\Lsa was not collected; this script collects it:\n${script.join("\n")} RDP-Tcp\\MinEncryptionLevel = 2.`;
    const section = markdownSection(withDetail(detail), "## Checked and found healthy");
    expect(markdownFences(section).map((f) => f.body)).toEqual([script.join("\n")]);
    expect(outsideFences(section)).toContain("\n  RDP-Tcp\\\\MinEncryptionLevel = 2.\n");
  });
});

describe("renderMarkdown: chain of custody", () => {
  const folderRow = folderSourceRow([
    {
      code: "collector.not-found",
      message: "the collector reports it could not get F:\\Windows\\System32\\winevt\\Logs\\Security.evtx (not found on the disk)",
      location: "CaseLogs/failedLogFiles.log line 2",
    },
  ]);

  it("names the file a collector could not get, not only the problem code", () => {
    const custody = markdownSection(renderMarkdown(caseReport({ sources: [...caseReport().sources, folderRow] })), "## Chain of custody");
    const row = custody.split("\n").filter((l) => l.startsWith("|")).at(-1)!;
    expect(tableCells(row)[0]).toBe("(evidence folder)");
    expect(tableCells(row).at(-1)).toBe(
      "`collector.not-found` at CaseLogs/failedLogFiles.log line 2: the collector reports it could not get F:\\\\Windows\\\\System32\\\\winevt\\\\Logs\\\\Security.evtx (not found on the disk)",
    );
    const ja = markdownSection(renderMarkdown(caseReport({ lang: "ja", sources: [folderRow] })), "## 証拠の保全記録");
    expect(ja).toContain("| (証拠フォルダー) |");
    expect(ja).toContain("`collector.not-found` (CaseLogs/failedLogFiles.log line 2): the collector reports it could not get");
  });

  it("names the first five problems of a source and counts the rest", () => {
    const problems = Array.from({ length: 7 }, (_, i) => ({ code: `evtx.p${i}`, message: `problem ${i}`, location: null }));
    const sources = [{ ...caseReport().sources[0], problems }];
    const custody = markdownSection(renderMarkdown(caseReport({ sources })), "## Chain of custody");
    const cell = tableCells(custody.split("\n").filter((l) => l.startsWith("|"))[2]).at(-1)!;
    expect(cell).toBe("`evtx.p0`: problem 0; `evtx.p1`: problem 1; `evtx.p2`: problem 2; `evtx.p3`: problem 3; `evtx.p4`: problem 4; \\+2 more");
  });

  it("lists the archives read in place with their own size and SHA-256, before the files taken from them", () => {
    const archives = [{ path: "CaseLogs_2026-11-21.zip", size: 123_456, sha256: "ab".repeat(32), entries: 5 }];
    const custody = markdownSection(renderMarkdown(caseReport({ archives })), "## Chain of custody");
    const tables = custody.split("\n").filter((l) => l.startsWith("|"));
    expect(tableCells(tables[0])).toEqual(["Path", "Size", "SHA-256", "Files taken from it"]);
    expect(tableCells(tables[2])).toEqual(["`CaseLogs_2026-11-21.zip`", "123,456 bytes (120.6 KiB)", "`" + "ab".repeat(32) + "`", "5"]);
    expect(custody.indexOf("### Archives read in place")).toBeLessThan(custody.indexOf("### Evidence files"));
    expect(tableCells(tables[3])[0]).toBe("Path");
    const ja = markdownSection(renderMarkdown(caseReport({ lang: "ja", archives })), "## 証拠の保全記録");
    expect(ja).toContain("### 読み込んだアーカイブ");
    expect(ja).toContain("| パス | サイズ | SHA-256 | 取り出したファイル数 |");
    // No archive, no archive table.
    expect(markdownSection(md, "## Chain of custody")).not.toContain("Archives read in place");
  });
});

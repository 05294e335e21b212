import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { folderSourceRow, type Remediation } from "../../src/report/findings.js";
import { contentSecurityPolicy, findTemplatesDir, renderHtml } from "../../src/report/html.js";
import { translationTables } from "../../src/report/i18n.js";
import { caseReport, certFinding, emptyReport, hostileReport, OFFLINE_CMD, ONLINE_PS, tlsLowFinding } from "./fixtures.js";
import {
  codeBlocks,
  decodeEntities,
  elementContents,
  sectionById,
  sha256Source,
  startTags,
  visibleText,
} from "./helpers.js";

const html = renderHtml(caseReport());

describe("renderHtml: layout an engineer reads top to bottom", () => {
  it("opens with the verdict: the strongest finding's title, confidence badge and one-sentence cause", () => {
    const main = html.slice(html.indexOf("<main>"));
    expect(main.indexOf('id="verdict"')).toBeLessThan(main.indexOf('id="findings"'));
    const verdict = visibleText(sectionById(html, "verdict"));
    expect(verdict).toContain("RDP listener cannot use its TLS key (MachineKeys)");
    expect(verdict).toContain("High confidence");
    expect(verdict).toContain("The RDP key container TSSecKeySet1 denies NETWORK SERVICE");
    // The low-confidence finding is mentioned, never as the cause.
    expect(verdict).toMatch(/Also found\s+TLS credential errors from outbound clients\s+Low confidence/);
  });

  it("never names a low-confidence finding as the cause", () => {
    const page = renderHtml(caseReport({ findings: [tlsLowFinding()] }));
    const verdict = visibleText(sectionById(page, "verdict"));
    expect(verdict).toContain("No known cause found");
    expect(verdict).toContain("Only low-confidence signals were found");
    expect(visibleText(page)).toContain("TLS credential errors from outbound clients");
  });

  it("shows the case header: case id, analyst, VM, note, tool version, generatedAt, asOf", () => {
    const header = visibleText(sectionById(html, "case"));
    for (const text of [
      "Case ID2611280010001234",
      "AnalystK. Sato",
      "VMvm-web01 (rg-prod)",
      "NoteRDP fails after credentials since 11/28.",
      "Toolrdp-triage 0.1.0",
      "Generated2026-11-28 05:00:00 UTC",
      "As of2026-11-28 04:37:11 UTC",
    ]) {
      expect(header.replace(/\n/g, "")).toContain(text);
    }
  });

  it("leaves out case fields that were not given", () => {
    const header = visibleText(sectionById(renderHtml(caseReport({ case: {} })), "case"));
    expect(header).not.toContain("Case ID");
    expect(header).not.toContain("Analyst");
    expect(header).toContain("rdp-triage 0.1.0");
  });

  it("gives each finding its explanation and evidence tables, each row traceable to its source", () => {
    const finding = sectionById(html, "finding-1", "</article>");
    const text = visibleText(finding);
    expect(text).toContain("Remote Desktop Services logged 1057 (access denied)");
    // Event: time, event id, provider, computer, fields, source file and record id.
    expect(finding).toMatch(
      /<time datetime="2026-11-28T04:32:10.1234567Z">2026-11-28 04:32:10 UTC<\/time><\/td>\n<td class="num">1057<\/td>\n<td>Microsoft-Windows-TerminalServices-RemoteConnectionManager/,
    );
    expect(finding).toContain("<dt>Data</dt><dd");
    expect(text).toContain("Access is denied.");
    expect(text).toContain("Windows/System32/winevt/Logs/System.evtx · record 812");
    expect(text).toContain("vm-web01");
    // ACL line: path, principal, allow/deny, rights, inherited, source line.
    expect(finding).toMatch(/<tr class="access-deny">\n<td class="path">F:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\f686aace/);
    expect(text).toMatch(/NT AUTHORITY\\NETWORK SERVICES-1-5-20\s*Deny\s*R\s*No\s*acl\/machinekeys.txt · line 4/);
    // Registry value: key, name, type, value, source line.
    expect(text).toMatch(/HKLM\\SOFTWARE\\Microsoft\\CryptographyKey as collected: HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography/);
    expect(text).toMatch(/MachineGuid\s*REG_SZ\s*3f1c2a9e-7b4d-4e2a-9c61-0d8e5b7a4f12\s*reg\/cryptography.reg · line 3/);
    // Observation with its source.
    expect(text).toContain("The live key file is f686aace6942fb7f7ceb231212eef4a4_");
    // A NULL event field is shown as such, not as an empty cell.
    expect(finding).toContain('<dt>Error</dt><dd class="null">(none)</dd>');
  });

  it("shows every remediation script verbatim in <pre><code>", () => {
    expect(codeBlocks(html)).toEqual([OFFLINE_CMD, ONLINE_PS]);
  });

  it("labels each script offline (rescue VM) or online (Serial Console / Run Command) and names the shell", () => {
    const scripts = html.split('<div class="script ').slice(1).map(visibleText);
    expect(scripts[0]).toContain("Offline (rescue VM, attached disk)");
    expect(scripts[0]).toContain("Command Prompt (cmd)");
    expect(scripts[0]).toContain("Where to run: Rescue VM, elevated Command Prompt, broken OS disk attached as F:");
    expect(scripts[1]).toContain("Online (Serial Console / Run Command)");
    expect(scripts[1]).toContain("PowerShell");
    expect(html).toContain('<code class="language-bat">');
    expect(html).toContain('<code class="language-powershell">');
  });

  it("puts a copy button next to each script; the script copies the <code> textContent", () => {
    const buttons = startTags(html).filter((tag) => tag.startsWith("<button"));
    expect(buttons).toHaveLength(2);
    for (const b of buttons) expect(b).toMatch(/^<button type="button" class="copy" data-label="Copy"/);
    const [script] = elementContents(html, "script");
    expect(script).toContain("code.textContent");
    expect(script).toContain("navigator.clipboard.writeText");
    expect(script).toContain('document.execCommand("copy")');
    expect(script).toContain('addEventListener("click"');
  });

  it("then the timeline, the checked lists and the sources inventory", () => {
    const timeline = visibleText(sectionById(html, "timeline"));
    expect(timeline).toMatch(/2026-11-28 04:32:10 UTC\s*1057\s*Microsoft-Windows-TerminalServices-RemoteConnectionManager\s*vm-web01\s*rdp-cert-machinekeys/);
    const checked = visibleText(sectionById(html, "checked"));
    expect(checked).toContain("Checked and found healthy");
    expect(checked).toContain("Server-side TLS versions");
    expect(checked).toContain("Could not check");
    expect(checked).toContain("RD Connection Broker after a rename");
    expect(checked).toContain('robocopy "%D%:\\Windows\\System32\\winevt\\Logs"');
    // A scenario with a finding is not repeated as "checked".
    expect(checked).not.toContain("RDP certificate key in MachineKeys");
    const sources = visibleText(sectionById(html, "sources"));
    expect(sources).toContain("Windows/System32/winevt/Logs/System.evtx");
    expect(sources).toContain("1,118,208 bytes (1.1 MiB)");
    expect(sources).toContain("9f2c4e1a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8");
    expect(sources).toContain("2,314");
    expect(sources).toContain("2026-10-01 00:00:03 UTC – 2026-11-28 04:37:11 UTC");
    expect(sources).toContain("evtx.chunk.bad-records-crc at chunk 7 @0x71000: Chunk 7 failed its records CRC");
    expect(sources).toContain("utf-16le");
  });

  it("says so when nothing was found, and lists what was checked", () => {
    const page = renderHtml(emptyReport());
    const verdict = visibleText(sectionById(page, "verdict"));
    expect(verdict).toContain("No known cause found");
    expect(verdict).toContain("None of the checked scenarios matched the evidence");
    expect(page).not.toContain('id="findings"');
    expect(codeBlocks(page)).toEqual([]);
    const checked = visibleText(sectionById(page, "checked"));
    expect(checked).toContain("Server-side TLS versions");
    expect(checked).toContain("RD Connection Broker after a rename");
    expect(visibleText(sectionById(page, "timeline"))).toContain("No events on the timeline.");
  });

  it("shows a could-not-check detail as prose with its collection commands in their own preformatted block", () => {
    const page = renderHtml(
      caseReport({
        checked: [
          {
            scenario: "termservice-not-running",
            title: "TermService",
            status: "not-checked",
            detail: "Services\\TermService was not collected: reg query \"HKLM\\BROKENSYSTEM\\ControlSet001\\Services\\TermService\" /s > \"%OUT%\\termservice.txt\" The System log has no SCM events either.",
          },
        ],
      }),
    );
    const checked = sectionById(page, "checked");
    const blocks = [...checked.matchAll(/<pre class="collect"><code>([\s\S]*?)<\/code><\/pre>/g)].map((m) => decodeEntities(m[1]));
    expect(blocks).toEqual(['reg query "HKLM\\BROKENSYSTEM\\ControlSet001\\Services\\TermService" /s > "%OUT%\\termservice.txt"']);
    const prose = [...checked.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => decodeEntities(m[1]));
    expect(prose).toContain("Services\\TermService was not collected:");
    expect(prose).toContain("The System log has no SCM events either.");
  });

  it("renders the same bytes for the same report", () => {
    expect(renderHtml(caseReport())).toBe(html);
  });

  it("shows a warning with a script that carries invisible characters, and shows them instead of hiding them", () => {
    const tricked: Remediation = { ...certFinding().remediation[0], script: "icacls \"%KEY%\" /grant *S-1-5-20:(R)\u202E rem )F(:1-1-1-S*\n" };
    const page = renderHtml(caseReport({ findings: [{ ...certFinding(), remediation: [tricked] }] }));
    expect(codeBlocks(page)[0]).toBe('icacls "%KEY%" /grant *S-1-5-20:(R)⟨U+202E⟩ rem )F(:1-1-1-S*\n');
    expect(visibleText(page)).toContain("This script contains invisible or control characters");
    expect(html).not.toContain("This script contains invisible or control characters");
  });
});

describe("renderHtml: a self-contained page under a strict Content-Security-Policy", () => {
  it("inlines exactly one stylesheet and one script, and loads nothing from elsewhere", () => {
    expect(elementContents(html, "style")).toHaveLength(1);
    expect(elementContents(html, "script")).toHaveLength(1);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|<object\b|<embed\b|\bsrc=|\bhref="(?!#)/i);
  });

  it("carries a CSP meta tag whose hashes match the inline style and script exactly", () => {
    const meta = startTags(html).find((tag) => tag.includes('http-equiv="Content-Security-Policy"'));
    expect(meta).toBeDefined();
    const policy = decodeEntities(/content="([^"]*)"/.exec(meta!)![1]);
    const [style] = elementContents(html, "style");
    const [script] = elementContents(html, "script");
    expect(policy).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; script-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:/);
    expect(policy).toContain(`style-src ${sha256Source(style)};`);
    expect(policy).toContain(`script-src ${sha256Source(script)};`);
    expect(policy).toBe(contentSecurityPolicy(style, script));
    // The policy comes before anything it governs.
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<style>"));
  });

  it("has no inline event handlers and no style attributes (the CSP would refuse them)", () => {
    for (const tag of startTags(html)) {
      expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
      expect(tag).not.toMatch(/\sstyle\s*=/i);
    }
  });

  it("declares the language and a UTF-8 charset first", () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">')).toBe(true);
  });
});

describe("renderHtml: evidence is hostile", () => {
  const page = renderHtml(hostileReport());
  const text = visibleText(page);

  it("has no <script> element but its own, and no tag that evidence opened", () => {
    expect(page.match(/<script/gi)).toHaveLength(1);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<b>/i);
    for (const tag of startTags(page)) expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it("shows hostile strings as text: escaped markup, unevaluated template syntax", () => {
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("&quot; onmouseover&#x3D;&quot;alert(2)");
    expect(page).not.toContain('" onmouseover=');
    expect(page).toContain("&#x3D;cmd|&#x27; /C calc&#x27;!A0");
    // Evidence is data, never a template: {{constructor}} is printed, not resolved.
    expect(text).toContain("{{constructor}}");
    expect(text).not.toMatch(/function Object|\[native code\]/);
  });

  it("shows ANSI escapes, bidi overrides and zero-width characters as visible code points", () => {
    expect(page).not.toMatch(/[\u001b\u202e\u200b]/);
    expect(text).toContain("⟨U+001B⟩[31mRED⟨U+001B⟩[0m");
    expect(text).toContain("invoice⟨U+202E⟩gpj.exe");
    expect(text).toContain("adm⟨U+200B⟩in");
  });

  it("neutralizes hostile text in every section: case, finding, evidence, checked, timeline, sources", () => {
    for (const id of ["case", "verdict", "checked", "timeline", "sources"]) {
      const section = sectionById(page, id);
      expect(section, id).not.toMatch(/<script|[\u001b\u202e]|" on/);
    }
    expect(visibleText(sectionById(page, "sources"))).toContain("<script>alert(1)</script>|=cmd|' /C calc'!A0");
  });

  it("keeps a hostile script whole and copyable exactly as shown, closing tags included", () => {
    const [shown] = codeBlocks(page);
    expect(shown).toBe(hostileReport().findings[0].remediation[0].script);
    expect(page).toContain("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(5)&lt;/script&gt;");
  });

  it("never puts evidence into an attribute, except a validated ISO time", () => {
    const attributes = startTags(page).flatMap((tag) => [...tag.matchAll(/\s([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    for (const [name, value] of attributes) {
      if (name === "datetime") expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(value, name).not.toMatch(/alert|constructor|calc/);
    }
  });

  it("does not let a hostile confidence value pick a CSS class", () => {
    const odd = { ...certFinding(), confidence: 'high" onclick="x' as never };
    const oddPage = renderHtml(caseReport({ findings: [odd] }));
    expect(oddPage).toContain('class="badge conf-unknown"');
    for (const tag of startTags(oddPage)) expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
  });
});

describe("renderHtml: Japanese", () => {
  const ja = renderHtml(caseReport({ lang: "ja" }));
  const text = visibleText(ja);

  it("uses the Japanese table for all report chrome", () => {
    expect(ja).toContain('<html lang="ja">');
    for (const label of [
      "判定",
      "確信度: 高",
      "確信度: 低",
      "根本原因",
      "証拠",
      "対処手順",
      "オフライン (レスキュー VM に接続したディスク)",
      "オンライン (シリアル コンソール / Run Command)",
      "タイムライン",
      "収集した証拠ファイル",
      "問題なしと確認した項目",
      "確認できなかった項目",
      "イベント ログのレコード",
      "コピー",
    ]) {
      expect(text).toContain(label);
    }
  });

  it("leaves no English chrome behind", () => {
    for (const english of ["Verdict", "Root cause", "High confidence", "Evidence files", "Could not check", "Checked and found healthy", "Where to run", "Copy", "Event log records", "Findings"]) {
      expect(text).not.toContain(english);
    }
    expect(ja).not.toContain('data-label="Copy"');
  });

  it("writes dates the Japanese way, in UTC", () => {
    expect(text).toContain("2026年11月28日 04:32:10 (UTC)");
    expect(text).toContain("2026年10月01日 00:00:03 (UTC) ～ 2026年11月28日 04:37:11 (UTC)");
    expect(text).toContain("1,118,208 バイト (1.1 MiB)");
  });

  it("never translates scripts", () => {
    expect(codeBlocks(ja)).toEqual(codeBlocks(html));
  });

  it("says no known cause in Japanese for an empty report", () => {
    expect(visibleText(renderHtml(emptyReport({ lang: "ja" })))).toContain("既知の原因は見つかりませんでした");
  });
});

describe("renderHtml: chain of custody", () => {
  const archives = [{ path: "CaseLogs_2026-11-21.zip", size: 123_456, sha256: "ab".repeat(32), entries: 5 }];
  const folderRow = folderSourceRow([{ code: "collector.not-found", message: "the collector reports it could not get F:\\Windows\\x.evtx (not found on the disk)", location: "failedLogFiles.log line 2" }]);

  it("lists the archives read in place, with their own size and SHA-256, above the evidence files", () => {
    const page = renderHtml(caseReport({ archives }));
    const section = sectionById(page, "sources");
    const text = visibleText(section);
    expect(text).toMatch(/Archives read in place\s*Path\s*Size\s*SHA-256\s*Files taken from it\s*CaseLogs_2026-11-21\.zip\s*123,456 bytes \(120\.6 KiB\)\s*(ab){32}\s*5/);
    expect(section.indexOf('id="archives-heading"')).toBeLessThan(section.indexOf("Windows/System32/winevt/Logs/System.evtx"));
    expect(visibleText(sectionById(html, "sources"))).not.toContain("Archives read in place");
  });

  it("translates every column header of the custody tables in Japanese; evidence-derived messages stay as found", () => {
    const page = renderHtml(caseReport({ lang: "ja", archives, sources: [...caseReport().sources, folderRow] }));
    const section = sectionById(page, "sources");
    const headers = [...section.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(headers).toEqual(["パス", "サイズ", "SHA-256", "取り出したファイル数", "パス", "種類", "エンコード", "サイズ", "SHA-256", "レコード数", "期間", "読み取りの問題"]);
    const text = visibleText(section);
    expect(text).toContain("読み込んだアーカイブ");
    expect(text).toContain("(証拠フォルダー)");
    expect(text).not.toContain("(evidence folder)");
    expect(text).toContain("collector.not-found (failedLogFiles.log line 2): the collector reports it could not get F:\\Windows\\x.evtx");
  });
});

describe("templates", () => {
  const dir = findTemplatesDir();
  const files = ["report.hbs", ...readdirSync(join(dir, "partials")).map((f) => join("partials", f))];
  const sources = files.map((f) => [f, readFileSync(join(dir, f), "utf8")] as const);

  it("are found next to the package from the module's own location", () => {
    expect(readFileSync(join(dir, "report.css"), "utf8")).toContain("@media print");
  });

  it("never use triple-stash output", () => {
    for (const [file, source] of sources) expect(source, file).not.toContain("{{{");
  });

  it("only reference labels that exist in the translation tables", () => {
    const keys = new Set(Object.keys(translationTables().en));
    for (const [file, source] of sources) {
      for (const m of source.matchAll(/\bL\.([A-Za-z0-9_]+)/g)) expect(keys.has(m[1]), `${file}: L.${m[1]}`).toBe(true);
    }
  });

  it("carry no inline handlers or style attributes", () => {
    for (const [file, source] of sources) {
      expect(source, file).not.toMatch(/\son[a-z]+\s*=/i);
      expect(source, file).not.toMatch(/\sstyle\s*=/i);
    }
  });
});

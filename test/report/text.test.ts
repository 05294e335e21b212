import { describe, expect, it } from "vitest";

import {
  displayScript,
  displayTime,
  evidenceRef,
  formatSize,
  formatTime,
  groupDigits,
  longestRun,
  orderFindings,
  primaryFinding,
  splitDetail,
  truncate,
  visible,
} from "../../src/report/text.js";
import { certFinding, tlsLowFinding } from "./fixtures.js";

describe("dates", () => {
  it("writes UTC times as 2026-11-28 04:32:10 UTC in English and 2026年11月28日 04:32:10 (UTC) in Japanese", () => {
    expect(formatTime("2026-11-28T04:32:10.1234567Z", "en")).toBe("2026-11-28 04:32:10 UTC");
    expect(formatTime("2026-11-28T04:32:10.1234567Z", "ja")).toBe("2026年11月28日 04:32:10 (UTC)");
  });

  it("converts an offset to UTC and takes a time without zone as UTC", () => {
    expect(formatTime("2026-11-28T13:32:10+09:00", "en")).toBe("2026-11-28 04:32:10 UTC");
    expect(formatTime("2026-01-01T00:30:00-01:00", "en")).toBe("2026-01-01 01:30:00 UTC");
    expect(formatTime("2026-11-28 04:32:10", "en")).toBe("2026-11-28 04:32:10 UTC");
  });

  it("does not pretend a non-time is a time", () => {
    expect(formatTime("yesterday", "en")).toBeNull();
    expect(displayTime("yester\u202Eday", "en")).toBe("yester⟨U+202E⟩day");
    expect(displayTime(null, "en")).toBe("—");
  });
});

describe("hostile text made visible", () => {
  it("shows bidi overrides, ANSI escapes, zero-width and other invisible characters as ⟨U+XXXX⟩", () => {
    expect(visible("a\u202Eb")).toBe("a⟨U+202E⟩b");
    expect(visible("\u001b[31mred")).toBe("⟨U+001B⟩[31mred");
    expect(visible("a\u200Bb\u2066c\u2069\uFEFF\u00AD")).toBe("a⟨U+200B⟩b⟨U+2066⟩c⟨U+2069⟩⟨U+FEFF⟩⟨U+00AD⟩");
    expect(visible("tag\u{E0041}")).toBe("tag⟨U+E0041⟩");
    expect(visible("lone\uD800")).toBe("lone⟨U+D800⟩");
    expect(visible("c1\u0085\u009B")).toBe("c1⟨U+0085⟩⟨U+009B⟩");
    expect(visible("ls\u2028ps\u2029")).toBe("ls⟨U+2028⟩ps⟨U+2029⟩");
  });

  it("keeps ordinary text, Japanese included, untouched", () => {
    const text = "NT AUTHORITY\\NETWORK SERVICE: アクセスが拒否されました。 ✓";
    expect(visible(text)).toBe(text);
  });

  it("keeps line breaks and tabs only when asked, normalizing CRLF", () => {
    expect(visible("a\nb\tc")).toBe("a⟨U+000A⟩b⟨U+0009⟩c");
    expect(visible("a\r\nb\rc\td", { newlines: true, tabs: true })).toBe("a\nb\nc\td");
  });

  it("flags a script only when it carries something beyond line breaks and tabs", () => {
    expect(displayScript("echo a\r\n\techo b\n")).toEqual({ text: "echo a\n\techo b\n", hasControls: false });
    expect(displayScript("echo \u202Ea")).toEqual({ text: "echo ⟨U+202E⟩a", hasControls: true });
  });

  it("cuts very long text with a visible marker", () => {
    expect(truncate("abcdef", 3, "en")).toBe("abc … (3 more characters not shown)");
    expect(truncate("abc", 3, "en")).toBe("abc");
  });
});

describe("numbers and fences", () => {
  it("groups digits without locale data and gives sizes exactly, with a binary hint", () => {
    expect(groupDigits(1234567)).toBe("1,234,567");
    expect(groupDigits(999)).toBe("999");
    expect(formatSize(512, "en")).toBe("512 bytes");
    expect(formatSize(69632, "en")).toBe("69,632 bytes (68.0 KiB)");
    expect(formatSize(1_118_208, "ja")).toBe("1,118,208 バイト (1.1 MiB)");
  });

  it("measures the longest backtick run", () => {
    expect(longestRun("a ``` b ```` c", "`")).toBe(4);
    expect(longestRun("none", "`")).toBe(0);
  });
});

describe("evidence references", () => {
  const registry = certFinding().evidence.find((e) => e.kind === "registry")!;
  it("name the line of a text dump, and only the file for a raw hive (which has no lines)", () => {
    expect(evidenceRef(registry, "en")).toBe("reg/cryptography.reg · line 3");
    expect(evidenceRef({ ...registry, source: "config/SOFTWARE", line: 0 }, "en")).toBe("config/SOFTWARE");
    expect(evidenceRef({ ...registry, source: "config/SOFTWARE", line: 0 }, "ja")).toBe("config/SOFTWARE");
  });
});

describe("finding order", () => {
  it("puts stronger findings first and keeps the scenarios' order within a level", () => {
    const low = tlsLowFinding();
    const high = certFinding();
    const high2 = { ...certFinding(), scenario: "second" };
    expect(orderFindings([low, high, high2])).toEqual([high, high2, low]);
  });

  it("names no primary cause when every finding is low", () => {
    expect(primaryFinding([tlsLowFinding()])).toBeNull();
    expect(primaryFinding(orderFindings([tlsLowFinding(), certFinding()]))?.scenario).toBe("rdp-cert-machinekeys");
  });
});

describe("splitDetail: prose and collect commands in a checked scenario's detail", () => {
  it("takes a command out of a sentence after a colon and gives the rest back as prose", () => {
    expect(splitDetail('Services\\Dhcp was not collected: reg export "HKLM\\X\\Dhcp" "%OUT%\\reg\\svc-Dhcp.reg" /y The System log has no SCM start failure.')).toEqual([
      { kind: "prose", text: "Services\\Dhcp was not collected:" },
      { kind: "commands", text: 'reg export "HKLM\\X\\Dhcp" "%OUT%\\reg\\svc-Dhcp.reg" /y' },
      { kind: "prose", text: "The System log has no SCM start failure." },
    ]);
  });

  it("joins consecutive command lines into one part and reads redirections and chained commands", () => {
    const lines = [
      'reg query "HKLM\\BROKENSYSTEM\\Select" >nul 2>&1 || reg load "HKLM\\BROKENSYSTEM" "%D%:\\Windows\\System32\\config\\SYSTEM"',
      'icacls "%D%:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /t /c > "%OUT%\\acl\\machinekeys.txt" 2>&1',
      'robocopy "%D%:\\Windows\\System32\\winevt\\Logs" "%OUT%\\logs" "System.evtx" /B /R:0 /W:0 /NP',
    ];
    expect(splitDetail(`Collect it:\n${lines.join("\n")}`)).toEqual([
      { kind: "prose", text: "Collect it:" },
      { kind: "commands", text: lines.join("\n") },
    ]);
  });

  it("does not take sentences for commands", () => {
    for (const prose of [
      "The reg export of Control\\Lsa was empty: reg.exe could not read it.",
      "RDP-Tcp\\PortNumber is the default 3389.",
      "Set D to the drive letter first.",
      "Not enough evidence to decide: icacls dump of the MachineKeys folder and its files (/t); MachineGuid missing.",
      "判定に必要な証拠がありません: icacls dump of the MachineKeys folder and its files (/t)、MachineGuid。",
      "システム ログに TermService の SCM 開始失敗やクラッシュはありません (2026年11月20日 までの 30 日間)。",
    ]) {
      expect(splitDetail(prose)).toEqual([{ kind: "prose", text: prose }]);
    }
  });

  it("keeps all of the detail's text", () => {
    const detail = 'A:\nreg export "a b" c.reg /y\nendlocal B: robocopy "x" "y" f /NP C\n:unload\nD';
    const parts = splitDetail(detail);
    expect(parts.map((p) => p.kind)).toEqual(["prose", "commands", "prose", "commands", "prose", "commands", "prose"]);
    expect(parts.map((p) => p.text).join(" ").replace(/\s+/g, "")).toBe(detail.replace(/\s+/g, ""));
  });
});

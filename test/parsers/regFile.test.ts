import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/evidence/decodeText.js";
import { parseRegFile, sniffRegFile } from "../../src/parsers/regFile.js";
import type { RegistryValue } from "../../src/parsers/types.js";
import { encodeAs, fixture } from "../fixtures/text/encodings.js";

const SVC = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService";
const RAW_SVC = "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Services\\TermService";

function byName(values: RegistryValue[], name: string): RegistryValue | undefined {
  return values.find((v) => v.name === name);
}

describe("reg export (version 5.00, UTF-16LE with BOM) of TermService from BROKENSYSTEM", () => {
  const decoded = decodeText(encodeAs(fixture("termservice.reg"), "utf-16le-bom"));
  const result = parseRegFile(decoded.text);

  it("is read as a version 5.00 file", () => {
    expect(decoded.encoding).toBe("utf-16le-bom");
    expect(result.version).toBe("5.00");
  });

  it("reads strings with \\\\ and \\\" escapes, and dword values", () => {
    expect(byName(result.values, "DisplayName")).toEqual({
      rawKey: RAW_SVC,
      key: SVC,
      name: "DisplayName",
      type: "REG_SZ",
      value: "@%SystemRoot%\\System32\\termsrv.dll,-268",
      line: 5,
    });
    expect(byName(result.values, "Description")?.value).toBe('Allows users to connect "interactively" to a remote computer');
    expect(byName(result.values, "ObjectName")?.value).toBe("NT Authority\\NetworkService");
    expect(byName(result.values, "Start")).toMatchObject({ type: "REG_DWORD", value: 4 });
    expect(byName(result.values, "Type")).toMatchObject({ type: "REG_DWORD", value: 0x20 });
  });

  it("joins continuation lines and decodes hex(2) as UTF-16LE without the terminator", () => {
    expect(byName(result.values, "ImagePath")).toMatchObject({
      type: "REG_EXPAND_SZ",
      value: "%SystemRoot%\\System32\\svchost.exe -k NetworkService",
      line: 7,
    });
    const dll = result.values.find((v) => v.name === "ServiceDll");
    expect(dll).toMatchObject({ key: `${SVC}\\Parameters`, type: "REG_EXPAND_SZ", value: "%SystemRoot%\\System32\\termsrv.dll", line: 30 });
  });

  it("decodes hex(7) to a list, hex: to uppercase hex, hex(b) to a number", () => {
    expect(byName(result.values, "RequiredPrivileges")).toMatchObject({
      type: "REG_MULTI_SZ",
      value: ["SeAssignPrimaryTokenPrivilege", "SeAuditPrivilege", "SeChangeNotifyPrivilege"],
    });
    expect(byName(result.values, "FailureActions")).toMatchObject({
      type: "REG_BINARY",
      value: "80510100000000000000000003000000140000000100000060EA000001000000C0D401000000000000000000",
      line: 22,
    });
    expect(byName(result.values, "DelayedAutostartTime")).toMatchObject({ type: "REG_QWORD", value: 0xe8d4a51000 });
  });

  it("reads @ as the default value (name \"\") and skips comments", () => {
    expect(byName(result.values, "")).toMatchObject({ type: "REG_SZ", value: "TermService default", line: 26 });
    expect(result.values.some((v) => v.name.startsWith(";"))).toBe(false);
  });

  it("keeps deletions out of values and keys, in their own list", () => {
    expect(byName(result.values, "Removed")).toBeUndefined();
    expect(result.keys.map((k) => k.key)).toEqual([SVC, `${SVC}\\Parameters`]);
    expect(result.deletions).toEqual([
      { kind: "value", rawKey: RAW_SVC, key: SVC, name: "Removed", line: 27 },
      {
        kind: "key",
        rawKey: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\Terminal Server\\AddIns\\Obsolete",
        key: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\AddIns\\Obsolete",
        line: 35,
      },
    ]);
  });

  it("assumes ControlSet001 is current when the file has no Select, and says so", () => {
    expect(result.currentControlSet).toBe(1);
    expect(result.problems).toEqual([
      {
        code: "registry.controlset-assumed",
        message: "Select\\Current not found; assumed the lowest control set present, ControlSet001, is the current one.",
      },
    ]);
  });

  it("uses Select\\Current from select.reg when the caller passes it on", () => {
    const select = parseRegFile(decodeText(encodeAs(fixture("select.reg"), "utf-16le-bom")).text);
    expect(byName(select.values, "Current")).toMatchObject({ key: "HKLM\\SYSTEM\\Select", value: 1 });
    const withTwo = parseRegFile(decoded.text, { currentControlSet: 2 });
    expect(withTwo.values[0].key).toBe("HKLM\\SYSTEM\\ControlSet001\\Services\\TermService");
    expect(withTwo.problems).toEqual([]);
  });
});

describe("REGEDIT4 files (ANSI code page)", () => {
  it("reads a windows-1252 export: accents in strings and ANSI hex(2)/hex(7) payloads", () => {
    const decoded = decodeText(encodeAs(fixture("currentversion.regedit4.reg"), "windows-1252"));
    const result = parseRegFile(decoded.text, { ansiEncoding: "windows-1252" });
    const key = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    expect(result.version).toBe("4");
    expect(result.values.map((v) => [v.key, v.name, v.type, v.value])).toEqual([
      [key, "RegisteredOwner", "REG_SZ", "Jürgen Müller"],
      [key, "ProductName", "REG_SZ", "Windows Server 2019 Datacenter"],
      [key, "CurrentBuild", "REG_SZ", "17763"],
      [key, "PathName", "REG_EXPAND_SZ", "C:\\Windows"],
      [key, "Owners", "REG_MULTI_SZ", ["Jürgen", "Zoë"]],
    ]);
    expect(result.problems).toEqual([]);
  });

  it("decodes a Japanese REGEDIT4 file's payload bytes with the CP932 ANSI code page", () => {
    // "C:\ユーザー" in CP932, single 00 terminator.
    const text = 'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Vendor]\r\n"Owner"="山田 太郎"\r\n"Home"=hex(2):43,3a,5c,83,86,81,5b,83,55,81,5b,00\r\n';
    const decoded = decodeText(encodeAs(text, "cp932"));
    expect(decoded.encoding).toBe("cp932");
    const result = parseRegFile(decoded.text, { ansiEncoding: "cp932" });
    expect(result.values.map((v) => v.value)).toEqual(["山田 太郎", "C:\\ユーザー"]);
    // Without the hint, Japanese text in the file points to the same code page.
    expect(parseRegFile(decoded.text).values).toEqual(result.values);
  });
});

describe(".reg data forms", () => {
  const text = [
    "Windows Registry Editor Version 5.00",
    "",
    "[HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services]",
    '"fDenyTSConnections"=dword:00000001',
    '"None"=hex(0):',
    '"Sz"=hex(1):72,00,64,00,70,00,00,00',
    '"DwordLe"=hex(4):3d,0d,00,00',
    '"DwordBe"=hex(5):00,00,0d,3d',
    '"Resource"=hex(8):01,02',
    '"Requirements"=hex(a):0a,0b',
    '"Custom"=hex(100000):de,ad',
    '"BigQ"=hex(b):ff,ff,ff,ff,ff,ff,ff,ff',
    '"Empty"=""',
    '"EmptyMulti"=hex(7):00,00',
    '"Path"="C:\\\\Program Files\\\\A \\"quoted\\" name"',
    '"Wrapped"=hex:01,02,\\',
    "  03,04,\\",
    "  05",
    "",
  ].join("\r\n");
  const result = parseRegFile(text);
  const get = (name: string) => byName(result.values, name);

  it("reads hex(N) with N as the type code in hex", () => {
    expect(get("None")).toMatchObject({ type: "REG_NONE", value: "" });
    expect(get("Sz")).toMatchObject({ type: "REG_SZ", value: "rdp" });
    expect(get("DwordLe")).toMatchObject({ type: "REG_DWORD", value: 3389 });
    expect(get("DwordBe")).toMatchObject({ type: "REG_DWORD_BIG_ENDIAN", value: 3389 });
    expect(get("Resource")).toMatchObject({ type: "REG_RESOURCE_LIST", value: "0102" });
    expect(get("Requirements")).toMatchObject({ type: "REG_RESOURCE_REQUIREMENTS_LIST", value: "0A0B" });
    expect(get("Custom")).toMatchObject({ type: "REG_UNKNOWN_0x100000", value: "DEAD" });
    expect(get("BigQ")).toMatchObject({ type: "REG_QWORD", value: "18446744073709551615" });
  });

  it("reads empty strings, empty MULTI_SZ, escapes and three-line continuations", () => {
    expect(get("Empty")).toMatchObject({ type: "REG_SZ", value: "" });
    expect(get("EmptyMulti")).toMatchObject({ type: "REG_MULTI_SZ", value: [] });
    expect(get("Path")?.value).toBe('C:\\Program Files\\A "quoted" name');
    expect(get("Wrapped")).toMatchObject({ type: "REG_BINARY", value: "0102030405", line: 16 });
    expect(get("fDenyTSConnections")?.key).toBe("HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services");
    expect(result.problems).toEqual([]);
  });
});

describe(".reg damaged input", () => {
  it("records problems and carries on", () => {
    const text = [
      '"Orphan"=dword:00000001',
      "[HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography",
      "[HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography]",
      '"MachineGuid"="8f3c2a61-0b4e-4d7a-9c55-2e1f7b6a9d03"',
      '"Broken"="no closing quote',
      '"BadHex"=hex:zz,01',
      '"BadDword"=dword:xyz',
      "garbage \u0000 line",
      "[-HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Old]",
      '"UnderDeleted"=dword:00000001',
    ].join("\r\n");
    const result = parseRegFile(text);
    expect(result.version).toBeNull();
    expect(result.values.map((v) => [v.name, v.value])).toEqual([
      ["MachineGuid", "8f3c2a61-0b4e-4d7a-9c55-2e1f7b6a9d03"],
      ["Broken", "no closing quote"],
    ]);
    expect(result.problems.map((p) => [p.code, p.location])).toEqual([
      ["regfile.missing-header", "line 1"],
      ["regfile.value-without-key", "line 1"],
      ["regfile.bad-key-line", "line 2"],
      ["regfile.unterminated-string", "line 5"],
      ["regfile.bad-hex", "line 6"],
      ["regfile.bad-data", "line 7"],
      ["regfile.unparsed-line", "line 8"],
      ["regfile.value-under-deleted-key", "line 10"],
    ]);
  });

  it("terminates on megabytes of garbage, with problems capped", () => {
    const garbage = 'Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n"a"=hex:' + "0,\\\r\n".repeat(300_000) + '"b"=' + '"\\'.repeat(500_000);
    const result = parseRegFile(garbage);
    expect(result.problems.length).toBeLessThanOrEqual(501);
  }, 60_000); // Hang guard, not a speed target (speed is measured by `npm run bench`): a quadratic blow-up would not finish.
});

describe("sniffRegFile", () => {
  it("recognises both headers, BOM or not, and nothing else", () => {
    expect(sniffRegFile(fixture("termservice.reg"))).toBe(true);
    expect(sniffRegFile("\uFEFFWindows Registry Editor Version 5.00\r\n")).toBe(true);
    expect(sniffRegFile(fixture("currentversion.regedit4.reg"))).toBe(true);
    expect(sniffRegFile(fixture("terminal-server.query.txt"))).toBe(false);
    expect(sniffRegFile(fixture("machinekeys.en.txt"))).toBe(false);
  });
});

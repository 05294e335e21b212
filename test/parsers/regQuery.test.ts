import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/evidence/decodeText.js";
import { parseRegQuery, sniffRegQuery } from "../../src/parsers/regQuery.js";
import type { RegistryValue } from "../../src/parsers/types.js";
import { encodeAs, fixture, type FixtureEncoding } from "../fixtures/text/encodings.js";

function parseAs(name: string, encoding: FixtureEncoding) {
  return parseRegQuery(decodeText(encodeAs(fixture(name), encoding)).text);
}

function value(values: RegistryValue[], key: string, name: string): RegistryValue | undefined {
  return values.find((v) => v.key.toLowerCase() === key.toLowerCase() && v.name === name);
}

const TS = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server";

describe("reg query /s of an offline SYSTEM mount (BROKENSYSTEM, Select\\Current = 2)", () => {
  const result = parseAs("terminal-server.query.txt", "utf-16le-bom");

  it("maps ControlSet002 to CurrentControlSet and keeps the raw key", () => {
    expect(result.currentControlSet).toBe(2);
    expect(value(result.values, TS, "fDenyTSConnections")).toEqual({
      rawKey: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Control\\Terminal Server",
      key: TS,
      name: "fDenyTSConnections",
      type: "REG_DWORD",
      value: 1,
      line: 14,
    });
  });

  it("keeps ControlSet001 distinct: a stale set never reads as the one in effect", () => {
    const stale = result.values.filter((v) => v.rawKey.includes("ControlSet001"));
    expect(stale.map((v) => [v.key, v.name, v.value])).toEqual([
      ["HKLM\\SYSTEM\\ControlSet001\\Control\\Terminal Server", "fDenyTSConnections", 0],
    ]);
    expect(result.values.filter((v) => v.key === TS && v.name === "fDenyTSConnections")).toHaveLength(1);
  });

  it("reads Select itself under HKLM\\SYSTEM\\Select", () => {
    expect(result.values.filter((v) => v.key === "HKLM\\SYSTEM\\Select").map((v) => [v.name, v.value])).toEqual([
      ["Current", 2],
      ["Default", 2],
      ["Failed", 0],
      ["LastKnownGood", 3],
    ]);
  });

  it("reads the default value label and its (value not set) data as name \"\" and null", () => {
    expect(value(result.values, TS, "")).toMatchObject({ type: "REG_SZ", value: null, line: 12 });
  });

  it("converts data: DWORD and QWORD to numbers, binary to uppercase hex, strings as printed", () => {
    const rdp = `${TS}\\WinStations\\RDP-Tcp`;
    expect(value(result.values, rdp, "PortNumber")?.value).toBe(3389);
    expect(value(result.values, TS, "GlassSessionId")?.value).toBe(0xffffffff);
    expect(value(result.values, rdp, "SSLCertificateSHA1Hash")).toMatchObject({
      type: "REG_BINARY",
      value: "2F6A1C0E9D8B7A6F5E4D3C2B1A09F8E7D6C5B4A3",
    });
    expect(value(result.values, TS, "InstanceID")?.value).toBe("{6b0e1b5e-8d9f-4b7a-a5c2-3f1d0e9a7c21}");
    expect(value(result.values, rdp, "Comment")?.value).toBe("Default RDP listener  ");
    const lsa = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa";
    expect(value(result.values, lsa, "LsaPid")).toMatchObject({ type: "REG_QWORD", value: 76339 });
    expect(value(result.values, lsa, "InstallTime")).toMatchObject({ type: "REG_QWORD", value: "133334217339041447" });
  });

  it("reads names with spaces, MULTI_SZ lists and empty data", () => {
    const lsa = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa";
    expect(value(result.values, lsa, "Security Packages")).toMatchObject({
      type: "REG_MULTI_SZ",
      value: ["kerberos", "msv1_0", "schannel", "wdigest", "tspkg", "pku2u"],
    });
    expect(value(result.values, lsa, "Notification Packages")?.value).toEqual([]);
    expect(value(result.values, TS, "SnapshotMonitors")).toMatchObject({ type: "REG_SZ", value: "" });
  });

  it("records keys without values, because their presence matters (TLS 1.2\\Server)", () => {
    expect(result.keys.map((k) => k.key)).toContain(
      "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server",
    );
    expect(result.keys).toHaveLength(6);
    expect(result.problems).toEqual([]);
  });

  it("gives the same records from cmd (OEM), PowerShell 5.1 and PowerShell 7 files", () => {
    for (const enc of ["cp437", "utf-8", "utf-8-bom"] as const) {
      expect(parseAs("terminal-server.query.txt", enc)).toEqual(result);
    }
  });
});

describe("reg query: localized output", () => {
  it("reads a Japanese CP932 dump: (既定) is the default value, the エラー line a problem", () => {
    const result = parseAs("cryptography.query.ja.txt", "cp932");
    expect(result.values).toEqual([
      { rawKey: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography", key: "HKLM\\SOFTWARE\\Microsoft\\Cryptography", name: "", type: "REG_SZ", value: null, line: 3 },
      {
        rawKey: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography",
        key: "HKLM\\SOFTWARE\\Microsoft\\Cryptography",
        name: "MachineGuid",
        type: "REG_SZ",
        value: "8f3c2a61-0b4e-4d7a-9c55-2e1f7b6a9d03",
        line: 4,
      },
    ]);
    expect(result.problems).toEqual([
      { code: "regquery.error", message: "reg.exe reported: エラー: 指定されたレジストリ キーまたは値が見つかりませんでした。", location: "line 6" },
    ]);
  });

  it("reads German (Standard) / (Wert nicht festgelegt) from a live registry", () => {
    const result = parseAs("codepage.query.de.txt", "cp850");
    const key = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage";
    expect(result.values.map((v) => [v.key, v.name, v.value])).toEqual([
      [key, "", null],
      [key, "ACP", "1252"],
      [key, "OEMCP", "850"],
    ]);
  });

  it.each([
    ["(Default)", "utf-8"],
    ["(par défaut)", "cp850"],
    ["(Par défaut)", "utf-8"],
    ["(默认)", "utf-16le-bom"],
    ["(既定)", "utf-8"],
  ] as const)("treats %s as the default value name", (label, enc) => {
    const text = `\r\nHKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\r\n    ${label}    REG_SZ    rdp\r\n`;
    const result = parseRegQuery(decodeText(encodeAs(text, enc)).text);
    expect(result.values).toMatchObject([{ name: "", value: "rdp", key: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services" }]);
  });

  it("treats fully parenthesised data of the default value as not set in any language", () => {
    const text = "HKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n    (par défaut)    REG_SZ    (valeur non définie)\r\n    Name    REG_SZ    (literal)\r\n";
    const result = parseRegQuery(text);
    expect(result.values.map((v) => [v.name, v.value])).toEqual([
      ["", null],
      ["Name", "(literal)"],
    ]);
  });
});

describe("reg query: searches, live keys and damaged lines", () => {
  it("ignores the End of search line and compares live keys as typed", () => {
    const text = [
      "",
      "HKEY_LOCAL_MACHINE\\system\\currentcontrolset\\control\\lsa",
      "    LmCompatibilityLevel    REG_DWORD    0x5",
      "",
      "End of search: 1 match(es) found.",
      "",
    ].join("\r\n");
    const result = parseRegQuery(text);
    expect(result.values).toEqual([
      {
        rawKey: "HKEY_LOCAL_MACHINE\\system\\currentcontrolset\\control\\lsa",
        key: "HKLM\\SYSTEM\\CurrentControlSet\\control\\lsa",
        name: "LmCompatibilityLevel",
        type: "REG_DWORD",
        value: 5,
        line: 3,
      },
    ]);
    expect(result.problems).toEqual([]);
  });

  it("reports ERROR: lines as problems", () => {
    const result = parseRegQuery("ERROR: The system was unable to find the specified registry key or value.\r\n");
    expect(result.values).toEqual([]);
    expect(result.problems).toEqual([
      {
        code: "regquery.error",
        message: "reg.exe reported: ERROR: The system was unable to find the specified registry key or value.",
        location: "line 1",
      },
    ]);
  });

  it("assumes the lowest control set when Select is absent, and says so", () => {
    const text = [
      "HKEY_LOCAL_MACHINE\\OFFLINE_SYSTEM\\ControlSet002\\Control\\Terminal Server",
      "    fDenyTSConnections    REG_DWORD    0x0",
      "HKEY_LOCAL_MACHINE\\OFFLINE_SYSTEM\\ControlSet001\\Control\\Terminal Server",
      "    fDenyTSConnections    REG_DWORD    0x1",
    ].join("\r\n");
    const result = parseRegQuery(text);
    expect(result.values.map((v) => [v.key, v.value])).toEqual([
      ["HKLM\\SYSTEM\\ControlSet002\\Control\\Terminal Server", 0],
      [TS, 1],
    ]);
    expect(result.currentControlSet).toBe(1);
    expect(result.problems).toEqual([
      {
        code: "registry.controlset-assumed",
        message: "Select\\Current not found; assumed the lowest control set present, ControlSet001, is the current one.",
      },
    ]);
  });

  it("uses a Select\\Current given by the caller (from another dump)", () => {
    const text = "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Control\\Terminal Server\r\n    fDenyTSConnections    REG_DWORD    0x1\r\n";
    const result = parseRegQuery(text, { currentControlSet: 2 });
    expect(result.values[0].key).toBe(TS);
    expect(result.problems).toEqual([]);
  });

  it("turns garbage lines into problems and keeps the good lines", () => {
    const text = [
      "    orphan    REG_SZ    before any key",
      "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography",
      "    no type token here",
      "    MachineGuid    REG_SZ    8f3c2a61-0b4e-4d7a-9c55-2e1f7b6a9d03",
      "    Count    REG_DWORD    not-a-number",
      "    Odd    REG_WEIRD    0102",
      "\u0001\u0002 binary junk",
    ].join("\r\n");
    const result = parseRegQuery(text);
    expect(result.values.map((v) => [v.name, v.type, v.value])).toEqual([
      ["MachineGuid", "REG_SZ", "8f3c2a61-0b4e-4d7a-9c55-2e1f7b6a9d03"],
      ["Count", "REG_DWORD", "not-a-number"],
      ["Odd", "REG_WEIRD", "0102"],
    ]);
    expect(result.problems.map((p) => [p.code, p.location])).toEqual([
      ["regquery.value-without-key", "line 1"],
      ["regquery.unparsed-line", "line 3"],
      ["regquery.bad-number", "line 5"],
      ["regquery.unknown-type", "line 6"],
      ["regquery.unparsed-line", "line 7"],
    ]);
  });

  it("terminates on megabytes of garbage, with problems capped", () => {
    const line = "    " + "a    REG_".repeat(200) + "\r\n";
    const garbage = line.repeat(2000) + "REG_SZ ".repeat(500_000);
    const result = parseRegQuery(garbage);
    expect(result.problems.length).toBeLessThanOrEqual(501);
    expect(result.problems.at(-1)?.code).toBe("regquery.problems-truncated");
  }, 60_000); // Hang guard, not a speed target (speed is measured by `npm run bench`): a quadratic blow-up would not finish.
});

describe("sniffRegQuery", () => {
  it("recognises reg query output, not icacls or .reg files", () => {
    expect(sniffRegQuery(fixture("terminal-server.query.txt"))).toBe(true);
    expect(sniffRegQuery(fixture("cryptography.query.ja.txt"))).toBe(true);
    expect(sniffRegQuery("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\A\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\B\r\n")).toBe(true);
    expect(sniffRegQuery(fixture("machinekeys.en.txt"))).toBe(false);
    expect(sniffRegQuery(fixture("termservice.reg"))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/evidence/decodeText.js";
import { parseIcaclsDump, parseRights, rightsFromMask, sniffIcacls } from "../../src/parsers/icacls.js";
import { encodeAs, fixture, type FixtureEncoding } from "../fixtures/text/encodings.js";

const GUID = "8f3c2a61-0b4e-4d7a-9c55-2e1f7b6a9d03";
const MK = "F:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys";
const RDP_KEY = `${MK}\\f686aace6942fb7f7ceb231212eef4a4_${GUID}`;
const SESSION_ENV_SID = "S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833";

/** Reads a fixture the way the pipeline does: bytes in some encoding, decoded, parsed. */
function parseAs(name: string, encoding: FixtureEncoding) {
  return parseIcaclsDump(decodeText(encodeAs(fixture(name), encoding)).text);
}

describe("icacls listing: the MachineKeys folder and the RDP key file", () => {
  const result = parseAs("machinekeys.en.txt", "utf-16le-bom");

  it("reads the folder's default ACL: Everyone (R,W) = 0x12019F and Administrators Full, nothing inherited", () => {
    const folder = result.entries.filter((e) => e.path === MK);
    expect(folder).toEqual([
      { path: MK, principal: "Everyone", sid: "S-1-1-0", access: "allow", rights: "R,W", mask: 0x12019f, flags: [], inherited: false, line: 1 },
      { path: MK, principal: "BUILTIN\\Administrators", sid: "S-1-5-32-544", access: "allow", rights: "F", mask: 0x1f01ff, flags: [], inherited: false, line: 2 },
    ]);
  });

  it("reads the RDP key file: SYSTEM Full, NETWORK SERVICE Read, NT SERVICE\\SessionEnv with its computed SID", () => {
    const key = result.entries.filter((e) => e.path === RDP_KEY);
    expect(key.map((e) => [e.principal, e.sid, e.rights, e.mask])).toEqual([
      ["NT AUTHORITY\\SYSTEM", "S-1-5-18", "F", 0x1f01ff],
      ["NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", "R", 0x120089],
      ["NT SERVICE\\SessionEnv", SESSION_ENV_SID, "F", 0x1f01ff],
    ]);
    expect(key.map((e) => e.line)).toEqual([4, 5, 6]);
  });

  it("reads a DENY for NETWORK SERVICE and an unresolved account printed as a raw SID", () => {
    const other = result.entries.filter((e) => e.path.includes("d6d986f09a1ee04e24c949879fdb506c"));
    expect(other[0]).toMatchObject({ principal: "NT AUTHORITY\\NETWORK SERVICE", sid: "S-1-5-20", access: "deny", rights: "R" });
    expect(other[3]).toMatchObject({
      principal: "S-1-5-21-3623811015-3361044348-30300820-1013",
      sid: "S-1-5-21-3623811015-3361044348-30300820-1013",
      access: "allow",
      rights: "RX",
      mask: 0x1200a9,
    });
  });

  it("keeps a path's error line (2>&1) and the summary, with no problems", () => {
    expect(result.errors).toEqual([
      { path: `${MK}\\7a436fe806e483969f48a894af2fe9a1_${GUID}`, message: "Access is denied.", line: 12 },
    ]);
    expect(result.summary).toEqual({ succeeded: 3, failed: 1 });
    expect(result.form).toBe("listing");
    expect(result.problems).toEqual([]);
  });

  it("gives the same records whichever shell wrote the file", () => {
    for (const enc of ["utf-8", "utf-8-bom", "utf-16le-bom", "cp437", "cp850"] as const) {
      const again = parseAs("machinekeys.en.txt", enc);
      expect(again.entries).toEqual(result.entries);
      expect(again.summary).toEqual(result.summary);
    }
  });
});

describe("icacls listing: localized output", () => {
  it("reads a German cmd.exe dump in CP850: Jeder, NT-AUTORITÄT, VORDEFINIERT, German summary", () => {
    const result = parseAs("machinekeys.de.txt", "cp850");
    expect(result.entries.map((e) => [e.principal, e.sid, e.rights])).toEqual([
      ["Jeder", "S-1-1-0", "R,W"],
      ["VORDEFINIERT\\Administratoren", "S-1-5-32-544", "F"],
      ["NT-AUTORITÄT\\SYSTEM", "S-1-5-18", "F"],
      ["NT-AUTORITÄT\\NETZWERKDIENST", "S-1-5-20", "R"],
      ["VORDEFINIERT\\Administratoren", "S-1-5-32-544", "R"],
    ]);
    expect(result.entries[2].path).toBe(RDP_KEY);
    expect(result.summary).toEqual({ succeeded: 2, failed: 0 });
    expect(result.problems).toEqual([]);
  });

  it("reads a Japanese cmd.exe dump in CP932 with its summary", () => {
    const result = parseAs("rdpkey.ja.txt", "cp932");
    expect(result.entries.map((e) => [e.principal, e.sid, e.rights])).toEqual([
      ["NT AUTHORITY\\SYSTEM", "S-1-5-18", "F"],
      ["NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", "R"],
      ["BUILTIN\\Administrators", "S-1-5-32-544", "R"],
    ]);
    expect(result.summary).toEqual({ succeeded: 1, failed: 0 });
  });

  it("reads a Japanese error line and a failed-count summary without a blank line before it", () => {
    const text =
      "C:\\rdp-evidence\\history.json: 指定されたファイルが見つかりません。\r\n" +
      "0 個のファイルが正常に処理されました。1 個のファイルを処理できませんでした\r\n";
    const result = parseIcaclsDump(decodeText(encodeAs(text, "cp932")).text);
    expect(result.errors).toEqual([{ path: "C:\\rdp-evidence\\history.json", message: "指定されたファイルが見つかりません。", line: 1 }]);
    expect(result.summary).toEqual({ succeeded: 0, failed: 1 });
    expect(result.entries).toEqual([]);
  });

  it("keeps a block together when 2>&1 puts an error line inside it", () => {
    const text = [
      "C:\\keys\\a.key NT AUTHORITY\\SYSTEM:(F)",
      "C:\\keys\\b.key: Access is denied.",
      "              NT AUTHORITY\\NETWORK SERVICE:(R)",
      "",
      "Successfully processed 1 files; Failed processing 1 files",
    ].join("\r\n");
    const result = parseIcaclsDump(text);
    expect(result.entries.map((e) => [e.path, e.sid])).toEqual([
      ["C:\\keys\\a.key", "S-1-5-18"],
      ["C:\\keys\\a.key", "S-1-5-20"],
    ]);
    expect(result.errors).toEqual([{ path: "C:\\keys\\b.key", message: "Access is denied.", line: 2 }]);
    expect(result.problems).toEqual([]);
  });

  it("reads the French summary with narrow no-break spaces", () => {
    const text = "C:\\x\\a.txt AUTORITE NT\\Système:(F)\r\n\r\n1\u202Ffichiers correctement traités\u00A0; échec du traitement de 0\u00A0fichiers\r\n";
    const result = parseIcaclsDump(text);
    expect(result.summary).toEqual({ succeeded: 1, failed: 0 });
    expect(result.entries[0]).toMatchObject({ path: "C:\\x\\a.txt", principal: "AUTORITE NT\\Système", sid: "S-1-5-18" });
  });

  it("reads German error lines (Zugriff verweigert)", () => {
    const text = "C:\\Windows\\System32\\config\\SAM: Zugriff verweigert\r\n0 Dateien erfolgreich verarbeitet, bei 1 Dateien ist ein Verarbeitungsfehler aufgetreten.\r\n";
    const result = parseIcaclsDump(text);
    expect(result.errors).toEqual([{ path: "C:\\Windows\\System32\\config\\SAM", message: "Zugriff verweigert", line: 1 }]);
    expect(result.summary).toEqual({ succeeded: 0, failed: 1 });
  });
});

describe("icacls listing: paths with spaces, flags, rights and labels", () => {
  const result = parseAs("spaces.en.txt", "utf-8");
  const VP = "C:\\Program Files\\Vendor App\\keys";

  it("splits a path with spaces using the next line's indent", () => {
    const folder = result.entries.filter((e) => e.path === VP);
    expect(folder).toHaveLength(8);
    expect(folder[0]).toMatchObject({
      principal: "NT SERVICE\\TrustedInstaller",
      sid: "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
      rights: "F",
      inherited: true,
      flags: [],
    });
  });

  it("reads inheritance flags in icacls' order and (I) as inherited", () => {
    const folder = result.entries.filter((e) => e.path === VP);
    expect(folder.map((e) => e.flags.join(""))).toEqual(["", "CIIO", "OICI", "OICI", "OICI", "OICIIO", "OICI", "OICI"]);
    expect(folder.every((e) => e.inherited)).toBe(true);
    expect(folder[6]).toMatchObject({ principal: "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES", sid: "S-1-15-2-1" });
    expect(folder[7].sid).toMatch(/^S-1-15-3-1024-/);
  });

  it("reads a file with spaces in its name, a domain group with a space, and normalizes rights case", () => {
    const file = result.entries.filter((e) => e.path === `${VP}\\viewer key.pem`);
    expect(file[0]).toMatchObject({ principal: "CONTOSO\\Rdp Viewers", sid: null, rights: "M,DC", mask: 0x1301ff, inherited: true });
    expect(file[1]).toMatchObject({
      principal: "Everyone",
      access: "deny",
      rights: "W,D,Rc,GW,DC",
      mask: 0x40130156,
      flags: ["OI", "CI", "IO"],
      inherited: false,
    });
  });

  it("keeps the integrity label out of the access entries and lists it under labels", () => {
    expect(result.entries.some((e) => e.principal.startsWith("Mandatory Label"))).toBe(false);
    expect(result.labels).toEqual([
      {
        path: `${VP}\\viewer key.pem`,
        principal: "Mandatory Label\\High Mandatory Level",
        sid: "S-1-16-12288",
        policy: "NW",
        flags: [],
        inherited: false,
        line: 12,
      },
    ]);
  });

  it("splits single-ACE objects whose path has spaces at the principal that parses", () => {
    expect(result.entries.find((e) => e.path === "C:\\Users\\Public\\Shared Docs\\a b.txt")).toMatchObject({
      principal: "CONTOSO\\Rdp Viewers",
      rights: "R",
    });
    expect(result.entries.find((e) => e.path === "C:\\Users\\Public\\Shared Docs\\c d.txt")).toMatchObject({
      principal: "Everyone",
      access: "deny",
      rights: "RD",
      mask: 0x1,
    });
    expect(result.summary).toEqual({ succeeded: 4, failed: 0 });
    expect(result.problems).toEqual([]);
  });

  it("takes several objects from /t even without blank lines between them", () => {
    const text = "C:\\a.txt NT AUTHORITY\\SYSTEM:(F)\r\nC:\\b.txt Everyone:(DENY)(F)\r\n         BUILTIN\\Users:(RX)\r\n";
    const result = parseIcaclsDump(text);
    expect(result.entries.map((e) => [e.path, e.principal, e.access])).toEqual([
      ["C:\\a.txt", "NT AUTHORITY\\SYSTEM", "allow"],
      ["C:\\b.txt", "Everyone", "deny"],
      ["C:\\b.txt", "BUILTIN\\Users", "allow"],
    ]);
  });
});

describe("icacls /save (SDDL)", () => {
  const result = parseAs("machinekeys.save.txt", "utf-16le");

  it("is recognised as the /save form and pairs names with DACLs", () => {
    expect(result.form).toBe("save");
    expect(result.summary).toBeNull();
    expect(result.dacls.map((d) => [d.path, d.protected, d.autoInherited, d.line])).toEqual([
      ["MachineKeys", true, true, 2],
      [`MachineKeys\\f686aace6942fb7f7ceb231212eef4a4_${GUID}`, true, true, 4],
      [`MachineKeys\\d6d986f09a1ee04e24c949879fdb506c_${GUID}`, false, true, 6],
    ]);
    expect(result.problems).toEqual([]);
  });

  it("spells SDDL rights like icacls: 0x12019f → R,W; FA → F; FR → R", () => {
    const folder = result.entries.filter((e) => e.path === "MachineKeys");
    expect(folder).toEqual([
      { path: "MachineKeys", principal: "Everyone", sid: "S-1-1-0", access: "allow", rights: "R,W", mask: 0x12019f, flags: [], inherited: false, line: 2 },
      { path: "MachineKeys", principal: "BUILTIN\\Administrators", sid: "S-1-5-32-544", access: "allow", rights: "F", mask: 0x1f01ff, flags: [], inherited: false, line: 2 },
    ]);
    const key = result.entries.filter((e) => e.path.startsWith("MachineKeys\\f686"));
    expect(key.map((e) => [e.principal, e.sid, e.rights])).toEqual([
      ["NT AUTHORITY\\SYSTEM", "S-1-5-18", "F"],
      ["NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", "R"],
      ["NT SERVICE\\SessionEnv", SESSION_ENV_SID, "F"],
    ]);
  });

  it("reads deny ACEs, ID as inherited, OI/CI/IO flags, generic rights and raw SIDs", () => {
    const other = result.entries.filter((e) => e.path.startsWith("MachineKeys\\d6d9"));
    expect(other.map((e) => [e.principal, e.access, e.rights, e.flags.join(","), e.inherited])).toEqual([
      ["NT AUTHORITY\\NETWORK SERVICE", "deny", "F", "", false],
      ["NT AUTHORITY\\SYSTEM", "allow", "F", "", true],
      ["NT AUTHORITY\\Authenticated Users", "allow", "M", "OI,CI", true],
      ["CREATOR OWNER", "allow", "GA", "OI,CI,IO", true],
      ["S-1-5-21-3623811015-3361044348-30300820-1013", "allow", "RX", "", true],
    ]);
  });

  it("agrees with the listing of the same folder", () => {
    const listing = parseAs("machinekeys.en.txt", "utf-8").entries.filter((e) => e.path === MK);
    const saved = result.entries.filter((e) => e.path === "MachineKeys");
    expect(saved.map((e) => [e.sid, e.rights, e.mask])).toEqual(listing.map((e) => [e.sid, e.rights, e.mask]));
  });

  it("accepts a BOM and pairs lines by position even when a name starts with D:", () => {
    const text = "D:\\\r\nD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)\r\nD:\\Data\r\nD:AI(A;OICIID;FA;;;SY)\r\n";
    const result = parseIcaclsDump(decodeText(encodeAs(text, "utf-16le-bom")).text);
    expect(result.form).toBe("save");
    expect(result.entries.map((e) => [e.path, e.sid, e.inherited])).toEqual([
      ["D:\\", "S-1-5-18", false],
      ["D:\\", "S-1-5-32-544", false],
      ["D:\\Data", "S-1-5-18", true],
    ]);
  });

  it("reports a truncated file and malformed SDDL as problems", () => {
    const text = "MachineKeys\r\nD:PAI(A;;FA;;;SY)(A;;ZZ;;;BA)(A;;FA\r\nMachineKeys\\x\r\nD:PAI(A;;FA;;;SY)\r\nMachineKeys\\y\r\n";
    const result = parseIcaclsDump(text);
    expect(result.form).toBe("save");
    expect(result.problems.map((p) => p.code)).toEqual(["icacls.bad-sddl", "icacls.save-missing-sddl"]);
    expect(result.entries.map((e) => e.path)).toEqual(["MachineKeys\\x"]);
  });

  it("keeps an unknown SDDL right visible with a null mask", () => {
    const result = parseIcaclsDump("x\r\nD:(A;;ZZ;;;SY)\r\n");
    expect(result.entries[0]).toMatchObject({ rights: "ZZ", mask: null, sid: "S-1-5-18" });
    expect(result.problems.map((p) => p.code)).toEqual(["icacls.unknown-right"]);
  });
});

describe("rights", () => {
  it.each([
    [0x1f01ff, "F"],
    [0x1301bf, "M"],
    [0x1200a9, "RX"],
    [0x120089, "R"],
    [0x100116, "W"],
    [0x12019f, "R,W"],
    [0x1201bf, "RX,W"],
    [0x1301ff, "M,DC"],
    [0x1200a9 | 0x10000 | 0x40000, "RX,D,WDAC"],
    [0x40130156, "W,D,Rc,GW,DC"],
    [0x1, "RD"],
    [0x10000000, "GA"],
    [0, "N"],
  ])("mask %i is spelled %s", (mask, spelled) => {
    expect(rightsFromMask(mask)).toBe(spelled);
    expect(parseRights(spelled).mask).toBe(mask);
  });

  it("keeps unknown printed rights and leaves the mask unknown", () => {
    expect(parseRights("R,QQ")).toEqual({ rights: "R,QQ", mask: null, unknown: ["QQ"] });
  });
});

describe("icacls: damaged input", () => {
  it("records garbage lines as problems and keeps the ACEs around them", () => {
    const text = [
      "C:\\a.txt NT AUTHORITY\\SYSTEM:(F)",
      "\u0000\u0001garbage line with (parens) and :colons",
      "         BUILTIN\\Users:(RX)",
      "C:\\b.txt Everyone:(XYZ)",
      "random words",
    ].join("\r\n");
    const result = parseIcaclsDump(text);
    expect(result.entries.map((e) => [e.path, e.principal, e.rights, e.mask])).toEqual([
      ["C:\\a.txt", "NT AUTHORITY\\SYSTEM", "F", 0x1f01ff],
      ["C:\\b.txt", "Everyone", "XYZ", null],
    ]);
    expect(result.problems.map((p) => [p.code, p.location])).toEqual([
      ["icacls.unparsed-line", "line 2"],
      ["icacls.orphan-ace", "line 3"],
      ["icacls.unknown-right", "line 4"],
      ["icacls.unparsed-line", "line 5"],
    ]);
  });

  it("survives and terminates on megabytes of garbage, with a bounded problem list", () => {
    const pieces = ["x:(", ")(", "\\", " ", "REG_SZ", "D:(A;;", "\r\n", "S-1-5-", "(F)", ":", "aaaa", "\u00e4", "    "];
    let seed = 7;
    const parts: string[] = [];
    let size = 0;
    while (size < 4 * 1024 * 1024) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const p = pieces[seed % pieces.length];
      parts.push(p);
      size += p.length;
    }
    const garbage = parts.join("");
    const oneLine = "a ".repeat(1024 * 1024) + "b:(F)";
    const result = parseIcaclsDump(garbage);
    parseIcaclsDump(oneLine);
    parseIcaclsDump("(".repeat(1024 * 1024) + ")");
    expect(result.problems.length).toBeLessThanOrEqual(501);
  }, 60_000); // Hang guard, not a speed target (speed is measured by `npm run bench`): a quadratic blow-up would not finish.
});

describe("sniffIcacls", () => {
  it("recognises listings and /save output, not registry dumps", () => {
    expect(sniffIcacls(fixture("machinekeys.en.txt"))).toBe(true);
    expect(sniffIcacls(fixture("machinekeys.save.txt"))).toBe(true);
    expect(sniffIcacls(fixture("terminal-server.query.txt"))).toBe(false);
    expect(sniffIcacls(fixture("termservice.reg"))).toBe(false);
    expect(sniffIcacls("hello world")).toBe(false);
  });
});

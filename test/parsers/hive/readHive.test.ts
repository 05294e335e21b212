import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHive } from "../../../src/hiveWriter/index.js";
import {
  guessHiveName,
  hiveFileKind,
  hiveNameFromFileName,
  isRegf,
  openHive,
  readHive,
  toLogicalKey,
  transactionLogNames,
} from "../../../src/parsers/hive/index.js";
import { writeNewFormatLog } from "../../../src/hiveWriter/index.js";
import type { RegistryValue } from "../../../src/parsers/types.js";
import { pattern, softwareTree, systemTree, THUMB } from "./fixtures.js";
import { belowRoot, compareWithOracle, hasTool, parseReglookupDacl, reglookupCanRender, runReglookup, runRegfexport } from "./oracle.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hive-test-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SYSTEM = writeHive(systemTree(), { fileName: "\\REGISTRY\\MACHINE\\SYSTEM" });
const SOFTWARE = writeHive(softwareTree(), { subkeyList: "lf", fileName: "\\REGISTRY\\MACHINE\\SOFTWARE" });
const find = (values: RegistryValue[], key: string, name: string) =>
  values.find((v) => v.key.toLowerCase() === key.toLowerCase() && v.name.toLowerCase() === name.toLowerCase());

describe("readHive on a SYSTEM hive", () => {
  const r = readHive(SYSTEM, { hiveName: "SYSTEM" });

  it("reads header info and no problems", () => {
    expect(r.problems).toEqual([]);
    expect(r.info).toMatchObject({
      sequence1: 1,
      sequence2: 1,
      dirty: false,
      checksumOk: true,
      logApplied: false,
      rootName: "ROOT",
      lastWritten: "2024-01-01T00:00:00.0000000Z",
      version: "1.5",
      currentControlSet: 2,
    });
    expect(r.info.valueCount).toBe(r.values.length);
  });

  it("maps the current control set to CurrentControlSet and keeps the other raw", () => {
    const deny = find(r.values, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server", "fDenyTSConnections");
    expect(deny).toEqual({
      rawKey: "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Control\\Terminal Server",
      key: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server",
      name: "fDenyTSConnections",
      type: "REG_DWORD",
      value: 0,
      line: 0,
    });
    expect(find(r.values, "HKLM\\SYSTEM\\ControlSet001\\Control\\Terminal Server", "fDenyTSConnections")?.value).toBe(1);
    const rdp = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp";
    expect(find(r.values, rdp, "PortNumber")?.value).toBe(3389);
    expect(find(r.values, rdp, "SSLCertificateSHA1Hash")).toMatchObject({ type: "REG_BINARY", value: THUMB });
    expect(find(r.values, rdp, "SecurityLayer")?.value).toBe(2);
    const tls = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server";
    expect(find(r.values, tls, "Enabled")?.value).toBe(0);
    expect(r.keys.some((k) => k.key === tls && k.rawKey.endsWith("ControlSet002\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server"))).toBe(true);
    const svc = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService";
    expect(find(r.values, svc, "Start")?.value).toBe(4);
    expect(find(r.values, svc, "ObjectName")?.value).toBe("NT Authority\\NetworkService");
    expect(find(r.values, svc, "DependOnService")?.value).toEqual(["RPCSS"]);
    expect(find(r.values, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName", "ComputerName")?.value).toBe("VM01");
    expect(find(r.values, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa", "Security Packages")?.value).toEqual([
      "kerberos",
      "msv1_0",
      "schannel",
      "wdigest",
    ]);
    expect(find(r.values, "HKLM\\SYSTEM\\Select", "Current")?.value).toBe(2);
  });

  it("reads every key, including the 1100+ services behind an ri index root, in sorted order", () => {
    const services = r.keys.filter((k) => /^HKLM\\SYSTEM\\CurrentControlSet\\Services\\[^\\]+$/.test(k.key));
    expect(services).toHaveLength(1101);
    expect(r.keys[0]).toEqual({ rawKey: "HKEY_LOCAL_MACHINE\\SYSTEM", key: "HKLM\\SYSTEM", line: 0 });
    const names = services.map((k) => k.key.split("\\").pop()!.toUpperCase());
    expect([...names].sort()).toEqual(names);
  });

  it("guesses the hive name from content", () => {
    expect(isRegf(SYSTEM)).toBe(true);
    expect(guessHiveName(SYSTEM)).toBe("SYSTEM");
    expect(guessHiveName(SOFTWARE)).toBe("SOFTWARE");
    expect(guessHiveName(writeHive({ name: "X", keys: [{ name: "Foo" }] }, { fileName: "\\??\\C:\\x\\SOFTWARE" }))).toBe("SOFTWARE");
    expect(guessHiveName(writeHive({ name: "X", keys: [{ name: "Foo" }] }))).toBeNull();
    expect(guessHiveName(new Uint8Array(10))).toBeNull();
  });

  it("uses the mount name given by the caller in raw keys", () => {
    const b = readHive(SYSTEM, { hiveName: "BROKENSYSTEM" });
    const v = find(b.values, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server", "fDenyTSConnections");
    expect(v?.rawKey).toBe("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Control\\Terminal Server");
  });

  it("falls back to the lowest control set without Select, and says so", () => {
    const tree = systemTree(2);
    tree.keys = tree.keys.filter((k) => k.name !== "Select");
    const b = readHive(writeHive(tree), { hiveName: "SYSTEM" });
    expect(b.info.currentControlSet).toBe(1);
    expect(b.problems.map((p) => p.code)).toEqual(["hive.select.missing"]);
    expect(find(b.values, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server", "fDenyTSConnections")?.value).toBe(1);
  });

  it("streams keys and values through callbacks without collecting them", () => {
    let keys = 0;
    let values = 0;
    const s = readHive(SYSTEM, { hiveName: "SYSTEM", onKey: () => keys++, onValue: () => values++ });
    expect(s.values).toEqual([]);
    expect(values).toBe(r.values.length);
    expect(keys).toBe(r.keys.length);
  });
});

describe("readHive on a SOFTWARE hive", () => {
  const r = readHive(SOFTWARE, { hiveName: "SOFTWARE" });

  it("has no problems and reads the RDP-relevant values", () => {
    expect(r.problems).toEqual([]);
    expect(r.info.currentControlSet).toBeNull();
    expect(find(r.values, "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "MachineGuid")?.value).toBe("5a2f1d33-8f0e-4c55-9f0f-3b2d1c4e5f60");
    expect(find(r.values, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild")?.value).toBe("17763");
    expect(find(r.values, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "InstallTime")?.value).toBe(133450000000000000n.toString());
    expect(find(r.values, "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services", "fDenyTSConnections")?.value).toBe(1);
    const blob = find(r.values, `HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop\\Certificates\\${THUMB}`, "Blob");
    expect(blob?.value).toBe(Buffer.from(pattern(900, 21)).toString("hex").toUpperCase());
  });

  it("decodes every value type per the RegistryValue conventions", () => {
    const k = "HKLM\\SOFTWARE\\Microsoft\\Kitchen Sink";
    const v = (name: string) => find(r.values, k, name);
    expect(v("")).toMatchObject({ type: "REG_SZ", value: "default value text" });
    expect(v("Empty SZ")?.value).toBe("");
    expect(v("Expand")).toMatchObject({ type: "REG_EXPAND_SZ", value: "%SystemRoot%\\system32\\rdpclip.exe" });
    expect(v("Multi")?.value).toEqual(["first item", "second", "third; with, punctuation"]);
    expect(v("Multi Empty")?.value).toEqual([]);
    expect(v("Dword")?.value).toBe(0xdeadbeef);
    expect(v("BigEndian")).toMatchObject({ type: "REG_DWORD_BIG_ENDIAN", value: 0x01020304 });
    expect(v("Qword Small")?.value).toBe(1234567890123);
    expect(v("Qword Huge")?.value).toBe("18364758544493064720");
    expect(v("Binary Four")?.value).toBe("DEADBEEF");
    expect(v("Binary Empty")?.value).toBe("");
    expect(v("Link")).toMatchObject({ type: "REG_LINK", value: "\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001" });
    expect(v("Odd Type")).toMatchObject({ type: "0x00100000", value: Buffer.from(pattern(6, 14)).toString("hex").toUpperCase() });
    expect(v("Big Data")?.value).toBe(Buffer.from(pattern(40000, 15)).toString("hex").toUpperCase());
    expect(v("Big Text")?.value).toBe("x".repeat(9000) + "END");
    expect(v("Größe")?.value).toBe("Übergröße ÄÖÜ");
    expect(v("名前")?.value).toBe("日本語のテキスト");
    expect(v("Emoji 🙂")?.value).toEqual(["a🙂b", "ß"]);
    const subkeys = r.keys.filter((x) => x.key.startsWith(k + "\\")).map((x) => x.key.slice(k.length + 1));
    expect(subkeys).toEqual(["Café", "with space", "Ключи"]);
  });

  it("turns the ACLs of Remote Desktop and its Certificates key into AclEntry rows (deny SYSTEM)", () => {
    const certs = "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop\\Certificates";
    expect(r.acls.filter((a) => a.path === certs)).toEqual([
      { path: certs, principal: "NT AUTHORITY\\SYSTEM", sid: "S-1-5-18", access: "deny", rights: "F", mask: 0xf003f, flags: ["CI"], inherited: false, line: 0 },
      { path: certs, principal: "BUILTIN\\Administrators", sid: "S-1-5-32-544", access: "allow", rights: "F", mask: 0xf003f, flags: ["CI"], inherited: true, line: 0 },
      { path: certs, principal: "NT AUTHORITY\\NETWORK SERVICE", sid: "S-1-5-20", access: "allow", rights: "R", mask: 0x20019, flags: ["CI"], inherited: true, line: 0 },
      {
        path: certs,
        principal: "S-1-5-21-1004336348-1177238915-682003330-512",
        sid: "S-1-5-21-1004336348-1177238915-682003330-512",
        access: "allow",
        rights: "0x2001f",
        mask: 0x2001f,
        flags: ["OI", "CI", "IO"],
        inherited: false,
        line: 0,
      },
    ]);
    const rd = r.acls.filter((a) => a.path === "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop");
    expect(rd.map((a) => `${a.principal}:${a.access}:${a.rights}`)).toEqual([
      "NT AUTHORITY\\SYSTEM:allow:F",
      "BUILTIN\\Administrators:allow:F",
      "NT AUTHORITY\\NETWORK SERVICE:allow:R",
    ]);
  });

  it("exposes keySecurity and lazy lookups", () => {
    const hive = openHive(SOFTWARE, { hiveName: "SOFTWARE" });
    const sd = hive.keySecurity("microsoft\\systemcertificates\\remote desktop\\certificates\\" + THUMB.toLowerCase());
    expect(sd?.owner).toBe("S-1-5-32-544");
    expect(sd?.dacl?.[0]).toMatchObject({ access: "deny", sid: "S-1-5-18", mask: 0xf003f });
    expect(hive.keySecurity("Microsoft\\Nope")).toBeNull();
    const key = hive.key("Microsoft\\Cryptography")!;
    expect(hive.values(key).map((v) => [v.name, v.value])).toEqual([["MachineGuid", "5a2f1d33-8f0e-4c55-9f0f-3b2d1c4e5f60"]]);
    expect(hive.problems).toEqual([]);
  });

  it("produces no ACL rows when the keys are absent", () => {
    expect(readHive(SYSTEM, { hiveName: "SYSTEM" }).acls).toEqual([]);
  });
});

describe("file naming helpers", () => {
  it("tells primaries from logs, and names hives and their logs", () => {
    const log = writeNewFormatLog(SYSTEM, []);
    expect(hiveFileKind(SYSTEM)).toBe("primary");
    expect(hiveFileKind(log)).toBe("log");
    expect(hiveFileKind(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(readHive(log, { hiveName: "SYSTEM" }).problems.map((p) => p.code)).toContain("hive.file-type");
    expect(transactionLogNames("SYSTEM")).toEqual(["SYSTEM.LOG1", "SYSTEM.LOG2", "SYSTEM.LOG"]);
    expect(hiveNameFromFileName("hives\\config\\software")).toBe("SOFTWARE");
    expect(hiveNameFromFileName("hives/SYSTEM")).toBe("SYSTEM");
    expect(hiveNameFromFileName("hives/SYSTEM.LOG1")).toBeNull();
  });
});

describe("toLogicalKey", () => {
  it("maps mounts and the current control set", () => {
    expect(toLogicalKey("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Services", 1)).toBe("HKLM\\SYSTEM\\CurrentControlSet\\Services");
    expect(toLogicalKey("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001", 1)).toBe("HKLM\\SYSTEM\\CurrentControlSet");
    expect(toLogicalKey("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001x", 1)).toBe("HKLM\\SYSTEM\\ControlSet001x");
    expect(toLogicalKey("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services", 1)).toBe("HKLM\\SYSTEM\\ControlSet002\\Services");
    expect(toLogicalKey("HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft", null)).toBe("HKLM\\SOFTWARE\\Microsoft");
    expect(toLogicalKey("HKEY_LOCAL_MACHINE\\SOFTWARE", null)).toBe("HKLM\\SOFTWARE");
  });
});

// -------------------------------------------------------------------------------------------------
// Oracles: every value readHive returns must equal what reglookup and libregf's regfexport read.

const oracleCases: { label: string; hive: string; bytes: () => Uint8Array }[] = [
  { label: "SYSTEM (lh + ri)", hive: "SYSTEM", bytes: () => SYSTEM },
  { label: "SOFTWARE (lf + ri)", hive: "SOFTWARE", bytes: () => SOFTWARE },
  { label: "SOFTWARE (li + ri, leaf 64)", hive: "SOFTWARE", bytes: () => writeHive(softwareTree(300), { subkeyList: "li", leafSize: 64 }) },
  { label: "SOFTWARE (minor 3, no big data)", hive: "SOFTWARE", bytes: () => writeHive(softwareTree(10), { minorVersion: 3 }) },
];

describe.skipIf(!hasTool("reglookup"))("oracle: reglookup", () => {
  for (const c of oracleCases) {
    it(`agrees on every value and key of ${c.label}`, () => {
      const file = join(dir, `${c.label.replace(/\W+/g, "_")}.rl`);
      const bytes = c.bytes();
      writeFileSync(file, bytes);
      const ours = readHive(bytes, { hiveName: c.hive });
      expect(ours.problems).toEqual([]);
      const rl = runReglookup(file);
      const cmp = compareWithOracle(ours.values, c.hive, rl.values, "reglookup", reglookupCanRender);
      console.log(`[oracle] reglookup ${c.label}: ${cmp.compared} values compared, ${cmp.skipped.length} skipped (non-ASCII text), ${cmp.mismatches.length} mismatches`);
      expect(cmp.mismatches).toEqual([]);
      expect(cmp.compared).toBeGreaterThan(ours.values.length * 0.9);
      // reglookup prints every key; compare the ASCII ones (it mangles other names).
      const ourKeys = ours.keys.map((k) => belowRoot(k.rawKey, c.hive)).filter((p) => /^[\x20-\x7e]*$/.test(p));
      const theirs = new Set(rl.keys.map((k) => k.path));
      expect(ourKeys.filter((k) => !theirs.has(k))).toEqual([]);
      expect(rl.keys.length).toBe(ours.keys.length);
    });
  }

  it("agrees on the DACLs of the Remote Desktop keys (reglookup -s)", () => {
    const file = join(dir, "software-acl.rl");
    writeFileSync(file, SOFTWARE);
    const rl = runReglookup(file, true);
    const ours = readHive(SOFTWARE, { hiveName: "SOFTWARE" });
    for (const path of ["Microsoft\\SystemCertificates\\Remote Desktop", "Microsoft\\SystemCertificates\\Remote Desktop\\Certificates"]) {
      const k = rl.keys.find((x) => x.path === path)!;
      const theirs = parseReglookupDacl(k.dacl ?? "");
      const mine = ours.acls
        .filter((a) => a.path === `HKLM\\SOFTWARE\\${path}`)
        .map((a) => ({ sid: a.sid, access: a.access, mask: a.mask, flags: [...a.flags].sort(), inherited: a.inherited }));
      expect(mine).toEqual(theirs);
    }
  });
});

describe.skipIf(!hasTool("regfexport"))("oracle: regfexport (libregf)", () => {
  for (const c of oracleCases) {
    it(`agrees on every value and key of ${c.label}`, () => {
      const file = join(dir, `${c.label.replace(/\W+/g, "_")}.rx`);
      const bytes = c.bytes();
      writeFileSync(file, bytes);
      const ours = readHive(bytes, { hiveName: c.hive });
      const rx = runRegfexport(file);
      const cmp = compareWithOracle(ours.values, c.hive, rx.values, "regfexport");
      console.log(
        `[oracle] regfexport ${c.label}: ${cmp.compared} values compared, ${cmp.skipped.length} skipped (${[...new Set(cmp.skipped.map((s) => s.why))].join("; ") || "none"}), ${cmp.mismatches.length} mismatches`,
      );
      expect(cmp.mismatches).toEqual([]);
      expect(cmp.compared).toBeGreaterThan(ours.values.length * 0.9);
      expect(rx.keys.map((k) => k.path)).toEqual(ours.keys.map((k) => belowRoot(k.rawKey, c.hive)));
    });
  }

  it("the comparison itself catches a wrong value, type or a missing value", () => {
    const file = join(dir, "meta.rx");
    writeFileSync(file, SYSTEM);
    const rx = runRegfexport(file).values;
    const ours = readHive(SYSTEM, { hiveName: "SYSTEM" }).values;
    const i = ours.findIndex((v) => v.name === "PortNumber");
    const wrong = ours.map((v, j) => (j === i ? { ...v, value: 3391 } : j === i + 1 ? { ...v, type: "REG_SZ" } : v));
    const cmp = compareWithOracle(wrong.slice(0, -1), "SYSTEM", rx, "regfexport");
    expect(cmp.mismatches).toHaveLength(3);
  });
});

import { describe, expect, it } from "vitest";
import {
  findSelectCurrent,
  logicalRegistryKey,
  normalizeRegistryKeys,
  registryKeyId,
  sameRegistryKey,
} from "../../src/parsers/registryPath.js";
import type { RegistryKey, RegistryValue } from "../../src/parsers/types.js";

const TS = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server";

function dword(rawKey: string, name: string, value: number, line = 1): RegistryValue {
  return { rawKey, key: "", name, type: "REG_DWORD", value, line };
}

describe("logicalRegistryKey: offline mounts", () => {
  it("maps the current control set of BROKENSYSTEM to CurrentControlSet", () => {
    expect(logicalRegistryKey("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Control\\Terminal Server", 2)).toEqual({
      key: TS,
      hive: "SYSTEM",
      controlSet: 2,
    });
  });

  it("keeps a control set that is not the current one distinct", () => {
    expect(logicalRegistryKey("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\Terminal Server", 2)).toEqual({
      key: "HKLM\\SYSTEM\\ControlSet001\\Control\\Terminal Server",
      hive: "SYSTEM",
      controlSet: 1,
    });
  });

  it("keeps ControlSet00N as it is, with a note, when the current set is unknown", () => {
    const logical = logicalRegistryKey("HKLM\\BROKENSYSTEM\\ControlSet001\\Services\\TermService", null);
    expect(logical).toMatchObject({ key: "HKLM\\SYSTEM\\ControlSet001\\Services\\TermService", controlSet: 1 });
    expect(logical.assumption).toContain("current control set unknown");
  });

  it.each([
    ["HKEY_LOCAL_MACHINE\\OFFLINE_SYSTEM\\ControlSet001\\Control\\Lsa", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa"],
    ["HKLM\\SYS1\\ControlSet001\\Control\\Lsa", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa"],
    ["HKLM\\RESCUE\\ControlSet001\\Control\\Lsa", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa"],
    ["HKLM\\BROKENSYSTEM\\Select", "HKLM\\SYSTEM\\Select"],
    ["HKLM\\X\\MountedDevices", "HKLM\\SYSTEM\\MountedDevices"],
    ["HKLM\\BROKENSYSTEM", "HKLM\\SYSTEM"],
  ])("recognises the SYSTEM hive in %s", (raw, key) => {
    expect(logicalRegistryKey(raw, 1)).toMatchObject({ key, hive: "SYSTEM" });
  });

  it.each([
    ["HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography", "HKLM\\SOFTWARE\\Microsoft\\Cryptography"],
    ["HKLM\\OFFLINE_SW\\Policies\\Microsoft\\Windows NT\\Terminal Services", "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services"],
    ["HKLM\\MyHive\\Classes\\CLSID", "HKLM\\SOFTWARE\\Classes\\CLSID"],
    ["HKLM\\TEMP\\WOW6432Node\\Vendor", "HKLM\\SOFTWARE\\WOW6432Node\\Vendor"],
    ["HKLM\\BROKENSOFTWARE", "HKLM\\SOFTWARE"],
  ])("recognises the SOFTWARE hive in %s", (raw, key) => {
    expect(logicalRegistryKey(raw, 1)).toMatchObject({ key, hive: "SOFTWARE", controlSet: null });
  });

  it("prefers what lies below the mount over the mount's name", () => {
    expect(logicalRegistryKey("HKLM\\SYSTEM_COPY\\Microsoft\\Cryptography", 1)).toMatchObject({ hive: "SOFTWARE" });
  });

  it("keeps unknown mounts and volatile keys as they are", () => {
    expect(logicalRegistryKey("HKLM\\TEMPHIVE\\Foo\\Bar", 1)).toEqual({ key: "HKLM\\TEMPHIVE\\Foo\\Bar", hive: "UNKNOWN", controlSet: null });
    expect(logicalRegistryKey("HKLM\\HARDWARE\\DESCRIPTION\\System", 1)).toMatchObject({ hive: "UNKNOWN" });
  });

  it("reads a key without a root as lying under HKLM, and says so", () => {
    const logical = logicalRegistryKey("BROKENSYSTEM\\ControlSet001\\Control", 1);
    expect(logical).toMatchObject({ key: "HKLM\\SYSTEM\\CurrentControlSet\\Control", hive: "SYSTEM" });
    expect(logical.assumption).toContain("no root key");
  });
});

describe("logicalRegistryKey: live registry forms", () => {
  it("normalizes HKEY_LOCAL_MACHINE and HKLM spellings to the same key", () => {
    const a = logicalRegistryKey("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server", 2);
    const b = logicalRegistryKey("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\", 2);
    expect(a).toEqual({ key: TS, hive: "SYSTEM", controlSet: 2 });
    expect(b).toEqual(a);
  });

  it("keeps the case of the components after the prefix", () => {
    expect(logicalRegistryKey("HKEY_LOCAL_MACHINE\\system\\currentcontrolset\\control\\lsa", null).key).toBe(
      "HKLM\\SYSTEM\\CurrentControlSet\\control\\lsa",
    );
    expect(logicalRegistryKey("hklm\\software\\microsoft\\Cryptography", null).key).toBe("HKLM\\SOFTWARE\\microsoft\\Cryptography");
  });

  it("maps the other roots", () => {
    expect(logicalRegistryKey("HKEY_CURRENT_USER\\Software\\Microsoft\\Terminal Server Client", null)).toMatchObject({
      key: "HKCU\\Software\\Microsoft\\Terminal Server Client",
      hive: "NTUSER",
    });
    expect(logicalRegistryKey("HKEY_USERS\\.DEFAULT\\Control Panel", null)).toMatchObject({ hive: "DEFAULT" });
    expect(logicalRegistryKey("HKU\\S-1-5-21-1-2-3-1001\\Software", null)).toMatchObject({ hive: "NTUSER" });
    expect(logicalRegistryKey("HKEY_CURRENT_CONFIG\\System", 1).key).toBe("HKLM\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current\\System");
  });
});

describe("comparing keys", () => {
  it("compares case-insensitively, raw or logical", () => {
    expect(sameRegistryKey("HKEY_LOCAL_MACHINE\\system\\currentcontrolset\\control\\lsa", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa")).toBe(true);
    expect(sameRegistryKey("HKLM\\SOFTWARE\\A", "HKLM\\SOFTWARE\\B")).toBe(false);
    expect(registryKeyId(TS)).toBe("hklm\\system\\currentcontrolset\\control\\terminal server");
  });
});

describe("Select\\Current and whole dumps", () => {
  const values: RegistryValue[] = [
    dword("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\Select", "Current", 2),
    dword("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\Select", "LastKnownGood", 3),
    dword("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet001\\Control\\Terminal Server", "fDenyTSConnections", 0),
    dword("HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Control\\Terminal Server", "fDenyTSConnections", 1),
  ];
  const keys: RegistryKey[] = [{ rawKey: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\ControlSet002\\Control\\Terminal Server\\WinStations", key: "", line: 9 }];

  it("finds Select\\Current under any mount name", () => {
    expect(findSelectCurrent(values)).toBe(2);
    expect(findSelectCurrent([dword("HKLM\\SYS1\\Select", "current", 1)])).toBe(1);
    expect(findSelectCurrent([dword("HKLM\\SOFTWARE\\Select", "Current", 1)])).toBeNull();
    expect(findSelectCurrent(values.slice(2))).toBeNull();
  });

  it("maps ControlSet002 to CurrentControlSet and leaves ControlSet001 distinct", () => {
    const dump = normalizeRegistryKeys(values, keys);
    expect(dump.currentControlSet).toBe(2);
    expect(dump.assumption).toBeNull();
    expect(dump.values.map((v) => v.key)).toEqual([
      "HKLM\\SYSTEM\\Select",
      "HKLM\\SYSTEM\\Select",
      "HKLM\\SYSTEM\\ControlSet001\\Control\\Terminal Server",
      TS,
    ]);
    expect(dump.keys[0].key).toBe(`${TS}\\WinStations`);
    expect(values[3].key).toBe(""); // inputs are not modified
  });

  it("falls back to the lowest control set when Select is absent, with an assumption", () => {
    const dump = normalizeRegistryKeys(values.slice(2).reverse(), keys);
    expect(dump.currentControlSet).toBe(1);
    expect(dump.assumption).toContain("ControlSet001");
    expect(dump.values.map((v) => v.key)).toEqual(["HKLM\\SYSTEM\\ControlSet002\\Control\\Terminal Server", TS]);
  });

  it("lets the caller's Select\\Current win over the dump's", () => {
    expect(normalizeRegistryKeys(values, keys, 1).values[2].key).toBe(TS);
  });

  it("needs no assumption for dumps without control sets", () => {
    const dump = normalizeRegistryKeys([dword("HKLM\\BROKENSOFTWARE\\Microsoft\\Cryptography", "x", 1)], []);
    expect(dump).toMatchObject({ currentControlSet: null, assumption: null });
  });
});

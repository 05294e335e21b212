import { describe, expect, it } from "vitest";
import { registryMountRoots } from "../../src/store/evidence.js";
import { openIndex } from "../../src/store/db.js";

// The `reg load` names an engineer used, read back from the raw keys so that offline scripts load the
// hives under the same names. One entry per root whatever the number of keys (a whole-hive dump has
// hundreds of thousands), in the raw keys' order, the first spelling of a root kept.

describe("registryMountRoots", () => {
  it("lists each mount root once with its logical root, in raw-key order, first spelling kept", () => {
    const db = openIndex(":memory:");
    try {
      db.prepare("INSERT INTO sources(id, path, kind, sha256, size, indexed_at) VALUES (1, 'reg/a.reg', 'reg-file', 'x', 0, 'now')").run();
      const value = db.prepare("INSERT INTO registry_values(source_id, key, raw_key, name, type, value, line) VALUES (1, ?, ?, 'v', 'REG_DWORD', 1, 1)");
      const key = db.prepare("INSERT INTO registry_keys(source_id, key, raw_key, line) VALUES (1, ?, ?, 1)");
      for (let i = 0; i < 2000; i++) value.run(`HKLM\\SYSTEM\\ControlSet001\\Services\\S${i}`, `HKEY_LOCAL_MACHINE\\OFFLINE_SYS\\ControlSet001\\Services\\S${i}`);
      value.run("HKLM\\SOFTWARE\\Microsoft", "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft");
      key.run("HKLM\\SYSTEM\\Select", "hkey_local_machine\\offline_sys\\Select"); // another spelling of a root seen above
      key.run("HKLM\\SYSTEM\\Select", "HKEY_LOCAL_MACHINE\\BROKENSYSTEM\\Select");
      key.run("HKLM", "HKEY_LOCAL_MACHINE"); // no mount: not a root
      expect(registryMountRoots(db)).toEqual([
        { rawRoot: "HKEY_LOCAL_MACHINE\\BROKENSOFTWARE", logicalRoot: "HKLM\\SOFTWARE" },
        { rawRoot: "HKEY_LOCAL_MACHINE\\BROKENSYSTEM", logicalRoot: "HKLM\\SYSTEM" },
        { rawRoot: "HKEY_LOCAL_MACHINE\\OFFLINE_SYS", logicalRoot: "HKLM\\SYSTEM" },
      ]);
    } finally {
      db.close();
    }
  });
});

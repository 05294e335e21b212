import { describe, expect, it } from "vitest";
import { analyzeMachineKeysAcl } from "../../src/scenarios/lib/machineKeysAcl.js";
import type { AclEntry } from "../../src/parsers/types.js";
import { ACE, DEFAULT_KEY_ACL, MACHINE_GUID, RDP_KEY, evidenceOf, machineKeysAcl, type Ace } from "./fixtures.js";

const analyze = (acl: AclEntry[], machineGuid: string | null = MACHINE_GUID, keyFileExpected: boolean | null = null) =>
  analyzeMachineKeysAcl(evidenceOf({ acl }), { machineGuid, keyFileExpected });

/** The same ACE as an icacls listing prints it when the parser could not compute a mask. */
const unmasked = (a: Ace): Ace => ({ ...a, mask: null });

describe("MachineKeys ACL analysis", () => {
  it("recognizes Windows' default folder ACL from the listing's rights alone", () => {
    const a = analyze(machineKeysAcl({ folder: [unmasked(ACE.everyoneReadWrite), unmasked(ACE.administratorsFull)], files: { [RDP_KEY]: DEFAULT_KEY_ACL } }));
    expect(a.folderIsDefault).toBe(true);
    expect(a.liveKeyFound).toBe(true);
    expect(a.faults).toEqual([]);
  });

  it("reads principals by SID, so a German listing works the same", () => {
    const german: Ace[] = [
      { ...ACE.systemFull, principal: "NT-AUTORITÄT\\SYSTEM" },
      { ...ACE.denyNetworkServiceRead, principal: "NT-AUTORITÄT\\NETZWERKDIENST" },
    ];
    const a = analyze(machineKeysAcl({ folder: [{ ...ACE.everyoneReadWrite, principal: "Jeder" }, { ...ACE.administratorsFull, principal: "VORDEFINIERT\\Administratoren" }], files: { [RDP_KEY]: german } }));
    expect(a.folderIsDefault).toBe(true);
    expect(a.faults.map((f) => f.kind)).toEqual(["key-deny", "key-no-network-service-read"]);
  });

  it("ignores inherit-only ACEs on the key file", () => {
    const a = analyze(machineKeysAcl({ files: { [RDP_KEY]: [...DEFAULT_KEY_ACL, { ...ACE.denySystemFull, flags: ["OI", "IO"] }] } }));
    expect(a.faults).toEqual([]);
  });

  it("reads the relative names of an icacls /save dump", () => {
    const acl: AclEntry[] = [
      { path: "MachineKeys", principal: "S-1-1-0", sid: "S-1-1-0", access: "allow", rights: "R,W", mask: 0x12019f, flags: [], inherited: false, line: 2 },
      { path: "MachineKeys", principal: "S-1-5-32-544", sid: "S-1-5-32-544", access: "allow", rights: "F", mask: 0x1f01ff, flags: [], inherited: false, line: 2 },
      { path: `MachineKeys\\${RDP_KEY}`, principal: "S-1-5-18", sid: "S-1-5-18", access: "allow", rights: "F", mask: 0x1f01ff, flags: [], inherited: false, line: 4 },
    ];
    const a = analyze(acl);
    expect(a.folderIsDefault).toBe(true);
    expect(a.faults.map((f) => f.kind)).toEqual(["key-no-network-service-read"]);
  });

  it("marks a folder that no longer lets services create keys as suspicious only", () => {
    const a = analyze(machineKeysAcl({ folder: [ACE.administratorsFull, ACE.systemFull], files: { [RDP_KEY]: DEFAULT_KEY_ACL } }));
    expect(a.faults).toMatchObject([{ kind: "folder-hardened", strength: "suspicious" }]);
  });

  it("without a MachineGuid, judges every f686 container but only as suspicious", () => {
    const a = analyze(machineKeysAcl({ files: { [RDP_KEY]: [ACE.denySystemFull] } }), null);
    expect(a.liveKeyName).toBeNull();
    expect(a.faults.length).toBeGreaterThan(0);
    expect(a.faults.every((f) => f.strength === "suspicious")).toBe(true);
  });

  it("leaves the DSS MachineKeys folder alone", () => {
    const acl = machineKeysAcl({ folder: [ACE.denySystemFull] }).map((e) => ({ ...e, path: e.path.replace("\\RSA\\", "\\DSS\\") }));
    expect(analyze(acl).collected).toBe(false);
  });
});

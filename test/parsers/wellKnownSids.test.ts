import { describe, expect, it } from "vitest";
import {
  isWellKnownAuthority,
  sddlTrusteeSid,
  serviceSid,
  wellKnownSid,
  wellKnownSidName,
} from "../../src/parsers/wellKnownSids.js";

describe("wellKnownSid: English names as icacls prints them", () => {
  it.each([
    ["NT AUTHORITY\\SYSTEM", "S-1-5-18"],
    ["NT AUTHORITY\\LOCAL SERVICE", "S-1-5-19"],
    ["NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20"],
    ["NT AUTHORITY\\Authenticated Users", "S-1-5-11"],
    ["BUILTIN\\Administrators", "S-1-5-32-544"],
    ["BUILTIN\\Users", "S-1-5-32-545"],
    ["BUILTIN\\Remote Desktop Users", "S-1-5-32-555"],
    ["Everyone", "S-1-1-0"],
    ["CREATOR OWNER", "S-1-3-0"],
    ["APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES", "S-1-15-2-1"],
    ["Mandatory Label\\High Mandatory Level", "S-1-16-12288"],
  ])("%s → %s", (name, sid) => {
    expect(wellKnownSid(name)).toBe(sid);
  });

  it("accepts the bare names the article and engineers write (SYSTEM, NETWORK SERVICE)", () => {
    expect(wellKnownSid("SYSTEM")).toBe("S-1-5-18");
    expect(wellKnownSid("NETWORK SERVICE")).toBe("S-1-5-20");
    expect(wellKnownSid("Administrators")).toBe("S-1-5-32-544");
  });

  it("ignores case and extra spaces", () => {
    expect(wellKnownSid("nt authority\\system")).toBe("S-1-5-18");
    expect(wellKnownSid("  builtin\\ADMINISTRATORS ")).toBe("S-1-5-32-544");
    expect(wellKnownSid("NT AUTHORITY\\NETWORK  SERVICE")).toBe("S-1-5-20");
  });
});

describe("wellKnownSid: localized names", () => {
  it.each([
    ["NT-AUTORITÄT\\SYSTEM", "S-1-5-18"],
    ["NT-AUTORITÄT\\NETZWERKDIENST", "S-1-5-20"],
    ["NT-AUTORITÄT\\LOKALER DIENST", "S-1-5-19"],
    ["NT-AUTORITÄT\\Authentifizierte Benutzer", "S-1-5-11"],
    ["VORDEFINIERT\\Administratoren", "S-1-5-32-544"],
    ["VORDEFINIERT\\Benutzer", "S-1-5-32-545"],
    ["VORDEFINIERT\\Remotedesktopbenutzer", "S-1-5-32-555"],
    ["Jeder", "S-1-1-0"],
    ["ERSTELLER-BESITZER", "S-1-3-0"],
    ["AUTORITE NT\\Système", "S-1-5-18"],
    ["AUTORITÉ NT\\SERVICE RÉSEAU", "S-1-5-20"],
    ["BUILTIN\\Administrateurs", "S-1-5-32-544"],
    ["Tout le monde", "S-1-1-0"],
  ])("%s → %s", (name, sid) => {
    expect(wellKnownSid(name)).toBe(sid);
  });

  it("matches without accents (a console that dropped them)", () => {
    expect(wellKnownSid("NT-AUTORITAT\\SYSTEM")).toBe("S-1-5-18");
    expect(wellKnownSid("AUTORITE NT\\Systeme")).toBe("S-1-5-18");
  });
});

describe("wellKnownSid: SIDs and service SIDs", () => {
  it("returns raw SIDs as they are, with the S upper-cased and icacls' * prefix dropped", () => {
    const sid = "S-1-5-21-3623811015-3361044348-30300820-1013";
    expect(wellKnownSid(sid)).toBe(sid);
    expect(wellKnownSid("s-1-5-18")).toBe("S-1-5-18");
    expect(wellKnownSid("*S-1-5-20")).toBe("S-1-5-20");
  });

  it("computes NT SERVICE\\<name> SIDs (SHA-1 of the upper-cased UTF-16LE name)", () => {
    expect(wellKnownSid("NT SERVICE\\SessionEnv")).toBe("S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833");
    expect(wellKnownSid("NT SERVICE\\TrustedInstaller")).toBe("S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464");
    expect(serviceSid("sessionenv")).toBe(serviceSid("SessionEnv"));
    expect(wellKnownSid("NT SERVICE\\ALL SERVICES")).toBe("S-1-5-80-0");
  });

  it("does not guess machine or domain accounts", () => {
    expect(wellKnownSid("CONTOSO\\Administrators")).toBeNull();
    expect(wellKnownSid("WIN-RESCUE01\\azureuser")).toBeNull();
    expect(wellKnownSid("CONTOSO\\Rdp Viewers")).toBeNull();
    expect(wellKnownSid("")).toBeNull();
    expect(wellKnownSid("NT SERVICE\\")).toBeNull();
  });
});

describe("SDDL trustees and names", () => {
  it.each([
    ["SY", "S-1-5-18"], ["BA", "S-1-5-32-544"], ["WD", "S-1-1-0"], ["NS", "S-1-5-20"], ["LS", "S-1-5-19"],
    ["AU", "S-1-5-11"], ["BU", "S-1-5-32-545"], ["CO", "S-1-3-0"], ["AC", "S-1-15-2-1"], ["RD", "S-1-5-32-555"],
    ["sy", "S-1-5-18"],
  ])("%s → %s", (alias, sid) => {
    expect(sddlTrusteeSid(alias)).toBe(sid);
  });

  it("leaves domain-relative aliases and junk unresolved, passes raw SIDs through", () => {
    expect(sddlTrusteeSid("DA")).toBeNull();
    expect(sddlTrusteeSid("LA")).toBeNull();
    expect(sddlTrusteeSid("ZZ")).toBeNull();
    expect(sddlTrusteeSid("S-1-5-21-1-2-3-500")).toBe("S-1-5-21-1-2-3-500");
  });

  it("names well-known SIDs in English, including RDP's service SIDs", () => {
    expect(wellKnownSidName("S-1-5-20")).toBe("NT AUTHORITY\\NETWORK SERVICE");
    expect(wellKnownSidName("S-1-1-0")).toBe("Everyone");
    expect(wellKnownSidName("S-1-5-32-544")).toBe("BUILTIN\\Administrators");
    expect(wellKnownSidName("S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833")).toBe("NT SERVICE\\SessionEnv");
    expect(wellKnownSidName("S-1-5-21-1-2-3-1001")).toBeNull();
  });

  it("knows the built-in authorities in every language", () => {
    expect(isWellKnownAuthority("NT-AUTORITÄT")).toBe(true);
    expect(isWellKnownAuthority("vordefiniert")).toBe(true);
    expect(isWellKnownAuthority("NT SERVICE")).toBe(true);
    expect(isWellKnownAuthority("CONTOSO")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { decodeText, looksLikeText } from "../../src/evidence/decodeText.js";
import { encodeAs, fixture } from "../fixtures/text/encodings.js";

describe("decodeText: byte order marks", () => {
  it("reads Windows PowerShell 5.1 `>` output as UTF-16LE with BOM and strips the BOM", () => {
    const text = fixture("machinekeys.en.txt");
    const decoded = decodeText(encodeAs(text, "utf-16le-bom"));
    expect(decoded.encoding).toBe("utf-16le-bom");
    expect(decoded.text).toBe(text);
    expect(decoded.text.charCodeAt(0)).not.toBe(0xfeff);
    expect(decoded.reason).toContain("BOM FF FE");
  });

  it("reads UTF-8 with BOM", () => {
    const text = fixture("machinekeys.de.txt");
    const decoded = decodeText(encodeAs(text, "utf-8-bom"));
    expect(decoded).toMatchObject({ encoding: "utf-8-bom", text });
  });

  it("reads UTF-16BE with and without BOM", () => {
    const text = fixture("rdpkey.ja.txt");
    expect(decodeText(encodeAs(text, "utf-16be-bom"))).toMatchObject({ encoding: "utf-16be-bom", text });
    expect(decodeText(encodeAs(text, "utf-16be"))).toMatchObject({ encoding: "utf-16be", text });
  });

  it("keeps a UTF-16 file with an odd trailing byte readable", () => {
    const bytes = encodeAs("HKEY_LOCAL_MACHINE\\SOFTWARE\r\n", "utf-16le-bom");
    const decoded = decodeText(Uint8Array.from([...bytes, 0x41]));
    expect(decoded.text).toBe("HKEY_LOCAL_MACHINE\\SOFTWARE\r\n");
    expect(decoded.reason).toContain("odd trailing byte");
  });
});

describe("decodeText: without BOM", () => {
  it("recognises `icacls /save` output as UTF-16LE by its NUL pattern", () => {
    const text = fixture("machinekeys.save.txt");
    const decoded = decodeText(encodeAs(text, "utf-16le"));
    expect(decoded.encoding).toBe("utf-16le");
    expect(decoded.text).toBe(text);
    expect(decoded.reason).toMatch(/odd bytes/);
  });

  it("reads PowerShell 7 output as UTF-8 without BOM, accents included", () => {
    const text = fixture("machinekeys.de.txt");
    const decoded = decodeText(encodeAs(text, "utf-8"));
    expect(decoded).toMatchObject({ encoding: "utf-8", text });
    expect(decoded.reason).toContain("strict UTF-8");
  });

  it("calls pure ASCII utf-8", () => {
    expect(decodeText(encodeAs(fixture("spaces.en.txt"), "cp437"))).toMatchObject({ encoding: "utf-8", reason: "no BOM; pure ASCII" });
  });

  it("still calls UTF-8 a file head that cuts the last character in two (classification reads 64 KB)", () => {
    const bytes = encodeAs("    (par défaut)    REG_SZ    Café", "utf-8");
    const decoded = decodeText(bytes.subarray(0, bytes.length - 1)); // C3 of é kept, A9 cut off
    expect(decoded.encoding).toBe("utf-8");
    expect(decoded.text).toBe("    (par défaut)    REG_SZ    Caf\uFFFD");
    expect(decoded.reason).toContain("incomplete sequence");
  });

  it("decodes an empty file to empty text", () => {
    expect(decodeText(new Uint8Array())).toMatchObject({ text: "", encoding: "utf-8" });
  });
});

describe("decodeText: console code pages (cmd.exe `>`)", () => {
  it("reads a German cmd listing as CP850 (NT-AUTORITÄT, Jeder, German summary)", () => {
    const text = fixture("machinekeys.de.txt");
    const decoded = decodeText(encodeAs(text, "cp850"));
    expect(decoded.encoding).toBe("cp850");
    expect(decoded.text).toBe(text);
    expect(decoded.text).toContain("NT-AUTORITÄT\\NETZWERKDIENST:(R)");
    expect(decoded.reason).toContain("NT-AUTORITÄT");
  });

  it("reads French cmd output (AUTORITE NT\\Système) as CP850", () => {
    const text = "C:\\Données\\clé.pem AUTORITE NT\\Système:(F)\r\n                   BUILTIN\\Administrateurs:(F)\r\n\r\n1 fichiers correctement traités ; échec du traitement de 0 fichiers\r\n";
    const decoded = decodeText(encodeAs(text, "cp850"));
    expect(decoded).toMatchObject({ encoding: "cp850", text });
  });

  it("labels a US console's accented path CP437 when nothing says German or French", () => {
    const text = "C:\\Users\\José\\key.pem NT AUTHORITY\\SYSTEM:(F)\r\n\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n";
    const decoded = decodeText(encodeAs(text, "cp437"));
    expect(decoded).toMatchObject({ encoding: "cp437", text });
  });

  it("tells CP437 from CP850 where they differ (ø is 0x9B in CP850, ¢ in CP437)", () => {
    const text = "C:\\Users\\Søren Østergård\\key.pem NT AUTHORITY\\SYSTEM:(F)\r\n";
    expect(decodeText(encodeAs(text, "cp850"))).toMatchObject({ encoding: "cp850", text });
  });

  it("reads the Japanese icacls summary as CP932", () => {
    const text = fixture("rdpkey.ja.txt");
    const decoded = decodeText(encodeAs(text, "cp932"));
    expect(decoded.encoding).toBe("cp932");
    expect(decoded.text).toBe(text);
    expect(decoded.text).toContain("1 個のファイルが正常に処理されました。0 個のファイルを処理できませんでした");
  });

  it("reads a Japanese reg query (既定) as CP932, even when that is the only non-ASCII text", () => {
    const text = "\r\nHKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Cryptography\r\n    (既定)    REG_SZ    \r\n";
    expect(decodeText(encodeAs(text, "cp932"))).toMatchObject({ encoding: "cp932", text });
    expect(decodeText(encodeAs(fixture("cryptography.query.ja.txt"), "cp932")).encoding).toBe("cp932");
  });

  it("reads a REGEDIT4 file in the ANSI code page windows-1252", () => {
    const text = fixture("currentversion.regedit4.reg");
    const decoded = decodeText(encodeAs(text, "windows-1252"));
    expect(decoded).toMatchObject({ encoding: "windows-1252", text });
    expect(decoded.reason).toContain("REGEDIT4");
  });

  it("reads a Japanese REGEDIT4 file (ANSI = 932) as CP932", () => {
    const text = 'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\BROKENSOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"RegisteredOwner"="山田 太郎"\r\n"RegisteredOrganization"="株式会社コントソ"\r\n';
    expect(decodeText(encodeAs(text, "cp932"))).toMatchObject({ encoding: "cp932", text });
  });

  it("prefers windows-1252 for Latin-1 text that is not a console dump", () => {
    const text = "Jürgen Müller, Straße, Übergrößenträger\r\n";
    expect(decodeText(encodeAs(text, "windows-1252"))).toMatchObject({ encoding: "windows-1252", text });
  });

  it("explains its choice with the scores of the other candidates", () => {
    const decoded = decodeText(encodeAs(fixture("machinekeys.de.txt"), "cp850"));
    expect(decoded.reason).toMatch(/cp850 scored -?\d+/);
    expect(decoded.reason).toMatch(/others: .*cp932/);
  });
});

describe("decodeText: robustness", () => {
  it("never throws on random bytes and terminates on a few MB", () => {
    let seed = 12345;
    const bytes = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    const decoded = decodeText(bytes);
    expect(typeof decoded.text).toBe("string");
    expect(decoded.encoding).toBeTruthy();
  }, 60_000); // Hang guard, not a speed target (speed is measured by `npm run bench`).
});

describe("looksLikeText", () => {
  it("accepts text dumps in every encoding", () => {
    const text = fixture("machinekeys.en.txt");
    for (const enc of ["utf-8", "utf-16le-bom", "utf-16le", "cp437"] as const) expect(looksLikeText(encodeAs(text, enc))).toBe(true);
  });

  it("rejects binary evidence (EVTX and regf headers) and empty files", () => {
    const evtx = new Uint8Array(4096);
    evtx.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00, 1, 0, 0, 0, 0x80, 0, 0x20, 0]);
    const regf = new Uint8Array(4096);
    regf.set([0x72, 0x65, 0x67, 0x66, 0x12, 0x34, 0, 0, 0x12, 0x34, 0, 0]);
    expect(looksLikeText(evtx)).toBe(false);
    expect(looksLikeText(regf)).toBe(false);
    expect(looksLikeText(new Uint8Array())).toBe(false);
  });
});

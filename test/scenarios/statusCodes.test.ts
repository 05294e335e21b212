import { describe, expect, it } from "vitest";
import { STATUS_CODES } from "../../src/scenarios/data/statusCodes.js";
import { decodeStatusBinary, decodeStatusText, formatHresult } from "../../src/scenarios/lib/statusCodes.js";

describe("status codes (data)", () => {
  it("keeps the unsigned decimal (%% form) in step with the code", () => {
    for (const s of STATUS_CODES) expect(s.unsignedDecimal).toBe(s.code >>> 0);
  });

  it("has English and Japanese texts for each code", () => {
    for (const s of STATUS_CODES) {
      expect(s.text.en.length).toBeGreaterThan(0);
      expect(s.text.ja.length).toBeGreaterThan(0);
      expect(s.meaning.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
  });
});

describe("decoding a status however RCM stored it", () => {
  const cases: [string, string, string][] = [
    ["0x80070005", "hex", "access-denied"],
    ["0x8009000f", "hex", "object-exists"],
    ["-2147024891", "signed-decimal", "access-denied"],
    ["2148073494", "unsigned-decimal", "keyset-missing"],
    ["%%2147942405", "insertion-string", "access-denied"],
    ["%%5", "insertion-string", "access-denied"],
    ["Access is denied.", "text", "access-denied"],
    ["Object already exists.", "text", "object-exists"],
    ["Keyset does not exist", "text", "keyset-missing"],
    ["アクセスが拒否されました。", "text", "access-denied"],
    ["\"オブジェクトは既に存在します\"", "text", "object-exists"],
    ["キーセットがありません", "text", "keyset-missing"],
    ["The relevant status code was 0x8009000F.", "hex", "object-exists"],
  ];
  for (const [raw, form, subCause] of cases) {
    it(`${raw} → ${subCause} (${form})`, () => {
      const d = decodeStatusText(raw);
      expect(d?.form).toBe(form);
      expect(d?.entry?.subCause).toBe(subCause);
    });
  }

  it("reads a 4-byte little-endian Binary", () => {
    expect(decodeStatusBinary("05000780")?.entry?.symbol).toBe("E_ACCESSDENIED");
    expect(decodeStatusBinary("0F000980")?.entry?.symbol).toBe("NTE_EXISTS");
    expect(decodeStatusBinary("16000980")?.entry?.symbol).toBe("NTE_BAD_KEYSET");
  });

  it("never takes a port, a count or a success code for a status", () => {
    for (const raw of ["3389", "0", "10001", "%%0", "VM-RDP01", ""]) expect(decodeStatusText(raw)).toBeNull();
    expect(decodeStatusBinary("01000000")).toBeNull();
    expect(decodeStatusBinary("59EFF2E3B509C83137E81085E02A1AC63A7E61AA")).toBeNull();
  });

  it("prints HRESULTs the way engineers search for them", () => {
    expect(formatHresult(0x8009030d)).toBe("0x8009030D");
    expect(formatHresult(-2147024891)).toBe("0x80070005");
  });
});

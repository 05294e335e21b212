import { describe, expect, it } from "vitest";
import { rdpBruteForce } from "../../src/scenarios/rdpBruteForce.js";
import { UNSAFE_VALUE_MARKER } from "../../src/scenarios/engine.js";
import { BRUTE_FORCE_THRESHOLDS, findBursts, isPublicAddress, type Failure } from "../../src/scenarios/lib/logonFailures.js";
import { contextOf, daysAgo, rdpCoreTs140, security4624, security4625, type CaseEvidence } from "./fixtures.js";

const detect = (spec: CaseEvidence, options?: Parameters<typeof contextOf>[1]) => rdpBruteForce.detect(contextOf(spec, options));
const IPS = ["185.224.128.17", "45.141.84.126", "193.32.162.70", "80.94.95.81", "141.98.11.29", "92.63.197.153"];
const NAMES = ["administrator", "admin", "user", "test", "guest", "backup"];

/** `count` failures 20 s apart starting `days` before AS_OF, cycling through the addresses and names given. */
function attack(count: number, days: number, ips = IPS, names = NAMES) {
  return Array.from({ length: count }, (_, i) => security4625(daysAgo(days, i / 3), names[i % names.length], ips[i % ips.length]));
}

describe("logon failure heuristics", () => {
  it("tells public addresses from private, loopback, link-local, CGNAT and Azure's platform address", () => {
    expect(isPublicAddress("185.224.128.17")).toBe(true);
    expect(isPublicAddress("2001:db8::7")).toBe(true);
    for (const a of ["10.0.0.4", "172.20.1.1", "192.168.1.10", "127.0.0.1", "169.254.10.1", "100.64.0.1", "168.63.129.16", "fe80::1", "::1", "-"]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it("needs the full rate: 99 failures in an hour are not a burst, 100 are", () => {
    const f = (n: number): Failure[] =>
      Array.from({ length: n }, (_, i) => ({ event: {} as Failure["event"], time: i * 30_000, address: IPS[i % 6], publicAddress: true, account: "admin", lockedOut: false }));
    expect(findBursts(f(BRUTE_FORCE_THRESHOLDS.minFailures - 1)).burst).toBeNull();
    expect(findBursts(f(BRUTE_FORCE_THRESHOLDS.minFailures)).burst?.failures).toHaveLength(100);
  });
});

describe("rdp-brute-force", () => {
  it("reports a medium contributing cause with the top sources and accounts", () => {
    const [f] = detect({ events: attack(120, 1) }).findings;
    expect(f).toMatchObject({ scenario: "rdp-brute-force", confidence: "medium", subCause: "brute-force" });
    const texts = f.evidence.filter((e) => e.kind === "observation").map((e) => (e as { text: string }).text);
    expect(texts[0]).toContain("120 failed logons (Security 4625) within 60 minutes from 6 public address(es) against 6 account name(s)");
    expect(texts[1]).toMatch(/^Top source addresses: (\d+\.){3}\d+ \(20\), /);
    expect(texts[2]).toMatch(/^Top target accounts: \w+ \(20\), /);
    expect(f.explanation).toContain("There is no offline (rescue VM) fix, hence no offline script");
    const script = f.remediation[0].script;
    expect(f.remediation[0]).toMatchObject({ variant: "online", shell: "powershell" });
    expect(script).toMatch(/\$list = '(\d+\.\d+\.\d+\.\d+,){5}\d+\.\d+\.\d+\.\d+'/);
    expect(script).toContain("$port = '3389'");
  });

  it("counts names sprayed from a single address as an attack too", () => {
    const names = Array.from({ length: 25 }, (_, i) => `user${i}`);
    expect(detect({ events: attack(110, 1, ["45.141.84.126"], names) }).findings[0].confidence).toBe("medium");
  });

  it("does not call a broken service on a private address an attack", () => {
    const result = detect({ events: attack(300, 1, ["10.0.0.8"], ["svc-backup"]) });
    expect(result.findings).toEqual([]);
    expect(result.detail).toContain("below the attack thresholds");
  });

  it("ignores logon types RDP does not produce", () => {
    const events = Array.from({ length: 150 }, (_, i) => security4625(daysAgo(1, i / 3), NAMES[i % 6], IPS[i % 6], { logonType: "5" }));
    expect(detect({ events }).findings).toEqual([]);
  });

  it("is high when the legitimate user's own logons fail from their address during the attack", () => {
    const events = [security4624(daysAgo(5), "azureuser", "198.51.100.20"), ...attack(120, 1), security4625(daysAgo(1, 10), "azureuser", "198.51.100.20")];
    const [f] = detect({ events }).findings;
    expect(f).toMatchObject({ confidence: "high", subCause: "legitimate-user-affected" });
    expect(f.evidence.some((e) => e.kind === "observation" && e.text.includes("legitimate user (azureuser)"))).toBe(true);
  });

  it("is high when the attack locks the legitimate account out", () => {
    const events = [security4624(daysAgo(5), "Administrator", "198.51.100.20"), ...attack(120, 1), security4625(daysAgo(1, 5), "administrator", "45.141.84.126", { status: "0xc0000234", subStatus: "0x0" })];
    expect(detect({ events }).findings[0].subCause).toBe("legitimate-user-affected");
  });

  it("counts RdpCoreTS 140 when Security auditing is off", () => {
    const events = Array.from({ length: 120 }, (_, i) => rdpCoreTs140(daysAgo(1, i / 3), IPS[i % 6]));
    const [f] = detect({ events }).findings;
    expect(f.confidence).toBe("medium");
    expect(f.explanation).toContain("RdpCoreTS 140 was counted");
  });

  it("gives low for an attack only outside the window", () => {
    expect(detect({ events: [...attack(120, 50), security4624(daysAgo(1), "azureuser", "198.51.100.20")] }).findings[0].confidence).toBe("low");
  });

  it("is healthy at a human rate and not-checked without the logs", () => {
    const events = [0, 1, 2].map((i) => security4625(daysAgo(1, i * 40), "azureuser", "198.51.100.20"));
    expect(detect({ events }).detail).toContain("3 failed RDP logon(s)");
    expect(detect({}).status).toBe("not-checked");
  });

  it("lets no hostile address through to the script: only well-formed public addresses are listed", () => {
    const hostile = Array.from({ length: 20 }, (_, i) => security4625(daysAgo(1, i), "admin", "1.2.3.4'; Remove-Item C:\\ -Recurse; '"));
    const [f] = detect({ events: [...attack(120, 1), ...hostile] }).findings;
    expect(f.remediation).toHaveLength(1);
    expect(f.remediation[0].script).not.toContain("Remove-Item C:\\");
    expect(f.remediation[0].script).not.toContain(UNSAFE_VALUE_MARKER);
  });
});

// Hive trees shared by the reader and writer tests.

import type { HiveRootSpec, KeySpec, ValueSpec } from "../../../src/hiveWriter/index.js";

export const THUMB = "3A6F1C2B9D8E7F6051423324150617283940A1B2";
export const SYSTEM_SID = "S-1-5-18";

/** Deterministic pseudo-random bytes (no repeated 16-byte rows, so hexdumps stay literal). */
export function pattern(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function controlSet(n: number, services: number): KeySpec {
  const port = n === 2 ? 3389 : 3390;
  const svc: KeySpec[] = [
    {
      name: "TermService",
      values: [
        { name: "Start", type: "REG_DWORD", data: n === 2 ? 4 : 3 },
        { name: "ObjectName", type: "REG_SZ", data: "NT Authority\\NetworkService" },
        { name: "ImagePath", type: "REG_EXPAND_SZ", data: "%SystemRoot%\\System32\\svchost.exe -k NetworkService" },
        { name: "DependOnService", type: "REG_MULTI_SZ", data: ["RPCSS"] },
      ],
      subkeys: [{ name: "Parameters", values: [{ name: "ServiceDll", type: "REG_EXPAND_SZ", data: "%SystemRoot%\\System32\\termsrv.dll" }] }],
    },
  ];
  for (let i = 0; i < services; i++) {
    svc.push({ name: `Svc${String(i).padStart(4, "0")}`, values: [{ name: "Start", type: "REG_DWORD", data: i % 5 }] });
  }
  return {
    name: `ControlSet${String(n).padStart(3, "0")}`,
    subkeys: [
      {
        name: "Control",
        subkeys: [
          {
            name: "Terminal Server",
            values: [
              { name: "fDenyTSConnections", type: "REG_DWORD", data: n === 2 ? 0 : 1 },
              { name: "fSingleSessionPerUser", type: "REG_DWORD", data: 1 },
            ],
            subkeys: [
              {
                name: "WinStations",
                subkeys: [
                  {
                    name: "RDP-Tcp",
                    values: [
                      { name: "PortNumber", type: "REG_DWORD", data: port },
                      { name: "SSLCertificateSHA1Hash", type: "REG_BINARY", data: THUMB },
                      { name: "SecurityLayer", type: "REG_DWORD", data: 2 },
                      { name: "UserAuthentication", type: "REG_DWORD", data: 1 },
                    ],
                  },
                ],
              },
            ],
          },
          {
            name: "SecurityProviders",
            subkeys: [
              {
                name: "SCHANNEL",
                subkeys: [
                  {
                    name: "Protocols",
                    subkeys: [
                      {
                        name: "TLS 1.2",
                        subkeys: [
                          {
                            name: "Server",
                            values: [
                              { name: "Enabled", type: "REG_DWORD", data: 0 },
                              { name: "DisabledByDefault", type: "REG_DWORD", data: 1 },
                            ],
                          },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
          {
            name: "ComputerName",
            subkeys: [
              { name: "ComputerName", values: [{ name: "ComputerName", type: "REG_SZ", data: "VM01" }] },
              { name: "ActiveComputerName", values: [{ name: "ComputerName", type: "REG_SZ", data: "VM01" }] },
            ],
          },
          {
            name: "Lsa",
            values: [{ name: "Security Packages", type: "REG_MULTI_SZ", data: ["kerberos", "msv1_0", "schannel", "wdigest"] }],
          },
        ],
      },
      { name: "Services", subkeys: svc },
    ],
  };
}

/** A small SYSTEM hive: Select\Current = 2, ControlSet001 and ControlSet002 (1100 services → ri). */
export function systemTree(services = 1100): HiveRootSpec {
  return {
    name: "ROOT",
    keys: [
      {
        name: "Select",
        values: [
          { name: "Current", type: "REG_DWORD", data: 2 },
          { name: "Default", type: "REG_DWORD", data: 2 },
          { name: "Failed", type: "REG_DWORD", data: 0 },
          { name: "LastKnownGood", type: "REG_DWORD", data: 1 },
        ],
      },
      controlSet(1, 3),
      controlSet(2, services),
      { name: "MountedDevices", values: [{ name: "\\DosDevices\\C:", type: "REG_BINARY", data: pattern(12, 7) }] },
    ],
  };
}

/** Values of every type, default value, names with spaces / Latin-1 / non-Latin characters, big data. */
export function kitchenSinkValues(): ValueSpec[] {
  return [
    { name: "", type: "REG_SZ", data: "default value text" },
    { name: "Plain SZ", type: "REG_SZ", data: "C:\\Program Files\\App" },
    { name: "Empty SZ", type: "REG_SZ", data: "" },
    { name: "Expand", type: "REG_EXPAND_SZ", data: "%SystemRoot%\\system32\\rdpclip.exe" },
    { name: "Multi", type: "REG_MULTI_SZ", data: ["first item", "second", "third; with, punctuation"] },
    { name: "Multi Empty", type: "REG_MULTI_SZ", data: [] },
    { name: "Dword", type: "REG_DWORD", data: 0xdeadbeef },
    { name: "Dword Zero", type: "REG_DWORD", data: 0 },
    { name: "BigEndian", type: "REG_DWORD_BIG_ENDIAN", data: 0x01020304 },
    { name: "Qword Small", type: "REG_QWORD", data: 1234567890123n },
    { name: "Qword Huge", type: "REG_QWORD", data: 0xfedcba9876543210n },
    { name: "Binary", type: "REG_BINARY", data: pattern(37, 3) },
    { name: "Binary Four", type: "REG_BINARY", data: "DEADBEEF" },
    { name: "Binary Empty", type: "REG_BINARY", data: "" },
    { name: "None", type: "REG_NONE", data: pattern(9, 5) },
    { name: "Link", type: "REG_LINK", data: "\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001" },
    { name: "ResourceList", type: "REG_RESOURCE_LIST", data: pattern(24, 11) },
    { name: "FullResource", type: "REG_FULL_RESOURCE_DESCRIPTOR", data: pattern(20, 12) },
    { name: "ResourceReq", type: "REG_RESOURCE_REQUIREMENTS_LIST", data: pattern(48, 13) },
    { name: "Odd Type", type: 0x00100000, data: pattern(6, 14) },
    { name: "Big Data", type: "REG_BINARY", data: pattern(40000, 15) },
    { name: "Big Text", type: "REG_SZ", data: "x".repeat(9000) + "END" },
    { name: "Größe", type: "REG_SZ", data: "Übergröße ÄÖÜ" },
    { name: "名前", type: "REG_SZ", data: "日本語のテキスト" },
    { name: "Emoji 🙂", type: "REG_MULTI_SZ", data: ["a🙂b", "ß"] },
  ];
}

/** A small SOFTWARE hive; 1100 Classes subkeys (→ ri); the Certificates key denies SYSTEM. */
export function softwareTree(classes = 1100): HiveRootSpec {
  const classKeys: KeySpec[] = [{ name: ".txt", values: [{ name: "", type: "REG_SZ", data: "txtfile" }] }];
  for (let i = 0; i < classes; i++) {
    classKeys.push({ name: `.ext${String(i).padStart(4, "0")}`, values: [{ name: "", type: "REG_SZ", data: `class${i}` }] });
  }
  return {
    name: "CsiTool-CreateHive-{00000000-0000-0000-0000-000000000000}",
    keys: [
      { name: "Classes", subkeys: classKeys },
      {
        name: "Microsoft",
        subkeys: [
          { name: "Cryptography", values: [{ name: "MachineGuid", type: "REG_SZ", data: "5a2f1d33-8f0e-4c55-9f0f-3b2d1c4e5f60" }] },
          {
            name: "SystemCertificates",
            subkeys: [
              {
                name: "Remote Desktop",
                security: {
                  owner: "S-1-5-32-544",
                  aces: [
                    { sid: SYSTEM_SID, access: "allow", mask: 0xf003f, flags: 0x02 },
                    { sid: "S-1-5-32-544", access: "allow", mask: 0xf003f, flags: 0x02 },
                    { sid: "S-1-5-20", access: "allow", mask: 0x20019, flags: 0x02 },
                  ],
                },
                subkeys: [
                  {
                    name: "Certificates",
                    security: {
                      owner: "S-1-5-32-544",
                      aces: [
                        { sid: SYSTEM_SID, access: "deny", mask: 0xf003f, flags: 0x02 },
                        { sid: "S-1-5-32-544", access: "allow", mask: 0xf003f, flags: 0x12 },
                        { sid: "S-1-5-20", access: "allow", mask: 0x20019, flags: 0x12 },
                        { sid: "S-1-5-21-1004336348-1177238915-682003330-512", access: "allow", mask: 0x2001f, flags: 0x0b },
                      ],
                    },
                    subkeys: [{ name: THUMB, values: [{ name: "Blob", type: "REG_BINARY", data: pattern(900, 21) }] }],
                  },
                  { name: "CRLs" },
                  { name: "CTLs" },
                ],
              },
              { name: "MY", subkeys: [{ name: "Certificates" }] },
            ],
          },
          {
            name: "Windows NT",
            subkeys: [
              {
                name: "CurrentVersion",
                values: [
                  { name: "CurrentBuild", type: "REG_SZ", data: "17763" },
                  { name: "ProductName", type: "REG_SZ", data: "Windows Server 2019 Datacenter" },
                  { name: "InstallDate", type: "REG_DWORD", data: 1700000000 },
                  { name: "InstallTime", type: "REG_QWORD", data: 133450000000000000n },
                ],
              },
            ],
          },
          {
            name: "Windows",
            subkeys: [
              {
                name: "CurrentVersion",
                subkeys: [
                  {
                    name: "Policies",
                    subkeys: [{ name: "System", values: [{ name: "EnableLUA", type: "REG_DWORD", data: 1 }] }],
                  },
                ],
              },
            ],
          },
          { name: "Kitchen Sink", values: kitchenSinkValues(), subkeys: [{ name: "Café" }, { name: "Ключи" }, { name: "with space" }] },
        ],
      },
      {
        name: "Policies",
        subkeys: [
          {
            name: "Microsoft",
            subkeys: [
              {
                name: "Windows NT",
                subkeys: [
                  {
                    name: "Terminal Services",
                    values: [
                      { name: "fDenyTSConnections", type: "REG_DWORD", data: 1 },
                      { name: "SecurityLayer", type: "REG_DWORD", data: 1 },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

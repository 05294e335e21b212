// Deterministic, realistic event mixes for the EVTX writer tests (RDP-relevant providers).

import type { DataItem, EventSpec } from "../../src/evtxWriter/index.js";

export const GUID = {
  rcm: "{C76BAA63-AE81-421C-B425-340B4B24157F}",
  schannel: "{1F678132-5938-4686-9FDC-C8FF68F15C85}",
  scm: "{555908d1-a6d7-4695-8e1e-26931d2012f4}",
  security: "{54849625-5478-4994-a5ba-3e3b0328c30d}",
  sessionBroker: "{A4ACD3B6-2E35-4A3B-8A95-F1E4F2B7E5A1}",
  sessionBrokerClient: "{5A8C5B3B-6A77-4F1E-9E46-0B1C2D3E4F50}",
  kernelGeneral: "{A68CA8B7-004F-D7B6-A698-07E2DE0F1F5D}",
};

const RCM = "Microsoft-Windows-TerminalServices-RemoteConnectionManager";

/** UTF-16LE bytes of `s` plus a NUL, like SCM's Binary (service name). */
function utf16z(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s + "\0", "utf16le"));
}

function le32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/** ISO time `base + i × step` (100 ns units), 7 fractional digits. */
function isoAt(i: number): string {
  const ms = Date.UTC(2024, 4, 1, 8, 0, 0) + i * 1337;
  const frac = String((i * 7919) % 10_000).padStart(4, "0");
  return new Date(ms).toISOString().slice(0, 23) + frac + "Z";
}

/** Event number `i` of the realistic mix (cycles through 14 kinds). */
export function mixedEvent(i: number): EventSpec {
  const computer = i % 5 === 0 ? "RDPVM01.contoso.local" : "RDPVM01";
  const t = isoAt(i);
  const status = [0x80070005, 0x8009000f, 0x80090016, 0x80090010][i % 4];
  switch (i % 14) {
    case 0:
    case 1: {
      // RCM 1057/1058: classic, unnamed Data + optional Binary, Qualifiers 49152.
      const data: DataItem[] = [{ name: null, value: `%%${status}`, type: "string" }];
      data.push({ name: null, value: i % 28 === 1 ? null : le32(status), element: "Binary" });
      return {
        provider: RCM, providerGuid: GUID.rcm, eventSourceName: "TermService",
        eventId: i % 2 === 0 ? 1057 : 1058, qualifiers: 49152, version: 0, level: 2, task: 0, opcode: 0,
        keywords: 0x80000000000000n, timeCreated: t, processId: 1220, threadId: 3000 + (i % 50),
        channel: "System", computer, data,
      };
    }
    case 2:
      // Schannel 36870: Type, ErrorCode (lower-case hex), ErrorStatus.
      return {
        provider: "Schannel", providerGuid: GUID.schannel, eventId: 36870, version: 0, level: 2, task: 0, opcode: 0,
        keywords: 0x8000000000000000n, timeCreated: t, processId: 712, threadId: 1840, channel: "System", computer,
        userSid: "S-1-5-18",
        data: [
          { name: "Type", value: "server", type: "string" },
          { name: "ErrorCode", value: 0x8009030d, type: "hex32" },
          { name: "ErrorStatus", value: 10001, type: "uint32" },
        ],
      };
    case 3:
      // Schannel 36871: Type, ErrorState (client noise every other time).
      return {
        provider: "Schannel", providerGuid: GUID.schannel, eventId: 36871, version: 0, level: 2, task: 0, opcode: 0,
        keywords: 0x8000000000000000n, timeCreated: t, processId: 712, threadId: 1840 + (i % 3), channel: "System",
        computer, userSid: "S-1-5-18",
        data: [
          { name: "Type", value: i % 28 === 3 ? "client" : "server", type: "string" },
          { name: "ErrorState", value: 10013, type: "uint32" },
        ],
      };
    case 4:
      // Schannel 36872 without data.
      return {
        provider: "Schannel", providerGuid: GUID.schannel, eventId: 36872, version: 0, level: 2, task: 0, opcode: 0,
        keywords: 0x8000000000000000n, timeCreated: t, processId: 712, threadId: 1840, channel: "System", computer,
        userSid: "S-1-5-18", data: [],
      };
    case 5:
      // SessionBroker 2056: two NULL-ish inserts, then the message fragment.
      return {
        provider: "Microsoft-Windows-TerminalServices-SessionBroker", providerGuid: GUID.sessionBroker, eventId: 2056,
        version: 0, level: 2, task: 109, opcode: 0, keywords: 0x4000000000000000n, timeCreated: t,
        processId: 2496, threadId: 2500, channel: "Microsoft-Windows-TerminalServices-SessionBroker/Operational",
        computer: "RDCB01.contoso.local", userSid: "S-1-5-20", activityId: "{7D0F3E6A-1C2B-4D5E-8F90-A1B2C3D4E5F6}",
        data: [
          { name: "param1", value: null, type: "string" },
          { name: "param2", value: "NULL", type: "string" },
          { name: "param3", value: "Logon to the database failed.", type: "string" },
        ],
      };
    case 6:
      // SessionBroker-Client 1296.
      return {
        provider: "Microsoft-Windows-TerminalServices-SessionBroker-Client", providerGuid: GUID.sessionBrokerClient,
        eventId: 1296, version: 0, level: 2, task: 104, opcode: 0, keywords: 0x4000000000000000n, timeCreated: t,
        processId: 1100, threadId: 1104, channel: "Microsoft-Windows-TerminalServices-SessionBroker-Client/Operational",
        computer: "RDCB01.contoso.local", userSid: "S-1-5-20",
        data: [
          { name: "param1", value: "RDCB01.contoso.local", type: "string" },
          { name: "param2", value: 0x800706ba, type: "hex32" },
          { name: "param3", value: "Remote Desktop Connection Broker is not ready for RPC communication.", type: "string" },
        ],
      };
    case 7:
    case 8: {
      // Service Control Manager 7023 / 7000 / 7034 (param1, param2, Binary = UTF-16 service name).
      const svc = ["TermService", "SessionEnv", "UmRdpService", "Dhcp"][i % 4];
      const id = [7023, 7000, 7034][i % 3];
      const data: DataItem[] =
        id === 7034
          ? [{ name: "param1", value: svc }, { name: "param2", value: i % 9 }]
          : [{ name: "param1", value: svc }, { name: "param2", value: id === 7000 ? "%%1058" : "%%2147942414" }];
      data.push({ name: null, value: utf16z(svc), element: "Binary" });
      return {
        provider: "Service Control Manager", providerGuid: GUID.scm, eventSourceName: "Service Control Manager",
        eventId: id, qualifiers: 49152, version: 0, level: 2, task: 0, opcode: 0, keywords: 0x8080000000000000n,
        timeCreated: t, processId: 620, threadId: 700 + (i % 13), channel: "System", computer,
        data: data.map((d) => (d.element ? d : { ...d, type: "string" as const, value: String(d.value) })),
      };
    }
    case 9:
      // Security 4625: many named fields, SIDs, hex32 Status, hex64 logon id, IpAddress.
      return {
        provider: "Microsoft-Windows-Security-Auditing", providerGuid: GUID.security, eventId: 4625, version: 0,
        level: 0, task: 12544, opcode: 0, keywords: 0x8010000000000000n, timeCreated: t, processId: 592,
        threadId: 688 + (i % 7), channel: "Security", computer,
        data: [
          { name: "SubjectUserSid", value: "S-1-5-18", type: "sid" },
          { name: "SubjectUserName", value: "RDPVM01$", type: "string" },
          { name: "SubjectDomainName", value: "WORKGROUP", type: "string" },
          { name: "SubjectLogonId", value: 0x3e7n, type: "hex64" },
          { name: "TargetUserSid", value: "S-1-0-0", type: "sid" },
          { name: "TargetUserName", value: ["Administrator", "admin", "root", "guest"][i % 4], type: "string" },
          { name: "TargetDomainName", value: "RDPVM01", type: "string" },
          { name: "Status", value: 0xc000006d, type: "hex32" },
          { name: "FailureReason", value: "%%2313", type: "string" },
          { name: "SubStatus", value: i % 2 ? 0xc000006a : 0xc0000064, type: "hex32" },
          { name: "LogonType", value: 3, type: "uint32" },
          { name: "LogonProcessName", value: "NtLmSsp ", type: "string" },
          { name: "AuthenticationPackageName", value: "NTLM", type: "string" },
          { name: "WorkstationName", value: "-", type: "string" },
          { name: "TransmittedServices", value: "-", type: "string" },
          { name: "LmPackageName", value: "-", type: "string" },
          { name: "KeyLength", value: 0, type: "uint32" },
          { name: "ProcessId", value: 0n, type: "hex64" },
          { name: "ProcessName", value: "-", type: "string" },
          { name: "IpAddress", value: `203.0.113.${i % 250}`, type: "string" },
          { name: "IpPort", value: String(49152 + (i % 1000)), type: "string" },
        ],
      };
    case 10:
      // RCM Operational 1149 / 261: UserData (EventXML, xmlns Event_NS).
      return {
        provider: RCM, providerGuid: GUID.rcm, eventId: i % 28 === 10 ? 1149 : 261, version: 0, level: 4, task: 0,
        opcode: 0, keywords: 0x1000000000000000n, timeCreated: t, processId: 332, threadId: 1360,
        channel: `${RCM}/Operational`, computer, userSid: "S-1-5-20",
        activityId: "{F420B3DA-8FD7-47A3-B54D-4F1C8B210000}",
        userData:
          i % 28 === 10
            ? {
                element: "EventXML", xmlns: "Event_NS",
                children: [
                  { name: "Param1", value: "administrator" },
                  { name: "Param2", value: "CONTOSO" },
                  { name: "Param3", value: `198.51.100.${i % 200}` },
                ],
              }
            : { element: "EventXML", xmlns: "Event_NS", children: [{ name: "listenerName", value: "RDP-Tcp" }] },
      };
    case 11:
      // Classic EventLog 6005/6009: no GUID, string array, NULL optional Data.
      return {
        provider: "EventLog", eventId: i % 28 === 11 ? 6009 : 6005, qualifiers: 32768, level: 4, task: 0,
        keywords: 0x80000000000000n, timeCreated: t, channel: "System", computer,
        data:
          i % 28 === 11
            ? [{ name: null, value: ["10.00.", "17763", "", "Multiprocessor Free", "0"], type: "stringArray", optional: true }]
            : [
                { name: null, value: null, type: "stringArray", optional: true },
                { name: null, value: Uint8Array.from([0xe1, 0x07, 0x07, 0x00, 0x03, 0x00, 0x0c, 0x00]), element: "Binary" },
              ],
      };
    case 12:
      // Every other value type, odd characters, related activity id.
      return {
        provider: "Microsoft-Windows-Kernel-General", providerGuid: GUID.kernelGeneral, eventId: 12 + (i % 3),
        version: 1, level: 4, task: 1, opcode: 0, keywords: 0x8000000000000080n, timeCreated: t, processId: 4,
        threadId: 8, channel: "System", computer, userSid: `S-1-5-21-1004336348-1177238915-682003330-${500 + (i % 9)}`,
        relatedActivityId: "{00000000-0000-0000-0000-000000000001}",
        data: [
          { name: "MajorVersion", value: 10, type: "uint32" },
          { name: "Small", value: 255, type: "uint8" },
          { name: "Medium", value: 65535, type: "uint16" },
          { name: "Big", value: 0xffffffffffffffffn, type: "uint64" },
          { name: "Signed", value: 2147483647, type: "int32" },
          { name: "Signed64", value: 9007199254740993n, type: "int64" },
          { name: "Negative", value: -5 - (i % 3), type: "int32" },
          { name: "Flag", value: i % 2 === 0, type: "bool" },
          { name: "OddFlag", value: 0x10, type: "bool" },
          { name: "Size", value: 29580, type: "sizet" },
          { name: "Id", value: "{1139C61B-B549-4251-8ED3-27250A1EDEC8}", type: "guid" },
          { name: "StartTime", value: "2017-07-12T17:16:05.4992599Z", type: "filetime" },
          { name: "Zero", value: 0n, type: "filetime" },
          { name: "When", value: "2019-03-08T23:23:05.123Z", type: "systemtime" },
          { name: "Text", value: "a & b < c > d 'e' ü 日本語 \u00e9\u0301 \u2603\nline2\ttab ", type: "string" },
          { name: "Empty", value: "", type: "string" },
          { name: "Multi", value: ["x", "y & z"], type: "stringArray" },
          { name: "Blob", value: Uint8Array.from([0, 1, 0xab, 0xff]), type: "binary" },
          { name: "Gone", value: null, type: "uint32", optional: true },
        ],
      };
    default:
      // Event without payload.
      return {
        provider: "Microsoft-Windows-Kernel-Power", providerGuid: "{331C3B3A-2005-44C2-AC5E-77220C37D6B4}",
        eventId: 109, version: 0, level: 4, task: 0, opcode: 0, keywords: 0x8000000000000404n, timeCreated: t,
        processId: 4, threadId: 12, channel: "System", computer, userSid: "S-1-5-18",
      };
  }
}

export function mixedEvents(n: number): EventSpec[] {
  return Array.from({ length: n }, (_, i) => mixedEvent(i));
}

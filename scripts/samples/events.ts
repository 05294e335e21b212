// Event builders for sample logs: the providers, ids, qualifiers and EventData layouts of real
// Windows events (scenarios.md §1.2, §2.1, §3.1).
import type { EventSpec } from "../../src/evtxWriter/index.js";

export const RCM = {
  provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
  providerGuid: "{C76BAA63-AE81-421C-B425-340B4B24157F}",
  eventSourceName: "TermService",
};
export const SCHANNEL = { provider: "Schannel", providerGuid: "{1F678132-5938-4686-9FDC-C8FF68F15C85}" };
export const EVENTLOG = { provider: "EventLog", eventSourceName: "EventLog" };
export const SCM = {
  provider: "Service Control Manager",
  providerGuid: "{555908D1-A6D7-4695-8E1E-26931D2012F4}",
  eventSourceName: "Service Control Manager",
};

/** Adds `minutes` to an ISO time and returns it with 7 fractional digits, the way EVTX times read back. */
export function at(base: string, minutes: number, extraTicks = 0): string {
  const ms = Date.parse(base) + Math.round(minutes * 60_000);
  const iso = new Date(ms).toISOString(); // .sssZ
  const ticks = String(extraTicks % 10_000).padStart(4, "0");
  return iso.replace(/\.(\d{3})Z$/, (_, f: string) => `.${f}${ticks}Z`);
}

/** RemoteConnectionManager 1056/1057/1058 in the System log: classic, unnamed Data, Qualifiers 0xC000 on errors. */
export function rcmCertificateEvent(
  eventId: 1056 | 1057 | 1058,
  time: string,
  computer: string,
  status: { text?: string; binary?: string },
): EventSpec {
  const data: EventSpec["data"] = [];
  if (status.text !== undefined) data.push({ name: null, value: status.text, type: "string" });
  if (status.binary !== undefined) data.push({ name: null, value: status.binary, type: "binary", element: "Binary" });
  return rcmSystemEvent(eventId, time, computer, data, eventId === 1056 ? "information" : "error");
}

/** Qualifiers and level of a classic event by its severity (the top two bits of the 32-bit id). */
const SEVERITY = {
  information: { qualifiers: 16384, level: 4 },
  warning: { qualifiers: 32768, level: 3 },
  error: { qualifiers: 49152, level: 2 },
} as const;

/**
 * A RemoteConnectionManager event in the System log as TermService writes it there: classic (EventID
 * with Qualifiers), classic keywords, the svchost process of TermService, unnamed Data items.
 */
export function rcmSystemEvent(
  eventId: number,
  time: string,
  computer: string,
  data: EventSpec["data"],
  severity: keyof typeof SEVERITY = "error",
): EventSpec {
  return {
    ...RCM,
    eventId,
    ...SEVERITY[severity],
    task: 0,
    keywords: 0x80000000000000n,
    timeCreated: time,
    processId: 1116,
    threadId: 2236,
    channel: "System",
    computer,
    data,
  };
}

/** Schannel 36870 (server credential private key) / 36871 (creating a TLS credential). */
export function schannelEvent(eventId: 36870 | 36871, type: "server" | "client", time: string, computer: string): EventSpec {
  const data: NonNullable<EventSpec["data"]> =
    eventId === 36870
      ? [
          { name: "Type", value: type, type: "string" },
          { name: "ErrorCode", value: "0x8009030d", type: "string" },
          { name: "ErrorStatus", value: 10001, type: "uint32" },
        ]
      : [
          { name: "Type", value: type, type: "string" },
          { name: "ErrorState", value: 10013, type: "uint32" },
        ];
  return {
    ...SCHANNEL,
    eventId,
    version: 0,
    level: 2,
    task: 0,
    opcode: 0,
    keywords: 0x8000000000000000n,
    timeCreated: time,
    processId: 772,
    threadId: type === "server" ? 3120 : 4488,
    channel: "System",
    computer,
    userSid: "S-1-5-18",
    data,
  };
}

/** Background the System log always has: EventLog start (6005/6013) and service state changes (7036). */
export function systemBackground(base: string, computer: string, count: number): EventSpec[] {
  const services = ["Windows Update", "Remote Desktop Services", "Windows Modules Installer", "Background Intelligent Transfer Service"];
  const out: EventSpec[] = [];
  for (let i = 0; i < count; i++) {
    const time = at(base, i * 7, i * 37);
    if (i % 10 === 0) {
      out.push({ ...EVENTLOG, eventId: 6005, qualifiers: 32768, level: 4, task: 0, keywords: 0x80000000000000n, timeCreated: time, channel: "System", computer, data: [] });
      continue;
    }
    out.push({
      ...SCM,
      eventId: 7036,
      qualifiers: 16384,
      version: 0,
      level: 4,
      task: 0,
      opcode: 0,
      keywords: 0x8080000000000000n,
      timeCreated: time,
      processId: 676,
      threadId: 4312,
      channel: "System",
      computer,
      data: [
        { name: "param1", value: services[i % services.length], type: "string" },
        { name: "param2", value: i % 2 ? "running" : "stopped", type: "string" },
        { name: "Binary", value: "540065", type: "binary", element: "Binary" },
      ],
    });
  }
  return out;
}

/** RCM Operational 1149: a successful network authentication, what a working RDP listener logs. */
export function rcmLogon(time: string, computer: string, user: string, ip: string): EventSpec {
  return {
    provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
    providerGuid: "{C76BAA63-AE81-421C-B425-340B4B24157F}",
    eventId: 1149,
    version: 0,
    level: 4,
    task: 0,
    opcode: 0,
    keywords: 0x1000000000000000n,
    timeCreated: time,
    processId: 1116,
    threadId: 3000,
    channel: "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
    computer,
    userSid: "S-1-5-20",
    userData: {
      element: "EventXML",
      xmlns: "Event_NS",
      children: [
        { name: "Param1", value: user, type: "string" },
        { name: "Param2", value: "", type: "string" },
        { name: "Param3", value: ip, type: "string" },
      ],
    },
  };
}

/**
 * SessionBroker 2056 and SessionBroker-Client 1296 in their operational channels (scenarios.md §3.1).
 * Field names and provider GUIDs of these two are unverified, so the samples carry neither GUID and
 * name the fields Param1..3; the scenario matches provider + id and searches all values.
 */
export function brokerEvent(kind: 2056 | 1296, time: string, computer: string): EventSpec {
  if (kind === 2056) {
    return {
      provider: "Microsoft-Windows-TerminalServices-SessionBroker",
      eventId: 2056,
      version: 0,
      level: 2,
      task: 109,
      opcode: 0,
      keywords: 0x4000000000000000n,
      timeCreated: time,
      processId: 2380,
      threadId: 2544,
      channel: "Microsoft-Windows-TerminalServices-SessionBroker/Operational",
      computer,
      userSid: "S-1-5-20",
      data: [
        { name: "Param1", value: "NULL", type: "string" },
        { name: "Param2", value: "NULL", type: "string" },
        { name: "Param3", value: "Logon to the database failed.", type: "string" },
      ],
    };
  }
  return {
    provider: "Microsoft-Windows-TerminalServices-SessionBroker-Client",
    eventId: 1296,
    version: 0,
    level: 2,
    task: 104,
    opcode: 0,
    keywords: 0x4000000000000000n,
    timeCreated: time,
    processId: 1180,
    threadId: 1404,
    channel: "Microsoft-Windows-TerminalServices-SessionBroker-Client/Operational",
    computer,
    userSid: "S-1-5-20",
    data: [
      { name: "Param1", value: "", type: "string" },
      { name: "Param2", value: "", type: "string" },
      { name: "Param3", value: "Remote Desktop Connection Broker is not ready for RPC communication.", type: "string" },
    ],
  };
}

/**
 * RemoteConnectionManager 1055 in the System log: the private key of the certificate pinned on RDP-Tcp
 * is not accessible (scenarios.md §1.2: classic, Qualifiers 0xC000, the SHA-1 thumbprint as the
 * unnamed Data insertion string).
 */
export function rcmPinnedKeyEvent(time: string, computer: string, thumbprint: string): EventSpec {
  return rcmSystemEvent(1055, time, computer, [{ name: null, value: thumbprint, type: "string" }]);
}

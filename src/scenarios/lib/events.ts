import type { EventEvidence } from "../../report/findings.js";
import type { StoredEvent } from "../../store/evidence.js";
import type { Lang, ScenarioContext } from "../types.js";
import { outsideWindowTag, type Bilingual } from "./text.js";

// Providers are matched by name plus the 16-bit EventID (scenarios.md §0.2); Qualifiers are ignored.
export const PROVIDER = {
  rcm: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
  schannel: "Schannel",
  rdpCoreTs: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS",
  sessionBroker: "Microsoft-Windows-TerminalServices-SessionBroker",
  sessionBrokerClient: "Microsoft-Windows-TerminalServices-SessionBroker-Client",
} as const;

/** Event log files as they sit under Windows\System32\winevt\Logs. */
export const LOG_FILE = {
  system: "System.evtx",
  rcmOperational: "Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx",
  rdpCoreTs: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx",
  sessionBroker: "Microsoft-Windows-TerminalServices-SessionBroker%4Operational.evtx",
  sessionBrokerClient: "Microsoft-Windows-TerminalServices-SessionBroker-Client%4Operational.evtx",
} as const;

export const CHANNEL = {
  system: "System",
  sessionBroker: "Microsoft-Windows-TerminalServices-SessionBroker/Operational",
  sessionBrokerClient: "Microsoft-Windows-TerminalServices-SessionBroker-Client/Operational",
} as const;

/** First field with this name (case-insensitive), trimmed (4625 pads "User32 "); null when absent or empty. */
export function fieldValue(event: StoredEvent, name: string): string | null {
  const field = event.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  const value = field?.value?.trim();
  return value ? value : null;
}

/** Every non-empty field value, in document order. */
export function fieldValues(event: StoredEvent): string[] {
  return event.fields.map((f) => f.value?.trim() ?? "").filter((v) => v !== "");
}

export interface WindowedEvents {
  /** Inside the recency window: recentSince ≤ time ≤ asOf. */
  recent: StoredEvent[];
  /** Older than the window. */
  stale: StoredEvent[];
}

/**
 * Splits events around the recency window. Times are compared as instants, not as text (events carry
 * 7 fractional digits, the window 3). Events after asOf (an earlier --as-of) are left out of both.
 * Without asOf there are no events to judge against, so everything counts as recent.
 */
export function splitByWindow(events: StoredEvent[], ctx: Pick<ScenarioContext, "asOf" | "recentSince">): WindowedEvents {
  const since = ctx.recentSince ? Date.parse(ctx.recentSince) : Number.NEGATIVE_INFINITY;
  const until = ctx.asOf ? Date.parse(ctx.asOf) : Number.POSITIVE_INFINITY;
  const recent: StoredEvent[] = [];
  const stale: StoredEvent[] = [];
  for (const e of events) {
    const t = Date.parse(e.time);
    if (Number.isNaN(t) || t > until) continue;
    (t >= since ? recent : stale).push(e);
  }
  return { recent, stale };
}

export function eventEvidence(event: StoredEvent, note?: string): EventEvidence {
  return {
    kind: "event",
    source: event.source,
    recordId: event.recordId,
    time: event.time,
    eventId: event.eventId,
    provider: event.provider,
    channel: event.channel,
    computer: event.computer,
    level: event.level,
    fields: event.fields.map((f) => ({ name: f.name, value: f.value })),
    ...(note ? { note } : {}),
  };
}

/** The newest `max` events (evidence lists stay readable; the observation text carries the count). */
export function newest(events: StoredEvent[], max: number): StoredEvent[] {
  return events.slice(Math.max(0, events.length - max));
}

/** Events whose time falls within `ms` of any of the `anchors`. */
export function near(events: StoredEvent[], anchors: StoredEvent[], ms: number): StoredEvent[] {
  const times = anchors.map((a) => Date.parse(a.time));
  return events.filter((e) => {
    const t = Date.parse(e.time);
    return times.some((a) => Math.abs(a - t) <= ms);
  });
}

/**
 * Evidence for the newest `max` events of the window or, when the window has none, of the time before it
 * (`outside` then tells the note so).
 */
export function windowedEventEvidence(
  events: WindowedEvents,
  max: number,
  note: (event: StoredEvent, outside: boolean) => string,
): EventEvidence[] {
  const outside = events.recent.length === 0;
  return newest(outside ? events.stale : events.recent, max).map((e) => eventEvidence(e, note(e, outside)));
}

/** The usual event note, "<id>: <what the table says of it>", tagged when outside the window. */
export function eventTableNote(lang: Lang, table: Record<number, Bilingual>): (event: StoredEvent, outside: boolean) => string {
  return (e, outside) => `${e.eventId}: ${table[e.eventId]?.[lang] ?? ""}${outsideWindowTag(lang, outside)}`;
}

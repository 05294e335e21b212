// Principal names as icacls prints them → SIDs, in the languages rescue VMs run.
//
// Well-known SIDs are the same on every Windows machine, which is why offline ACL evidence can be
// judged by SID regardless of the display language (scenarios.md §0.1, §6.2). Names marked [U]
// are plausible localisations not confirmed by a capture; they only ever add matches.

import { createHash } from "node:crypto";

interface Authority {
  /** Display names of the authority in each language (the part before the backslash). */
  aliases: string[];
  /** SID → names under that authority (first one = English canonical name). */
  names: Record<string, string[]>;
}

const NT_AUTHORITY: Authority = {
  aliases: ["NT AUTHORITY", "NT-AUTORITÄT", "AUTORITE NT", "AUTORITÉ NT"],
  names: {
    "S-1-5-18": ["SYSTEM", "Système", "LOCAL SYSTEM", "LocalSystem"],
    "S-1-5-19": ["LOCAL SERVICE", "LOKALER DIENST", "SERVICE LOCAL"],
    "S-1-5-20": ["NETWORK SERVICE", "NETZWERKDIENST", "SERVICE RÉSEAU"],
    "S-1-5-11": ["Authenticated Users", "Authentifizierte Benutzer", "Utilisateurs authentifiés"],
    "S-1-5-4": ["INTERACTIVE", "INTERAKTIV", "INTERACTIF"],
    "S-1-5-2": ["NETWORK", "NETZWERK", "RÉSEAU"],
    "S-1-5-3": ["BATCH"],
    "S-1-5-6": ["SERVICE", "DIENST"],
    "S-1-5-7": ["ANONYMOUS LOGON", "ANONYMOUS-ANMELDUNG", "ANONYMOUS LOGON"],
    "S-1-5-9": ["ENTERPRISE DOMAIN CONTROLLERS", "DOMÄNENCONTROLLER DER ORGANISATION"], // de [U]
    "S-1-5-10": ["SELF", "SELBST", "PRINCIPAL SELF"],
    "S-1-5-12": ["RESTRICTED", "EINGESCHRÄNKT", "RESTREINT"], // fr [U]
    "S-1-5-13": ["TERMINAL SERVER USER", "TERMINALSERVERBENUTZER"],
    "S-1-5-14": ["REMOTE INTERACTIVE LOGON", "REMOTEINTERAKTIVE ANMELDUNG"],
    "S-1-5-15": ["This Organization", "Diese Organisation", "Cette organisation"],
    "S-1-5-17": ["IUSR"],
    "S-1-5-33": ["WRITE RESTRICTED"],
    "S-1-5-64-10": ["NTLM Authentication", "NTLM-Authentifizierung"],
    "S-1-5-113": ["Local account", "Lokales Konto", "Compte local"],
    "S-1-5-114": ["Local account and member of Administrators group"],
  },
};

const BUILTIN: Authority = {
  aliases: ["BUILTIN", "VORDEFINIERT"],
  names: {
    "S-1-5-32-544": ["Administrators", "Administratoren", "Administrateurs"],
    "S-1-5-32-545": ["Users", "Benutzer", "Utilisateurs"],
    "S-1-5-32-546": ["Guests", "Gäste", "Invités"],
    "S-1-5-32-547": ["Power Users", "Hauptbenutzer", "Utilisateurs avec pouvoir"],
    "S-1-5-32-548": ["Account Operators", "Konten-Operatoren", "Opérateurs de compte"],
    "S-1-5-32-549": ["Server Operators", "Server-Operatoren", "Opérateurs de serveur"],
    "S-1-5-32-550": ["Print Operators", "Druck-Operatoren", "Opérateurs d'impression"],
    "S-1-5-32-551": ["Backup Operators", "Sicherungs-Operatoren", "Opérateurs de sauvegarde"],
    "S-1-5-32-552": ["Replicator", "Replikations-Operator", "Duplicateurs"],
    "S-1-5-32-554": ["Pre-Windows 2000 Compatible Access", "Prä-Windows 2000 kompatibler Zugriff"],
    "S-1-5-32-555": ["Remote Desktop Users", "Remotedesktopbenutzer", "Utilisateurs du Bureau à distance"],
    "S-1-5-32-556": ["Network Configuration Operators", "Netzwerkkonfigurations-Operatoren"],
    "S-1-5-32-558": ["Performance Monitor Users", "Leistungsüberwachungsbenutzer"],
    "S-1-5-32-559": ["Performance Log Users", "Leistungsprotokollbenutzer"],
    "S-1-5-32-562": ["Distributed COM Users", "Distributed COM-Benutzer"],
    "S-1-5-32-568": ["IIS_IUSRS"],
    "S-1-5-32-569": ["Cryptographic Operators", "Kryptografie-Operatoren"],
    "S-1-5-32-573": ["Event Log Readers", "Ereignisprotokollleser"],
    "S-1-5-32-574": ["Certificate Service DCOM Access", "Zertifikatdienst-DCOM-Zugriff"],
    "S-1-5-32-575": ["RDS Remote Access Servers", "RDS-Remotezugriffsserver"],
    "S-1-5-32-576": ["RDS Endpoint Servers", "RDS-Endpunktserver"],
    "S-1-5-32-577": ["RDS Management Servers", "RDS-Verwaltungsserver"],
    "S-1-5-32-578": ["Hyper-V Administrators", "Hyper-V-Administratoren"],
    "S-1-5-32-579": ["Access Control Assistance Operators", "Zugriffssteuerungs-Unterstützungsoperatoren"],
    "S-1-5-32-580": ["Remote Management Users", "Remoteverwaltungsbenutzer"],
  },
};

const APP_PACKAGES: Authority = {
  aliases: ["APPLICATION PACKAGE AUTHORITY", "ZERTIFIZIERUNGSSTELLE FÜR ANWENDUNGSPAKETE", "AUTORITÉ DE PACKAGE D'APPLICATION"], // de/fr [U]
  names: {
    "S-1-15-2-1": ["ALL APPLICATION PACKAGES", "ALLE ANWENDUNGSPAKETE", "TOUS LES PACKAGES D'APPLICATION"],
    "S-1-15-2-2": ["ALL RESTRICTED APPLICATION PACKAGES", "ALLE EINGESCHRÄNKTEN ANWENDUNGSPAKETE"],
  },
};

const MANDATORY_LABEL: Authority = {
  aliases: ["Mandatory Label", "Verbindliche Beschriftung", "Étiquette obligatoire"], // de/fr [U]
  names: {
    "S-1-16-0": ["Untrusted Mandatory Level"],
    "S-1-16-4096": ["Low Mandatory Level", "Niedrige Verbindlichkeitsstufe"],
    "S-1-16-8192": ["Medium Mandatory Level", "Mittlere Verbindlichkeitsstufe"],
    "S-1-16-8448": ["Medium Plus Mandatory Level"],
    "S-1-16-12288": ["High Mandatory Level", "Hohe Verbindlichkeitsstufe"],
    "S-1-16-16384": ["System Mandatory Level", "Systemverbindlichkeitsstufe"],
    "S-1-16-20480": ["Protected Process Mandatory Level"],
  },
};

/** Principals printed without an authority. */
const UNQUALIFIED: Record<string, string[]> = {
  "S-1-0-0": ["NULL SID"],
  "S-1-1-0": ["Everyone", "Jeder", "Tout le monde"],
  "S-1-2-0": ["LOCAL", "LOKAL"],
  "S-1-2-1": ["CONSOLE LOGON", "KONSOLENANMELDUNG"],
  "S-1-3-0": ["CREATOR OWNER", "ERSTELLER-BESITZER", "CREATEUR PROPRIETAIRE"],
  "S-1-3-1": ["CREATOR GROUP", "ERSTELLERGRUPPE", "GROUPE CREATEUR"],
  "S-1-3-4": ["OWNER RIGHTS", "BESITZERRECHTE", "DROITS DE PROPRIETAIRE"],
};

/** `NT SERVICE\<name>`: the SID is computed from the name. German [U]. */
const SERVICE_AUTHORITY_ALIASES = ["NT SERVICE", "NT-DIENST"];

/** SDDL SID strings (MS-DTYP 2.4.2.4) for the machine-independent SIDs; domain-relative ones map to null. */
const SDDL_ALIASES: Record<string, string | null> = {
  AA: "S-1-5-32-579", AC: "S-1-15-2-1", AN: "S-1-5-7", AO: "S-1-5-32-548", AS: "S-1-18-1", AU: "S-1-5-11",
  BA: "S-1-5-32-544", BG: "S-1-5-32-546", BO: "S-1-5-32-551", BU: "S-1-5-32-545", CD: "S-1-5-32-574",
  CG: "S-1-3-1", CO: "S-1-3-0", CY: "S-1-5-32-569", ED: "S-1-5-9", ER: "S-1-5-32-573", ES: "S-1-5-32-576",
  HA: "S-1-5-32-578", HI: "S-1-16-12288", IS: "S-1-5-32-568", IU: "S-1-5-4", LS: "S-1-5-19", LU: "S-1-5-32-559",
  LW: "S-1-16-4096", ME: "S-1-16-8192", MP: "S-1-16-8448", MS: "S-1-5-32-577", MU: "S-1-5-32-558",
  NO: "S-1-5-32-556", NS: "S-1-5-20", NU: "S-1-5-2", OW: "S-1-3-4", PO: "S-1-5-32-550", PS: "S-1-5-10",
  PU: "S-1-5-32-547", RA: "S-1-5-32-575", RC: "S-1-5-12", RD: "S-1-5-32-555", RE: "S-1-5-32-552",
  RM: "S-1-5-32-580", RU: "S-1-5-32-554", SI: "S-1-16-16384", SO: "S-1-5-32-549", SS: "S-1-18-2",
  SU: "S-1-5-6", SY: "S-1-5-18", UD: "S-1-5-84-0-0-0-0-0", WD: "S-1-1-0", WR: "S-1-5-33",
  // Relative to the machine's or domain's own SID: not resolvable from the ACL alone.
  CA: null, CN: null, DA: null, DC: null, DD: null, DG: null, DU: null, EA: null, LA: null, LG: null,
  PA: null, RO: null, RS: null, SA: null,
};

/** Accent-, case- and spacing-insensitive form of a name ("AUTORITÉ NT" = "autorite nt"). */
function fold(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

const BY_NAME = new Map<string, string>();
const ENGLISH_NAME = new Map<string, string>();
const AUTHORITY_ALIASES = new Set<string>();

function register(authority: Authority | null, names: Record<string, string[]>): void {
  for (const [sid, list] of Object.entries(names)) {
    const english = authority ? `${authority.aliases[0]}\\${list[0]}` : list[0];
    if (!ENGLISH_NAME.has(sid)) ENGLISH_NAME.set(sid, english);
    for (const name of list) {
      // Bare names too: people (and the article) write `SYSTEM:(F)`, `NETWORK SERVICE:(R)`.
      if (!BY_NAME.has(fold(name))) BY_NAME.set(fold(name), sid);
      for (const alias of authority?.aliases ?? []) BY_NAME.set(fold(`${alias}\\${name}`), sid);
    }
  }
  for (const alias of authority?.aliases ?? []) AUTHORITY_ALIASES.add(fold(alias));
}

register(null, UNQUALIFIED);
register(NT_AUTHORITY, NT_AUTHORITY.names);
register(BUILTIN, BUILTIN.names);
register(APP_PACKAGES, APP_PACKAGES.names);
register(MANDATORY_LABEL, MANDATORY_LABEL.names);
for (const alias of SERVICE_AUTHORITY_ALIASES) AUTHORITY_ALIASES.add(fold(alias));
ENGLISH_NAME.set("S-1-5-80-0", "NT SERVICE\\ALL SERVICES");
// Service SIDs that RDP evidence shows (key file ACLs, /save output), so SDDL can name them.
for (const service of ["TrustedInstaller", "SessionEnv", "TermService", "UmRdpService", "CertPropSvc"]) {
  ENGLISH_NAME.set(serviceSid(service), `NT SERVICE\\${service}`);
}

const RAW_SID = /^S-1-\d+(?:-\d+)*$/i;

/** Longer text is no principal (capability SIDs, the longest, stay under 200 characters). */
const MAX_PRINCIPAL = 512;

/** Upper-cases a raw SID's prefix (`s-1-5-18` → `S-1-5-18`), or null when it is not one. */
export function normalizeSid(text: string): string | null {
  if (text.length > MAX_PRINCIPAL) return null;
  const trimmed = text.trim().replace(/^\*/, "");
  return RAW_SID.test(trimmed) ? "S" + trimmed.slice(1) : null;
}

/**
 * SID of a principal as icacls prints it (`NT AUTHORITY\SYSTEM`, `NT-AUTORITÄT\NETZWERKDIENST`,
 * `Jeder`, `NT SERVICE\SessionEnv`, `S-1-5-21-…`, `*S-1-5-20`), or null when it is not a
 * well-known principal (domain and local accounts need the machine's SAM/domain).
 */
export function wellKnownSid(principal: string): string | null {
  if (principal.length > MAX_PRINCIPAL) return null;
  const raw = normalizeSid(principal);
  if (raw) return raw;
  const folded = fold(principal.replace(/^\s*\*/, ""));
  const known = BY_NAME.get(folded);
  if (known) return known;
  const slash = folded.indexOf("\\");
  if (slash > 0 && SERVICE_AUTHORITY_ALIASES.some((a) => fold(a) === folded.slice(0, slash))) {
    const name = principal.slice(principal.indexOf("\\") + 1).trim();
    if (name === "" || name.includes("\\")) return null;
    return fold(name) === "all services" ? "S-1-5-80-0" : serviceSid(name);
  }
  return null;
}

/** English display name of a well-known SID (`S-1-5-20` → `NT AUTHORITY\NETWORK SERVICE`), or null. */
export function wellKnownSidName(sid: string): string | null {
  return ENGLISH_NAME.get(normalizeSid(sid) ?? sid) ?? null;
}

/** Whether `domain` is a built-in authority (`NT AUTHORITY`, `VORDEFINIERT`, `NT SERVICE`, …) in any known language. */
export function isWellKnownAuthority(domain: string): boolean {
  return AUTHORITY_ALIASES.has(fold(domain));
}

/**
 * Service SID: S-1-5-80- followed by the SHA-1 of the upper-cased service name in UTF-16LE,
 * read as five little-endian 32-bit integers. (Upper-casing keeps the length: ß stays ß, as
 * Windows' RtlUpcaseUnicodeString does.)
 */
export function serviceSid(serviceName: string): string {
  let upper = "";
  for (const ch of serviceName) {
    const u = ch.toUpperCase();
    upper += u.length === ch.length ? u : ch;
  }
  const digest = createHash("sha1").update(Buffer.from(upper, "utf16le")).digest();
  const parts: number[] = [];
  for (let i = 0; i < 20; i += 4) parts.push(digest.readUInt32LE(i));
  return `S-1-5-80-${parts.join("-")}`;
}

/**
 * SID of an SDDL trustee: a two-letter alias (`SY`, `BA`, `WD`, …) or a raw SID. Domain-relative
 * aliases (`DA`, `LA`, …) and unknown strings give null.
 */
export function sddlTrusteeSid(trustee: string): string | null {
  const raw = normalizeSid(trustee);
  if (raw) return raw;
  return SDDL_ALIASES[trustee.trim().toUpperCase()] ?? null;
}

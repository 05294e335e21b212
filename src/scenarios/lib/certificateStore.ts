import type { EvidenceIndex, StoredRegistryValue } from "../../store/evidence.js";
import { KEY } from "./registry.js";
import { REACHES_NETWORK_SERVICE, REACHES_SYSTEM, reaches, type AclFault } from "./acl.js";

// Machine certificate stores are registry stores: one subkey per certificate, named by its SHA-1
// thumbprint, with a REG_BINARY `Blob` (scenarios.md §1.1).

/** The CAPI container of the self-signed RDP certificate; its file is f686aace…_<MachineGuid>. */
export const RDP_KEY_CONTAINER = "TSSecKeySet1";
/** MD5("tsseckeyset1\0") as four little-endian DWORDs: the file-name prefix of TSSecKeySet1 in MachineKeys. */
export const RDP_KEY_FILE_PREFIX = "f686aace6942fb7f7ceb231212eef4a4";
const CNG_PROVIDER = "Microsoft Software Key Storage Provider";

export type KeyProvider = "capi-tsseckeyset1" | "cng" | "unknown";

export interface StoredCertificate {
  thumbprint: string;
  key: string;
  blob: StoredRegistryValue | undefined;
  keyProvider: KeyProvider;
}

/**
 * A thumbprint as 40 upper-case hex digits, or null. Spaces, colons and the invisible left-to-right
 * mark that the certificate dialog copies along [S11] are dropped; anything else is not a thumbprint.
 */
export function normalizeThumbprint(raw: string): string | null {
  const hex = raw.replace(/[\s:\u200e\u200f\u202a-\u202e\ufeff]/g, "");
  return /^[0-9a-f]{40}$/i.test(hex) ? hex.toUpperCase() : null;
}

/** True when anything under SOFTWARE\Microsoft\SystemCertificates was collected. */
export function certificateStoresCollected(evidence: EvidenceIndex): boolean {
  return evidence.registryKeyExists(KEY.systemCertificates) || evidence.hasRegistryUnder(KEY.systemCertificates);
}

export function certificatesIn(evidence: EvidenceIndex, storeCertificatesKey: string): StoredCertificate[] {
  return evidence.registrySubkeys(storeCertificatesKey).map((key) => {
    const blob = evidence.registryValue(key, "Blob");
    return {
      thumbprint: key.slice(key.lastIndexOf("\\") + 1).toUpperCase(),
      key,
      blob,
      keyProvider: keyProviderOf(blob),
    };
  });
}

/**
 * Which key store the certificate's KEY_PROV_INFO names. The property holds the container and provider
 * names as UTF-16LE, so a text search of the blob is enough to tell CAPI TSSecKeySet1 from CNG.
 */
export function keyProviderOf(blob: StoredRegistryValue | undefined): KeyProvider {
  if (!blob || typeof blob.value !== "string" || !/^[0-9A-F]*$/i.test(blob.value)) return "unknown";
  const bytes = Buffer.from(blob.value.length % 2 ? blob.value.slice(0, -1) : blob.value, "hex");
  const text = (bytes.toString("utf16le") + "\n" + bytes.subarray(1).toString("utf16le")).toLowerCase();
  if (text.includes(CNG_PROVIDER.toLowerCase())) return "cng";
  if (text.includes(RDP_KEY_CONTAINER.toLowerCase())) return "capi-tsseckeyset1";
  return "unknown";
}

export interface PinnedCertificate {
  /** The SSLCertificateSHA1Hash value as stored. */
  value: StoredRegistryValue;
  /** 40 upper-case hex digits, or null when the value is not a thumbprint at all. */
  thumbprint: string | null;
  /** Where the thumbprint was found: MY, Remote Desktop, neither, or unknown (stores not collected). */
  foundIn: "MY" | "Remote Desktop" | null | "unknown";
}

/**
 * The certificate pinned on RDP-Tcp by `SSLCertificateSHA1Hash` (REG_BINARY, 20 bytes). Absent means
 * the self-signed certificate is used: Windows does not write the value for its own certificate.
 */
export function pinnedCertificate(evidence: EvidenceIndex): PinnedCertificate | null {
  const value = evidence.registryValue(KEY.rdpTcp, "SSLCertificateSHA1Hash");
  if (!value || value.value === null) return null;
  const raw = Array.isArray(value.value) ? value.value.join("") : String(value.value);
  if (raw.trim() === "") return null;
  const thumbprint = normalizeThumbprint(raw);
  let foundIn: PinnedCertificate["foundIn"] = "unknown";
  if (certificateStoresCollected(evidence)) {
    const inStore = (store: string) => thumbprint !== null && certificatesIn(evidence, store).some((c) => c.thumbprint === thumbprint);
    foundIn = inStore(KEY.myCertificates) ? "MY" : inStore(KEY.remoteDesktopCertificates) ? "Remote Desktop" : null;
  }
  return { value, thumbprint, foundIn };
}

/** The Remote Desktop store's registry keys, whose ACLs a raw SOFTWARE hive carries. */
const REMOTE_DESKTOP_STORE_KEYS = /^HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Remote Desktop(\\Certificates)?$/i;

/**
 * An explicit Deny for SYSTEM or NETWORK SERVICE (or a group they are in) on the Remote Desktop store's
 * registry key keeps Windows from writing its certificate there (scenarios.md §1.4) [S24].
 */
export function remoteDesktopStoreAclFaults(evidence: EvidenceIndex): AclFault[] {
  const denies = evidence
    .acl(REMOTE_DESKTOP_STORE_KEYS)
    .filter((a) => a.access === "deny" && reaches(a, [...REACHES_SYSTEM, ...REACHES_NETWORK_SERVICE]));
  if (!denies.length) return [];
  return [{ kind: "store-deny", strength: "fault", path: denies[0].path, source: denies[0].source, entries: denies, subCause: "access-denied" }];
}

// Status codes that RemoteConnectionManager 1057/1058, Schannel 36870 and LSM 17 report when the RDP
// listener's TLS key cannot be used (scenarios.md §1.3; codes and texts from winerror.h).
//
// How 1057/1058 store the status is unverified, so every form is accepted: `0x…` hex, signed or
// unsigned decimal, the `%%N` insertion string, a 4-byte little-endian Binary, and the message text as
// Windows renders it in English or Japanese. `unsignedDecimal` is the `%%` form and is kept as data
// (a test checks it against `code`).

export type CertStatusSubCause = "access-denied" | "object-exists" | "keyset-missing";

export interface StatusCodeEntry {
  code: number;
  unsignedDecimal: number;
  symbol: string;
  /** Which sub-cause of rdp-cert-machinekeys the code points to; null when it names no single cause. */
  subCause: CertStatusSubCause | null;
  /** Message texts as FormatMessage renders them (the article's Japanese sample quotes these). */
  text: { en: string[]; ja: string[] };
  /** What it means for the RDP certificate, one phrase. */
  meaning: { en: string; ja: string };
}

export const STATUS_CODES: StatusCodeEntry[] = [
  {
    code: 0x80070005,
    unsignedDecimal: 2147942405,
    symbol: "E_ACCESSDENIED",
    subCause: "access-denied",
    text: { en: ["Access is denied."], ja: ["アクセスが拒否されました。"] },
    meaning: {
      en: "access denied: the key container's ACL keeps SYSTEM or NETWORK SERVICE out",
      ja: "アクセス拒否: キー コンテナーの ACL が SYSTEM または NETWORK SERVICE を拒否しています",
    },
  },
  {
    code: 0x80090010,
    unsignedDecimal: 2148073488,
    symbol: "NTE_PERM",
    subCause: "access-denied",
    text: { en: ["Access denied."], ja: ["アクセスは拒否されました。"] },
    meaning: {
      en: "access denied at the CSP level (treated like E_ACCESSDENIED)",
      ja: "CSP レベルのアクセス拒否 (E_ACCESSDENIED と同じ扱い)",
    },
  },
  {
    code: 0x8009000f,
    unsignedDecimal: 2148073487,
    symbol: "NTE_EXISTS",
    subCause: "object-exists",
    text: { en: ["Object already exists."], ja: ["オブジェクトは既に存在します。"] },
    meaning: {
      en: "object already exists: a stale TSSecKeySet1 container blocks a new one",
      ja: "オブジェクトが既に存在: 古い TSSecKeySet1 コンテナーが新しいキーの作成を妨げています",
    },
  },
  {
    code: 0x80090016,
    unsignedDecimal: 2148073494,
    symbol: "NTE_BAD_KEYSET",
    subCause: "keyset-missing",
    text: { en: ["Keyset does not exist"], ja: ["キー セットがありません。"] },
    meaning: {
      en: "keyset does not exist: the container is missing or unreadable",
      ja: "キー セットなし: コンテナーが存在しないか読み取れません",
    },
  },
  {
    code: 0x8009030d,
    unsignedDecimal: 2148074253,
    symbol: "SEC_E_UNKNOWN_CREDENTIALS",
    subCause: null,
    text: {
      en: ["The credentials supplied to the package were not recognized"],
      ja: ["パッケージに渡された資格情報を認識できませんでした。"],
    },
    meaning: {
      en: "Schannel cannot use the server certificate's private key",
      ja: "Schannel がサーバー証明書の秘密キーを使用できません",
    },
  },
];

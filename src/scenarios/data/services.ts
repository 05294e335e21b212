// Services the RDP path depends on, their defaults, the display names Service Control Manager events may
// carry instead of the key name, and the Win32 errors its 7000/7001/7023 events name (scenarios.md §5.4,
// §5.9). SCM events carry the service KEY name in `Binary` (UTF-16LE, NUL-terminated) [corpus]; `param1`
// is the display name, localized, on most of them. The match therefore uses Binary first and only falls
// back to param1 against these names. English names are Windows' own; the localized ones are
// (unverified): they only widen the fallback and never decide a verdict on their own.

export interface ServiceFacts {
  /** The service key name under Services. */
  name: string;
  /** Windows' default Start (2 automatic, 3 manual). */
  defaultStart: number;
  /** Windows' default ObjectName, as SCM stores it. */
  defaultObjectName: string;
  displayNames: string[];
}

export const RDP_SERVICES: Record<"TermService" | "SessionEnv" | "UmRdpService" | "Dhcp", ServiceFacts> = {
  TermService: {
    name: "TermService",
    defaultStart: 3,
    defaultObjectName: "NT Authority\\NetworkService",
    displayNames: [
      "Remote Desktop Services",
      "Terminal Services", // 2008 and earlier
      "リモート デスクトップ サービス", // ja-JP (unverified)
      "Remotedesktopdienste", // de-DE (unverified)
      "Services Bureau à distance", // fr-FR (unverified)
      "Servicios de Escritorio remoto", // es-ES (unverified)
    ],
  },
  SessionEnv: {
    name: "SessionEnv",
    defaultStart: 3,
    defaultObjectName: "localSystem",
    displayNames: ["Remote Desktop Configuration", "リモート デスクトップ構成" /* ja-JP (unverified) */, "Remotedesktopkonfiguration" /* de-DE (unverified) */],
  },
  UmRdpService: {
    name: "UmRdpService",
    defaultStart: 3,
    defaultObjectName: "localSystem",
    displayNames: [
      "Remote Desktop Services UserMode Port Redirector",
      "リモート デスクトップ サービス ユーザー モード ポート リダイレクター", // ja-JP (unverified)
    ],
  },
  Dhcp: {
    name: "Dhcp",
    defaultStart: 2,
    defaultObjectName: "NT Authority\\LocalService",
    displayNames: ["DHCP Client", "DHCP クライアント" /* ja-JP (unverified) */, "DHCP-Client" /* de-DE (unverified) */],
  },
};

/** Win32 errors SCM events name as `%%N` (winerror.h), for the notes on 7000/7001/7023. */
export const SCM_ERRORS: Record<number, { en: string; ja: string }> = {
  2: { en: "the service binary was not found", ja: "サービスの実行ファイルが見つかりません" },
  5: { en: "access is denied", ja: "アクセスが拒否されました" },
  1053: { en: "the service did not respond in time", ja: "サービスが時間内に応答しませんでした" },
  1058: { en: "the service is disabled", ja: "サービスが無効になっています" },
  1068: { en: "a dependency failed to start", ja: "依存サービスを開始できませんでした" },
  1069: { en: "the service did not start because of a logon failure", ja: "ログオンに失敗したためサービスを開始できませんでした" },
  1079: {
    en: "the service account differs from the other services in the same process",
    ja: "同じプロセスで動作する他のサービスとサービス アカウントが異なります",
  },
};

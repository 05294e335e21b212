import { COLLECT, exportSoftware, exportSystem } from "./collect.js";

// Rescue-VM commands for the evidence the configuration scenarios read beyond lib/collect.ts, in the
// same form (scenarios.md §6): bare commands using D = drive letter, OUT = output folder, hives loaded
// as HKLM\BROKENSYSTEM / HKLM\BROKENSOFTWARE, CS = the ControlSet00N that Select\Current names, which
// lib/collect.ts collectionScript() wraps into a runnable script.

export const COLLECT_CONFIG = {
  /** Control\Lsa with FIPSAlgorithmPolicy (disabledomaincreds, FIPS). */
  lsa: exportSystem("Control\\Lsa", "lsa.reg"),
  /** Policies\System, where the CredSSP "Encryption Oracle Remediation" policy lives. */
  policiesSystem: exportSoftware("Microsoft\\Windows\\CurrentVersion\\Policies\\System", "policies-system.reg"),
  /** Windows NT\CurrentVersion, with Winlogon below it. */
  currentVersion: COLLECT.currentVersion,
  /** The Windows Firewall's local store (profiles and FirewallRules) lives under SharedAccess. */
  firewall: COLLECT.service("SharedAccess"),
  /** Group Policy, including Terminal Services and WindowsFirewall. */
  policies: COLLECT.policies,
  serverComponents: COLLECT.serverComponents,
} as const;

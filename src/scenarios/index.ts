import type { Scenario } from "./types.js";
import { rdpCertMachineKeys } from "./rdpCertMachineKeys.js";
import { rdpCertThumbprintMismatch } from "./rdpCertThumbprintMismatch.js";
import { tlsProtocolDisabled } from "./tlsProtocolDisabled.js";
import { brokerHostnameChanged } from "./brokerHostnameChanged.js";
import { rdpDisabled } from "./rdpDisabled.js";
import { rdpListenerOff } from "./rdpListenerOff.js";
import { rdpPortChanged } from "./rdpPortChanged.js";
import { termServiceNotRunning } from "./termserviceNotRunning.js";
import { nlaCredsspPolicy } from "./nlaCredsspPolicy.js";
import { fipsEncryptionMismatch } from "./fipsEncryptionMismatch.js";
import { guestFirewallBlocksRdp } from "./guestFirewallBlocksRdp.js";
import { rdsLicensing } from "./rdsLicensing.js";
import { dhcpClientDisabled } from "./dhcpClientDisabled.js";
import { rdpBruteForce } from "./rdpBruteForce.js";

/** Every scenario rdp-triage checks, in the order reports list them. Append new ones; never reorder. */
export const SCENARIOS: Scenario[] = [
  rdpCertMachineKeys,
  rdpCertThumbprintMismatch,
  tlsProtocolDisabled,
  brokerHostnameChanged,
  rdpDisabled,
  rdpListenerOff,
  rdpPortChanged,
  termServiceNotRunning,
  nlaCredsspPolicy,
  fipsEncryptionMismatch,
  guestFirewallBlocksRdp,
  rdsLicensing,
  dhcpClientDisabled,
  rdpBruteForce,
];

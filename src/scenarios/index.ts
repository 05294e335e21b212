import type { Scenario } from "./types.js";
import { rdpCertMachineKeys } from "./rdpCertMachineKeys.js";
import { rdpCertThumbprintMismatch } from "./rdpCertThumbprintMismatch.js";
import { tlsProtocolDisabled } from "./tlsProtocolDisabled.js";
import { brokerHostnameChanged } from "./brokerHostnameChanged.js";

/** Every scenario rdp-triage checks, in the order reports list them. Append new ones; never reorder. */
export const SCENARIOS: Scenario[] = [rdpCertMachineKeys, rdpCertThumbprintMismatch, tlsProtocolDisabled, brokerHostnameChanged];

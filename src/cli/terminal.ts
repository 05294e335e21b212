/**
 * Evidence is attacker-controlled text. Before anything reaches a terminal, remove what a terminal
 * would interpret: ANSI/VT escape sequences, other C0/C1 controls, and bidi overrides that could
 * make a printed path read differently from what it is. Newlines and tabs stay.
 */
// An OSC string ends at BEL or ST; an unterminated one is removed up to the line end, never across it.
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b\n]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Bidi_Control}]/gu; // Bidi_Control: U+061C, U+200E/F, U+202A–E, U+2066–9

export function printable(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

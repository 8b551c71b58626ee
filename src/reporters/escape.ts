import { escapeControl } from '../text.js';

export { escapeControl };

/**
 * Escaping for the human-readable formats (text, github, stderr). Policies, file names and config
 * values come from pull requests, and these formats end up in terminals and workflow logs: a raw
 * control character could erase a finding from the screen (ESC sequences), forge a line (CR, LF,
 * U+2028) or a workflow command. JSON and SARIF keep values exact (their encoders escape).
 */

/** GitHub's runner reads a line as a workflow command when it starts (after blanks) with `::`. */
const COMMAND_START = /^(\s*)::/;

/**
 * A line of plain log text that cannot be read as a workflow command: the control characters
 * escaped, and a leading `::` (a file named `::error::x`) prefixed with `./` (the same path).
 */
export function logLine(s: string): string {
  return escapeControl(s).replace(COMMAND_START, '$1./::');
}

/** Escaping of a command's message, as GitHub's runner reads it (actions/toolkit `escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value: the message's, plus the `:` and `,` that delimit properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

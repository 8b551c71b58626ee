/**
 * Escaping for the human-readable formats (text, github, stderr). Policies, file names and config
 * values come from pull requests, and these formats end up in terminals and workflow logs: a raw
 * control character could erase a finding from the screen (ESC sequences), forge a line (CR, LF,
 * U+2028) or a workflow command. JSON and SARIF keep values exact (their encoders escape).
 */

/**
 * C0, DEL, C1, the line and paragraph separators, and the bidirectional embedding, override and
 * isolate controls (which reorder what a reader sees: "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

/** Every control character as a visible escape (`\n`, `\u001b`); other text unchanged. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => SHORT.get(c) ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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

/** Text helpers for every file format: offsets as 1-based lines and columns; escaping for what people read. */

export interface Region {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Offsets of line starts, for offset → 1-based line/column. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  let at = text.indexOf('\n');
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  return starts;
}

export function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

export function region(starts: readonly number[], offset: number, length: number): Region {
  const start = position(starts, offset);
  const end = position(starts, offset + Math.max(length, 1));
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/*
 * Escaping for what people read (the text and github formats, stderr, generated comments): values
 * from input lose their control characters there. JSON and SARIF keep values exact.
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

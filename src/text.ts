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

// Escaping for what people read lives with the value helpers (every layer, errors included, uses it).
export { escapeControl } from './values.js';

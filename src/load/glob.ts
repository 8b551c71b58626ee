import { minimatchLib } from '../deps.js';
import { UsageError } from '../errors.js';

/**
 * Globs come from config files and flags a pull request can change: each is bounded (length,
 * brace alternatives) and compiled once. `{a,b}` × 16 is 65,536 patterns; minimatch would build
 * them all, per call.
 */
export const MAX_GLOB_LENGTH = 1024;
export const MAX_BRACE_PATTERNS = 256;

/** Why a glob is refused, or undefined. The brace count stops at the limit (bounded work). */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH)
    return `the glob is ${glob.length} characters long; at most ${MAX_GLOB_LENGTH} are allowed`;
  // No brace, one pattern: minimatch (loaded on first use) is not needed to tell.
  if (!glob.includes('{')) return undefined;
  const patterns = minimatchLib().minimatch.braceExpand(glob, {
    braceExpandMax: MAX_BRACE_PATTERNS + 1,
  }).length;
  if (patterns > MAX_BRACE_PATTERNS)
    return `the glob's braces expand to more than ${MAX_BRACE_PATTERNS} patterns; list fewer alternatives`;
  return undefined;
}

/** A glob for messages: long ones cut, quoted as JSON (so nothing in it can break the line). */
export function showGlob(glob: string): string {
  return JSON.stringify(glob.length > 60 ? `${glob.slice(0, 60)}…` : glob);
}

const compiled = new Map<string, (s: string) => boolean>();

/**
 * The glob as a test, compiled on first use and kept. A refused glob is a UsageError naming
 * `where` (`--rule`, `suppressions[3].files`).
 */
export function globTest(
  glob: string,
  where: string,
  options: { dot?: boolean } = {},
): (s: string) => boolean {
  const key = `${options.dot ? 'd' : '-'}${glob}`;
  let test = compiled.get(key);
  if (test) return test;
  const problem = globProblem(glob);
  if (problem) throw new UsageError(`${where} ${showGlob(glob)}: ${problem}`);
  const mm = new (minimatchLib().Minimatch)(glob, {
    dot: options.dot ?? false,
    braceExpandMax: MAX_BRACE_PATTERNS,
  });
  test = (s: string) => mm.match(s);
  compiled.set(key, test);
  return test;
}

/** `minimatch(s, glob)` with the glob compiled once and bounded. */
export const globMatch = (s: string, glob: string, where: string, options: { dot?: boolean } = {}): boolean =>
  globTest(glob, where, options)(s);

/**
 * IAM-style wildcards (`*` any run, `?` one character; case-sensitive), for a suppression's
 * `resource`. No regular expression: the pattern splits at `*` and each piece is found leftmost,
 * which is exact for `*` and keeps the work near linear in the text (a backtracking RegExp took
 * minutes on `a*a*a*…b`).
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  const pieces = pattern.split('*');
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return text.length === first.length && at(text, first, 0);
  const last = pieces[pieces.length - 1] ?? '';
  if (text.length < first.length + last.length) return false;
  if (!at(text, first, 0) || !at(text, last, text.length - last.length)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = find(text, piece, from, end);
    if (found < 0) return false;
    from = found + piece.length;
  }
  return true;
}

/** Does `piece` (with `?`) match `text` at `start`? */
function at(text: string, piece: string, start: number): boolean {
  if (start + piece.length > text.length) return false;
  for (let i = 0; i < piece.length; i++) {
    const p = piece.charCodeAt(i);
    if (p !== 63 /* ? */ && p !== text.charCodeAt(start + i)) return false;
  }
  return true;
}

/** The leftmost start ≥ from where `piece` matches and ends by `end`; -1 when none. */
function find(text: string, piece: string, from: number, end: number): number {
  if (!piece.includes('?')) {
    const i = text.indexOf(piece, from);
    return i >= 0 && i + piece.length <= end ? i : -1;
  }
  for (let i = from; i + piece.length <= end; i++) if (at(text, piece, i)) return i;
  return -1;
}

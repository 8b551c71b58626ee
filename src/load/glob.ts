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

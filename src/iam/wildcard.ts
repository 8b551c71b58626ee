/**
 * IAM wildcards: `*` matches any run of characters (including `/` and `:`), `?` exactly one.
 * minimatch is not an IAM matcher (its `*` stops at `/`); this is, in linear time (./match.ts).
 */
import { globMatch } from './match.js';

export const hasWildcard = (value: string): boolean => value.includes('*') || value.includes('?');

/** Does an Action/NotAction pattern (`s3tables:Get*`) match a concrete action? Case-insensitive, as IAM. */
export function matchAction(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  return globMatch(pattern, action, true);
}

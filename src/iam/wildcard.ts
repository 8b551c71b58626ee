/**
 * IAM wildcards: `*` matches any run of characters (including `/` and `:`), `?` exactly one.
 * minimatch is not an IAM matcher (its `*` stops at `/`); this is.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '[\\s\\S]*';
      else if (ch === '?') source += '[\\s\\S]';
      else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
    if (cache.size > 10_000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export const hasWildcard = (value: string): boolean => value.includes('*') || value.includes('?');

/** Does an Action/NotAction pattern (`s3tables:Get*`) match a concrete action? Case-insensitive, as IAM. */
export function matchAction(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  return globToRegExp(pattern, true).test(action);
}

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

/**
 * Two-sided: is there a string both globs match (`*` any run, `?` one character, case-sensitive)?
 * Reachability in the product of the two patterns' automata, O(|a|·|b|).
 */
export function globsIntersect(a: string, b: string): boolean {
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const stack = [0, 0];
  while (stack.length > 0) {
    const j = stack.pop() ?? 0;
    const i = stack.pop() ?? 0;
    if (seen[i * width + j]) continue;
    seen[i * width + j] = 1;
    if (i === a.length && j === b.length) return true;
    const ca = a[i];
    const cb = b[j];
    // A star may match nothing.
    if (ca === '*') stack.push(i + 1, j);
    if (cb === '*') stack.push(i, j + 1);
    if (ca === undefined || cb === undefined) continue;
    // Both consume one common character; a star stays put after consuming.
    if (ca === '*' || ca === '?' || cb === '*' || cb === '?' || ca === cb)
      stack.push(ca === '*' ? i : i + 1, cb === '*' ? j : j + 1);
  }
  return false;
}

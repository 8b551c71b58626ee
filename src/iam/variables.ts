/** Policy variables (`${aws:username}`) inside Resource values. */

/** `${*}`, `${?}`, `${$}` stand for literal characters, not request values. */
export const ESCAPES = new Set(['${*}', '${?}', '${$}']);

const FIELDS = ['prefix', 'partition', 'service', 'region', 'account'] as const;

/**
 * The first policy variable that sits before the fifth colon of an ARN (colons inside `${…}` do
 * not count), with the ARN field it is in; undefined when there is none.
 */
export function variableBeforeFifthColon(
  value: string,
): { variable: string; field: (typeof FIELDS)[number] } | undefined {
  let colons = 0;
  for (let i = 0; i < value.length && colons < 5; i++) {
    const ch = value[i];
    if (ch === ':') {
      colons++;
    } else if (ch === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      const variable = end < 0 ? value.slice(i) : value.slice(i, end + 1);
      if (!ESCAPES.has(variable)) return { variable, field: FIELDS[colons] ?? 'account' };
      if (end < 0) return undefined;
      i = end;
    }
  }
  return undefined;
}

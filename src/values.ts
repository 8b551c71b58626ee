/**
 * Helpers on parsed values and paths that every layer uses (the IAM code included): no imports
 * beyond the model's types.
 */
import { Unknown, type Path } from './model.js';

type Obj = Record<string, unknown>;

/** A JSON object; an Unknown (a value the inputs cannot tell) is not one. */
export const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown);

/** An own member (a `__proto__` key parsed from JSON included), never one inherited. */
export const has = (o: Obj, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * What a template's pseudo parameters (`AWS::AccountId`, `AWS::Region`) stand for: values of the
 * right shape that no real resource has, so ARNs built from them parse and compare equal to each
 * other. A comparison of a placeholder with another value cannot tell (the evaluator, `knownToDiffer`).
 */
export const PLACEHOLDER = { account: '000000000000', region: 'us-anyregion-0' } as const;

/** Does the value contain a placeholder (so it stands for every value of that shape)? */
export const hasPlaceholder = (value: string): boolean =>
  value.includes(PLACEHOLDER.account) || value.includes(PLACEHOLDER.region);

/** Two accounts (or regions) that are known to differ: not when either is a placeholder. */
export const knownToDiffer = (a: string, b: string): boolean =>
  a !== b && !hasPlaceholder(a) && !hasPlaceholder(b);

/** A path as people write it: `Statement[0].Principal.AWS`. */
export function pathLabel(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** The last member name of a path with the indexes after it: `destinations[2]`. */
export function memberLabel(path: Path): string {
  let i = path.length;
  while (i > 0 && typeof path[i - 1] === 'number') i--;
  return pathLabel(path.slice(Math.max(i - 1, 0)));
}

/** "a string", "an array", "null", … for messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Unknown) return `a value not known before deployment (${value.reason})`;
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return `a string`;
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'nothing';
  }
}

/** Control characters of input as `\u` escapes, so that they never reach output as such. */
export const printable = (s: string): string =>
  // eslint-disable-next-line no-control-regex -- the point is to find them
  s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

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

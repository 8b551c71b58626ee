/**
 * Helpers on parsed values and paths that every layer uses (the IAM code included): no imports
 * beyond the model's types.
 */
import type { Path } from './model.js';

type Obj = Record<string, unknown>;

export const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

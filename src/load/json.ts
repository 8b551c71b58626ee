import {
  parse as parseLoose,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import type { Path } from '../rule.js';

/** A positioned JSON syntax tree (jsonc-parser's), or null when the text cannot be positioned. */
export type JsonTree = Node | null;

export interface Region {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface SyntaxProblem {
  message: string;
  offset: number;
  length: number;
}

/**
 * Parses strictly as JSON. The fast path is JSON.parse; jsonc-parser runs only to position a
 * syntax error, so clean files never pay for a position tree.
 */
export function parseJson(text: string): { value: unknown } | { error: SyntaxProblem } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (cause) {
    return { error: syntaxError(text, cause) };
  }
}

function syntaxError(text: string, cause: unknown): SyntaxProblem {
  const errors: ParseError[] = [];
  try {
    parseLoose(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // jsonc-parser recurses; absurd nesting overflows it. Fall back to V8's message below.
  }
  const first = errors[0];
  if (first) {
    return {
      message: `invalid JSON: ${describe(printParseErrorCode(first.error))}`,
      offset: first.offset,
      length: first.length,
    };
  }
  const detail = cause instanceof Error ? cause.message : String(cause);
  const at = /position (\d+)/.exec(detail);
  return { message: `invalid JSON: ${detail}`, offset: at ? Number(at[1]) : 0, length: 1 };
}

const describe = (code: string): string =>
  ({
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: 'closing brace expected',
    CloseBracketExpected: 'closing bracket expected',
    EndOfFileExpected: 'end of file expected (more than one JSON value?)',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'comments are not allowed in JSON',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in string',
  })[code] ?? code;

/** Builds the position tree; null if the text defeats the parser (e.g. absurd nesting). */
export function buildTree(text: string): JsonTree {
  try {
    return parseTree(text, [], { disallowComments: true }) ?? null;
  } catch {
    return null;
  }
}

/**
 * The character range of `path`, or of its closest existing ancestor. Object members are found by
 * the last key of that name, as JSON.parse keeps the last duplicate.
 */
export function locate(tree: JsonTree, path: Path): { offset: number; length: number; found: number } {
  if (!tree) return { offset: 0, length: 0, found: 0 };
  let node: Node = tree;
  let found = 0;
  for (const segment of path) {
    const next = child(node, segment);
    if (!next) break;
    node = next;
    found++;
  }
  return { offset: node.offset, length: node.length, found };
}

function child(node: Node, segment: string | number): Node | undefined {
  const children = node.children ?? [];
  if (node.type === 'array') return typeof segment === 'number' ? children[segment] : undefined;
  if (node.type !== 'object') return undefined;
  for (let i = children.length - 1; i >= 0; i--) {
    const property = children[i];
    if (property?.children?.[0]?.value === String(segment)) return property.children[1];
  }
  return undefined;
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

/** Depth of nesting; recursion stops past `limit`, so the stack stays shallow whatever the input. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const deeper = (item: unknown, depth: number): boolean => {
    if (typeof item !== 'object' || item === null) return false;
    if (depth > limit) return true;
    // Object.values, not for…in: a "__proto__" member parsed from JSON is an own property.
    for (const next of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof next === 'object' && next !== null && deeper(next, depth + 1)) return true;
    }
    return false;
  };
  return deeper(value, 1);
}

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

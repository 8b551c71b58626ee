import {
  parse as parseLoose,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import type { Path, SourceFile, TextRange } from '../model.js';

/** A positioned JSON syntax tree (jsonc-parser's), or null when the text cannot be positioned. */
export type JsonTree = Node | null;

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

/** A JSON file: it locates paths with a position tree built on first use, so clean files never pay for one. */
export class JsonFile implements SourceFile {
  #tree: JsonTree | undefined;
  #text: string;
  constructor(
    readonly name: string,
    text: string,
    readonly explicit: boolean,
  ) {
    this.#text = text;
  }
  get text(): string {
    return this.#text;
  }
  set text(value: string) {
    this.#text = value;
  }
  locate(path: Path): TextRange {
    this.#tree ??= buildTree(this.text);
    const { offset, length } = locate(this.#tree, path);
    return { offset, length };
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

import type { ParseError } from 'jsonc-parser';
import { jsoncParser } from '../deps.js';
import type { Path, SourceFile, TextRange } from '../model.js';
import { JsonLocator } from './locate.js';

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
    jsoncParser().parse(text, errors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false,
    });
  } catch {
    // jsonc-parser recurses; absurd nesting overflows it. Fall back to V8's message below.
  }
  const first = errors[0];
  if (first) {
    return {
      message: `invalid JSON: ${describe(jsoncParser().printParseErrorCode(first.error))}`,
      offset: first.offset,
      length: first.length,
    };
  }
  // V8's message quotes the input around the error: keep only its first words (no input bytes).
  const detail = cause instanceof Error ? cause.message : String(cause);
  const at = /position (\d+)/.exec(detail);
  const what = /^[A-Za-z ]*/
    .exec(detail)?.[0]
    .replace(/ (in|at|after) JSON.*$/, '')
    .trim()
    .toLowerCase();
  return { message: `invalid JSON: ${what || 'syntax error'}`, offset: at ? Number(at[1]) : 0, length: 1 };
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

/** A JSON file: it locates paths by walking only the containers on them (see locate.ts), on first use. */
export class JsonFile implements SourceFile {
  #locator: JsonLocator | undefined;
  #text: string;
  /** Another format's locator (YAML), built from the text on first use. */
  #other: ((text: string) => (path: Path) => TextRange) | undefined;
  #otherLocate: ((path: Path) => TextRange) | undefined;
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
  /** The text is another format than JSON (YAML): positions come from its locator. */
  useLocator(locator: (text: string) => (path: Path) => TextRange): void {
    this.#other = locator;
  }
  locate(path: Path): TextRange {
    if (this.#other) return (this.#otherLocate ??= this.#other(this.text))(path);
    this.#locator ??= new JsonLocator(this.text);
    const { offset, length } = this.#locator.locate(path);
    return { offset, length };
  }
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

/**
 * Paths to character ranges in JSON text, walking only the containers on the path. Each container
 * visited is indexed once (its members' or elements' ranges), so locating many findings in one
 * file costs one scan of the containers they sit in, not one per finding; nothing else is built.
 */
import type { Path } from '../model.js';

export interface Located {
  offset: number;
  length: number;
  /** How many segments of the path exist (the range is of that ancestor). */
  found: number;
}

type Range = readonly [start: number, end: number];
/** An object's members by key (the last of duplicates, as JSON.parse keeps), or an array's elements. */
type Container = Map<string, Range> | Range[];

export class JsonLocator {
  readonly #text: string;
  readonly #containers = new Map<number, Container | null>();
  #root: Range | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** The range of `path`, or of its closest existing ancestor; the whole value for []. */
  locate(path: Path): Located {
    const text = this.#text;
    this.#root ??= ((start) =>
      start < text.length ? ([start, skipValue(text, start)] as const) : ([0, 0] as const))(
      skipSpace(text, 0),
    );
    let [start, end] = this.#root;
    let found = 0;
    for (const segment of path) {
      const container = this.#container(start);
      const next =
        container instanceof Map
          ? container.get(String(segment))
          : container && typeof segment === 'number'
            ? container[segment]
            : undefined;
      if (!next) break;
      [start, end] = next;
      found++;
    }
    return { offset: start, length: end - start, found };
  }

  #container(start: number): Container | null {
    let c = this.#containers.get(start);
    if (c === undefined) this.#containers.set(start, (c = scanContainer(this.#text, start)));
    return c;
  }
}

function scanContainer(text: string, start: number): Container | null {
  const open = text.charCodeAt(start);
  if (open === BRACKET) {
    const items: Range[] = [];
    let p = skipSpace(text, start + 1);
    if (text.charCodeAt(p) === CLOSE_BRACKET) return items;
    while (p < text.length) {
      const end = skipValue(text, p);
      items.push([p, end]);
      p = skipSpace(text, end);
      if (text.charCodeAt(p) !== COMMA) break;
      p = skipSpace(text, p + 1);
    }
    return items;
  }
  if (open !== BRACE) return null;
  const members = new Map<string, Range>();
  let p = skipSpace(text, start + 1);
  while (text.charCodeAt(p) === QUOTE) {
    const keyEnd = skipString(text, p);
    const key = decodeKey(text.slice(p, keyEnd));
    p = skipSpace(text, keyEnd);
    if (text.charCodeAt(p) !== COLON) break;
    p = skipSpace(text, p + 1);
    const end = skipValue(text, p);
    members.set(key, [p, end]);
    p = skipSpace(text, end);
    if (text.charCodeAt(p) !== COMMA) break;
    p = skipSpace(text, p + 1);
  }
  return members;
}

const [BRACE, CLOSE_BRACE, BRACKET, CLOSE_BRACKET, QUOTE, BACKSLASH, COMMA, COLON] = [...'{}[]"\\,:'].map(
  (c) => c.charCodeAt(0),
) as [number, number, number, number, number, number, number, number];

function decodeKey(raw: string): string {
  if (!raw.includes('\\')) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

function skipSpace(text: string, p: number): number {
  for (;;) {
    const c = text.charCodeAt(p);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
    else return p;
  }
}

function skipString(text: string, p: number): number {
  for (let i = p + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

/** The end of the value starting at p (iterative: nesting depth costs no stack). */
function skipValue(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c === QUOTE) return skipString(text, p);
  if (c !== BRACE && c !== BRACKET) {
    let i = p;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (
        d === COMMA ||
        d === CLOSE_BRACE ||
        d === CLOSE_BRACKET ||
        d === 0x20 ||
        d === 0x0a ||
        d === 0x0d ||
        d === 0x09
      )
        break;
      i++;
    }
    return i;
  }
  let depth = 0;
  for (let i = p; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) i = skipString(text, i) - 1;
    else if (d === BRACE || d === BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
  }
  return text.length;
}

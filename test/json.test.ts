import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { JsonLocator } from '../src/load/locate.js';
import { lineStarts, position } from '../src/text.js';
import { pathLabel } from '../src/values.js';
import type { Path } from '../src/rule.js';

type Json = unknown;

const locate = (text: string, path: Path) => new JsonLocator(text).locate(path);

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every path in a JSON value, the root included. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null)
    for (const key of Object.keys(value))
      out.push(...paths((value as Record<string, Json>)[key], [...prefix, key]));
  return out;
}

function at(value: Json, path: Path): Json {
  let node = value;
  for (const segment of path) node = (node as Record<string | number, Json>)[segment];
  return node;
}

/** A random JSON value, serialised with a random indentation, and one of its paths. */
const document = fc
  .record({ value: fc.jsonValue({ maxDepth: 5 }), indent: fc.constantFrom(0, 2, 4, '\t') })
  .chain(({ value, indent }) => {
    const text = JSON.stringify(value, null, indent);
    const all = paths(JSON.parse(text) as Json);
    return fc.record({
      text: fc.constant(text),
      value: fc.constant(JSON.parse(text) as Json),
      path: fc.constantFrom(...all),
    });
  });

describe('locate (JSON path → character range)', () => {
  it('returns the exact range of an existing node', () => {
    fc.assert(
      fc.property(document, ({ text, value, path }) => {
        const found = locate(text, path);
        expect(found.found).toBe(path.length);
        const slice = text.slice(found.offset, found.offset + found.length);
        // The range holds exactly the node: it parses to the node's value, with no surrounding space.
        expect(JSON.parse(slice)).toEqual(at(value, path));
        expect(slice).toBe(slice.trim());
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to the closest existing ancestor for a path that does not exist', () => {
    const missing = fc.oneof(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.integer({ min: 0, max: 2_000_000 }),
    );
    fc.assert(
      fc.property(
        document,
        missing,
        fc.array(fc.oneof(fc.string(), fc.nat()), { maxLength: 3 }),
        (doc, bad, tail) => {
          const existing = at(doc.value, doc.path);
          // Skip the draws that happen to exist.
          if (Array.isArray(existing) ? typeof bad === 'number' && bad < existing.length : false) return;
          if (isObject(existing) && Object.prototype.hasOwnProperty.call(existing, String(bad))) return;
          const full = [...doc.path, bad, ...tail];
          const found = locate(doc.text, full);
          const ancestor = locate(doc.text, doc.path);
          expect(found).toEqual({ offset: ancestor.offset, length: ancestor.length, found: doc.path.length });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with jsonc-parser position trees (the former locator) on every existing path', () => {
    fc.assert(
      fc.property(document, ({ text, path }) => {
        const tree = parseTree(text);
        const node = tree && (path.length === 0 ? tree : findNodeAtLocation(tree, [...path]));
        if (!node) throw new Error('jsonc-parser found no node');
        expect(locate(text, path)).toEqual({ offset: node.offset, length: node.length, found: path.length });
      }),
      { numRuns: 300 },
    );
  });

  it('locates many members of one object with one scan of it (10,000 keys)', () => {
    const text = JSON.stringify({
      c: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
    });
    const locator = new JsonLocator(text);
    for (let i = 0; i < 10_000; i += 997) {
      const found = locator.locate(['c', `k${i}`]);
      expect(text.slice(found.offset, found.offset + found.length)).toBe(String(i));
    }
  });

  it('finds duplicate keys by the last occurrence, as JSON.parse keeps it', () => {
    const text = '{"a": 1, "a": [true]}';
    const found = locate(text, ['a', 0]);
    expect(text.slice(found.offset, found.offset + found.length)).toBe('true');
  });

  it('does not mistake Object.prototype names for members', () => {
    const text = '{"x": {"y": 1}}';
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(locate(text, ['x', name])).toMatchObject({ found: 1, offset: 6 });
    }
  });

  it('positions are 1-based lines and columns', () => {
    const starts = lineStarts('ab\ncd\n\nef');
    expect(position(starts, 0)).toEqual({ line: 1, column: 1 });
    expect(position(starts, 4)).toEqual({ line: 2, column: 2 });
    expect(position(starts, 6)).toEqual({ line: 3, column: 1 });
    expect(position(starts, 8)).toEqual({ line: 4, column: 2 });
  });

  it('labels paths the way people write them', () => {
    expect(pathLabel(['Statement', 0, 'Principal', 'AWS', 2])).toBe('Statement[0].Principal.AWS[2]');
    expect(pathLabel([])).toBe('');
  });
});

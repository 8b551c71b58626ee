import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parsePattern,
  resourceCovers,
  resourceIntersects,
  resourceMatches,
  type Token,
} from '../src/iam/resource.js';

const ARN_TABLE = 'arn:aws:s3tables:us-east-1:111122223333:bucket/src/table/t1';

describe('resourceMatches: IAM documented rules', () => {
  it('is case-sensitive, * crosses /, wildcards stay inside a segment unless * ends it', () => {
    expect(resourceMatches('*', 'anything:at/all')).toBe(true);
    expect(resourceMatches('arn:aws:s3tables:us-east-1:111122223333:bucket/*', ARN_TABLE)).toBe(true);
    expect(resourceMatches('arn:aws:s3tables:us-east-1:111122223333:bucket/SRC/*', ARN_TABLE)).toBe(false);
    expect(resourceMatches('arn:aws:s3tables:*:*:bucket/src/table/t?', ARN_TABLE)).toBe(true);
    expect(resourceMatches('arn:aws:s3tables:*', ARN_TABLE)).toBe(true);
    // `*` inside a segment does not cross a colon; at the segment's end it may.
    expect(
      resourceMatches('arn:aws:logs:us-east-1:1:log-group:a*b', 'arn:aws:logs:us-east-1:1:log-group:ax:yb'),
    ).toBe(false);
    expect(
      resourceMatches('arn:aws:logs:us-east-1:1:log-group:a*', 'arn:aws:logs:us-east-1:1:log-group:ax:yb'),
    ).toBe(true);
    expect(
      resourceMatches('arn:aws:s3tables:us-east-1:1:bucket/a?b', 'arn:aws:s3tables:us-east-1:1:bucket/a:b'),
    ).toBe(false);
    // Escapes are literal; variables do not match without a context.
    expect(resourceMatches('arn:aws:iam::1:user/${*}', 'arn:aws:iam::1:user/*')).toBe(true);
    expect(resourceMatches('arn:aws:iam::1:user/${*}', 'arn:aws:iam::1:user/bob')).toBe(false);
    expect(resourceMatches('arn:aws:iam::1:user/${aws:username}', 'arn:aws:iam::1:user/bob')).toBe(false);
    // Before the fifth colon a variable is literal text.
    expect(parsePattern('arn:aws:iam::${aws:PrincipalAccount}:role/R').vars).toBe(false);
  });

  it('covers and intersects patterns', () => {
    const bucket = 'arn:aws:s3tables:us-east-1:111122223333:bucket/src';
    expect(resourceCovers(`${bucket}/*`, `${bucket}/table/*`)).toBe(true);
    expect(resourceCovers(`${bucket}/table/a*`, `${bucket}/table/*`)).toBe(false);
    expect(resourceCovers('*', `${bucket}/table/*`)).toBe(true);
    expect(resourceCovers(`${bucket}/table/?*`, `${bucket}/table/*?`)).toBe(true);
    expect(resourceIntersects(`${bucket}/table/a*`, `${bucket}/*/abc`)).toBe(true);
    expect(resourceIntersects(`${bucket}/table/a*`, `${bucket}/table/b*`)).toBe(false);
    expect(resourceIntersects('arn:aws:s3tables:*:*:bucket/*', 'arn:aws:iam::*:role/*')).toBe(false);
    expect(resourceIntersects('arn:aws:iam::1:user/${aws:username}', 'arn:aws:iam::1:user/bob')).toBe(true);
  });
});

// --- property tests ---

const resourcePart = fc
  .array(fc.constantFrom('a', 'b', 'ab', 'src', '/', 'T1', 'x-y'), { minLength: 1, maxLength: 6 })
  .map((xs) => xs.join(''));
const arn = fc
  .tuple(
    fc.constantFrom('aws', 'aws-cn'),
    fc.constantFrom('s3tables', 'iam', 'kms'),
    fc.constantFrom('us-east-1', ''),
    fc.constantFrom('111122223333', '', '1'),
    fc.constantFrom('bucket/', 'role/', 'key/', 'log-group:'),
    resourcePart,
  )
  .map(([p, s, r, a, type, rest]) => `arn:${p}:${s}:${r}:${a}:${type}${rest}`);

/** A pattern over a small alphabet, colons and both wildcards included. */
const pattern = fc
  .array(fc.constantFrom('a', 'b', ':', '/', '*', '?', 'ab', '**', '*?'), {
    minLength: 0,
    maxLength: 8,
  })
  .map((xs) => xs.join(''));

/** A concrete string matching the pattern, built token by token. */
function instance(p: string): fc.Arbitrary<string> {
  const text = (colon: boolean): fc.Arbitrary<string> =>
    fc
      .array(fc.constantFrom(...(colon ? ['a', 'b', '/', ':'] : ['a', 'b', '/'])), { maxLength: 4 })
      .map((xs) => xs.join(''));
  const parts = parsePattern(p).tokens.map((t: Token) =>
    t.k === 'lit' ? fc.constant(t.c) : t.k === 'q' ? fc.constantFrom('a', 'b', '/') : text(t.k === 'any'),
  );
  return fc.tuple(...parts).map((xs) => xs.join(''));
}

describe('ARN matching properties', () => {
  it('a pattern made from an ARN by replacing segments or characters with wildcards matches it', () => {
    fc.assert(
      fc.property(arn, fc.array(fc.nat(), { maxLength: 4 }), (a, picks) => {
        const fields = a.split(':');
        // The resource part's pieces between / and : (separators kept).
        const resource = fields
          .slice(5)
          .join(':')
          .split(/([/:])/);
        for (const n of picks) {
          const i = n % (5 + resource.length);
          if (i >= 1 && i < 5) fields[i] = '*';
          else if (i >= 5 && !['/', ':'].includes(resource[i - 5]!)) resource[i - 5] = '*';
        }
        const p = [...fields.slice(0, 5), resource.join('')].join(':');
        expect(resourceMatches(p, a)).toBe(true);
        const q = a.replace(/[^:](?=[^:]*$)/, '?'); // one character of the last field
        expect(resourceMatches(q, a)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('matches is covers on concrete ARNs, and implies intersects', () => {
    fc.assert(
      fc.property(pattern, arn, (p, a) => {
        const m = resourceMatches(p, a);
        expect(resourceCovers(p, a)).toBe(m);
        if (m) expect(resourceIntersects(p, a)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('covers implies intersects; intersects is symmetric; covers is reflexive', () => {
    fc.assert(
      fc.property(pattern, pattern, (p, q) => {
        if (resourceCovers(p, q)) expect(resourceIntersects(p, q)).toBe(true);
        expect(resourceIntersects(p, q)).toBe(resourceIntersects(q, p));
        expect(resourceCovers(p, p)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('covers is sound: every instance of the covered pattern matches the covering one', () => {
    fc.assert(
      fc.property(
        pattern,
        pattern.chain((q) => fc.tuple(fc.constant(q), instance(q))),
        (p, [q, s]) => {
          expect(resourceMatches(q, s)).toBe(true);
          if (resourceCovers(p, q)) expect(resourceMatches(p, s)).toBe(true);
          // intersects never misses a witness
          if (resourceMatches(p, s)) expect(resourceIntersects(p, q)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// The linear-time matchers (src/iam/match.ts and their users) against the regular-expression
// implementations they replaced, kept here only as references, on small inputs; and the inputs that
// made those backtrack for seconds to minutes (no timing here: vitest's timeout catches a hang).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ANY,
  compileGlob,
  fold,
  globMatch,
  globMatchCodeUnits,
  ONE,
  ProgramBuilder,
  run,
} from '../src/iam/match.js';
import {
  compileTokens,
  coversTokens,
  intersectsTokens,
  parsePattern,
  resolvePattern,
  resourceCovers,
  resourceIntersects,
  resourceMatches,
  type Token,
} from '../src/iam/resource.js';
import { evaluateCondition, expandVariables, parseOperator, type Lookup } from '../src/iam/conditions.js';
import { matchAction } from '../src/iam/wildcard.js';
import { resolveAction } from '../src/iam/actions.js';
import type { ConditionEntry } from '../src/iam/policy.js';

// --- the replaced implementations (references only) ---

/** src/iam/wildcard.ts before: `*` → [\s\S]*, `?` → [\s\S], flags u or iu. */
function oldGlob(pattern: string, ignoreCase: boolean): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
}

const SPECIAL = new Set('.*+?^${}()|[]\\');
const oldEscape = (s: string): string => {
  let out = '';
  for (const c of s) out += SPECIAL.has(c) ? `\\${c}` : c;
  return out;
};

/** src/iam/resource.ts before: a token list as regex source (flag u). */
function oldSource(tokens: readonly Token[]): string {
  let s = '';
  for (const t of tokens) {
    if (t.k === 'lit') s += oldEscape(t.c);
    else if (t.k === 'q') s += '[^:]';
    else if (t.k === 'seg') s += '[^:]*';
    else s += '[\\s\\S]*';
  }
  return s;
}
const oldTokens = (tokens: readonly Token[]): RegExp => new RegExp(`^${oldSource(tokens)}$`, 'u');

const isStar = (t: Token | undefined): boolean => t !== undefined && (t.k === 'seg' || t.k === 'any');
function absorbs(p: Token, q: Token): boolean {
  if (p.k === 'any') return true;
  if (p.k === 'seg') return (q.k === 'lit' && q.c !== ':') || q.k === 'q' || q.k === 'seg';
  if (p.k === 'q') return (q.k === 'lit' && q.c !== ':') || q.k === 'q';
  return false;
}
function overlap(a: Token, b: Token): boolean {
  if (a.k === 'any' || b.k === 'any') return true;
  if (a.k === 'lit' && b.k === 'lit') return a.c === b.c;
  if (a.k === 'lit') return a.c !== ':';
  if (b.k === 'lit') return b.c !== ':';
  return true;
}

/** coversTokens before: memoised recursion. */
function oldCovers(p: readonly Token[], q: readonly Token[]): boolean {
  const n = p.length;
  const m = q.length;
  const memo = new Int8Array((n + 1) * (m + 1));
  const go = (i: number, j: number): boolean => {
    const idx = i * (m + 1) + j;
    const seen = memo[idx]!;
    if (seen) return seen === 1;
    let r: boolean;
    if (i === n) r = j === m;
    else {
      const pt = p[i]!;
      if (isStar(pt)) r = go(i + 1, j) || (j < m && absorbs(pt, q[j]!) && go(i, j + 1));
      else if (j === m) r = false;
      else {
        const qt = q[j]!;
        if (pt.k === 'lit') r = qt.k === 'lit' && qt.c === pt.c && go(i + 1, j + 1);
        else r = absorbs(pt, qt) && go(i + 1, j + 1);
      }
    }
    memo[idx] = r ? 1 : 2;
    return r;
  };
  return go(0, 0);
}

/** intersectsTokens before: a depth-first search over (i, j). */
function oldIntersects(a: readonly Token[], b: readonly Token[]): boolean {
  const n = a.length;
  const m = b.length;
  const seen = new Uint8Array((n + 1) * (m + 1));
  const stack: number[] = [0, 0];
  while (stack.length) {
    const j = stack.pop()!;
    const i = stack.pop()!;
    const idx = i * (m + 1) + j;
    if (seen[idx]) continue;
    seen[idx] = 1;
    if (i === n && j === m) return true;
    const at = a[i];
    const bt = b[j];
    if (isStar(at)) stack.push(i + 1, j);
    if (isStar(bt)) stack.push(i, j + 1);
    if (at && bt && overlap(at, bt)) stack.push(isStar(at) ? i : i + 1, isStar(bt) ? j : j + 1);
  }
  return false;
}

/** conditions.ts before: `like` expansion to regex source (flag u); escapes, defaults, null/undefined. */
function oldExpandLike(value: string, lookup: Lookup): RegExp | null | undefined {
  const ESC: Record<string, string> = { '*': '*', '?': '?', $: '$' };
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let out = '';
  let unknown = false;
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end !== -1) {
        const inner = value.slice(i + 2, end);
        i = end + 1;
        if (Object.prototype.hasOwnProperty.call(ESC, inner)) {
          out += esc(ESC[inner]!);
          continue;
        }
        let key = inner.trim();
        let dflt: string | undefined;
        const comma = inner.indexOf(',');
        if (comma !== -1) {
          const rest = inner.slice(comma + 1).trim();
          if (rest.length >= 2 && rest.startsWith("'") && rest.endsWith("'")) {
            key = inner.slice(0, comma).trim();
            dflt = rest.slice(1, -1);
          }
        }
        const v = lookup(key.toLowerCase());
        if (v === undefined) unknown = true;
        else if (v !== null && v !== '') out += esc(v);
        else if (dflt !== undefined) out += esc(dflt);
        else return null;
        continue;
      }
    }
    if (ch === '*') out += '[\\s\\S]*';
    else if (ch === '?') out += '[\\s\\S]';
    else out += esc(ch);
    i++;
  }
  return unknown ? undefined : new RegExp(`^${out}$`, 'u');
}

/** config.ts before: suppression `resource` globs (flag s, no u: `?` is one UTF-16 code unit). */
function oldArnGlob(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

// --- generators: small alphabets with the characters that matter ---

/** Case-folding oddities (Kelvin sign, long s, dotless i, sharp s), an astral character, lone surrogates. */
const ODD = [
  'K',
  'k',
  '\u212a',
  's',
  'S',
  '\u017f',
  'i',
  'I',
  '\u0131',
  '\u0130',
  'ß',
  'ẞ',
  '😀',
  '\ud83d',
  '\ude00',
];
const chars = (extra: string[]): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom('a', 'b', ':', '/', ...extra), { maxLength: 10 }).map((xs) => xs.join(''));
const globs = (extra: string[]): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom('a', 'b', ':', '/', '*', '?', '**', ...extra), { maxLength: 8 })
    .map((xs) => xs.join(''));

const token: fc.Arbitrary<Token> = fc.oneof(
  fc.constantFrom('a', 'b', ':', '/', '\ud83d', '\ude00', '😀').map((c): Token => ({ k: 'lit', c })),
  fc.constantFrom<Token>({ k: 'q' }, { k: 'seg' }, { k: 'any' }),
);
const tokens = fc.array(token, { maxLength: 7 });

describe('glob matching agrees with the regular expressions it replaced', () => {
  it('case-sensitive (StringLike, ArnLike fields) and case-insensitive (actions)', () => {
    fc.assert(
      fc.property(globs(ODD), chars(ODD), fc.boolean(), (p, t, ic) => {
        expect(globMatch(p, t, ic)).toBe(oldGlob(p, ic).test(t));
      }),
      { numRuns: 5000 },
    );
  });

  it('on texts made to match (the interesting half)', () => {
    fc.assert(
      fc.property(
        globs(['K', 'ſ', '😀']),
        fc.array(chars(['k', 's', '😀', ':']), { maxLength: 9 }),
        (p, fills) => {
          let k = 0;
          // Replace each wildcard by a fill (or one character for `?`) to get a text it should match.
          const t = p.replace(/[*?]/g, (w) =>
            w === '*' ? (fills[k++] ?? '') : (fills[k++] ?? 'a').slice(0, 1) || 'a',
          );
          for (const ic of [false, true]) expect(globMatch(p, t, ic)).toBe(oldGlob(p, ic).test(t));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('suppression resource globs count UTF-16 code units, as before', () => {
    fc.assert(
      fc.property(globs(['😀', '\ud83d', '.']), chars(['😀', '\ude00', '\n']), (p, t) => {
        expect(globMatchCodeUnits(p, t)).toBe(oldArnGlob(p).test(t));
      }),
      { numRuns: 3000 },
    );
  });

  it("case folding is /iu's on every code point that has a case", () => {
    const cased: number[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCodePoint(c);
      if (s.toUpperCase() !== s || s.toLowerCase() !== s) cased.push(c);
    }
    const targets = new Set(cased);
    for (const c of cased) {
      const s = String.fromCodePoint(c);
      for (const ch of s.toUpperCase() + s.toLowerCase()) targets.add(ch.codePointAt(0)!);
    }
    // One string of every candidate; per code point, one global /iu search over it (fast, native).
    const all = [...targets];
    const text = all.map((c) => String.fromCodePoint(c)).join('');
    const at = new Map<number, number>();
    for (let i = 0, k = 0; k < all.length; k++) {
      at.set(i, all[k]!);
      i += all[k]! > 0xffff ? 2 : 1;
    }
    const groups = new Map<number, number[]>();
    for (const d of all) groups.set(fold(d), [...(groups.get(fold(d)) ?? []), d]);
    const mismatches: string[] = [];
    for (const c of all) {
      const byRegex = new Set<number>();
      for (const m of text.matchAll(new RegExp(`\\u{${c.toString(16)}}`, 'giu')))
        byRegex.add(at.get(m.index)!);
      const byFold = groups.get(fold(c))!;
      if (byRegex.size !== byFold.length || byFold.some((d) => !byRegex.has(d)))
        mismatches.push(
          `U+${c.toString(16)}: /iu ${[...byRegex].map((d) => d.toString(16))}, fold ${byFold.map((d) => d.toString(16))}`,
        );
    }
    expect(mismatches).toEqual([]);
  });
});

describe('ARN matching agrees with the regular expressions it replaced', () => {
  it('any token list (star kinds, ?, colons, surrogate halves) against text', () => {
    fc.assert(
      fc.property(tokens, chars(['😀', '\ud83d', '\ude00']), (ts, t) => {
        expect(run(compileTokens(ts), t)).toBe(oldTokens(ts).test(t));
      }),
      { numRuns: 5000 },
    );
  });

  it('Resource patterns as parsed (escapes, runs of wildcards, * before a colon)', () => {
    const resource = fc
      .array(fc.constantFrom('a', 'b', ':', '/', '*', '?', '${*}', '${?}', '${$}', '*:', '😀'), {
        maxLength: 8,
      })
      .map((xs) => `arn:aws:s3:::${xs.join('')}`);
    fc.assert(
      fc.property(resource, chars(['*', '?', '$', '😀']), (p, rest) => {
        const t = `arn:aws:s3:::${rest}`;
        const parsed = parsePattern(p);
        expect(resourceMatches(p, t)).toBe(!parsed.vars && oldTokens(parsed.tokens).test(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('resolved variables are literal text; the head before them decides alone', () => {
    const value = fc.constantFrom('a', 'b*', '?', ':', '😀', '\ude00', '', null, undefined);
    const pattern = fc
      .array(fc.constantFrom('a', '*', '?', ':', '/', '\ud83d', '${aws:username}', "${x, 'd*'}", '${y}'), {
        maxLength: 6,
      })
      .map((xs) => `arn:aws:iam::1:user/${xs.join('')}`);
    fc.assert(
      fc.property(pattern, value, value, chars(['*', '?', '😀', '\ude00', 'd']), (p, u, y, rest) => {
        const parsed = parsePattern(p);
        const context = new Map<string, string | null | undefined>([
          ['aws:username', u],
          ['x', undefined],
          ['y', y],
        ]);
        const lookup = (k: string): string | null | undefined => context.get(k);
        const text = `arn:aws:iam::1:user/${rest}`;
        const resolved = resolvePattern(parsed, lookup);
        // The old regex: static tokens as before, each variable's value escaped.
        let source = '';
        let result: 'unknown' | 'none' | undefined;
        for (const t of parsed.tokens) {
          if (t.k !== 'var') source += oldSource([t]);
          else {
            const v = lookup(t.key);
            if (v === undefined) result ??= 'unknown';
            else if (v !== null && v !== '') source += oldEscape(v);
            else if (t.dflt !== undefined) source += oldEscape(t.dflt);
            else {
              result = 'none';
              break;
            }
          }
        }
        if (result) expect(resolved).toBe(result);
        else if (typeof resolved !== 'string') {
          expect(run(resolved.program, text)).toBe(new RegExp(`^${source}$`, 'u').test(text));
        }
        if (parsed.vars) expect(run(parsed.headProgram!, text)).toBe(oldTokens(parsed.head!).test(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('covers and intersects (bottom-up) equal the recursive and search versions', () => {
    fc.assert(
      fc.property(tokens, tokens, (p, q) => {
        expect(coversTokens(p, q)).toBe(oldCovers(p, q));
        expect(intersectsTokens(p, q)).toBe(oldIntersects(p, q));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('StringLike with policy variables agrees with the regular expressions it replaced', () => {
  it('substituted text is literal, escapes stand for themselves, a missing value is unknown or none', () => {
    const value = fc
      .array(
        fc.constantFrom('a', '*', '?', '$', '{', '}', '${*}', '${$}', '${k}', "${m, 'x*'}", '${n}', '😀'),
        {
          maxLength: 7,
        },
      )
      .map((xs) => xs.join(''));
    const fill = fc.constantFrom('a', 'a*', '?', '😀', '', null, undefined);
    fc.assert(
      fc.property(value, fill, fill, chars(['*', '?', 'x', '😀']), (p, k, n, r) => {
        const context = new Map<string, string | null | undefined>([
          ['k', k],
          ['m', null],
          ['n', n],
        ]);
        const lookup: Lookup = (key) => context.get(key);
        const fresh = expandVariables(p, lookup, true);
        const old = oldExpandLike(p, lookup);
        if (old === null || old === undefined) expect(fresh).toBe(old);
        else expect(fresh && run(fresh, r)).toBe(old.test(r));
      }),
      { numRuns: 3000 },
    );
  });
});

// --- inputs that backtracked for seconds to minutes with the regular expressions ---

const BUCKET63 = `arn:aws:s3tables:us-east-1:111122223333:bucket/${'a'.repeat(63)}`;
const SPIKY = 'arn:aws:s3tables:us-east-1:111122223333:bucket/*a*a*a*a*a*a*a*b';
const entry = (operator: string, key: string, values: string[]): ConditionEntry =>
  ({
    operator,
    key,
    values: values.map((value) => ({ value, path: [] })),
    path: [],
  }) as unknown as ConditionEntry;
const present = (value: string) => ({ present: true as const, value });

describe('pathological patterns finish with the right answer', () => {
  it('an Action with nine stars', () => {
    expect(matchAction('s3tables:*********x', 's3tables:GetTableMaintenanceConfiguration')).toBe(false);
    expect(matchAction('s3tables:*********x', 's3tables:GetTableMaintenanceConfigurationx')).toBe(true);
    const r = resolveAction('s3tables:*********x');
    expect(r.kind === 'actions' && r.actions).toEqual([]);
  });

  it('a Resource *a*a*a*a*a*a*a*b against a 63-character bucket name', () => {
    expect(resourceMatches(SPIKY, BUCKET63)).toBe(false);
    expect(resourceMatches(SPIKY, `${BUCKET63.slice(0, -1)}b`)).toBe(true);
    expect(resourceCovers(SPIKY, `${BUCKET63}/table/*`)).toBe(false);
    expect(resourceIntersects(SPIKY, `${BUCKET63}*`)).toBe(true);
  });

  it('ArnLike aws:SourceArn and StringLike iam:PassedToService of that shape', () => {
    expect(evaluateCondition(entry('ArnLike', 'aws:SourceArn', [SPIKY]), present(BUCKET63), undefined)).toBe(
      false,
    );
    const service = present('replication.s3tables.amazonaws.com');
    expect(
      evaluateCondition(entry('StringLike', 'iam:PassedToService', ['*********x']), service, undefined),
    ).toBe(false);
    expect(
      evaluateCondition(
        entry('StringLike', 'iam:PassedToService', ['*a*a*a*a*a*a*a*b${x}']),
        service,
        () => 'q',
      ),
    ).toBe(false);
  });

  it('a 100 KB Resource of "a*" × 50,000: no regular expression too large, no stack overflow', () => {
    const big = `arn:aws:s3tables:us-east-1:111122223333:bucket/${'a*'.repeat(50_000)}`;
    expect(resourceMatches(big, `${BUCKET63}x`)).toBe(false);
    // Needs 50,000 a's: the bucket's 63 are too few.
    expect(
      resourceMatches(big, `arn:aws:s3tables:us-east-1:111122223333:bucket/${'a'.repeat(50_000)}x`),
    ).toBe(true);
    expect(resourceCovers(big, `${BUCKET63}/table/*`)).toBe(false);
    expect(resourceCovers(`${BUCKET63}*`, big)).toBe(false);
    expect(resourceIntersects(big, 'arn:aws:s3tables:*:*:bucket/a*/table/*')).toBe(true);
    expect(globMatch('a*'.repeat(50_000), 'a'.repeat(60_000), false)).toBe(true);
  });

  it('a condition with 20,000 StringLike values (no per-value regex cache)', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `svc-${i}.*.amazonaws.com`);
    const e = entry('StringLike', 'iam:PassedToService', values);
    for (let round = 0; round < 5; round++) {
      expect(evaluateCondition(e, present('replication.s3tables.amazonaws.com'), undefined)).toBe(false);
      expect(evaluateCondition(e, present('svc-19999.eu.amazonaws.com'), undefined)).toBe(true);
    }
  });
});

describe('input-keyed tables do not reach Object.prototype', () => {
  it('operators named after Object.prototype members are unknown', () => {
    for (const op of [
      'constructor',
      '__proto__',
      'toString',
      'ForAnyValue:__proto__',
      'constructorIfExists',
      'ForAllValues:hasOwnPropertyIfExists',
    ])
      expect(parseOperator(op).base, op).toBeUndefined();
    expect(evaluateCondition(entry('constructor', 'aws:SourceArn', ['x']), present('x'), undefined)).toBe(
      'unsupported',
    );
  });

  it('${constructor} and ${toString} are variables, not escapes', () => {
    const lookup: Lookup = (k) => (k === 'constructor' ? 'C' : undefined);
    expect(expandVariables('${constructor}-${*}', lookup, false)).toBe('C-*');
    expect(expandVariables('${toString}', lookup, false)).toBeUndefined();
    const like = expandVariables('${constructor}*', lookup, true);
    expect(like && run(like, 'Cx')).toBe(true);
    const p = parsePattern('arn:aws:s3:::b/${toString}/${constructor}');
    expect(p.tokens.filter((t) => t.k === 'var').map((t) => t.k === 'var' && t.key)).toEqual([
      'tostring',
      'constructor',
    ]);
  });
});

describe('resolved patterns', () => {
  it('the last program is reused only for the same values (no separator collisions)', () => {
    const p = parsePattern('arn:aws:iam::1:user/${a}*${b}');
    const resolve = (a: string, b: string) => {
      const r = resolvePattern(p, (k) => (k === 'a' ? a : b));
      return typeof r === 'string' ? r : run(r.program, 'arn:aws:iam::1:user/x\u0000zy');
    };
    expect(resolve('x\u0000', 'y')).toBe(true);
    expect(resolve('x', '\u0000y')).toBe(false);
    expect(resolve('x\u0000', 'y')).toBe(true);
  });
});

describe('ProgramBuilder', () => {
  it('a surrogate pair split between pieces is one character; runs of * are one', () => {
    const p = new ProgramBuilder(false).text('\ud83d').text('\ude00').wildcard(ONE).build();
    expect(Array.from(p.codes)).toEqual([0x1f600, ONE]);
    expect(Array.from(compileGlob('a***b', false).codes)).toEqual([0x61, ANY, 0x62]);
    expect(run(compileGlob('\ud83d*', false), '😀')).toBe(false);
    expect(run(compileGlob('\ud83d*', false), '\ud83dx')).toBe(true);
  });
});

/**
 * ARN patterns as IAM matches them (IAM User Guide, "IAM JSON policy elements: Resource"): case-sensitive;
 * `*` and `?` work within the colon-separated segments; `*` crosses `/`; a `*` that is the last character
 * of a segment may extend past colons; `"*"` alone matches everything. Policy variables (`${aws:username}`)
 * are substituted only after the fifth colon (before it they are literal text, as IAM treats them), and
 * `${*}`, `${?}`, `${$}` stand for the literal characters.
 */
import type { VarValue } from './conditions.js';
import { ANY, ONE_IN_SEG, ProgramBuilder, run, SEG, type Program } from './match.js';

/** A pattern element: literal text, `?` (one non-colon character), `*` within a segment, `*` across colons. */
export type Token =
  | { k: 'lit'; c: string }
  | { k: 'q' }
  | { k: 'seg' }
  | { k: 'any' }
  | { k: 'var'; key: string; dflt?: string };

export interface Pattern {
  source: string;
  tokens: Token[];
  /** Has policy variables to resolve. */
  vars: boolean;
  /** Compiled once when there are no variables. */
  program?: Program;
  /**
   * With variables: the part before them that decides alone (the five ARN fields and the resource type,
   * e.g. `arn:aws:iam::1:role/`) followed by `*`. A request it rejects is a definite no-match.
   */
  head?: Token[];
  headProgram?: Program;
  /** With variables: the last values substituted and their program (requests repeat a context). */
  lastValues?: string;
  lastProgram?: Program;
}

// A Map: the key comes from policy text (`${constructor}` must not reach Object.prototype).
const ESCAPES = new Map([
  ['${*}', '*'],
  ['${?}', '?'],
  ['${$}', '$'],
]);
const patternCache = new Map<string, Pattern>();

/**
 * Parses a Resource pattern (cached; patterns repeat across statements and requests). `variables`:
 * false for policies without `"Version": "2012-10-17"`, where IAM reads `${...}` as literal text.
 */
export function parsePattern(source: string, variables = true): Pattern {
  const cacheKey = variables ? source : `\u0000${source}`;
  let p = patternCache.get(cacheKey);
  if (p) return p;
  const tokens: Token[] = [];
  let colons = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (variables && ch === '$' && source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2);
      if (end !== -1) {
        const whole = source.slice(i, end + 1);
        const escaped = ESCAPES.get(whole);
        if (escaped !== undefined) {
          tokens.push({ k: 'lit', c: escaped });
          i = end;
          continue;
        }
        if (colons >= 5) {
          tokens.push(variableToken(source.slice(i + 2, end)));
          i = end;
          continue;
        }
      }
    }
    if (ch === '*') {
      const next = source[i + 1];
      tokens.push({ k: next === undefined || next === ':' ? 'any' : 'seg' });
    } else if (ch === '?') tokens.push({ k: 'q' });
    else {
      if (ch === ':') colons++;
      tokens.push({ k: 'lit', c: ch });
    }
  }
  const vars = tokens.some((t) => t.k === 'var');
  p = { source, tokens: normalizeRuns(tokens), vars };
  if (!vars) p.program = compileTokens(p.tokens);
  else {
    p.head = headOf(p.tokens);
    p.headProgram = compileTokens(p.head);
  }
  if (patternCache.size > 20_000) patternCache.clear();
  patternCache.set(cacheKey, p);
  return p;
}

function headOf(tokens: readonly Token[]): Token[] {
  const head: Token[] = [];
  let colons = 0;
  for (const t of tokens) {
    if (t.k === 'var') break;
    head.push(t);
    if (t.k === 'lit' && (t.c === ':' || t.c === '/')) {
      if (colons >= 5) break;
      if (t.c === ':') colons++;
    }
  }
  head.push({ k: 'any' });
  return head;
}

/** `${key}` or `${key, 'default'}`. */
function variableToken(inner: string): Token {
  const comma = inner.indexOf(',');
  if (comma !== -1) {
    const rest = inner.slice(comma + 1).trim();
    if (rest.length >= 2 && rest.startsWith("'") && rest.endsWith("'")) {
      return { k: 'var', key: inner.slice(0, comma).trim().toLowerCase(), dflt: rest.slice(1, -1) };
    }
  }
  return { k: 'var', key: inner.trim().toLowerCase() };
}

/** In a run of wildcards, `?`s first and one star (the wider one): same language, simpler relations. */
function normalizeRuns(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.k !== 'q' && t.k !== 'seg' && t.k !== 'any') {
      out.push(t);
      i++;
      continue;
    }
    let qs = 0;
    let star: 'seg' | 'any' | undefined;
    while (i < tokens.length) {
      const u = tokens[i]!;
      if (u.k === 'q') qs++;
      else if (u.k === 'seg') star = star ?? 'seg';
      else if (u.k === 'any') star = 'any';
      else break;
      i++;
    }
    for (let n = 0; n < qs; n++) out.push({ k: 'q' });
    if (star) out.push({ k: star });
  }
  return out;
}

/** Tokens as a matching program (variables, which only the relations see, as `*`). */
export function compileTokens(tokens: readonly Token[]): Program {
  const b = new ProgramBuilder(false);
  for (const t of tokens) {
    if (t.k === 'lit') b.text(t.c);
    else b.wildcard(t.k === 'q' ? ONE_IN_SEG : t.k === 'seg' ? SEG : ANY);
  }
  return b.build();
}

export type Resolved = { tokens: Token[]; program: Program } | 'unknown' | 'none';

/** Substitutes variables: 'unknown' if one is not in the context, 'none' if it can have no value. */
export function resolvePattern(p: Pattern, lookup: (lowerKey: string) => VarValue): Resolved {
  if (!p.vars) return { tokens: p.tokens, program: p.program! };
  let unknown = false;
  const values: string[] = [];
  for (const t of p.tokens) {
    if (t.k !== 'var') continue;
    const v = lookup(t.key);
    if (v === undefined) unknown = true;
    else if (v !== null && v !== '') values.push(v);
    else if (t.dflt !== undefined) values.push(t.dflt);
    else return 'none';
  }
  if (unknown) return 'unknown';
  // Length-prefixed: values may contain any character, so no separator is safe.
  const key = values.length === 1 ? values[0]! : values.map((v) => `${v.length}:${v}`).join('');
  let program = p.lastValues === key ? p.lastProgram : undefined;
  if (!program) {
    // Variable values are literal text (a `*` in one is not a wildcard).
    const b = new ProgramBuilder(false);
    let i = 0;
    for (const t of p.tokens) {
      if (t.k === 'lit') b.text(t.c);
      else if (t.k === 'var') b.text(values[i++]!);
      else b.wildcard(t.k === 'q' ? ONE_IN_SEG : t.k === 'seg' ? SEG : ANY);
    }
    program = b.build();
    p.lastValues = key;
    p.lastProgram = program;
  }
  let tokens: Token[] | undefined;
  return {
    program,
    // Only the pattern relations need tokens: build them on demand.
    get tokens(): Token[] {
      if (!tokens) {
        tokens = [];
        let j = 0;
        for (const t of p.tokens) {
          if (t.k !== 'var') tokens.push(t);
          else for (const c of values[j++]!) tokens.push({ k: 'lit', c });
        }
      }
      return tokens;
    },
  };
}

/** Variables as "could be anything" (for the two-sided relation). */
const widen = (tokens: readonly Token[]): Token[] =>
  tokens.map((t) => (t.k === 'var' ? ({ k: 'any' } as const) : t));

/** Does a Resource pattern match a concrete ARN? Unresolved policy variables never match here. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const p = parsePattern(pattern);
  return p.program !== undefined && run(p.program, resource);
}

/**
 * Does `pattern` cover `resourcePattern` (every ARN matching the second matches the first)? Sound: when it
 * answers true it is so; exact when `resourcePattern` is concrete. Patterns with unresolved variables: false.
 */
export function resourceCovers(pattern: string, resourcePattern: string): boolean {
  if (pattern === '*') return true;
  const p = parsePattern(pattern);
  const q = parsePattern(resourcePattern);
  if (p.vars || q.vars) return false;
  return coversTokens(p.tokens, q.tokens);
}

/** Could some ARN match both patterns? Variables count as "anything", so the answer errs towards yes. */
export function resourceIntersects(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  const p = parsePattern(a);
  const q = parsePattern(b);
  return intersectsTokens(widen(p.tokens), widen(q.tokens));
}

const isStar = (t: Token | undefined): boolean => t !== undefined && (t.k === 'seg' || t.k === 'any');

/** Can p's wildcard token stand for everything q's token can be? */
function absorbs(p: Token, q: Token): boolean {
  if (p.k === 'any') return true;
  if (p.k === 'seg') return (q.k === 'lit' && q.c !== ':') || q.k === 'q' || q.k === 'seg';
  if (p.k === 'q') return (q.k === 'lit' && q.c !== ':') || q.k === 'q';
  return false;
}

/**
 * Both relations anchor both ends, so the literal text both patterns start (or end) with can be
 * set aside, and literals that differ there decide at once: null. Keeps the DPs below small for
 * ARNs that share their first fields.
 */
function trimLiterals(p: readonly Token[], q: readonly Token[]): [readonly Token[], readonly Token[]] | null {
  let head = 0;
  for (; head < p.length && head < q.length; head++) {
    const a = p[head]!;
    const b = q[head]!;
    if (a.k !== 'lit' || b.k !== 'lit') break;
    if (a.c !== b.c) return null;
  }
  let tail = 0;
  for (; tail < p.length - head && tail < q.length - head; tail++) {
    const a = p[p.length - 1 - tail]!;
    const b = q[q.length - 1 - tail]!;
    if (a.k !== 'lit' || b.k !== 'lit') break;
    if (a.c !== b.c) return null;
  }
  if (head === 0 && tail === 0) return [p, q];
  return [p.slice(head, p.length - tail), q.slice(head, q.length - tail)];
}

/**
 * Does p cover q (every string q matches, p matches)? covers(i, j): p from token i covers q from
 * token j. Computed bottom-up a row of p at a time: O(|p| × |q|) time, O(|q|) memory, no recursion.
 */
export function coversTokens(whole: readonly Token[], wholeQ: readonly Token[]): boolean {
  const trimmed = trimLiterals(whole, wholeQ);
  if (!trimmed) return false;
  const [p, q] = trimmed;
  const n = p.length;
  const m = q.length;
  let below = new Uint8Array(m + 1); // covers(i + 1, ·)
  let row = new Uint8Array(m + 1); // covers(i, ·)
  below[m] = 1; // covers(n, j) only for j = m
  for (let i = n - 1; i >= 0; i--) {
    const pt = p[i]!;
    const star = isStar(pt);
    for (let j = m; j >= 0; j--) {
      let r: boolean;
      // A star matches nothing more (i + 1), or takes q's token j and stays.
      if (star) r = below[j] === 1 || (j < m && absorbs(pt, q[j]!) && row[j + 1] === 1);
      else if (j === m) r = false;
      else {
        const qt = q[j]!;
        r = (pt.k === 'lit' ? qt.k === 'lit' && qt.c === pt.c : absorbs(pt, qt)) && below[j + 1] === 1;
      }
      row[j] = r ? 1 : 0;
    }
    [below, row] = [row, below];
  }
  return below[0] === 1;
}

/** Can two tokens consume the same character? */
function overlap(a: Token, b: Token): boolean {
  if (a.k === 'any' || b.k === 'any') return true;
  if (a.k === 'lit' && b.k === 'lit') return a.c === b.c;
  if (a.k === 'lit') return a.c !== ':';
  if (b.k === 'lit') return b.c !== ':';
  return true;
}

/**
 * Could some string match both? meet(i, j): a from token i and b from token j have a common
 * string. Bottom-up over rows of a, as coversTokens: O(|a| × |b|) time, O(|b|) memory.
 */
export function intersectsTokens(wholeA: readonly Token[], wholeB: readonly Token[]): boolean {
  const trimmed = trimLiterals(wholeA, wholeB);
  if (!trimmed) return false;
  const [a, b] = trimmed;
  const n = a.length;
  const m = b.length;
  let below = new Uint8Array(m + 1); // meet(i + 1, ·)
  let row = new Uint8Array(m + 1); // meet(i, ·)
  for (let i = n; i >= 0; i--) {
    const at = a[i];
    const aStar = isStar(at);
    for (let j = m; j >= 0; j--) {
      const bt = b[j];
      const bStar = isStar(bt);
      let r = i === n && j === m;
      // A star ends (move past it), or both take one character (a star stays where it is).
      if (!r && aStar) r = below[j] === 1;
      if (!r && bStar) r = row[j + 1] === 1;
      if (!r && at && bt && !(aStar && bStar) && overlap(at, bt)) {
        r = aStar ? row[j + 1] === 1 : bStar ? below[j] === 1 : below[j + 1] === 1;
      }
      row[j] = r ? 1 : 0;
    }
    [below, row] = [row, below];
  }
  return below[0] === 1;
}

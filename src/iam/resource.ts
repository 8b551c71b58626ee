/**
 * ARN patterns as IAM matches them (IAM User Guide, "IAM JSON policy elements: Resource"): case-sensitive;
 * `*` and `?` work within the colon-separated segments; `*` crosses `/`; a `*` that is the last character
 * of a segment may extend past colons; `"*"` alone matches everything. Policy variables (`${aws:username}`)
 * are substituted only after the fifth colon (before it they are literal text, as IAM treats them), and
 * `${*}`, `${?}`, `${$}` stand for the literal characters.
 */
import type { VarValue } from './conditions.js';

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
  re?: RegExp;
  /**
   * With variables: the part before them that decides alone (the five ARN fields and the resource type,
   * e.g. `arn:aws:iam::1:role/`) followed by `*`. A request it rejects is a definite no-match.
   */
  head?: Token[];
  headRe?: RegExp;
  /** With variables: regex source of each static run, and the variables between them. */
  pieces?: (string | Extract<Token, { k: 'var' }>)[];
}

const ESCAPES: Record<string, string> = { '${*}': '*', '${?}': '?', '${$}': '$' };
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
        const escaped = ESCAPES[whole];
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
  if (!vars) p.re = new RegExp(`^${regexSource(p.tokens)}$`, 'u');
  else {
    p.head = headOf(p.tokens);
    p.pieces = [];
    let run: Token[] = [];
    for (const t of p.tokens) {
      if (t.k !== 'var') run.push(t);
      else {
        p.pieces.push(regexSource(run), t);
        run = [];
      }
    }
    p.pieces.push(regexSource(run));
    p.headRe = new RegExp(`^${regexSource(p.head)}$`, 'u');
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

const SPECIAL = new Set('.*+?^${}()|[]\\');
const escapeRe = (s: string): string => {
  let out = '';
  for (const c of s) out += SPECIAL.has(c) ? `\\${c}` : c;
  return out;
};

export function regexSource(tokens: readonly Token[]): string {
  let s = '';
  for (const t of tokens) {
    if (t.k === 'lit') s += escapeRe(t.c);
    else if (t.k === 'q') s += '[^:]';
    else if (t.k === 'seg') s += '[^:]*';
    else if (t.k === 'any') s += '[\\s\\S]*';
    else s += '[\\s\\S]*';
  }
  return s;
}

export type Resolved = { tokens: Token[]; re: RegExp } | 'unknown' | 'none';

const resolvedRe = new Map<string, RegExp>();

/** Substitutes variables: 'unknown' if one is not in the context, 'none' if it can have no value. */
export function resolvePattern(p: Pattern, lookup: (lowerKey: string) => VarValue): Resolved {
  if (!p.vars) return { tokens: p.tokens, re: p.re! };
  // Regex source from the precompiled static pieces and the escaped variable values.
  let source = '';
  let unknown = false;
  const values: string[] = [];
  for (const piece of p.pieces!) {
    if (typeof piece === 'string') {
      source += piece;
      continue;
    }
    const v = lookup(piece.key);
    let text: string;
    if (v === undefined) {
      unknown = true;
      continue;
    } else if (v !== null && v !== '') text = v;
    else if (piece.dflt !== undefined) text = piece.dflt;
    else return 'none';
    values.push(text);
    source += escapeRe(text);
  }
  if (unknown) return 'unknown';
  let re = resolvedRe.get(source);
  if (!re) {
    re = new RegExp(`^${source}$`, 'u');
    if (resolvedRe.size > 20_000) resolvedRe.clear();
    resolvedRe.set(source, re);
  }
  let tokens: Token[] | undefined;
  return {
    re,
    // Only the pattern relations need tokens: build them on demand.
    get tokens(): Token[] {
      if (!tokens) {
        tokens = [];
        let i = 0;
        for (const t of p.tokens) {
          if (t.k !== 'var') tokens.push(t);
          else for (const c of values[i++]!) tokens.push({ k: 'lit', c });
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
  return p.re !== undefined && p.re.test(resource);
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

export function coversTokens(p: readonly Token[], q: readonly Token[]): boolean {
  const n = p.length;
  const m = q.length;
  const memo = new Int8Array((n + 1) * (m + 1)); // 0 unknown, 1 yes, 2 no
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

/** Can two tokens consume the same character? */
function overlap(a: Token, b: Token): boolean {
  if (a.k === 'any' || b.k === 'any') return true;
  if (a.k === 'lit' && b.k === 'lit') return a.c === b.c;
  if (a.k === 'lit') return a.c !== ':';
  if (b.k === 'lit') return b.c !== ':';
  return true;
}

export function intersectsTokens(a: readonly Token[], b: readonly Token[]): boolean {
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

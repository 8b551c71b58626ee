/**
 * Wildcard matching in O(pattern × text) time whatever the input, with no regular expression built
 * from policy text: V8 backtracks exponentially on `*a*a*a…b` (its linear engine does not take the
 * `i`/`u` flags), and a 50 KB pattern is a regular expression too large to compile.
 *
 * A pattern is compiled to a program: an array of codes, each a literal code point (>= 0) or one of
 * the wildcards below. Matching walks the text by code point, as a RegExp with the `u` flag does.
 */

/** Any run of characters (IAM `*`). */
export const ANY = -1;
/** Exactly one character (IAM `?`). */
export const ONE = -2;
/** Any run of characters without a colon (an ARN `*` inside a segment). */
export const SEG = -3;
/** One character that is not a colon (an ARN `?`). */
export const ONE_IN_SEG = -4;

const COLON = 0x3a;

export interface Program {
  codes: Int32Array;
  /** Literal code points are case-folded; text is folded as it is read. */
  ignoreCase: boolean;
  /** No SEG: the greedy matcher applies. */
  greedy: boolean;
  /** No wildcard, case-sensitive: the whole text must equal this. */
  exact?: string;
  /** Only one trailing ANY, case-sensitive: the text must start with this. */
  prefix?: string;
}

/**
 * Simple case folding, as RegExp `/iu` compares characters. ASCII is the common case; elsewhere the
 * lower case of the upper case, when each is one code point, with the four exceptions where that
 * differs from Unicode's CaseFolding.txt (a test checks every cased code point against `/iu`).
 */
const FOLD_EXCEPTIONS = new Map([
  [0x131, 0x131], // ı is not i
  [0x1fd3, 0x390], // ΐ (two spellings)
  [0x1fe3, 0x3b0], // ΰ (two spellings)
  [0xfb05, 0xfb06], // ﬅ ﬆ
]);

export function fold(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
  const exception = FOLD_EXCEPTIONS.get(cp);
  if (exception !== undefined) return exception;
  const s = String.fromCodePoint(cp);
  const upper = single(s.toUpperCase());
  if (upper >= 0) {
    const lower = single(String.fromCodePoint(upper).toLowerCase());
    return lower >= 0 ? lower : upper;
  }
  const lower = single(s.toLowerCase());
  return lower >= 0 ? lower : cp;
}

/** The code point of a one-code-point string, else -1. */
function single(s: string): number {
  const cp = s.codePointAt(0);
  if (cp === undefined) return -1;
  return s.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;

/**
 * Builds a program from literal text and wildcards. Literal text is buffered so that a surrogate
 * pair split across two pieces (a pattern and a substituted variable) is one code point, as it is
 * in a regular expression's source.
 */
export class ProgramBuilder {
  private readonly codes: number[] = [];
  private buffer = '';
  /** Literal text before the first wildcard, and whether a wildcard came. */
  private head = '';
  private wilds = 0;
  private lastAny = false;

  constructor(private readonly ignoreCase: boolean) {}

  text(s: string): this {
    this.buffer += s;
    return this;
  }

  wildcard(code: number): this {
    this.flush();
    // Runs of `*` are one `*` (same language; keeps the matchers' work down).
    if (code === ANY && this.codes[this.codes.length - 1] === ANY) return this;
    this.codes.push(code);
    this.wilds++;
    this.lastAny = code === ANY;
    return this;
  }

  private flush(): void {
    if (this.buffer === '') return;
    if (this.wilds === 0) this.head += this.buffer;
    for (let i = 0; i < this.buffer.length;) {
      const cp = this.buffer.codePointAt(i)!;
      this.codes.push(this.ignoreCase ? fold(cp) : cp);
      i += cp > 0xffff ? 2 : 1;
    }
    this.buffer = '';
    this.lastAny = false;
  }

  build(): Program {
    this.flush();
    const codes = Int32Array.from(this.codes);
    const program: Program = { codes, ignoreCase: this.ignoreCase, greedy: !codes.includes(SEG) };
    if (!this.ignoreCase) {
      if (this.wilds === 0) program.exact = this.head;
      else if (
        this.wilds === 1 &&
        this.lastAny &&
        // A lone high surrogate at the end would pair with the text's next unit in startsWith.
        !(this.head.length > 0 && isHighSurrogate(this.head.charCodeAt(this.head.length - 1)))
      )
        program.prefix = this.head;
    }
    return program;
  }
}

/** An IAM wildcard string (`*` any run, `?` one character) as a program. */
export function compileGlob(pattern: string, ignoreCase: boolean): Program {
  const b = new ProgramBuilder(ignoreCase);
  let from = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charCodeAt(i);
    if (ch !== 0x2a && ch !== 0x3f) continue;
    b.text(pattern.slice(from, i)).wildcard(ch === 0x2a ? ANY : ONE);
    from = i + 1;
  }
  return b.text(pattern.slice(from)).build();
}

/** Does the whole text match the program? */
export function run(p: Program, text: string): boolean {
  if (p.exact !== undefined) return text === p.exact;
  if (p.prefix !== undefined) return text.startsWith(p.prefix);
  return p.greedy ? greedy(p.codes, text, p.ignoreCase) : automaton(p.codes, text, p.ignoreCase);
}

/** An IAM wildcard string against a text (`ignoreCase`: as actions match). */
export const globMatch = (pattern: string, text: string, ignoreCase: boolean): boolean =>
  run(compileGlob(pattern, ignoreCase), text);

/** Can a one-character code take this code point? */
function takes(code: number, cp: number): boolean {
  return code === ONE || (code === ONE_IN_SEG && cp !== COLON) || code === cp;
}

/**
 * The classic greedy matcher for patterns whose only star is ANY: on a mismatch, only the last
 * star takes one more character (an earlier star's choice cannot matter, the later star absorbs
 * anything). At most |pattern| steps per start of the last star: O(pattern × text).
 */
function greedy(codes: Int32Array, text: string, ignoreCase: boolean): boolean {
  const n = codes.length;
  const m = text.length;
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < m) {
    if (p < n && codes[p] === ANY) {
      if (p === n - 1) return true; // a trailing star takes the rest
      starP = ++p;
      starT = t;
      continue;
    }
    const raw = text.codePointAt(t)!;
    if (p < n && takes(codes[p]!, ignoreCase ? fold(raw) : raw)) {
      p++;
      t += raw > 0xffff ? 2 : 1;
      continue;
    }
    if (starP < 0) return false;
    // The last star takes one more character; the rest of the pattern starts again after it.
    starT += text.codePointAt(starT)! > 0xffff ? 2 : 1;
    t = starT;
    p = starP;
  }
  while (p < n && codes[p] === ANY) p++;
  return p === n;
}

// Scratch space for the automaton, grown as needed (matching is synchronous and not re-entrant).
let mark = new Int32Array(64);
let current = new Int32Array(64);
let next = new Int32Array(64);
let generation = 0;

/**
 * zone[s]: how many codes before s can take a colon (a `:`, ANY or ONE). Between two states of
 * one zone the pattern reads no colon, so a live SEG star there can stay wherever a state below
 * it in its zone would go: that state is redundant (see automaton()).
 */
const zoneCache = new WeakMap<Int32Array, Int32Array>();
function zonesOf(codes: Int32Array): Int32Array {
  let zones = zoneCache.get(codes);
  if (!zones) {
    zones = new Int32Array(codes.length + 1);
    let z = 0;
    for (let s = 0; s < codes.length; s++) {
      zones[s] = z;
      const c = codes[s];
      if (c === COLON || c === ANY || c === ONE) z++;
    }
    zones[codes.length] = z;
    zoneCache.set(codes, zones);
  }
  return zones;
}

/**
 * A Thompson automaton over the codes, simulated on the text: state s means "the first s codes
 * are matched". Live states are kept in ascending order and pruned after each character: below a
 * live ANY star every state is redundant (the star can absorb whatever they would read before
 * reaching it), and below a live SEG star so is every state of its zone. Each character costs at
 * most one visit per live state: O(pattern × text), memory O(pattern); `a*a*a*…` stays linear.
 */
function automaton(codes: Int32Array, text: string, ignoreCase: boolean): boolean {
  const n = codes.length;
  const zones = zonesOf(codes);
  if (mark.length < n + 1) {
    mark = new Int32Array(2 * (n + 1));
    current = new Int32Array(2 * (n + 1));
    next = new Int32Array(2 * (n + 1));
    generation = 0;
  }
  if (generation > 0x3fffffff) {
    mark.fill(0);
    generation = 0;
  }
  let gen = ++generation;
  let size = 0;
  // Adds state s and the states reachable from it without a character (skipping stars).
  const add = (into: Int32Array, s: number): void => {
    for (;;) {
      if (mark[s] === gen) return;
      mark[s] = gen;
      into[size++] = s;
      const c = codes[s];
      if (s === n || (c !== ANY && c !== SEG)) return;
      s++;
    }
  };
  // Drops dominated states, keeping ascending order.
  const prune = (list: Int32Array): void => {
    let keep = size;
    let dominated = -1; // zone below a live SEG star
    for (let k = size - 1; k >= 0; k--) {
      const s = list[k]!;
      if (s < n && codes[s] === ANY) {
        list[--keep] = s;
        break; // everything below is redundant
      }
      if (zones[s] === dominated) continue;
      list[--keep] = s;
      if (s < n && codes[s] === SEG) dominated = zones[s]!;
    }
    if (keep > 0) list.copyWithin(0, keep, size);
    size -= keep;
  };
  add(current, 0);
  for (let t = 0; t < text.length;) {
    const raw = text.codePointAt(t)!;
    t += raw > 0xffff ? 2 : 1;
    const cp = ignoreCase ? fold(raw) : raw;
    const live = size;
    const from = current;
    size = 0;
    gen = ++generation;
    for (let k = 0; k < live; k++) {
      const s = from[k]!;
      if (s === n) continue;
      const c = codes[s]!;
      if (c === ANY || (c === SEG && cp !== COLON)) add(next, s);
      else if (takes(c, cp)) add(next, s + 1);
    }
    if (size === 0) return false;
    prune(next);
    current = next;
    next = from;
  }
  return mark[n] === gen;
}

/** ARN-style globs as the config's suppression `resource` reads them: `?` is one UTF-16 code unit. */
export function globMatchCodeUnits(pattern: string, text: string): boolean {
  const n = pattern.length;
  const m = text.length;
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < m) {
    const c = pattern.charCodeAt(p);
    if (p < n && c === 0x2a) {
      starP = ++p;
      starT = t;
      continue;
    }
    if (p < n && (c === 0x3f || c === text.charCodeAt(t))) {
      p++;
      t++;
      continue;
    }
    if (starP < 0) return false;
    t = ++starT;
    p = starP;
  }
  while (p < n && pattern.charCodeAt(p) === 0x2a) p++;
  return p === n;
}

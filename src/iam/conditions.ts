/**
 * IAM condition operators, three-valued: true, false, or 'unknown' when the request context does not
 * say (a key neither given nor known absent, or a policy variable that cannot be resolved).
 * Semantics follow the IAM User Guide ("Condition operators", "Multivalued context keys"):
 * several values OR (negated operators: NOR), `...IfExists` and negated operators hold when the key is
 * absent, `ForAllValues:` holds on an absent or empty key, `ForAnyValue:` does not, a single-valued
 * operator never matches a multivalued key.
 */
import type { ConditionEntry } from './policy.js';
import { ANY, globMatch, ONE, ProgramBuilder, run, type Program } from './match.js';
import { hasWildcard } from './wildcard.js';

export type Tri = true | false | 'unknown';

/** A policy variable's value; undefined: not in the context (unknown); null: known to have none. */
export type VarValue = string | undefined | null;
export type Lookup = (lowerKey: string) => VarValue;

/**
 * One policy value against one request value: match or not, 'invalid' (not comparable, e.g. not a
 * number, or a variable that can have no value), 'unknown' (a variable not in the context).
 */
type ValueTest = (
  request: string,
  policy: string,
  lookup: Lookup | undefined,
) => boolean | 'invalid' | 'unknown';

interface BaseOp {
  test: ValueTest;
  negated: boolean;
}

// A Map: the key comes from policy text (`${constructor}` must not reach Object.prototype).
const ESCAPES = new Map([
  ['*', '*'],
  ['?', '?'],
  ['$', '$'],
]);

/**
 * Substitutes `${...}` in a policy value. `like`: returns a matching program where `*`/`?` are
 * wildcards and substituted text is literal; otherwise the plain text.
 */
export function expandVariables(value: string, lookup: Lookup, like: true): Program | null | undefined;
export function expandVariables(value: string, lookup: Lookup, like: false): VarValue;
export function expandVariables(value: string, lookup: Lookup, like: boolean): Program | VarValue {
  let out = '';
  const program = like ? new ProgramBuilder(false) : undefined;
  let unknown = false;
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end !== -1) {
        const inner = value.slice(i + 2, end);
        i = end + 1;
        const escaped = ESCAPES.get(inner);
        if (escaped !== undefined) {
          out += escaped;
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
        else if (v !== null && v !== '') out += v;
        else if (dflt !== undefined) out += dflt;
        else return null;
        continue;
      }
    }
    if (program && (ch === '*' || ch === '?')) {
      program.text(out).wildcard(ch === '*' ? ANY : ONE);
      out = '';
    } else out += ch;
    i++;
  }
  if (unknown) return undefined;
  return program ? program.text(out).build() : out;
}

/** A string value with variables substituted, for the exact-comparison operators. */
const text =
  (cmp: (r: string, p: string) => boolean): ValueTest =>
  (r, p, lookup) => {
    if (!lookup || !p.includes('${')) return cmp(r, p);
    const v = expandVariables(p, lookup, false);
    return v === undefined ? 'unknown' : v === null ? 'invalid' : cmp(r, v);
  };

const likeTest = (r: string, p: string, lookup: Lookup | undefined): boolean | 'invalid' | 'unknown' => {
  if (!lookup || !p.includes('${')) return hasWildcard(p) ? globMatch(p, r, false) : r === p;
  const v = expandVariables(p, lookup, true);
  return v === undefined ? 'unknown' : v === null ? 'invalid' : run(v, r);
};

const strEq = text((r, p) => r === p);
const strEqIc = text((r, p) => r.toLowerCase() === p.toLowerCase());
const strLike: ValueTest = likeTest;

function parseNumber(v: string): number | undefined {
  return /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(v) ? Number(v) : undefined;
}
const numeric =
  (cmp: (r: number, p: number) => boolean): ValueTest =>
  (r, p) => {
    const a = parseNumber(r);
    const b = parseNumber(p);
    return a === undefined || b === undefined ? 'invalid' : cmp(a, b);
  };

/** W3C ISO 8601 date/time or epoch seconds → milliseconds. */
export function parseDate(v: string): number | undefined {
  if (/^-?\d+$/.test(v)) return Number(v) * 1000;
  if (!/^\d{4}(-\d{2}(-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?)?)?$/.test(v)) {
    return undefined;
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}
const date =
  (cmp: (r: number, p: number) => boolean): ValueTest =>
  (r, p) => {
    const a = parseDate(r);
    const b = parseDate(p);
    return a === undefined || b === undefined ? 'invalid' : cmp(a, b);
  };

const bool: ValueTest = (r, p, lookup) => {
  const v = lookup && p.includes('${') ? expandVariables(p, lookup, false) : p;
  if (v === undefined) return 'unknown';
  if (v === null) return 'invalid';
  const a = r.toLowerCase();
  const b = v.toLowerCase();
  if ((a !== 'true' && a !== 'false') || (b !== 'true' && b !== 'false')) return 'invalid';
  return a === b;
};

// --- IP addresses ---

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (!s.includes(':')) return undefined;
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // ::ffff:1.2.3.4 → ::ffff:102:304
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const groups = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

const ipCache = new Map<string, { v: 4 | 6; n: bigint } | null>();
function parseIp(s: string): { v: 4 | 6; n: bigint } | undefined {
  let ip = ipCache.get(s);
  if (ip === undefined) {
    const v4 = parseV4(s);
    const v6 = v4 === undefined ? parseV6(s) : undefined;
    ip = v4 !== undefined ? { v: 4, n: v4 } : v6 !== undefined ? { v: 6, n: v6 } : null;
    if (ipCache.size > 10_000) ipCache.clear();
    ipCache.set(s, ip);
  }
  return ip ?? undefined;
}

const cidrCache = new Map<string, { v: 4 | 6; net: bigint; mask: bigint } | null>();
function parseCidr(s: string): { v: 4 | 6; net: bigint; mask: bigint } | undefined {
  let c = cidrCache.get(s);
  if (c === undefined) {
    c = null;
    const slash = s.indexOf('/');
    const ip = parseIp(slash === -1 ? s : s.slice(0, slash));
    const bits = ip?.v === 4 ? 32 : 128;
    const len = slash === -1 ? bits : /^\d{1,3}$/.test(s.slice(slash + 1)) ? Number(s.slice(slash + 1)) : -1;
    if (ip && len >= 0 && len <= bits) {
      const all = (1n << BigInt(bits)) - 1n;
      const mask = all ^ ((1n << BigInt(bits - len)) - 1n);
      c = { v: ip.v, net: ip.n & mask, mask };
    }
    if (cidrCache.size > 10_000) cidrCache.clear();
    cidrCache.set(s, c);
  }
  return c ?? undefined;
}

const ipAddress: ValueTest = (r, p) => {
  const cidr = parseCidr(p);
  const ip = parseIp(r);
  if (!cidr || !ip) return 'invalid';
  return ip.v === cidr.v && (ip.n & cidr.mask) === cidr.net;
};

/** ArnEquals/ArnLike: the six colon-separated parts compared separately, wildcards allowed, case-sensitive. */
function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
const arnLike: ValueTest = (r, p, lookup) => {
  const pp = splitArn(p);
  const rp = splitArn(r);
  if (!pp || !rp) return 'invalid';
  // Variables are substituted only in the resource part (after the fifth colon).
  for (let i = 0; i < 5; i++) {
    const part = pp[i]!;
    if (!(hasWildcard(part) ? globMatch(part, rp[i]!, false) : part === rp[i])) return false;
  }
  return likeTest(rp[5]!, pp[5]!, lookup);
};
const binary = text((r, p) => r === p);

// A Map: operator names come from policy text (`constructor` must not reach Object.prototype).
const OPS = new Map<string, BaseOp>();
const NAMES: string[] = [];
const def = (name: string, test: ValueTest, negated: boolean): void => {
  OPS.set(name.toLowerCase(), { test, negated });
  NAMES.push(name);
};
def('StringEquals', strEq, false);
def('StringNotEquals', strEq, true);
def('StringEqualsIgnoreCase', strEqIc, false);
def('StringNotEqualsIgnoreCase', strEqIc, true);
def('StringLike', strLike, false);
def('StringNotLike', strLike, true);
// Numeric* and Date* share one set of comparisons; only how values parse differs.
const COMPARISONS: readonly [string, (r: number, p: number) => boolean, boolean][] = [
  ['Equals', (r, p) => r === p, false],
  ['NotEquals', (r, p) => r === p, true],
  ['LessThan', (r, p) => r < p, false],
  ['LessThanEquals', (r, p) => r <= p, false],
  ['GreaterThan', (r, p) => r > p, false],
  ['GreaterThanEquals', (r, p) => r >= p, false],
];
for (const [family, parse] of [
  ['Numeric', numeric],
  ['Date', date],
] as const) {
  for (const [suffix, cmp, negated] of COMPARISONS) def(`${family}${suffix}`, parse(cmp), negated);
}
def('Bool', bool, false);
def('BinaryEquals', binary, false);
def('IpAddress', ipAddress, false);
def('NotIpAddress', ipAddress, true);
def('ArnEquals', arnLike, false);
def('ArnLike', arnLike, false);
def('ArnNotEquals', arnLike, true);
def('ArnNotLike', arnLike, true);

/** Every operator name the evaluator knows (without prefixes and IfExists), for rules. */
export const CONDITION_OPERATORS: readonly string[] = [...NAMES, 'Null'];

export interface ParsedOperator {
  set?: 'any' | 'all';
  ifExists: boolean;
  /** 'null' for Null; undefined when the operator is unknown. */
  base?: BaseOp | 'null';
}

const opCache = new Map<string, ParsedOperator>();

/** `ForAnyValue:StringLikeIfExists` → parts; an unknown operator has no base. */
export function parseOperator(operator: string): ParsedOperator {
  let parsed = opCache.get(operator);
  if (parsed) return parsed;
  let rest = operator;
  let set: 'any' | 'all' | undefined;
  const lower = rest.toLowerCase();
  if (lower.startsWith('foranyvalue:')) {
    set = 'any';
    rest = rest.slice('ForAnyValue:'.length);
  } else if (lower.startsWith('forallvalues:')) {
    set = 'all';
    rest = rest.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  let name = rest.toLowerCase();
  if (name.endsWith('ifexists') && name !== 'ifexists') {
    ifExists = true;
    name = name.slice(0, -'ifexists'.length);
  }
  const base: BaseOp | 'null' | undefined =
    name === 'null' ? (set || ifExists ? undefined : 'null') : OPS.get(name);
  parsed = { ifExists, ...(set ? { set } : {}), ...(base ? { base } : {}) };
  opCache.set(operator, parsed);
  return parsed;
}

/** What the request context says about a key. */
export type KeyValue = { present: true; value: string | readonly string[] } | { present: false } | 'unknown';

/** The base operator on one request value: several policy values OR, negated operators NOR. */
function baseResult(op: BaseOp, request: string, values: readonly string[], lookup: Lookup | undefined): Tri {
  let unknown = false;
  for (const v of values) {
    const r = op.test(request, v, lookup);
    if (r === 'unknown') unknown = true;
    else if (op.negated ? r !== false : r === true) return op.negated ? false : true;
  }
  if (unknown) return 'unknown';
  return op.negated;
}

/**
 * Evaluates one condition (operator, key, values) against what is known of the key. `lookup` resolves
 * policy variables; without it (policies without Version 2012-10-17) `${...}` is literal text.
 */
export function evaluateCondition(
  entry: ConditionEntry,
  key: KeyValue,
  lookup: Lookup | undefined,
  /** entry.values as strings, when the caller has them already. */
  strings?: readonly string[],
): Tri | 'unsupported' {
  const op = parseOperator(entry.operator);
  if (!op.base) return 'unsupported';
  if (key === 'unknown') return 'unknown';
  const values = strings ?? entry.values.map((v) => v.value);
  if (op.base === 'null') {
    const goal = key.present ? 'false' : 'true';
    return values.some((v) => v.toLowerCase() === goal);
  }
  const base = op.base;
  if (!key.present) {
    if (op.set === 'all') return true;
    // Even with IfExists: AWS denies ForAnyValue:StringEqualsIfExists on a missing key (observed on
    // re:Post, "ForAnyValue:StringEqualsIfExists behaving unexpectedly"; iam-simulate agrees).
    if (op.set === 'any') return false;
    return op.ifExists || base.negated;
  }
  if (op.set) {
    const list = typeof key.value === 'string' ? [key.value] : key.value;
    let unknown = false;
    for (const r of list) {
      const res = baseResult(base, r, values, lookup);
      if (res === 'unknown') unknown = true;
      else if (op.set === 'all' && res === false) return false;
      else if (op.set === 'any' && res === true) return true;
    }
    if (unknown) return 'unknown';
    return op.set === 'all';
  }
  // A single-valued operator never matches a multivalued key (use ForAnyValue/ForAllValues).
  if (typeof key.value !== 'string') return false;
  return baseResult(base, key.value, values, lookup);
}

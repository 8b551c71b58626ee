import { isUnknown, type PolicyDoc } from '../model.js';
import type { Path } from '../model.js';
import { isObject } from '../values.js';

/** A string value of a policy element and where it sits (relative to the policy document's root). */
export interface Item {
  value: string;
  path: Path;
}

export interface ConditionEntry {
  /** As written, e.g. `ForAnyValue:StringLike` or `StringEqualsIfExists`. */
  operator: string;
  key: string;
  /** Numbers and booleans as IAM sees them: strings. */
  values: Item[];
  /** Path of the key inside the Condition block. */
  path: Path;
  /** A value is not known before deployment: a mismatch of the others cannot tell. */
  unknown?: boolean;
}

export interface PrincipalSpec {
  /** `"Principal": "*"` (or `{"AWS": "*"}`). */
  any: boolean;
  /** e.g. { type: 'Service', value: 'replication.s3tables.amazonaws.com' }. */
  entries: { type: string; item: Item }[];
  path: Path;
}

/** What identifies a statement: cheap to get, for rules that need no more (see headsOf). */
export interface StatementHead {
  policy: PolicyDoc;
  /** Position in the Statement array; undefined when Statement is a single object. */
  index: number | undefined;
  /** ['Statement', i] or ['Statement'], relative to the policy's root. */
  path: Path;
  sid?: string;
  effect?: 'Allow' | 'Deny';
  /**
   * Elements holding a value not known before deployment (a template's unresolved reference), e.g.
   * `Resource`; `Statement` when the statement itself is unknown. The evaluator reads them as
   * "cannot tell": such a statement neither grants nor is proven not to grant.
   */
  unknown?: ReadonlySet<string>;
}

/**
 * One statement, normalised: single values become one-element lists, each with its path. Malformed
 * parts are left out (policy-grammar reports them), so rules never see a non-string action.
 */
export interface Statement extends StatementHead {
  action?: Item[];
  notAction?: Item[];
  resource?: Item[];
  notResource?: Item[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  condition?: ConditionEntry[];
}

const cache = new WeakMap<PolicyDoc, Statement[]>();

/** The statements of a policy document (cached per document). */
export function statementsOf(policy: PolicyDoc): Statement[] {
  let statements = cache.get(policy);
  if (!statements) {
    statements = normalize(policy);
    cache.set(policy, statements);
  }
  return statements;
}

/**
 * Index, path, Sid and Effect of each statement, without normalising the elements: a rule that
 * needs only these should not pay for (and keep alive) every item of every policy.
 */
export function headsOf(policy: PolicyDoc): StatementHead[] {
  return raw(policy).map(([s, index]) => head(policy, s, index));
}

/** Stands for a statement that is not known before deployment (its whole value is an Unknown). */
const UNKNOWN_STATEMENT: Record<string, unknown> = Object.freeze({});

function raw(policy: PolicyDoc): [Record<string, unknown>, number | undefined][] {
  const data = policy.data;
  // A document or Statement not known before deployment may grant or deny anything.
  if (isUnknown(data)) return [[UNKNOWN_STATEMENT, undefined]];
  if (!isObject(data)) return [];
  const value = data['Statement'];
  if (isUnknown(value)) return [[UNKNOWN_STATEMENT, undefined]];
  if (Array.isArray(value)) {
    const out: [Record<string, unknown>, number | undefined][] = [];
    value.forEach((s: unknown, i) => {
      if (isObject(s)) out.push([s, i]);
      else if (isUnknown(s)) out.push([UNKNOWN_STATEMENT, i]);
    });
    return out;
  }
  return isObject(value) ? [[value, undefined]] : [];
}

function head(policy: PolicyDoc, s: Record<string, unknown>, index: number | undefined): StatementHead {
  const out: StatementHead = {
    policy,
    index,
    path: index === undefined ? ['Statement'] : ['Statement', index],
  };
  if (s === UNKNOWN_STATEMENT) {
    out.unknown = new Set(['Statement']);
    return out;
  }
  if (typeof s['Sid'] === 'string') out.sid = s['Sid'];
  if (s['Effect'] === 'Allow' || s['Effect'] === 'Deny') out.effect = s['Effect'];
  const unknown = ELEMENTS.filter((key) => holdsUnknown(s[key], key === 'Condition' ? 3 : 2));
  if (unknown.length > 0) out.unknown = new Set(unknown);
  return out;
}

const ELEMENTS = [
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
];

/** Is the value, or something up to `depth` levels inside it, an Unknown? */
function holdsUnknown(value: unknown, depth: number): boolean {
  if (isUnknown(value)) return true;
  if (depth === 0 || typeof value !== 'object' || value === null) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value))
    if (holdsUnknown(v, depth - 1)) return true;
  return false;
}

/** The statements of a policy, not cached: for one pass over many policies that keeps nothing alive. */
export function normalize(policy: PolicyDoc): Statement[] {
  return raw(policy).map(([s, index]) => statement(policy, s, index));
}

const LISTS = [
  ['Action', 'action'],
  ['NotAction', 'notAction'],
  ['Resource', 'resource'],
  ['NotResource', 'notResource'],
] as const;
const PRINCIPALS = [
  ['Principal', 'principal'],
  ['NotPrincipal', 'notPrincipal'],
] as const;

function statement(policy: PolicyDoc, s: Record<string, unknown>, index: number | undefined): Statement {
  const out: Statement = head(policy, s, index);
  const path = out.path;
  for (const [key, field] of LISTS) {
    if (Object.prototype.hasOwnProperty.call(s, key)) out[field] = items(s[key], [...path, key]);
  }
  for (const [key, field] of PRINCIPALS) {
    if (Object.prototype.hasOwnProperty.call(s, key)) out[field] = principal(s[key], [...path, key]);
  }
  if (isObject(s['Condition'])) out.condition = conditions(s['Condition'], [...path, 'Condition']);
  return out;
}

/** A string or an array of strings → items; anything else contributes nothing. */
export function items(value: unknown, path: Path, scalars = false): Item[] {
  if (ok(value, scalars)) return [{ value: String(value), path }];
  if (!Array.isArray(value)) return [];
  // A plain loop: this runs for every element of every policy.
  const out: Item[] = [];
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (ok(v, scalars)) out.push({ value: String(v), path: path.concat(i) });
  }
  return out;
}

const ok = (v: unknown, scalars: boolean): v is string | number | boolean =>
  typeof v === 'string' || (scalars && (typeof v === 'number' || typeof v === 'boolean'));

function principal(value: unknown, path: Path): PrincipalSpec {
  if (value === '*') return { any: true, entries: [], path };
  const spec: PrincipalSpec = { any: false, entries: [], path };
  if (!isObject(value)) return spec;
  for (const [type, v] of Object.entries(value)) {
    for (const item of items(v, [...path, type])) {
      if (type === 'AWS' && item.value === '*') spec.any = true;
      spec.entries.push({ type, item });
    }
  }
  return spec;
}

function conditions(block: Record<string, unknown>, path: Path): ConditionEntry[] {
  const out: ConditionEntry[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    if (!isObject(keys)) continue;
    for (const [key, values] of Object.entries(keys)) {
      const at = [...path, operator, key];
      const entry: ConditionEntry = { operator, key, values: items(values, at, true), path: at };
      if (holdsUnknown(values, 1)) entry.unknown = true;
      out.push(entry);
    }
  }
  return out;
}

import type { PolicyDoc } from '../model.js';
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

function raw(policy: PolicyDoc): [Record<string, unknown>, number | undefined][] {
  const data = policy.data;
  if (!isObject(data)) return [];
  const value = data['Statement'];
  if (Array.isArray(value)) {
    const out: [Record<string, unknown>, number | undefined][] = [];
    value.forEach((s: unknown, i) => {
      if (isObject(s)) out.push([s, i]);
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
  if (typeof s['Sid'] === 'string') out.sid = s['Sid'];
  if (s['Effect'] === 'Allow' || s['Effect'] === 'Deny') out.effect = s['Effect'];
  return out;
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
      out.push({ operator, key, values: items(values, at, true), path: at });
    }
  }
  return out;
}

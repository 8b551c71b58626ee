import { has, isObject } from '../values.js';
import { describeType } from '../values.js';
import { isUnknown, type PolicyType } from '../model.js';
import type { Path } from '../model.js';

/** A grammar problem in a policy document, at a path relative to the document. */
export interface GrammarProblem {
  path: Path;
  message: string;
}

type Obj = Record<string, unknown>;

const POLICY_MEMBERS = ['Version', 'Id', 'Statement'];
const STATEMENT_MEMBERS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];
const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];
export const VERSIONS = ['2012-10-17', '2008-10-17'];

const TYPE_NAME: Record<PolicyType, string> = {
  identity: 'an identity policy',
  resource: 'a resource policy',
  trust: 'a role trust policy',
};

/**
 * Checks a policy against the IAM JSON policy grammar
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html) and the rules
 * that depend on the policy type (Principal, Resource). One problem per fault.
 */
export function checkPolicyGrammar(policy: unknown, type: PolicyType): GrammarProblem[] {
  const out: GrammarProblem[] = [];
  const add = (path: Path, message: string): void => {
    out.push({ path, message });
  };
  // A value not known before deployment (a template's reference) cannot be judged: no problem.
  if (isUnknown(policy)) return out;
  if (!isObject(policy)) {
    add(
      [],
      typeof policy === 'string'
        ? 'the policy document is a string that is neither JSON nor URL-encoded JSON; it must be a JSON object'
        : `a policy document must be a JSON object, not ${describeType(policy)}`,
    );
    return out;
  }
  unknownMembers(policy, [], POLICY_MEMBERS, 'a policy', add);
  if (has(policy, 'Version')) {
    const v = policy['Version'];
    if (!isUnknown(v) && (typeof v !== 'string' || !VERSIONS.includes(v)))
      add(['Version'], `"Version" must be "2012-10-17" (or the legacy "2008-10-17"), not ${show(v)}`);
  }
  if (has(policy, 'Id') && typeof policy['Id'] !== 'string' && !isUnknown(policy['Id']))
    add(['Id'], `"Id" must be a string, not ${describeType(policy['Id'])}`);
  if (!has(policy, 'Statement')) {
    add([], 'missing "Statement": a policy needs at least one statement');
    return out;
  }
  const statements = policy['Statement'];
  if (Array.isArray(statements)) {
    if (statements.length === 0)
      add(['Statement'], '"Statement" is empty; a policy needs at least one statement');
    statements.forEach((s, i) => statement(s, ['Statement', i], type, add));
  } else if (isObject(statements)) {
    statement(statements, ['Statement'], type, add);
  } else if (!isUnknown(statements)) {
    add(
      ['Statement'],
      `"Statement" must be a statement object or an array of them, not ${describeType(statements)}`,
    );
  }
  return out;
}

type Add = (path: Path, message: string) => void;

function statement(s: unknown, path: Path, type: PolicyType, add: Add): void {
  if (isUnknown(s)) return;
  if (!isObject(s)) {
    add(path, `a statement must be an object, not ${describeType(s)}`);
    return;
  }
  // A misspelt element is reported once, as unknown, not again as missing.
  const meant = unknownMembers(s, path, STATEMENT_MEMBERS, 'a statement', add);
  /** Exactly one of `a` and `b`. */
  const pair = (a: string, b: string, missing: string): void => {
    if (has(s, a) && has(s, b))
      add([...path, b], `"${a}" and "${b}" cannot both be in one statement; keep one`);
    else if (!has(s, a) && !has(s, b) && !meant.has(a) && !meant.has(b))
      add(path, `missing "${a}": ${missing}`);
  };
  if (has(s, 'Sid') && typeof s['Sid'] !== 'string' && !isUnknown(s['Sid']))
    add([...path, 'Sid'], `"Sid" must be a string, not ${describeType(s['Sid'])}`);

  if (!has(s, 'Effect')) {
    if (!meant.has('Effect')) add(path, 'missing "Effect": add "Effect": "Allow" or "Effect": "Deny"');
  } else if (s['Effect'] !== 'Allow' && s['Effect'] !== 'Deny' && !isUnknown(s['Effect'])) {
    add([...path, 'Effect'], `"Effect" must be "Allow" or "Deny", not ${show(s['Effect'])}`);
  }

  pair('Action', 'NotAction', 'a statement needs "Action" (or "NotAction")');
  for (const key of ['Action', 'NotAction']) if (has(s, key)) stringList(s[key], [...path, key], key, add);

  const name = TYPE_NAME[type];
  if (type === 'trust') {
    for (const key of ['Resource', 'NotResource'])
      if (has(s, key))
        add(
          [...path, key],
          `${name} cannot have "${key}": IAM rejects it ("Has prohibited field ${key}"); remove it`,
        );
  } else {
    pair(
      'Resource',
      'NotResource',
      `a statement in ${name} needs "Resource" (or "NotResource"); use "*" for every resource`,
    );
    for (const key of ['Resource', 'NotResource'])
      if (has(s, key)) stringList(s[key], [...path, key], key, add);
  }

  if (type === 'identity') {
    for (const key of ['Principal', 'NotPrincipal'])
      if (has(s, key))
        add(
          [...path, key],
          `${name} cannot have "${key}": its principal is the identity it is attached to; remove it`,
        );
  } else {
    if (type === 'trust' && has(s, 'NotPrincipal')) {
      // Not allowed at all here, which also settles "Principal and NotPrincipal".
      add(
        [...path, 'NotPrincipal'],
        `${name} cannot use "NotPrincipal"; name the trusted principals in "Principal"`,
      );
    } else {
      pair('Principal', 'NotPrincipal', `a statement in ${name} needs "Principal"`);
      if (has(s, 'NotPrincipal') && !has(s, 'Principal') && s['Effect'] === 'Allow')
        add(
          [...path, 'NotPrincipal'],
          '"NotPrincipal" works only with "Effect": "Deny"; use "Principal" to allow',
        );
    }
    for (const key of ['Principal', 'NotPrincipal'])
      if (has(s, key)) principal(s[key], [...path, key], key, add);
  }

  if (has(s, 'Condition')) condition(s['Condition'], [...path, 'Condition'], add);
}

/** A string or a non-empty array of strings (Action, Resource and their Not… forms). */
function stringList(value: unknown, path: Path, key: string, add: Add): void {
  if (typeof value === 'string' || isUnknown(value)) return;
  if (!Array.isArray(value)) {
    add(path, `"${key}" must be a string or an array of strings, not ${describeType(value)}`);
    return;
  }
  if (value.length === 0)
    add(path, `"${key}" is an empty array, which matches nothing; list at least one value`);
  value.forEach((item, i) => {
    if (typeof item !== 'string' && !isUnknown(item))
      add([...path, i], `each "${key}" entry must be a string, not ${describeType(item)}`);
  });
}

function principal(value: unknown, path: Path, key: string, add: Add): void {
  if (value === '*' || isUnknown(value)) return;
  if (!isObject(value)) {
    add(
      path,
      `"${key}" must be "*" or an object such as {"Service": "replication.s3tables.amazonaws.com"}, not ${show(value)}`,
    );
    return;
  }
  const types = Object.keys(value);
  if (types.length === 0) add(path, `"${key}" is empty; name at least one principal`);
  unknownMembers(value, path, PRINCIPAL_TYPES, `"${key}"`, add);
  for (const t of types) if (PRINCIPAL_TYPES.includes(t)) stringList(value[t], [...path, t], t, add);
}

function condition(value: unknown, path: Path, add: Add): void {
  if (isUnknown(value)) return;
  if (!isObject(value)) {
    add(path, `"Condition" must be an object of condition operators, not ${describeType(value)}`);
    return;
  }
  for (const operator of Object.keys(value)) {
    const block = value[operator];
    if (isUnknown(block)) continue;
    if (!isObject(block)) {
      add(
        [...path, operator],
        `condition operator "${operator}" must map condition keys to values ({"aws:SourceAccount": "111122223333"}), not ${describeType(block)}`,
      );
      continue;
    }
    for (const key of Object.keys(block)) {
      const v = block[key];
      const where = [...path, operator, key];
      if (scalar(v)) continue;
      if (!Array.isArray(v)) {
        add(
          where,
          `the value of condition key "${key}" must be a string, number, boolean or an array of them, not ${describeType(v)}`,
        );
      } else if (v.length === 0) {
        add(where, `the value of condition key "${key}" is an empty array; give at least one value`);
      } else {
        v.forEach((item, i) => {
          if (!scalar(item))
            add(
              [...where, i],
              `each value of condition key "${key}" must be a string, number or boolean, not ${describeType(item)}`,
            );
        });
      }
    }
  }
}

const scalar = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || isUnknown(v);

/** Reports members not in `allowed`; returns the allowed names that misspelt members stand for. */
function unknownMembers(o: Obj, path: Path, allowed: readonly string[], what: string, add: Add): Set<string> {
  const meant = new Set<string>();
  for (const key of Object.keys(o)) {
    if (allowed.includes(key)) continue;
    const near = allowed.find(
      (a) => a.toLowerCase() === key.toLowerCase() || `${a.toLowerCase()}s` === key.toLowerCase(),
    );
    if (near) meant.add(near);
    const list = allowed.map((a) => `"${a}"`);
    add(
      [...path, key],
      near
        ? `unknown member "${key}": did you mean "${near}"?`
        : `unknown member "${key}": ${what} has only ${list.slice(0, -1).join(', ')} and ${list.at(-1)}; remove it`,
    );
  }
  return meant;
}

/** A value as it appears in a message: strings quoted, other values by type. */
function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return describeType(value);
}

/**
 * The policy evaluator (contract: team/evaluator-api.md). Evaluates one set of policies of one kind as
 * IAM does: an explicit Deny wins, then an Allow, else implicit deny. What the request context does not
 * say stays unknown: a statement that depends on it is 'conditional', never guessed.
 */
import type { PolicyDoc } from '../model.js';
import type { ConditionEntry, PrincipalSpec, Statement } from './policy.js';
import { statementsOf } from './policy.js';
import { hasPlaceholder, isObject, PLACEHOLDER } from '../values.js';
import { parseArn, type Arn } from './arn.js';
import { tagCrash } from '../errors.js';
import { compileGlob, run, type Program } from './match.js';
import { hasWildcard } from './wildcard.js';
import {
  coversTokens,
  intersectsTokens,
  parsePattern,
  resolvePattern,
  type Pattern,
  type Token,
} from './resource.js';
import { evaluateCondition, type KeyValue, type Lookup, type Tri } from './conditions.js';

export { resourceCovers, resourceIntersects, resourceMatches } from './resource.js';

/**
 * Known request context; keys are case-insensitive (IAM); a key absent here is unknown, not absent.
 * An array value is a multivalued key (aws:TagKeys): single-valued operators never match it.
 */
export type Context = Readonly<Record<string, string | readonly string[]>>;

export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

export interface Request {
  /** Concrete action, e.g. 's3tables:GetTable'. */
  action: string;
  /**
   * A concrete ARN, or a pattern with * and ? meaning "every resource that matches it". For a pattern,
   * an Allow counts only if one of its Resource entries covers the whole pattern; a Deny counts if it
   * matches any of it. "*" alone is the literal resource of actions without resource types (e.g.
   * s3tables:ListTableBuckets): only a Resource that matches the string "*" applies to it.
   */
  resource: string;
  /** For resource and trust policies: who asks. Ignored for identity policies. */
  principal?: { type: PrincipalType; id: string };
  context?: Context;
  /**
   * Keys whose absence is known (so Null / ...IfExists can resolve): a list, or a test on the
   * lower-cased key (keys an action can never carry form an open set: every aws:RequestTag/...).
   * Default: none. A key in `context` is present whatever this says.
   */
  absent?: readonly string[] | ((lowerKey: string) => boolean);
}

/** What a request says about one key: a known value, known absent, or unknown. */
export type KeyState = 'value' | 'absent' | 'unknown';

/** The state of `key` in `request` (for --explain: which key states decided a statement). */
export function keyState(
  request: Request,
  key: string,
): { state: KeyState; value?: string | readonly string[] } {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(request.context ?? {}))
    if (k.toLowerCase() === lower) return { state: 'value', value: v };
  const absent = request.absent;
  const gone =
    typeof absent === 'function' ? absent(lower) : (absent ?? []).some((k) => k.toLowerCase() === lower);
  return { state: gone ? 'absent' : 'unknown' };
}

export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny' | 'conditional';

export interface Trace {
  statement: Statement;
  outcome: 'allows' | 'denies' | 'conditional' | 'no-match';
  /** One line saying why. */
  why: string;
}

export interface Unresolved {
  statement: Statement;
  /** The condition operator, or 'Resource' / 'Principal' when that element could not be decided. */
  operator: string;
  /** The condition key ('Resource' / 'Principal' for those elements). */
  key: string;
}

export interface Evaluation {
  decision: Decision;
  /** Statements that allow (only when decision is 'allowed' or 'conditional'). */
  allowedBy: Statement[];
  /** Deny statements that apply (decision 'explicit-deny') or may apply ('conditional'). */
  deniedBy: Statement[];
  /** Conditions that could not be resolved from the context. */
  unresolved: Unresolved[];
  /** Every statement considered, in policy order, for --explain. */
  trace: Trace[];
}

/** One shape for all three kinds (`*`: neither set), so the hot check stays monomorphic. */
type ActionMatcher = { lower: string | undefined; glob: Program | undefined };

/** A statement pre-compiled once (cached per Statement object, which statementsOf caches per document). */
interface Compiled {
  st: Statement;
  effect?: 'Allow' | 'Deny';
  actions?: ActionMatcher[];
  notActions?: ActionMatcher[];
  resources?: Pattern[];
  notResources?: Pattern[];
  /** Per Resource / NotResource entry: a wildcard inside the service segment, which matches nothing. */
  deadResources?: boolean[];
  deadNotResources?: boolean[];
  conditions: ConditionEntry[];
  /** Per condition: its key lower-cased and a one-line description (built once). */
  conditionKeys: string[];
  conditionValues: string[][];
  conditionText: string[];
  /** Policy variables are substituted only in policies with `"Version": "2012-10-17"` (else literal). */
  variables: boolean;
}

/** Compiled forms ride on the (cached) Statement objects: cheaper for the GC than a WeakMap. */
const COMPILED = Symbol('compiled');
type WithCompiled = Statement & { [COMPILED]?: Compiled };

function actionMatcher(pattern: string): ActionMatcher {
  if (pattern === '*') return { lower: undefined, glob: undefined };
  return hasWildcard(pattern)
    ? { lower: undefined, glob: compileGlob(pattern, true) }
    : { lower: pattern.toLowerCase(), glob: undefined };
}

function compile(st: Statement): Compiled {
  let c = (st as WithCompiled)[COMPILED];
  if (!c) {
    const data = st.policy.data;
    const variables = isObject(data) && data['Version'] === '2012-10-17';
    const conditions = st.condition ?? [];
    c = {
      st,
      conditions,
      conditionKeys: conditions.map((e) => e.key.toLowerCase()),
      conditionValues: conditions.map((e) => e.values.map((v) => v.value)),
      conditionText: conditions.map((e) => `${e.operator} ${e.key} = ${show(e.values)}`),
      variables,
    };
    if (st.effect) c.effect = st.effect;
    if (st.action) c.actions = st.action.map((a) => actionMatcher(a.value));
    if (st.notAction) c.notActions = st.notAction.map((a) => actionMatcher(a.value));
    if (st.resource) {
      c.resources = st.resource.map((r) => parsePattern(r.value, variables));
      c.deadResources = st.resource.map((r) => wildcardService(r.value));
    }
    if (st.notResource) {
      c.notResources = st.notResource.map((r) => parsePattern(r.value, variables));
      c.deadNotResources = st.notResource.map((r) => wildcardService(r.value));
    }
    Object.defineProperty(st, COMPILED, { value: c });
  }
  return c;
}

/**
 * IAM User Guide, Resource element: "You can't use a wildcard in the service segment that
 * identifies the AWS product." An entry such as `arn:aws:s3*:...` therefore names no resource.
 * A service segment that is `*` alone (`arn:aws:*`, `arn:aws:*:*:111122223333:*`) names no product
 * and keeps matching every service, as policies in the wild expect (decision recorded in
 * test/oracle-disagreements.json).
 */
export function wildcardService(value: string): boolean {
  if (!value.startsWith('arn:')) return false;
  const first = value.indexOf(':', 4);
  if (first === -1) return false;
  const end = value.indexOf(':', first + 1);
  const segment = value.slice(first + 1, end === -1 ? undefined : end);
  return segment !== '*' && hasWildcard(segment);
}

/** When an element holds a value not known before deployment, a mismatch of the rest cannot tell. */
const unknownIn = (c: Compiled, element: string): Part | undefined =>
  c.st.unknown?.has(element)
    ? { result: 'unknown', why: `${element} has a value not known before deployment` }
    : undefined;

/**
 * A template's placeholder (its account or Region, see values.ts) stands for every value of its
 * shape: a mismatch that goes away with the placeholders as wildcards cannot tell.
 */
function placeholderMatch(a: string, b: string): boolean {
  if (!hasPlaceholder(a) && !hasPlaceholder(b)) return false;
  const x = parseArn(a);
  const y = parseArn(b);
  // An account id alone (a Principal, aws:SourceAccount).
  if (!x || !y) return isPlaceholder(a) ? /^\d{12}$/.test(b) : isPlaceholder(b) && /^\d{12}$/.test(a);
  // Field by field: a placeholder stands for one field's value, never for colons.
  const fields: (keyof Arn)[] = ['partition', 'service', 'region', 'account', 'resource'];
  return fields.every(
    (f) =>
      isPlaceholder(x[f]) ||
      isPlaceholder(y[f]) ||
      intersectsTokens(parsePattern(x[f]).tokens, parsePattern(y[f]).tokens),
  );
}

const isPlaceholder = (value: string): boolean =>
  value === PLACEHOLDER.account || value === PLACEHOLDER.region;

const actionMatches = (m: ActionMatcher, lowerAction: string): boolean =>
  m.lower !== undefined ? m.lower === lowerAction : m.glob === undefined || run(m.glob, lowerAction);

/** The request, prepared once per evaluate() call. */
interface Prepared {
  request: Request;
  lowerAction: string;
  /** The request resource as a pattern (when it has wildcards). */
  pattern?: Token[];
  lookup: Lookup;
  key: (lowerKey: string) => KeyValue;
}

function prepare(request: Request): Prepared {
  // Built on the first condition or variable that needs them (per call: callers may mutate a context).
  let known: Map<string, string | readonly string[]> | undefined;
  let gone: { has(lowerKey: string): boolean } | undefined;
  const load = (): void => {
    known = new Map();
    for (const [k, v] of Object.entries(request.context ?? {})) known.set(k.toLowerCase(), v);
    const absent = request.absent;
    gone =
      typeof absent === 'function' ? { has: absent } : new Set((absent ?? []).map((k) => k.toLowerCase()));
  };
  const get = (k: string): string | readonly string[] | undefined => {
    if (!known) load();
    return known!.get(k);
  };
  const prepared: Prepared = {
    request,
    lowerAction: request.action.toLowerCase(),
    lookup: (k) => {
      const v = get(k);
      if (typeof v === 'string') return v;
      if (v !== undefined || gone!.has(k)) return null; // multivalued keys cannot fill a variable
      return undefined;
    },
    key: (k) => {
      const v = get(k);
      if (v !== undefined) return { present: true, value: v };
      return gone!.has(k) ? ABSENT : 'unknown';
    },
  };
  // "*" alone is the resource of actions without resource types: a concrete value, not "everything".
  if (request.resource !== '*' && hasWildcard(request.resource)) {
    prepared.pattern = parsePattern(request.resource).tokens.map((t) => (t.k === 'var' ? { k: 'any' } : t));
  }
  return prepared;
}

interface Part {
  result: Tri;
  why: string;
}

function checkAction(c: Compiled, p: Prepared): Part {
  const action = p.request.action;
  if (c.actions) {
    const hit = c.st.action!.find((_, i) => actionMatches(c.actions![i]!, p.lowerAction));
    if (hit) return { result: true, why: `Action ${hit.value} matches` };
    return unknownIn(c, 'Action') ?? { result: false, why: `Action does not match ${action}` };
  }
  if (c.notActions) {
    const hit = c.st.notAction!.find((_, i) => actionMatches(c.notActions![i]!, p.lowerAction));
    if (hit) return { result: false, why: `NotAction ${hit.value} excludes ${action}` };
    return unknownIn(c, 'NotAction') ?? { result: true, why: `NotAction does not exclude ${action}` };
  }
  return (
    unknownIn(c, 'Action') ?? unknownIn(c, 'NotAction') ?? { result: false, why: 'no Action or NotAction' }
  );
}

/**
 * One Resource pattern against the request: concrete match, or cover (Allow) / intersect (Deny).
 * 'none': a policy variable in it can have no value (known absent, or multivalued).
 */
function patternResult(pattern: Pattern, p: Prepared, wide: boolean): Tri | 'none' {
  if (pattern.source === '*') return true;
  const resolved = resolvePattern(pattern, p.lookup);
  if (resolved === 'unknown' || resolved === 'none') {
    // The ARN fields and resource type before the variable may already rule the request out.
    // (Same relation as below: for a pattern request, can it overlap / cover it at all?)
    const head = !p.pattern
      ? run(pattern.headProgram!, p.request.resource)
      : wide
        ? intersectsTokens(pattern.head!, p.pattern)
        : coversTokens(pattern.head!, p.pattern);
    return head ? resolved : false;
  }
  if (!p.pattern) return run(resolved.program, p.request.resource);
  return wide ? intersectsTokens(resolved.tokens, p.pattern) : coversTokens(resolved.tokens, p.pattern);
}

function checkResource(c: Compiled, p: Prepared): Part {
  const res = p.request.resource;
  const deny = c.effect === 'Deny';
  const verb = p.pattern ? (deny ? 'overlaps' : 'covers') : 'matches';
  if (c.resources) {
    let unknown: string | undefined;
    let placeholder: string | undefined;
    for (let i = 0; i < c.resources.length; i++) {
      if (c.deadResources![i]) continue;
      // Allow must cover the whole requested pattern; Deny needs only part of it.
      const r = patternResult(c.resources[i]!, p, deny);
      const value = c.st.resource![i]!.value;
      if (r === true) return { result: true, why: `Resource ${value} ${verb} ${res}` };
      if (r === 'unknown') unknown ??= value;
      else if (placeholderMatch(value, res)) placeholder ??= value;
    }
    if (unknown !== undefined) {
      return { result: 'unknown', why: `Resource ${unknown} has a policy variable not in the context` };
    }
    // The verb's base form: "matches" → "match" (not "matche").
    if (placeholder !== undefined) {
      return { result: 'unknown', why: `Resource ${placeholder} may match ${res} (a placeholder)` };
    }
    return (
      unknownIn(c, 'Resource') ?? {
        result: false,
        why: `Resource does not ${verb.replace(/e?s$/, '')} ${res}`,
      }
    );
  }
  if (c.notResources) {
    let unknown: string | undefined;
    for (let i = 0; i < c.notResources.length; i++) {
      if (c.deadNotResources![i]) continue;
      // The statement applies outside its NotResource: an Allow must exclude all of the pattern,
      // a Deny applies unless NotResource covers the pattern.
      const r = patternResult(c.notResources[i]!, p, !deny);
      const value = c.st.notResource![i]!.value;
      if (r === true) return { result: false, why: `NotResource ${value} excludes ${res}` };
      if (r === false && placeholderMatch(value, res)) unknown ??= value;
      // Unresolvable: the request cannot be shown to lie outside NotResource (as iam-simulate).
      if (r === 'none') return { result: false, why: `NotResource ${value} has a variable with no value` };
      if (r === 'unknown') unknown ??= value;
    }
    if (unknown !== undefined) {
      return { result: 'unknown', why: `NotResource ${unknown} has a policy variable not in the context` };
    }
    return unknownIn(c, 'NotResource') ?? { result: true, why: `NotResource does not exclude ${res}` };
  }
  return (
    unknownIn(c, 'Resource') ??
    unknownIn(c, 'NotResource') ?? { result: true, why: 'no Resource (any resource)' }
  );
}

const ACCOUNT = /^\d{12}$/;

function accountOf(id: string): string | undefined {
  if (ACCOUNT.test(id)) return id;
  const parts = id.split(':');
  return parts[0] === 'arn' && parts.length >= 6 ? parts[4] : undefined;
}

/** Does one Principal entry name the request's principal? */
function principalEntryMatches(type: string, value: string, who: { type: string; id: string }): boolean {
  if (type !== who.type) return false;
  if (type === 'Service') return value.toLowerCase() === who.id.toLowerCase();
  if (type !== 'AWS') return value === who.id;
  if (value === '*' || value === who.id) return true;
  // An account (id or root ARN) stands for every principal of that account.
  const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(value);
  const account = ACCOUNT.test(value) ? value : root?.[1];
  if (account !== undefined) return accountOf(who.id) === account;
  // A role ARN also names that role's sessions (arn:aws:sts::A:assumed-role/Name/session).
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(value);
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(who.id);
  return !!role && !!session && role[1] === session[1] && role[2] === session[2] && role[3] === session[3];
}

function specMatches(spec: PrincipalSpec, p: Prepared): Tri {
  if (spec.any) return true;
  const who = p.request.principal;
  if (!who) return 'unknown';
  if (spec.entries.some((e) => principalEntryMatches(e.type, e.item.value, who))) return true;
  // A template's placeholder account may be the principal's.
  return spec.entries.some((e) => e.type === who.type && placeholderMatch(e.item.value, who.id))
    ? 'unknown'
    : false;
}

function checkPrincipal(c: Compiled, p: Prepared): Part {
  const who = p.request.principal;
  const name = who ? `${who.type} ${who.id}` : 'the principal';
  if (c.st.principal) {
    const r = specMatches(c.st.principal, p);
    if (r === false && c.st.unknown?.has('Principal'))
      return { result: 'unknown', why: 'Principal has a value not known before deployment' };
    if (r === 'unknown') return { result: r, why: 'Principal: the request names no principal' };
    return { result: r, why: r ? `Principal names ${name}` : `Principal does not name ${name}` };
  }
  if (c.st.notPrincipal) {
    const r = specMatches(c.st.notPrincipal, p);
    if (r === false && c.st.unknown?.has('NotPrincipal'))
      return { result: 'unknown', why: 'NotPrincipal has a value not known before deployment' };
    if (r === 'unknown') return { result: r, why: 'NotPrincipal: the request names no principal' };
    return { result: !r, why: r ? `NotPrincipal excludes ${name}` : `NotPrincipal does not exclude ${name}` };
  }
  return { result: false, why: 'no Principal in a resource or trust policy statement' };
}

const show = (values: readonly { value: string }[]): string =>
  values.length === 1 ? values[0]!.value : `[${values.map((v) => v.value).join(', ')}]`;

const HOLD: Part = { result: true, why: 'Conditions hold' };
const NONE: Part = { result: true, why: '' };
const ABSENT: KeyValue = { present: false };

function checkConditions(c: Compiled, p: Prepared, unresolved: Unresolved[]): Part {
  let unknownWhy: string | undefined;
  for (let i = 0; i < c.conditions.length; i++) {
    const entry = c.conditions[i]!;
    const r = evaluateCondition(
      entry,
      p.key(c.conditionKeys[i]!),
      c.variables ? p.lookup : undefined,
      c.conditionValues[i],
    );
    const text = c.conditionText[i]!;
    if (r === false && !mayHold(entry, p.key(c.conditionKeys[i]!))) {
      return { result: false, why: `Condition ${text} does not hold` };
    }
    if (r === false) {
      // A value not known before deployment, or a template placeholder, may make it hold.
      unresolved.push({ statement: c.st, operator: entry.operator, key: entry.key });
      unknownWhy ??= `Condition ${text} depends on a value not known before deployment`;
      continue;
    }
    if (r === 'unknown' || r === 'unsupported') {
      unresolved.push({ statement: c.st, operator: entry.operator, key: entry.key });
      unknownWhy ??=
        r === 'unsupported'
          ? `Condition operator ${entry.operator} is not supported`
          : `Condition ${text} depends on what the request context does not say`;
    }
  }
  if (unknownWhy !== undefined) return { result: 'unknown', why: unknownWhy };
  // An operator block or a whole Condition not known before deployment.
  if (c.st.unknown?.has('Condition') && !c.conditions.some((e) => e.unknown)) {
    return { result: 'unknown', why: 'Condition has a value not known before deployment' };
  }
  return c.conditions.length ? HOLD : NONE;
}

/** A condition that failed may still hold: an unknown value, or a placeholder on either side. */
function mayHold(entry: ConditionEntry, value: KeyValue): boolean {
  if (entry.unknown) return true;
  if (value === 'unknown' || !value.present) return false;
  const actual = typeof value.value === 'string' ? [value.value] : value.value;
  return entry.values.some((v) => actual.some((a) => placeholderMatch(v.value, a)));
}

function evaluateStatement(
  c: Compiled,
  p: Prepared,
  principalMatters: boolean,
): { outcome: Trace['outcome']; why: string; unresolved: Unresolved[] } {
  const unresolved: Unresolved[] = [];
  if (c.st.unknown?.has('Statement')) {
    return { outcome: 'conditional', why: 'the statement is not known before deployment', unresolved };
  }
  const effectUnknown = !c.effect && c.st.unknown?.has('Effect') === true;
  if (!c.effect && !effectUnknown) return { outcome: 'no-match', why: 'no valid Effect', unresolved };
  const parts: Part[] = [];
  const action = checkAction(c, p);
  if (action.result === false) return { outcome: 'no-match', why: action.why, unresolved };
  parts.push(action);
  if (principalMatters) {
    const principal = checkPrincipal(c, p);
    if (principal.result === false) return { outcome: 'no-match', why: principal.why, unresolved };
    parts.push(principal);
  }
  const resource = checkResource(c, p);
  if (resource.result === false) return { outcome: 'no-match', why: resource.why, unresolved };
  parts.push(resource);
  const conditions = checkConditions(c, p, unresolved);
  if (conditions.result === false) return { outcome: 'no-match', why: conditions.why, unresolved: [] };
  parts.push(conditions);
  const unknown = parts.filter((x) => x.result === 'unknown');
  if (effectUnknown) unknown.push({ result: 'unknown', why: 'Effect is not known before deployment' });
  if (unknown.length) {
    if (principalMatters && parts[1]?.result === 'unknown') {
      unresolved.push({ statement: c.st, operator: 'Principal', key: 'Principal' });
    }
    if (resource.result === 'unknown') {
      unresolved.push({ statement: c.st, operator: 'Resource', key: 'Resource' });
    }
    return { outcome: 'conditional', why: unknown.map((x) => x.why).join('; '), unresolved };
  }
  return {
    outcome: c.effect === 'Allow' ? 'allows' : 'denies',
    why: parts
      .map((x) => x.why)
      .filter(Boolean)
      .join('; '),
    unresolved,
  };
}

/** Evaluates one set of policies of one kind (see the contract in team/evaluator-api.md). */
export function evaluate(policies: readonly PolicyDoc[], request: Request): Evaluation {
  const p = prepare(request);
  const trace: Trace[] = [];
  const allows: Statement[] = [];
  const maybeAllows: Statement[] = [];
  const denies: Statement[] = [];
  const maybeDenies: Statement[] = [];
  const allowUnresolved: Unresolved[] = [];
  const denyUnresolved: Unresolved[] = [];
  for (const policy of policies) {
    const principalMatters = policy.policyType !== 'identity';
    for (const st of statementsOf(policy)) {
      let c: Compiled;
      let r: ReturnType<typeof evaluateStatement>;
      try {
        c = compile(st);
        r = evaluateStatement(c, p, principalMatters);
      } catch (cause) {
        // A rule that crashes here names this statement (src/engine.ts), not the first input.
        throw tagCrash(cause, st.policy, st.path);
      }
      trace.push({ statement: st, outcome: r.outcome, why: r.why });
      if (r.outcome === 'allows') allows.push(st);
      else if (r.outcome === 'denies') denies.push(st);
      else if (r.outcome === 'conditional') {
        // A statement whose Effect is not known may allow or deny.
        if (c.effect !== 'Deny') {
          maybeAllows.push(st);
          allowUnresolved.push(...r.unresolved);
        }
        if (c.effect !== 'Allow') {
          maybeDenies.push(st);
          denyUnresolved.push(...r.unresolved);
        }
      }
    }
  }
  const result = (
    decision: Decision,
    allowedBy: Statement[],
    deniedBy: Statement[],
    unresolved: Unresolved[],
  ): Evaluation => ({ decision, allowedBy, deniedBy, unresolved, trace });
  if (denies.length) return result('explicit-deny', [], denies, []);
  if (allows.length) {
    return maybeDenies.length
      ? result('conditional', allows, maybeDenies, denyUnresolved)
      : result('allowed', allows, [], []);
  }
  if (maybeAllows.length) {
    return result('conditional', maybeAllows, maybeDenies, [...allowUnresolved, ...denyUnresolved]);
  }
  return result('implicit-deny', [], [], []);
}

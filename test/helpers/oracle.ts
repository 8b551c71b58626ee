/**
 * The differential-test oracle: @cloud-copilot/iam-simulate (AGPL, devDependency, tests and bench only),
 * and the generators shared by the differential tests. Both sides get the same full request context, so
 * every condition resolves: a key missing from the context is known absent to us, as it is to the oracle.
 */
import fc from 'fast-check';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { loadTexts } from '../../src/load/index.js';
import type { PolicyDoc, PolicyType } from '../../src/model.js';
import { evaluate, keyState, type Decision, type Request } from '../../src/iam/evaluate.js';

export const ACCOUNT = '111122223333';
export const OTHER = '444455556666';
const bucket = (name: string, region = 'us-east-1'): string =>
  `arn:aws:s3tables:${region}:${ACCOUNT}:bucket/${name}`;
const table = (b: string, t: string, region = 'us-east-1'): string => `${bucket(b, region)}/table/${t}`;
const role = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${name}`;

export type Json = Record<string, unknown>;

/** Condition keys, their IAM type and the values a request may carry. */
const KEYS: Record<string, { type: string; values: readonly (string | string[])[] }> = {
  'aws:username': { type: 'string', values: ['alice', 'bob', 'src'] },
  'aws:PrincipalTag/team': { type: 'string', values: ['data', 'ops', 'Data'] },
  'aws:RequestedRegion': { type: 'string', values: ['us-east-1', 'us-west-2'] },
  'iam:PassedToService': {
    type: 'string',
    values: ['replication.s3tables.amazonaws.com', 'ec2.amazonaws.com'],
  },
  'aws:SourceIp': { type: 'ip', values: ['203.0.113.7', '10.1.2.3', '2001:db8::1'] },
  'aws:CurrentTime': { type: 'date', values: ['2026-01-02T03:04:05Z', '2025-06-01T00:00:00Z'] },
  'aws:MultiFactorAuthAge': { type: 'number', values: ['300', '3600', '7200'] },
  'aws:SecureTransport': { type: 'bool', values: ['true', 'false'] },
  'aws:SourceArn': {
    type: 'arn',
    values: [bucket('src'), table('src', 't1'), `arn:aws:s3tables:us-west-2:${OTHER}:bucket/x`],
  },
  'aws:TagKeys': { type: 'multi', values: [[], ['team'], ['team', 'env'], ['Env']] },
};
const KEY_NAMES = Object.keys(KEYS);

const STRING_OPS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
];
const OPS_BY_TYPE: Record<string, { ops: string[]; values: string[] }> = {
  string: {
    ops: STRING_OPS,
    values: [
      'alice',
      'src',
      'data',
      'DATA',
      'us-east-1',
      'us-*',
      'replication.s3tables.amazonaws.com',
      'replication.*',
      '*.amazonaws.com',
      'dat?',
      '*',
      '${aws:username}',
      '${aws:PrincipalTag/team}',
      "${aws:PrincipalTag/team, 'data'}",
      'x-${aws:username}-${*}',
    ],
  },
  ip: {
    ops: ['IpAddress', 'NotIpAddress'],
    values: ['203.0.113.0/24', '10.0.0.0/8', '2001:db8::/32', '203.0.113.7/32', '128.0.0.0/1', '::/0'],
  },
  date: {
    ops: [
      'DateEquals',
      'DateNotEquals',
      'DateLessThan',
      'DateLessThanEquals',
      'DateGreaterThan',
      'DateGreaterThanEquals',
    ],
    values: ['2026-01-02T03:04:05Z', '2026-01-01T00:00:00Z', '2025-06-01T00:00:00Z'],
  },
  number: {
    ops: [
      'NumericEquals',
      'NumericNotEquals',
      'NumericLessThan',
      'NumericLessThanEquals',
      'NumericGreaterThan',
      'NumericGreaterThanEquals',
    ],
    values: ['300', '3600', '0', '1000.5'],
  },
  bool: { ops: ['Bool'], values: ['true', 'false'] },
  arn: {
    ops: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
    values: [
      'arn:aws:s3tables:*:*:bucket/*',
      bucket('src'),
      `arn:aws:s3tables:*:${ACCOUNT}:bucket/src/table/*`,
      'arn:aws:s3tables:us-east-1:111122223333:bucket/${aws:username}',
      'arn:aws:s3tables:us-west-?:*:*',
    ],
  },
  multi: { ops: STRING_OPS, values: ['team', 'env', 'Env', 't*', '${aws:username}'] },
};

const conditionEntry = fc.constantFrom(...KEY_NAMES).chain((key) => {
  const spec = OPS_BY_TYPE[KEYS[key]!.type]!;
  return fc
    .record({
      kind: fc.integer({ min: 0, max: 9 }),
      op: fc.constantFrom(...spec.ops),
      set: fc.constantFrom('', '', '', 'ForAnyValue:', 'ForAllValues:'),
      ifExists: fc.boolean(),
      values: fc.uniqueArray(fc.constantFrom(...spec.values), { minLength: 1, maxLength: 3 }),
      nullValue: fc.constantFrom('true', 'false'),
    })
    .map(({ kind, op, set, ifExists, values, nullValue }) => {
      if (kind === 0) return { operator: 'Null', key, values: nullValue as string | string[] };
      const prefix = KEYS[key]!.type === 'multi' && kind < 7 ? set || 'ForAnyValue:' : set;
      const operator = `${prefix}${op}${ifExists && kind % 2 ? 'IfExists' : ''}`;
      return { operator, key, values: values.length === 1 ? values[0]! : values };
    });
});

const condition = fc.array(conditionEntry, { minLength: 1, maxLength: 3 }).map((entries) => {
  const block: Record<string, Record<string, string | string[]>> = {};
  for (const e of entries) (block[e.operator] ??= {})[e.key] = e.values;
  return block;
});

const ACTIONS = [
  '*',
  's3tables:*',
  's3tables:Get*',
  's3tables:*Table',
  's3tables:GetTa?le',
  's3tables:Put*',
  'S3Tables:gettable',
  's3tables:*Replication',
  's3tables:List*',
  's3tables:CreateTable*',
  'iam:PassRole',
  'iam:*',
  'iam:Get*',
  'kms:*',
  'kms:Decrypt',
  'kms:Generate*',
  'logs:Put*',
];

const RESOURCES = [
  '*',
  table('src', 't1'),
  table('src', 'T1'),
  `${bucket('src')}/table/*`,
  `${bucket('src')}/*`,
  bucket('src'),
  `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/*`,
  `arn:aws:s3tables:*:${ACCOUNT}:bucket/src/table/t?`,
  'arn:aws:s3tables:us-east-1:*:*',
  'arn:aws:s3tables:*:*:bucket/*/table/t1',
  `${bucket('src')}*`,
  `arn:aws:s3tables:us-east-1:${OTHER}:bucket/*`,
  `arn:aws:s3tables:us-west-2:${ACCOUNT}:bucket/*`,
  'arn:aws:s3tables:*',
  'arn:aws:*',
  `arn:aws:iam::${ACCOUNT}:role/*`,
  role('R'),
  'arn:aws:iam::*:role/replication-*',
  `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`,
  `arn:aws:kms:*:${ACCOUNT}:key/k1`,
  `${bucket('${aws:username}')}/table/*`,
  `arn:aws:iam::${ACCOUNT}:role/\${aws:PrincipalTag/team}-*`,
  `${bucket('src')}/table/\${*}`,
  `${bucket('src')}/table/t\${?}`,
  `${bucket("${aws:username, 'src'}")}/table/*`,
  // Resource parts with colons: a * that ends a segment extends past them.
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:grp:*`,
  `arn:aws:logs:*:${ACCOUNT}:log-group:*`,
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:grp:log-stream:s?`,
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*:log-stream:s1`,
];

/** Short ARNs (fewer than six fields) in NotResource: a documented disagreement, not generated. */
const NOT_RESOURCES = RESOURCES.filter((r) => r === '*' || r.split(':').length >= 6);

const list = <T>(arb: fc.Arbitrary<T>, max: number): fc.Arbitrary<T | T[]> =>
  fc
    .uniqueArray(arb, { minLength: 1, maxLength: max })
    .chain((xs) => (xs.length === 1 ? fc.constantFrom<T | T[]>(xs[0]!, xs) : fc.constant(xs)));

const PRINCIPALS: unknown[] = [
  '*',
  { AWS: '*' },
  { AWS: role('R') },
  { AWS: ACCOUNT },
  { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  { AWS: role('X', OTHER) },
  { AWS: [role('R'), `arn:aws:iam::${OTHER}:root`] },
  { Service: 'replication.s3tables.amazonaws.com' },
];

const NOT_PRINCIPALS: unknown[] = [
  { AWS: role('R') },
  { AWS: [role('R'), role('X', OTHER)] },
  { AWS: `arn:aws:iam::${OTHER}:root` },
  { Service: 'replication.s3tables.amazonaws.com' },
];

const TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:*', '*', 'sts:AssumeRole*', 's3tables:*'];

export function statement(kind: Kind): fc.Arbitrary<Json> {
  const actions =
    kind === 'identity'
      ? ACTIONS
      : kind === 'trust'
        ? TRUST_ACTIONS
        : ACTIONS.filter((a) => !/^(iam|kms|logs):/.test(a));
  return fc
    .record({
      sid: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      not: fc.integer({ min: 0, max: 5 }),
      actions: list(fc.constantFrom(...actions), 3),
      resources: list(fc.constantFrom(...RESOURCES), 3),
      notResources: list(fc.constantFrom(...NOT_RESOURCES), 3),
      condition: fc.option(condition, { nil: undefined, freq: 2 }),
      principal: fc.constantFrom(...PRINCIPALS),
      notPrincipal: fc.constantFrom(...NOT_PRINCIPALS),
    })
    .map(
      ({ sid, effect, not, actions: a, resources, notResources, condition: c, principal, notPrincipal }) => {
        const st: Json = {};
        if (sid) st['Sid'] = sid;
        st['Effect'] = effect;
        // NotPrincipal only with Deny (IAM's own advice; Allow + NotPrincipal is rejected by validators).
        if (kind !== 'identity' && effect === 'Deny' && not === 2) st['NotPrincipal'] = notPrincipal;
        else if (kind !== 'identity') st['Principal'] = principal;
        st[not === 0 ? 'NotAction' : 'Action'] = a;
        // Trust policies have no Resource.
        if (kind === 'trust') return Object.assign(st, c ? { Condition: c } : {});
        if (not === 1) st['NotResource'] = notResources;
        else st['Resource'] = resources;
        if (c) st['Condition'] = c;
        return st;
      },
    );
}

export const policyJson = (kind: Kind): fc.Arbitrary<Json> =>
  fc
    .array(statement(kind), { minLength: 1, maxLength: 4 })
    .map((Statement) => ({ Version: '2012-10-17', Statement }));

/** Actions and a few concrete resources each accepts (as the oracle's service data has them). */
const TABLES = [
  table('src', 't1'),
  table('src', 't2'),
  table('dst', 't1'),
  table('src', 'T1'),
  table('alice', 't1'),
  table('src', 't1', 'us-west-2'),
];
const BUCKETS = [bucket('src'), bucket('dst'), bucket('alice'), bucket('src', 'us-west-2')];
const ROLES = [role('R'), role('replication-role'), role('data-x'), role('ops-admin')];
const KMS = [`arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`, `arn:aws:kms:us-west-2:${ACCOUNT}:key/k2`];
const LOG_STREAMS = [
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:grp:log-stream:s1`,
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:grp2:log-stream:s1`,
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:grp:log-stream:x:y`,
];
const REQUESTS: [string, string[]][] = [
  ['s3tables:GetTable', TABLES],
  ['s3tables:GetTableData', TABLES],
  ['s3tables:PutTableData', TABLES],
  ['s3tables:DeleteTable', TABLES],
  ['s3tables:PutTableReplication', TABLES],
  ['s3tables:GetTableBucket', BUCKETS],
  ['s3tables:CreateTable', BUCKETS],
  ['s3tables:PutTableBucketReplication', BUCKETS],
  ['s3tables:ListTableBuckets', ['*']],
  ['iam:PassRole', ROLES],
  ['iam:GetRole', ROLES],
  ['kms:Decrypt', KMS],
  ['kms:GenerateDataKey', KMS],
  ['logs:PutLogEvents', LOG_STREAMS],
];

/** Identity policies, a resource policy (table bucket), or a role's trust policy. */
export type Kind = 'identity' | 'resource' | 'trust';

const TRUST_REQUESTS: [string, string[]][] = [
  ['sts:AssumeRole', ROLES],
  ['sts:TagSession', ROLES],
];

export interface OracleRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** Resource policies: who asks (an ARN, or a service principal name). */
  principal?: string;
}

const contextFor = (action: string): fc.Arbitrary<Record<string, string | string[]>> =>
  fc
    .record(
      Object.fromEntries(
        KEY_NAMES.map((k) => [k, fc.option(fc.constantFrom(...KEYS[k]!.values), { freq: 2 })]),
      ),
    )
    .map((values) => {
      const ctx: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(values)) {
        // iam:PassedToService exists only in iam:PassRole requests (the oracle drops it elsewhere).
        if (v === null || (k === 'iam:PassedToService' && action !== 'iam:PassRole')) continue;
        ctx[k] = v as string | string[];
      }
      return ctx;
    });

export function request(kind: Kind): fc.Arbitrary<OracleRequest> {
  const pairs =
    kind === 'identity'
      ? REQUESTS
      : kind === 'trust'
        ? TRUST_REQUESTS
        : REQUESTS.filter(([a]) => a.startsWith('s3tables:'));
  return fc
    .constantFrom(...pairs)
    .chain(([action, resources]) =>
      fc.record({
        action: fc.constant(action),
        resource: fc.constantFrom(...resources),
        context: contextFor(action),
        principal: fc.constantFrom(
          role('R'),
          role('Y'),
          role('X', OTHER),
          'replication.s3tables.amazonaws.com',
        ),
      }),
    )
    .map((r) => (kind === 'identity' ? { ...r, principal: role('R') } : r));
}

/** Our view of the same request: every pool key not in the context is known absent. */
export function ourRequest(r: OracleRequest): Request {
  const out: Request = {
    action: r.action,
    resource: r.resource,
    context: r.context,
    absent: KEY_NAMES.filter((k) => !(k in r.context)),
  };
  if (r.principal) {
    out.principal = r.principal.startsWith('arn:')
      ? { type: 'AWS', id: r.principal }
      : { type: 'Service', id: r.principal };
  }
  return out;
}

export function policyDocs(policies: readonly Json[], type: PolicyType): PolicyDoc[] {
  const model = loadTexts(policies.map((p, i) => ({ name: `p${i}.json`, text: JSON.stringify(p) })));
  if (model.policies.length !== policies.length) {
    throw new Error(`not all policies loaded: ${JSON.stringify(model.problems)}`);
  }
  return model.policies.map((d) => ({ ...d, policyType: type }));
}

export function ours(policies: readonly Json[], type: PolicyType, r: OracleRequest): Decision {
  return evaluate(policyDocs(policies, type), ourRequest(r)).decision;
}

const DECISIONS: Record<string, Decision> = {
  Allowed: 'allowed',
  AllowedForAccount: 'allowed',
  ExplicitlyDenied: 'explicit-deny',
  DeniedForAccount: 'explicit-deny',
  ImplicitlyDenied: 'implicit-deny',
};

/** The oracle's decision for the identity policies (or the resource policy) alone. */
export async function oracle(
  policies: readonly Json[],
  type: Kind,
  r: OracleRequest,
): Promise<Decision | string> {
  const simulation: Simulation = {
    identityPolicies: type === 'identity' ? policies.map((policy, i) => ({ name: `p${i}`, policy })) : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: r.principal ?? role('R'),
      action: r.action,
      resource: { resource: r.resource, accountId: ACCOUNT },
      contextVariables: r.context,
    },
  };
  // A trust policy is the role's resource policy for sts: actions.
  if (type !== 'identity') simulation.resourcePolicy = policies[0];
  const result = await runSimulation(simulation, {});
  if (result.resultType !== 'single') return `oracle ${result.resultType}: ${JSON.stringify(result)}`;
  const analysis = result.result.analysis;
  const raw = type === 'identity' ? analysis.identityAnalysis?.result : analysis.resourceAnalysis?.result;
  return (raw && DECISIONS[raw]) ?? `oracle result ${String(raw)}`;
}

/**
 * How many cases a differential test generates: `full` in the integration suite, a tenth of it in the
 * fast suite (vitest.config.ts sets S3TL_SUITE); `ORACLE_RUNS=<n>` sets the count in both.
 */
export function oracleRuns(full: number): number {
  const set = process.env['ORACLE_RUNS'];
  if (set !== undefined && set !== '') return Number(set);
  return process.env['S3TL_SUITE'] === 'fast' ? Math.ceil(full / 10) : full;
}

/**
 * Runs `runs` generated cases through both evaluators; any disagreement fails with the (shrunk) case.
 * Cases are split over several test files so the suite uses every core.
 */
export async function differential(
  kind: Kind,
  policies: { min: number; max: number },
  runs: number,
): Promise<void> {
  const arb = fc.array(policyJson(kind), { minLength: policies.min, maxLength: policies.max });
  await fc.assert(
    fc.asyncProperty(arb, request(kind), async (p, r) => {
      const expected = await oracle(p, kind, r);
      const actual = ours(p, kind, r);
      if (actual !== expected) {
        const input = JSON.stringify({ policies: p, request: r }, null, 1);
        throw new Error(`disagreement: ours ${actual}, oracle ${expected}\n${input}`);
      }
    }),
    { numRuns: runs },
  );
}

// --- Requests as the replication role's session makes them (replication/context.ts) -----------

/**
 * Keys the role-session context derives (known values or known absent), with the values policies
 * compare them to. Conditions only name these, so every condition resolves on both sides; a key
 * our context leaves unknown for a request (aws:RequestTag/... of s3tables:CreateTable) discards it.
 */
const CALL_KEYS: Record<string, { ops: string[]; values: string[] }> = {
  'aws:PrincipalArn': {
    ops: ['ArnEquals', 'ArnLike', 'ArnNotLike', 'StringEquals', 'StringNotLike'],
    values: [role('R'), `arn:aws:iam::${ACCOUNT}:role/*`, role('X', OTHER), 'arn:aws:iam::*:role/R'],
  },
  'aws:PrincipalAccount': { ops: ['StringEquals', 'StringNotEquals'], values: [ACCOUNT, OTHER] },
  'aws:PrincipalType': { ops: ['StringEquals', 'StringNotEquals'], values: ['AssumedRole', 'User'] },
  'aws:MultiFactorAuthPresent': { ops: ['Bool'], values: ['true', 'false'] },
  'aws:MultiFactorAuthAge': { ops: ['NumericLessThan', 'NumericGreaterThan'], values: ['3600'] },
  'aws:username': { ops: ['StringEquals', 'StringNotEquals', 'StringLike'], values: ['alice', '*'] },
  'aws:RequestedRegion': {
    ops: ['StringEquals', 'StringNotEquals', 'StringLike'],
    values: ['us-east-1', 'us-west-2', 'us-*'],
  },
  'aws:ResourceAccount': { ops: ['StringEquals', 'StringNotEquals'], values: [ACCOUNT, OTHER] },
  'aws:RequestTag/owner': { ops: ['StringEquals', 'StringNotEquals', 'StringLike'], values: ['data', '*'] },
  'aws:TagKeys': { ops: ['StringEquals', 'StringLike'], values: ['owner', '*'] },
  's3tables:KMSKeyArn': { ops: ['ArnLike', 'ArnNotLike'], values: [`arn:aws:kms:*:${ACCOUNT}:key/*`] },
};

const callEntry = fc.constantFrom(...Object.keys(CALL_KEYS)).chain((key) => {
  const spec = CALL_KEYS[key]!;
  return fc
    .record({
      kind: fc.integer({ min: 0, max: 5 }),
      op: fc.constantFrom(...spec.ops),
      set: fc.constantFrom('', '', 'ForAnyValue:', 'ForAllValues:'),
      ifExists: fc.boolean(),
      values: fc.uniqueArray(fc.constantFrom(...spec.values), { minLength: 1, maxLength: 2 }),
      nullValue: fc.constantFrom('true', 'false'),
    })
    .map(({ kind, op, set, ifExists, values, nullValue }) => {
      if (kind === 0) return { operator: 'Null', key, values: nullValue as string | string[] };
      const prefix = key === 'aws:TagKeys' ? set || 'ForAnyValue:' : kind === 1 ? set : '';
      return { operator: `${prefix}${op}${ifExists ? 'IfExists' : ''}`, key, values };
    });
});

const callCondition = fc.array(callEntry, { minLength: 1, maxLength: 3 }).map((entries) => {
  const block: Record<string, Record<string, string | string[]>> = {};
  for (const e of entries) (block[e.operator] ??= {})[e.key] = e.values;
  return block;
});

const callPolicy = fc
  .array(
    fc.record({
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      actions: list(
        fc.constantFrom('s3tables:*', 's3tables:Get*', 's3tables:Put*', 's3tables:CreateTable', '*'),
        2,
      ),
      resources: list(fc.constantFrom('*', `${bucket('src')}/table/*`, 'arn:aws:s3tables:*:*:bucket/*'), 2),
      condition: callCondition,
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((sts) => ({
    Version: '2012-10-17',
    Statement: sts.map((s) => ({
      Effect: s.effect,
      Action: s.actions,
      Resource: s.resources,
      Condition: s.condition,
    })),
  }));

const CALL_REQUESTS: [string, string[]][] = [
  ['s3tables:GetTableData', [table('src', 't1'), table('dst', 't1', 'us-west-2')]],
  ['s3tables:PutTableData', [table('dst', 't1', 'us-west-2')]],
  ['s3tables:CreateTable', [bucket('dst', 'us-west-2')]],
  ['s3tables:ListTables', [bucket('src')]],
];

/**
 * Differential test of the request context: ours is the replication role's session from
 * replication/context.ts (known principal, Region and account of the resource, keys the action
 * never carries and keys a role session never has absent); the oracle gets the same known values
 * and, for every absent key, nothing (which it reads as absent).
 */
export async function differentialCalls(
  call: (action: string, resource: string) => Request,
  runs: number,
): Promise<void> {
  const arb = fc.tuple(
    callPolicy,
    fc
      .constantFrom(...CALL_REQUESTS)
      .chain(([action, resources]) =>
        fc.record({ action: fc.constant(action), resource: fc.constantFrom(...resources) }),
      ),
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([policy, { action, resource }]) => {
      const request = call(action, resource);
      // Every condition key must be known or known absent in our request.
      const keys = (policy.Statement as { Condition: Record<string, Record<string, unknown>> }[]).flatMap(
        (s) => Object.values(s.Condition).flatMap((k) => Object.keys(k)),
      );
      fc.pre(keys.every((k) => keyState(request, k).state !== 'unknown'));
      const context: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(request.context ?? {}))
        context[k] = typeof v === 'string' ? v : [...v];
      const r: OracleRequest = { action, resource, context, principal: role('R') };
      const expected = await oracle([policy], 'identity', r);
      const actual = evaluate(policyDocs([policy], 'identity'), request).decision;
      if (actual !== expected) {
        const input = JSON.stringify({ policy, request: r }, null, 1);
        throw new Error(`disagreement: ours ${actual}, oracle ${expected}\n${input}`);
      }
    }),
    { numRuns: runs },
  );
}

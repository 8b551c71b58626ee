import { describe, expect, it } from 'vitest';
import { loadTexts } from '../src/load/index.js';
import type { PolicyDoc } from '../src/model.js';
import { evaluate, type Request } from '../src/iam/evaluate.js';

const ACCOUNT = '111122223333';
const TABLE = `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/src/table/t1`;
const BUCKET = `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/src`;

/** An identity policy (or, with a Principal in a statement, a resource policy) from statements. */
function policy(statements: unknown[], name = 'p.json'): PolicyDoc {
  const model = loadTexts([{ name, text: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }]);
  const doc = model.policies[0];
  if (!doc) throw new Error(`not a policy: ${JSON.stringify(model.problems)}`);
  return doc;
}

const decide = (statements: unknown[], request: Partial<Request>): string =>
  evaluate([policy(statements)], { action: 's3tables:GetTable', resource: TABLE, ...request }).decision;

describe('evaluate: effects, actions, resources', () => {
  it('allows by a matching Allow, and an explicit Deny wins', () => {
    const allow = { Effect: 'Allow', Action: 's3tables:Get*', Resource: `${BUCKET}/table/*` };
    expect(decide([allow], {})).toBe('allowed');
    expect(decide([allow, { Effect: 'Deny', Action: 's3tables:*', Resource: '*' }], {})).toBe(
      'explicit-deny',
    );
    expect(decide([allow], { action: 's3tables:PutTableData' })).toBe('implicit-deny');
    expect(decide([allow], { resource: BUCKET })).toBe('implicit-deny');
  });

  it('treats NotAction and NotResource as complements', () => {
    const st = { Effect: 'Allow', NotAction: 's3tables:Delete*', Resource: '*' };
    expect(decide([st], {})).toBe('allowed');
    expect(decide([st], { action: 's3tables:DeleteTable' })).toBe('implicit-deny');
    const deny = { Effect: 'Deny', Action: 's3tables:*', NotResource: `${BUCKET}/table/*` };
    expect(decide([st, deny], {})).toBe('allowed');
    expect(decide([st, deny], { resource: BUCKET })).toBe('explicit-deny');
  });

  it('is case-insensitive for actions and case-sensitive for ARNs', () => {
    const st = { Effect: 'Allow', Action: 'S3TABLES:gettable', Resource: `${BUCKET}/table/T1` };
    expect(decide([st], { resource: `${BUCKET}/table/T1` })).toBe('allowed');
    expect(decide([st], {})).toBe('implicit-deny');
  });

  it('needs an Allow to cover a requested pattern, a Deny only to overlap it', () => {
    const narrow = { Effect: 'Allow', Action: 's3tables:GetTable', Resource: `${BUCKET}/table/a*` };
    const wide = { Effect: 'Allow', Action: 's3tables:GetTable', Resource: `${BUCKET}/*` };
    const pattern = `${BUCKET}/table/*`;
    expect(decide([narrow], { resource: pattern })).toBe('implicit-deny');
    expect(decide([wide], { resource: pattern })).toBe('allowed');
    const deny = { Effect: 'Deny', Action: 's3tables:GetTable', Resource: `${BUCKET}/table/secret` };
    expect(decide([wide, deny], { resource: pattern })).toBe('explicit-deny');
  });
});

describe('evaluate: conditions', () => {
  const passRole = {
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: '*',
    Condition: { StringEquals: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' } },
  };
  const req = { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/R` };

  it('resolves from the context, keys case-insensitive; unknown keys make it conditional', () => {
    expect(
      decide([passRole], {
        ...req,
        context: { 'IAM:passedtoservice': 'replication.s3tables.amazonaws.com' },
      }),
    ).toBe('allowed');
    expect(decide([passRole], { ...req, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } })).toBe(
      'implicit-deny',
    );
    const e = evaluate([policy([passRole])], { ...req });
    expect(e.decision).toBe('conditional');
    expect(e.unresolved).toMatchObject([{ operator: 'StringEquals', key: 'iam:PassedToService' }]);
    expect(e.allowedBy).toHaveLength(1);
  });

  it('a conditional Deny makes an Allow conditional, never an explicit deny', () => {
    const allow = { Effect: 'Allow', Action: 's3tables:*', Resource: '*' };
    const deny = {
      Effect: 'Deny',
      Action: 's3tables:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const e = evaluate([policy([allow, deny])], { action: 's3tables:GetTable', resource: TABLE });
    expect(e.decision).toBe('conditional');
    expect(e.deniedBy).toHaveLength(1);
    expect(decide([allow, deny], { context: { 'aws:SecureTransport': 'true' } })).toBe('allowed');
    expect(decide([allow, deny], { context: { 'aws:SecureTransport': 'false' } })).toBe('explicit-deny');
  });

  it('handles IfExists, Null, negated operators and absent keys', () => {
    const st = (cond: unknown): unknown => ({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: cond,
    });
    const absent = { absent: ['aws:SourceVpc'] };
    expect(decide([st({ StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } })], absent)).toBe('allowed');
    expect(decide([st({ StringEquals: { 'aws:SourceVpc': 'vpc-1' } })], absent)).toBe('implicit-deny');
    expect(decide([st({ StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } })], absent)).toBe('allowed');
    expect(decide([st({ Null: { 'aws:SourceVpc': 'true' } })], absent)).toBe('allowed');
    expect(decide([st({ Null: { 'aws:SourceVpc': 'true' } })], {})).toBe('conditional');
    expect(
      decide([st({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } })], {
        absent: ['aws:TagKeys'],
      }),
    ).toBe('allowed');
    expect(
      decide([st({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } })], {
        context: { 'aws:TagKeys': [] },
      }),
    ).toBe('implicit-deny');
    expect(
      decide([st({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } })], {
        context: { 'aws:TagKeys': ['a', 'c'] },
      }),
    ).toBe('implicit-deny');
    expect(
      decide([st({ StringEquals: { 'aws:TagKeys': 'a' } })], { context: { 'aws:TagKeys': ['a'] } }),
    ).toBe('implicit-deny');
    expect(decide([st({ StringEqualz: { 'aws:x': 'a' } })], { context: { 'aws:x': 'a' } })).toBe(
      'conditional',
    );
  });

  it('evaluates IP, numeric, date, ARN and Bool operators', () => {
    const st = (cond: unknown): unknown => ({ Effect: 'Allow', Action: '*', Resource: '*', Condition: cond });
    const ctx = {
      'aws:SourceIp': '203.0.113.7',
      'aws:MultiFactorAuthAge': '300',
      'aws:CurrentTime': '2026-01-02T03:04:05Z',
      'aws:SourceArn': `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/src`,
    };
    const ok = (cond: unknown): string => decide([st(cond)], { context: ctx });
    expect(ok({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })).toBe('allowed');
    expect(ok({ NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } })).toBe('implicit-deny');
    expect(ok({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } })).toBe('implicit-deny');
    expect(ok({ StringLike: { 'aws:SourceArn': 'arn:aws:s3tables:us-east-?:*' } })).toBe('allowed');
    expect(ok({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })).toBe('allowed');
    expect(ok({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } })).toBe('allowed');
    expect(ok({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3tables:*:*:bucket/*' } })).toBe('allowed');
    expect(ok({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3tables:*:*:bucket/*' } })).toBe('implicit-deny');
  });

  it('resolves policy variables in resources, else leaves them unresolved', () => {
    const st = {
      Effect: 'Allow',
      Action: 'iam:GetUser',
      Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`,
    };
    const r = { action: 'iam:GetUser', resource: `arn:aws:iam::${ACCOUNT}:user/alice` };
    expect(decide([st], { ...r, context: { 'aws:username': 'alice' } })).toBe('allowed');
    expect(decide([st], { ...r, context: { 'aws:username': 'bob' } })).toBe('implicit-deny');
    expect(decide([st], r)).toBe('conditional');
    expect(decide([st], { ...r, absent: ['aws:username'] })).toBe('implicit-deny');
  });
});

describe('evaluate: resource and trust policies', () => {
  const trust = {
    Effect: 'Allow',
    Principal: { Service: 'replication.s3tables.amazonaws.com' },
    Action: 'sts:AssumeRole',
  };
  it('matches principals and accepts statements without Resource', () => {
    const doc = policy([trust]);
    const asTrust: PolicyDoc = { ...doc, policyType: 'trust' };
    const req = { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/R` };
    expect(
      evaluate([asTrust], {
        ...req,
        principal: { type: 'Service', id: 'replication.s3tables.amazonaws.com' },
      }).decision,
    ).toBe('allowed');
    expect(
      evaluate([asTrust], { ...req, principal: { type: 'Service', id: 'ec2.amazonaws.com' } }).decision,
    ).toBe('implicit-deny');
    expect(evaluate([asTrust], req).decision).toBe('conditional');
  });
  it('treats an account principal as any principal of that account', () => {
    const doc = policy([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 's3tables:*',
        Resource: '*',
      },
    ]);
    const res: PolicyDoc = { ...doc, policyType: 'resource' };
    const ask = (id: string): string =>
      evaluate([res], { action: 's3tables:GetTable', resource: TABLE, principal: { type: 'AWS', id } })
        .decision;
    expect(ask(`arn:aws:iam::${ACCOUNT}:role/R`)).toBe('allowed');
    expect(ask('arn:aws:iam::444455556666:role/R')).toBe('implicit-deny');
  });
});

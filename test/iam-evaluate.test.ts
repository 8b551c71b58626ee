import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

describe('evaluate: edge cases', () => {
  const any = (cond: unknown): unknown => ({
    Effect: 'Allow',
    Action: '*',
    Resource: '*',
    Condition: cond,
  });

  it('treats "*" as the resource of actions without resource types, not as every resource', () => {
    const allow = { Effect: 'Allow', Action: 's3tables:List*', Resource: '*' };
    const deny = { Effect: 'Deny', Action: 's3tables:*', Resource: `${BUCKET}*` };
    const req = { action: 's3tables:ListTableBuckets', resource: '*' };
    expect(decide([allow, deny], req)).toBe('allowed');
    expect(decide([{ ...allow, Resource: `${BUCKET}` }], req)).toBe('implicit-deny');
  });

  it('reads variables literally without Version 2012-10-17', () => {
    const st = { Effect: 'Allow', Action: '*', Resource: `${BUCKET}/table/\${aws:username}` };
    const doc = loadTexts([{ name: 'v.json', text: JSON.stringify({ Statement: [st] }) }]).policies[0]!;
    const ask = (resource: string): string =>
      evaluate([doc], { action: 's3tables:GetTable', resource, context: { 'aws:username': 't1' } }).decision;
    expect(ask(TABLE)).toBe('implicit-deny');
    expect(ask(`${BUCKET}/table/\${aws:username}`)).toBe('allowed');
  });

  it('resolves variables in condition values, with defaults, and never from multivalued keys', () => {
    const st = any({ StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } });
    expect(decide([st], { context: { 'aws:PrincipalTag/team': 'x', 'aws:username': 'x' } })).toBe('allowed');
    expect(decide([st], { context: { 'aws:PrincipalTag/team': 'x' } })).toBe('conditional');
    expect(decide([st], { context: { 'aws:PrincipalTag/team': 'x', 'aws:username': ['x'] } })).toBe(
      'implicit-deny',
    );
    const dflt = any({ StringEquals: { 'aws:PrincipalTag/team': "${aws:username, 'x'}" } });
    expect(decide([dflt], { context: { 'aws:PrincipalTag/team': 'x' }, absent: ['aws:username'] })).toBe(
      'allowed',
    );
  });

  it('supports set operators with negated base operators and BinaryEquals', () => {
    const ctx = { context: { 'aws:TagKeys': ['team', 'env'], 'kms:x': 'QmluYXJ5' } };
    expect(decide([any({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'team' } })], ctx)).toBe('allowed');
    expect(decide([any({ 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['team', 'x'] } })], ctx)).toBe(
      'implicit-deny',
    );
    expect(decide([any({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['*'] } })], ctx)).toBe('allowed');
    expect(decide([any({ BinaryEquals: { 'kms:x': 'QmluYXJ5' } })], ctx)).toBe('allowed');
    expect(decide([any({ BinaryEquals: { 'kms:x': 'other' } })], ctx)).toBe('implicit-deny');
  });

  it('compares IPv6 addresses as numbers, embedded IPv4 included', () => {
    const ip = (cidr: string, addr: string): string =>
      decide([any({ IpAddress: { 'aws:SourceIp': cidr } })], { context: { 'aws:SourceIp': addr } });
    expect(ip('2001:db8::/32', '2001:0db8:0:0:0:0:0:1')).toBe('allowed');
    expect(ip('::ffff:0:0/96', '::ffff:203.0.113.7')).toBe('allowed');
    expect(ip('0.0.0.0/0', '203.0.113.7')).toBe('allowed');
    expect(ip('10.0.0.0/8', 'not-an-ip')).toBe('implicit-deny');
  });

  it('applies NotResource to a requested pattern as IAM would: Allow must exclude all of it', () => {
    const pattern = `${BUCKET}/table/*`;
    const allow = { Effect: 'Allow', Action: '*', NotResource: `${BUCKET}/table/secret` };
    expect(decide([allow], { resource: pattern })).toBe('implicit-deny');
    expect(decide([allow], { resource: `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/dst/table/*` })).toBe(
      'allowed',
    );
    const deny = { Effect: 'Deny', Action: '*', NotResource: `${BUCKET}/table/a*` };
    const all = { Effect: 'Allow', Action: '*', Resource: '*' };
    expect(decide([all, deny], { resource: pattern })).toBe('explicit-deny');
    expect(decide([all, deny], { resource: `${BUCKET}/table/ab*` })).toBe('allowed');
  });

  it('explains every statement and lists what is unresolved', () => {
    const e = evaluate(
      [
        policy([
          { Sid: 'Read', Effect: 'Allow', Action: 's3tables:Get*', Resource: `${BUCKET}/table/*` },
          { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'data' } },
          },
        ]),
      ],
      { action: 's3tables:GetTable', resource: TABLE },
    );
    expect(e.decision).toBe('conditional');
    expect(e.trace.map((t) => t.outcome)).toEqual(['allows', 'no-match', 'conditional']);
    expect(e.trace[0]!.why).toBe(`Action s3tables:Get* matches; Resource ${BUCKET}/table/* matches ${TABLE}`);
    expect(e.trace[1]!.why).toBe('Action does not match s3tables:GetTable');
    expect(e.unresolved).toMatchObject([{ operator: 'StringNotEquals', key: 'aws:PrincipalTag/team' }]);
    expect(e.allowedBy.map((s) => s.sid)).toEqual(['Read']);
  });
});

describe('evaluate: principals', () => {
  const res = (statement: unknown): PolicyDoc => ({ ...policy([statement]), policyType: 'resource' });
  const ask = (doc: PolicyDoc, type: 'AWS' | 'Service', id: string): string =>
    evaluate([doc], { action: 's3tables:GetTable', resource: TABLE, principal: { type, id } }).decision;
  const role = `arn:aws:iam::${ACCOUNT}:role/path/R`;

  it('matches a role and its sessions, services case-insensitively, and NotPrincipal as complement', () => {
    const byRole = res({ Effect: 'Allow', Principal: { AWS: role }, Action: '*', Resource: '*' });
    expect(ask(byRole, 'AWS', role)).toBe('allowed');
    expect(ask(byRole, 'AWS', `arn:aws:sts::${ACCOUNT}:assumed-role/R/session-1`)).toBe('allowed');
    expect(ask(byRole, 'AWS', `arn:aws:sts::${ACCOUNT}:assumed-role/Other/s`)).toBe('implicit-deny');
    expect(ask(byRole, 'Service', 'R')).toBe('implicit-deny');
    const svc = res({
      Effect: 'Allow',
      Principal: { Service: 'Replication.S3Tables.amazonaws.com' },
      Action: '*',
      Resource: '*',
    });
    expect(ask(svc, 'Service', 'replication.s3tables.amazonaws.com')).toBe('allowed');
    const deny = policy([
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
      { Effect: 'Deny', NotPrincipal: { AWS: role }, Action: '*', Resource: '*' },
    ]);
    const both: PolicyDoc = { ...deny, policyType: 'resource' };
    expect(ask(both, 'AWS', role)).toBe('allowed');
    expect(ask(both, 'AWS', `arn:aws:iam::${ACCOUNT}:role/Other`)).toBe('explicit-deny');
  });

  it('ignores Principal in identity policies and requires it in resource policies', () => {
    const st = { Effect: 'Allow', Action: '*', Resource: '*' };
    expect(ask(res(st), 'AWS', role)).toBe('implicit-deny');
    const identity: PolicyDoc = {
      ...policy([{ ...st, Principal: { AWS: 'nobody' } }]),
      policyType: 'identity',
    };
    expect(ask(identity, 'AWS', role)).toBe('allowed');
  });
});

describe('evaluate: robustness', () => {
  it('never throws on malformed statements, conditions or requests', () => {
    const field = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('*', 's3tables:*', '${aws:username}', 'arn:aws:s3tables:*:*:bucket/${x}/*'),
    );
    const statement = fc.record(
      {
        Effect: fc.oneof(fc.constantFrom('Allow', 'Deny'), field),
        Action: field,
        NotAction: field,
        Resource: field,
        NotResource: field,
        Principal: field,
        NotPrincipal: field,
        Condition: fc.dictionary(
          fc.constantFrom('StringLike', 'ForAllValues:IpAddress', 'Null', 'DateEquals', 'Bogus'),
          fc.dictionary(fc.constantFrom('aws:a', 'aws:B'), field),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(statement, { maxLength: 3 }),
        fc.constantFrom('identity', 'resource', 'trust'),
        fc.string(),
        fc.dictionary(
          fc.constantFrom('aws:a', 'AWS:b', 'aws:username'),
          fc.oneof(fc.string(), fc.array(fc.string())),
        ),
        (statements, type, resource, context) => {
          const doc: PolicyDoc = {
            ...policy([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
            data: { Version: '2012-10-17', Statement: statements },
            policyType: type as PolicyDoc['policyType'],
          };
          const e = evaluate([doc], {
            action: 's3tables:GetTable',
            resource,
            context,
            principal: { type: 'AWS', id: resource },
          });
          expect(['allowed', 'explicit-deny', 'implicit-deny', 'conditional']).toContain(e.decision);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('evaluate: request objects', () => {
  it('reads the context afresh on every call (callers may reuse and change one object)', () => {
    const st = {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } },
    };
    const context: Record<string, string> = { 'aws:PrincipalTag/team': 'data' };
    const absent: string[] = [];
    const doc = policy([st]);
    const ask = (): string =>
      evaluate([doc], { action: 's3tables:GetTable', resource: TABLE, context, absent }).decision;
    expect(ask()).toBe('allowed');
    context['aws:PrincipalTag/team'] = 'ops';
    expect(ask()).toBe('implicit-deny');
    delete context['aws:PrincipalTag/team'];
    expect(ask()).toBe('conditional');
    absent.push('aws:PrincipalTag/team');
    expect(ask()).toBe('implicit-deny');
  });
});

/** The request context of each call (replication/context.ts), key types, and the service-segment decision. */
import { describe, expect, it } from 'vitest';
import { evaluate, keyState, wildcardService } from '../src/iam/evaluate.js';
import { operatorMismatch } from '../src/iam/keytypes.js';
import { link } from '../src/link.js';
import { loadTexts } from '../src/load/index.js';
import type { PolicyDoc } from '../src/model.js';
import { callsOf, describeKeys, neverCarried, requestFor } from '../src/replication/context.js';

const ROLE = 'arn:aws:iam::111122223333:role/R';
const SRC = 'arn:aws:s3tables:us-east-1:111122223333:bucket/src';
const DST = 'arn:aws:s3tables:us-west-2:444455556666:bucket/dst';

function makeSetup(level: 'bucket' | 'table' = 'bucket', extra: { name: string; text: string }[] = []) {
  const source = level === 'bucket' ? { tableBucketARN: SRC } : { tableArn: `${SRC}/table/t1` };
  const replication = {
    ...source,
    configuration: { role: ROLE, rules: [{ destinations: [{ destinationTableBucketARN: DST }] }] },
  };
  const model = link(loadTexts([{ name: 'r.json', text: JSON.stringify(replication) }, ...extra]));
  const s = model.setups[0];
  if (!s) throw new Error('no setup');
  return { model, setup: s };
}

function policy(statement: unknown): PolicyDoc {
  const doc = loadTexts([
    { name: 'p.json', text: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) },
  ]).policies[0];
  if (!doc) throw new Error('not a policy');
  return doc;
}

describe('the role session', () => {
  const { model, setup } = makeSetup();
  const role = callsOf(model, setup).role!;
  const write = requestFor(role, 's3tables:PutTableData', `${DST}/table/t1`);
  const read = requestFor(role, 's3tables:GetTableData', `${SRC}/table/t1`);

  it('knows the principal, and the Region and account of the resource called', () => {
    expect(keyState(write, 'aws:PrincipalArn')).toEqual({ state: 'value', value: ROLE });
    expect(keyState(write, 'AWS:PrincipalAccount')).toEqual({ state: 'value', value: '111122223333' });
    expect(keyState(write, 'aws:RequestedRegion')).toEqual({ state: 'value', value: 'us-west-2' });
    expect(keyState(read, 'aws:RequestedRegion')).toEqual({ state: 'value', value: 'us-east-1' });
    expect(keyState(write, 'aws:ResourceAccount')).toEqual({ state: 'value', value: '444455556666' });
    expect(keyState(write, 'aws:MultiFactorAuthPresent')).toEqual({ state: 'value', value: 'false' });
  });

  it('has no MFA age, no username, no source ARN; the source IP and the org stay unknown', () => {
    for (const k of ['aws:MultiFactorAuthAge', 'aws:username', 'aws:SourceArn', 'aws:CalledVia'])
      expect(keyState(write, k).state).toBe('absent');
    for (const k of ['aws:SourceIp', 'aws:PrincipalOrgID', 'aws:SourceVpce', 'aws:PrincipalTag/team'])
      expect(keyState(write, k).state).toBe('unknown');
  });

  it('leaves aws:ViaAWSService and aws:CalledVia unknown on the KMS calls (S3 Tables may make them)', () => {
    const kms = requestFor(role, 'kms:Decrypt', 'arn:aws:kms:us-east-1:111122223333:key/k');
    expect(keyState(kms, 'aws:ViaAWSService').state).toBe('unknown');
    expect(keyState(kms, 'aws:CalledVia').state).toBe('unknown');
    expect(keyState(write, 'aws:ViaAWSService')).toEqual({ state: 'value', value: 'false' });
    expect(keyState(write, 'aws:CalledVia').state).toBe('absent');
  });

  it('carries no key an action can never carry (service data), and keeps cross-service keys possible', () => {
    expect(neverCarried('s3tables:PutTableData', 'aws:requesttag/team')).toBe(true);
    expect(neverCarried('s3tables:PutTableData', 's3tables:kmskeyarn')).toBe(true);
    expect(neverCarried('s3tables:CreateTable', 'aws:requesttag/team')).toBe(false);
    expect(neverCarried('s3tables:CreateTable', 's3tables:kmskeyarn')).toBe(false);
    expect(neverCarried('s3tables:PutTableData', 'ec2:sourceinstancearn')).toBe(false);
    expect(keyState(write, 'aws:RequestTag/team').state).toBe('absent');
  });

  it('decides absent keys as IAM does: Null, IfExists, ForAllValues, ForAnyValue, negated operators', () => {
    const on = (condition: unknown) =>
      evaluate([policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition })], write)
        .decision;
    expect(on({ Null: { 'aws:RequestTag/team': 'true' } })).toBe('allowed');
    expect(on({ StringEqualsIfExists: { 'aws:RequestTag/team': 'x' } })).toBe('allowed');
    expect(on({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'x' } })).toBe('allowed');
    expect(on({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'x' } })).toBe('implicit-deny');
    expect(on({ StringNotEquals: { 'aws:MultiFactorAuthAge': '1' } })).toBe('allowed');
    expect(on({ StringEquals: { 'aws:MultiFactorAuthAge': '1' } })).toBe('implicit-deny');
    expect(on({ StringEquals: { 'aws:SourceIp': '1' } })).toBe('conditional');
  });
});

describe('the trust evaluation and the caller', () => {
  it('sends the source account and, for bucket level, the source bucket; no external ID, no MFA', () => {
    const { model, setup: s } = makeSetup();
    const r = requestFor(callsOf(model, s).service, 'sts:AssumeRole', ROLE);
    expect(r.principal).toEqual({ type: 'Service', id: 'replication.s3tables.amazonaws.com' });
    expect(keyState(r, 'aws:SourceAccount')).toEqual({ state: 'value', value: '111122223333' });
    expect(keyState(r, 'aws:SourceArn')).toEqual({ state: 'value', value: SRC });
    for (const k of [
      'sts:ExternalId',
      'aws:MultiFactorAuthPresent',
      'aws:PrincipalOrgID',
      'aws:PrincipalTag/x',
    ])
      expect(keyState(r, k).state).toBe('absent');
  });

  it('leaves the table-level aws:SourceArn unknown', () => {
    const { model, setup: s } = makeSetup('table');
    const r = requestFor(callsOf(model, s).service, 'sts:AssumeRole', ROLE);
    expect(keyState(r, 'aws:SourceArn').state).toBe('unknown');
  });

  it("calls in the source's Region; iam:PassRole too, with the service it passes the role to", () => {
    const { model, setup: s } = makeSetup();
    const caller = callsOf(model, s).caller;
    const r = requestFor(caller, 'iam:PassRole', ROLE, {
      region: 'us-east-1',
      context: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' },
    });
    expect(keyState(r, 'aws:RequestedRegion')).toEqual({ state: 'value', value: 'us-east-1' });
    expect(keyState(r, 'aws:PrincipalArn').state).toBe('unknown');
  });
});

describe('stated context', () => {
  it('fills what stays unknown; null states a key absent; derived values win', () => {
    const { model, setup: s } = makeSetup();
    model.context = {
      all: { 'aws:PrincipalOrgID': 'o-abc' },
      role: {
        'aws:PrincipalTag/team': 'data',
        'aws:PrincipalArn': 'arn:aws:iam::1:role/Other',
        'aws:SourceVpce': null,
      },
    };
    const role = callsOf(model, s).role!;
    const r = requestFor(role, 's3tables:PutTableData', `${DST}/table/t1`);
    expect(keyState(r, 'aws:PrincipalOrgID')).toEqual({ state: 'value', value: 'o-abc' });
    expect(keyState(r, 'aws:PrincipalTag/team')).toEqual({ state: 'value', value: 'data' });
    expect(keyState(r, 'aws:PrincipalArn')).toEqual({ state: 'value', value: ROLE });
    expect(keyState(r, 'aws:SourceVpce').state).toBe('absent');
    // The service principal has no organization: a stated aws:PrincipalOrgID does not reach it.
    const trust = requestFor(callsOf(model, s).service, 'sts:AssumeRole', ROLE);
    expect(keyState(trust, 'aws:PrincipalOrgID').state).toBe('absent');
  });
});

describe('operators against key types', () => {
  it('names a family that does not compare the key type', () => {
    expect(operatorMismatch('NumericEquals', 'aws:PrincipalAccount')).toMatchObject({
      type: 'String',
      never: false,
    });
    expect(operatorMismatch('ForAnyValue:DateLessThanIfExists', 'aws:SourceIp')).toMatchObject({
      type: 'IPAddress',
      never: true,
    });
    expect(operatorMismatch('DateLessThan', 'aws:MultiFactorAuthAge')).toMatchObject({ never: false });
    expect(operatorMismatch('StringEquals', 'aws:SourceIp')).toBeUndefined();
    expect(operatorMismatch('Null', 'aws:SourceIp')).toBeUndefined();
    expect(operatorMismatch('ArnLike', 'aws:PrincipalArn')).toBeUndefined();
    expect(operatorMismatch('NumericEquals', 'example:unknown')).toBeUndefined();
  });
});

describe('a wildcard in the service segment', () => {
  it('names no resource, unless the segment is * alone', () => {
    expect(wildcardService('arn:aws:s3*:us-east-1:111122223333:bucket/src')).toBe(true);
    expect(wildcardService('arn:aws:s3table?:*:*:*')).toBe(true);
    expect(wildcardService('arn:aws:*')).toBe(false);
    expect(wildcardService('arn:aws:*:*:111122223333:*')).toBe(false);
    expect(wildcardService('arn:aws:s3tables:*:*:*')).toBe(false);
    expect(wildcardService('*')).toBe(false);
    const table = `${SRC}/table/t1`;
    const decide = (st: unknown) =>
      evaluate([policy(st)], { action: 's3tables:GetTable', resource: table }).decision;
    expect(decide({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3*:*:*:*' })).toBe('implicit-deny');
    expect(decide({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:*' })).toBe('allowed');
    // A NotResource entry that names nothing excludes nothing.
    expect(decide({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3*:*:*:*' })).toBe('allowed');
  });
});

describe('--explain key states', () => {
  it('names each key once: a known value, absent or unknown', () => {
    const { model, setup: s } = makeSetup();
    const r = requestFor(callsOf(model, s).role!, 's3tables:PutTableData', `${DST}/table/t1`);
    expect(
      describeKeys(r, ['aws:RequestedRegion', 'aws:RequestTag/a', 'aws:SourceIp', 'aws:requestedregion']),
    ).toEqual(['aws:RequestedRegion = us-west-2 (known)', 'aws:RequestTag/a absent', 'aws:SourceIp unknown']);
  });
});

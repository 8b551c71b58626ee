import { describe, expect, it } from 'vitest';
import { loadTexts } from '../src/load/index.js';
import { statementsOf } from '../src/iam/policy.js';
import { matchAction } from '../src/iam/wildcard.js';

describe('matchAction', () => {
  it('is case-insensitive and treats * and ? as IAM does', () => {
    expect(matchAction('s3tables:Get*', 's3tables:GetTableData')).toBe(true);
    expect(matchAction('S3TABLES:gettable', 's3tables:GetTable')).toBe(true);
    expect(matchAction('s3tables:Get?able', 's3tables:GetTable')).toBe(true);
    expect(matchAction('s3tables:Get?able', 's3tables:GetTableData')).toBe(false);
    expect(matchAction('*', 'iam:PassRole')).toBe(true);
    expect(matchAction('s3tables:*Replication', 's3tables:PutTableBucketReplication')).toBe(true);
    expect(matchAction('s3tables:Put.Table', 's3tables:PutxTable')).toBe(false);
  });
});

describe('statementsOf', () => {
  it('normalises single values and keeps each value’s path', () => {
    const model = loadTexts([
      {
        name: 'p.json',
        text: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iam:PassRole',
              Resource: ['a', 7, 'b'],
              Condition: { Bool: { 'aws:x': true } },
            },
            'junk',
            { Effect: 'Deny', NotAction: ['s3tables:*'], Principal: { AWS: '*' } },
          ],
        }),
      },
    ]);
    const [first, second] = statementsOf(model.policies[0]!);
    expect(first?.action).toEqual([{ value: 'iam:PassRole', path: ['Statement', 0, 'Action'] }]);
    expect(first?.resource?.map((r) => r.path)).toEqual([
      ['Statement', 0, 'Resource', 0],
      ['Statement', 0, 'Resource', 2],
    ]);
    expect(first?.condition).toEqual([
      {
        operator: 'Bool',
        key: 'aws:x',
        values: [{ value: 'true', path: ['Statement', 0, 'Condition', 'Bool', 'aws:x'] }],
        path: ['Statement', 0, 'Condition', 'Bool', 'aws:x'],
      },
    ]);
    expect(second).toMatchObject({ index: 2, effect: 'Deny', principal: { any: true } });
  });
});

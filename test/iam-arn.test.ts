import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketArnOf,
  explainArn,
  formatArn,
  modelAccepts,
  parseArn,
  partitionOfRegion,
  type ArnKind,
} from '../src/iam/arn.js';

const KINDS: ArnKind[] = ['table-bucket', 'table', 'role'];

// Strings built from ARN-ish pieces hit the interesting branches far more often than random text.
const piece = fc.constantFrom(
  'arn',
  'ARN',
  'aws',
  'aws-cn',
  'aws-foo',
  'AWS',
  's3tables',
  's3',
  'iam',
  'sts',
  'us-east-1',
  'cn-north-1',
  'us-east',
  '',
  '111122223333',
  '1111',
  'bucket/analytics',
  'bucket/ab',
  'bucket/Analytics',
  'bucket/my_bucket',
  'bucket/-x-',
  'bucket/aws-x',
  'bucket/analytics/table/t1',
  'bucket/analytics/table/ns/t',
  'role/R',
  'role/service-role/R',
  'role/',
  'user/u',
  'assumed-role/R/s',
  ' ',
  '\n',
  '/',
  'x',
);
const arnish = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(':'));
// Six fields, each mostly valid: values the model accepts come up often too.
const field = (...values: string[]) => fc.oneof(fc.constantFrom(...values), piece);
const shaped = fc
  .tuple(
    field('arn'),
    field('aws', 'aws-cn', 'aws-iso-b'),
    field('s3tables', 'iam'),
    field('us-east-1', '', 'cn-north-1'),
    field('111122223333'),
    field('bucket/analytics', 'bucket/analytics/table/t1', 'role/R', 'role/p/R'),
  )
  .map((parts) => parts.join(':'));
const anyValue = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), arnish, shaped);

describe('parseArn', () => {
  it('never throws and round-trips every string it accepts', () => {
    fc.assert(
      fc.property(anyValue, (s) => {
        const arn = parseArn(s);
        if (arn) expect(formatArn(arn)).toBe(s);
        else expect(s.startsWith('arn:') && s.split(':').length >= 6).toBe(false);
      }),
    );
  });

  it('parses what formatArn builds', () => {
    const field = fc.string().filter((s) => !s.includes(':'));
    fc.assert(
      fc.property(
        field,
        field,
        field,
        field,
        fc.string(),
        (partition, service, region, account, resource) => {
          const arn = { partition, service, region, account, resource };
          expect(parseArn(formatArn(arn))).toEqual(arn);
        },
      ),
    );
  });

  it('keeps colons in the resource', () => {
    expect(parseArn('arn:aws:logs:us-east-1:111122223333:log-group:x:*')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'us-east-1',
      account: '111122223333',
      resource: 'log-group:x:*',
    });
    expect(parseArn('arn:aws:iam::111122223333')).toBeUndefined();
  });
});

describe('explainArn', () => {
  it('never throws; reports an error exactly when the API model rejects the value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), anyValue, (kind, value) => {
        const problems = explainArn(kind, value);
        expect(problems.some((p) => p.level === 'error')).toBe(!modelAccepts(kind, value));
        for (const p of problems) expect(p.message).not.toBe('');
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts the User Guide shapes', () => {
    expect(explainArn('table-bucket', 'arn:aws:s3tables:us-east-2:111122223333:bucket/analytics')).toEqual(
      [],
    );
    expect(explainArn('table', 'arn:aws-cn:s3tables:cn-north-1:111122223333:bucket/b12/table/t_1-X')).toEqual(
      [],
    );
    expect(explainArn('role', 'arn:aws:iam::111122223333:role/S3TablesReplicationRole')).toEqual([]);
    expect(explainArn('role', 'arn:aws-us-gov:iam::111122223333:role/service-role/a/R+=,.@-_')).toEqual([]);
  });

  it('says precisely what is wrong with a table bucket ARN, one message per problem', () => {
    const e = (v: string) => explainArn('table-bucket', v).map((p) => `${p.level}: ${p.message}`);
    expect(e('arn:aws:s3tables:us-west-2:111122223333:bucket/replica/table/orders')).toEqual([
      'error: is a table ARN, not a table bucket ARN; use the bucket\'s ARN "arn:aws:s3tables:us-west-2:111122223333:bucket/replica"',
    ]);
    expect(e('arn:aws:s3:us-west-2:111122223333:bucket/replica')).toEqual([
      'warning: has the service "s3"; S3 Tables ARNs use "s3tables"',
    ]);
    expect(e('arn:aws:s3tables:cn-north-1:1111-2222-3333:bucket/My.Bucket')).toEqual([
      'warning: has the region "cn-north-1", which is in the partition "aws-cn", not "aws"',
      'error: has the account id "1111-2222-3333"; write it as 12 digits without separators (111122223333)',
      'error: has a bucket name with the characters "M" "." "B"; table bucket names use lower-case letters, digits and "-"',
    ]);
    expect(e('arn:aws:s3tables::111122223333:bucket/aws_x-')).toEqual([
      'warning: has no region; a table bucket always has one, e.g. us-east-1',
      'warning: has a bucket name with "_"; table bucket names cannot contain underscores',
      'warning: has the bucket name "aws_x-"; it must begin and end with a letter or digit',
      'warning: has the bucket name "aws_x-", which starts with the reserved prefix "aws"',
    ]);
    expect(e('arn:aws-foo:s3tables:us-east-1:111122223333:bucket/ab')).toEqual([
      'warning: has the partition "aws-foo", which is not an AWS partition; use one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc',
      'error: has the bucket name "ab" (2 characters); table bucket names have 3 to 63',
    ]);
    expect(explainArn('table-bucket', ' arn:aws:s3tables:us-east-1:111122223333:bucket/abc')).toEqual([
      {
        level: 'error',
        message: 'has white space around it; use "arn:aws:s3tables:us-east-1:111122223333:bucket/abc"',
        fix: 'arn:aws:s3tables:us-east-1:111122223333:bucket/abc',
      },
    ]);
    expect(e('analytics')).toEqual([
      'error: is not an ARN: expected arn:<partition>:s3tables:<region>:<account-id>:bucket/<bucket-name>',
    ]);
  });

  it('says precisely what is wrong with a table ARN', () => {
    const e = (v: string) => explainArn('table', v).map((p) => `${p.level}: ${p.message}`);
    expect(e('arn:aws:s3tables:us-east-1:111122223333:bucket/analytics')).toEqual([
      'error: names a table bucket, not a table; append /table/<table-id> (arn:<partition>:s3tables:<region>:<account-id>:bucket/<bucket-name>/table/<table-id>)',
    ]);
    expect(e('arn:aws:s3tables:us-east-1:111122223333:bucket/analytics/table/sales/orders')).toEqual([
      'error: has "sales/orders" after /table/; a table ARN ends with one table id (the namespace is not part of it)',
    ]);
    expect(e('arn:aws:s3tables:us-east-1:111122223333:table/example-table')).toEqual([
      'error: has the resource "table/example-table"; it must start with "bucket/" (arn:<partition>:s3tables:<region>:<account-id>:bucket/<bucket-name>/table/<table-id>)',
    ]);
  });

  it('says precisely what is wrong with a role ARN and derives the fix', () => {
    const e = (v: string) => explainArn('role', v).map((p) => [p.level, p.message, p.fix]);
    expect(e('arn:aws:iam:us-east-1:111122223333:role/R')).toEqual([
      ['error', 'has the region "us-east-1"; IAM ARNs have none (iam::)', 'arn:aws:iam::111122223333:role/R'],
    ]);
    expect(e('arn:aws:sts::111122223333:assumed-role/R/session')).toEqual([
      [
        'error',
        'is an assumed-role session ARN; use the role\'s ARN "arn:aws:iam::111122223333:role/R" (with its path, if it has one)',
        'arn:aws:iam::111122223333:role/R',
      ],
    ]);
    expect(e('arn:aws:iam::111122223333:user/alice')).toEqual([
      [
        'error',
        'names a user, not a role; configuration.role must be an IAM role ARN (arn:<partition>:iam::<account-id>:role/<role-name>)',
        undefined,
      ],
    ]);
    expect(e('S3TablesReplicationRole')).toEqual([
      ['error', 'is not an ARN: expected arn:<partition>:iam::<account-id>:role/<role-name>', undefined],
    ]);
    expect(e('role: arn:aws:iam::111122223333:role/R ')).toEqual([
      [
        'warning',
        'has text around the role ARN; use "arn:aws:iam::111122223333:role/R"',
        'arn:aws:iam::111122223333:role/R',
      ],
    ]);
    expect(e('arn:aws:iam::111122223333:role/has space')).toEqual([
      [
        'warning',
        'has a role name with the character " "; IAM role names use letters, digits and +=,.@_-',
        undefined,
      ],
    ]);
  });
});

describe('helpers', () => {
  it('bucketArnOf strips the table part', () => {
    expect(bucketArnOf('arn:aws:s3tables:us-east-1:111122223333:bucket/a/table/t')).toBe(
      'arn:aws:s3tables:us-east-1:111122223333:bucket/a',
    );
    expect(bucketArnOf('arn:aws:s3tables:us-east-1:111122223333:bucket/a')).toBe(
      'arn:aws:s3tables:us-east-1:111122223333:bucket/a',
    );
    expect(bucketArnOf('arn:aws:iam::111122223333:role/R')).toBeUndefined();
  });

  it('partitionOfRegion knows each partition', () => {
    expect(partitionOfRegion('us-east-1')).toBe('aws');
    expect(partitionOfRegion('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-isob-east-1')).toBe('aws-iso-b');
    expect(partitionOfRegion('eusc-de-east-1')).toBe('aws-eusc');
    expect(partitionOfRegion('mars-1')).toBeUndefined();
  });
});

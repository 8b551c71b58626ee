import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsError } from '../src/aws/port.js';
import { createSdkPort, type SdkPort } from '../src/aws/sdk.js';
import { FakeAws, loadWorld, TEST_CREDENTIALS, type FakeOptions, type World } from './helpers/fake-aws.js';
import { ROOT } from './helpers/cases.js';

const ACCOUNT = loadWorld(join(ROOT, 'fixtures/aws/account'));
const SALES = 'arn:aws:s3tables:us-east-2:777788889999:bucket/sales';
const ANALYTICS = 'arn:aws:s3tables:us-east-2:777788889999:bucket/analytics';
const CLICKS = `${ANALYTICS}/table/tbl-clicks-0003`;

let fake: FakeAws | undefined;
let port: SdkPort | undefined;
afterEach(async () => {
  port?.close();
  await fake?.close();
  fake = port = undefined;
});

async function start(world: World = ACCOUNT, options: FakeOptions = {}) {
  fake = await FakeAws.start(world, options);
  port = await createSdkPort({
    region: 'us-east-2',
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 3,
  });
  return { fake, port };
}

describe('the SDK port against the loopback fake', () => {
  it('reads S3 Tables over the REST-JSON routes', async () => {
    const { fake, port } = await start();
    const buckets = await port.listTableBuckets('us-east-2');
    // The Region's buckets of the caller's account: not analytics-replica (us-west-2) nor sales-replica.
    expect(buckets.map((b) => b.name)).toEqual(['sales', 'analytics']);
    expect(buckets[0]).toMatchObject({ arn: SALES, ownerAccountId: '777788889999', type: 'customer' });
    expect(buckets[0]?.createdAt).toBe('2026-09-01T10:00:00.000Z');

    const tables = await port.listTables(ANALYTICS);
    expect(tables.map((t) => [t.namespace, t.name, t.tableARN])).toEqual([
      [['web'], 'clicks', CLICKS],
      [['web'], 'sessions', `${ANALYTICS}/table/tbl-sessions-0004`],
    ]);

    expect(await port.getTableBucketReplication(SALES)).toEqual({
      versionToken: 'bucket-v7',
      configuration: {
        role: 'arn:aws:iam::777788889999:role/SalesReplicationRole',
        rules: [
          {
            destinations: [
              { destinationTableBucketARN: 'arn:aws:s3tables:us-east-2:222233334444:bucket/sales-replica' },
            ],
          },
        ],
      },
    });
    // No configuration is a 404, which the port reads as "none".
    expect(await port.getTableBucketReplication(ANALYTICS)).toBeUndefined();
    expect((await port.getTableReplication(CLICKS))?.versionToken).toBe('table-v2');
    expect(await port.getTableReplicationStatus(CLICKS)).toEqual({
      sourceTableArn: CLICKS,
      destinations: [
        {
          replicationStatus: 'pending',
          destinationTableBucketArn: 'arn:aws:s3tables:us-west-2:777788889999:bucket/analytics-replica',
        },
      ],
    });
    expect(await port.getTableBucketEncryption(SALES)).toEqual({ sseAlgorithm: 'AES256' });
    expect(await port.getTableBucketEncryption(ANALYTICS)).toBeUndefined();
    expect(await port.getTableBucketPolicy(SALES)).toBeUndefined();
    const replicaPolicy = await port.getTableBucketPolicy(
      'arn:aws:s3tables:us-east-2:222233334444:bucket/sales-replica',
    );
    expect(JSON.parse(replicaPolicy ?? '')).toHaveProperty('Statement');
    const replica = await port.getTable(
      'arn:aws:s3tables:us-east-2:222233334444:bucket/sales-replica/table/tbl-orders-r001',
    );
    expect(replica.replicaOf).toBe(`${SALES}/table/tbl-orders-0001`);

    // The wire: query keys as the model names them (tableBucketARN vs tableArn), ARNs in the path.
    const paths = fake.requests.map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
    expect(paths).toContain('GET /buckets');
    expect(paths).toContain(`GET /tables/${ANALYTICS}`);
    expect(paths).toContain(`GET /table-bucket-replication?tableBucketARN=${SALES}`);
    expect(paths).toContain(`GET /table-replication?tableArn=${CLICKS}`);
    expect(paths).toContain(`GET /replication-status?tableArn=${CLICKS}`);
    expect(paths).toContain(`GET /buckets/${SALES}/encryption`);
  });

  it('follows continuation tokens', async () => {
    const { fake, port } = await start(ACCOUNT, { pageSize: 1 });
    expect((await port.listTableBuckets('us-east-2')).length).toBe(2);
    expect((await port.listTables(SALES)).length).toBe(2);
    expect(fake.counts().get('s3tables:ListTableBuckets')).toBe(2);
    expect(fake.counts().get('s3tables:ListTables')).toBe(2);
  });

  it('reads IAM and STS over the query protocol', async () => {
    const { port } = await start();
    expect(await port.getCallerIdentity()).toEqual({
      account: '777788889999',
      arn: 'arn:aws:sts::777788889999:assumed-role/Deployer/ci-session',
      userId: 'AROADEPLOYER:ci-session',
    });
    const role = await port.getRole('SalesReplicationRole');
    expect(role.Arn).toBe('arn:aws:iam::777788889999:role/SalesReplicationRole');
    expect(role.PermissionsBoundary?.PermissionsBoundaryArn).toBe(
      'arn:aws:iam::777788889999:policy/ReplicationBoundary',
    );
    // URL-encoded, as the IAM API returns documents.
    expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? ''))).toHaveProperty('Statement');
    expect(await port.listRolePolicies('SalesReplicationRole')).toEqual(['S3TablesReplication']);
    const inline = await port.getRolePolicy('SalesReplicationRole', 'S3TablesReplication');
    expect(JSON.parse(decodeURIComponent(inline)).Statement.length).toBe(4);
    const attached = await port.listAttachedRolePolicies('SalesReplicationRole');
    expect(attached).toEqual([
      {
        PolicyName: 'ReplicationMonitoring',
        PolicyArn: 'arn:aws:iam::777788889999:policy/ReplicationMonitoring',
      },
    ]);
    const policy = await port.getPolicy('arn:aws:iam::777788889999:policy/ReplicationMonitoring');
    expect(policy.DefaultVersionId).toBe('v3');
    const version = await port.getPolicyVersion(policy.Arn, 'v3');
    expect(version.IsDefaultVersion).toBe(true);
    expect(JSON.parse(decodeURIComponent(version.Document)).Statement[0].Sid).toBe('ReadStatus');
  });

  it('sends SimulatePrincipalPolicy with context entries and reads the decisions', async () => {
    const world: World = {
      ...ACCOUNT,
      simulations: [
        {
          action: 'iam:PassRole',
          decision: 'allowed',
          requireContext: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' },
        },
        {
          action: 's3tables:PutTableBucketReplication',
          decision: 'explicitDeny',
          allowedByOrganizations: false,
        },
        { action: 's3tables:GetTable', decision: 'allowed', missingContextValues: ['aws:SourceVpc'] },
      ],
    };
    const { port } = await start(world);
    const passRole = await port.simulatePrincipalPolicy({
      policySourceArn: 'arn:aws:iam::777788889999:role/Deployer',
      actions: ['iam:PassRole'],
      resources: ['arn:aws:iam::777788889999:role/SalesReplicationRole'],
      context: [
        {
          ContextKeyName: 'iam:PassedToService',
          ContextKeyValues: ['replication.s3tables.amazonaws.com'],
          ContextKeyType: 'string',
        },
      ],
    });
    expect(passRole).toMatchObject([
      {
        action: 'iam:PassRole',
        decision: 'allowed',
        resource: 'arn:aws:iam::777788889999:role/SalesReplicationRole',
      },
    ]);
    const rest = await port.simulatePrincipalPolicy({
      policySourceArn: 'arn:aws:iam::777788889999:role/Deployer',
      actions: ['s3tables:PutTableBucketReplication', 's3tables:GetTable', 'iam:PassRole'],
      resources: [SALES],
    });
    expect(rest.map((r) => [r.action, r.decision, r.missingContextValues, r.allowedByOrganizations])).toEqual(
      [
        ['s3tables:PutTableBucketReplication', 'explicitDeny', [], false],
        ['s3tables:GetTable', 'allowed', ['aws:SourceVpc'], undefined],
        // Without the context entry the seeded Allow does not hold.
        ['iam:PassRole', 'implicitDeny', [], undefined],
      ],
    );
  });

  it('turns 403 and 404 into typed errors naming the operation and resource', async () => {
    const world: World = {
      ...ACCOUNT,
      faults: [
        { action: 's3tables:GetTableBucketPolicy', resource: SALES, status: 403 },
        { action: 'iam:GetRole', resource: 'SalesReplicationRole', status: 403 },
      ],
    };
    const { port } = await start(world);
    const denied = await port.getTableBucketPolicy(SALES).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AwsError);
    expect(denied).toMatchObject({
      kind: 'access-denied',
      code: 'AccessDeniedException',
      operation: 'GetTableBucketPolicy',
      resource: SALES,
    });
    expect(await port.getRole('SalesReplicationRole').catch((e: unknown) => e)).toMatchObject({
      kind: 'access-denied',
      code: 'AccessDenied',
    });
    expect(
      await port
        .getTableBucket('arn:aws:s3tables:us-east-2:777788889999:bucket/nope')
        .catch((e: unknown) => e),
    ).toMatchObject({
      kind: 'not-found',
      code: 'NotFoundException',
    });
    expect(await port.getRole('Nope').catch((e: unknown) => e)).toMatchObject({ kind: 'not-found' });
  });

  it('retries throttling (adaptive mode) and reports it when it lasts', async () => {
    const world: World = {
      ...ACCOUNT,
      faults: [
        { action: 's3tables:GetTableBucket', resource: SALES, status: 429, times: 2 },
        { action: 'iam:ListRolePolicies', status: 429, times: 2 },
        { action: 's3tables:GetTableBucket', resource: ANALYTICS, status: 429 },
      ],
    };
    const { fake, port } = await start(world);
    expect((await port.getTableBucket(SALES)).name).toBe('sales');
    expect(await port.listRolePolicies('SalesReplicationRole')).toEqual(['S3TablesReplication']);
    expect(fake.counts().get('s3tables:GetTableBucket')).toBe(3);
    expect(fake.counts().get('iam:ListRolePolicies')).toBe(3);
    const lasting = await port.getTableBucket(ANALYTICS).catch((e: unknown) => e);
    expect(lasting).toMatchObject({ kind: 'throttled', code: 'TooManyRequestsException' });
    // maxAttempts 3: three for SALES, three for ANALYTICS.
    expect(fake.counts().get('s3tables:GetTableBucket')).toBe(6);
  }, 30_000);
});

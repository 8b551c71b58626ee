import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_OPERATIONS } from '../src/aws/port.js';
import { FakeAws, loadWorld, type FakeOptions, type World } from './helpers/fake-aws.js';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/cases.js';

const ACCOUNT = loadWorld(join(ROOT, 'fixtures/aws/account'));
const INPUTS = join(ROOT, 'fixtures/aws/dry-run');

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function dryRun(
  paths: string[],
  world: World = ACCOUNT,
  options: FakeOptions = {},
  args: string[] = [],
) {
  fake = await FakeAws.start(world, options);
  const run = await runCli(['dry-run', '--endpoint-url', fake.url, ...args, ...paths], {
    env: { AWS_REGION: 'us-east-2' },
  });
  return { ...run, fake };
}

/** Finding lines of one input file. */
const of = (stdout: string, file: string): string[] =>
  stdout.split('\n').filter((l) => l.startsWith(`fixtures/aws/dry-run/${file}/replication.json:`));

describe('s3tables-lint dry-run against the loopback fake', () => {
  it('passes a configuration that matches the account (PassRole simulated with iam:PassedToService)', async () => {
    const { status, stdout, stderr } = await dryRun(['fixtures/aws/dry-run/current']);
    expect(stderr).toBe('');
    // The seeded PassRole Allow holds only with the context entry: no caller finding means it was sent.
    expect(of(stdout, 'current')).toEqual([]);
    // The real role was linted like a file: its KMS gap on the destination key is a warning.
    expect(stdout).toMatch(/aws:\/\/777788889999\/iam\/roles\.json:\d+:\d+ warning kms-permissions/);
    expect(status).toBe(0);
  });

  it('reports a stale versionToken, an overwrite, missing resources and the caller verdicts', async () => {
    const { status, stdout } = await dryRun([INPUTS]);
    expect(status).toBe(1);
    expect(of(stdout, 'stale')).toEqual([
      expect.stringMatching(
        /^fixtures\/aws\/dry-run\/stale\/replication\.json:3:19 error version-token versionToken "bucket-v6" is not the current one \("bucket-v7"\)/,
      ),
    ]);
    const overwrite = of(stdout, 'overwrite').join('\n');
    expect(overwrite).toMatch(
      /warning version-token .* this PUT has no versionToken .* add "versionToken": "table-v2"/,
    );
    expect(overwrite).toMatch(
      /:2:15 error caller-simulation denied: arn:aws:iam::777788889999:role\/ci\/Deployer calling s3tables:PutTableReplication .*none of its policies allows it/,
    );
    expect(overwrite).toMatch(
      /:4:13 note caller-simulation inconclusive: .* iam:PassRole .* aws:ResourceTag\/team left empty/,
    );
    expect(overwrite).toMatch(/:4:13 error aws-resource-missing role ClicksReplicationRole does not exist/);
    const missing = of(stdout, 'missing').join('\n');
    expect(missing).toMatch(
      /:2:15 error aws-resource-missing arn:aws:s3tables:us-east-2:777788889999:bucket\/analytics\/table\/tbl-gone-0009 does not exist \(GetTable: NotFoundException\), so the PUT would fail/,
    );
    expect(missing).toMatch(
      /:9:42 error aws-resource-missing destination table bucket .*no-such-bucket does not exist/,
    );
    expect(missing).toMatch(/error caller-simulation denied: .* a service control policy denies it/);
  });

  it('maps an assumed-role session to its role ARN (with its path) for the simulation', async () => {
    const { fake } = await dryRun(['fixtures/aws/dry-run/current']);
    const sims = fake.requests.filter((r) => r.action === 'iam:SimulatePrincipalPolicy');
    expect(sims.length).toBeGreaterThan(0);
    expect(new Set(sims.map((r) => r.resource))).toEqual(
      new Set(['arn:aws:iam::777788889999:role/ci/Deployer']),
    );
  });

  it('says the verdict is inconclusive when the caller cannot be simulated (root)', async () => {
    const world: World = {
      ...ACCOUNT,
      caller: { Account: '777788889999', Arn: 'arn:aws:iam::777788889999:root' },
    };
    const { stdout, fake } = await dryRun(['fixtures/aws/dry-run/current'], world);
    expect(of(stdout, 'current')).toEqual([
      expect.stringMatching(
        /:2:21 note caller-simulation inconclusive: the caller's permissions were not simulated: the account root user cannot be simulated/,
      ),
    ]);
    expect(fake.requests.some((r) => r.action === 'iam:SimulatePrincipalPolicy')).toBe(false);
  });

  it('turns AccessDenied on a read into a finding and goes on', async () => {
    const world: World = {
      ...ACCOUNT,
      faults: [{ action: 's3tables:GetTableBucketReplication', status: 403 }],
    };
    const { stdout } = await dryRun(['fixtures/aws/dry-run/stale'], world);
    expect(stdout).toMatch(
      /warning aws-read-error GetTableBucketReplication on arn:aws:s3tables:us-east-2:777788889999:bucket\/sales was denied/,
    );
    // The token could not be compared: no version-token finding, no guess.
    expect(stdout).not.toMatch(/version-token/);
  });

  it('rejects inputs without a replication configuration', async () => {
    const { status, stderr, fake } = await dryRun(['examples/table-level/role.json']);
    expect(status).toBe(2);
    expect(stderr).toBe(
      's3tables-lint: no replication configuration in examples/table-level/role.json to check against AWS\n',
    );
    expect(fake.requests).toEqual([]);
  });
});

describe('the AWS commands never send a mutating request', () => {
  const allowed = new Set<string>(READ_OPERATIONS);
  const faults: World['faults'] = [
    { action: 's3tables:GetTableBucketPolicy', status: 403 },
    { action: 'iam:GetRole', resource: 'SalesReplicationRole', status: 404 },
    { action: 's3tables:GetTableReplication', status: 429, times: 1 },
  ];
  const scenarios: [string, World, FakeOptions][] = [
    ['healthy', ACCOUNT, {}],
    ['faults', { ...ACCOUNT, faults }, {}],
    ['throttled', ACCOUNT, { throttleRate: 0.05, seed: 3 }],
    ['paged', ACCOUNT, { pageSize: 1 }],
  ];
  for (const [name, world, options] of scenarios) {
    it(`${name}: audit and dry-run send reads only`, async () => {
      const d = await dryRun([INPUTS], world, options);
      expect(d.status).not.toBe(2);
      const dryActions = d.fake.requests.map((r) => r.action);
      await d.fake.close();
      fake = await FakeAws.start(world, options);
      const a = await runCli(['audit', '--region', 'us-east-2', '--endpoint-url', fake.url]);
      expect(a.status).not.toBe(2);
      const all = [...dryActions, ...fake.requests.map((r) => r.action)];
      expect(all.length).toBeGreaterThan(20);
      expect(all.filter((x) => !allowed.has(x))).toEqual([]);
      expect(all.every((x) => /^(s3tables|iam|sts):(Get|List|Simulate)/.test(x))).toBe(true);
    }, 60_000);
  }
});

describe('hostile dry-run and audit records', () => {
  it('values of the wrong type are shown, never crash a rule', async () => {
    const { lintTexts } = await import('../src/lint.js');
    const source = 'arn:aws:s3tables:us-east-2:111122223333:bucket/sales';
    const replication = {
      tableBucketARN: source,
      configuration: {
        role: 'arn:aws:iam::111122223333:role/R',
        rules: [
          {
            destinations: [{ destinationTableBucketARN: 'arn:aws:s3tables:us-west-2:111122223333:bucket/d' }],
          },
        ],
      },
    };
    const record = {
      s3tablesLintDryRun: {
        input: 'replication.json',
        source,
        caller: { arn: { not: 'a string' } },
        current: {
          versionToken: { t: 1 },
          configuration: { role: { arn: 'x' }, rules: [{ destinations: [7] }] },
        },
        simulations: [
          { action: ['iam:PassRole'], resource: { r: 1 }, decision: 5, missingContextValues: 'x' },
        ],
        errors: [{ operation: 1, resource: null, kind: 'access-denied' }, 'not an entry'],
      },
    };
    const status = {
      sourceTableArn: `${source}/table/t`,
      destinations: [null, { replicationStatus: 'failed', failureMessage: {} }],
    };
    const result = await lintTexts([
      { name: 'replication.json', text: JSON.stringify(replication) },
      { name: 'dry-run.json', text: JSON.stringify(record) },
      { name: 'status.json', text: JSON.stringify(status) },
    ]);
    expect(result.crashed).toBe(false);
    expect(result.findings.filter((f) => f.ruleId === 'rule-error')).toEqual([]);
    expect(result.findings.map((f) => f.ruleId)).toContain('version-token');
    expect(result.findings.map((f) => f.ruleId)).toContain('aws-read-error');
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_OPERATIONS } from '../src/aws/port.js';
import { FakeAws, loadWorld, type FakeOptions, type World } from './helpers/fake-aws.js';
import { runCli } from './helpers/run-cli.js';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/cases.js';

const ACCOUNT = loadWorld(join(ROOT, 'fixtures/aws/account'));
const REPLICA = 'arn:aws:s3tables:us-east-2:222233334444:bucket/sales-replica';

let fake: FakeAws | undefined;
const temps: string[] = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 's3tables-lint-audit-'));
  temps.push(dir);
  return dir;
};

async function audit(
  args: string[] = [],
  world: World = ACCOUNT,
  options: FakeOptions = {},
  env: NodeJS.ProcessEnv = {},
) {
  fake = await FakeAws.start(world, options);
  const run = await runCli(['audit', '--region', 'us-east-2', '--endpoint-url', fake.url, ...args], { env });
  return { ...run, fake };
}

/** `file:line:col level rule message` lines without the file names (they differ between modes). */
const findings = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((l) => / (error|warning|note) [a-z-]+ /.test(l))
    .map((l) => l.replace(/^\S+ /, '').replace(/as of [0-9TZ:.-]+/, 'as of <audit time>'))
    .sort();

describe('s3tables-lint audit against the loopback fake', () => {
  it('reads the account, lints what it read, and reports live failures', async () => {
    const { status, stdout, stderr, fake } = await audit();
    expect(stderr).toBe('');
    expect(status).toBe(1);
    // The failed table, with AWS's own failure message.
    expect(stdout).toMatch(
      /aws:\/\/777788889999\/us-east-2\/buckets\/sales\/tables\/retail\/events\/replication-status\.json:\d+:\d+ error replication-status .*failed: "Access denied: the replication role cannot call s3tables:CreateTable/,
    );
    // Never completed: a note.
    expect(stdout).toMatch(
      /clicks\/replication-status\.json:\d+:\d+ note replication-status .* pending and has never completed/,
    );
    // The role a table-level configuration names does not exist: located on that configuration's role.
    expect(stdout).toMatch(
      /aws:\/\/777788889999\/us-east-2\/buckets\/analytics\/tables\/web\/clicks\/replication\.json:5:13 error aws-resource-missing role ClicksReplicationRole does not exist/,
    );
    // The offline rules ran on the fetched role: the destination's KMS key is not granted.
    expect(stdout).toMatch(
      /aws:\/\/777788889999\/iam\/roles\.json:\d+:\d+ warning kms-permissions role SalesReplicationRole/,
    );
    // A completed table is not a finding.
    expect(stdout).not.toContain('tbl-orders-0001 to');

    // Reads only, each resource once.
    const allowed = new Set<string>(READ_OPERATIONS);
    expect(fake.requests.filter((r) => !allowed.has(r.action))).toEqual([]);
    const keys = fake.requests.map((r) => `${r.action} ${r.resource}`);
    expect(keys.length).toBe(new Set(keys).size);
    // Replicas (managed by the service) are not asked for a configuration of their own.
    expect(keys.some((k) => k.includes('tbl-orders-r001'))).toBe(false);
  });

  it("the role's real permissions boundary is linted: one without the KMS actions is a policy-guardrails error", async () => {
    const world: World = structuredClone(ACCOUNT);
    const boundary = world.policies?.find((p) => p.PolicyName === 'ReplicationBoundary');
    if (!boundary) throw new Error('fixture: no boundary');
    boundary.Document = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3tables:*', Resource: '*' }],
    };
    const { stdout } = await audit([], world);
    expect(stdout).toMatch(
      /aws:\/\/777788889999\/iam\/roles\.json:\d+:\d+ error policy-guardrails the permissions boundary of role SalesReplicationRole .* does not allow .*kms:Encrypt/,
    );
  });

  it('--save writes the documents per account and Region, and the main command lints them unchanged', async () => {
    const dir = temp();
    const { status, stdout, stderr } = await audit(['--save', dir]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/saved \d+ documents under/);
    const expected = [
      '777788889999/audit.json',
      '777788889999/iam/roles.json',
      '777788889999/us-east-2/buckets/sales/replication.json',
      '777788889999/us-east-2/buckets/sales/encryption.json',
      '777788889999/us-east-2/buckets/sales/tables/retail/events/replication-status.json',
      '777788889999/us-east-2/buckets/analytics/tables/web/clicks/replication.json',
      '222233334444/us-east-2/buckets/sales-replica/policy.json',
      '222233334444/us-east-2/buckets/sales-replica/encryption.json',
    ];
    for (const f of expected) expect(existsSync(join(dir, f)), f).toBe(true);
    // The AWS CLI shapes: a Put request with the current version token, decoded policies.
    const replication = JSON.parse(readFileSync(join(dir, expected[2] as string), 'utf8'));
    expect(replication).toMatchObject({
      tableBucketARN: 'arn:aws:s3tables:us-east-2:777788889999:bucket/sales',
      versionToken: 'bucket-v7',
    });
    const roles = JSON.parse(readFileSync(join(dir, expected[1] as string), 'utf8'));
    expect(roles.RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Principal.Service).toBe(
      'replication.s3tables.amazonaws.com',
    );
    expect(roles.RoleDetailList[0].PermissionsBoundary.PermissionsBoundaryArn).toMatch(
      /ReplicationBoundary$/,
    );
    expect(roles.Policies.map((p: { PolicyName: string }) => p.PolicyName)).toEqual([
      'ReplicationBoundary',
      'ReplicationMonitoring',
    ]);
    // Findings point at the saved files.
    expect(stdout).toContain(
      `${dir}/777788889999/us-east-2/buckets/sales/tables/retail/events/replication-status.json`.replace(
        `${dir}/`,
        '',
      ),
    );

    // Offline, later: the same findings, no AWS.
    const offline = cli([dir]);
    expect(offline.status).toBe(1);
    expect(findings(offline.stdout)).toEqual(findings(stdout));
  });

  it('SARIF names what was read by aws:// URIs without --save, by relative file URIs with it', async () => {
    const virtual = await audit(['-f', 'sarif']);
    const uris = (out: string): string[] =>
      (
        JSON.parse(out) as {
          runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
        }
      ).runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri ?? '') ?? [];
    expect(uris(virtual.stdout)).toContain(
      'aws://777788889999/us-east-2/buckets/sales/tables/retail/events/replication-status.json',
    );
    await fake?.close();
    const dir = temp();
    const saved = await audit(['-f', 'sarif', '--save', dir], ACCOUNT, {}, {});
    expect(uris(saved.stdout).every((u) => !u.startsWith('aws:') && !u.startsWith('/'))).toBe(true);
  });

  it('--region repeats: each Region is listed, and a listed destination is not asked for again', async () => {
    const dir = temp();
    const { status, fake } = await audit(['--region', 'us-west-2', '--save', dir]);
    expect(status).toBe(1);
    const listings = fake.requests.filter((r) => r.action === 's3tables:ListTableBuckets');
    expect(listings.length).toBe(2);
    // analytics-replica (us-west-2) came from the listing: only the other account's bucket is asked for.
    expect(
      fake.requests.filter((r) => r.action === 's3tables:GetTableBucket').map((r) => r.resource),
    ).toEqual(['arn:aws:s3tables:us-east-2:222233334444:bucket/sales-replica']);
    const record = JSON.parse(readFileSync(join(dir, '777788889999/audit.json'), 'utf8'));
    expect(record.s3tablesLintAudit.regions).toEqual(['us-east-2', 'us-west-2']);
    expect(record.s3tablesLintAudit.counts.buckets).toBe(3);
  });

  it('--regions all audits the Regions the account has enabled (account:ListRegions), once', async () => {
    const dir = temp();
    fake = await FakeAws.start({ ...ACCOUNT, enabledRegions: ['us-east-2', 'us-west-2'] });
    const run = await runCli(['audit', '--regions', 'all', '--endpoint-url', fake.url, '--save', dir]);
    expect(run.stderr).toMatch(/^s3tables-lint: saved \d+ documents under /);
    expect(run.status).toBe(1);
    expect(fake.requests.filter((r) => r.action === 'account:ListRegions')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.action === 's3tables:ListTableBuckets')).toHaveLength(2);
    const record = JSON.parse(readFileSync(join(dir, '777788889999/audit.json'), 'utf8'));
    expect(record.s3tablesLintAudit.regions).toEqual(['us-east-2', 'us-west-2']);
  });

  it('refuses a --save directory that is not empty (it never overwrites)', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'keep.json'), '{}');
    const { status, stderr, fake } = await audit(['--save', dir]);
    expect(status).toBe(2);
    expect(stderr).toBe(
      `s3tables-lint: --save ${dir}: the directory is not empty; an audit writes into a new or empty one\n`,
    );
    expect(fake.requests).toEqual([]);
    expect(readFileSync(join(dir, 'keep.json'), 'utf8')).toBe('{}');
  });

  it('reports AccessDenied and lasting throttling per resource and goes on', async () => {
    const world: World = {
      ...ACCOUNT,
      faults: [
        { action: 's3tables:GetTableBucketPolicy', resource: REPLICA, status: 403 },
        { action: 'iam:GetRolePolicy', status: 429 },
      ],
    };
    // AWS_MAX_ATTEMPTS (read by the SDK) keeps the lasting throttling short.
    const { status, stdout } = await audit(['--concurrency', '4'], world, {}, { AWS_MAX_ATTEMPTS: '2' });
    expect(status).toBe(1);
    expect(stdout).toMatch(
      /aws:\/\/777788889999\/audit\.json:\d+:\d+ warning aws-read-error GetTableBucketPolicy on arn:aws:s3tables:us-east-2:222233334444:bucket\/sales-replica was denied \(AccessDeniedException\), so it was not checked; allow s3tables:GetTableBucketPolicy/,
    );
    expect(stdout).toMatch(
      /warning aws-read-error GetRolePolicy on SalesReplicationRole\/S3TablesReplication was still throttled/,
    );
    // Everything else was still read and linted.
    expect(stdout).toMatch(/error replication-status/);
    expect(stdout).toMatch(/error aws-resource-missing/);
  }, 60_000);

  it('survives 10% throttled responses with the same findings', async () => {
    const clean = await audit();
    await fake?.close();
    const throttled = await audit([], ACCOUNT, { throttleRate: 0.1, seed: 7 });
    expect(throttled.fake.requests.some((r) => r.status === 429 || r.status === 400)).toBe(true);
    expect(findings(throttled.stdout)).toEqual(findings(clean.stdout));
  }, 60_000);

  it('stops with one line when the caller cannot be identified', async () => {
    const world: World = { ...ACCOUNT, faults: [{ action: 'sts:GetCallerIdentity', status: 403 }] };
    const { status, stdout, stderr } = await audit([], world);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^s3tables-lint: cannot read AWS: GetCallerIdentity failed: AccessDenied: .*\n$/);
  });

  it('rejects bad flags with a usage error before calling AWS', async () => {
    for (const [args, message] of [
      [['--concurrency', '0'], '--concurrency must be a whole number from 1 to 256; got "0"'],
      [['--region', 'mars'], '--region: not a Region name: "mars"'],
      [['--regions', 'some'], '--regions takes "all" (every enabled Region); got "some"'],
      [['--regions', 'all'], '--regions all and --region cannot be used together'],
      [['x.json'], 'audit takes no paths (see s3tables-lint audit --help)'],
    ] as const) {
      const { status, stderr, fake } = await audit([...args]);
      expect(status).toBe(2);
      expect(stderr).toBe(`s3tables-lint: ${message}\n`);
      expect(fake.requests).toEqual([]);
      await fake.close();
    }
  });
});

describe('the saved audit in examples/', () => {
  it('is linted by the main command like any input, offline', () => {
    const r = cli(['examples/broken-account-audit']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const ids = r.stdout
      .split('\n')
      .map((l) => / (?:error|warning|note) ([a-z-]+) /.exec(l)?.[1])
      .filter((x) => x !== undefined);
    expect([...new Set(ids)].sort()).toEqual([
      'aws-resource-missing',
      'kms-permissions',
      'replication-status',
    ]);
  });
});

describe('the offline path loads no AWS SDK code', () => {
  const trace = (): string => {
    const dir = temp();
    mkdirSync(dir, { recursive: true });
    return join(dir, 'trace.txt');
  };
  // Both loaders: the CLI bundle is CommonJS (require), a library user's may be ESM (import).
  const hook = [
    '--require',
    join(ROOT, 'test/helpers/trace-require.cjs'),
    '--import',
    join(ROOT, 'test/helpers/trace-imports.mjs'),
  ];

  it('linting files resolves no @aws-sdk module; an audit does (the trace works)', async () => {
    const offline = trace();
    const run = await runCli([join(ROOT, 'examples/bucket-level-cross-account')], {
      execArgv: hook,
      env: { S3TABLES_LINT_TRACE: offline },
    });
    expect(run.status).toBe(0);
    expect(existsSync(offline) ? readFileSync(offline, 'utf8') : '').toBe('');

    const live = trace();
    fake = await FakeAws.start(ACCOUNT);
    const audited = await runCli(['audit', '--region', 'us-east-2', '--endpoint-url', fake.url], {
      execArgv: hook,
      env: { S3TABLES_LINT_TRACE: live },
    });
    expect(audited.status).toBe(1);
    expect(readFileSync(live, 'utf8')).toContain('@aws-sdk/client-s3tables');
  });

  it('the bundle loads the SDK only inside createSdkPort and createOrgSdk, never at its top level', () => {
    const bundle = readFileSync(join(ROOT, 'dist/main.cjs'), 'utf8');
    // Any call with an SDK package name: require(), import() or a createRequire function.
    const loads = [...bundle.matchAll(/^(.*)\b[\w$]+\(["'](@aws-sdk\/[^"']+)["']\)/gm)];
    expect(loads.map((m) => m[2]).sort()).toEqual([
      '@aws-sdk/client-account',
      '@aws-sdk/client-iam',
      '@aws-sdk/client-organizations',
      '@aws-sdk/client-s3tables',
      '@aws-sdk/client-sts',
      '@aws-sdk/credential-providers',
    ]);
    // Indented: inside a function body (esbuild puts module-level statements at column 0).
    for (const m of loads) expect(m[1]).toMatch(/^\s+/);
    expect(bundle).not.toMatch(/\bfrom\s*["']@aws-sdk\//);
  });

  it('keeps the SDK Node version warning out of the output', async () => {
    fake = await FakeAws.start(ACCOUNT);
    const run = await runCli(['audit', '--region', 'us-east-2', '--endpoint-url', fake.url]);
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
  });
});

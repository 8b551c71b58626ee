import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint.js';
import { text } from '../src/reporters/text.js';
import type { Suggestion } from '../src/replication/suggest.js';
import { cli } from './helpers/cli.js';
import { installed } from './helpers/repo.js';

const SOURCE_ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const bucket = (account: string, name: string, region = 'us-west-2'): string =>
  `arn:aws:s3tables:${region}:${account}:bucket/${name}`;
const SOURCE_BUCKET = bucket(SOURCE_ACCOUNT, 'sales', 'us-east-1');
const TABLE = `${SOURCE_BUCKET}/table/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`;
const ROLE = `arn:aws:iam::${SOURCE_ACCOUNT}:role/S3TablesReplicationRole`;

function replication(level: 'table' | 'bucket', destinations: string[]): object {
  return {
    ...(level === 'table' ? { tableArn: TABLE } : { tableBucketARN: SOURCE_BUCKET }),
    configuration: {
      role: ROLE,
      rules: [{ destinations: destinations.map((d) => ({ destinationTableBucketARN: d })) }],
    },
  };
}

/** Destinations: n of them, every second one in another account when cross. */
const destinations = (n: number, cross: boolean): string[] =>
  Array.from({ length: n }, (_, i) =>
    bucket(cross && i % 2 === 0 ? OTHER_ACCOUNT : SOURCE_ACCOUNT, `replica-${i + 1}`),
  );

const write = (dir: string, name: string, value: unknown): string => {
  writeFileSync(join(dir, name), `${JSON.stringify(value, null, 4)}\n`);
  return name;
};

describe('suggest', () => {
  for (const level of ['table', 'bucket'] as const) {
    for (const cross of [false, true]) {
      for (const n of [1, 5]) {
        it(`what it prints lints clean: ${level} level, ${cross ? 'cross-account' : 'single account'}, ${n} destination(s)`, async () => {
          const dir = mkdtempSync(join(tmpdir(), 's3tl-suggest-'));
          write(dir, 'replication.json', replication(level, destinations(n, cross)));
          const r = cli(['suggest', 'replication.json'], { cwd: dir });
          expect(r.stderr).toBe('');
          expect(r.status).toBe(0);
          const s = JSON.parse(r.stdout) as Suggestion;
          expect(s.destinationBucketPolicies).toHaveLength(cross ? Math.ceil(n / 2) : 0);
          const caller = write(dir, 'caller-policy.json', s.callerPolicy);
          const role = write(dir, 'role-policy.json', s.rolePolicy);
          const trust = write(dir, 'trust-policy.json', s.trustPolicy);
          s.destinationBucketPolicies.forEach((b, i) => write(dir, `bucket-policy-${i}.json`, b.policy));
          const result = await lint(['.'], {
            cwd: dir,
            bindings: { caller: [caller], roles: { [ROLE]: { policies: [role], trust } } },
            // suggest prints no KMS statements (it reads only the configuration); without the
            // buckets' encryption settings, kms-permissions would say it did not check them.
            skip: ['kms-permissions'],
          });
          expect(text(result, { color: false })).toBe('');
          // Every permission check ran: nothing was skipped for want of a document.
          expect(result.notRun).toEqual([]);
        });
      }
    }
  }

  it('prints CloudFormation (YAML documents with JSON bodies) and Terraform with the same policies', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-suggest-'));
    write(dir, 'replication.json', replication('bucket', destinations(2, true)));
    const s = JSON.parse(cli(['suggest', 'replication.json'], { cwd: dir }).stdout) as Suggestion;

    const cfn = cli(['suggest', 'replication.json', '--as', 'cfn'], { cwd: dir });
    expect(cfn.status).toBe(0);
    const templates = cfn.stdout.split('\n---\n').map(
      (doc) =>
        JSON.parse(doc.replace(/^#.*$/gm, '')) as {
          Resources: Record<string, { Properties: Record<string, unknown> }>;
        },
    );
    expect(templates).toHaveLength(2);
    const role = templates[0]?.Resources['ReplicationRole']?.Properties;
    expect(role?.['AssumeRolePolicyDocument']).toEqual(s.trustPolicy);
    expect(role?.['Policies']).toEqual([{ PolicyName: 'S3TablesReplication', PolicyDocument: s.rolePolicy }]);
    expect(templates[0]?.Resources['ReplicationCallerPolicy']?.Properties['PolicyDocument']).toEqual(
      s.callerPolicy,
    );
    expect(templates[1]?.Resources['DestinationBucketPolicy1']?.Properties).toEqual({
      TableBucketARN: s.destinationBucketPolicies[0]?.tableBucketARN,
      ResourcePolicy: s.destinationBucketPolicies[0]?.policy,
    });

    const tf = cli(['suggest', 'replication.json', '--as', 'terraform'], { cwd: dir });
    expect(tf.status).toBe(0);
    for (const resource of [
      'resource "aws_iam_role" "s3tables_replication"',
      'resource "aws_iam_role_policy" "s3tables_replication"',
      'resource "aws_iam_policy" "s3tables_replication_caller"',
      'resource "aws_s3tables_table_bucket_policy" "destination_1"',
    ])
      expect(tf.stdout).toContain(resource);
    const encoded = [...tf.stdout.matchAll(/jsonencode\((\{[\s\S]*?\n {2}\})\)/g)].map((m) =>
      JSON.parse(m[1] ?? ''),
    );
    expect(encoded).toEqual([
      s.trustPolicy,
      s.rolePolicy,
      s.callerPolicy,
      s.destinationBucketPolicies[0]?.policy,
    ]);
  });

  it('is a usage error (exit 2, one line) for input without a usable configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-suggest-'));
    write(dir, 'get-output.json', { versionToken: 't', configuration: { role: ROLE, rules: [] } });
    write(dir, 'policy.json', { Version: '2012-10-17', Statement: [] });
    for (const args of [
      ['suggest', 'get-output.json'],
      ['suggest', 'policy.json'],
      ['suggest'],
      ['suggest', 'get-output.json', '--as', 'xml'],
    ]) {
      const r = cli(args, { cwd: dir });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^s3tables-lint: [^\n]+\n$/);
    }
  });
});

describe('suggest --as terraform is deployable as printed', () => {
  const print = (level: 'table' | 'bucket', n: number, cross: boolean): string => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-suggest-tf-'));
    write(dir, 'replication.json', replication(level, destinations(n, cross)));
    const r = cli(['suggest', 'replication.json', '--as', 'terraform'], { cwd: dir });
    expect(r.status).toBe(0);
    return r.stdout;
  };

  it('puts each destination bucket policy of another account through a provider alias for that account', () => {
    const out = print('bucket', 2, true);
    const alias = `account_${OTHER_ACCOUNT}_us_west_2`;
    expect(out).toContain(`provider "aws" {\n  alias  = "${alias}"\n  region = "us-west-2"\n}`);
    expect(out).toMatch(
      new RegExp(
        `resource "aws_s3tables_table_bucket_policy" "destination_1" \\{\\n  provider += aws\\.${alias}\\n`,
      ),
    );
    expect(print('table', 1, false)).not.toContain('provider "aws"');
  });

  // terraform fmt needs no provider and no network. Where terraform is not installed the layout
  // rules are the ones this test pinned when it ran (`"Key" : value`, = aligned on one-line runs).
  it.skipIf(!installed('terraform', 'version'))('passes terraform fmt -check', () => {
    for (const [level, n, cross] of [
      ['table', 1, false],
      ['bucket', 5, true],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), 's3tl-suggest-fmt-'));
      writeFileSync(join(dir, 'main.tf'), print(level, n, cross));
      const r = spawnSync('terraform', ['fmt', '-check', '-diff', 'main.tf'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
      });
      expect(r.stdout, `${level} ${n} ${cross}`).toBe('');
      expect(r.status).toBe(0);
    }
  });
});

describe('suggest --as cfn -o DIR writes one template per stack', () => {
  it('the role template in its account, and the bucket policies per other account and Region', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-suggest-cfn-'));
    write(dir, 'replication.json', replication('bucket', destinations(5, true)));
    const s = JSON.parse(cli(['suggest', 'replication.json'], { cwd: dir }).stdout) as Suggestion;
    const r = cli(['suggest', 'replication.json', '--as', 'cfn', '-o', 'stacks/'], { cwd: dir });
    expect(r.status).toBe(0);
    const files = readdirSync(join(dir, 'stacks')).sort();
    expect(files[0]).toBe(`${SOURCE_ACCOUNT}-replication-role.yaml`);
    expect(r.stdout).toContain(`--template-file stacks/${SOURCE_ACCOUNT}-replication-role.yaml`);
    const resources = files.flatMap((f) => {
      const t = parse(readFileSync(join(dir, 'stacks', f), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties: { TableBucketARN?: string } }>;
      };
      // One stack holds one account's (and, for bucket policies, one Region's) resources.
      const arns = Object.values(t.Resources).flatMap((x) =>
        x.Properties.TableBucketARN ? [x.Properties.TableBucketARN] : [],
      );
      expect(new Set(arns.map((a) => a.split(':').slice(3, 5).join(':'))).size).toBeLessThanOrEqual(1);
      return Object.keys(t.Resources);
    });
    expect(resources.filter((k) => k.startsWith('DestinationBucketPolicy'))).toHaveLength(
      s.destinationBucketPolicies.length,
    );
    if (installed('cfn-lint', '--version')) {
      const lint = spawnSync(
        'cfn-lint',
        files.map((f) => join(dir, 'stacks', f)),
        { encoding: 'utf8' },
      );
      expect(lint.stdout).toBe('');
      expect(lint.status).toBe(0);
    }
    expect(cli(['suggest', 'replication.json', '-o', 'stacks/'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: -o stacks/ is a directory: that goes with --as cfn (one template per stack)\n',
    });
  });
});

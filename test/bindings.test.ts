import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const TABLE =
  'arn:aws:s3tables:us-east-1:111122223333:bucket/sales/table/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const DEST = 'arn:aws:s3tables:us-west-2:111122223333:bucket/sales-replica';
const replication = (role: string) =>
  JSON.stringify({
    tableArn: TABLE,
    configuration: {
      role: `arn:aws:iam::111122223333:role/${role}`,
      rules: [{ destinations: [{ destinationTableBucketARN: DEST }] }],
    },
  });
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3tables:GetTable', Resource: '*' }],
});

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-bind-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('binding documents on the command line', () => {
  it('--role-policy binds to the one role of the run, and its findings land in the bound file', () => {
    const dir = scratch({ 'replication.json': replication('R'), 'role-permissions.json': POLICY });
    const r = cli(
      ['replication.json', '--role-policy', 'role-permissions.json', '--rule', 'role-permissions'],
      {
        cwd: dir,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^role-permissions\.json:1:\d+ error role-permissions role R is not allowed/m);
  });

  it('is a usage error (exit 2) when the run names several roles', () => {
    const dir = scratch({ 'a.json': replication('A'), 'b.json': replication('B'), 'p.json': POLICY });
    const r = cli(['a.json', 'b.json', '--trust-policy', 'p.json'], { cwd: dir });
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe(
      's3tables-lint: --trust-policy is ambiguous: the replication configurations name 2 roles (arn:aws:iam::111122223333:role/A, arn:aws:iam::111122223333:role/B); bind each role in the config file\n',
    );
  });

  it('with no configuration naming a role, lints the file and says the permission checks did not run', () => {
    const dir = scratch({ 'p.json': POLICY, 'replication.json': replication('R') });
    const r = cli(['p.json', '--role-policy', 'p.json'], { cwd: dir });
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(
      /^not checked: .*role-permissions.*: no replication configuration among the inputs/m,
    );
  });

  it('--caller names a principal of account authorization details; an unknown one is a usage error', () => {
    const details = JSON.stringify({
      UserDetailList: [
        {
          UserName: 'alice',
          Arn: 'arn:aws:iam::111122223333:user/alice',
          UserPolicyList: [{ PolicyName: 'p', PolicyDocument: JSON.parse(POLICY) as unknown }],
          GroupList: [],
          AttachedManagedPolicies: [],
        },
      ],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
    });
    const dir = scratch({ 'replication.json': replication('R'), 'details.json': details });
    const r = cli(['.', '--caller', 'alice', '--rule', 'caller-permissions'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^details\.json:\d+:\d+ error caller-permissions the caller is not allowed iam:PassRole/m,
    );
    expect(cli(['.', '--caller', 'bob'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr:
        's3tables-lint: --caller bob: no user, group or role of that name or ARN in an account-authorization-details input\n',
    });
  });

  it('says in JSON and SARIF which checks did not run for want of a document', () => {
    const dir = scratch({ 'replication.json': replication('R') });
    const json = JSON.parse(cli(['replication.json', '--format', 'json'], { cwd: dir }).stdout) as {
      notRun: { rule: string; reason: string }[];
    };
    expect([...new Set(json.notRun.map((n) => n.rule))].sort()).toEqual([
      'caller-permissions',
      'kms-permissions',
      'passrole-condition',
      'role-permissions',
      'role-trust',
    ]);
    expect(json.notRun.find((n) => n.rule === 'caller-permissions')?.reason).toContain('--caller-policy');
    const sarif = JSON.parse(cli(['replication.json', '--format', 'sarif'], { cwd: dir }).stdout) as {
      runs: { properties: { notRun: unknown[] } }[];
    };
    expect(sarif.runs[0]?.properties.notRun).toEqual(json.notRun);
  });
});

/** The policy stack's inputs: config `context` and `organization`, boundaries, describe-policy files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint.js';
import { loadTexts } from '../src/load/index.js';
import { link } from '../src/link.js';
import rules from '../rules/index.js';

const ROLE = 'arn:aws:iam::111122223333:role/R';
const SRC = 'arn:aws:s3tables:us-east-1:111122223333:bucket/src';
const DST = 'arn:aws:s3tables:us-west-2:111122223333:bucket/dst';
const replication = JSON.stringify({
  tableBucketARN: SRC,
  configuration: { role: ROLE, rules: [{ destinations: [{ destinationTableBucketARN: DST }] }] },
});
const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const describePolicy = (type: string, doc: string) =>
  JSON.stringify({
    Policy: {
      PolicySummary: {
        Id: 'p-1',
        Arn: 'arn:aws:organizations::999988887777:policy/o-x/p-1',
        Name: 'P',
        Type: type,
      },
      Content: doc,
    },
  });

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-stack-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const guardrails = rules.filter((r) => r.id === 'policy-guardrails');

describe('loading', () => {
  it('reads describe-policy output as an SCP or an RCP, and get-role PermissionsBoundary', () => {
    const docs = loadTexts([
      {
        name: 'scp.json',
        text: describePolicy(
          'SERVICE_CONTROL_POLICY',
          policy({ Effect: 'Deny', Action: '*', Resource: '*' }),
        ),
      },
      {
        name: 'rcp.json',
        text: describePolicy(
          'RESOURCE_CONTROL_POLICY',
          policy({ Effect: 'Deny', Principal: '*', Action: 'sts:*', Resource: '*' }),
        ),
      },
      {
        name: 'role.json',
        text: JSON.stringify({
          Role: {
            RoleName: 'R',
            Arn: ROLE,
            PermissionsBoundary: {
              PermissionsBoundaryType: 'Policy',
              PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/B',
            },
          },
        }),
      },
    ]);
    expect(docs.problems).toEqual([]);
    expect(docs.policies.map((p) => [p.file.name, p.orgType, p.policyType])).toEqual([
      ['scp.json', 'scp', 'identity'],
      ['rcp.json', 'rcp', 'resource'],
    ]);
    expect(docs.roles[0]?.boundary).toBe('arn:aws:iam::111122223333:policy/B');
    const model = link({
      ...docs,
      replications: loadTexts([{ name: 'r.json', text: replication }]).replications,
    });
    expect(model.setups[0]?.role?.boundary).toMatchObject({
      arn: 'arn:aws:iam::111122223333:policy/B',
      policies: [],
    });
  });
});

describe('the library options', () => {
  it('take context and organization, as the config does', async () => {
    const dir = scratch({
      'r.json': replication,
      'vpce.json': policy(
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 's3tables:PutTableBucketReplication',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
        },
      ),
    });
    const organization = { scps: [{ accounts: ['111122223333'], policies: ['vpce.json'] }] };
    const unknown = await lint(['r.json'], { cwd: dir, rules: guardrails, organization });
    expect(unknown.findings).toEqual([]);
    const stated = await lint(['r.json'], {
      cwd: dir,
      rules: guardrails,
      organization,
      context: { caller: { 'aws:SourceVpce': 'vpce-2' } },
    });
    expect(stated.findings.map((f) => [f.ruleId, f.file])).toEqual([['policy-guardrails', 'vpce.json']]);
    const absent = await lint(['r.json'], {
      cwd: dir,
      rules: guardrails,
      organization,
      context: { caller: { 'aws:SourceVpce': null } },
    });
    expect(absent.findings).toHaveLength(1);
  });

  it('a missing organization file, or a describe-policy of the other kind, is a usage error', async () => {
    const dir = scratch({
      'r.json': replication,
      'scp.json': describePolicy(
        'SERVICE_CONTROL_POLICY',
        policy({ Effect: 'Allow', Action: '*', Resource: '*' }),
      ),
    });
    await expect(
      lint(['r.json'], {
        cwd: dir,
        organization: { scps: [{ accounts: ['111122223333'], policies: ['nope.json'] }] },
      }),
    ).rejects.toThrow(/organization\.scps\[0\]\.policies\[0\]: no such file: nope\.json/);
    await expect(
      lint(['r.json'], {
        cwd: dir,
        organization: { rcps: [{ accounts: ['111122223333'], policies: ['scp.json'] }] },
      }),
    ).rejects.toThrow(/scp\.json is a service control policy .* not an RCP/);
  });

  it('a boundary bound to the role limits it', async () => {
    const dir = scratch({
      'r.json': replication,
      'b.json': policy({ Effect: 'Allow', Action: 's3tables:Get*', Resource: '*' }),
    });
    const r = await lint(['r.json'], {
      cwd: dir,
      rules: guardrails,
      bindings: { roles: { [ROLE]: { boundary: 'b.json' } } },
    });
    expect(new Set(r.findings.map((f) => f.file))).toEqual(new Set(['b.json']));
    expect(r.findings[0]?.message).toMatch(/^the permissions boundary of role R does not allow role R /);
  });
});

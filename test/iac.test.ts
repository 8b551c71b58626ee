import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/iam/evaluate.js';
import { checkPolicyGrammar } from '../src/iam/grammar.js';
import { link } from '../src/link.js';
import { lint } from '../src/lint.js';
import { loadTexts } from '../src/load/index.js';
import { Unknown, type PolicyDoc, type SourceFile } from '../src/model.js';
import { github } from '../src/reporters/github.js';
import { json } from '../src/reporters/json.js';
import { sarif } from '../src/reporters/sarif.js';
import { text } from '../src/reporters/text.js';
import type { Finding } from '../src/result.js';
import rules from '../rules/index.js';
import { ROOT } from './helpers/cases.js';
import { schemaErrors } from './helpers/sarif.js';

const CLI = join(ROOT, 'dist/cli.cjs');
const scratch = (): string => mkdtempSync(join(tmpdir(), 's3tl-iac-'));

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Destination:
    Type: String
    Default: arn:aws:s3tables:eu-west-1:111122223333:bucket/sales-eu
Resources:
  ReplicationRole:
    Type: AWS::IAM::Role
    Metadata:
      aws:cdk:path: Stack/ReplicationRole/Resource
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: replication.s3tables.amazonaws.com }
            Action: sts:AssumeRole
  Source:
    Type: AWS::S3Tables::TableBucket
    Properties:
      TableBucketName: sales
      ReplicationConfiguration:
        Role: !GetAtt ReplicationRole.Arn
        Rules:
          - Destinations:
              - DestinationTableBucketARN: !Ref Destination
  Writes:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: Writes
      Roles: [!Ref ReplicationRole]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3tables:PutTableData
            Resource: !Sub '\${Destination}/table/*'
`;

describe('CloudFormation templates', () => {
  it('reads YAML short forms as the long forms and links the replication to its role and policies', () => {
    const docs = loadTexts([{ name: 'stack.yaml', text: TEMPLATE }]);
    expect(docs.problems).toEqual([]);
    const model = link(docs);
    const [setup] = model.setups;
    expect(setup?.doc.data).toEqual({
      tableBucketARN: 'arn:aws:s3tables:us-anyregion-0:000000000000:bucket/sales',
      configuration: {
        role: 'arn:aws:iam::000000000000:role/stack.yaml/ReplicationRole',
        rules: [
          {
            destinations: [
              { destinationTableBucketARN: 'arn:aws:s3tables:eu-west-1:111122223333:bucket/sales-eu' },
            ],
          },
        ],
      },
    });
    expect(setup?.role?.trust).toHaveLength(1);
    expect(setup?.role?.policies.map((p) => p.name)).toEqual(['Writes']);
    expect(
      (setup?.role?.policies[0]?.data as { Statement: { Resource: string }[] }).Statement[0]?.Resource,
    ).toBe('arn:aws:s3tables:eu-west-1:111122223333:bucket/sales-eu/table/*');
  });

  it('locates the renamed members in the template (the API path maps back to the template path)', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'stack.yaml'), TEMPLATE.replace('bucket/sales-eu', 'bucket/Sales-EU'));
    const result = await lint(['stack.yaml'], {
      cwd: dir,
      rules: rules.filter((r) => r.id === 'table-bucket-arn'),
    });
    const f = result.findings.find((x) => x.level === 'error');
    // `              - DestinationTableBucketARN: !Ref Destination` is line 26; the value starts at column 44.
    expect([f?.line, f?.column]).toEqual([26, 44]);
    expect(f?.path).toEqual([
      'Resources',
      'Source',
      'Properties',
      'ReplicationConfiguration',
      'Rules',
      0,
      'Destinations',
      0,
      'DestinationTableBucketARN',
    ]);
    expect(f?.logicalLocation).toBe('Source');
  });

  it('names the CDK construct path in text and SARIF', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'stack.yaml'),
      TEMPLATE.replace('replication.s3tables.amazonaws.com', 's3.amazonaws.com'),
    );
    const result = await lint(['stack.yaml'], {
      cwd: dir,
      rules: rules.filter((r) => r.id === 'role-trust'),
    });
    const f = result.findings[0];
    expect(f?.logicalLocation).toBe('Stack/ReplicationRole/Resource');
    const log = JSON.parse(sarif(result)) as {
      runs: { results?: { locations?: { logicalLocations?: unknown }[] }[] }[];
    };
    expect(log.runs[0]?.results?.[0]?.locations?.[0]?.logicalLocations).toEqual([
      { fullyQualifiedName: 'Stack/ReplicationRole/Resource', kind: 'resource' },
    ]);
    expect(schemaErrors(log)).toEqual([]);
    expect(text(result, { color: false })).toMatch(
      /replace the principal \[Stack\/ReplicationRole\/Resource\]\n/,
    );
    expect((JSON.parse(json(result)) as { findings: Finding[] }).findings[0]?.logicalLocation).toBe(
      'Stack/ReplicationRole/Resource',
    );
    expect(github(result)).toContain('title=role-trust (Stack/ReplicationRole/Resource)::');
  });

  it('gives no finding where a value is known only when deployed', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'stack.yaml'),
      TEMPLATE.replace("Resource: !Sub '${Destination}/table/*'", 'Resource: !ImportValue DestinationTables'),
    );
    const result = await lint(['stack.yaml'], {
      cwd: dir,
      rules: rules.filter((r) => r.id === 'role-permissions'),
    });
    // The writes may be granted: only the grants nothing could give are reported.
    expect(result.findings.map((f) => f.message).join('\n')).not.toMatch(/PutTableData/);
    expect(result.findings.length).toBeGreaterThan(0);
  });

  it('skips YAML that is no template in a scan, and reports it when named', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'compose.yml'), 'services:\n  web:\n    image: nginx\n');
    writeFileSync(join(dir, 'stack.yaml'), TEMPLATE);
    const scanned = await lint(['.'], { cwd: dir });
    expect(scanned.findings.filter((f) => f.file === 'compose.yml')).toEqual([]);
    const named = await lint(['compose.yml'], { cwd: dir });
    expect(named.findings.map((f) => f.ruleId)).toEqual(['unknown-document']);
  });

  it('`suggest --as cfn` output, fed back, loads its documents and lints clean', () => {
    const dir = scratch();
    for (const example of ['bucket-level-cross-account', 'table-level']) {
      const replication = join(ROOT, 'examples', example, 'replication.json');
      const out = spawnSync(process.execPath, [CLI, 'suggest', replication, '--as', 'cfn'], {
        encoding: 'utf8',
      });
      expect(out.status).toBe(0);
      const file = join(dir, `${example}.yaml`);
      writeFileSync(file, out.stdout);
      const docs = loadTexts([{ name: file, text: out.stdout }]);
      expect(docs.problems).toEqual([]);
      expect(docs.policies.length).toBeGreaterThan(2);
      const run = spawnSync(process.execPath, [CLI, replication, file, '-f', 'json'], { encoding: 'utf8' });
      const result = JSON.parse(run.stdout) as { findings: unknown[]; files: number };
      expect({ status: run.status, findings: result.findings, files: result.files }).toEqual({
        status: 0,
        findings: [],
        files: 2,
      });
    }
  });

  it('keeps js-yaml out of the CLI bundle (a JSON-only run never loads it)', () => {
    const bundle = readFileSync(join(ROOT, 'dist/main.cjs'), 'utf8');
    expect(bundle).not.toMatch(/function parseEvents\b/);
    expect(bundle).toMatch(/\(__importMetaUrl\)\("js-yaml"\)/);
  });
});

describe('Terraform plans', () => {
  it('refuses an unknown major format_version with one line', () => {
    const docs = loadTexts([
      { name: 'plan.json', text: JSON.stringify({ format_version: '2.0', resource_changes: [] }) },
    ]);
    expect(docs.problems.map((p) => p.message)).toEqual([
      'Terraform plan format_version "2.0" is not supported (this version reads 1.x); upgrade s3tables-lint or write the plan with a Terraform that emits 1.x',
    ]);
  });

  it('follows configuration references from an unknown role to the role resource, in a child module', () => {
    const plan = readFileSync(
      join(ROOT, 'fixtures/rules/role-permissions/invalid/terraform-plan-module-missing-list/plan.json'),
      'utf8',
    );
    const model = link(loadTexts([{ name: 'plan.json', text: plan }]));
    const [setup] = model.setups;
    expect(setup?.role?.arn).toBe('arn:aws:iam::000000000000:role/S3TablesReplicationRole');
    expect(setup?.role?.trust).toHaveLength(1);
    expect(setup?.role?.policies.map((p) => p.logicalLocation)).toEqual([
      'module.replication.aws_iam_role_policy.replication',
    ]);
    expect(setup?.doc.logicalLocation).toBe('module.replication.aws_s3tables_table_bucket_replication.this');
  });
});

describe('--tf-root', () => {
  it('points plan findings at the .tf block of the resource, in a local child module', async () => {
    const dir = scratch();
    const plan = readFileSync(
      join(ROOT, 'fixtures/rules/role-permissions/invalid/terraform-plan-module-missing-list/plan.json'),
      'utf8',
    );
    writeFileSync(join(dir, 'plan.json'), plan);
    writeFileSync(join(dir, 'main.tf'), 'module "replication" {\n  source = "./modules/replication"\n}\n');
    mkdirSync(join(dir, 'modules/replication'), { recursive: true });
    writeFileSync(
      join(dir, 'modules/replication/main.tf'),
      [
        'resource "aws_iam_role" "replication" {',
        '  name = "S3TablesReplicationRole"',
        '}',
        '',
        'resource "aws_iam_role_policy" "replication" {',
        '  name   = "S3TablesReplication"',
        '  role   = aws_iam_role.replication.id',
        '  policy = jsonencode({ Version = "2012-10-17", Statement = [] })',
        '}',
        '',
      ].join('\n'),
    );
    const only = rules.filter((r) => r.id === 'role-permissions');
    const inPlan = await lint(['plan.json'], { cwd: dir, rules: only });
    expect(inPlan.findings.map((f) => f.file)).toEqual(['plan.json']);
    const inTf = await lint(['plan.json'], { cwd: dir, rules: only, tfRoot: '.' });
    expect(inTf.findings.map((f) => [f.file, f.line, f.column, f.logicalLocation])).toEqual([
      ['modules/replication/main.tf', 8, 3, 'module.replication.aws_iam_role_policy.replication'],
    ]);
    await expect(lint(['plan.json'], { cwd: dir, rules: only, tfRoot: 'nope' })).rejects.toThrow(
      '--tf-root nope: not a directory',
    );
  });
});

describe('Unknown in policies is "cannot tell"', () => {
  const file: SourceFile = {
    name: 'p.json',
    text: '',
    explicit: true,
    locate: () => ({ offset: 0, length: 0 }),
  };
  const policy = (statement: unknown): PolicyDoc => ({
    kind: 'policy',
    file,
    root: [],
    data: { Version: '2012-10-17', Statement: [statement] },
    policyType: 'identity',
    origin: 'cloudformation',
  });
  const request = {
    action: 's3tables:PutTableData',
    resource: 'arn:aws:s3tables:us-east-1:111122223333:bucket/b/table/t',
  };
  const unknown = new Unknown('!ImportValue X');

  it('an unknown Action or Resource neither grants nor is a missing grant', () => {
    for (const statement of [
      { Effect: 'Allow', Action: unknown, Resource: '*' },
      { Effect: 'Allow', Action: ['s3tables:GetTable', unknown], Resource: '*' },
      { Effect: 'Allow', Action: 's3tables:*', Resource: unknown },
      {
        Effect: 'Allow',
        Action: 's3tables:*',
        Resource: ['arn:aws:s3tables:us-east-1:111122223333:bucket/other', unknown],
      },
      { Effect: unknown, Action: 's3tables:*', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 's3tables:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': unknown } },
      },
      unknown,
    ])
      expect(evaluate([policy(statement)], request).decision, JSON.stringify(statement)).toBe('conditional');
  });

  it('a known mismatch stays a mismatch, and an unknown Deny makes an allow conditional', () => {
    expect(
      evaluate([policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: unknown })], request).decision,
    ).toBe('implicit-deny');
    const allow = policy({ Effect: 'Allow', Action: 's3tables:*', Resource: '*' });
    const deny = policy({ Effect: 'Deny', Action: unknown, Resource: '*' });
    expect(evaluate([allow, deny], request).decision).toBe('conditional');
  });

  it('a placeholder account or Region matches its field only', () => {
    const grant = (resource: string) =>
      evaluate([policy({ Effect: 'Allow', Action: 's3tables:*', Resource: resource })], request).decision;
    expect(grant('arn:aws:s3tables:us-anyregion-0:000000000000:bucket/b/table/*')).toBe('conditional');
    expect(grant('arn:aws:s3tables:us-anyregion-0:000000000000:bucket/other/table/*')).toBe('implicit-deny');
    expect(grant('arn:aws:s3tables:us-east-1:111122223333:bucket/b/table/*')).toBe('allowed');
  });

  it('the grammar reads Unknown as cannot tell', () => {
    expect(
      checkPolicyGrammar(
        {
          Version: '2012-10-17',
          Statement: [unknown, { Effect: unknown, Action: [unknown], Resource: unknown }],
        },
        'identity',
      ),
    ).toEqual([]);
  });
});

import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint.js';
import { loadTexts, MAX_DEPTH, MAX_FILE_BYTES } from '../src/load/index.js';
import type { PolicyDoc } from '../src/model.js';
import type { Finding } from '../src/rule.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 's3tl-load-'));
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'replication.s3tables.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
};
const IDENTITY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3tables:GetTable', Resource: '*' }],
};
const RESOURCE = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/R' },
      Action: 's3tables:GetTable',
      Resource: '*',
    },
  ],
};
const ROLE_ARN = 'arn:aws:iam::111122223333:role/S3TablesReplicationRole';
const encoded = (doc: unknown): string => encodeURIComponent(JSON.stringify(doc));

const one = (value: unknown) => loadTexts([{ name: 'in.json', text: JSON.stringify(value, null, 2) }]);
const summary = (p: PolicyDoc) => ({
  root: p.root,
  origin: p.origin,
  policyType: p.policyType,
  encoded: p.encoded ?? false,
  name: p.name,
  owner: p.owner?.kind,
});

async function lintDir(dir: string, paths: string[] = ['.']): Promise<Finding[]> {
  return (await lint(paths, { cwd: dir })).findings;
}

describe('classification of every accepted shape', () => {
  it('put-table-replication and put-table-bucket-replication requests', () => {
    const configuration = { role: ROLE_ARN, rules: [{ destinations: [] }] };
    const table = one({ tableArn: 'arn:x', configuration });
    expect(table.replications[0]).toMatchObject({
      level: 'table',
      form: 'put-request',
      sourceKey: 'tableArn',
    });
    const bucket = one({ tableBucketARN: 'arn:x', versionToken: 't', configuration });
    expect(bucket.replications[0]).toMatchObject({
      level: 'bucket',
      form: 'put-request',
      sourceKey: 'tableBucketARN',
    });
  });

  it('get-table(-bucket)-replication output: level unknown', () => {
    const m = one({ versionToken: 't', configuration: { role: ROLE_ARN, rules: [] } });
    expect(m.replications).toHaveLength(1);
    expect(m.replications[0]).toMatchObject({ level: 'unknown', form: 'get-output' });
  });

  it('get-role: the role and its trust policy', () => {
    const m = one({ Role: { RoleName: 'R', Arn: ROLE_ARN, AssumeRolePolicyDocument: TRUST } });
    expect(m.roles).toHaveLength(1);
    expect(m.roles[0]).toMatchObject({ name: 'R', arn: ROLE_ARN });
    expect(m.policies.map(summary)).toEqual([
      {
        root: ['Role', 'AssumeRolePolicyDocument'],
        origin: 'get-role',
        policyType: 'trust',
        encoded: false,
        name: undefined,
        owner: 'role',
      },
    ]);
    expect(m.roles[0]?.trust).toBe(m.policies[0]);
  });

  it('get-role with a URL-encoded trust policy (as the IAM API returns it)', () => {
    const m = one({ Role: { RoleName: 'R', AssumeRolePolicyDocument: encoded(TRUST) } });
    expect(m.policies[0]).toMatchObject({ policyType: 'trust', encoded: true, data: TRUST });
  });

  it('get-role-policy, get-user-policy, get-group-policy: identity policies, whatever they contain', () => {
    for (const [key, origin, owner] of [
      ['RoleName', 'get-role-policy', 'role'],
      ['UserName', 'get-user-policy', 'user'],
      ['GroupName', 'get-group-policy', 'group'],
    ] as const) {
      // A Principal in it is an error the grammar rule reports, not a reason to call it a resource policy.
      const m = one({ [key]: 'X', PolicyName: 'P', PolicyDocument: RESOURCE });
      expect(m.policies.map(summary)).toEqual([
        { root: ['PolicyDocument'], origin, policyType: 'identity', encoded: false, name: 'P', owner },
      ]);
    }
  });

  it('get-policy-version', () => {
    const m = one({
      PolicyVersion: { Document: encoded(IDENTITY), VersionId: 'v1', IsDefaultVersion: true },
    });
    expect(m.policies.map(summary)).toEqual([
      {
        root: ['PolicyVersion', 'Document'],
        origin: 'get-policy-version',
        policyType: 'identity',
        encoded: true,
        name: undefined,
        owner: undefined,
      },
    ]);
  });

  it('get-account-authorization-details: roles, trust, inline and only the default managed version', () => {
    const m = one({
      RoleDetailList: [
        {
          RoleName: 'R',
          Arn: ROLE_ARN,
          AssumeRolePolicyDocument: encoded(TRUST),
          RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: encoded(IDENTITY) }],
          AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::111122223333:policy/M' }],
        },
      ],
      UserDetailList: [{ UserName: 'u', UserPolicyList: [{ PolicyName: 'up', PolicyDocument: IDENTITY }] }],
      GroupDetailList: [
        { GroupName: 'g', GroupPolicyList: [{ PolicyName: 'gp', PolicyDocument: IDENTITY }] },
      ],
      Policies: [
        {
          PolicyName: 'M',
          Arn: 'arn:aws:iam::111122223333:policy/M',
          PolicyVersionList: [
            { Document: encoded(RESOURCE), VersionId: 'v1', IsDefaultVersion: false },
            { Document: encoded(IDENTITY), VersionId: 'v2', IsDefaultVersion: true },
          ],
        },
      ],
    });
    expect(m.roles).toHaveLength(1);
    expect(m.roles[0]?.attached).toEqual(['arn:aws:iam::111122223333:policy/M']);
    expect(m.policies.map(summary)).toEqual([
      {
        root: ['RoleDetailList', 0, 'AssumeRolePolicyDocument'],
        origin: 'account-authorization-details',
        policyType: 'trust',
        encoded: true,
        name: undefined,
        owner: 'role',
      },
      {
        root: ['RoleDetailList', 0, 'RolePolicyList', 0, 'PolicyDocument'],
        origin: 'account-authorization-details',
        policyType: 'identity',
        encoded: true,
        name: 'inline',
        owner: 'role',
      },
      {
        root: ['UserDetailList', 0, 'UserPolicyList', 0, 'PolicyDocument'],
        origin: 'account-authorization-details',
        policyType: 'identity',
        encoded: false,
        name: 'up',
        owner: 'user',
      },
      {
        root: ['GroupDetailList', 0, 'GroupPolicyList', 0, 'PolicyDocument'],
        origin: 'account-authorization-details',
        policyType: 'identity',
        encoded: false,
        name: 'gp',
        owner: 'group',
      },
      {
        root: ['Policies', 0, 'PolicyVersionList', 1, 'Document'],
        origin: 'account-authorization-details',
        policyType: 'identity',
        encoded: true,
        name: 'M',
        owner: 'managed-policy',
      },
    ]);
  });

  it('get-table-bucket-policy: a resource policy in a JSON string', () => {
    const m = one({ resourcePolicy: JSON.stringify(RESOURCE) });
    expect(m.policies.map(summary)).toEqual([
      {
        root: ['resourcePolicy'],
        origin: 'get-table-bucket-policy',
        policyType: 'resource',
        encoded: true,
        name: undefined,
        owner: undefined,
      },
    ]);
  });

  it('bare policies: trust, resource and identity told apart by content', () => {
    expect(one(TRUST).policies[0]).toMatchObject({ origin: 'bare', policyType: 'trust', root: [] });
    expect(one(RESOURCE).policies[0]).toMatchObject({ origin: 'bare', policyType: 'resource' });
    expect(one(IDENTITY).policies[0]).toMatchObject({ origin: 'bare', policyType: 'identity' });
    const single = { Version: '2012-10-17', Statement: TRUST.Statement[0] };
    expect(one(single).policies[0]).toMatchObject({ policyType: 'trust' });
  });

  it('anything else is not a document: reported only when named explicitly', () => {
    const m = one({ name: 'package', version: '1.0.0' });
    expect(m.policies).toHaveLength(0);
    expect(m.problems.map((p) => p.ruleId)).toEqual(['unknown-document']);
  });
});

describe('bad input is a finding, never a crash', () => {
  it('an empty file', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'empty.json'), '  \n');
    const [f] = await lintDir(dir);
    expect(f).toMatchObject({ ruleId: 'parse-error', file: 'empty.json', line: 1, column: 1 });
    expect(f?.message).toBe('file is empty; expected a JSON document');
  });

  it('invalid JSON: the finding is at the error', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.json'), '{\n  "Version": "2012-10-17",\n  "Statement": [}\n}\n');
    const findings = await lintDir(dir);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'parse-error', line: 3, column: 17 });
    expect(findings[0]?.message).toMatch(/^invalid JSON: /);
  });

  it('a UTF-8 byte order mark is accepted and columns are counted after it', async () => {
    const dir = scratch();
    const text =
      '{\n"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}';
    writeFileSync(join(dir, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    writeFileSync(join(dir, 'plain.json'), text);
    const findings = await lintDir(dir);
    const where = (file: string) =>
      findings.filter((f) => f.file === file).map((f) => `${f.ruleId}@${f.line}:${f.column}`);
    expect(where('bom.json')).toEqual(['policy-version@2:12']);
    expect(where('bom.json')).toEqual(where('plain.json'));
    // In memory too.
    const m = loadTexts([{ name: 'x.json', text: `\uFEFF${text}` }]);
    expect(m.problems).toEqual([]);
    expect(m.policies).toHaveLength(1);
  });

  it('bytes that are not UTF-8: the finding names the offset', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'latin1.json'), Buffer.from('{"Sid": "caf\xe9"}', 'latin1'));
    const [f] = await lintDir(dir);
    expect(f).toMatchObject({ ruleId: 'parse-error', line: 1, column: 13 });
    expect(f?.message).toBe('file is not valid UTF-8 (byte 0xe9 at offset 12); save it as UTF-8');
  });

  it('a 50 MB account export lints (every document, no crash)', async () => {
    const dir = scratch();
    const file = join(dir, 'account.json');
    const role = (i: number) =>
      JSON.stringify({
        RoleName: `role${i}`,
        Arn: `arn:aws:iam::111122223333:role/role${i}`,
        AssumeRolePolicyDocument: encoded(TRUST),
        RolePolicyList: [{ PolicyName: 'p', PolicyDocument: { ...IDENTITY, Version: undefined } }],
        AttachedManagedPolicies: [],
        Tags: [{ Key: 'padding', Value: 'x'.repeat(600) }],
      });
    const fd = openSync(file, 'w');
    writeSync(fd, '{"RoleDetailList":[');
    let size = 0;
    let roles = 0;
    while (size < 50 * 1024 * 1024) {
      const chunk = (roles > 0 ? ',' : '') + role(roles);
      writeSync(fd, chunk);
      size += chunk.length;
      roles++;
    }
    writeSync(fd, ']}');
    closeSync(fd);
    const result = await lint(['account.json'], { cwd: dir, rule: ['policy-*', 'parse-error'] });
    expect(result.crashed).toBe(false);
    // Each inline policy lacks "Version": one warning per role, none lost.
    expect(result.findings.filter((f) => f.ruleId === 'policy-version')).toHaveLength(roles);
    expect(result.findings.filter((f) => f.ruleId !== 'policy-version')).toEqual([]);
  });

  it('a file over the 64 MiB limit is reported without being read', async () => {
    const dir = scratch();
    // Sparse: costs no disk and no time; the size check must come before the read.
    writeFileSync(join(dir, 'huge.json'), '');
    truncateSync(join(dir, 'huge.json'), MAX_FILE_BYTES + 1);
    const [f] = await lintDir(dir);
    expect(f).toMatchObject({ ruleId: 'parse-error', file: 'huge.json', line: 1, column: 1 });
    expect(f?.message).toBe('file is 64.0 MiB, over the 64 MiB limit; split it');
  });

  it('nesting 10,000 deep is a finding, not a stack overflow', async () => {
    const dir = scratch();
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    writeFileSync(
      join(dir, 'deep.json'),
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":${deep}}]}`,
    );
    writeFileSync(join(dir, 'deep-array.json'), `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    writeFileSync(join(dir, 'broken-deep.json'), `{"Statement":${'['.repeat(10_000)}`);
    const result = await lint(['deep.json', 'deep-array.json', 'broken-deep.json'], { cwd: dir });
    expect(result.crashed).toBe(false);
    expect(result.findings.map((f) => `${f.file} ${f.ruleId} ${f.message}`)).toEqual([
      expect.stringMatching(/^broken-deep\.json parse-error invalid JSON: /),
      `deep-array.json unknown-document not an S3 Tables replication configuration or IAM document this tool reads (see the README for the accepted shapes)`,
      `deep.json parse-error JSON nests deeper than ${MAX_DEPTH} levels; no IAM or replication document does`,
    ]);
  });

  it('__proto__, constructor and prototype keys are unknown members and pollute nothing', async () => {
    const dir = scratch();
    const evil = '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}';
    writeFileSync(
      join(dir, 'policy.json'),
      `{"Version":"2012-10-17","__proto__":{"polluted":true},"Statement":[{"Sid":"__proto__","Effect":"Allow","Action":"s3:*","Resource":"*","constructor":${evil},"prototype":1,"Condition":{"StringEquals":{"__proto__":{"polluted":true}}}},{"Sid":"__proto__","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
    );
    writeFileSync(
      join(dir, 'replication.json'),
      `{"tableArn":"arn:x","__proto__":{"polluted":true},"configuration":{"role":"${ROLE_ARN}","constructor":{"prototype":{"polluted":true}},"rules":[{"prototype":{"polluted":true},"destinations":[{"destinationTableBucketARN":"arn:y","__proto__":{"polluted":true}}]}]}}`,
    );
    const findings = await lintDir(dir);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const unknown = findings.filter((f) =>
      /^unknown member "(__proto__|constructor|prototype)"/.test(f.message),
    );
    expect(unknown.map((f) => `${f.file} ${f.path.join('.')}`)).toEqual([
      'policy.json __proto__',
      'policy.json Statement.0.constructor',
      'policy.json Statement.0.prototype',
      'replication.json __proto__',
      'replication.json configuration.constructor',
      'replication.json configuration.rules.0.prototype',
      'replication.json configuration.rules.0.destinations.0.__proto__',
    ]);
    // A "__proto__" condition key whose value is an object: a grammar finding like any other key.
    expect(
      findings.some(
        (f) =>
          f.ruleId === 'policy-grammar' &&
          f.path.join('.') === 'Statement.0.Condition.StringEquals.__proto__',
      ),
    ).toBe(true);
    // Sids are compared in a Map: "__proto__" twice is a duplicate like any other.
    expect(findings.filter((f) => f.ruleId === 'duplicate-sid').map((f) => f.message)).toEqual([
      'Sid "__proto__" has characters IAM does not accept in an identity policy (only A-Z, a-z and 0-9); use "proto"',
      'Sid "__proto__" has characters IAM does not accept in an identity policy (only A-Z, a-z and 0-9); use "proto"',
      'Sid "__proto__" is already used by Statement[0]; Sids must be unique within a policy, rename this one',
    ]);
  });

  it('symbolic links that loop: a link to itself and a directory cycle end, with a finding for the unreadable file', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'policy.json'), JSON.stringify(IDENTITY));
    symlinkSync('..', join(dir, 'a', 'up')); // a → a/up → . → a …
    symlinkSync('self.json', join(dir, 'self.json'));
    const result = await lint(['.'], { cwd: dir });
    expect(result.findings.map((f) => `${f.file} ${f.ruleId} ${f.message}`)).toEqual([
      'self.json parse-error cannot read file: it is a symbolic link that loops (ELOOP)',
    ]);
    expect(result.files).toBe(2);
    // Named explicitly: the same finding, not "no such file".
    const explicit = await lint(['self.json'], { cwd: dir });
    expect(explicit.findings.map((f) => f.message)).toEqual([
      'cannot read file: it is a symbolic link that loops (ELOOP)',
    ]);
  });

  it('a dangling symbolic link is a finding', async () => {
    const dir = scratch();
    symlinkSync('gone.json', join(dir, 'link.json'));
    for (const paths of [['.'], ['link.json']]) {
      const findings = await lintDir(dir, paths);
      expect(findings.map((f) => `${f.file} ${f.ruleId} ${f.message}`)).toEqual([
        'link.json parse-error cannot read file: it is a symbolic link to gone.json, which does not exist (ENOENT)',
      ]);
    }
  });
});

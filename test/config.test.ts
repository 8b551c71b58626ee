import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CONFIG_FILE, findConfig, loadConfig, validateConfig } from '../src/config.js';
import { lint } from '../src/lint.js';
import type { Model } from '../src/model.js';
import { defineRule } from '../src/rule.js';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

const POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3tables:GetTable","Resource":"*"}]}';
const ROLE = JSON.stringify({
  Role: {
    RoleName: 'Replicator',
    Arn: 'arn:aws:iam::111122223333:role/Replicator',
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
  },
});

/** A scratch git repository (so config discovery stops in it) with the given files. */
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-config-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
const config = (value: unknown): string => JSON.stringify(value, null, 2);

describe('config file schema', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/s3tables-lint.schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true });
  const schemaValid = ajv.compile(schema);
  const S = { rule: 'parse-error', files: '*.json', justification: 'why' };
  const cases: [string, unknown][] = [
    ['empty', {}],
    [
      'everything',
      {
        $schema: './node_modules/s3tables-lint/schema/s3tables-lint.schema.json',
        rules: { '*-arn': 'off', 'unknown-document': 'error' },
        failOn: 'warning',
        include: ['infra/**/*.json'],
        exclude: ['**/generated/**'],
        bindings: {
          caller: ['policies/deployer.json'],
          roles: {
            'arn:aws:iam::111122223333:role/R': { policies: ['a.json'], trust: 't.json', boundary: 'b.json' },
          },
          callerBoundary: 'cb.json',
        },
        context: {
          all: { 'aws:PrincipalOrgID': 'o-abc' },
          caller: { 'aws:SourceVpce': ['vpce-1', 'vpce-2'] },
          role: { 'aws:PrincipalTag/team': 'data', 'aws:SourceIp': null },
        },
        organization: {
          scps: [{ accounts: ['111122223333'], policies: ['full.json', 'deny.json'] }],
          rcps: [{ accounts: ['111122223333', '444455556666'], policies: ['rcp.json'] }],
        },
        suppressions: [{ ...S, resource: 'arn:aws:s3tables:*' }],
      },
    ],
    ['not an object', []],
    ['unknown member', { rule: {} }],
    ['bad level', { rules: { x: 'warn' } }],
    ['empty rule glob', { rules: { '': 'off' } }],
    ['bad failOn', { failOn: 'high' }],
    ['include not array', { include: '**/*.json' }],
    ['include empty string', { include: [''] }],
    ['bindings unknown member', { bindings: { callers: [] } }],
    ['caller not strings', { bindings: { caller: [1] } }],
    ['role empty', { bindings: { roles: { R: {} } } }],
    ['role unknown member', { bindings: { roles: { R: { policy: 'a.json' } } } }],
    ['trust not string', { bindings: { roles: { R: { trust: ['t.json'] } } } }],
    ['role with only a boundary', { bindings: { roles: { R: { boundary: 'b.json' } } } }],
    ['boundary not string', { bindings: { roles: { R: { boundary: ['b.json'] } } } }],
    ['callerBoundary empty', { bindings: { callerBoundary: '' } }],
    ['context unknown scope', { context: { service: {} } }],
    ['context key without prefix', { context: { all: { PrincipalOrgID: 'o-1' } } }],
    ['context value number', { context: { role: { 'aws:MultiFactorAuthAge': 300 } } }],
    ['context value empty', { context: { role: { 'aws:PrincipalTag/team': '' } } }],
    ['context list with a number', { context: { caller: { 'aws:SourceVpce': ['vpce-1', 2] } } }],
    ['organization unknown member', { organization: { scp: [] } }],
    ['organization level without accounts', { organization: { scps: [{ policies: ['a.json'] }] } }],
    ['organization bad account', { organization: { scps: [{ accounts: ['12345'], policies: ['a.json'] }] } }],
    ['organization no policies', { organization: { rcps: [{ accounts: ['111122223333'], policies: [] }] } }],
    [
      'organization level unknown member',
      { organization: { scps: [{ accounts: ['111122223333'], policies: ['a.json'], ou: 'x' }] } },
    ],
    ['suppressions not array', { suppressions: S }],
    ['suppression without justification', { suppressions: [{ rule: 'x', files: '*' }] }],
    ['blank justification', { suppressions: [{ ...S, justification: '  ' }] }],
    ['invisible justification', { suppressions: [{ ...S, justification: '\u200b\u3164\u0301' }] }],
    ['justification with one visible character', { suppressions: [{ ...S, justification: '\u200bx' }] }],
    ['suppression without files', { suppressions: [{ rule: 'x', justification: 'y' }] }],
    ['suppression unknown member', { suppressions: [{ ...S, file: 'x' }] }],
    ['empty resource', { suppressions: [{ ...S, resource: '' }] }],
    ['long resource', { suppressions: [{ ...S, resource: `arn:${'*'.repeat(2045)}` }] }],
    ['resource too long', { suppressions: [{ ...S, resource: `arn:${'*'.repeat(2046)}` }] }],
    ['files glob too long', { suppressions: [{ ...S, files: 'x'.repeat(1025) }] }],
    ['rule glob too long', { rules: { ['x'.repeat(1025)]: 'off' } }],
    ['include glob too long', { include: ['x'.repeat(1025)] }],
  ];
  for (const [name, value] of cases) {
    it(`the shipped schema and the validator agree: ${name}`, () => {
      expect(validateConfig(value) === undefined).toBe(schemaValid(value));
    });
  }

  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema/');
  });
});

describe('config file errors', () => {
  it('an invalid config is one line naming the member, exit 2', () => {
    const dir = repo({
      'p.json': POLICY,
      [CONFIG_FILE]: config({ suppressions: [{ rule: 'parse-error', files: '*.json' }] }),
    });
    expect(cli(['p.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 's3tables-lint: .s3tables-lint.json: suppressions[0].justification is required\n',
    });
  });

  it('invalid JSON is one line with its position', () => {
    const dir = repo({ 'p.json': POLICY, [CONFIG_FILE]: '{\n  "failOn": "error",\n}' });
    expect(cli(['p.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: .s3tables-lint.json:3:1: invalid JSON: property name expected\n',
    });
  });

  it('a rules glob or a suppression rule that matches no rule is an error', () => {
    const dir = repo({ 'p.json': POLICY, [CONFIG_FILE]: config({ rules: { 'no-such-*': 'off' } }) });
    expect(cli(['p.json'], { cwd: dir }).stderr).toBe(
      's3tables-lint: .s3tables-lint.json: rules["no-such-*"] matches no rule\n',
    );
    writeFileSync(
      join(dir, CONFIG_FILE),
      config({ suppressions: [{ rule: 'parse-eror', files: '*', justification: 'x' }] }),
    );
    expect(cli(['p.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: .s3tables-lint.json: suppressions[0].rule matches no rule\n',
    });
  });

  it('a bound file that does not exist names the member', () => {
    const dir = repo({ 'p.json': POLICY, [CONFIG_FILE]: config({ bindings: { caller: ['gone.json'] } }) });
    expect(cli(['p.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: .s3tables-lint.json: bindings.caller[0]: no such file: gone.json\n',
    });
  });

  it('--config names a file; a missing one is an error; --no-config with --config is an error', () => {
    const dir = repo({ 'p.json': POLICY });
    expect(cli(['--config', 'nope.json', 'p.json'], { cwd: dir }).stderr).toBe(
      's3tables-lint: no such config file: nope.json\n',
    );
    expect(cli(['--config', 'x.json', '--no-config', 'p.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: --config and --no-config cannot be used together\n',
    });
  });
});

describe('config file discovery', () => {
  it('walks up from the working directory and stops at the git repository root', () => {
    const outer = mkdtempSync(join(tmpdir(), 's3tl-outer-'));
    writeFileSync(join(outer, CONFIG_FILE), '{}');
    const dir = join(outer, 'repo');
    mkdirSync(join(dir, '.git'), { recursive: true });
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    expect(findConfig(join(dir, 'a', 'b'))).toBeUndefined();
    writeFileSync(join(dir, 'a', CONFIG_FILE), '{}');
    expect(findConfig(join(dir, 'a', 'b'))).toBe(join(dir, 'a', CONFIG_FILE));
    // Without a .git, the walk goes on up.
    const plain = join(outer, 'plain', 'x');
    mkdirSync(plain, { recursive: true });
    expect(findConfig(plain)).toBe(join(outer, CONFIG_FILE));
  });

  it('a config in a parent directory applies, with globs relative to its directory', () => {
    const dir = repo({
      'infra/bad.json': '{',
      [CONFIG_FILE]: config({
        suppressions: [{ rule: 'parse-error', files: 'infra/bad.json', justification: 'fixture' }],
      }),
    });
    expect(cli(['bad.json'], { cwd: join(dir, 'infra') })).toMatchObject({ status: 0, stdout: '' });
    expect(cli(['--no-config', 'bad.json'], { cwd: join(dir, 'infra') }).status).toBe(1);
  });
});

describe('config file settings', () => {
  it('rules: off leaves a rule out, a level re-levels its findings; --rule wins over off', () => {
    const dir = repo({ 'bad.json': '{', 'pkg.json': '{"name":"x"}' });
    writeFileSync(
      join(dir, CONFIG_FILE),
      config({ rules: { 'parse-*': 'off', 'unknown-document': 'error' } }),
    );
    const r = cli(['bad.json', 'pkg.json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      'pkg.json:1:1 error unknown-document not an S3 Tables replication configuration or IAM document this tool reads (see the README for the accepted shapes)\n1 problem (1 error, 0 warnings, 0 notes)\n',
    );
    const sarif = JSON.parse(cli(['-f', 'sarif', 'pkg.json'], { cwd: dir }).stdout) as {
      runs: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } } }[];
    };
    const rules = sarif.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((x) => x.id)).not.toContain('parse-error');
    expect(rules.find((x) => x.id === 'unknown-document')?.defaultConfiguration.level).toBe('error');
    expect(cli(['--rule', 'parse-error', 'bad.json'], { cwd: dir }).stdout).toContain('error parse-error');
  });

  it('failOn sets the threshold; --fail-on wins over it', () => {
    const dir = repo({ 'pkg.json': '{"name":"x"}', [CONFIG_FILE]: config({ failOn: 'warning' }) });
    expect(cli(['pkg.json'], { cwd: dir }).status).toBe(1);
    expect(cli(['--fail-on', 'error', 'pkg.json'], { cwd: dir }).status).toBe(0);
  });

  it('include and exclude steer directory scans', () => {
    const dir = repo({
      'infra/a.json': '{',
      'infra/generated/b.json': '{',
      'other/c.json': '{',
      [CONFIG_FILE]: config({ include: ['infra/**/*.json'], exclude: ['**/generated/**'] }),
    });
    const r = cli(['.'], { cwd: dir });
    expect(r.stdout.split('\n').filter((l) => l.includes('parse-error'))).toEqual([
      expect.stringMatching(/^infra\/a\.json:/),
    ]);
  });

  it('bindings load the bound files and link them in the model', async () => {
    const dir = repo({
      'replication.json':
        '{"tableArn":"arn:aws:s3tables:us-east-1:111122223333:bucket/b/table/t","configuration":{}}',
      'policies/deployer.json': POLICY,
      'policies/role-policy.json': POLICY,
      'policies/trust.json': ROLE,
      [CONFIG_FILE]: config({
        bindings: {
          caller: ['policies/deployer.json'],
          roles: {
            'arn:aws:iam::111122223333:role/Replicator': {
              policies: ['policies/role-policy.json'],
              trust: 'policies/trust.json',
            },
          },
        },
      }),
    });
    let seen: Model | undefined;
    const spy = defineRule({
      id: 'spy',
      description: 'Records the model.',
      level: 'note',
      helpUri: 'https://example.com/',
      check: ({ model }) => void (seen = model),
    });
    const result = await lint(['replication.json'], {
      cwd: dir,
      rules: [spy],
      config: loadConfig(CONFIG_FILE, dir),
    });
    expect(result.files).toBe(4);
    expect(seen?.bindings?.caller.map((p) => p.file.name)).toEqual(['policies/deployer.json']);
    const role = seen?.bindings?.roles[0];
    expect(role?.role).toBe('arn:aws:iam::111122223333:role/Replicator');
    expect(role?.policies.map((p) => [p.file.name, p.owner?.arn])).toEqual([
      ['policies/role-policy.json', 'arn:aws:iam::111122223333:role/Replicator'],
    ]);
    expect(role?.trust?.policyType).toBe('trust');
    // The options' bindings (the CLI flags' way in) are relative to cwd and merge with the config's.
    await lint(['replication.json'], {
      cwd: dir,
      rules: [spy],
      bindings: { caller: ['policies/role-policy.json'] },
    });
    expect(seen?.bindings?.caller.map((p) => p.file.name)).toEqual(['policies/role-policy.json']);
  });
});

describe('suppressions', () => {
  const files = {
    'bad.json': '{',
    'role.json': ROLE,
    'other.json': '[',
  };
  const suppressions = [
    { rule: 'parse-*', files: 'bad.json', justification: 'a broken test input, on purpose' },
    { rule: 'parse-error', files: 'gone/**', justification: 'stale' },
  ];

  it('leave the text output and the exit code, stay in SARIF and JSON with the justification', () => {
    const dir = repo({ ...files, [CONFIG_FILE]: config({ suppressions }) });
    const text = cli(['.'], { cwd: dir });
    expect(text.status).toBe(1);
    expect(text.stdout).not.toContain('bad.json');
    expect(text.stdout).toContain('other.json:1:2 error parse-error');
    expect(text.stdout).toContain(
      '.s3tables-lint.json:8:5 note unused-suppression suppression of parse-error in gone/** matches no finding',
    );
    expect(cli(['bad.json'], { cwd: dir })).toMatchObject({ status: 0, stdout: '' });

    const sarif = JSON.parse(cli(['-f', 'sarif', '.'], { cwd: dir }).stdout) as {
      runs: { results: { ruleId: string; locations: unknown[]; suppressions?: unknown }[] }[];
    };
    const results = sarif.runs[0]?.results ?? [];
    const bad = results.find((r) => JSON.stringify(r.locations).includes('"bad.json"'));
    expect(bad?.suppressions).toEqual([
      { kind: 'external', justification: 'a broken test input, on purpose' },
    ]);
    expect(results.filter((r) => r.suppressions)).toHaveLength(1);

    const json = JSON.parse(cli(['-f', 'json', '.'], { cwd: dir }).stdout) as {
      findings: { file: string; suppressed?: unknown }[];
    };
    expect(json.findings.find((f) => f.file === 'bad.json')?.suppressed).toEqual({
      justification: 'a broken test input, on purpose',
    });
    expect(json.findings.find((f) => f.file === 'other.json')?.suppressed).toBeUndefined();
  });

  it('a resource narrows a suppression to findings about that ARN', async () => {
    const dir = repo({ 'role.json': ROLE, 'pkg.json': '{"name":"x"}' });
    const flagTrust = defineRule({
      id: 'flag-trust',
      description: 'Flags every trust statement.',
      level: 'error',
      helpUri: 'https://example.com/',
      check({ model, report }) {
        for (const r of model.roles)
          if (r.trust) report({ doc: r.trust, path: ['Statement', 0], message: 'm' });
      },
    });
    const run = async (resource: string) => {
      writeFileSync(
        join(dir, CONFIG_FILE),
        config({ suppressions: [{ rule: 'flag-trust', files: '*.json', resource, justification: 'j' }] }),
      );
      return lint(['role.json'], { cwd: dir, rules: [flagTrust], config: loadConfig(CONFIG_FILE, dir) });
    };
    // The trust policy's owner is the role: its ARN is what the finding is about.
    expect((await run('arn:aws:iam::111122223333:role/Replicator')).suppressed).toHaveLength(1);
    expect((await run('arn:aws:iam::*:role/Repl*')).suppressed).toHaveLength(1);
    // A string under the finding's path counts too.
    expect((await run('s3.amazonaws.com')).suppressed).toHaveLength(1);
    const other = await run('arn:aws:iam::111122223333:role/Other');
    expect(other.suppressed).toHaveLength(0);
    expect(other.findings.map((f) => f.ruleId)).toEqual(['flag-trust']);
    // A glob that made the old regular expression backtrack for 50 s against a 60-character role
    // name: matched in linear time.
    writeFileSync(join(dir, 'role.json'), ROLE.replaceAll('Replicator', 'a'.repeat(60)));
    expect((await run(`arn:aws:iam::*:role/${'*a'.repeat(7)}*b`)).suppressed).toHaveLength(0);
    expect((await run(`arn:aws:iam::*:role/${'*a'.repeat(7)}*`)).suppressed).toHaveLength(1);
    writeFileSync(join(dir, 'role.json'), ROLE);
    // `?` is one UTF-16 unit, as before.
    expect((await run('arn:aws:iam::111122223333:role/Replicato?')).suppressed).toHaveLength(1);
  });
});

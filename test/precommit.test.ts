import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { git, GIT_ENV, installed, snapshot } from './helpers/repo.js';

// The real framework (Debian's pre-commit, installed by .ci/run). The hook installs once per file
// from scratch (npm install, build, npm pack, global install of the tarball): tens of seconds.
const available = installed('pre-commit');
const skip = !available && !process.env['CI'];
if (skip)
  console.warn('precommit.test.ts: skipped: pre-commit is not installed (.ci/run installs it; CI runs this)');

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  exclude: string;
  pass_filenames: boolean;
  require_serial: boolean;
}
const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

describe('.pre-commit-hooks.yaml', () => {
  it('declares the s3tables-lint node hook that re-lints whole setups when a JSON file is staged', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      id: 's3tables-lint',
      language: 'node',
      entry: 's3tables-lint --allow-empty',
      // The scan set, not the staged files: a file alone cannot say which setup it belongs to.
      pass_filenames: false,
      require_serial: true,
    });
    expect(Object.keys(pkg.bin)).toContain(hooks[0]?.entry.split(' ')[0]);
  });

  it('runs for JSON files and the config file, not for JSON-with-comments', () => {
    const hook = hooks[0] as Hook;
    const selected = (f: string): boolean =>
      new RegExp(hook.files).test(f) && !new RegExp(hook.exclude).test(f);
    for (const f of [
      'replication.json',
      'infra/iam/role.json',
      'package.json',
      '.s3tables-lint.json',
      'infra/replication.yaml',
      'stack.yml',
      'legacy/stack.template',
      'cdk.out/App.template.json',
    ])
      expect(selected(f), f).toBe(true);
    for (const f of [
      'tsconfig.json',
      'app/tsconfig.build.json',
      '.vscode/settings.json',
      '.devcontainer/devcontainer.json',
      'package-lock.json',
      'README.md',
      'x.json5',
      '.github/workflows/ci.yml',
      '.gitlab-ci.yml',
      '.pre-commit-config.yaml',
    ])
      expect(selected(f), f).toBe(false);
  });
});

describe.skipIf(skip)('pre-commit validates the hook manifest and the README snippet', () => {
  it('validate-manifest .pre-commit-hooks.yaml', () => {
    const r = spawnSync('pre-commit', ['validate-manifest', join(ROOT, '.pre-commit-hooks.yaml')], {
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it("validate-config on the README's .pre-commit-config.yaml", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /### pre-commit[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(snippet).toContain('id: s3tables-lint');
    const file = join(mkdtempSync(join(tmpdir(), 's3tl-pc-config-')), '.pre-commit-config.yaml');
    writeFileSync(file, snippet);
    const r = spawnSync('pre-commit', ['validate-config', file], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe.skipIf(skip)('pre-commit run with the hook pinned by commit (the real framework)', () => {
  let hookRepo = '';
  let target = '';
  // One home for the file, and the hook pinned by commit in the target's config (not try-repo,
  // which clones afresh each time): pre-commit installs the hook once, as for a user.
  let home = '';
  const run = (...args: string[]) => {
    const r = spawnSync('pre-commit', ['run', 's3tables-lint', ...args], {
      cwd: target,
      encoding: 'utf8',
      env: { ...process.env, ...GIT_ENV, PRE_COMMIT_HOME: home, PRE_COMMIT_COLOR: 'never' },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    expect(available, 'pre-commit must be installed in CI (.ci/run installs it)').toBe(true);
    hookRepo = snapshot();
    home = mkdtempSync(join(tmpdir(), 's3tl-pre-commit-home-'));
    // A user's repository: a correct replication setup, a package.json and a tsconfig with comments.
    target = mkdtempSync(join(tmpdir(), 's3tl-pre-commit-target-'));
    mkdirSync(join(target, 'infra'));
    for (const f of readdirSync(join(ROOT, 'examples/table-level')))
      copyFileSync(join(ROOT, 'examples/table-level', f), join(target, 'infra', f));
    writeFileSync(join(target, 'package.json'), '{ "name": "app", "version": "1.0.0" }\n');
    writeFileSync(
      join(target, 'tsconfig.json'),
      '{\n  // comments: JSONC, not JSON\n  "compilerOptions": {}\n}\n',
    );
    const rev = git(hookRepo, 'rev-parse', 'HEAD').trim();
    writeFileSync(
      join(target, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: s3tables-lint\n`,
    );
    git(target, '-c', 'init.defaultBranch=main', 'init', '-q');
    git(target, 'add', '-A');
  });

  it(
    'passes on a clean repository (the whole scan set; package.json and tsconfig are not AWS documents)',
    { timeout: 300_000 },
    () => {
      const r = run('--all-files', '--verbose');
      expect(r.out).toMatch(/s3tables-lint\.+Passed/);
      expect(r.out).not.toContain('package.json');
      expect(r.out).not.toContain('tsconfig.json');
      expect(r.status).toBe(0);
    },
  );

  it('fails on a broken file, naming the finding (one file)', { timeout: 300_000 }, () => {
    writeFileSync(join(target, 'infra', 'broken.json'), '{ "Version": "2012-10-17", "Statement": [\n');
    git(target, 'add', '-A');
    const r = run('--files', 'infra/broken.json');
    expect(r.out).toMatch(/s3tables-lint\.+Failed/);
    expect(r.out).toMatch(/infra\/broken\.json:2:1 error parse-error invalid JSON/);
    expect(r.status).toBe(1);
    git(target, 'rm', '-q', '-f', 'infra/broken.json');
  });

  // Issue 13: a change to one file of a setup, only that file staged, must re-check the whole
  // setup. Each change breaks the setup in a way only the other files can show.
  const edit = (file: string, change: (doc: Record<string, unknown>) => void): void => {
    const path = join(target, 'infra', file);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    change(doc);
    writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
    git(target, 'add', `infra/${file}`);
  };
  const restore = (file: string): void => void git(target, 'checkout', 'HEAD', '--', `infra/${file}`);
  const statements = (doc: Record<string, unknown>, key: string): Record<string, unknown>[] =>
    (doc[key] as { Statement: Record<string, unknown>[] }).Statement;

  describe('a single-file change fails the hook when it breaks the setup', () => {
    beforeAll(() => {
      git(target, 'commit', '-q', '-m', 'correct setup');
    });

    it('the trust policy names s3tables.amazonaws.com', { timeout: 300_000 }, () => {
      edit('role.json', (doc) => {
        const role = doc['Role'] as Record<string, unknown>;
        (statements(role, 'AssumeRolePolicyDocument')[0] as { Principal: unknown }).Principal = {
          Service: 's3tables.amazonaws.com',
        };
      });
      const r = run('--files', 'infra/role.json');
      restore('role.json');
      expect(r.out).toMatch(/s3tables-lint\.+Failed/);
      expect(r.out).toMatch(
        /infra\/role\.json:\d+:\d+ error role-trust the role trusts s3tables\.amazonaws\.com/,
      );
      expect(r.status).toBe(1);
    });

    it('the role policy loses its destination statements', { timeout: 300_000 }, () => {
      edit('role-policy.json', (doc) => {
        const list = statements(doc, 'PolicyDocument');
        list.splice(
          0,
          list.length,
          ...list.filter((s) => !JSON.stringify(s['Resource']).includes('replica')),
        );
      });
      const r = run('--files', 'infra/role-policy.json');
      restore('role-policy.json');
      expect(r.out).toMatch(/s3tables-lint\.+Failed/);
      expect(r.out).toMatch(
        /infra\/role-policy\.json:\d+:\d+ error role-permissions .* on destination bucket/,
      );
      expect(r.status).toBe(1);
    });

    it('the replication config gains a destination the role may not write', { timeout: 300_000 }, () => {
      edit('replication.json', (doc) => {
        const rules = (doc['configuration'] as { rules: { destinations: unknown[] }[] }).rules;
        rules[0]?.destinations.push({
          destinationTableBucketARN: 'arn:aws:s3tables:eu-west-1:111122223333:bucket/analytics-eu',
        });
      });
      const r = run('--files', 'infra/replication.json');
      restore('replication.json');
      expect(r.out).toMatch(/s3tables-lint\.+Failed/);
      // The finding is in the file that was not staged: the role policy must grant the new bucket.
      expect(r.out).toMatch(/infra\/role-policy\.json:\d+:\d+ error role-permissions .*analytics-eu/);
      expect(r.status).toBe(1);
    });
  });
});

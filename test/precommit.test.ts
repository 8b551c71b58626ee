import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { git, GIT_ENV, installed, snapshot } from './helpers/repo.js';

// The real framework (Debian's pre-commit, installed by .ci/run). Each try-repo installs the hook
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
  it('declares the s3tables-lint node hook that runs the package bin on the staged JSON files', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      id: 's3tables-lint',
      language: 'node',
      entry: 's3tables-lint',
      pass_filenames: true,
      require_serial: false,
    });
    expect(Object.keys(pkg.bin)).toContain(hooks[0]?.entry);
  });

  it('selects JSON files but not JSON-with-comments or the config file', () => {
    const hook = hooks[0] as Hook;
    const selected = (f: string): boolean =>
      new RegExp(hook.files).test(f) && !new RegExp(hook.exclude).test(f);
    for (const f of [
      'replication.json',
      'infra/iam/role.json',
      'package.json',
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
      '.s3tables-lint.json',
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

describe.skipIf(skip)('pre-commit try-repo (the real framework)', () => {
  let hookRepo = '';
  let target = '';
  const run = (...args: string[]) => {
    const r = spawnSync('pre-commit', ['try-repo', hookRepo, 's3tables-lint', ...args], {
      cwd: target,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...GIT_ENV,
        PRE_COMMIT_HOME: mkdtempSync(join(tmpdir(), 's3tl-pre-commit-home-')),
        PRE_COMMIT_COLOR: 'never',
      },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    expect(available, 'pre-commit must be installed in CI (.ci/run installs it)').toBe(true);
    hookRepo = snapshot();
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
    git(target, '-c', 'init.defaultBranch=main', 'init', '-q');
    git(target, 'add', '-A');
  });

  it(
    'passes on a clean repository (many files in one call; package.json is only a warning)',
    { timeout: 300_000 },
    () => {
      const r = run('--all-files', '--verbose');
      expect(r.out).toMatch(/s3tables-lint\.+Passed/);
      expect(r.out).toContain('package.json:1:1 warning unknown-document');
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
  });
});

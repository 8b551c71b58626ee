import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { git, GIT_ENV, installed } from './helpers/repo.js';

/**
 * The release tree (scripts/release-tree.mjs): what a release tag holds. The Action runs it with no
 * install, and pre-commit installs it without devDependencies and without building.
 */
interface Step {
  id?: string;
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { steps: Step[] };
}

let tree = '';
beforeAll(() => {
  tree = join(mkdtempSync(join(tmpdir(), 's3tl-release-')), 'tree');
  // npm test has just built dist/.
  execFileSync(process.execPath, [join(ROOT, 'scripts/release-tree.mjs'), tree, '--no-build'], {
    stdio: 'ignore',
  });
}, 120_000);

/** A repository with the broken-trust-principal setup in infra/. */
function target(): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-release-target-'));
  mkdirSync(join(dir, 'infra'));
  const src = join(ROOT, 'examples/table-level');
  for (const f of readdirSync(src)) copyFileSync(join(src, f), join(dir, 'infra', f));
  return dir;
}

describe('release tree', () => {
  it('holds the build, a package.json without devDependencies or scripts, and the runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(tree, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['devDependencies']).toBeUndefined();
    expect(pkg['scripts']).toBeUndefined();
    for (const dep of Object.keys(pkg['dependencies'] as object))
      expect(existsSync(join(tree, 'node_modules', dep, 'package.json')), dep).toBe(true);
    expect(existsSync(join(tree, 'node_modules/esbuild'))).toBe(false);
    expect(existsSync(join(tree, 'dist/cli.cjs'))).toBe(true);
    const action = parse(readFileSync(join(tree, 'action.yml'), 'utf8')) as Action;
    expect(action.runs.steps.map((s) => s.run ?? '').join('\n')).not.toMatch(/npm (ci|install)/);
  });

  it('its Action lint step runs with no install and fails on a broken setup, with annotations', () => {
    const action = parse(readFileSync(join(tree, 'action.yml'), 'utf8')) as Action;
    const step = action.runs.steps.find((s) => s.id === 'lint') as Step;
    const dir = target();
    const trustFile = join(dir, 'infra/role.json');
    writeFileSync(trustFile, readFileSync(trustFile, 'utf8').replace('replication.s3tables', 's3tables'));
    const inputs: Record<string, string> = {
      ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])),
      paths: 'infra/',
    };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {}))
      env[k] = v
        .replace('${{ github.action_path }}', tree)
        .replace(/\$\{\{ inputs\.([a-z-]+) \}\}/, (_m, name: string) => inputs[name] ?? '');
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    // A PATH without npm would prove nothing more: the tree is outside this repository, so Node
    // resolves the dependencies from the tree's own node_modules.
    const r = spawnSync('bash', ['-e', '-c', step.run ?? ''], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...env, GITHUB_OUTPUT: output, RUNNER_TEMP: dir, NO_COLOR: '1' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error file=infra\/role\.json,.*title=role-trust::/m);
    const sarif = JSON.parse(readFileSync(join(dir, 's3tables-lint.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.runs[0]?.results.map((x) => x.ruleId)).toContain('role-trust');
  });
});

// The real pre-commit against the release tree as a tag would hold it.
const skip = !installed('pre-commit') && !process.env['CI'];
describe.skipIf(skip)('pre-commit installs the release tree without building', () => {
  it('installs, and a single-file change to a setup fails the hook', { timeout: 300_000 }, () => {
    git(tree, '-c', 'init.defaultBranch=release', 'init', '-q');
    git(tree, 'add', '-A');
    git(tree, 'commit', '-q', '-m', 'release tree');
    const rev = git(tree, 'rev-parse', 'HEAD').trim();
    const dir = target();
    writeFileSync(
      join(dir, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${tree}\n    rev: ${rev}\n    hooks:\n      - id: s3tables-lint\n`,
    );
    git(dir, '-c', 'init.defaultBranch=main', 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'setup');
    const home = mkdtempSync(join(tmpdir(), 's3tl-release-home-'));
    const run = (...args: string[]) => {
      const r = spawnSync('pre-commit', args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...GIT_ENV, PRE_COMMIT_HOME: home, PRE_COMMIT_COLOR: 'never' },
      });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };
    expect(run('install-hooks').status).toBe(0);
    // Nothing was built: no build tool in the hook's environment.
    const found = execFileSync(
      'find',
      [home, '-type', 'd', '(', '-name', 'esbuild', '-o', '-name', 'typescript', ')'],
      {
        encoding: 'utf8',
      },
    );
    expect(found).toBe('');
    const role = join(dir, 'infra/role.json');
    writeFileSync(role, readFileSync(role, 'utf8').replace('replication.s3tables', 's3tables'));
    git(dir, 'add', 'infra/role.json');
    const r = run('run', 's3tables-lint', '--files', 'infra/role.json');
    expect(r.out).toMatch(/s3tables-lint\.+Failed/);
    expect(r.out).toMatch(/infra\/role\.json:\d+:\d+ error role-trust/);
    expect(r.status).toBe(1);
  });
});

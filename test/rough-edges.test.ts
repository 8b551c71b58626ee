import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint.js';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

/** What a new user met on a first run (issue 13, item 9). */
function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-edges-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const example = (f: string): string => join(ROOT, 'examples/table-level', f);

describe('first-run rough edges', () => {
  it('-o into a directory that does not exist is one line, exit 2 (not created: a typo would scatter reports)', () => {
    const dir = scratch();
    const r = cli([example('replication.json'), '-f', 'sarif', '-o', 'reports/ci/x.sarif'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^s3tables-lint: .*reports\/ci/);
  });

  it('a binding flag names the flag in its error, and says that - cannot be bound', () => {
    expect(
      cli([example('replication.json'), '--caller-policy', 'nope.json'], { cwd: scratch() }),
    ).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: --caller-policy nope.json: no such file\n',
    });
    for (const flag of ['--caller-policy', '--role-policy', '--trust-policy']) {
      const r = cli([example('replication.json'), flag, '-'], { input: '{}' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `s3tables-lint: ${flag} takes a file, not - (standard input cannot be bound): save the policy to a file and give its path\n`,
      );
    }
  });

  it('--role-policy with no replication config lints the file as the role policy, says what did not run, exits by findings', () => {
    // A Principal in an identity policy is a grammar error only when the file is known to be one.
    const dir = scratch({
      'role.json': JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3tables:GetTable', Resource: '*' },
        ],
      }),
      'clean.json': readFileSync(example('role-policy.json'), 'utf8'),
    });
    const r = cli(['role.json', '--role-policy', 'role.json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^role\.json:1:\d+ error policy-grammar .*Principal/m);
    expect(r.stdout).toMatch(
      /^not checked: .*role-permissions.*: no replication configuration among the inputs/m,
    );
    const clean = cli(['clean.json', '--role-policy', 'clean.json'], { cwd: dir });
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/^not checked: /m);
  });

  it('an empty directory is one error line', () => {
    const r = cli(['.'], { cwd: scratch() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      's3tables-lint: no files to lint in . (looked for **/*.json, **/*.yaml, **/*.yml, **/*.template; --allow-empty accepts that)\n',
    );
  });

  it('--explain says "does not match", never "does not matche"', () => {
    const dir = 'examples/broken-missing-destination';
    const r = cli([dir, '--caller-policy', `${dir}/caller-policy.json`, '--explain']);
    expect(r.stdout).toContain('Resource does not match arn:');
    expect(r.stdout).not.toContain('matche ');
  });

  it('result.suppressed is always an array (strict consumers need no check)', async () => {
    const result = await lint([example('replication.json')]);
    const count: number = result.suppressed.length; // compiles under strict: not optional
    expect(count).toBe(0);
    expect(existsSync(example('replication.json'))).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const setup = /## Set-up[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n') ?? [];

describe('README set-up', () => {
  it('is two commands: install and lint the examples, then the test command CI runs', () => {
    expect(setup).toHaveLength(2);
    expect(setup[0]).toMatch(/^npm ci && npx s3tables-lint examples\/$/);
    expect(setup[1]).toBe('npm test');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('the main command lints the examples: the correct setup is clean, the broken one is not', () => {
    // `npm ci` has run (this suite runs after it); the rest of the command, as users run it.
    const args = (setup[0] ?? '').replace(/^npm ci && npx s3tables-lint /, '').split(' ');
    const r = cli(args, { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/^examples\/table-level\//m);
    expect(r.status).toBe(r.stdout === '' ? 0 : 1);
  });
});

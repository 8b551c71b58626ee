import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';
import type { Finding } from '../src/rule.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const setup = /## Set-up[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n') ?? [];

describe('README set-up', () => {
  it('is two commands: install and lint the examples, then the test command CI runs', () => {
    expect(setup).toHaveLength(2);
    expect(setup[0]).toMatch(/^npm ci && npx s3tables-lint examples\/$/);
    expect(setup[1]).toBe('npm test');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  // `npm ci` has run (this suite runs after it); the rest of the command, as users run it.
  const args = (setup[0] ?? '').replace(/^npm ci && npx s3tables-lint /, '').split(' ');

  it('the main command lints the examples: the correct setups are clean, the broken one fails', () => {
    const r = cli(args, { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^examples\/broken-table-level\/replication\.json:\d+:\d+ error /m);
    expect(r.stdout).not.toMatch(/^examples\/(?!broken-)/m);
    expect(r.status).toBe(1);
  });

  it('the broken example shows the mistakes it was built with', () => {
    const r = cli(['--format', 'json', ...args], { cwd: ROOT });
    const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
    const correct = ['examples/table-level/', 'examples/bucket-level-cross-account/'];
    expect(findings.filter((f) => correct.some((dir) => f.file.startsWith(dir)))).toEqual([]);
    const broken = findings.filter((f) => f.file.startsWith('examples/broken-table-level/'));
    expect(broken.some((f) => f.level === 'error')).toBe(true);
    const at = (ruleId: string) =>
      broken.filter((f) => f.ruleId === ruleId).map((f) => `${f.file}:${f.path.join('.')}`);
    // A destination written as a table ARN, and the source table's own bucket as a destination.
    const dest = (i: number) =>
      `examples/broken-table-level/replication.json:configuration.rules.0.destinations.${i}.destinationTableBucketARN`;
    expect(at('table-bucket-arn')).toEqual([dest(0)]);
    expect(at('destination-is-source')).toEqual([dest(1)]);
    expect(r.status).toBe(1);
  });
});

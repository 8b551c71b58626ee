import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

/** Get...Replication output names no source; --source says which one it belongs to. */
const EX = join(ROOT, 'examples/broken-missing-destination');
const put = JSON.parse(readFileSync(join(EX, 'replication.json'), 'utf8')) as {
  tableArn: string;
  configuration: unknown;
};

function getOutput(): string {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-source-'));
  for (const f of ['role.json', 'role-policy.json']) copyFileSync(join(EX, f), join(dir, f));
  writeFileSync(
    join(dir, 'get.json'),
    JSON.stringify({ versionToken: 'v1', configuration: put.configuration }),
  );
  return dir;
}

describe('--source', () => {
  it('without it, the permission checks of Get...Replication output say they did not run and how', () => {
    const r = cli(['.', '--rule', 'role-permissions'], { cwd: getOutput() });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^not checked: role-permissions: get\.json: no source ARN \(.*--source ARN/m);
  });

  it('with it, the setup is checked whole (a table ARN: table level)', () => {
    const r = cli(['.', '--rule', 'role-permissions', '--source', put.tableArn], { cwd: getOutput() });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^role-policy\.json:\d+:\d+ error role-permissions .*metrics-eu/m);
    expect(r.stdout).not.toContain('not checked');
  });

  it('suggest accepts it too; a bad or ambiguous --source is one line, exit 2', () => {
    const dir = getOutput();
    const s = cli(['suggest', 'get.json', '--source', put.tableArn], { cwd: dir });
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout)).toHaveProperty('rolePolicy');
    expect(cli(['suggest', 'get.json'], { cwd: dir }).stderr).toContain('--source ARN');
    expect(cli(['.', '--source', 'arn:aws:s3:::b'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: --source arn:aws:s3:::b: not an S3 Tables table or table bucket ARN\n',
    });
    writeFileSync(
      join(dir, 'get-2.json'),
      JSON.stringify({ versionToken: 'v2', configuration: put.configuration }),
    );
    const two = cli(['.', '--source', put.tableArn], { cwd: dir });
    expect(two.status).toBe(2);
    expect(two.stderr).toMatch(/^s3tables-lint: --source is ambiguous: 2 replication configurations/);
  });
});

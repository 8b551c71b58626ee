import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 's3tl-cli-'));
const POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3tables:GetTable","Resource":"*"}]}';

describe('CLI', () => {
  it('--help and --version exit 0', () => {
    expect(cli(['--help'])).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('Usage: s3tables-lint'),
    });
    expect(cli(['--version']).stdout).toMatch(/^s3tables-lint \d+\.\d+\.\d+/);
  });

  it('exits 0 on a clean file, 1 on an error finding, 2 on a usage error', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'ok.json'), POLICY);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(cli(['ok.json'], { cwd: dir }).status).toBe(0);
    const bad = cli(['bad.json'], { cwd: dir });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('bad.json:1:2 error parse-error');
    const usage = cli(['--format', 'xml', 'ok.json'], { cwd: dir });
    expect(usage).toMatchObject({ status: 2, stdout: '' });
    expect(usage.stderr).toBe('s3tables-lint: --format must be one of text, json, sarif; got "xml"\n');
    expect(cli(['--bogus'], { cwd: dir }).stderr).toMatch(/^s3tables-lint: Unknown option '--bogus'.*\n$/);
  });

  it('--fail-on lowers the bar: a warning fails only with --fail-on warning', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'package.json'), '{"name":"x"}');
    expect(cli(['package.json'], { cwd: dir }).status).toBe(0);
    expect(cli(['--fail-on', 'warning', 'package.json'], { cwd: dir }).status).toBe(1);
    expect(cli(['--fail-on', 'note', 'package.json'], { cwd: dir }).status).toBe(1);
  });

  it('a path that does not exist is exit 2 with one line', () => {
    const r = cli(['nope.json'], { cwd: scratch() });
    expect(r).toMatchObject({ status: 2, stderr: 's3tables-lint: no such file or directory: nope.json\n' });
  });

  it('a directory with nothing to lint says so and exits 2, or 0 with --allow-empty', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'package.json'), '{"name":"x"}');
    const r = cli(['empty'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nothing to lint in empty');
    expect(cli(['--allow-empty', 'empty'], { cwd: dir }).status).toBe(0);
  });

  it('reads stdin for -', () => {
    const r = cli(['-'], { input: '{"Statement": [' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^<stdin>:1:16 error parse-error invalid JSON/);
  });

  it('--output writes the report to a file', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.json'), '[');
    const r = cli(['--format', 'json', '--output', 'out.json', 'bad.json'], { cwd: dir });
    expect(r).toMatchObject({ status: 1, stdout: '' });
  });

  it('--rule and --skip select rules by glob; an unknown glob is a usage error', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.json'), '[');
    expect(cli(['--skip', 'parse-*', 'bad.json'], { cwd: dir }).status).toBe(0);
    expect(cli(['--rule', 'parse-error', 'bad.json'], { cwd: dir }).status).toBe(1);
    expect(cli(['--rule', 'no-such-rule', 'bad.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: no rule matches "no-such-rule"\n',
    });
  });
});

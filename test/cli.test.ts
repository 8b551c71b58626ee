import { mkdtempSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
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
    expect(usage.stderr).toBe(
      's3tables-lint: --format must be one of text, json, sarif, github; got "xml"\n',
    );
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

  it('bad input is a finding with exit 1, never a stack trace or a hang', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'ok.json'), POLICY);
    writeFileSync(join(dir, 'in', 'deep.json'), `{"Statement":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    writeFileSync(join(dir, 'in', 'bom.json'), `\uFEFF${POLICY}`);
    symlinkSync('..', join(dir, 'in', 'cycle'));
    symlinkSync('loop.json', join(dir, 'in', 'loop.json'));
    symlinkSync('missing.json', join(dir, 'in', 'dangling.json'));
    const r = cli(['in'], { cwd: dir });
    // `cycle -> ..` leaves the scanned tree: not followed, and said.
    expect(r.stderr).toBe(
      `s3tables-lint: not following in/cycle: a symbolic link out of in (to ${realpathSync(dir)})\n`,
    );
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').filter((l) => / error /.test(l))).toEqual([
      'in/dangling.json:1:1 error parse-error cannot read file: it is a symbolic link to missing.json, which does not exist (ENOENT)',
      'in/deep.json:1:1 error parse-error JSON nests deeper than 64 levels; no IAM or replication document does',
      'in/loop.json:1:1 error parse-error cannot read file: it is a symbolic link that loops (ELOOP)',
    ]);
  });

  it('a dangling link named on the command line is a finding, a missing path a usage error', () => {
    const dir = scratch();
    symlinkSync('missing.json', join(dir, 'dangling.json'));
    const r = cli(['dangling.json'], { cwd: dir });
    expect(r).toMatchObject({ status: 1, stderr: '' });
    expect(r.stdout).toMatch(
      /^dangling\.json:1:1 error parse-error cannot read file: it is a symbolic link to missing\.json/,
    );
    expect(cli(['missing.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 's3tables-lint: no such file or directory: missing.json\n',
    });
  });

  it('a directory with no JSON at all says so and exits 2; --allow-empty makes it 0', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'README.md'), '# nothing here');
    const r = cli(['docs'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      's3tables-lint: no files to lint in docs (looked for **/*.json, **/*.yaml, **/*.yml, **/*.template; --allow-empty accepts that)\n',
    );
    expect(cli(['--allow-empty', 'docs'], { cwd: dir })).toMatchObject({ status: 0, stdout: '' });
  });
});

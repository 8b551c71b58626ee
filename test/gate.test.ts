import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdict } from '../src/gate.js';
import type { Finding, Level } from '../src/result.js';
import { cli } from './helpers/cli.js';

const finding = (level: Level): Finding => ({
  ruleId: 'r',
  level,
  message: 'm',
  file: 'f.json',
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 2,
  path: [],
  fingerprint: '0',
});

describe('verdict (--fail-on, --max-warnings)', () => {
  const two = [finding('warning'), finding('warning'), finding('note')];
  it.each<[string, Finding[], Parameters<typeof verdict>[1], boolean]>([
    ['an error at the default floor', [finding('error')], { failOn: 'error' }, true],
    ['warnings at the default floor', two, { failOn: 'error' }, false],
    ['warnings at --fail-on warning', two, { failOn: 'warning' }, true],
    ['an error at --fail-on none', [finding('error')], { failOn: 'none' }, false],
    ['2 warnings, --max-warnings 2', two, { failOn: 'error', maxWarnings: 2 }, false],
    ['2 warnings, --max-warnings 1', two, { failOn: 'error', maxWarnings: 1 }, true],
    ['2 warnings, --fail-on none --max-warnings 1', two, { failOn: 'none', maxWarnings: 1 }, true],
    ['notes do not count as warnings', [finding('note')], { failOn: 'error', maxWarnings: 0 }, false],
  ])('%s → fail %s', (_name, findings, gate, fail) => {
    expect(verdict(findings, gate).fail).toBe(fail);
  });
});

describe('CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-gate-'));
  // Two warnings (policy-version, unknown-action) and no error.
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3tables:NoSuchAction', Resource: '*' }] }),
  );
  writeFileSync(join(dir, 'bad.json'), '[');

  it('--fail-on none reports errors but exits 0', () => {
    const r = cli(['bad.json', '--fail-on', 'none'], { cwd: dir });
    expect(r.stdout).toContain('error parse-error');
    expect(r.status).toBe(0);
  });

  it('--max-warnings: exit 1 above the budget, with one line saying so', () => {
    const over = cli(['policy.json', '--max-warnings', '1'], { cwd: dir });
    expect(over.stdout).toContain('2 problems (0 errors, 2 warnings, 0 notes)');
    expect(over.status).toBe(1);
    expect(over.stderr).toBe('s3tables-lint: too many warnings: 2 (maximum: 1, --max-warnings)\n');
    expect(cli(['policy.json', '--max-warnings', '2'], { cwd: dir }).status).toBe(0);
    expect(cli(['policy.json', '--fail-on', 'none', '--max-warnings', '0'], { cwd: dir }).status).toBe(1);
  });

  it('--max-warnings takes a whole number; the config file can set both', () => {
    expect(cli(['policy.json', '--max-warnings', 'ten'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr:
        's3tables-lint: --max-warnings must be a whole number (0 or more, or -1 for no limit); got "ten"\n',
    });
    // ESLint's spelling of "no limit"; parseArgs wants = before a value starting with a dash.
    expect(cli(['policy.json', '--fail-on', 'warning', '--max-warnings=-1'], { cwd: dir }).status).toBe(1);
    expect(cli(['policy.json', '--max-warnings=-1'], { cwd: dir }).status).toBe(0);
    const dash = cli(['policy.json', '--max-warnings', '-1'], { cwd: dir });
    expect(dash.status).toBe(2);
    expect(dash.stderr.trimEnd().split('\n')).toHaveLength(1);
    const config = join(dir, 'gate.json');
    writeFileSync(config, JSON.stringify({ failOn: 'none', maxWarnings: 1 }));
    expect(cli(['bad.json', '-c', config], { cwd: dir }).status).toBe(0);
    expect(cli(['policy.json', '-c', config], { cwd: dir }).status).toBe(1);
    expect(cli(['policy.json', '-c', config, '--max-warnings', '5'], { cwd: dir }).status).toBe(0);
    writeFileSync(config, JSON.stringify({ maxWarnings: 1.5 }));
    expect(cli(['policy.json', '-c', config], { cwd: dir }).stderr).toContain(
      'maxWarnings must be a whole number',
    );
  });
});

describe('--list-rules', () => {
  it('prints every rule with its level and description, as text or JSON', () => {
    const t = cli(['--list-rules']);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^passrole-condition +error +A policy that allows iam:PassRole/m);
    const j = JSON.parse(cli(['--list-rules', '--format', 'json']).stdout) as {
      rules: { id: string; level: string; tags: string[]; securitySeverity?: number; helpUri: string }[];
    };
    expect(j.rules.length).toBe(t.stdout.trimEnd().split('\n').length);
    expect(j.rules.find((r) => r.id === 'role-trust')).toMatchObject({
      level: 'error',
      securitySeverity: 7.5,
    });
    expect(cli(['--list-rules', '--format', 'sarif']).status).toBe(2);
  });
});

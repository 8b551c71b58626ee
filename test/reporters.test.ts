import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOOL, type LintResult } from '../src/lint.js';
import { escapeData, escapeProperty, github } from '../src/reporters/github.js';
import { json } from '../src/reporters/json.js';
import { text, useColor, type ColorContext } from '../src/reporters/text.js';
import type { Finding } from '../src/rule.js';
import { cli } from './helpers/cli.js';

const base: Finding = {
  ruleId: 'demo-rule',
  level: 'error',
  message: 'Resource "*" grants every table; name the table ARN.',
  file: 'policies/role.json',
  line: 3,
  column: 81,
  endLine: 3,
  endColumn: 84,
  path: ['Statement', 0, 'Resource'],
  fingerprint: '0123456789abcdef0123456789abcdef',
};
const withFix: Finding = {
  ...base,
  level: 'warning',
  line: 9,
  endLine: 9,
  fix: { description: 'Use this Resource:', value: ['arn:aws:s3tables:us-east-1:111122223333:bucket/b'] },
  explain: ['Allow statement 0 matches s3tables:GetTable'],
};
const note: Finding = {
  ...base,
  level: 'note',
  file: 'a.json',
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 2,
};

function result(findings: Finding[]): LintResult {
  return {
    tool: TOOL,
    findings,
    suppressed: [],
    rules: [],
    notRun: [{ rule: 'demo-aws', reason: 'needs AWS access' }],
    crashed: false,
    files: 2,
    notes: [],
  };
}

describe('text reporter', () => {
  it('prints file:line:col level rule message, the fix under its finding, and a summary', () => {
    expect(text(result([base, withFix]), { color: false })).toBe(
      [
        'policies/role.json:3:81 error demo-rule Resource "*" grants every table; name the table ARN.',
        'policies/role.json:9:81 warning demo-rule Resource "*" grants every table; name the table ARN.',
        '  fix: Use this Resource:',
        '    [',
        '      "arn:aws:s3tables:us-east-1:111122223333:bucket/b"',
        '    ]',
        '2 problems (1 error, 1 warning, 0 notes)',
        'not checked: demo-aws: needs AWS access',
        '',
      ].join('\n'),
    );
  });

  it('ends with the checks that did not run, one line per reason, control characters escaped', () => {
    const notRun = [
      { rule: 'rule-a', reason: 'no caller policy (--caller-policy FILE)' },
      { rule: 'rule-b', reason: 'no caller policy (--caller-policy FILE)' },
      { rule: 'rule-a', reason: 'no caller policy (--caller-policy FILE)' },
      { rule: 'rule-c', reason: 'evil\nfile.json:1:1 error forged' },
    ];
    expect(text({ findings: [], notRun }, { color: false })).toBe(
      [
        'not checked: rule-a, rule-b: no caller policy (--caller-policy FILE)',
        'not checked: rule-c: evil\\nfile.json:1:1 error forged',
        '',
      ].join('\n'),
    );
  });

  it('prints explanations only with explain', () => {
    expect(text(result([withFix]), { color: false })).not.toContain('Allow statement 0');
    expect(text(result([withFix]), { color: false, explain: true })).toContain(
      '\n    Allow statement 0 matches s3tables:GetTable\n  fix:',
    );
  });

  it('is empty when there is nothing to report', () => {
    expect(text({ ...result([]), notRun: [] }, { color: false })).toBe('');
  });

  it('colours the level and dims the rule id only when asked', () => {
    const coloured = text(result([base, withFix, note]), { color: true });
    expect(coloured).toContain('\u001b[31merror\u001b[0m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[0m');
    expect(coloured).toContain('\u001b[36mnote\u001b[0m');
    expect(coloured).toContain('\u001b[2mdemo-rule\u001b[0m');
    expect(text(result([base, withFix, note]), { color: false })).not.toContain('\u001b[');
  });
});

describe('useColor', () => {
  const tty: ColorContext = { noColor: false, env: {}, isTTY: true, toFile: false };
  const pipe: ColorContext = { ...tty, isTTY: false };
  it.each<[string, ColorContext, boolean]>([
    ['a terminal', tty, true],
    ['a pipe', pipe, false],
    ['--no-color on a terminal', { ...tty, noColor: true }, false],
    ['NO_COLOR on a terminal', { ...tty, env: { NO_COLOR: '1' } }, false],
    ['an empty NO_COLOR (no-color.org: ignored)', { ...tty, env: { NO_COLOR: '' } }, true],
    ['TERM=dumb', { ...tty, env: { TERM: 'dumb' } }, false],
    ['--output to a file', { ...tty, toFile: true }, false],
    ['FORCE_COLOR=1 on a pipe', { ...pipe, env: { FORCE_COLOR: '1' } }, true],
    ['an empty FORCE_COLOR on a pipe', { ...pipe, env: { FORCE_COLOR: '' } }, true],
    ['FORCE_COLOR=0 on a terminal', { ...tty, env: { FORCE_COLOR: '0' } }, false],
    ['FORCE_COLOR=false on a terminal', { ...tty, env: { FORCE_COLOR: 'false' } }, false],
    ['FORCE_COLOR with NO_COLOR', { ...pipe, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }, false],
    ['FORCE_COLOR with --no-color', { ...pipe, noColor: true, env: { FORCE_COLOR: '1' } }, false],
    ['FORCE_COLOR into a file', { ...pipe, toFile: true, env: { FORCE_COLOR: '1' } }, false],
  ])('%s → %s', (_name, context, expected) => {
    expect(useColor(context)).toBe(expected);
  });
});

describe('JSON reporter', () => {
  it('has every field, in a fixed key order', () => {
    const shuffled = Object.fromEntries(Object.entries(withFix).reverse()) as unknown as Finding;
    const out = json(result([base, shuffled]));
    const parsed = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['tool', 'files', 'crashed', 'summary', 'findings', 'notRun']);
    expect(parsed).toEqual({
      tool: { name: TOOL.name, version: TOOL.version, informationUri: TOOL.informationUri, data: TOOL.data },
      files: 2,
      crashed: false,
      summary: { errors: 1, warnings: 1, notes: 0 },
      findings: [base, withFix],
      notRun: [{ rule: 'demo-aws', reason: 'needs AWS access' }],
    });
    const findings = parsed['findings'] as Record<string, unknown>[];
    const order = [
      'ruleId',
      'level',
      'message',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'path',
      'fingerprint',
    ];
    expect(Object.keys(findings[0] ?? {})).toEqual(order);
    expect(Object.keys(findings[1] ?? {})).toEqual([...order, 'fix', 'explain']);
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('is byte-for-byte stable for the same result', () => {
    expect(json(result([base, withFix]))).toBe(json(result([base, withFix])));
  });
});

describe('github reporter', () => {
  it('escapes data (% CR LF) and properties (also : and ,) as the runner reads them', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('dir:a,b/100%\n.json')).toBe('dir%3Aa%2Cb/100%25%0A.json');
    // % first, so an existing escape is not decoded by the runner.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('prints one workflow command per finding, by level, then the summary', () => {
    const odd: Finding = { ...note, file: 'we,ird:name%.json', message: 'line one\nline two: 100%' };
    expect(github(result([base, odd]))).toBe(
      [
        '::error file=policies/role.json,line=3,col=81,endLine=3,endColumn=84,title=demo-rule::Resource "*" grants every table; name the table ARN.',
        '::notice file=we%2Cird%3Aname%25.json,line=1,col=1,endLine=1,endColumn=2,title=demo-rule::line one\\nline two: 100%25',
        '2 problems (1 error, 0 warnings, 1 note)',
        '::notice title=s3tables-lint%3A not checked::demo-aws: needs AWS access',
        '',
      ].join('\n'),
    );
  });

  it('escapes a not-checked reason as the runner reads it', () => {
    const notRun = [{ rule: 'r', reason: '100% of\r\n::error ::forged' }];
    expect(github({ findings: [], notRun })).toBe(
      '::notice title=s3tables-lint%3A not checked::r: 100%25 of\\r\\n::error ::forged\n',
    );
  });

  it('puts the fix into the annotation message', () => {
    expect(github(result([withFix])).split('\n')[0]).toBe(
      '::warning file=policies/role.json,line=9,col=81,endLine=9,endColumn=84,title=demo-rule::Resource "*" grants every table; name the table ARN.%0Afix: Use this Resource:%0A[%0A  "arn:aws:s3tables:us-east-1:111122223333:bucket/b"%0A]',
    );
  });

  it('prints nothing for a clean run', () => {
    expect(github({ ...result([]), notRun: [] })).toBe('');
  });
});

describe('CLI output options', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-rep-'));
  writeFileSync(join(dir, 'bad.json'), '[');
  const noColorEnv = { NO_COLOR: undefined, FORCE_COLOR: undefined };

  it('--format github prints workflow commands', () => {
    const r = cli(['--format', 'github', 'bad.json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      '::error file=bad.json,line=1,col=2,endLine=1,endColumn=3,title=parse-error::invalid JSON: closing bracket expected\n1 problem (1 error, 0 warnings, 0 notes)\n',
    );
  });

  it('no colour on a pipe; FORCE_COLOR colours it unless NO_COLOR or --no-color', () => {
    expect(cli(['bad.json'], { cwd: dir, env: noColorEnv }).stdout).not.toContain('\u001b[');
    const forced = { ...noColorEnv, FORCE_COLOR: '1' };
    expect(cli(['bad.json'], { cwd: dir, env: forced }).stdout).toContain('\u001b[31merror\u001b[0m');
    expect(cli(['bad.json'], { cwd: dir, env: { ...forced, NO_COLOR: '1' } }).stdout).not.toContain(
      '\u001b[',
    );
    expect(cli(['--no-color', 'bad.json'], { cwd: dir, env: forced }).stdout).not.toContain('\u001b[');
    const out = join(dir, 'report.txt');
    expect(cli(['--output', out, 'bad.json'], { cwd: dir, env: forced }).stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^bad\.json:1:2 error parse-error /);
  });
});

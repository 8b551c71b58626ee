// Issue 11: hostile input. Each block is one defect; every test here failed before its fix.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../src/load/files.js';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, validateConfig } from '../src/config.js';
import { globTest } from '../src/load/glob.js';
import { parseJson } from '../src/load/json.js';
import { lint, TOOL } from '../src/lint.js';
import { github } from '../src/reporters/github.js';
import { text } from '../src/reporters/text.js';
import type { Finding } from '../src/rule.js';
import { ROOT } from './helpers/cases.js';
import { cli, CLI } from './helpers/cli.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 's3tl-hostile-'));

/** Control characters a terminal or a workflow log acts on (line feeds between lines excepted). */
// eslint-disable-next-line no-control-regex -- the characters under test
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const FORGED = '::error file=README.md,line=1,title=forged::pwned';
const HOSTILE_ACTION = `s3tables:X\n${FORGED}\r\u001b[2K\u001b]0;title\u0007\u0000\u0085\u2028::warning::x`;

describe('defect 1: output injection', () => {
  const dir = scratch();
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: HOSTILE_ACTION, Resource: '*' }],
  };
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
  // A file name that is itself a workflow command, with a line feed and an ESC in it.
  writeFileSync(join(dir, `::error::name\n::warning::x\u001b[1A.json`), JSON.stringify(policy));

  for (const format of ['text', 'github'] as const) {
    it(`${format}: no control character and no forged workflow command reaches the output`, () => {
      const r = cli(['--format', format, '--fail-on', 'warning', '.'], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('s3tables:X\\n::error file=');
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      // Only our own annotations (github) start with `::`; never one from input.
      const commands = lines.filter((l) => /^\s*::/.test(l));
      if (format === 'text') expect(commands).toEqual([]);
      // Besides: the `not checked` notices, which carry no file.
      else
        for (const l of commands)
          expect(l).toMatch(
            /^::(error|warning|notice) file=[^:]*,line=\d+,|^::notice title=s3tables-lint%3A not checked::/,
          );
      expect(lines.filter((l) => l.includes('forged')).every((l) => !/^\s*::error file=README/.test(l))).toBe(
        true,
      );
    });
  }

  it('json stays exact: the value is there as it was', () => {
    const r = cli(['--format', 'json', 'policy.json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { findings: { message: string }[] };
    expect(out.findings.some((f) => f.message.includes(HOSTILE_ACTION))).toBe(true);
  });

  it('stderr (usage errors) escapes what the user gave', () => {
    const r = cli([`nope\u001b[2K\n::error::x.json`], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  });

  it('the reporters escape DEL, C1 and bidi controls, in the message, the fix and --explain', () => {
    const f: Finding = {
      ruleId: 'r',
      level: 'error',
      message: 'a\u007fb\u009bc\u202ed',
      file: 'f\u0085.json',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 2,
      path: [],
      fingerprint: 'x',
      fix: { description: 'd\u001b', value: ['\u009b2J', '::error::x'] },
      explain: ['::error::e\u2029'],
    };
    const result = { tool: TOOL, findings: [f] };
    for (const out of [text(result, { color: false, explain: true }), github(result)]) {
      expect(out).not.toMatch(RAW_CONTROL);
      expect(out).not.toMatch(/[\u202a-\u202e]/);
      expect(out).toContain('a\\u007fb\\u009bc\\u202ed');
      for (const line of out.split('\n')) if (/^\s*::/.test(line)) expect(line).toMatch(/^::error file=/);
    }
  });

  it('the library escapes too: usage errors and notes name input without its control characters', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, '.s3tables-lint.json'),
      JSON.stringify({ bindings: { caller: ['no-tables.json\u009b2J'] } }),
    );
    const config = loadConfig(join(dir, '.s3tables-lint.json'), dir);
    await expect(lint([dir], { cwd: dir, config })).rejects.toThrow(
      'bindings.caller[0]: no such file: no-tables.json\\u009b2J',
    );
    mkdirSync(join(dir, 'empty\u001b[2J'));
    const result = await lint(['empty\u001b[2J'], { cwd: dir });
    expect(result.notes).toEqual([
      `no files to lint in empty\\u001b[2J (looked for ${DEFAULT_INCLUDE.join(', ')})`,
    ]);
  });

  it("V8's parse-error message does not leak the input's bytes", () => {
    const text = `${'['.repeat(300_000)}\u001b]0;pwned\u0007"secret"`;
    const parsed = parseJson(text);
    expect('error' in parsed).toBe(true);
    if (!('error' in parsed)) return;
    expect(parsed.error.message).not.toContain('secret');
    expect(parsed.error.message).not.toMatch(RAW_CONTROL);
    expect(parsed.error.message).toMatch(/^invalid JSON/);
  });
});

describe('defect 3: unbounded work', () => {
  const dir = scratch();
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;

  it('a policy embedded as a string obeys the 64-level nesting limit', () => {
    const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3tables:GetTable","Resource":"*","Condition":{"StringEqual":{"aws:x":${deep}}}}]}`;
    writeFileSync(
      join(dir, 'deep.json'),
      JSON.stringify({ PolicyName: 'p', RoleName: 'r', PolicyDocument: policy }, null, 2),
    );
    const r = cli(['deep.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^deep\.json:4:21 error parse-error the policy embedded as a string at PolicyDocument nests deeper than 64 levels/,
    );
  });

  it('duplicate-destination puts the corrected list on one finding, not on every duplicate', () => {
    const destinations = Array.from({ length: 4000 }, (_, i) => ({
      destinationTableBucketARN: `arn:aws:s3tables:us-east-1:111122223333:bucket/b${i % 2000}`,
    }));
    const replication = {
      tableBucketARN: 'arn:aws:s3tables:us-east-1:111122223333:bucket/src',
      configuration: { role: 'arn:aws:iam::111122223333:role/r', rules: [{ destinations }] },
    };
    writeFileSync(join(dir, 'dup.json'), JSON.stringify(replication));
    const r = cli(['--format', 'json', '--rule', 'duplicate-destination', 'dup.json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { findings: { fix?: { value: unknown[] } }[] };
    expect(out.findings).toHaveLength(2000);
    const fixes = out.findings.filter((f) => f.fix);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]?.fix?.value).toHaveLength(2000);
    expect(r.stdout.length).toBeLessThan(5_000_000);
  });

  it('standard input is read with the 64 MiB limit enforced while reading', () => {
    const zero = openSync('/dev/zero', 'r');
    const r = spawnSync(process.execPath, [CLI, '-'], {
      stdio: [zero, 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 120_000,
    });
    closeSync(zero);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      's3tables-lint: standard input is over the 64 MiB limit; save it to files and name them\n',
    );
  });
});

describe('defect 4: config globs', () => {
  const dir = scratch();
  const action = `s3tables:${'a'.repeat(3000)}`;
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    }),
  );
  const withConfig = (config: unknown, args: string[] = ['--format', 'json', 'policy.json']) => {
    writeFileSync(join(dir, '.s3tables-lint.json'), JSON.stringify(config));
    // A hang guard far above the real time (well under a second), not a measurement.
    return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  };
  const suppression = (s: Record<string, string>) => ({
    suppressions: [{ rule: 'unknown-action', files: '**', justification: 'test', ...s }],
  });

  it('a suppression resource glob is matched without backtracking', () => {
    const miss = withConfig(suppression({ resource: `${'*a'.repeat(12)}*b` }));
    expect(miss.status).toBe(0);
    const out = JSON.parse(miss.stdout) as { findings: { ruleId: string; suppressed?: unknown }[] };
    expect(out.findings.filter((f) => f.ruleId === 'unknown-action' && !f.suppressed)).toHaveLength(1);
    const hit = withConfig(suppression({ resource: `s3tables:${'*a'.repeat(12)}*` }));
    const suppressed = JSON.parse(hit.stdout) as { findings: { ruleId: string; suppressed?: unknown }[] };
    expect(suppressed.findings.filter((f) => f.ruleId === 'unknown-action' && f.suppressed)).toHaveLength(1);
  });

  it('a suppression files glob with too many brace alternatives is a usage error naming the member', () => {
    const r = withConfig(suppression({ files: '{a,b}'.repeat(16) }));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^s3tables-lint: \.s3tables-lint\.json: suppressions\[0\]\.files: the glob's braces expand to more than 256 patterns; list fewer alternatives\n$/,
    );
  });

  it('a glob is compiled once', () => {
    expect(globTest('{a,b}*', 'x')).toBe(globTest('{a,b}*', 'x'));
  });

  it("--rule '{a,b}' x 20 is a usage error, at once", () => {
    const r = withConfig({}, ['--rule', '{a,b}'.repeat(20), 'policy.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^s3tables-lint: --rule "\{a,b\}.*…": the glob's braces expand to more than 256/,
    );
  });

  it('a config rule glob that is too long is a usage error naming the member, not an internal error', () => {
    const r = withConfig({ rules: { [`${'x'.repeat(70_000)}*`]: 'off' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^s3tables-lint: \.s3tables-lint\.json: rules\["x+…"\]: the glob is 70001 characters long; at most 1024 are allowed\n$/,
    );
  });
});

describe('defect 5: suggest --as terraform escapes template sequences in every HCL string', () => {
  const dir = scratch();
  const destination = 'arn:aws:s3tables:us-east-1:444455556666:bucket/d${y}%{if z}\n\b';
  writeFileSync(
    join(dir, 'replication.json'),
    JSON.stringify({
      tableBucketARN: 'arn:aws:s3tables:us-east-1:111122223333:bucket/src',
      configuration: {
        role: 'arn:aws:iam::111122223333:role/p${a}%{b}/n${x}',
        rules: [{ destinations: [{ destinationTableBucketARN: destination }] }],
      },
    }),
  );

  it('terraform: no ${ or %{ left to interpolate, and only HCL escapes', () => {
    const r = cli(['suggest', 'replication.json', '--as', 'terraform'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/(^|[^$])(\$\$)*\$\{/);
    expect(r.stdout).not.toMatch(/(^|[^%])(%%)*%\{/);
    expect(r.stdout).toContain('name = "n$${x}"');
    expect(r.stdout).toContain('path = "/p$${a}%%{b}/"');
    expect(r.stdout).toContain(
      'table_bucket_arn = "arn:aws:s3tables:us-east-1:444455556666:bucket/d$${y}%%{if z}\\n\\u0008"',
    );
    // HCL has no \b or \f escape (JSON does).
    expect(r.stdout).not.toMatch(/(^|[^\\])(\\\\)*\\[bf/]/);
  });

  it('cloudformation: the comments stay comments, the values exact', () => {
    const r = cli(['suggest', 'replication.json', '--as', 'cfn'], { cwd: dir });
    expect(r.status).toBe(0);
    const docs = parseAllDocuments(r.stdout);
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    const last = docs.at(-1)?.toJS() as {
      Resources: Record<string, { Properties: { TableBucketARN: string } }>;
    };
    expect(Object.values(last.Resources)[0]?.Properties.TableBucketARN).toBe(destination);
  });
});

describe('defect 6: --output never replaces an input and never follows a symlink', () => {
  const POLICY = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3tables:Nope', Resource: '*' }],
  });
  const setup = (): string => {
    const dir = scratch();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'policy.json'), POLICY);
    writeFileSync(join(dir, 'sub', 'other.json'), POLICY);
    writeFileSync(join(dir, '.s3tables-lint.json'), '{}');
    writeFileSync(join(dir, 'victim.txt'), 'keep me');
    return dir;
  };

  it('-o naming an input (named, scanned, bound, the config file) is refused, the input untouched', () => {
    const dir = setup();
    for (const [args, out] of [
      [['policy.json'], 'policy.json'],
      [['.'], 'sub/other.json'],
      [['--caller-policy', 'sub/other.json', 'policy.json'], 'sub/other.json'],
      [['policy.json'], '.s3tables-lint.json'],
      [['policy.json'], './sub/../policy.json'],
    ] as const) {
      const before = readFileSync(join(dir, out), 'utf8');
      const r = cli(['-f', 'sarif', '-o', out, ...args], { cwd: dir });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `s3tables-lint: --output ${out} is one of the inputs; the report would replace it: name another file\n`,
      );
      expect(readFileSync(join(dir, out), 'utf8')).toBe(before);
    }
    const hard = cli(['-o', 'sub/other.json', 'policy.json'], { cwd: dir });
    expect(hard.status).toBe(0);
  });

  it('-o at a symlink replaces the link, not what it points to', () => {
    const dir = setup();
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'report.sarif'));
    const r = cli(['-f', 'sarif', '-o', 'report.sarif', 'policy.json'], { cwd: dir });
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('keep me');
    expect(lstatSync(join(dir, 'report.sarif')).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('-o into a directory that does not exist is one line, exit 2', () => {
    const dir = setup();
    const r = cli(['-o', 'missing-dir/x.sarif', 'policy.json'], { cwd: dir });
    expect(r).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: cannot write missing-dir/x.sarif: directory missing-dir does not exist\n',
    });
  });

  it('suggest -o naming its input is refused', () => {
    const dir = scratch();
    const file = join(dir, 'replication.json');
    const text = JSON.stringify({
      tableBucketARN: 'arn:aws:s3tables:us-east-1:111122223333:bucket/src',
      configuration: {
        role: 'arn:aws:iam::111122223333:role/r',
        rules: [
          {
            destinations: [{ destinationTableBucketARN: 'arn:aws:s3tables:us-east-1:111122223333:bucket/d' }],
          },
        ],
      },
    });
    writeFileSync(file, text);
    const r = cli(['suggest', 'replication.json', '-o', 'replication.json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('the Action writes its SARIF under $RUNNER_TEMP by default', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { description: string; default: string }>;
      runs: { steps: { id?: string; run?: string }[] };
    };
    expect(action.inputs['sarif-file']).toMatchObject({
      default: '',
      description: expect.stringContaining('RUNNER_TEMP'),
    });
    const run = action.runs.steps.find((s) => s.id === 'lint')?.run ?? '';
    expect(run).toMatch(/sarif="\$\{INPUT_SARIF_FILE:-\$\{RUNNER_TEMP:\?[^}]*\}\/s3tables-lint\.sarif\}"/);
    expect(run).toContain('--output "$sarif"');
  });
});

describe('defect 8: write errors', () => {
  const dir = scratch();
  const findings = Array.from({ length: 2000 }, (_, i) => `"s3tables:Nope${i}"`).join(',');
  writeFileSync(
    join(dir, 'policy.json'),
    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[${findings}],"Resource":"*"}]}`,
  );

  it('EPIPE (| head -c 100) ends quietly', () => {
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${CLI}" -f json policy.json | head -c 100 >/dev/null`],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
  });

  it('ENOSPC (> /dev/full) is one line, exit 2', () => {
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [CLI, 'policy.json'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', full, 'pipe'],
    });
    closeSync(full);
    expect(r.stderr).toBe(
      's3tables-lint: cannot write the report to standard output: no space left on device (ENOSPC)\n',
    );
    expect(r.status).toBe(2);
  });

  it('-o dir/ and a read-only -o path are one line, exit 2', () => {
    mkdirSync(join(dir, 'out'));
    expect(cli(['-o', 'out/', 'policy.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: cannot write out/: it is a directory; name a file\n',
    });
    writeFileSync(join(dir, 'ro.sarif'), 'old');
    chmodSync(join(dir, 'ro.sarif'), 0o444);
    expect(cli(['-o', 'ro.sarif', 'policy.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: cannot write ro.sarif: the file is read-only\n',
    });
    expect(readFileSync(join(dir, 'ro.sarif'), 'utf8')).toBe('old');
    const proc = cli(['-o', '/proc/version', 'policy.json'], { cwd: dir });
    expect(proc.status).toBe(2);
    expect(proc.stderr).toMatch(/^s3tables-lint: cannot write \/proc\/version: [^\n]+\n$/);
  });
});

describe('defect 7: nothing is skipped without a word', () => {
  const policy = (action: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    });

  it('an export with entries that are not objects, or with nothing in it, is a finding', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ RoleDetailList: [5, null, 'x'] }));
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ RoleDetailList: [], Policies: [] }));
    const r = cli(['bad.json', 'empty.json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.includes('input-shape'))).toHaveLength(4);
  });

  it('a managed policy with no default version is said, and "true" as a string is linted', () => {
    const dir = scratch();
    const version = (flag: unknown, action: string) => ({
      VersionId: 'v1',
      IsDefaultVersion: flag,
      Document: JSON.parse(policy(action)) as unknown,
    });
    writeFileSync(
      join(dir, 'account.json'),
      JSON.stringify({
        Policies: [
          { PolicyName: 'a', PolicyVersionList: [version(false, 's3tables:NopeA')] },
          { PolicyName: 'b', PolicyVersionList: [version('true', 's3tables:NopeB')] },
        ],
      }),
    );
    const r = cli(['account.json'], { cwd: dir });
    expect(r.stdout).toContain('no version has "IsDefaultVersion": true');
    expect(r.stdout).toContain('not the string "true"');
    expect(r.stdout).toContain('"s3tables:NopeB" is not a known s3tables action');
    expect(r.stdout).not.toContain('NopeA');
  });

  it('an encryption input with "sseAlgorithm": 7 is a finding', () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'enc.json'),
      JSON.stringify({
        tableBucketARN: 'arn:aws:s3tables:us-east-1:111122223333:bucket/b',
        encryptionConfiguration: { sseAlgorithm: 7 },
      }),
    );
    const r = cli(['enc.json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'error input-shape "sseAlgorithm" must be "AES256" or "aws:kms", not a number',
    );
  });

  it('a config binding for the role name __proto__ is kept', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'role-policy.json'), policy('s3tables:NopeProto'));
    writeFileSync(join(dir, 'other.json'), policy('s3tables:GetTable'));
    writeFileSync(
      join(dir, '.s3tables-lint.json'),
      '{"bindings":{"roles":{"__proto__":{"policies":["role-policy.json"]}}}}',
    );
    const r = cli(['other.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('role-policy.json:1:');
    expect(r.stdout).toContain('NopeProto');
  });

  it('a FIFO or a symlink to a device in a scan is a note, not silence', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'ok.json'), policy('s3tables:GetTable'));
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    symlinkSync('/dev/null', join(dir, 'null.json'));
    const r = cli(['.'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n').sort()).toEqual([
      '',
      's3tables-lint: skipped null.json: a symbolic link to a character device, not a regular file',
      's3tables-lint: skipped pipe.json: a FIFO, not a regular file',
    ]);
  });

  it('a scan does not follow a symlink out of the scanned tree', () => {
    const dir = scratch();
    const outside = scratch();
    mkdirSync(join(dir, 'repo'));
    writeFileSync(join(dir, 'repo', 'ok.json'), policy('s3tables:GetTable'));
    writeFileSync(join(outside, 'secret.json'), policy('s3tables:NopeOutside'));
    symlinkSync(outside, join(dir, 'repo', 'usr'));
    symlinkSync(join(outside, 'secret.json'), join(dir, 'repo', 'file.json'));
    mkdirSync(join(dir, 'repo', 'inside'));
    symlinkSync(join(dir, 'repo', 'inside'), join(dir, 'repo', 'alias'));
    writeFileSync(join(dir, 'repo', 'inside', 'in.json'), policy('s3tables:NopeInside'));
    const r = cli(['repo'], { cwd: dir });
    expect(r.stdout).not.toContain('NopeOutside');
    expect(r.stdout).toContain('NopeInside');
    expect(r.stderr.split('\n').sort()).toEqual([
      '',
      `s3tables-lint: not following repo/file.json: a symbolic link out of repo (to ${join(outside, 'secret.json')})`,
      `s3tables-lint: not following repo/usr: a symbolic link out of repo (to ${outside})`,
    ]);
    // Scanning the working directory itself: named as '.'.
    const here = cli(['.'], { cwd: join(dir, 'repo') });
    expect(here.stderr).toContain('a symbolic link out of . (to');
  });
});

describe('defect 9: small', () => {
  const POLICY = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3tables:GetTable', Resource: '*' }],
  });

  it('binding a directory, a FIFO or a looping symlink says what it is', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'ok.json'), POLICY);
    mkdirSync(join(dir, 'policies'));
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    symlinkSync('loop.json', join(dir, 'loop.json'));
    const bind = (file: string) => {
      writeFileSync(join(dir, '.s3tables-lint.json'), JSON.stringify({ bindings: { caller: [file] } }));
      return cli(['ok.json'], { cwd: dir });
    };
    const says = (file: string, what: string) =>
      expect(bind(file)).toMatchObject({
        status: 2,
        stderr: `s3tables-lint: .s3tables-lint.json: bindings.caller[0]: ${file} is ${what}, not a file\n`,
      });
    says('policies', 'a directory');
    says('fifo.json', 'a FIFO');
    says('loop.json', 'a symbolic link that loops');
    expect(bind('nope.json').stderr).toBe(
      's3tables-lint: .s3tables-lint.json: bindings.caller[0]: no such file: nope.json\n',
    );
    // The flags too.
    writeFileSync(join(dir, '.s3tables-lint.json'), '{}');
    expect(cli(['--caller-policy', 'fifo.json', 'ok.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: bindings.caller[0]: fifo.json is a FIFO, not a file\n',
    });
    // A config file that is a FIFO would block the read forever.
    expect(cli(['-c', 'fifo.json', 'ok.json'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: 's3tables-lint: config file fifo.json is a FIFO, not a file\n',
    });
  });

  it('a justification of only invisible characters is rejected', () => {
    for (const justification of ['\u200b', '\u200b\u2060\ufeff', ' \u3164\u00ad ', '\u0301']) {
      const problem = validateConfig({
        suppressions: [{ rule: 'parse-error', files: '*', justification }],
      });
      expect(problem).toBe('suppressions[0].justification must say why (visible text, not only blanks)');
    }
    expect(
      validateConfig({ suppressions: [{ rule: 'parse-error', files: '*', justification: '\u200bok' }] }),
    ).toBeUndefined();
  });

  it('--print-config prints which config file applied and the resolved settings as JSON', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, '.s3tables-lint.json'),
      JSON.stringify({
        rules: { 'unknown-document': 'off', 'duplicate-sid': 'warning' },
        failOn: 'warning',
        exclude: ['vendor/**'],
      }),
    );
    const r = cli(['--print-config', '--skip', 'policy-version'], { cwd: join(dir, 'sub') });
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as {
      configFile: string | null;
      found: string;
      failOn: string;
      include: string[];
      exclude: string[];
      rules: Record<string, string>;
    };
    expect(out.configFile).toBe(join(dir, '.s3tables-lint.json'));
    expect(out.found).toMatch(/^the nearest \.s3tables-lint\.json, found by walking up from /);
    expect(out.failOn).toBe('warning');
    expect(out.include).toEqual(DEFAULT_INCLUDE);
    expect(out.exclude).toEqual([...DEFAULT_EXCLUDE, 'vendor/**']);
    expect(out.rules).toMatchObject({
      'unknown-document': 'off',
      'duplicate-sid': 'warning',
      'policy-version': 'off',
      'parse-error': 'error',
    });
    const none = JSON.parse(cli(['--print-config', '--no-config'], { cwd: dir }).stdout) as typeof out;
    expect(none).toMatchObject({ configFile: null, found: '--no-config', failOn: 'error' });
  });
});

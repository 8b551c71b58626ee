// Issue 11: hostile input. Each block is one defect; every test here failed before its fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../src/load/json.js';
import { TOOL } from '../src/lint.js';
import { github } from '../src/reporters/github.js';
import { text } from '../src/reporters/text.js';
import type { Finding } from '../src/rule.js';
import { cli } from './helpers/cli.js';

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
      else for (const l of commands) expect(l).toMatch(/^::(error|warning|notice) file=[^:]*,line=\d+,/);
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

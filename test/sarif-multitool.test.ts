/**
 * Integration suite: Microsoft's Sarif.Multitool (schema, SARIF and GitHub ingestion rules) on the
 * SARIF of every invalid rule case, the examples, the e2e snapshots and the reporter's edge cases
 * (crash, truncation, rules that did not run, odd file names). The fast suite checks the same kinds
 * of log against the schema alone (sarif.test.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lint, lintTexts, type LintResult } from '../src/lint.js';
import { sarif } from '../src/reporters/sarif.js';
import { defineRule } from '../src/rule.js';
import rules from '../rules/index.js';
import { folders, lintCase, ROOT } from './helpers/cases.js';
import { multitool, schemaErrors } from './helpers/sarif.js';

const BAD_POLICY = `{ "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "s3tables:GetTabel", "Resource": "*" }] }
`;
const crashing = defineRule({
  id: 'demo-crash',
  description: 'Demo: always crashes.',
  level: 'error',
  helpUri: 'https://example.com/crash',
  check() {
    throw new Error('boom');
  },
});

/** Logs over 10 MB are skipped by the Multitool (and take it minutes): keep these small. */
async function logs(): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  const keep = (name: string, result: LintResult, options?: Parameters<typeof sarif>[1]): void =>
    void out.push({ name, text: sarif(result, options) });

  for (const rule of rules) {
    const base = join(ROOT, 'fixtures/rules', rule.id, 'invalid');
    for (const name of folders(base)) keep(`${rule.id}-${name}`, await lintCase(join(base, name), [rule]));
  }
  const examples = await lint(['examples/'], { cwd: ROOT });
  keep('examples', examples);
  expect(examples.findings.length).toBeGreaterThan(3);
  keep('examples-truncated', examples, { maxResults: 3 });
  keep('examples-not-run', {
    ...examples,
    notRun: [...examples.notRun, { rule: 'caller-permissions', reason: 'no caller policy is bound' }],
  });
  keep('undescribed-rule', {
    ...examples,
    findings: examples.findings.map((f, i) => (i === 0 ? { ...f, ruleId: 'other-rule' } : f)),
  });
  keep('empty', await lintTexts([]));
  keep('crashed', await lintTexts([{ name: 'p.json', text: BAD_POLICY }], { rules: [crashing, ...rules] }));
  const names = ['a b/c#d?.json', '100%.json', 'ü/é.json', '<stdin>', 'dir\\x.json'];
  keep('odd-names', await lintTexts(names.map((name) => ({ name, text: BAD_POLICY }))));
  const dir = mkdtempSync(join(tmpdir(), 's3tl-multitool-'));
  mkdirSync(join(dir, 'repo'));
  writeFileSync(join(dir, 'outside policy.json'), BAD_POLICY);
  keep('outside-cwd', await lint(['../outside policy.json'], { cwd: join(dir, 'repo') }));
  return out;
}

it('every log passes the SARIF 2.1.0 schema and Sarif.Multitool (Gh;Sarif)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-sarif-logs-'));
  const files: string[] = [];
  for (const { name, text } of await logs()) {
    expect(schemaErrors(JSON.parse(text)), name).toEqual([]);
    expect(text.length, name).toBeLessThan(1_000_000);
    const file = join(dir, `${name.replace(/[^\w-]/g, '_')}.sarif`);
    writeFileSync(file, text);
    files.push(file);
  }
  for (const scenario of folders(join(ROOT, 'fixtures/e2e')))
    files.push(join(ROOT, 'fixtures/e2e', scenario, 'expected.sarif'));
  expect(files.length).toBeGreaterThanOrEqual(100);
  // Controls, so a validator that checks nothing cannot pass: GitHub needs fullDescription and
  // help (GH2012), and a driver needs a name (JSON1002).
  const noHelp = join(dir, 'control-no-help.sarif');
  const badSchema = join(dir, 'control-bad-schema.sarif');
  const control = (driver: object): string =>
    JSON.stringify({
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [{ tool: { driver }, results: [] }],
    });
  writeFileSync(noHelp, control({ name: 'x', rules: [{ id: 'r', shortDescription: { text: 'R.' } }] }));
  writeFileSync(badSchema, control({ rules: [] }));
  const verdict = multitool([...files, noHelp, badSchema]);
  const ours = (line: string): boolean => !line.includes('control-');
  expect(verdict.errors.filter(ours)).toEqual([]);
  expect(verdict.errors.filter((l) => l.includes('control-no-help'))).toEqual([
    expect.stringMatching(/^GH2012 /),
    expect.stringMatching(/^GH2012 /),
  ]);
  expect(verdict.errors.filter((l) => l.includes('control-bad-schema'))).toEqual([
    expect.stringMatching(/^JSON1002 /),
  ]);
  // Warnings do not fail the build; they are printed for whoever changes the reporter.
  const warnings = verdict.warnings.filter(ours);
  if (warnings.length > 0) console.warn(`Sarif.Multitool warnings:\n${warnings.join('\n')}`);
}, 300_000); // The Multitool takes 25 s on a quiet machine, minutes on a loaded one.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFile, folders, ROOT } from './helpers/cases.js';
import { cli } from './helpers/cli.js';

// Whole runs of the built CLI, every rule enabled, cwd = the scenario folder (design.md §8).
// A scenario lints `input` unless its args.json lists other paths. UPDATE_EXPECTED=1 rewrites.
const BASE = join(ROOT, 'fixtures/e2e');
const FORMATS = [
  ['text', 'expected.txt'],
  ['json', 'expected.json'],
  ['sarif', 'expected.sarif'],
] as const;

/** Stands in for the tool and data versions, so a release does not churn every snapshot. */
const VERSION_PLACEHOLDER = '0.0.0-snapshot';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const placeholders = (data: unknown): Json =>
  Object.fromEntries(Object.keys(obj(data)).map((k) => [k, VERSION_PLACEHOLDER]));

function normalise(format: string, output: string): string {
  if (format === 'text') return output;
  const log = JSON.parse(output) as Json;
  if (format === 'json') {
    const tool = obj(log['tool']);
    tool['version'] = VERSION_PLACEHOLDER;
    tool['data'] = placeholders(tool['data']);
  } else {
    const run = obj((log['runs'] as unknown[])[0]);
    const driver = obj(obj(run['tool'])['driver']);
    driver['version'] = VERSION_PLACEHOLDER;
    driver['semanticVersion'] = VERSION_PLACEHOLDER;
    const props = obj(driver['properties']);
    props['data'] = placeholders(props['data']);
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

const scenarios = folders(BASE);

describe('end-to-end snapshots', () => {
  it('has the four scenarios', () => {
    expect(scenarios).toEqual(expect.arrayContaining(['broken', 'clean', 'mixed', 'parse-errors']));
  });

  for (const scenario of scenarios) {
    const dir = join(BASE, scenario);
    const argsFile = join(dir, 'args.json');
    const paths = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, 'utf8')) as string[]) : ['input'];

    it(`${scenario}: text, json and sarif match the snapshots, with one exit code`, () => {
      const statuses = new Set<number | null>();
      let findings = 0;
      for (const [format, file] of FORMATS) {
        const r = cli(['--format', format, ...paths], { cwd: dir });
        expect(r.stderr).toBe('');
        statuses.add(r.status);
        if (format === 'json') findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
        const compared = expectFile(normalise(format, r.stdout), join(dir, file));
        expect(compared.actual, `${scenario}/${file}`).toBe(compared.expected);
      }
      expect([...statuses]).toHaveLength(1);
      if (scenario === 'clean') expect([...statuses]).toEqual([0]);
      if (scenario === 'parse-errors' || scenario === 'mixed') {
        expect([...statuses]).toEqual([1]);
        expect(findings).toBeGreaterThan(0);
      }
    });
  }
});

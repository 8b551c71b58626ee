import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import { lint, lintTexts, TOOL, type LintResult } from '../src/lint.js';
import { FINGERPRINT_KEY, fileUri, GITHUB_LIMITS, ruleName, sarif } from '../src/reporters/sarif.js';
import { defineRule, type Finding, type Level, type Rule } from '../src/rule.js';
import parseError from '../rules/parse-error.js';
import { folders, ROOT } from './helpers/cases.js';
import { schemaErrors } from './helpers/sarif.js';

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "s3tables:GetTable", "Resource": "*" }]
}
`;

/** A rule that flags every policy's first Resource, with a fix. */
const demo = defineRule({
  id: 'demo-star-resource',
  description: 'Demo: flags Resource "*".',
  level: 'warning',
  helpUri: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
  seeAlso: ['RESOURCE_STAR'],
  tags: ['security', ...Array.from({ length: 30 }, (_, i) => `t${i}`)],
  check({ model, report }) {
    for (const doc of model.policies) {
      report({
        doc,
        path: ['Statement', 0, 'Resource'],
        message: 'Resource "*" grants every table; name the table ARN.',
        fix: {
          description: 'Replace the Resource with:',
          value: 'arn:aws:s3tables:us-east-1:111122223333:*',
        },
      });
    }
  },
});
const crashing: Rule = defineRule({
  id: 'demo-crash',
  description: 'Demo: always crashes.',
  level: 'error',
  helpUri: 'https://example.com/crash',
  check() {
    throw new Error('boom');
  },
});

const parse = (s: string): Log => JSON.parse(s) as Log;
const dirWith = (name: string, bytes: Buffer): string => {
  const dir = mkdtempSync(join(tmpdir(), 's3tl-sarif-'));
  writeFileSync(join(dir, name), bytes);
  return dir;
};
const results = (log: Log): Result[] => log.runs[0]?.results ?? [];

/** What GitHub code scanning needs beyond the schema (tooling.md §3); [] when all is well. */
function githubProblems(log: Log): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0') problems.push('version is not 2.1.0');
  if (log.runs.length > 20) problems.push('more than 20 runs');
  for (const run of log.runs) {
    if (!run.tool.driver.name) problems.push('driver has no name');
    if ((run.results?.length ?? 0) > GITHUB_LIMITS.resultsPerRun) problems.push('over 25,000 results');
    for (const rule of run.tool.driver.rules ?? []) {
      if (!rule.shortDescription?.text) problems.push(`${rule.id}: no shortDescription`);
      if (!rule.fullDescription?.text) problems.push(`${rule.id}: no fullDescription`);
      if (!rule.help?.text || !rule.help.markdown) problems.push(`${rule.id}: no help text and markdown`);
      if (((rule.properties?.['tags'] as unknown[] | undefined)?.length ?? 0) > 20)
        problems.push(`${rule.id}: over 20 tags`);
    }
    for (const r of run.results ?? []) {
      if (!r.ruleId || !r.message.text) problems.push('result without ruleId or message');
      if (!r.partialFingerprints?.[FINGERPRINT_KEY]) problems.push(`${r.ruleId}: no partialFingerprints`);
      if (!r.locations?.length || r.locations.length > 1000) problems.push(`${r.ruleId}: locations count`);
      for (const l of r.locations ?? []) {
        const uri = l.physicalLocation?.artifactLocation?.uri ?? '';
        if (uri === '' || /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/') || uri.includes('\\'))
          problems.push(`${r.ruleId}: URI not relative: ${uri}`);
        if (!((l.physicalLocation?.region?.startLine ?? 0) >= 1)) problems.push(`${r.ruleId}: no startLine`);
      }
      if (r.ruleIndex !== undefined && run.tool.driver.rules?.[r.ruleIndex]?.id !== r.ruleId)
        problems.push(`${r.ruleId}: ruleIndex points elsewhere`);
    }
  }
  return problems;
}

function finding(i: number, level: Level): Finding {
  return {
    ruleId: 'demo-star-resource',
    level,
    message: `finding ${i}`,
    file: `policies/p${i % 100}.json`,
    line: i + 1,
    column: 1,
    endLine: i + 1,
    endColumn: 2,
    path: ['Statement', i],
    fingerprint: i.toString(16).padStart(32, '0'),
  };
}

function synthetic(findings: Finding[], extra: Partial<LintResult> = {}): LintResult {
  const { check: _check, ...meta } = demo;
  return {
    tool: TOOL,
    findings,
    suppressed: [],
    rules: [meta],
    notRun: [],
    crashed: false,
    files: 1,
    notes: [],
    ...extra,
  };
}

// Every log a test below produces is also validated by the schema at the end.
const logs: { name: string; text: string }[] = [];
const keep = (name: string, text: string): Log => {
  logs.push({ name, text });
  return parse(text);
};

describe('SARIF reporter', () => {
  it('describes every enabled rule and every result as GitHub code scanning needs', async () => {
    const result = await lintTexts([{ name: 'policies/a.json', text: POLICY }], { rules: [demo] });
    const log = keep('one-finding', sarif(result));
    expect(githubProblems(log)).toEqual([]);
    const run = log.runs[0];
    const driver = run?.tool.driver;
    expect(driver).toMatchObject({
      name: 's3tables-lint',
      version: TOOL.version,
      semanticVersion: TOOL.version,
      informationUri: TOOL.informationUri,
      properties: { data: TOOL.data },
    });
    const rule = driver?.rules?.[0];
    expect(rule).toMatchObject({
      id: 'demo-star-resource',
      name: 'DemoStarResource',
      shortDescription: { text: demo.description },
      helpUri: demo.helpUri,
      defaultConfiguration: { level: 'warning' },
      properties: { seeAlso: ['RESOURCE_STAR'] },
    });
    expect((rule?.properties?.['tags'] as string[]).length).toBe(20);
    expect(rule?.help?.markdown).toContain(`(${demo.helpUri})`);
    expect(rule?.help?.text).toContain('RESOURCE_STAR');
    expect(run?.invocations).toEqual([{ executionSuccessful: true }]);
    expect(run?.properties).toEqual({ notRun: [] });
    expect(results(log)).toEqual([
      {
        ruleId: 'demo-star-resource',
        ruleIndex: 0,
        level: 'warning',
        message: { text: 'Resource "*" grants every table; name the table ARN.' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'policies/a.json' },
              region: { startLine: 3, startColumn: 81, endLine: 3, endColumn: 84 },
            },
          },
        ],
        partialFingerprints: { [FINGERPRINT_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) },
        properties: {
          path: ['Statement', 0, 'Resource'],
          fix: {
            description: 'Replace the Resource with:',
            value: 'arn:aws:s3tables:us-east-1:111122223333:*',
          },
        },
      },
    ]);
  });

  it('partialFingerprints survive lines inserted above a finding; the region moves', async () => {
    const before = results(
      parse(sarif(await lintTexts([{ name: 'p.json', text: POLICY }], { rules: [demo] }))),
    );
    const shifted = `\n\n\n${POLICY.replace('"Version"', '"Id": "x",\n  "Version"')}`;
    const after = results(
      parse(sarif(await lintTexts([{ name: 'p.json', text: shifted }], { rules: [demo] }))),
    );
    expect(after[0]?.partialFingerprints).toEqual(before[0]?.partialFingerprints);
    const line = (r: Result | undefined): number | undefined =>
      r?.locations?.[0]?.physicalLocation?.region?.startLine;
    expect(line(before[0])).toBe(3);
    expect(line(after[0])).toBe(7);
  });

  it('a parse error keeps its fingerprint when lines are added above it', async () => {
    const bad = (text: string): Promise<LintResult> =>
      lint(['p.json'], { cwd: dirWith('p.json', Buffer.from(text, 'latin1')), rules: [parseError] });
    const before = results(parse(sarif(await bad('{\n "a": "caf\u00e9"\n}\n'))));
    const after = results(parse(sarif(await bad('\n\n{\n "a": "caf\u00e9"\n}\n'))));
    expect(after[0]?.message.text).not.toBe(before[0]?.message.text); // the offset moved
    expect(after[0]?.partialFingerprints).toEqual(before[0]?.partialFingerprints);
  });

  it('an empty run has results: [] and still describes the rules', async () => {
    const log = keep('empty', sarif(await lintTexts([], { rules: [demo] })));
    expect(log.runs).toHaveLength(1);
    expect(results(log)).toEqual([]);
    expect(log.runs[0]?.tool.driver.rules?.map((r) => r.id)).toEqual(['demo-star-resource']);
    expect(log.runs[0]?.invocations?.[0]?.executionSuccessful).toBe(true);
  });

  it('a crashed rule: executionSuccessful false, an error notification, a rule-error result', async () => {
    const result = await lintTexts([{ name: 'p.json', text: POLICY }], { rules: [crashing, demo] });
    const log = keep('crashed', sarif(result));
    expect(githubProblems(log)).toEqual([]);
    const invocation = log.runs[0]?.invocations?.[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: expect.stringContaining('rule demo-crash failed: boom') },
        descriptor: { id: 'rule-error' },
      },
    ]);
    expect(results(log).map((r) => r.ruleId)).toEqual(['rule-error', 'demo-star-resource']);
  });

  it('records the checks that did not run, and why, in run properties', () => {
    const notRun = [{ rule: 'demo-star-resource', reason: 'needs --aws' }];
    const log = keep('not-run', sarif(synthetic([], { notRun })));
    expect(log.runs[0]?.properties).toEqual({ notRun });
  });

  it('over 25,000 results: keeps the 25,000 most severe and says so', () => {
    // 30,000 findings in engine order: levels interleaved, 5,000 errors, 15,000 warnings, 10,000 notes.
    const levels: Level[] = ['error', 'warning', 'warning', 'warning', 'note', 'note'];
    const findings = Array.from({ length: 30_000 }, (_, i) => finding(i, levels[i % 6] as Level));
    const log = keep('truncated', sarif(synthetic(findings)));
    expect(githubProblems(log)).toEqual([]);
    const kept = results(log);
    expect(kept).toHaveLength(25_000);
    const count = (l: Level): number => kept.filter((r) => r.level === l).length;
    expect([count('error'), count('warning'), count('note')]).toEqual([5_000, 15_000, 5_000]);
    // The engine's order is kept, and the notes kept are the first ones.
    const lines = kept.map((r) => r.locations?.[0]?.physicalLocation?.region?.startLine ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(kept.filter((r) => r.level === 'note').at(-1)?.message.text).toBe('finding 14999');
    const run = log.runs[0];
    expect(run?.properties?.['truncated']).toEqual({ total: 30_000, kept: 25_000, dropped: 5_000 });
    expect(run?.invocations?.[0]?.executionSuccessful).toBe(true);
    expect(run?.invocations?.[0]?.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: expect.stringContaining('the 25000 most severe are included, 5000 left out') },
        descriptor: { id: 'results-truncated' },
      },
    ]);
    expect(parse(sarif(synthetic(findings.slice(0, 25_000)))).runs[0]?.properties).toEqual({ notRun: [] });
  });

  it('truncation is reported the same way below the default limit (a log small enough for the Multitool)', () => {
    const findings = Array.from({ length: 12 }, (_, i) => finding(i, i % 2 ? 'error' : 'note'));
    const log = keep('truncated-small', sarif(synthetic(findings), { maxResults: 8 }));
    expect(results(log).map((r) => r.level)).toEqual([
      'note',
      'error',
      'note',
      'error',
      'error',
      'error',
      'error',
      'error',
    ]);
    expect(log.runs[0]?.properties?.['truncated']).toEqual({ total: 12, kept: 8, dropped: 4 });
  });

  it('file URIs are relative, forward-slash and percent-encoded', () => {
    expect(fileUri('policies/role.json')).toBe('policies/role.json');
    expect(fileUri('a b/c#d?.json')).toBe('a%20b/c%23d%3F.json');
    expect(fileUri('100%.json')).toBe('100%25.json');
    expect(fileUri('ü/é.json')).toBe('%C3%BC/%C3%A9.json');
    expect(fileUri('c:/x.json')).toBe('c%3A/x.json'); // not a URI scheme
    expect(fileUri('dir\\x.json')).toBe('dir/x.json');
    expect(fileUri('/abs/x.json')).toBe('abs/x.json');
    expect(fileUri('../outside/x.json')).toBe('../outside/x.json');
    expect(fileUri('<stdin>')).toBe('%3Cstdin%3E');
    const weird = ['a b/c#d?.json', '../up.json', '<stdin>', 'ü.json'].map((file, i) => ({
      ...finding(i, 'error'),
      file,
    }));
    const log = keep('weird-names', sarif(synthetic(weird)));
    expect(githubProblems(log)).toEqual([]);
  });

  it('a file outside the working directory keeps a relative ../ URI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3tl-sarif-'));
    mkdirSync(join(dir, 'repo'));
    writeFileSync(join(dir, 'outside policy.json'), POLICY);
    const result = await lint(['../outside policy.json'], { cwd: join(dir, 'repo'), rules: [demo] });
    const log = keep('outside-cwd', sarif(result));
    expect(results(log)[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      '../outside%20policy.json',
    );
  });

  it('a finding whose rule is not in the result still gets a descriptor, so ruleIndex holds', () => {
    const log = keep('undescribed-rule', sarif(synthetic([{ ...finding(0, 'note'), ruleId: 'other-rule' }])));
    expect(log.runs[0]?.tool.driver.rules?.map((r) => r.id)).toEqual(['demo-star-resource', 'other-rule']);
    expect(results(log)[0]).toMatchObject({ ruleId: 'other-rule', ruleIndex: 1 });
    expect(githubProblems(log)).toEqual([]);
  });

  it('rule names are readable and differ from ids', () => {
    expect(ruleName('parse-error')).toBe('ParseError');
    expect(ruleName('iam-pass-role-2')).toBe('IamPassRole2');
  });

  it("every log above and every e2e snapshot passes the SARIF 2.1.0 schema and GitHub's needs", () => {
    // Sarif.Multitool validates logs like these in the integration suite (sarif-multitool.test.ts).
    const files = folders(join(ROOT, 'fixtures/e2e')).map((s) =>
      join(ROOT, 'fixtures/e2e', s, 'expected.sarif'),
    );
    expect(logs.length + files.length).toBeGreaterThanOrEqual(12);
    for (const { name, text } of logs) {
      expect(schemaErrors(parse(text)), name).toEqual([]);
      expect(githubProblems(parse(text)), name).toEqual([]);
    }
    for (const file of files) {
      const log = parse(readFileSync(file, 'utf8'));
      expect(schemaErrors(log), file).toEqual([]);
      expect(githubProblems(log), file).toEqual([]);
    }
  });
});

describe('code scanning ranking', () => {
  it('carries every rule its tags and, for security rules, security-severity as a string', async () => {
    const result = await lint(['examples/broken-passrole-condition'], { cwd: ROOT });
    const log = JSON.parse(sarif(result)) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string; properties?: Record<string, unknown> }[] } };
      }[];
    };
    const descriptors = log.runs[0]?.tool.driver.rules ?? [];
    expect(descriptors.length).toBeGreaterThan(20);
    for (const d of descriptors) {
      expect((d.properties?.['tags'] as string[] | undefined)?.length, d.id).toBeGreaterThan(0);
      expect(d.helpUri).toBe(
        `https://github.com/s3tables-lint/s3tables-lint/blob/main/docs/rules/${d.id}.md`,
      );
    }
    const pass = descriptors.find((d) => d.id === 'passrole-condition');
    expect(pass?.properties?.['security-severity']).toBe('8.0');
    expect(pass?.properties?.['tags']).toContain('security');
    expect(
      descriptors.find((d) => d.id === 'policy-grammar')?.properties?.['security-severity'],
    ).toBeUndefined();
  });
});

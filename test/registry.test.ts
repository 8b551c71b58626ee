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
const PAGES = join(ROOT, 'docs/rules');
const pages = existsSync(PAGES)
  ? readdirSync(PAGES)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.replace(/\.md$/, ''))
      .sort()
  : [];
/** A page's `## ` sections: heading → body. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const [heading = '', ...body] = part.split('\n');
    out.set(heading.trim(), body.join('\n'));
  }
  return out;
}
const PAGE_BASE = 'https://github.com/s3tables-lint/s3tables-lint/blob/main/docs/rules/';
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
      it('has a page docs/rules/<id>.md: title, what, why, bad and good examples, AWS link', () => {
        const file = join(PAGES, `${rule.id}.md`);
        expect(existsSync(file), `docs/rules/${rule.id}.md`).toBe(true);
        const page = readFileSync(file, 'utf8');
        expect(page.split('\n')[0]).toBe(`# ${rule.id}`);
        const s = sections(page);
        // These sections, in this order (a page may add others between them).
        const required = ['What it checks', 'Why', 'Bad', 'Good', 'AWS documentation'];
        expect([...s.keys()].filter((k) => required.includes(k))).toEqual(required);
        for (const [name, body] of s) expect(body.trim(), `${rule.id}: ${name}`).not.toBe('');
        expect(s.get('Bad')).toMatch(/```/);
        expect(s.get('Good')).toMatch(/```/);
        // A Markdown link or a bare URL (GitHub renders both as links).
        expect(s.get('AWS documentation')).toMatch(/https:\/\/docs\.aws\.amazon\.com\/\S+/);
      });
      it('has a helpUri that is its own page (which links the AWS documentation)', () => {
        expect(rule.helpUri).toBe(`${PAGE_BASE}${rule.id}.md`);
      });
      it('has tags for code scanning; a security-severity exactly when tagged security and ranked', () => {
        expect(rule.tags?.length ?? 0).toBeGreaterThan(0);
        expect(rule.tags?.length ?? 0).toBeLessThanOrEqual(10);
        if (rule.securitySeverity !== undefined) {
          expect(rule.tags).toContain('security');
          expect(rule.securitySeverity).toBeGreaterThan(0);
          expect(rule.securitySeverity).toBeLessThanOrEqual(10);
        }
      });
      it('has a row in the README rules table', () => {
        const row = readmeRows.find((cells) => cells[0] === `\`${rule.id}\``);
        expect(row, `README row for ${rule.id}`).toBeDefined();
        expect(row?.[1]).toBe(rule.level);
      });
    });
  }

  it('docs/rules has no page without a rule', () => {
    expect(pages.filter((p) => !files.includes(p))).toEqual([]);
  });

  it('fixtures name no rule that does not exist', () => {
    expect(folders(join(ROOT, 'fixtures/rules')).filter((d) => !files.includes(d))).toEqual([]);
  });
});

describe('security ranking (issue 13, item 5)', () => {
  it('unconstrained PassRole and wildcard trust rank high, an over-broad role medium', () => {
    const severity = new Map(rules.map((r) => [r.id, r.securitySeverity]));
    expect(severity.get('passrole-condition')).toBeGreaterThanOrEqual(7);
    expect(severity.get('role-trust')).toBeGreaterThanOrEqual(7);
    const broad = severity.get('role-permissions') ?? 0;
    expect(broad >= 4 && broad < 7).toBe(true);
  });
});
